-- Search indexes cover only what the public sees: published listings of
-- verified suppliers. Sizes and build times at 1.000.000 listings are in
-- docs/catalog-search.md.
CREATE INDEX listings_search_idx ON listings USING gin (search_vec) WHERE status = 'published' AND supplier_active;
CREATE INDEX listings_price_idx ON listings (price, id) WHERE status = 'published' AND supplier_active;
CREATE INDEX listings_newest_idx ON listings (published_at DESC, id DESC) WHERE status = 'published' AND supplier_active;

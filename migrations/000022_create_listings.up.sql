-- Listings: what suppliers offer, goods (barang) or services (jasa), with
-- their photos and price history. Only published listings of verified
-- suppliers are searchable; supplier_active and supplier_scale copy the
-- supplier's state so that search needs no join (see docs/catalog-search.md).
CREATE TABLE listings (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    supplier_id      bigint NOT NULL REFERENCES suppliers (id),
    kind             text NOT NULL CHECK (kind IN ('goods', 'services')),
    title            text NOT NULL CHECK (length(title) BETWEEN 3 AND 150),
    description      text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    category_id      bigint NOT NULL REFERENCES categories (id),
    unit             text NOT NULL CHECK (length(unit) BETWEEN 1 AND 40),
    -- Whole rupiah per unit; for a PKP supplier it includes PPN.
    price            bigint NOT NULL CHECK (price > 0 AND price <= 1000000000000),
    min_order        int NOT NULL DEFAULT 1 CHECK (min_order BETWEEN 1 AND 1000000),
    stock            int CHECK (stock BETWEEN 0 AND 100000000),          -- goods
    daily_capacity   int CHECK (daily_capacity BETWEEN 0 AND 100000000), -- services
    lead_time_days   int NOT NULL DEFAULT 1 CHECK (lead_time_days BETWEEN 0 AND 365),
    -- Kecamatan codes served; empty means the whole regency.
    served_kecamatan text[] NOT NULL DEFAULT '{}',
    origin           text NOT NULL DEFAULT 'national' CHECK (origin IN ('local', 'national', 'imported')),
    ssh_item_id      bigint REFERENCES ssh_items (id),
    -- The linked SSH item's ceiling, kept current by SSH imports.
    ssh_ceiling      bigint CHECK ((ssh_item_id IS NULL) = (ssh_ceiling IS NULL)),
    status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'hidden', 'taken_down')),
    takedown_reason  text NOT NULL DEFAULT '' CHECK (length(takedown_reason) <= 1000),
    taken_down_by    bigint REFERENCES users (id),
    taken_down_at    timestamptz,
    -- Category name and SSH description, so that they are searched too.
    keywords         text NOT NULL DEFAULT '' CHECK (length(keywords) <= 600),
    supplier_active  boolean NOT NULL DEFAULT false,
    supplier_scale   text NOT NULL DEFAULT '',
    version          int NOT NULL DEFAULT 1,
    published_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    search_vec       tsvector GENERATED ALWAYS AS (catalog_vector(title, keywords, description)) STORED,
    CHECK (status <> 'taken_down' OR takedown_reason <> ''),
    CHECK (status <> 'published' OR published_at IS NOT NULL)
);
CREATE INDEX listings_supplier_idx ON listings (supplier_id, updated_at DESC);
CREATE INDEX listings_ssh_idx ON listings (ssh_item_id, price) WHERE ssh_item_id IS NOT NULL;
CREATE INDEX listings_moderation_idx ON listings (taken_down_at DESC) WHERE status = 'taken_down';

-- The supplier's state is copied when a listing is written, under a share
-- lock on the supplier row, so a concurrent suspension waits for the insert
-- and then hides the new listing too.
CREATE FUNCTION listings_copy_supplier() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT s.status = 'verified', s.scale INTO NEW.supplier_active, NEW.supplier_scale
    FROM suppliers s WHERE s.id = NEW.supplier_id FOR SHARE;
    RETURN NEW;
END $$;
CREATE TRIGGER listings_copy_supplier BEFORE INSERT OR UPDATE OF supplier_id ON listings
    FOR EACH ROW EXECUTE FUNCTION listings_copy_supplier();

-- A supplier that is suspended (or leaves verified status) vanishes from
-- search in the same transaction.
CREATE FUNCTION listings_follow_supplier() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE listings SET supplier_active = (NEW.status = 'verified'), supplier_scale = NEW.scale
    WHERE supplier_id = NEW.id
      AND (supplier_active IS DISTINCT FROM (NEW.status = 'verified') OR supplier_scale IS DISTINCT FROM NEW.scale);
    RETURN NULL;
END $$;
CREATE TRIGGER suppliers_listings_follow AFTER UPDATE OF status, scale ON suppliers
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.scale IS DISTINCT FROM NEW.scale)
    EXECUTE FUNCTION listings_follow_supplier();

CREATE TABLE listing_prices (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    listing_id  bigint NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    price       bigint NOT NULL CHECK (price > 0),
    source      text NOT NULL CHECK (source IN ('create', 'edit', 'bulk')),
    changed_by  bigint REFERENCES users (id),
    changed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX listing_prices_listing_idx ON listing_prices (listing_id, changed_at);

CREATE TABLE listing_photos (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    listing_id  bigint NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    position    smallint NOT NULL CHECK (position BETWEEN 0 AND 7),
    blob_key    text NOT NULL UNIQUE CHECK (blob_key ~ '^[0-9a-f]{32}$'),
    thumb_key   text NOT NULL UNIQUE CHECK (thumb_key ~ '^[0-9a-f]{32}$'),
    width       int NOT NULL DEFAULT 0,
    height      int NOT NULL DEFAULT 0,
    -- Demo and benchmark pictures are drawn from this recipe when first
    -- asked for, instead of writing thousands of files at seeding time.
    generated   text NOT NULL DEFAULT '' CHECK (length(generated) <= 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (listing_id, position) DEFERRABLE INITIALLY DEFERRED
);

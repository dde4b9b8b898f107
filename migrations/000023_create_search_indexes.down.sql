DROP INDEX listings_newest_idx; DROP INDEX listings_price_idx; DROP INDEX listings_search_idx;

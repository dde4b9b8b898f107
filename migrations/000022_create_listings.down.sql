DROP TABLE listing_photos;
DROP TABLE listing_prices;
DROP TRIGGER suppliers_listings_follow ON suppliers;
DROP FUNCTION listings_follow_supplier();
DROP TABLE listings;
DROP FUNCTION listings_copy_supplier();

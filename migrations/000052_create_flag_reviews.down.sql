DROP TABLE IF EXISTS flag_reviews;

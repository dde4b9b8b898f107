DROP TABLE catalog_uploads;

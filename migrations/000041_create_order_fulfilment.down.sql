DROP TABLE IF EXISTS order_ratings;
DROP TABLE IF EXISTS order_payments;
DROP TABLE IF EXISTS order_inspection_photos;
DROP TABLE IF EXISTS order_inspection_lines;
DROP TABLE IF EXISTS order_inspections;
DROP TABLE IF EXISTS order_shipment_lines;
DROP TABLE IF EXISTS order_shipments;

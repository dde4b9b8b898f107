ALTER TABLE orders ADD CONSTRAINT orders_sp_number_key UNIQUE (sp_number);
CREATE INDEX orders_ppk_idx ON orders (ppk_user_id, state);

-- Fewer indexes on orders (docs/ordering.md, "Speed"). Every transition
-- changes the state, so every update of an order writes a new entry in
-- each of its indexes; two of them earned nothing:
-- - orders_ppk_idx (ppk_user_id, state): the PPK's work list is of live
--   states, which orders_flag_ppk_idx (ppk_user_id, placed_at, live only)
--   serves as well;
-- - the UNIQUE on sp_number: an SP number is unique already as the number
--   of the order's SP document (order_documents (kind, number)), written
--   in the same transaction that sets it.
DROP INDEX orders_ppk_idx;
ALTER TABLE orders DROP CONSTRAINT orders_sp_number_key;

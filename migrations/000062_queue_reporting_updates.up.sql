-- Reporting is kept up to date after the order's transaction instead of
-- inside it (docs/ordering.md, "Speed"; docs/spending.md). Until now the
-- triggers of 000050 and 000059 computed an order's spending facts (at
-- payment) and red flags (at checkout, signing, BAST, completion) in the
-- transaction that moved it: a fifth of the database work of an order's
-- life, paid by the official waiting for the page. Now those triggers only
-- note the order in reporting_queue, in the same transaction (so nothing
-- is lost on a crash), and reporting_drain() does the work for every noted
-- order at once, set-based: every second in the background, and before
-- every read of the dashboards and the red flags, which therefore still
-- show every committed order.
--
-- The pair counts (flag_ppk_months, flag_pair_months) stay in the
-- transaction: they are deltas, cheap, and only move at checkout and when
-- an order ends.
CREATE TABLE reporting_queue (
    order_id  bigint NOT NULL,   -- no foreign key: a deleted order drains to nothing
    lines     boolean NOT NULL,  -- recompute the flags of the order's lines too
    facts     boolean NOT NULL   -- write the order's spending facts (paid)
);

CREATE OR REPLACE FUNCTION order_flags_on_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reporting_queue (order_id, lines, facts) VALUES (NEW.id,
        TG_OP = 'UPDATE' AND (OLD.placed_at IS DISTINCT FROM NEW.placed_at
        OR (OLD.state IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired'))
            IS DISTINCT FROM (NEW.state IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired'))), false);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION order_flags_on_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reporting_queue (order_id, lines, facts) SELECT DISTINCT order_id, true, false FROM new_lines;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION order_flags_on_line_price() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reporting_queue (order_id, lines, facts) VALUES (NEW.order_id, true, false);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION spending_facts_on_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reporting_queue (order_id, lines, facts) VALUES (NEW.id, false, true);
    RETURN NULL;
END $$;

-- reporting_drain does the noted work and returns the number of orders it
-- looked at. Drains run one at a time (a transaction-level advisory lock),
-- so one that starts while another works waits for it and then sees its
-- results; the rollups are upserted by one drain at a time, never in
-- opposite orders. Each call plans for the orders at hand (custom plans:
-- planning is cheap next to a batch, and a plan made on a young, small
-- database stays good as it grows).
CREATE FUNCTION reporting_drain() RETURNS int LANGUAGE plpgsql
SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    ids bigint[];
    line_ids bigint[];
    fact_ids bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('reporting_drain'));
    WITH q AS (DELETE FROM reporting_queue RETURNING order_id, lines, facts)
    SELECT array_agg(DISTINCT order_id),
           coalesce(array_agg(DISTINCT order_id) FILTER (WHERE lines), '{}'),
           coalesce(array_agg(DISTINCT order_id) FILTER (WHERE facts), '{}')
    INTO ids, line_ids, fact_ids FROM q;
    IF ids IS NULL THEN
        RETURN 0;
    END IF;
    -- Red flags: the kinds of the order row for every noted order, those
    -- of its lines too where asked (checkout, a price change, the order
    -- ending or being re-dated), as order_flags_refresh does for one.
    DELETE FROM order_flags WHERE order_id = ANY (ids)
        AND (order_id = ANY (line_ids) OR kind IN ('split', 'fast_completion'));
    INSERT INTO order_flags (order_id, kind, placed_at, label, n1, n2, n3, n4, justification)
    SELECT * FROM order_flag_orders WHERE order_id = ANY (ids)
    UNION ALL
    SELECT * FROM order_flag_lines WHERE order_id = ANY (line_ids);
    -- Spending facts of the orders that became paid (a repeat is a no-op);
    -- their statement trigger moves the rollups once for the whole batch.
    INSERT INTO spending_facts (line_id, order_id, opd_id, supplier_id, kecamatan_code, scale, category_id, local,
        paid_on, month, amount, bast_on, days_to_pay, bast_at, paid_at, ppk_user_id)
    SELECT line_id, order_id, opd_id, supplier_id, kecamatan_code, scale, category_id, local,
        paid_on, month, amount, bast_on, days_to_pay, bast_at, paid_at, ppk_user_id
    FROM spending_fact_source WHERE order_id = ANY (fact_ids)
    ON CONFLICT (line_id) DO NOTHING;
    RETURN cardinality(ids);
END $$;

-- Cached plans for the per-order reporting trigger (docs/ordering.md,
-- "Speed"). spending_facts_add was a LANGUAGE sql function, which
-- PostgreSQL plans afresh on every call: planning the view
-- spending_fact_source (five joins) cost more than running it, about 1,4 ms
-- of every payment. As PL/pgSQL its statement keeps one generic plan for
-- the session, as order_flags_refresh (000059) does.
CREATE OR REPLACE FUNCTION spending_facts_add(p_order_id bigint) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    INSERT INTO spending_facts (line_id, order_id, opd_id, supplier_id, kecamatan_code, scale, category_id, local,
        paid_on, month, amount, bast_on, days_to_pay, bast_at, paid_at, ppk_user_id)
    SELECT line_id, order_id, opd_id, supplier_id, kecamatan_code, scale, category_id, local,
        paid_on, month, amount, bast_on, days_to_pay, bast_at, paid_at, ppk_user_id
    FROM spending_fact_source WHERE order_id = p_order_id
    ON CONFLICT (line_id) DO NOTHING;
END $$;

CREATE OR REPLACE FUNCTION spending_facts_add(p_order_id bigint) RETURNS void LANGUAGE sql
AS $$
    INSERT INTO spending_facts (line_id, order_id, opd_id, supplier_id, kecamatan_code, scale, category_id, local,
        paid_on, month, amount, bast_on, days_to_pay, bast_at, paid_at, ppk_user_id)
    SELECT line_id, order_id, opd_id, supplier_id, kecamatan_code, scale, category_id, local,
        paid_on, month, amount, bast_on, days_to_pay, bast_at, paid_at, ppk_user_id
    FROM spending_fact_source WHERE order_id = p_order_id
    ON CONFLICT (line_id) DO NOTHING;
$$;

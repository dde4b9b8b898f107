-- Spending facts for the dashboards (docs/spending.md): one row per order
-- line of a paid (or completed) order, written by triggers in the payment's
-- own transaction, and monthly rollups kept by a statement trigger on the
-- facts, so a dashboard reads a few thousand rollup rows instead of every
-- order. reporting_rebuild() recomputes everything from the orders.

-- spending_fact_source is what a fact is: a line with a received quantity of
-- an order that is paid or completed and has its payment recorded. The
-- amount is what the buyer paid for the line (received quantity × unit
-- price, PPN included for a PKP supplier), as on the kuitansi. Supplier and
-- listing attributes are taken as they are at payment.
CREATE VIEW spending_fact_source AS
SELECT l.id AS line_id,
       o.id AS order_id,
       o.opd_id,
       o.supplier_id,
       coalesce(s.kecamatan_code, '') AS kecamatan_code,
       s.scale,
       l.category_id,
       coalesce(li.origin = 'local', false) AS local,
       p.paid_on,
       date_trunc('month', p.paid_on)::date AS month,
       l.received_qty::bigint * l.unit_price AS amount,
       (o.bast_at AT TIME ZONE 'Asia/Jakarta')::date AS bast_on,
       greatest(p.paid_on - (o.bast_at AT TIME ZONE 'Asia/Jakarta')::date, 0) AS days_to_pay,
       o.bast_at,
       o.paid_at,
       o.ppk_user_id
FROM orders o
JOIN order_payments p ON p.order_id = o.id
JOIN order_lines l ON l.order_id = o.id
JOIN suppliers s ON s.id = o.supplier_id
LEFT JOIN listings li ON li.id = l.listing_id
WHERE o.state IN ('paid', 'completed') AND l.received_qty > 0;

CREATE TABLE spending_facts (
    line_id         bigint PRIMARY KEY REFERENCES order_lines (id) ON DELETE CASCADE,
    order_id        bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    opd_id          bigint NOT NULL,
    supplier_id     bigint NOT NULL,
    kecamatan_code  text NOT NULL,      -- '' when the supplier has none
    scale           text NOT NULL,      -- '' when not filled in
    category_id     bigint,             -- NULL: a line without a category
    local           boolean NOT NULL,   -- the listing is a local product (listings.origin = 'local')
    paid_on         date NOT NULL,
    month           date NOT NULL,      -- first day of paid_on's month
    amount          bigint NOT NULL CHECK (amount >= 0),
    bast_on         date,               -- the BAST's day in WIB
    days_to_pay     int,                -- days from the BAST's day to paid_on
    bast_at         timestamptz,
    paid_at         timestamptz,
    ppk_user_id     bigint NOT NULL
);
-- Drill-down to orders: newest payment first, per dimension.
CREATE INDEX spending_facts_paid_idx ON spending_facts (paid_on DESC, order_id DESC);
CREATE INDEX spending_facts_opd_idx ON spending_facts (opd_id, paid_on DESC, order_id DESC);
CREATE INDEX spending_facts_category_idx ON spending_facts (category_id, paid_on DESC, order_id DESC);
CREATE INDEX spending_facts_kecamatan_idx ON spending_facts (kecamatan_code, paid_on DESC, order_id DESC);
CREATE INDEX spending_facts_scale_idx ON spending_facts (scale, paid_on DESC, order_id DESC);
CREATE INDEX spending_facts_supplier_idx ON spending_facts (supplier_id, paid_on DESC, order_id DESC);
CREATE INDEX spending_facts_order_idx ON spending_facts (order_id);

-- Rollups by month. Each counts whole orders where an order belongs to one
-- row (month, OPD, supplier and BAST-to-payment days are the order's own);
-- spending_categories counts an order once per category it has lines in.
-- Rows are at most months × OPDs × a small dimension (about 40.000 for
-- three years of 60 OPDs), so a dashboard reads them in milliseconds.
CREATE TABLE spending_months (
    month         date NOT NULL,
    opd_id        bigint NOT NULL,
    amount        bigint NOT NULL,
    orders        int NOT NULL,
    lines         int NOT NULL,
    local_amount  bigint NOT NULL,
    local_orders  int NOT NULL,   -- orders with at least one local product
    PRIMARY KEY (month, opd_id)
);
CREATE INDEX spending_months_opd_idx ON spending_months (opd_id, month);

CREATE TABLE spending_categories (
    month        date NOT NULL,
    opd_id       bigint NOT NULL,
    category_id  bigint NOT NULL,   -- 0: lines without a category
    amount       bigint NOT NULL,
    orders       int NOT NULL,
    lines        int NOT NULL,
    PRIMARY KEY (month, opd_id, category_id)
);

CREATE TABLE spending_places (
    month           date NOT NULL,
    opd_id          bigint NOT NULL,
    kecamatan_code  text NOT NULL,
    scale           text NOT NULL,
    amount          bigint NOT NULL,
    orders          int NOT NULL,
    PRIMARY KEY (month, opd_id, kecamatan_code, scale)
);

CREATE TABLE spending_pay_days (
    month   date NOT NULL,
    opd_id  bigint NOT NULL,
    days    int NOT NULL,
    orders  int NOT NULL,
    PRIMARY KEY (month, opd_id, days)
);

-- spending_supplier_years answers "how many suppliers were paid in the
-- period (by this OPD)": per supplier and year, the months it was paid in
-- as a 12-bit mask (bit 0 January), per OPD and for all OPDs (opd_id 0).
-- A dashboard scans one row per supplier and year, whatever the volume.
CREATE TABLE spending_supplier_years (
    opd_id       bigint NOT NULL,   -- 0: all OPDs
    supplier_id  bigint NOT NULL,
    year         int NOT NULL,
    months       int NOT NULL CHECK (months BETWEEN 1 AND 4095),
    PRIMARY KEY (opd_id, year, supplier_id)
);

-- spending_rollup adds (on INSERT) or subtracts (on DELETE) the facts of
-- one statement, passed as the transition table changed_facts, to every
-- rollup. All of an order's facts are written by one statement, so counting
-- distinct orders per statement counts each order once.
CREATE FUNCTION spending_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign int := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM changed_facts) THEN
        RETURN NULL;
    END IF;
    INSERT INTO spending_months AS r (month, opd_id, amount, orders, lines, local_amount, local_orders)
    SELECT month, opd_id, sign * sum(amount), sign * count(DISTINCT order_id), sign * count(*),
           sign * coalesce(sum(amount) FILTER (WHERE local), 0), sign * count(DISTINCT order_id) FILTER (WHERE local)
    FROM changed_facts GROUP BY month, opd_id
    ON CONFLICT (month, opd_id) DO UPDATE SET amount = r.amount + EXCLUDED.amount, orders = r.orders + EXCLUDED.orders,
        lines = r.lines + EXCLUDED.lines, local_amount = r.local_amount + EXCLUDED.local_amount,
        local_orders = r.local_orders + EXCLUDED.local_orders;

    INSERT INTO spending_categories AS r (month, opd_id, category_id, amount, orders, lines)
    SELECT month, opd_id, coalesce(category_id, 0), sign * sum(amount), sign * count(DISTINCT order_id), sign * count(*)
    FROM changed_facts GROUP BY month, opd_id, coalesce(category_id, 0)
    ON CONFLICT (month, opd_id, category_id) DO UPDATE SET amount = r.amount + EXCLUDED.amount,
        orders = r.orders + EXCLUDED.orders, lines = r.lines + EXCLUDED.lines;

    INSERT INTO spending_places AS r (month, opd_id, kecamatan_code, scale, amount, orders)
    SELECT month, opd_id, kecamatan_code, scale, sign * sum(amount), sign * count(DISTINCT order_id)
    FROM changed_facts GROUP BY month, opd_id, kecamatan_code, scale
    ON CONFLICT (month, opd_id, kecamatan_code, scale) DO UPDATE SET amount = r.amount + EXCLUDED.amount,
        orders = r.orders + EXCLUDED.orders;

    INSERT INTO spending_pay_days AS r (month, opd_id, days, orders)
    SELECT month, opd_id, days_to_pay, sign * count(DISTINCT order_id)
    FROM changed_facts WHERE days_to_pay IS NOT NULL GROUP BY month, opd_id, days_to_pay
    ON CONFLICT (month, opd_id, days) DO UPDATE SET orders = r.orders + EXCLUDED.orders;

    IF sign > 0 THEN
        INSERT INTO spending_supplier_years AS r (opd_id, supplier_id, year, months)
        SELECT opd, supplier_id, year, bit_or(bit) FROM (
            SELECT opd_id AS opd, supplier_id, extract(year FROM month)::int AS year, 1 << (extract(month FROM month)::int - 1) AS bit FROM changed_facts
            UNION ALL
            SELECT 0, supplier_id, extract(year FROM month)::int, 1 << (extract(month FROM month)::int - 1) FROM changed_facts) x
        GROUP BY opd, supplier_id, year
        ON CONFLICT (opd_id, year, supplier_id) DO UPDATE SET months = r.months | EXCLUDED.months;
    ELSE
        -- A month bit cannot be taken back by itself: recompute the
        -- suppliers' years touched from the facts that remain.
        DELETE FROM spending_supplier_years y
        USING (SELECT DISTINCT supplier_id, extract(year FROM month)::int AS year FROM changed_facts) k
        WHERE y.supplier_id = k.supplier_id AND y.year = k.year;
        INSERT INTO spending_supplier_years (opd_id, supplier_id, year, months)
        SELECT opd, supplier_id, year, bit_or(bit) FROM (
            SELECT o.opd, f.supplier_id, k.year, 1 << (extract(month FROM f.month)::int - 1) AS bit
            FROM (SELECT DISTINCT supplier_id, extract(year FROM month)::int AS year FROM changed_facts) k
            JOIN spending_facts f ON f.supplier_id = k.supplier_id AND f.paid_on >= make_date(k.year, 1, 1) AND f.paid_on < make_date(k.year + 1, 1, 1)
            CROSS JOIN LATERAL (VALUES (f.opd_id), (0)) o (opd)) x
        GROUP BY opd, supplier_id, year;
    END IF;

    IF sign < 0 THEN
        DELETE FROM spending_months WHERE lines <= 0;
        DELETE FROM spending_categories WHERE lines <= 0;
        DELETE FROM spending_places WHERE orders <= 0;
        DELETE FROM spending_pay_days WHERE orders <= 0;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER spending_facts_rollup_insert AFTER INSERT ON spending_facts
    REFERENCING NEW TABLE AS changed_facts FOR EACH STATEMENT EXECUTE FUNCTION spending_rollup();
CREATE TRIGGER spending_facts_rollup_delete AFTER DELETE ON spending_facts
    REFERENCING OLD TABLE AS changed_facts FOR EACH STATEMENT EXECUTE FUNCTION spending_rollup();

-- Facts are never changed in place (the rollups would drift): rebuild instead.
CREATE FUNCTION spending_facts_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'spending facts are not updated: call reporting_rebuild()' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER spending_facts_immutable BEFORE UPDATE ON spending_facts
    FOR EACH STATEMENT EXECUTE FUNCTION spending_facts_immutable();

-- spending_facts_add writes the facts of one order when it has become paid
-- and its payment exists; a repeat is a no-op.
CREATE FUNCTION spending_facts_add(p_order_id bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO spending_facts (line_id, order_id, opd_id, supplier_id, kecamatan_code, scale, category_id, local,
        paid_on, month, amount, bast_on, days_to_pay, bast_at, paid_at, ppk_user_id)
    SELECT line_id, order_id, opd_id, supplier_id, kecamatan_code, scale, category_id, local,
        paid_on, month, amount, bast_on, days_to_pay, bast_at, paid_at, ppk_user_id
    FROM spending_fact_source WHERE order_id = p_order_id
    ON CONFLICT (line_id) DO NOTHING;
$$;

CREATE FUNCTION spending_facts_on_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM spending_facts_add(NEW.id);
    RETURN NULL;
END $$;

-- Ordering records the payment, then moves the order to paid: the row
-- trigger on orders writes the facts. A bulk load that inserts orders
-- already paid or completed, then their lines, then their payments (in as
-- few statements as it likes) is caught by the statement trigger on
-- order_payments, which writes the facts of all of them at once.
CREATE FUNCTION spending_facts_on_payments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO spending_facts (line_id, order_id, opd_id, supplier_id, kecamatan_code, scale, category_id, local,
        paid_on, month, amount, bast_on, days_to_pay, bast_at, paid_at, ppk_user_id)
    SELECT line_id, order_id, opd_id, supplier_id, kecamatan_code, scale, category_id, local,
        paid_on, month, amount, bast_on, days_to_pay, bast_at, paid_at, ppk_user_id
    FROM spending_fact_source WHERE order_id IN (SELECT order_id FROM new_payments)
    ON CONFLICT (line_id) DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER spending_facts_on_payment AFTER INSERT ON order_payments
    REFERENCING NEW TABLE AS new_payments FOR EACH STATEMENT EXECUTE FUNCTION spending_facts_on_payments();
CREATE TRIGGER spending_facts_on_paid AFTER UPDATE OF state ON orders
    FOR EACH ROW WHEN (NEW.state IN ('paid', 'completed') AND OLD.state NOT IN ('paid', 'completed'))
    EXECUTE FUNCTION spending_facts_on_order();

-- reporting_rebuild recomputes the facts and rollups from the orders, in
-- one statement, and returns the number of facts. Use it after a bulk load
-- made with the triggers disabled, or if the rollups were ever in doubt.
CREATE FUNCTION reporting_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    TRUNCATE spending_facts, spending_months, spending_categories, spending_places, spending_pay_days, spending_supplier_years;
    INSERT INTO spending_facts (line_id, order_id, opd_id, supplier_id, kecamatan_code, scale, category_id, local,
        paid_on, month, amount, bast_on, days_to_pay, bast_at, paid_at, ppk_user_id)
    SELECT line_id, order_id, opd_id, supplier_id, kecamatan_code, scale, category_id, local,
        paid_on, month, amount, bast_on, days_to_pay, bast_at, paid_at, ppk_user_id
    FROM spending_fact_source;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

SELECT reporting_rebuild();

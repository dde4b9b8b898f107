-- Red flags per order (internal/reporting/flags.go, docs/reports-bench.md):
-- the kinds that are a property of one order (split, fast_order, price,
-- fast_completion) are kept in order_flags by triggers, in the transaction
-- that places, signs, changes or ends the order, so the red-flags page counts
-- a few thousand narrow rows instead of computing every kind over every
-- order of the period (0,4 s at 200.000 orders). Only live orders (not
-- cancelled, rejected or expired) have rows. The repeat-pair kind depends on
-- the period: it is found on read, from monthly counts per PPK and per PPK
-- and supplier that triggers keep too (flag_ppk_months, flag_pair_months).
-- order_flags_rebuild() recomputes all of it from the orders.
CREATE TABLE order_flags (
    order_id       bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('split', 'fast_order', 'price', 'fast_completion')),
    placed_at      timestamptz NOT NULL,   -- the order's, so a period is one index range
    -- What the kind found, for the reason auditors read (flagFacts in flags.go).
    label          text NOT NULL DEFAULT '',
    n1             bigint NOT NULL DEFAULT 0,
    n2             bigint NOT NULL DEFAULT 0,
    n3             bigint NOT NULL DEFAULT 0,
    n4             bigint NOT NULL DEFAULT 0,
    justification  text NOT NULL DEFAULT '',
    PRIMARY KEY (order_id, kind)
);
CREATE INDEX order_flags_kind_idx ON order_flags (kind, placed_at DESC, order_id DESC);

-- Repeat PPK-supplier pairs (a supplier with more than 60% of a PPK's
-- live orders in a period). If a supplier has more than that share over a
-- period, it has more than that share in at least one part of it; so the
-- candidates are each whole month's leading supplier of each PPK (from the
-- counts below) and the pairs found in the days before the first and after
-- the last whole month (from the index on placed_at); each candidate is then
-- counted exactly from the index on the PPK. See flagHotPairs in flags.go.
CREATE TABLE flag_ppk_months (
    ppk_user_id  bigint NOT NULL,
    month        date NOT NULL,   -- of placed_at, in WIB
    orders       int NOT NULL,    -- live orders
    PRIMARY KEY (ppk_user_id, month)
);
CREATE INDEX flag_ppk_months_month_idx ON flag_ppk_months (month);
CREATE TABLE flag_pair_months (
    ppk_user_id  bigint NOT NULL,
    month        date NOT NULL,
    supplier_id  bigint NOT NULL,
    orders       int NOT NULL,
    PRIMARY KEY (ppk_user_id, month, supplier_id)
);
CREATE INDEX flag_pair_months_top_idx ON flag_pair_months (ppk_user_id, month, orders DESC);
CREATE INDEX orders_flag_pairs_idx ON orders (placed_at) INCLUDE (ppk_user_id, supplier_id)
    WHERE state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired');
CREATE INDEX orders_flag_ppk_idx ON orders (ppk_user_id, placed_at) INCLUDE (supplier_id)
    WHERE state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired');

-- order_pair_count adds sign (1 or -1) to the counts of a live order's PPK
-- and supplier in the month it was placed.
CREATE FUNCTION order_pair_count(ppk bigint, supplier bigint, placed timestamptz, sign int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    m date := date_trunc('month', placed AT TIME ZONE 'Asia/Jakarta')::date;
BEGIN
    INSERT INTO flag_ppk_months AS c (ppk_user_id, month, orders) VALUES (ppk, m, sign)
    ON CONFLICT (ppk_user_id, month) DO UPDATE SET orders = c.orders + EXCLUDED.orders;
    INSERT INTO flag_pair_months AS c (ppk_user_id, month, supplier_id, orders) VALUES (ppk, m, supplier, sign)
    ON CONFLICT (ppk_user_id, month, supplier_id) DO UPDATE SET orders = c.orders + EXCLUDED.orders;
END $$;

CREATE FUNCTION order_pairs_on_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired') THEN
        PERFORM order_pair_count(OLD.ppk_user_id, OLD.supplier_id, OLD.placed_at, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired') THEN
        PERFORM order_pair_count(NEW.ppk_user_id, NEW.supplier_id, NEW.placed_at, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER order_pairs_on_insert AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION order_pairs_on_order();
-- Only an order that ends, or whose PPK, supplier or time changes, moves
-- between counts.
CREATE TRIGGER order_pairs_on_update AFTER UPDATE OF state, ppk_user_id, supplier_id, placed_at ON orders
    FOR EACH ROW WHEN ((OLD.state IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired'))
            IS DISTINCT FROM (NEW.state IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired'))
        OR OLD.ppk_user_id IS DISTINCT FROM NEW.ppk_user_id OR OLD.supplier_id IS DISTINCT FROM NEW.supplier_id
        OR OLD.placed_at IS DISTINCT FROM NEW.placed_at)
    EXECUTE FUNCTION order_pairs_on_order();
CREATE TRIGGER order_pairs_on_delete AFTER DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION order_pairs_on_order();

-- What the stored flags of live orders are, in two views: the kinds that
-- depend on the order row alone (order_flag_orders) and those that depend
-- on its lines (order_flag_lines), so that a transition recomputes only the
-- first and checkout only the second. The thresholds are the constants of
-- flags.go: an hour from a listing's creation to the order and from SP to
-- BAST of goods, a day from order to completion, 1,5 × the median of the
-- listing's earlier prices. A condition on order_id reaches every branch,
-- so one order's flags cost a few index lookups.
CREATE VIEW order_flag_orders AS
-- The split rule flagged the order at checkout or signing.
SELECT o.id AS order_id, 'split' AS kind, o.placed_at,
    coalesce(jsonb_path_query_first(o.rule_outcome, '$.results[*] ? (@.rule == "split")')->>'message', '') AS label,
    0::bigint AS n1, 0::bigint AS n2, 0::bigint AS n3, 0::bigint AS n4, coalesce(o.justifications->>'split', '') AS justification
FROM orders o
WHERE o.flagged AND o.state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired')
UNION ALL
-- Goods from SP to BAST within an hour (n1, else -1), or from order to
-- completion within a day (n2, else -1).
SELECT o.id, 'fast_completion', o.placed_at, '',
    CASE WHEN o.bast_at - o.signed_at < interval '1 hour'
        AND EXISTS (SELECT 1 FROM order_lines ol WHERE ol.order_id = o.id AND ol.kind = 'goods')
        THEN greatest(0, floor(extract(epoch FROM o.bast_at - o.signed_at) / 60))::bigint ELSE -1 END,
    CASE WHEN o.completed_at - o.placed_at < interval '1 day'
        THEN greatest(0, floor(extract(epoch FROM o.completed_at - o.placed_at) / 60))::bigint ELSE -1 END,
    0, 0, ''
FROM orders o
WHERE o.state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired')
  AND ((o.bast_at - o.signed_at < interval '1 hour'
        AND EXISTS (SELECT 1 FROM order_lines ol WHERE ol.order_id = o.id AND ol.kind = 'goods'))
    OR o.completed_at - o.placed_at < interval '1 day');

CREATE VIEW order_flag_lines AS
-- Ordered within an hour of a listing's creation; n1: the minutes (the
-- listing created last is shown).
SELECT * FROM (
    SELECT DISTINCT ON (o.id) o.id AS order_id, 'fast_order' AS kind, o.placed_at, l.title AS label,
        greatest(0, floor(extract(epoch FROM o.placed_at - l.created_at) / 60))::bigint AS n1,
        0::bigint AS n2, 0::bigint AS n3, 0::bigint AS n4, '' AS justification
    FROM orders o
    JOIN order_lines ol ON ol.order_id = o.id
    JOIN listings l ON l.id = ol.listing_id
    WHERE o.state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired')
      AND o.placed_at - l.created_at < interval '1 hour'
    ORDER BY o.id, l.created_at DESC) fast
UNION ALL
-- A unit price above the SSH ceiling or above 1,5 × the median of the
-- listing's earlier prices; n1 the price, n2 the ceiling (0: none), n3 the
-- median (0: not computed), n4 the lines flagged; the first such line is
-- shown. The median is computed only for lines above 1,5 × the lowest price
-- the listing ever had (a median is never below it).
SELECT x.id, 'price', min(x.placed_at), (array_agg(x.title ORDER BY x.position))[1],
    (array_agg(x.unit_price ORDER BY x.position))[1], (array_agg(x.ssh ORDER BY x.position))[1],
    (array_agg(x.median ORDER BY x.position))[1], count(*), min(x.just)
FROM (
    SELECT o.id, o.placed_at, ol.position, ol.title, ol.unit_price, coalesce(ol.ssh_ceiling, 0) AS ssh,
        coalesce(round(h.median)::bigint, 0) AS median, coalesce(o.justifications->>'ssh_ceiling', '') AS just
    FROM orders o
    JOIN order_lines ol ON ol.order_id = o.id
    LEFT JOIN LATERAL (SELECT min(lp.price) AS low FROM listing_prices lp WHERE lp.listing_id = ol.listing_id) lo ON true
    LEFT JOIN LATERAL (
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lp.price) AS median
        FROM listing_prices lp
        WHERE lp.listing_id = ol.listing_id AND lp.changed_at < o.placed_at AND ol.unit_price > 1.5 * lo.low) h ON true
    WHERE o.state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired')
      AND (ol.unit_price > ol.ssh_ceiling OR ol.unit_price > 1.5 * h.median)) x
GROUP BY x.id;

-- order_flags_refresh recomputes one order's stored flags: those of the
-- order row (order_flag_orders) and, when lines is true, those of its
-- lines (order_flag_lines). PL/pgSQL keeps the plans of its statements for
-- the session; they are generic from the first call, as planning the views
-- costs more than running them for one order (without this, each new
-- connection plans them afresh five times).
CREATE FUNCTION order_flags_refresh(p_order_id bigint, lines boolean) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    IF lines THEN
        DELETE FROM order_flags WHERE order_id = p_order_id;
        INSERT INTO order_flags (order_id, kind, placed_at, label, n1, n2, n3, n4, justification)
        SELECT * FROM order_flag_orders WHERE order_id = p_order_id
        UNION ALL
        SELECT * FROM order_flag_lines WHERE order_id = p_order_id;
    ELSE
        DELETE FROM order_flags WHERE order_id = p_order_id AND kind IN ('split', 'fast_completion');
        INSERT INTO order_flags (order_id, kind, placed_at, label, n1, n2, n3, n4, justification)
        SELECT * FROM order_flag_orders WHERE order_id = p_order_id;
    END IF;
END $$;

-- order_flags_rebuild recomputes the stored flags and the pair counts from
-- the orders, and returns the number of flags: after a bulk load made with
-- the triggers off, or if they were ever in doubt.
CREATE FUNCTION order_flags_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    n bigint;
BEGIN
    TRUNCATE order_flags, flag_ppk_months, flag_pair_months;
    INSERT INTO order_flags (order_id, kind, placed_at, label, n1, n2, n3, n4, justification)
    SELECT * FROM order_flag_orders UNION ALL SELECT * FROM order_flag_lines;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO flag_pair_months (ppk_user_id, month, supplier_id, orders)
    SELECT ppk_user_id, date_trunc('month', placed_at AT TIME ZONE 'Asia/Jakarta')::date, supplier_id, count(*)
    FROM orders WHERE state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired')
    GROUP BY 1, 2, 3;
    INSERT INTO flag_ppk_months (ppk_user_id, month, orders)
    SELECT ppk_user_id, month, sum(orders) FROM flag_pair_months GROUP BY 1, 2;
    RETURN n;
END $$;

-- An order's own flags change when it is flagged or its rule outcome or
-- justifications change (checkout, signing), when it is signed, gets its
-- BAST or completes; all its flags when it ends without a purchase or its
-- placing time changes. Other transitions (accepting, shipping, inspecting,
-- invoicing, paying) do not fire.
CREATE FUNCTION order_flags_on_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM order_flags_refresh(NEW.id, TG_OP = 'UPDATE' AND (OLD.placed_at IS DISTINCT FROM NEW.placed_at
        OR (OLD.state IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired'))
            IS DISTINCT FROM (NEW.state IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired'))));
    RETURN NULL;
END $$;
-- At checkout the lines come next (their trigger refreshes); an order
-- inserted flagged or already delivered is refreshed now.
CREATE TRIGGER order_flags_on_insert AFTER INSERT ON orders
    FOR EACH ROW WHEN (NEW.flagged OR NEW.bast_at IS NOT NULL OR NEW.completed_at IS NOT NULL)
    EXECUTE FUNCTION order_flags_on_order();
CREATE TRIGGER order_flags_on_update AFTER UPDATE ON orders
    FOR EACH ROW WHEN (OLD.flagged IS DISTINCT FROM NEW.flagged OR OLD.rule_outcome IS DISTINCT FROM NEW.rule_outcome
        OR OLD.justifications IS DISTINCT FROM NEW.justifications OR OLD.placed_at IS DISTINCT FROM NEW.placed_at
        OR OLD.signed_at IS DISTINCT FROM NEW.signed_at OR OLD.bast_at IS DISTINCT FROM NEW.bast_at
        OR OLD.completed_at IS DISTINCT FROM NEW.completed_at
        OR (OLD.state IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired'))
            IS DISTINCT FROM (NEW.state IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired')))
    EXECUTE FUNCTION order_flags_on_order();

-- Lines arrive after their order at checkout, in one statement or several.
CREATE FUNCTION order_flags_on_lines() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    id bigint;
BEGIN
    FOR id IN SELECT DISTINCT order_id FROM new_lines LOOP
        PERFORM order_flags_refresh(id, true);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER order_flags_on_line_insert AFTER INSERT ON order_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION order_flags_on_lines();

-- Negotiation changes a line's price.
CREATE FUNCTION order_flags_on_line_price() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM order_flags_refresh(NEW.order_id, true);
    RETURN NULL;
END $$;
CREATE TRIGGER order_flags_on_line_price AFTER UPDATE ON order_lines
    FOR EACH ROW WHEN (OLD.unit_price IS DISTINCT FROM NEW.unit_price OR OLD.ssh_ceiling IS DISTINCT FROM NEW.ssh_ceiling
        OR OLD.listing_id IS DISTINCT FROM NEW.listing_id OR OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION order_flags_on_line_price();

SELECT order_flags_rebuild();

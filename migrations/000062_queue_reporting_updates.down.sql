SELECT reporting_drain();
DROP FUNCTION reporting_drain();

CREATE OR REPLACE FUNCTION order_flags_on_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM order_flags_refresh(NEW.id, TG_OP = 'UPDATE' AND (OLD.placed_at IS DISTINCT FROM NEW.placed_at
        OR (OLD.state IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired'))
            IS DISTINCT FROM (NEW.state IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired'))));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION order_flags_on_lines() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    id bigint;
BEGIN
    FOR id IN SELECT DISTINCT order_id FROM new_lines LOOP
        PERFORM order_flags_refresh(id, true);
    END LOOP;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION order_flags_on_line_price() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM order_flags_refresh(NEW.order_id, true);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION spending_facts_on_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM spending_facts_add(NEW.id);
    RETURN NULL;
END $$;

DROP TABLE reporting_queue;

-- The append-only audit trail. Writers insert unsealed rows inside their own
-- transaction (no shared tail to queue on); a sealer then links committed rows
-- into a SHA-256 hash chain in seal order (seq), so any later change to a
-- sealed row breaks the chain and `lapak audit verify` finds it.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id    bigint,
    actor_name  text NOT NULL DEFAULT '',
    actor_role  text NOT NULL DEFAULT '',
    action      text NOT NULL CHECK (action <> ''),
    entity      text NOT NULL CHECK (entity <> ''),
    entity_id   text NOT NULL DEFAULT '',
    details     jsonb NOT NULL DEFAULT '{}',
    ip          text NOT NULL DEFAULT '',
    seq         bigint UNIQUE,
    prev_hash   bytea,
    hash        bytea,
    CHECK ((seq IS NULL) = (hash IS NULL))
);
CREATE INDEX audit_log_unsealed_idx ON audit_log (id) WHERE seq IS NULL;
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- Rows may only be sealed (seq, prev_hash, hash set once); nothing else changes
-- and nothing is deleted.
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_log is append-only';
    END IF;
    IF OLD.seq IS NOT NULL
       OR NEW.id IS DISTINCT FROM OLD.id OR NEW.at IS DISTINCT FROM OLD.at
       OR NEW.actor_id IS DISTINCT FROM OLD.actor_id OR NEW.actor_name IS DISTINCT FROM OLD.actor_name
       OR NEW.actor_role IS DISTINCT FROM OLD.actor_role OR NEW.action IS DISTINCT FROM OLD.action
       OR NEW.entity IS DISTINCT FROM OLD.entity OR NEW.entity_id IS DISTINCT FROM OLD.entity_id
       OR NEW.details IS DISTINCT FROM OLD.details OR NEW.ip IS DISTINCT FROM OLD.ip THEN
        RAISE EXCEPTION 'audit_log is append-only';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_guard();

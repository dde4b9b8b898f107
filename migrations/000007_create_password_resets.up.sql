-- One-time password reset secrets: e-mailed links (kind 'link') and codes that
-- Koperindag or an admin hands to owners without e-mail (kind 'code').
-- Only a SHA-256 hash of the secret is stored.
CREATE TABLE password_resets (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('link', 'code')),
    secret_hash bytea NOT NULL UNIQUE,
    issued_by   bigint REFERENCES users (id),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);

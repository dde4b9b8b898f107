-- Accounts and their roles. A person signs in with e-mail or phone number (many
-- UMKM owners have no e-mail), and may hold several roles.
CREATE TABLE users (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                  text NOT NULL CHECK (length(name) BETWEEN 2 AND 120),
    email                 text CHECK (email = lower(email) AND email LIKE '%@%'),
    phone                 text CHECK (phone ~ '^\+62[0-9]{8,13}$'),
    nip                   text CHECK (nip ~ '^[0-9]{18}$'),
    password_hash         text NOT NULL,
    must_change_password  boolean NOT NULL DEFAULT false,
    -- session_version is bumped when the password changes or the account is
    -- disabled; sessions signed in under an older version end.
    session_version       int NOT NULL DEFAULT 1,
    disabled_at           timestamptz,
    disabled_reason       text NOT NULL DEFAULT '',
    last_login_at         timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (email IS NOT NULL OR phone IS NOT NULL)
);
CREATE UNIQUE INDEX users_email_key ON users (email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX users_phone_key ON users (phone) WHERE phone IS NOT NULL;

CREATE TABLE user_roles (
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         text NOT NULL CHECK (role IN ('pp', 'ppk', 'treasurer', 'supplier', 'koperindag', 'admin', 'auditor')),
    opd_id       bigint REFERENCES opds (id),
    supplier_id  bigint REFERENCES suppliers (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, role),
    -- OPD roles are tied to one OPD, the supplier role to one supplier, others to neither.
    CHECK (CASE
        WHEN role IN ('pp', 'ppk', 'treasurer') THEN opd_id IS NOT NULL AND supplier_id IS NULL
        WHEN role = 'supplier' THEN supplier_id IS NOT NULL AND opd_id IS NULL
        ELSE opd_id IS NULL AND supplier_id IS NULL
    END)
);
CREATE INDEX user_roles_opd_idx ON user_roles (opd_id) WHERE opd_id IS NOT NULL;
CREATE INDEX user_roles_supplier_idx ON user_roles (supplier_id) WHERE supplier_id IS NOT NULL;

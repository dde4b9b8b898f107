-- Suppliers (penyedia): local businesses. This is the core row that accounts are
-- tied to; onboarding adds profile, documents and verification to it.
CREATE TABLE suppliers (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
    kecamatan_code  text REFERENCES kecamatan (code),
    nagari_code     text REFERENCES nagari (code),
    status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'verified', 'returned', 'suspended')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

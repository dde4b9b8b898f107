-- The dinas's UMKM registry as imported from its spreadsheets: the top of the
-- onboarding funnel. A re-import updates rows (matched by NIB, else NIK, else
-- normalised name + nagari) instead of duplicating them.
CREATE TABLE registry_entries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    business_name   text NOT NULL CHECK (length(business_name) BETWEEN 2 AND 200),
    owner_name      text NOT NULL DEFAULT '' CHECK (length(owner_name) <= 120),
    nik             text CHECK (nik ~ '^[0-9]{16}$'),
    nib             text CHECK (nib ~ '^[0-9]{13}$'),
    phone           text CHECK (phone ~ '^\+62[0-9]{8,13}$'),
    email           text CHECK (email = lower(email) AND email LIKE '%@%'),
    address         text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
    kecamatan_code  text REFERENCES kecamatan (code),
    nagari_code     text REFERENCES nagari (code),
    sector          text NOT NULL DEFAULT '' CHECK (length(sector) <= 100),
    scale           text NOT NULL DEFAULT '' CHECK (scale IN ('', 'mikro', 'kecil', 'menengah')),
    notes           jsonb NOT NULL DEFAULT '{}',
    -- match_name is the business name lower-cased with punctuation and legal
    -- prefixes removed, for matching rows that have neither NIB nor NIK.
    match_name      text NOT NULL,
    supplier_id     bigint REFERENCES suppliers (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX registry_entries_nib_key ON registry_entries (nib) WHERE nib IS NOT NULL;
CREATE UNIQUE INDEX registry_entries_nik_key ON registry_entries (nik) WHERE nik IS NOT NULL AND nib IS NULL;
CREATE INDEX registry_entries_match_idx ON registry_entries (match_name, nagari_code);
CREATE INDEX registry_entries_place_idx ON registry_entries (kecamatan_code, nagari_code);
CREATE UNIQUE INDEX registry_entries_supplier_key ON registry_entries (supplier_id) WHERE supplier_id IS NOT NULL;

-- One row per confirmed import, for the history page and the audit trail.
CREATE TABLE registry_imports (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    filename     text NOT NULL,
    sha256       text NOT NULL,
    total_rows   int NOT NULL,
    created      int NOT NULL,
    updated      int NOT NULL,
    unchanged    int NOT NULL,
    skipped      int NOT NULL,
    imported_by  bigint REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);

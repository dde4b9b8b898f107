-- RUP packages: the procurement plan entries (Kode RUP) an OPD orders against.
-- Entered by hand or imported from a SiRUP export; a re-import updates a
-- package by its Kode RUP. The remaining pagu is pagu minus live orders, which
-- the ordering code computes (internal/rup.Remaining).
CREATE TABLE rup_packages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    opd_id          bigint NOT NULL REFERENCES opds (id),
    kode_rup        text NOT NULL UNIQUE CHECK (kode_rup ~ '^[0-9]{5,12}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 3 AND 500),
    pagu            bigint NOT NULL CHECK (pagu > 0 AND pagu <= 1000000000000),
    funding_source  text NOT NULL CHECK (funding_source IN ('APBD', 'APBDP', 'DAK', 'DAU', 'DBH', 'DID', 'BLUD', 'BOS', 'BOK', 'APBN', 'LAINNYA')),
    -- account_code is the kode rekening or the sub kegiatan (MAK) the pagu sits on.
    account_code    text NOT NULL DEFAULT '' CHECK (length(account_code) <= 200),
    fiscal_year     int NOT NULL CHECK (fiscal_year BETWEEN 2020 AND 2100),
    ppk_user_id     bigint REFERENCES users (id),
    active          boolean NOT NULL DEFAULT true,
    origin          text NOT NULL DEFAULT 'manual' CHECK (origin IN ('manual', 'import')),
    version         int NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rup_packages_opd_idx ON rup_packages (opd_id, fiscal_year);

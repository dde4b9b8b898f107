-- The supplier profile that owners (or Koperindag staff on their behalf) fill
-- in, and the fields of the verification workflow.
ALTER TABLE suppliers
    ADD COLUMN owner_name        text NOT NULL DEFAULT '' CHECK (length(owner_name) <= 120),
    ADD COLUMN legal_form        text NOT NULL DEFAULT '' CHECK (legal_form IN ('', 'perorangan', 'cv', 'pt', 'koperasi', 'firma', 'ud', 'lainnya')),
    ADD COLUMN nib               text CHECK (nib ~ '^[0-9]{13}$'),
    ADD COLUMN npwp              text CHECK (npwp ~ '^[0-9]{15,16}$'),
    ADD COLUMN pkp               boolean NOT NULL DEFAULT false,
    ADD COLUMN pp55              boolean NOT NULL DEFAULT false,
    ADD COLUMN scale             text NOT NULL DEFAULT '' CHECK (scale IN ('', 'mikro', 'kecil', 'menengah', 'besar')),
    ADD COLUMN scale_basis       text NOT NULL DEFAULT '' CHECK (scale_basis IN ('', 'modal', 'penjualan')),
    ADD COLUMN capital           bigint CHECK (capital >= 0),
    ADD COLUMN annual_sales      bigint CHECK (annual_sales >= 0),
    ADD COLUMN address           text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
    ADD COLUMN phone             text CHECK (phone ~ '^\+62[0-9]{8,13}$'),
    ADD COLUMN email             text CHECK (email = lower(email) AND email LIKE '%@%'),
    ADD COLUMN bank_name         text NOT NULL DEFAULT '' CHECK (length(bank_name) <= 100),
    ADD COLUMN bank_account_no   text NOT NULL DEFAULT '' CHECK (bank_account_no ~ '^[0-9]{0,20}$'),
    ADD COLUMN bank_account_name text NOT NULL DEFAULT '' CHECK (length(bank_account_name) <= 120),
    ADD COLUMN products          text NOT NULL DEFAULT '' CHECK (length(products) <= 1000),
    ADD COLUMN origin            text NOT NULL DEFAULT 'self' CHECK (origin IN ('self', 'invitation', 'assisted', 'demo')),
    ADD COLUMN submitted_at      timestamptz,
    ADD COLUMN verified_at       timestamptz,
    ADD COLUMN verified_by       bigint REFERENCES users (id),
    ADD COLUMN review_note       text NOT NULL DEFAULT '' CHECK (length(review_note) <= 2000),
    ADD COLUMN suspended_reason  text NOT NULL DEFAULT '' CHECK (length(suspended_reason) <= 500),
    -- version increases with every change, so two staff deciding at once
    -- cannot both win: a decision names the version it was made on.
    ADD COLUMN version           int NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX suppliers_nib_key ON suppliers (nib) WHERE nib IS NOT NULL;
CREATE INDEX suppliers_status_idx ON suppliers (status, submitted_at);
CREATE INDEX suppliers_place_idx ON suppliers (kecamatan_code, nagari_code);

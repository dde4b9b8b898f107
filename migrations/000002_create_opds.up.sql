-- OPD (organisasi perangkat daerah): the regency's agencies that buy through Lapak.
CREATE TABLE opds (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code         text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9-]{2,20}$'),
    name         text NOT NULL UNIQUE CHECK (length(name) BETWEEN 3 AND 200),
    short_name   text NOT NULL DEFAULT '' CHECK (length(short_name) <= 50),
    kind         text NOT NULL DEFAULT 'dinas' CHECK (kind IN ('sekretariat', 'bagian', 'badan', 'dinas', 'satuan', 'rumah sakit', 'puskesmas', 'kecamatan', 'lainnya')),
    -- letter_code names the OPD in document numbers, e.g. DINKES in 027/SP/DINKES/XI/2026.
    letter_code  text NOT NULL CHECK (letter_code ~ '^[A-Z0-9.-]{2,20}$'),
    address      text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

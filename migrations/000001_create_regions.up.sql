-- Administrative regions of the regency: kecamatan (districts) and nagari (villages),
-- keyed by their Kemendagri codes (e.g. 13.11.01 and 13.11.01.2001).
CREATE TABLE kecamatan (
    code       text PRIMARY KEY CHECK (code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$'),
    name       text NOT NULL UNIQUE CHECK (name <> ''),
    bps_code   text
);

CREATE TABLE nagari (
    code            text PRIMARY KEY CHECK (code ~ '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$'),
    kecamatan_code  text NOT NULL REFERENCES kecamatan (code),
    name            text NOT NULL CHECK (name <> ''),
    bps_code        text,
    UNIQUE (kecamatan_code, name)
);

-- The catalog's category tree, suited to regional spending.
CREATE TABLE categories (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9-]{2,20}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 2 AND 120),
    kind        text NOT NULL DEFAULT 'barang' CHECK (kind IN ('barang', 'jasa', 'campuran')),
    parent_id   bigint REFERENCES categories (id),
    account_code text NOT NULL DEFAULT '',
    position    int NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (parent_id, name)
);

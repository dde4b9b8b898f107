-- Standar Satuan Harga (SSH): the regency's standard unit prices, imported by
-- admins from the list the regency publishes. A listing linked to an item
-- whose price is above the item's ceiling is shown as such.
CREATE TABLE ssh_imports (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_name      text NOT NULL DEFAULT '' CHECK (length(file_name) <= 200),
    imported_by    bigint REFERENCES users (id),
    imported_at    timestamptz NOT NULL DEFAULT now(),
    rows_created   int NOT NULL DEFAULT 0,
    rows_updated   int NOT NULL DEFAULT 0,
    rows_unchanged int NOT NULL DEFAULT 0,
    rows_rejected  int NOT NULL DEFAULT 0
);

CREATE TABLE ssh_items (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code           text NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 60),
    description    text NOT NULL CHECK (length(description) BETWEEN 2 AND 300),
    specification  text NOT NULL DEFAULT '' CHECK (length(specification) <= 500),
    unit           text NOT NULL CHECK (length(unit) BETWEEN 1 AND 40),
    ceiling_price  bigint NOT NULL CHECK (ceiling_price > 0 AND ceiling_price <= 1000000000000),
    year           int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    legal_basis    text NOT NULL DEFAULT '' CHECK (length(legal_basis) <= 300),
    import_id      bigint REFERENCES ssh_imports (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ssh_items_trgm_idx ON ssh_items USING gin ((code || ' ' || description) gin_trgm_ops);

-- ssh_item_changes keeps every value an import replaced, so an auditor can
-- see which ceiling applied when.
CREATE TABLE ssh_item_changes (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ssh_item_id    bigint NOT NULL REFERENCES ssh_items (id) ON DELETE CASCADE,
    import_id      bigint NOT NULL REFERENCES ssh_imports (id),
    old_ceiling    bigint,
    new_ceiling    bigint NOT NULL,
    old_year       int,
    new_year       int NOT NULL,
    changed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ssh_item_changes_item_idx ON ssh_item_changes (ssh_item_id, changed_at);

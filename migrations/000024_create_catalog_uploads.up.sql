-- Spreadsheets uploaded for a bulk price/stock update or an SSH import wait
-- here, checked row by row, between the preview and the user's confirmation.
CREATE TABLE catalog_uploads (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('bulk_update', 'ssh_import')),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    supplier_id  bigint REFERENCES suppliers (id),
    file_name    text NOT NULL DEFAULT '' CHECK (length(file_name) <= 200),
    rows         jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX catalog_uploads_created_idx ON catalog_uploads (created_at);

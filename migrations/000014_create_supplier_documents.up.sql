-- Documents a supplier uploads for verification. The file itself lives in
-- the blob store under blob_key; its SHA-256 is kept here.
CREATE TABLE supplier_documents (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    supplier_id   bigint NOT NULL REFERENCES suppliers (id),
    kind          text NOT NULL CHECK (kind IN ('ktp', 'nib', 'npwp', 'pkp', 'non_pkp', 'bank_book', 'photo', 'halal', 'pirt', 'other')),
    blob_key      text NOT NULL UNIQUE,
    filename      text NOT NULL CHECK (length(filename) <= 200),
    content_type  text NOT NULL,
    size_bytes    bigint NOT NULL CHECK (size_bytes > 0),
    sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected', 'replaced')),
    review_reason text NOT NULL DEFAULT '' CHECK (length(review_reason) <= 500),
    reviewed_by   bigint REFERENCES users (id),
    reviewed_at   timestamptz,
    uploaded_by   bigint REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX supplier_documents_supplier_idx ON supplier_documents (supplier_id, kind);

-- Invitations to join Lapak: a one-time activation code per registry entry
-- (only its SHA-256 is stored), printable as a letter and sent by e-mail when
-- known. Assisted registrations get one too, for the owner to take over.
CREATE TABLE invitations (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    registry_entry_id  bigint REFERENCES registry_entries (id),
    supplier_id        bigint REFERENCES suppliers (id),
    code_hash          bytea NOT NULL UNIQUE,
    expires_at         timestamptz NOT NULL,
    used_at            timestamptz,
    revoked_at         timestamptz,
    emailed            boolean NOT NULL DEFAULT false,
    created_by         bigint REFERENCES users (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (registry_entry_id IS NOT NULL OR supplier_id IS NOT NULL)
);
CREATE INDEX invitations_entry_idx ON invitations (registry_entry_id);
CREATE INDEX invitations_supplier_idx ON invitations (supplier_id);

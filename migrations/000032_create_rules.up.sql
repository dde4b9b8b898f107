-- Procurement rules (DESIGN.md section 3) as data. rules names each rule the
-- engine in internal/rules knows; rule_versions holds every version of its
-- parameters with the date it takes effect, its legal basis and the reason for
-- the change. Versions are never changed or removed: an edit is a new version,
-- and an order stores the ids of the versions it was checked against.
CREATE TABLE rules (
    code         text PRIMARY KEY CHECK (code IN ('ceiling', 'eligible_supplier', 'package_budget', 'split', 'ssh_ceiling')),
    name         text NOT NULL CHECK (length(name) BETWEEN 3 AND 200),
    description  text NOT NULL CHECK (length(description) BETWEEN 3 AND 2000),
    position     int NOT NULL UNIQUE
);

CREATE TABLE rule_versions (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule_code        text NOT NULL REFERENCES rules (code),
    version          int NOT NULL CHECK (version > 0),
    params           jsonb NOT NULL CHECK (jsonb_typeof(params) = 'object'),
    effective_from   date NOT NULL,
    legal_basis      text NOT NULL CHECK (length(legal_basis) BETWEEN 3 AND 500),
    reason           text NOT NULL CHECK (length(reason) BETWEEN 3 AND 1000),
    created_by       bigint REFERENCES users (id),
    created_by_name  text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (rule_code, version)
);
CREATE INDEX rule_versions_effective_idx ON rule_versions (rule_code, effective_from DESC, version DESC);

CREATE FUNCTION rule_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rule_versions is append-only: add a new version instead';
END;
$$;
CREATE TRIGGER rule_versions_append_only BEFORE UPDATE OR DELETE ON rule_versions
    FOR EACH ROW EXECUTE FUNCTION rule_versions_append_only();

INSERT INTO rules (code, name, description, position) VALUES
('ceiling', 'Batas nilai pesanan',
 'Nilai kontrak satu pesanan (setelah negosiasi, termasuk PPN) paling banyak sebesar batas. Di atas batas, pesanan ditolak: gunakan tender atau e-Katalog nasional.', 1),
('eligible_supplier', 'Penyedia yang berhak',
 'Penyedia sudah diverifikasi Koperindag, tidak dibekukan, berskala usaha mikro, kecil atau menengah (PP 7/2021), dan berdomisili di kabupaten (punya kecamatan di kabupaten).', 2),
('package_budget', 'Pagu paket RUP',
 'Semua pesanan berjalan pada satu Kode RUP bersama-sama tidak melebihi pagu paket dan tidak melebihi batas nilai pesanan; paket milik OPD pemesan, aktif, dan (bila diatur) untuk tahun anggaran berjalan.', 3),
('split', 'Deteksi pemecahan paket',
 'Pesanan satu OPD pada kategori yang sama dalam jangka waktu tertentu yang bersama-sama melewati batas nilai, atau yang mengumpul tepat di bawah batas jenjang (Rp10 juta, Rp50 juta, Rp200 juta), memerlukan alasan tertulis dan ditandai untuk auditor.', 4),
('ssh_ceiling', 'Harga di atas SSH',
 'Harga satuan di atas batas Standar Satuan Harga (SSH) barang yang ditautkan memerlukan alasan tertulis.', 5);

-- The regency's draft Peraturan Bupati has no number yet: its versions say
-- "Perbup Solok Selatan (rancangan)" until it is enacted, when admins add a
-- version with the real number.
INSERT INTO rule_versions (rule_code, version, params, effective_from, legal_basis, reason, created_by_name) VALUES
('ceiling', 1, '{"limit": 200000000}', '2026-01-01',
 'Perbup Solok Selatan (rancangan; nomor belum ditetapkan); Perpres 16/2018 jo. Perpres 12/2021 (pengadaan langsung paling banyak Rp200.000.000)',
 'Aturan awal Lapak.', 'sistem'),
('eligible_supplier', 1, '{"scales": ["mikro", "kecil", "menengah"], "regency_code": "13.11", "regency_name": "Kabupaten Solok Selatan"}', '2026-01-01',
 'Perbup Solok Selatan (rancangan; nomor belum ditetapkan); PP 7/2021 (kriteria usaha mikro, kecil dan menengah)',
 'Aturan awal Lapak.', 'sistem'),
('package_budget', 1, '{"same_fiscal_year": true}', '2026-01-01',
 'Perbup Solok Selatan (rancangan; nomor belum ditetapkan); pagu paket menurut RUP (Perpres 16/2018 jo. Perpres 12/2021)',
 'Aturan awal Lapak.', 'sistem'),
('split', 1, '{"window_days": 30, "band_edges": [10000000, 50000000, 200000000], "margin_percent": 5, "cluster_min_orders": 2}', '2026-01-01',
 'Perpres 16/2018 Pasal 20 (larangan memecah paket untuk menghindari tender) jo. Perpres 12/2021; Perbup Solok Selatan (rancangan)',
 'Aturan awal Lapak.', 'sistem'),
('ssh_ceiling', 1, '{"tolerance_percent": 0}', '2026-01-01',
 'Perbup Standar Satuan Harga Kabupaten Solok Selatan tahun anggaran berjalan; Perbup Solok Selatan (rancangan)',
 'Aturan awal Lapak.', 'sistem');

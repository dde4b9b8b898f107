-- The tax rates that the order screens, the kuitansi and the payment screen
-- compute with (DESIGN.md section 3.6), kept as data because rates change.
-- A rate is an exact fraction numerator/denominator (no floating point); the
-- collection threshold is an amount in rupiah (numerator, denominator 1).
-- A row applies from effective_from until the next row of the same code.
CREATE TABLE tax_rates (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code            text NOT NULL CHECK (code IN ('ppn', 'ppn_dpp', 'pph22', 'pph23', 'pp55', 'collect_threshold')),
    numerator       bigint NOT NULL CHECK (numerator >= 0),
    denominator     bigint NOT NULL CHECK (denominator > 0),
    effective_from  date NOT NULL,
    legal_basis     text NOT NULL CHECK (length(legal_basis) BETWEEN 3 AND 500),
    note            text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (code, effective_from),
    CHECK (code = 'collect_threshold' OR numerator <= denominator),
    CHECK (code <> 'collect_threshold' OR denominator = 1)
);

INSERT INTO tax_rates (code, numerator, denominator, effective_from, legal_basis, note) VALUES
('ppn', 11, 100, '2022-04-01', 'UU 42/2009 (PPN) Pasal 7 ayat (1) huruf a sebagaimana diubah UU 7/2021 (HPP)',
 'Tarif PPN 11% atas harga jual, 1 April 2022 sampai 31 Desember 2024.'),
('ppn_dpp', 1, 1, '2022-04-01', 'UU 42/2009 (PPN) Pasal 1 angka 19 (DPP = harga jual)',
 'DPP sama dengan harga jual.'),
('ppn', 12, 100, '2025-01-01', 'UU 42/2009 (PPN) Pasal 7 ayat (1) huruf b sebagaimana diubah UU 7/2021 (HPP); PMK 131 Tahun 2024',
 'Tarif PPN 12% mulai 1 Januari 2025.'),
('ppn_dpp', 11, 12, '2025-01-01', 'PMK 131 Tahun 2024 (DPP nilai lain 11/12 dari harga jual untuk barang/jasa yang bukan barang mewah)',
 '12% x 11/12 = 11% efektif dari harga jual.'),
('pph22', 15, 1000, '2022-01-01', 'UU PPh Pasal 22; PMK 34/PMK.010/2017; PMK 231/PMK.03/2019 jo. PMK 59/PMK.03/2022 (bendahara instansi pemerintah)',
 '1,5% dari harga sebelum PPN, dipungut bendahara atas pembelian barang. Tarif ini sudah berlaku sebelum tanggal mulai di sini; tanggal itu hanya awal data Lapak.'),
('pph23', 2, 100, '2022-01-01', 'UU PPh Pasal 23 ayat (1) huruf c (UU 36/2008 jo. UU 7/2021); PMK 231/PMK.03/2019 jo. PMK 59/PMK.03/2022',
 '2% dari harga sebelum PPN atas jasa, dipotong bendahara. Tarif ini sudah berlaku sebelum tanggal mulai di sini.'),
('pp55', 5, 1000, '2022-01-01', 'PP 55 Tahun 2022 (PPh final UMKM, peredaran bruto tertentu); PMK 164 Tahun 2023',
 '0,5% final dari harga sebelum PPN, menggantikan PPh 22/23 bila penyedia menyerahkan surat keterangan PP 55/2022. Tarif 0,5% sudah berlaku sejak PP 23/2018.'),
('collect_threshold', 2000000, 1, '2022-01-01', 'PMK 231/PMK.03/2019 jo. PMK 59/PMK.03/2022 (PPN dan PPh 22 tidak dipungut atas pembayaran paling banyak Rp2.000.000 yang tidak dipecah-pecah)',
 'Dibandingkan dengan jumlah pembayaran satu pesanan termasuk PPN (DESIGN.md 3.6).');

-- Holidays (hari libur nasional and cuti bersama) for the working-day calendar.
-- Saturdays and Sundays are never working days and are not stored; this table
-- holds the other days off, as data, so admins can follow the government's
-- yearly decision (the "SKB 3 Menteri") and its amendments without a release.
-- Each row names its legal basis and where the date was taken from; tentative
-- marks a date that may still move (e.g. Islamic holidays follow the sighting
-- of the moon, or a year whose SKB is not yet entered).
CREATE TABLE holidays (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    date         date NOT NULL,
    name         text NOT NULL CHECK (length(name) BETWEEN 3 AND 200),
    kind         text NOT NULL CHECK (kind IN ('libur_nasional', 'cuti_bersama')),
    legal_basis  text NOT NULL CHECK (length(legal_basis) BETWEEN 3 AND 500),
    source       text NOT NULL DEFAULT '' CHECK (length(source) <= 1000),
    tentative    boolean NOT NULL DEFAULT false,
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (date, name)
);
CREATE INDEX holidays_date_idx ON holidays (date);

-- 2025: SKB Menteri Agama, Menteri Ketenagakerjaan dan Menteri PANRB Nomor 1017
-- Tahun 2024, Nomor 2 Tahun 2024, Nomor 2 Tahun 2024 (signed 14 October 2024),
-- amended by Nomor 933 Tahun 2025, Nomor 1 Tahun 2025, Nomor 3 Tahun 2025
-- (7 August 2025: 18 August 2025 added as cuti bersama).
-- Dates as published by Setkab and quoted by the sources below.
INSERT INTO holidays (date, name, kind, legal_basis, source, tentative, note) VALUES
('2025-01-01', 'Tahun Baru 2025 Masehi', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id); https://koran-jakarta.com/ini-daftar-libur-nasional-dan-cuti-bersama-tahun-2025', false, ''),
('2025-01-27', 'Isra Mikraj Nabi Muhammad SAW', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id); https://koran-jakarta.com/ini-daftar-libur-nasional-dan-cuti-bersama-tahun-2025', true, 'Hari besar Islam: SKB memakai perkiraan kalender Hijriah; tanggal nyata mengikuti penetapan Kementerian Agama.'),
('2025-01-29', 'Tahun Baru Imlek 2576 Kongzili', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id); https://koran-jakarta.com/ini-daftar-libur-nasional-dan-cuti-bersama-tahun-2025', false, ''),
('2025-03-29', 'Hari Suci Nyepi (Tahun Baru Saka 1947)', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id); https://koran-jakarta.com/ini-daftar-libur-nasional-dan-cuti-bersama-tahun-2025', false, ''),
('2025-03-31', 'Idulfitri 1446 Hijriah (hari pertama)', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id); https://noorrohmat.com/berita/ketentuan-cuti-bersama-idul-fitri-2025-pemerintah-republik-indonesia', true, 'Hari besar Islam: SKB memakai perkiraan kalender Hijriah; tanggal nyata mengikuti sidang isbat Kementerian Agama.'),
('2025-04-01', 'Idulfitri 1446 Hijriah (hari kedua)', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id); https://noorrohmat.com/berita/ketentuan-cuti-bersama-idul-fitri-2025-pemerintah-republik-indonesia', true, 'Hari besar Islam: SKB memakai perkiraan kalender Hijriah; tanggal nyata mengikuti sidang isbat Kementerian Agama.'),
('2025-04-18', 'Wafat Yesus Kristus', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id)', false, ''),
('2025-04-20', 'Kebangkitan Yesus Kristus (Paskah)', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id)', false, ''),
('2025-05-01', 'Hari Buruh Internasional', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id)', false, ''),
('2025-05-12', 'Hari Raya Waisak 2569 BE', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id)', false, ''),
('2025-05-29', 'Kenaikan Yesus Kristus', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id)', false, ''),
('2025-06-01', 'Hari Lahir Pancasila', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id)', false, ''),
('2025-06-06', 'Iduladha 1446 Hijriah', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id)', true, 'Hari besar Islam: SKB memakai perkiraan kalender Hijriah; tanggal nyata mengikuti sidang isbat Kementerian Agama.'),
('2025-06-27', '1 Muharam Tahun Baru Islam 1447 Hijriah', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id)', true, 'Hari besar Islam: SKB memakai perkiraan kalender Hijriah.'),
('2025-08-17', 'Proklamasi Kemerdekaan', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id)', false, ''),
('2025-09-05', 'Maulid Nabi Muhammad SAW', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id); https://www.detik.com/edu/detikpedia/d-8050707/skb-3-menteri-18-agustus-sudah-ada-ini-link-untuk-melihatnya', true, 'Hari besar Islam: SKB memakai perkiraan kalender Hijriah.'),
('2025-12-25', 'Kelahiran Yesus Kristus', 'libur_nasional', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id)', false, ''),
('2025-01-28', 'Cuti bersama Tahun Baru Imlek 2576 Kongzili', 'cuti_bersama', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id)', false, ''),
('2025-03-28', 'Cuti bersama Hari Suci Nyepi', 'cuti_bersama', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id); https://serangkai.co.id/berita/hari-libur-idul-fitri-resmi-ditetapkan-ini-rincian-cuti-dan-tanggalnya-1742799793800', false, ''),
('2025-04-02', 'Cuti bersama Idulfitri 1446 Hijriah', 'cuti_bersama', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id); https://serangkai.co.id/berita/hari-libur-idul-fitri-resmi-ditetapkan-ini-rincian-cuti-dan-tanggalnya-1742799793800', false, ''),
('2025-04-03', 'Cuti bersama Idulfitri 1446 Hijriah', 'cuti_bersama', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id); https://serangkai.co.id/berita/hari-libur-idul-fitri-resmi-ditetapkan-ini-rincian-cuti-dan-tanggalnya-1742799793800', false, ''),
('2025-04-04', 'Cuti bersama Idulfitri 1446 Hijriah', 'cuti_bersama', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id); https://serangkai.co.id/berita/hari-libur-idul-fitri-resmi-ditetapkan-ini-rincian-cuti-dan-tanggalnya-1742799793800', false, ''),
('2025-04-07', 'Cuti bersama Idulfitri 1446 Hijriah', 'cuti_bersama', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025 (mengutip setkab.go.id); https://serangkai.co.id/berita/hari-libur-idul-fitri-resmi-ditetapkan-ini-rincian-cuti-dan-tanggalnya-1742799793800', false, ''),
('2025-05-13', 'Cuti bersama Hari Raya Waisak 2569 BE', 'cuti_bersama', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://kabartangsel.com/?p=379034 (daftar cuti bersama 2025 setelah perubahan)', false, ''),
('2025-05-30', 'Cuti bersama Kenaikan Yesus Kristus', 'cuti_bersama', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://kabartangsel.com/?p=379034 (daftar cuti bersama 2025 setelah perubahan)', false, ''),
('2025-06-09', 'Cuti bersama Iduladha 1446 Hijriah', 'cuti_bersama', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://kabartangsel.com/?p=379034 (daftar cuti bersama 2025 setelah perubahan)', false, ''),
('2025-08-18', 'Cuti bersama Proklamasi Kemerdekaan (HUT ke-80 RI)', 'cuti_bersama', 'SKB 3 Menteri No. 933/2025, 1/2025, 3/2025 (perubahan SKB 2025, 7 Agustus 2025)', 'https://www.detik.com/edu/detikpedia/d-8050707/skb-3-menteri-18-agustus-sudah-ada-ini-link-untuk-melihatnya; https://mediaindonesia.com/humaniora/799176/skb-3-menteri-terbit-18-agustus-cuti-bersama-bukan-libur-nasional', false, ''),
('2025-12-26', 'Cuti bersama Kelahiran Yesus Kristus', 'cuti_bersama', 'SKB 3 Menteri No. 1017/2024, 2/2024, 2/2024', 'https://cnnindonesia.com/edukasi/20250811164642-561-1261250/18-agustus-2025-cuti-bersama-atau-libur-nasional', false, '');

-- 2026: SKB Menteri Agama, Menteri Ketenagakerjaan dan Menteri PANRB Nomor 1497
-- Tahun 2025, Nomor 2 Tahun 2025, Nomor 5 Tahun 2025 (signed 19 September 2025):
-- 17 days of libur nasional and 8 of cuti bersama.
INSERT INTO holidays (date, name, kind, legal_basis, source, tentative, note) VALUES
('2026-01-01', 'Tahun Baru 2026 Masehi', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan; https://disdiksmg.semarangkota.go.id/post-detail/resmi-daftar-hari-libur-nasional-dan-cuti-bersama-tahun-2026-berdasarkan-skb-3-menteri', false, ''),
('2026-01-16', 'Isra Mikraj Nabi Muhammad SAW', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', true, 'Hari besar Islam: SKB memakai perkiraan kalender Hijriah.'),
('2026-02-17', 'Tahun Baru Imlek 2577 Kongzili', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-03-19', 'Hari Suci Nyepi (Tahun Baru Saka 1948)', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-03-21', 'Idulfitri 1447 Hijriah (hari pertama)', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan; https://www.portalone.net/nasional/17779/pemerintah-tetapkan-8-hari-cuti-bersama-2026-lewat-skb-3-menteri', true, 'Hari besar Islam: menurut SKB, 1 Ramadan, Idulfitri dan Iduladha 1447 H mengikuti Keputusan Menteri Agama (sidang isbat).'),
('2026-03-22', 'Idulfitri 1447 Hijriah (hari kedua)', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan; https://www.portalone.net/nasional/17779/pemerintah-tetapkan-8-hari-cuti-bersama-2026-lewat-skb-3-menteri', true, 'Hari besar Islam: menurut SKB, 1 Ramadan, Idulfitri dan Iduladha 1447 H mengikuti Keputusan Menteri Agama (sidang isbat).'),
('2026-04-03', 'Wafat Yesus Kristus', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-04-05', 'Kebangkitan Yesus Kristus (Paskah)', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-05-01', 'Hari Buruh Internasional', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-05-14', 'Kenaikan Yesus Kristus', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-05-27', 'Iduladha 1447 Hijriah', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', true, 'Hari besar Islam: menurut SKB, Iduladha 1447 H mengikuti Keputusan Menteri Agama (sidang isbat).'),
('2026-05-31', 'Hari Raya Waisak 2570 BE', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-06-01', 'Hari Lahir Pancasila', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-06-16', '1 Muharam Tahun Baru Islam 1448 Hijriah', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', true, 'Hari besar Islam: SKB memakai perkiraan kalender Hijriah.'),
('2026-08-17', 'Proklamasi Kemerdekaan', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-08-25', 'Maulid Nabi Muhammad SAW', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', true, 'Hari besar Islam: SKB memakai perkiraan kalender Hijriah.'),
('2026-12-25', 'Kelahiran Yesus Kristus', 'libur_nasional', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-02-16', 'Cuti bersama Tahun Baru Imlek 2577 Kongzili', 'cuti_bersama', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://palu.tribunnews.com/news/169028/skb-tiga-menteri-total-25-hari-libur-untuk-2026-simak-daftarnya; https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-03-18', 'Cuti bersama Hari Suci Nyepi', 'cuti_bersama', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://palu.tribunnews.com/news/169028/skb-tiga-menteri-total-25-hari-libur-untuk-2026-simak-daftarnya; https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-03-20', 'Cuti bersama Idulfitri 1447 Hijriah', 'cuti_bersama', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://palu.tribunnews.com/news/169028/skb-tiga-menteri-total-25-hari-libur-untuk-2026-simak-daftarnya; https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-03-23', 'Cuti bersama Idulfitri 1447 Hijriah', 'cuti_bersama', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://palu.tribunnews.com/news/169028/skb-tiga-menteri-total-25-hari-libur-untuk-2026-simak-daftarnya; https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-03-24', 'Cuti bersama Idulfitri 1447 Hijriah', 'cuti_bersama', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://palu.tribunnews.com/news/169028/skb-tiga-menteri-total-25-hari-libur-untuk-2026-simak-daftarnya; https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-05-15', 'Cuti bersama Kenaikan Yesus Kristus', 'cuti_bersama', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://palu.tribunnews.com/news/169028/skb-tiga-menteri-total-25-hari-libur-untuk-2026-simak-daftarnya; https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-05-28', 'Cuti bersama Iduladha 1447 Hijriah', 'cuti_bersama', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://palu.tribunnews.com/news/169028/skb-tiga-menteri-total-25-hari-libur-untuk-2026-simak-daftarnya; https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, ''),
('2026-12-24', 'Cuti bersama Kelahiran Yesus Kristus', 'cuti_bersama', 'SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025', 'https://palu.tribunnews.com/news/169028/skb-tiga-menteri-total-25-hari-libur-untuk-2026-simak-daftarnya; https://lintaspriangan.com/berita-nasional/skb-libur-nasional-cuti-bersama-2026-disahkan', false, '');

-- 2027: no SKB for 2027 was in our sources when this was written (November
-- 2026). Only dates that do not depend on it are seeded: holidays fixed by date,
-- and the Christian movable feasts computed from Easter (Gregorian computus;
-- holiday_test.go recomputes them). Imlek, Nyepi, Waisak, the Islamic holidays
-- and every cuti bersama of 2027 are missing: admins add them from the SKB 2027
-- on the holidays page, which warns while a year has no cuti bersama.
INSERT INTO holidays (date, name, kind, legal_basis, source, tentative, note) VALUES
('2027-01-01', 'Tahun Baru 2027 Masehi', 'libur_nasional', 'Tanggal tetap setiap tahun (sama dalam SKB 2025 dan SKB 2026); SKB 2027 belum dimasukkan', 'SKB 3 Menteri 2025 dan 2026 (lihat baris tahun itu)', false, 'Periksa terhadap SKB 2027 bila sudah terbit.'),
('2027-03-26', 'Wafat Yesus Kristus', 'libur_nasional', 'Dihitung: Jumat sebelum Paskah; SKB 2027 belum dimasukkan', 'Perhitungan tanggal Paskah (komputus Gregorian)', true, 'Perkiraan sampai SKB 2027 dimasukkan.'),
('2027-03-28', 'Kebangkitan Yesus Kristus (Paskah)', 'libur_nasional', 'Dihitung: komputus Gregorian; SKB 2027 belum dimasukkan', 'Perhitungan tanggal Paskah (komputus Gregorian)', true, 'Perkiraan sampai SKB 2027 dimasukkan.'),
('2027-05-01', 'Hari Buruh Internasional', 'libur_nasional', 'Perpres 24 Tahun 2013 (1 Mei hari libur); SKB 2027 belum dimasukkan', 'SKB 3 Menteri 2025 dan 2026 (tanggal tetap)', false, ''),
('2027-05-06', 'Kenaikan Yesus Kristus', 'libur_nasional', 'Dihitung: 39 hari setelah Paskah; SKB 2027 belum dimasukkan', 'Perhitungan tanggal Paskah (komputus Gregorian)', true, 'Perkiraan sampai SKB 2027 dimasukkan.'),
('2027-06-01', 'Hari Lahir Pancasila', 'libur_nasional', 'Keppres 24 Tahun 2016 (1 Juni hari libur); SKB 2027 belum dimasukkan', 'SKB 3 Menteri 2025 dan 2026 (tanggal tetap)', false, ''),
('2027-08-17', 'Proklamasi Kemerdekaan', 'libur_nasional', 'Tanggal tetap setiap tahun (sama dalam SKB 2025 dan SKB 2026); SKB 2027 belum dimasukkan', 'SKB 3 Menteri 2025 dan 2026 (lihat baris tahun itu)', false, ''),
('2027-12-25', 'Kelahiran Yesus Kristus', 'libur_nasional', 'Tanggal tetap setiap tahun (sama dalam SKB 2025 dan SKB 2026); SKB 2027 belum dimasukkan', 'SKB 3 Menteri 2025 dan 2026 (lihat baris tahun itu)', false, '');

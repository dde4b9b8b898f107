DROP TABLE nagari; DROP TABLE kecamatan;

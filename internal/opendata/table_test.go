package opendata_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"lapak/internal/apperr"
	"lapak/internal/opendata"
)

// TestWriteCSV_OneRowPerLine checks the CSV download: a header, one row per
// line of the selected completed orders, amounts as plain numbers.
func TestWriteCSV_OneRowPerLine(t *testing.T) {
	t.Parallel()
	db, seed := seeded(t)
	var buf bytes.Buffer
	if err := opendata.WriteCSV(context.Background(), db, &buf, year2026()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\ufeff")) {
		t.Error("no byte-order mark: Excel would misread the characters")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(opendata.LineHeader, ",") {
		t.Errorf("header %v", rows[0])
	}
	// plain 2 lines, negotiated 1, partial 2, services 2; other_year is 2025.
	if len(rows) != 1+7 {
		t.Fatalf("%d rows, want header + 7 lines", len(rows))
	}
	col := func(name string) int {
		for i, h := range opendata.LineHeader {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return 0
	}
	var partial []string
	for _, r := range rows[1:] {
		if r[col("ocid")] == site.OCID(seed.Orders["partial"]) && r[col("butir")] == "1" {
			partial = r
		}
	}
	got := strings.Join([]string{partial[col("opd")], partial[col("penyedia")], partial[col("kecamatan_penyedia")], partial[col("jumlah")],
		partial[col("jumlah_diterima")], partial[col("harga_satuan")], partial[col("nilai")], partial[col("nilai_diterima")], partial[col("tanggal_selesai")]}, "|")
	want := "Dinas Kesehatan Kabupaten Solok Selatan|Kopi Sangir Jaya|Sangir|40|30|50000|2000000|1500000|2026-11-16"
	if got != want {
		t.Errorf("partial line 1: %s\nwant %s", got, want)
	}
}

// TestWriteXLSX_TooManyRows refuses, before writing anything, a selection
// larger than a workbook should hold.
func TestWriteXLSX_TooManyRows(t *testing.T) {
	db, _ := seeded(t)
	var buf bytes.Buffer
	if err := opendata.WriteXLSX(context.Background(), db, &buf, year2026()); err != nil {
		t.Fatal(err)
	}
	if text := xlsxText(t, buf.Bytes()); strings.Count(text, "\n") != 8 || !strings.Contains(text, "Kopi Sangir Jaya") {
		t.Errorf("workbook:\n%s", text)
	}
	defer opendata.SetMaxXLSXRows(6)() // the year has 7 lines
	buf.Reset()
	err := opendata.WriteXLSX(context.Background(), db, &buf, year2026())
	if !errors.Is(err, apperr.Invalid) || !strings.Contains(apperr.Message(err), "unduh CSV") || buf.Len() != 0 {
		t.Errorf("err %v, %d bytes; want Invalid suggesting CSV, nothing written", err, buf.Len())
	}
}

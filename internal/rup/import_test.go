package rup_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"lapak/internal/rules/rulestest"
	"lapak/internal/rup"
	"lapak/internal/validate"
)

// sirupCSV looks like a SiRUP list saved from Excel: a title, a blank row,
// semicolons, Indonesian amounts, and rows with every kind of mistake.
const sirupCSV = "Daftar Paket RUP Dinas Kesehatan TA 2026\n" +
	";;;\n" +
	"Kode RUP;Nama Paket;Pagu (Rp);Sumber Dana;Kode Rekening/MAK;Tahun Anggaran;NIP PPK\n" +
	"41230001;Belanja ATK;150.000.000;APBD;5.1.02.01.01.0024;2026;198001012006041001\n" + // row 4
	"41230002;Makan minum rapat;25000000;DAK Non Fisik;5.1.02.01.01.0052;2026;\n" + // 5
	"41230003;Sewa tenda;Rp 10.000.000;BLUD;;;199999999999999999\n" + // 6: default year, unknown PPK
	"ABC;Paket rusak;1000000;APBD;;2026;\n" + // 7
	"41230005;;1000000;APBD;;2026;\n" + // 8
	"41230006;Bukan pagu;seratus;APBD;;2026;\n" + // 9
	"41230007;Dana aneh;1000000;HIBAH;;2026;\n" + // 10
	"41230001;Duplikat;1000000;APBD;;2026;\n" + // 11
	"4,12E+07;Notasi ilmiah;1000000;APBD;;2026;\n" + // 12
	"41239000;Milik OPD lain;1000000;APBD;;2026;\n" + // 13
	";;;;;;\n"

func problemRows(ps []rup.RowProblem) []int {
	var rows []int
	for _, p := range ps {
		rows = append(rows, p.Row)
	}
	return rows
}

func TestImport_CSVWithBadRowsAndReimport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.svc.CreatePackage(f.as("pp-other"), rup.Input{KodeRUP: "41239000", Name: "Paket OPD lain", Pagu: "5000000",
		FundingSource: "APBD", FiscalYear: "2026"}); err != nil {
		t.Fatal(err)
	}
	rep, err := f.svc.Import(f.as("ppk"), f.opd, []byte(sirupCSV), 2026)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 10 || rep.Created != 3 || rep.Updated != 0 || rep.Unchanged != 0 {
		t.Errorf("first import: rows %d created %d updated %d unchanged %d", rep.Rows, rep.Created, rep.Updated, rep.Unchanged)
	}
	if diff := cmp.Diff(problemRows(rep.Problems), []int{7, 8, 9, 10, 11, 12, 13}); diff != "" {
		t.Errorf("problem rows (-got +want):\n%s\n%+v", diff, rep.Problems)
	}
	for _, p := range rep.Problems {
		if len(p.Messages) == 0 || p.Messages[0] == "" {
			t.Errorf("row %d has no message", p.Row)
		}
	}
	if diff := cmp.Diff(problemRows(rep.Warnings), []int{6}); diff != "" {
		t.Errorf("warning rows (-got +want):\n%s", diff)
	}
	if !strings.Contains(rep.Format, "titik koma") {
		t.Errorf("format %q does not name the delimiter", rep.Format)
	}
	list, err := f.svc.Packages(f.as("pp"), rup.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	byKode := map[string]rup.Listed{}
	for _, p := range list {
		byKode[p.KodeRUP] = p
	}
	atk := byKode["41230001"]
	if atk.Pagu != 150_000_000 || atk.FundingSource != "APBD" || atk.AccountCode != "5.1.02.01.01.0024" || atk.PPKUserID != f.users["ppk"].ID || atk.Origin != "import" {
		t.Errorf("41230001: %+v", atk.Package)
	}
	if m := byKode["41230002"]; m.FundingSource != "DAK" || m.Pagu != 25_000_000 {
		t.Errorf("41230002: %+v", m.Package)
	}
	if s := byKode["41230003"]; s.FiscalYear != 2026 || s.FundingSource != "BLUD" || s.PPKUserID != 0 {
		t.Errorf("41230003: %+v", s.Package)
	}

	// The same file again changes nothing.
	again, err := f.svc.Import(f.as("pp"), f.opd, []byte(sirupCSV), 2026)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created != 0 || again.Updated != 0 || again.Unchanged != 3 || len(again.Problems) != 7 {
		t.Errorf("re-import: created %d updated %d unchanged %d problems %d", again.Created, again.Updated, again.Unchanged, len(again.Problems))
	}
	if n := f.count(t, "SELECT count(*) FROM rup_packages WHERE opd_id = $1", f.opd); n != 3 {
		t.Errorf("packages after re-import: %d, want 3", n)
	}

	// A changed pagu updates the package by its Kode RUP, unless live orders hold more.
	changed := strings.Replace(sirupCSV, "41230002;Makan minum rapat;25000000", "41230002;Makan minum rapat;30000000", 1)
	upd, err := f.svc.Import(f.as("pp"), f.opd, []byte(changed), 2026)
	if err != nil {
		t.Fatal(err)
	}
	if upd.Created != 0 || upd.Updated != 1 || upd.Unchanged != 2 {
		t.Errorf("changed import: created %d updated %d unchanged %d", upd.Created, upd.Updated, upd.Unchanged)
	}
	f.ledger.Add(rulestest.Order{ID: 9, OPDID: f.opd, PackageID: byKode["41230002"].ID, Total: 28_000_000})
	lower, err := f.svc.Import(f.as("pp"), f.opd, []byte(sirupCSV), 2026)
	if err != nil {
		t.Fatal(err)
	}
	if lower.Updated != 0 || !slicesContain(problemRows(lower.Problems), 5) {
		t.Errorf("pagu below live orders: updated %d, problems %+v", lower.Updated, lower.Problems)
	}
	if n := f.count(t, "SELECT count(*) FROM audit_log WHERE action = 'rup.import'"); n != 4 {
		t.Errorf("import audit entries: %d, want 4", n)
	}
}

func slicesContain(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestImport_XLSX(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	x := excelize.NewFile()
	defer x.Close()
	x.SetSheetName("Sheet1", "RUP")
	rows := [][]any{
		{"Kode RUP", "Nama Paket", "Pagu", "Sumber Dana", "MAK", "Tahun Anggaran"},
		{41230011, "Belanja bahan kebersihan", 150000000, "APBD", "5.1.02.01.01.0081", 2026},
		{41230012, "Cetak spanduk", 1.5, "APBD", "", 2026},
		{"41230013", "Perawatan kendaraan", "45000000", "apbd perubahan", "", "2027"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("RUP", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rep, err := f.svc.Import(f.as("admin"), f.opd, buf.Bytes(), 2026)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 2 || !strings.Contains(rep.Format, "XLSX") {
		t.Errorf("created %d, format %q", rep.Created, rep.Format)
	}
	if diff := cmp.Diff(problemRows(rep.Problems), []int{3}); diff != "" {
		t.Errorf("problem rows (-got +want):\n%s", diff)
	}
	list, err := f.svc.Packages(f.as("admin"), rup.Filter{OPDID: f.opd, FiscalYear: 2027})
	if err != nil || len(list) != 1 || list[0].FundingSource != "APBDP" || list[0].Pagu != 45_000_000 {
		t.Errorf("2027 packages: %+v, %v", list, err)
	}
}

func TestImport_FileProblems(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name string
		data string
	}{
		{"berkas kosong", "\ufeff  \n"},
		{"bukan spreadsheet", "%PDF-1.7\n\x00\x01binary"},
		{"tanpa baris judul", "41230001;Belanja ATK;1000000\n"},
		{"kolom pagu tidak ada", "Kode RUP;Nama Paket\n41230001;Belanja ATK\n"},
		{"hanya judul", "Kode RUP,Nama Paket,Pagu\n"},
		{"Excel lama", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.Import(f.as("pp"), f.opd, []byte(tt.data), 2026)
			fields, ok := validate.AsErrors(err)
			if !ok || fields["file"] == "" {
				t.Errorf("got %v, want a message on file", err)
			}
		})
	}
	if n := f.count(t, "SELECT count(*) FROM rup_packages"); n != 0 {
		t.Errorf("packages after bad files: %d", n)
	}
}

// TestImport_Windows1252 reads a CSV saved by Excel on Windows, with commas.
func TestImport_Windows1252(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	data := []byte("Kode RUP,Nama Paket,Pagu,Sumber Dana\n41230021,\"Belanja caf\xe9 \"\"rapat\"\"\",\"2,500,000\",APBD\n")
	rep, err := f.svc.Import(f.as("pp"), f.opd, data, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != 1 || len(rep.Problems) != 0 {
		t.Fatalf("report %+v", rep)
	}
	p, err := f.svc.Packages(f.as("pp"), rup.Filter{Query: "41230021"})
	if err != nil || len(p) != 1 || p[0].Name != "Belanja café \"rapat\"" || p[0].Pagu != 2_500_000 {
		t.Errorf("package %+v, %v", p, err)
	}
}

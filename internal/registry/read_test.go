package registry

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/apperr"
)

func TestMatchHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header string
		want   Field
	}{
		{"Nama Usaha", FieldBusinessName},
		{"nama_usaha", FieldBusinessName},
		{"NAMA UMKM", FieldBusinessName},
		{"NamaUsaha", FieldBusinessName},
		{"Nama Usaha / Toko", FieldBusinessName},
		{"Nama Pemilik", FieldOwnerName},
		{"Pemilik", FieldOwnerName},
		{"Nama Pemilik Usaha", FieldOwnerName},
		{"Nama Pemilik (sesuai KTP)", FieldOwnerName},
		{"NIK", FieldNIK},
		{"NIK Pemilik", FieldNIK},
		{"No. KTP", FieldNIK},
		{"NIB", FieldNIB},
		{"Nomor Induk Berusaha (NIB)", FieldNIB},
		{"No HP", FieldPhone},
		{"No. Telp", FieldPhone},
		{"WA", FieldPhone},
		{"No. HP/WA", FieldPhone},
		{"No HP Pemilik", FieldPhone},
		{"E-mail", FieldEmail},
		{"Alamat Email", FieldEmail},
		{"Alamat", FieldAddress},
		{"Alamat Usaha (Jorong/Nagari)", FieldAddress},
		{"Alamat KTP", FieldAddress},
		{"Kec.", FieldKecamatan},
		{"Kecamatan", FieldKecamatan},
		{"KECAMATAN", FieldKecamatan},
		{"Desa/Nagari", FieldNagari},
		{"Nagari", FieldNagari},
		{"Kelurahan/Desa", FieldNagari},
		{"Jenis Usaha", FieldSector},
		{"Sektor", FieldSector},
		{"Bidang Usaha", FieldSector},
		{"Skala", FieldScale},
		{"Skala Usaha", FieldScale},
		{"No", fieldIgnored},
		{"No.", fieldIgnored},
		{"Jenis Kelamin", ""},
		{"Tahun Berdiri", ""},
		{"Nama", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := matchHeader(tt.header); got != tt.want {
			t.Errorf("matchHeader(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

func TestMatchName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Kopi Janggut", "kopi janggut"},
		{"CV. Kopi Janggut", "kopi janggut"},
		{"C.V. KOPI  JANGGUT", "kopi janggut"},
		{"UD Tani Makmur", "tani makmur"},
		{"PT. Mitra Kerinci", "mitra kerinci"},
		{"Toko Sembako Uni Yen", "sembako uni yen"},
		{"Usaha Dagang Saiyo", "saiyo"},
		{"Kerupuk Nasi \"Tiga Saudara\"", "kerupuk nasi tiga saudara"},
		{"Café Kopi-Liki", "cafe kopi liki"},
		{"Toko", "toko"},
	}
	for _, tt := range tests {
		if got := MatchName(tt.in); got != tt.want {
			t.Errorf("MatchName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// testPlaces reads the embedded region list the way loadPlaces reads the tables.
func testPlaces(t *testing.T) *places {
	t.Helper()
	f, err := dataFS.Open("data/kecamatan_nagari.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var list []placeRow
	for _, r := range recs[1:] {
		switch r[0] {
		case "kecamatan":
			list = append(list, placeRow{code: r[1], name: r[2], bps: r[5]})
		case "nagari":
			list = append(list, placeRow{code: r[1], kec: r[3], name: r[2], bps: r[5]})
		}
	}
	return buildPlaces(list)
}

func TestPlaces_Kecamatan(t *testing.T) {
	t.Parallel()
	p := testPlaces(t)
	tests := []struct{ in, want string }{
		{"Sangir", "13.11.01"},
		{"SANGIR", "13.11.01"},
		{"Kec. Sangir", "13.11.01"},
		{"Kecamatan Sungai Pagu", "13.11.02"},
		{"sungaipagu", "13.11.02"},
		{"PAUAH DUO", "13.11.06"},
		{"Pauh Duo", "13.11.06"},
		{"KPGD", "13.11.03"},
		{"Koto Parik Gadang Di Ateh", "13.11.03"},
		{"Sangir Batanghari", "13.11.05"},
		{"Sangir Balai Jango", "13.11.07"}, // one letter missing
		{"13.11.04", "13.11.04"},
		{"131104", "13.11.04"},
		{"1310010", "13.11.01"}, // BPS code of Sangir
		{"Lembah Gumanti", ""},  // in Kabupaten Solok
		{"Sangi", "13.11.01"},
		{"Sang", ""},
	}
	for _, tt := range tests {
		got := ""
		if k := p.kecamatan(tt.in); k != nil {
			got = k.code
		}
		if got != tt.want {
			t.Errorf("kecamatan(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPlaces_Nagari(t *testing.T) {
	t.Parallel()
	p := testPlaces(t)
	tests := []struct {
		kec, in         string
		want, elsewhere string
	}{
		{"13.11.01", "Lubuk Gadang", "13.11.01.2001", ""},
		{"13.11.01", "LUBUAK GADANG TIMUR", "13.11.01.2002", ""},
		{"13.11.01", "Nagari Lubuk Gadang Utara", "13.11.01.2004", ""},
		{"13.11.02", "Pasa Muaro Labuah", "13.11.02.2005", ""},
		{"13.11.02", "13.11.02.2007", "13.11.02.2007", ""},
		{"13.11.01", "Abai", "", "13.11.05.2001"},
		{"13.11.01", "13.11.05.2001", "", "13.11.05.2001"},
		{"13.11.01", "Koto Kaciak", "", ""},
	}
	for _, tt := range tests {
		n, e := p.nagariIn(p.byCode[tt.kec], tt.in)
		got, gotElse := "", ""
		if n != nil {
			got = n.code
		}
		if e != nil {
			gotElse = e.code
		}
		if got != tt.want || gotElse != tt.elsewhere {
			t.Errorf("nagariIn(%s, %q) = %q, elsewhere %q; want %q, %q", tt.kec, tt.in, got, gotElse, tt.want, tt.elsewhere)
		}
	}
}

func TestParseScale(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Scale
		ok   bool
	}{
		{"Mikro", ScaleMikro, true}, {"Usaha Mikro", ScaleMikro, true}, {"MIKRO", ScaleMikro, true},
		{"Kecil", ScaleKecil, true}, {"usaha kecil", ScaleKecil, true}, {"Menengah", ScaleMenengah, true},
		{"Usaha Menengah", ScaleMenengah, true}, {"-", "", true}, {"", "", true}, {"Besar", "", false},
	}
	for _, tt := range tests {
		got, ok := parseScale(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseScale(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// cells returns the data rows of a table as text, for comparing.
func cells(tb *table) [][]string {
	var out [][]string
	for _, r := range tb.rows {
		out = append(out, r.cells)
	}
	return out
}

func TestReadTable_Encodings(t *testing.T) {
	t.Parallel()
	want := [][]string{{"Café Liki", "Sangir"}, {"Kopi Janggut", "Sangir"}}
	win1252 := []byte("Nama Usaha,Kecamatan\r\nCaf\xe9 Liki,Sangir\r\nKopi Janggut,Sangir\r\n")
	tests := []struct {
		name    string
		data    []byte
		details string
	}{
		{"UTF-8", []byte("Nama Usaha,Kecamatan\nCafé Liki,Sangir\nKopi Janggut,Sangir\n"), "UTF-8, pemisah koma"},
		{"UTF-8 with BOM", []byte("\xef\xbb\xbfNama Usaha,Kecamatan\r\nCafé Liki,Sangir\r\nKopi Janggut,Sangir\r\n"), "UTF-8 (BOM), pemisah koma"},
		{"Windows-1252", win1252, "Windows-1252, pemisah koma"},
		{"semicolons", []byte("Nama Usaha;Kecamatan\nCafé Liki;Sangir\nKopi Janggut;Sangir\n"), "UTF-8, pemisah titik koma"},
		{"tabs", []byte("Nama Usaha\tKecamatan\nCafé Liki\tSangir\nKopi Janggut\tSangir\n"), "UTF-8, pemisah tab"},
		{"semicolons with commas inside", []byte("Nama Usaha;Kecamatan\n\"Café Liki\";Sangir\nKopi Janggut;Sangir\n"), "UTF-8, pemisah titik koma"},
		{"sep line", []byte("sep=;\nNama Usaha;Kecamatan\nCafé Liki;Sangir\nKopi Janggut;Sangir\n"), "UTF-8, pemisah titik koma"},
		{"UTF-16", utf16le("Nama Usaha\tKecamatan\r\nCafé Liki\tSangir\r\nKopi Janggut\tSangir\r\n"), "UTF-16, pemisah tab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := readTable(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			var got [][]string
			for _, r := range cells(tb) {
				got = append(got, []string{cleanCell(r[0]), cleanCell(r[1])})
			}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("rows (-got +want):\n%s", diff)
			}
			if tb.details != tt.details {
				t.Errorf("details = %q, want %q", tb.details, tt.details)
			}
		})
	}
}

func utf16le(s string) []byte {
	b := []byte{0xff, 0xfe}
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// Text that went through a Windows-1252 reading once ("Ã©" for "é") is repaired.
func TestCleanCell(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"CafÃ© Liki", "Café Liki"},
		{"  Kopi \u00a0 Janggut \n", "Kopi Janggut"},
		{"'1311015203850001", "1311015203850001"},
		{"Rumah Makan Salero Bundo", "Rumah Makan Salero Bundo"},
		{"Ã", "Ã"},
	}
	for _, tt := range tests {
		if got := cleanCell(tt.in); got != tt.want {
			t.Errorf("cleanCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReadTable_Refused(t *testing.T) {
	t.Parallel()
	var emptyZip bytes.Buffer
	zw := zip.NewWriter(&emptyZip)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte("<w/>"))
	zw.Close()
	tooMany := "Nama Usaha,Kecamatan\n" + strings.Repeat("Kopi,Sangir\n", MaxRows+1)
	tests := []struct {
		name  string
		data  []byte
		cause error
		msg   string
	}{
		{"empty", nil, ErrEmpty, "Berkas kosong."},
		{"only a byte order mark and blank lines", []byte("\xef\xbb\xbf\r\n\r\n"), ErrEmpty, "Berkas kosong."},
		{"PNG image", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"), ErrNotSpreadsheet, "bukan CSV atau XLSX"},
		{"PDF", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), ErrNotSpreadsheet, "bukan CSV atau XLSX"},
		{"Word document", emptyZip.Bytes(), ErrNotSpreadsheet, "bukan CSV atau XLSX"},
		{"old Excel", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), ErrNotSpreadsheet, "Excel lama (.xls)"},
		{"no header", []byte("Nama,Alamat\nKopi Janggut,Sungai Lambai\n"), ErrNoHeader, `kolom "Nama usaha" dan "Kecamatan" tidak ditemukan`},
		{"no kecamatan column", []byte("Nama Usaha,Alamat\nKopi Janggut,Sungai Lambai\n"), ErrNoHeader, `kolom "Kecamatan" tidak ditemukan`},
		{"header only", []byte("Nama Usaha;Kecamatan\n"), ErrNoRows, "hanya berisi judul kolom"},
		{"too large", append([]byte("Nama Usaha,Kecamatan\n"), bytes.Repeat([]byte("a"), MaxFileSize)...), ErrTooLarge, "lebih dari 20 MB"},
		{"too many rows", []byte(tooMany), ErrTooManyRows, "lebih dari 50.000 baris"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readTable(tt.data)
			if !errors.Is(err, tt.cause) || !errors.Is(err, apperr.Invalid) {
				t.Fatalf("got %v, want %v of kind Invalid", err, tt.cause)
			}
			if msg := apperr.Message(err); !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q does not say %q", msg, tt.msg)
			}
		})
	}
}

// Row numbers are those a spreadsheet shows: a title above the header,
// blank lines and cells spanning lines all count as in Excel.
func TestReadTable_RowNumbers(t *testing.T) {
	t.Parallel()
	data := "DATA UMKM KABUPATEN SOLOK SELATAN 2025;;\n;;\nNama Usaha;Kecamatan;Alamat\nKopi Janggut;Sangir;Sungai Lambai\n\n" +
		"Kerupuk Tiga Saudara;Sungai Pagu;\"Jl. Pasar\nMuara Labuh\"\n;;\nKipang Pulut Uni Yen;Sangir;\n"
	tb, err := readTable([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if tb.headerRow != 3 {
		t.Errorf("header row %d, want 3", tb.headerRow)
	}
	var got []int
	for _, r := range tb.rows {
		got = append(got, r.num)
	}
	if diff := cmp.Diff(got, []int{4, 6, 8}); diff != "" {
		t.Errorf("row numbers (-got +want):\n%s", diff)
	}
}

func TestSplitPhones(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, first, others string }{
		{"0812-3456-7890", "0812-3456-7890", ""},
		{"0812 3456 7890 / 0813 1111 2222", "0812 3456 7890", "0813 1111 2222"},
		{"0812 3456 7890 atau 0813 1111 2222", "0812 3456 7890", "0813 1111 2222"},
		{"WA: 0812 3456 7890 (aktif)", "0812 3456 7890", ""},
		{"+62 812 3456 7890", "+62 812 3456 7890", ""},
	}
	for _, tt := range tests {
		first, others := splitPhones(tt.in)
		if first != tt.first || others != tt.others {
			t.Errorf("splitPhones(%q) = %q, %q; want %q, %q", tt.in, first, others, tt.first, tt.others)
		}
	}
}

func TestGenerate_Deterministic(t *testing.T) {
	t.Parallel()
	a := Generate(GenerateOptions{Count: 500, Seed: 7, Mistakes: 12})
	b := Generate(GenerateOptions{Count: 500, Seed: 7, Mistakes: 12})
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different rows:\n%s", diff)
	}
	c := Generate(GenerateOptions{Count: 500, Seed: 8})
	if cmp.Equal(a.Rows[:5], c.Rows[:5]) {
		t.Error("another seed gave the same rows")
	}
	if len(a.Rows) != 500 || len(a.Mistakes) != 12 {
		t.Errorf("got %d rows and %d mistakes, want 500 and 12", len(a.Rows), len(a.Mistakes))
	}
	nib, nik, phone := 0, 0, 0
	for _, r := range c.Rows {
		if r[4] != "" {
			nib++
		}
		if r[3] != "" {
			nik++
		}
		if r[5] != "" {
			phone++
		}
	}
	if nib < 280 || nib > 360 || phone < 390 || phone > 460 || nik < 370 {
		t.Errorf("of 500 rows, %d have a NIB (want about 64%%), %d a phone (about 85%%), %d a NIK", nib, phone, nik)
	}
}

// Generated rows without mistakes raise no problem at all.
func TestGenerate_Clean(t *testing.T) {
	t.Parallel()
	sh := Generate(GenerateOptions{Count: 3000, Seed: 1})
	var buf bytes.Buffer
	if err := sh.WriteCSV(&buf, ';'); err != nil {
		t.Fatal(err)
	}
	tb, err := readTable(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	cands, problems := tb.check(testPlaces(t))
	for _, p := range problems[:min(len(problems), 10)] {
		t.Errorf("row %d %s %q: %s", p.Row, p.Field, p.Value, p.Message)
	}
	if _, dups := duplicates(cands); len(dups) > 0 {
		t.Errorf("%d duplicates, first: %+v", len(dups), dups[0])
	}
}

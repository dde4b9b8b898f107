package registry

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"lapak/internal/rupiah"
)

// headerSearchRows is how far down a sheet the header row may be: lists
// often start with a title and a blank line.
const headerSearchRows = 10

// rawRow is one data row of a file with its row number as the spreadsheet
// shows it (the header row counted).
type rawRow struct {
	num   int
	cells []string
}

// table is a file read into rows, with its recognised header.
type table struct {
	format    string // "CSV" or "XLSX"
	details   string // encoding and delimiter, or the sheet, for users
	headerRow int
	cols      columnMap
	rows      []rawRow
	// rawCell returns the unformatted value of a numeric XLSX cell shown in
	// scientific notation (a NIK typed as a number); nil for CSV.
	rawCell func(row, col int) string
}

// readTable recognises the kind of file by its content (never its name) and
// reads it.
func readTable(data []byte) (*table, error) {
	if len(data) > MaxFileSize {
		return nil, invalid(ErrTooLarge, fmt.Sprintf("Berkas lebih dari %d MB. Pecah daftar menjadi beberapa berkas, lalu impor satu per satu.", MaxFileSize>>20))
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))) == 0 {
		return nil, invalid(ErrEmpty, "Berkas kosong. Pilih berkas daftar UMKM yang berisi data.")
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data)
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return nil, invalid(ErrNotSpreadsheet, "Berkas ini berformat Excel lama (.xls). Buka di Excel atau LibreOffice, simpan sebagai .xlsx atau CSV, lalu unggah lagi.")
	}
	text, encoding, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	return readCSV(text, encoding)
}

var errNotSpreadsheet = invalid(ErrNotSpreadsheet, "Berkas ini bukan CSV atau XLSX. Simpan daftar UMKM dari Excel atau LibreOffice sebagai .xlsx atau CSV, lalu unggah lagi.")

// decodeText turns a CSV file into UTF-8: UTF-8 with or without a byte order
// mark, UTF-16 with one (Excel's "Unicode text"), else Windows-1252, the
// encoding Excel on Windows uses for "CSV (Comma delimited)".
func decodeText(data []byte) (text, encoding string, err error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		text, encoding = string(data[3:]), "UTF-8 (BOM)"
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", "", errNotSpreadsheet
		}
		text, encoding = string(b), "UTF-16"
	case utf8.Valid(data):
		text, encoding = string(data), "UTF-8"
	default:
		b, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return "", "", errNotSpreadsheet
		}
		text, encoding = string(b), "Windows-1252"
	}
	if !looksLikeText(text) {
		return "", "", errNotSpreadsheet
	}
	return text, encoding, nil
}

// looksLikeText reports whether the start of s is text: no NUL bytes and few
// control characters, as in any CSV and in no image, PDF or archive.
func looksLikeText(s string) bool {
	if len(s) > 8192 {
		s = s[:8192]
	}
	if strings.HasPrefix(s, "%PDF") {
		return false
	}
	bad := 0
	for _, r := range s {
		switch {
		case r == 0:
			return false
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f':
			bad++
		case r == utf8.RuneError, r >= 0x80 && r < 0xa0:
			bad++
		}
	}
	return bad*50 < len(s)
}

// delimiterNames are the delimiters CSV files use, with their names for users.
var delimiterNames = map[rune]string{',': "koma", ';': "titik koma", '\t': "tab", '|': "garis tegak"}

// detectDelimiter picks the delimiter that splits the first lines into the
// same number of fields most often, preferring more fields. Delimiters
// inside quotes do not count.
func detectDelimiter(text string) rune {
	var lines []string
	for len(lines) < 20 && text != "" {
		line, rest, _ := strings.Cut(text, "\n")
		text = rest
		if strings.TrimSpace(line) != "" {
			lines = append(lines, line)
		}
	}
	best, bestFreq, bestCount := ',', 0, 0
	for _, d := range []rune{',', ';', '\t', '|'} {
		counts := map[int]int{}
		for _, l := range lines {
			n, quoted := 0, false
			for _, r := range l {
				switch {
				case r == '"':
					quoted = !quoted
				case r == d && !quoted:
					n++
				}
			}
			if n > 0 {
				counts[n]++
			}
		}
		for count, freq := range counts {
			if freq > bestFreq || freq == bestFreq && count > bestCount {
				best, bestFreq, bestCount = d, freq, count
			}
		}
	}
	return best
}

// readCSV reads decoded CSV text.
func readCSV(text, encoding string) (*table, error) {
	delim := detectDelimiter(text)
	// Excel honours a first line "sep=;" that names the delimiter.
	if first, rest, ok := strings.Cut(text, "\n"); ok && strings.HasPrefix(strings.ToLower(strings.TrimSpace(first)), "sep=") {
		if r, _ := utf8.DecodeRuneInString(strings.TrimSpace(first)[4:]); r != utf8.RuneError {
			delim = r
		}
		text = rest
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	t := &table{format: "CSV", details: encoding + ", pemisah " + delimiterNames[delim]}
	var head [][]string
	// num is the row number as a spreadsheet shows it: the reader skips
	// blank lines, which spreadsheets show as empty rows, and a quoted cell
	// may span lines within one row.
	num, prevEnd := 0, 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		num++
		if err == nil && len(rec) > 0 {
			start, _ := r.FieldPos(0)
			num += max(0, start-prevEnd-1)
			last, _ := r.FieldPos(len(rec) - 1)
			prevEnd = last + strings.Count(rec[len(rec)-1], "\n")
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, invalid(ErrNotSpreadsheet, fmt.Sprintf("Baris %d berkas CSV tidak dapat dibaca. Periksa tanda kutip (\") di baris itu, atau simpan ulang sebagai .xlsx.", num))
			}
			return nil, fmt.Errorf("registry: read csv: %w", err)
		}
		if t.cols.fields == nil {
			head = append(head, rec)
			if t.findHeader(head) || len(head) < headerSearchRows {
				continue
			}
			return nil, noHeader(head)
		}
		if err := t.add(num, rec); err != nil {
			return nil, err
		}
	}
	if t.cols.fields == nil {
		return nil, noHeader(head)
	}
	return t, t.checkNotEmpty()
}

// findHeader looks for the header among the first rows read; it sets t.cols
// and t.headerRow and reports whether it found one.
func (t *table) findHeader(head [][]string) bool {
	i := len(head) - 1
	m := mapHeader(head[i])
	if len(m.missing()) > 0 {
		return false
	}
	t.cols, t.headerRow = m, i+1
	return true
}

// add appends a data row unless it is blank.
func (t *table) add(num int, cells []string) error {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			if len(t.rows) >= MaxRows {
				return invalid(ErrTooManyRows, fmt.Sprintf("Berkas berisi lebih dari %s baris data. Pecah daftar menjadi beberapa berkas, lalu impor satu per satu.", rupiah.FormatPlain(MaxRows)))
			}
			t.rows = append(t.rows, rawRow{num: num, cells: cells})
			return nil
		}
	}
	return nil
}

// checkNotEmpty refuses a file with a header and no data.
func (t *table) checkNotEmpty() error {
	if len(t.rows) == 0 {
		return invalid(ErrNoRows, "Berkas hanya berisi judul kolom, belum ada data UMKM di bawahnya.")
	}
	return nil
}

// noHeader explains which required columns the best candidate header lacks.
func noHeader(head [][]string) error {
	var best columnMap
	for _, row := range head {
		if m := mapHeader(row); best.fields == nil || m.score() > best.score() {
			best = m
		}
	}
	var names []string
	for _, f := range best.missing() {
		names = append(names, strconv.Quote(f.Label()))
	}
	if len(names) == 0 {
		names = []string{`"Nama usaha"`, `"Kecamatan"`}
	}
	return invalid(ErrNoHeader, "Judul kolom tidak dikenali: kolom "+strings.Join(names, " dan ")+
		" tidak ditemukan. Baris pertama berkas harus berisi judul kolom, paling sedikit nama usaha (misalnya \"Nama Usaha\") dan kecamatan (misalnya \"Kecamatan\").")
}

// xlsxUnzipLimit caps how much an XLSX may unpack to, against zip bombs.
const xlsxUnzipLimit = 256 << 20

// readXLSX reads the first visible sheet that has a recognisable header.
func readXLSX(data []byte) (*table, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, errNotSpreadsheet
	}
	isWorkbook := false
	for _, f := range zr.File {
		if f.Name == "xl/workbook.xml" {
			isWorkbook = true
		}
		if f.Name == "mimetype" || f.Name == "content.xml" {
			return nil, invalid(ErrNotSpreadsheet, "Berkas ini berformat OpenDocument (.ods). Simpan sebagai .xlsx atau CSV dari LibreOffice, lalu unggah lagi.")
		}
	}
	if !isWorkbook {
		return nil, errNotSpreadsheet
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: xlsxUnzipLimit})
	if err != nil {
		if strings.Contains(err.Error(), "password") || strings.Contains(err.Error(), "encrypt") {
			return nil, invalid(ErrNotSpreadsheet, "Berkas XLSX ini dilindungi kata sandi. Buka kuncinya di Excel, simpan, lalu unggah lagi.")
		}
		return nil, invalid(ErrNotSpreadsheet, "Berkas XLSX ini rusak atau tidak dapat dibuka. Buka di Excel atau LibreOffice, simpan ulang, lalu unggah lagi.")
	}
	defer f.Close()
	var heads [][]string
	for _, sheet := range f.GetSheetList() {
		if visible, _ := f.GetSheetVisible(sheet); !visible {
			continue
		}
		t, head, err := readSheet(f, sheet)
		if err != nil {
			return nil, err
		}
		if t != nil {
			return t, t.checkNotEmpty()
		}
		heads = append(heads, head...)
	}
	if len(heads) == 0 {
		return nil, invalid(ErrEmpty, "Berkas kosong. Pilih berkas daftar UMKM yang berisi data.")
	}
	return nil, noHeader(heads)
}

// readSheet reads one sheet; t is nil (with the first rows) when it has no header.
func readSheet(f *excelize.File, sheet string) (t *table, head [][]string, err error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, nil, invalid(ErrNotSpreadsheet, "Berkas XLSX ini rusak atau tidak dapat dibuka. Buka di Excel atau LibreOffice, simpan ulang, lalu unggah lagi.")
	}
	defer rows.Close()
	t = &table{format: "XLSX", details: "lembar " + strconv.Quote(sheet)}
	t.rawCell = func(row, col int) string {
		cell, err := excelize.CoordinatesToCellName(col+1, row)
		if err != nil {
			return ""
		}
		v, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		return v
	}
	num := 0
	for rows.Next() {
		num++
		cells, err := rows.Columns()
		if err != nil {
			return nil, nil, invalid(ErrNotSpreadsheet, fmt.Sprintf("Baris %d lembar %q tidak dapat dibaca. Simpan ulang berkas di Excel atau LibreOffice, lalu unggah lagi.", num, sheet))
		}
		if t.cols.fields == nil {
			head = append(head, cells)
			if t.findHeader(head) {
				continue
			}
			if len(head) >= headerSearchRows {
				return nil, head, nil
			}
			continue
		}
		if err := t.add(num, cells); err != nil {
			return nil, nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, nil, invalid(ErrNotSpreadsheet, "Berkas XLSX ini rusak atau tidak dapat dibuka. Buka di Excel atau LibreOffice, simpan ulang, lalu unggah lagi.")
	}
	if t.cols.fields == nil {
		return nil, head, nil
	}
	return t, nil, nil
}

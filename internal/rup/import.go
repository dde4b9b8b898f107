package rup

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/postgres"
	"lapak/internal/rupiah"
	"lapak/internal/validate"
)

// MaxImportSize is the largest file Import reads.
const MaxImportSize = 5 << 20

// maxImportRows bounds the data rows of one file; an OPD's plan has hundreds.
const maxImportRows = 5000

// headerSearchRows is how far down a sheet the header row may be: SiRUP
// exports and hand-made lists often start with a title.
const headerSearchRows = 10

// RowProblem is what is wrong with one row of an imported file. Row is the
// row number as a spreadsheet shows it.
type RowProblem struct {
	Row      int
	KodeRUP  string
	Messages []string
}

// ImportReport says what an import did.
type ImportReport struct {
	Format    string // e.g. "CSV (UTF-8, pemisah titik koma)" or "XLSX (lembar RUP)"
	Rows      int    // data rows read, blank rows left out
	Created   int
	Updated   int
	Unchanged int
	Problems  []RowProblem // rows not imported
	Warnings  []RowProblem // rows imported with a remark
	Notes     []string     // remarks about the whole file
}

// Imported returns how many rows are now in Lapak as the file says.
func (r ImportReport) Imported() int { return r.Created + r.Updated + r.Unchanged }

// column names the fields Import recognises.
type column int

const (
	colNone column = iota
	colKode
	colName
	colPagu
	colFunding
	colAccount
	colYear
	colPPKNIP
)

var columnLabels = map[column]string{colKode: "Kode RUP", colName: "Nama Paket", colPagu: "Pagu", colFunding: "Sumber Dana",
	colAccount: "Kode Rekening/MAK", colYear: "Tahun Anggaran", colPPKNIP: "NIP PPK"}

// normHeader lower-cases h and turns every run of other characters than
// letters and digits into one space: "Pagu (Rp)" becomes "pagu rp".
func normHeader(h string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(h) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
		} else {
			space = true
		}
	}
	return b.String()
}

// columnOf recognises a header cell, as SiRUP and people write them.
func columnOf(h string) column {
	n := normHeader(h)
	switch {
	case n == "":
		return colNone
	case strings.HasPrefix(n, "kode rup"), n == "kode paket", n == "id rup", n == "id paket", n == "rup id":
		return colKode
	case strings.HasPrefix(n, "nama paket"), n == "paket", n == "nama pekerjaan":
		return colName
	case n == "nip ppk", n == "nip pejabat pembuat komitmen":
		return colPPKNIP
	case strings.Contains(n, "rekening"), n == "mak", strings.HasPrefix(n, "mak "), strings.Contains(n, "sub kegiatan"):
		return colAccount
	case strings.HasPrefix(n, "pagu"), strings.HasSuffix(n, " pagu"):
		return colPagu
	case strings.HasPrefix(n, "sumber dana"):
		return colFunding
	case n == "tahun anggaran", n == "ta", n == "tahun", n == "t a":
		return colYear
	}
	return colNone
}

// numberedRow is one row of a file with its spreadsheet row number.
type numberedRow struct {
	num   int
	cells []string
}

// readFile recognises a CSV or XLSX file by its content and returns its rows
// and a description of it for users.
func readFile(data []byte) ([]numberedRow, string, error) {
	if len(data) > MaxImportSize {
		return nil, "", validate.Errors{"file": fmt.Sprintf("Berkas lebih dari %d MB. Pecah daftar paket menjadi beberapa berkas.", MaxImportSize>>20)}
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))) == 0 {
		return nil, "", validate.Errors{"file": "Berkas kosong. Pilih berkas ekspor SiRUP yang berisi paket."}
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return readXLSX(data)
	}
	if bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")) {
		return nil, "", validate.Errors{"file": "Berkas ini berformat Excel lama (.xls). Buka di Excel atau LibreOffice, simpan sebagai .xlsx atau CSV, lalu unggah lagi."}
	}
	return readCSV(data)
}

func notSpreadsheet() error {
	return validate.Errors{"file": "Berkas ini bukan CSV atau XLSX. Unduh daftar paket dari SiRUP sebagai Excel (.xlsx) atau CSV, lalu unggah lagi."}
}

func readCSV(data []byte) ([]numberedRow, string, error) {
	var text, enc string
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		text, enc = string(data[3:]), "UTF-8"
	case utf8.Valid(data):
		text, enc = string(data), "UTF-8"
	default:
		b, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, "", notSpreadsheet()
		}
		text, enc = string(b), "Windows-1252"
	}
	if strings.ContainsRune(text[:min(len(text), 4096)], 0) || strings.HasPrefix(text, "%PDF") {
		return nil, "", notSpreadsheet()
	}
	delim, name := detectDelimiter(text)
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows []numberedRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, "", validate.Errors{"file": fmt.Sprintf("Baris %d berkas CSV tidak dapat dibaca. Periksa tanda kutip (\") di baris itu, atau simpan ulang sebagai .xlsx.", pe.Line)}
			}
			return nil, "", fmt.Errorf("rup: read csv: %w", err)
		}
		line, _ := r.FieldPos(0)
		rows = append(rows, numberedRow{num: line, cells: rec})
		if len(rows) > maxImportRows+headerSearchRows {
			return nil, "", validate.Errors{"file": fmt.Sprintf("Berkas berisi lebih dari %d baris. Pecah daftar paket menjadi beberapa berkas.", maxImportRows)}
		}
	}
	return rows, "CSV (" + enc + ", pemisah " + name + ")", nil
}

// detectDelimiter picks the delimiter that appears most often, outside
// quotes, in the first lines.
func detectDelimiter(text string) (rune, string) {
	names := map[rune]string{',': "koma", ';': "titik koma", '\t': "tab"}
	counts := map[rune]int{}
	quoted, lines := false, 0
	for _, r := range text {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '\n' && !quoted:
			lines++
		case !quoted && names[r] != "":
			counts[r]++
		}
		if lines >= 20 {
			break
		}
	}
	best := ','
	for _, d := range []rune{';', '\t'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best, names[best]
}

func readXLSX(data []byte) ([]numberedRow, string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, "", notSpreadsheet()
	}
	defer f.Close()
	var first []numberedRow
	var firstName string
	for _, sheet := range f.GetSheetList() {
		raw, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			continue
		}
		if len(raw) > maxImportRows+headerSearchRows {
			return nil, "", validate.Errors{"file": fmt.Sprintf("Lembar %s berisi lebih dari %d baris. Pecah daftar paket menjadi beberapa berkas.", sheet, maxImportRows)}
		}
		rows := make([]numberedRow, 0, len(raw))
		for i, cells := range raw {
			rows = append(rows, numberedRow{num: i + 1, cells: cells})
		}
		if _, _, ok := findHeader(rows); ok {
			return rows, "XLSX (lembar " + sheet + ")", nil
		}
		if first == nil {
			first, firstName = rows, sheet
		}
	}
	return first, "XLSX (lembar " + firstName + ")", nil
}

// findHeader finds the header row among the first rows: the first one with
// a Kode RUP column. It returns the row's index and the column of each cell.
func findHeader(rows []numberedRow) (int, map[column]int, bool) {
	for i := 0; i < len(rows) && i < headerSearchRows; i++ {
		cols := map[column]int{}
		for j, c := range rows[i].cells {
			if k := columnOf(c); k != colNone {
				if _, seen := cols[k]; !seen {
					cols[k] = j
				}
			}
		}
		if _, ok := cols[colKode]; ok {
			return i, cols, true
		}
	}
	return 0, nil, false
}

func cleanCell(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
}

// parseKode reads a Kode RUP cell, including a whole number that a
// spreadsheet stores as a float ("41234567.0", "4.1234567E7"). Excel shows
// long numbers in CSV files as "4,12E+07", which has lost digits: that row
// is refused with advice.
func parseKode(s string) (string, string) {
	if s == "" {
		return "", "Kode RUP kosong."
	}
	if k, ok := normaliseKode(strings.TrimSuffix(s, ".0")); ok {
		return k, ""
	}
	if strings.ContainsAny(s, "eE") {
		if f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64); err == nil {
			if lossy(s) {
				return "", "Kode RUP tertulis dalam notasi ilmiah (" + s + ") sehingga angkanya hilang. Format kolom Kode RUP sebagai teks, lalu simpan dan unggah lagi."
			}
			if f == math.Trunc(f) && f > 0 && f < 1e12 {
				if k, ok := normaliseKode(strconv.FormatFloat(f, 'f', 0, 64)); ok {
					return k, ""
				}
			}
		}
	}
	return "", msgKode
}

// lossy reports whether a number in scientific notation shows fewer digits
// than the whole number it stands for has.
func lossy(s string) bool {
	mant, exp, _ := strings.Cut(strings.ToUpper(s), "E")
	e, err := strconv.Atoi(strings.TrimPrefix(exp, "+"))
	if err != nil {
		return true
	}
	intPart, frac, _ := strings.Cut(strings.Replace(mant, ",", ".", 1), ".")
	digits := len(strings.TrimLeft(intPart, "0")) + len(strings.TrimRight(frac, "0"))
	return digits < len(strings.TrimLeft(intPart, "0"))+e
}

// parsePagu reads a pagu cell: Indonesian or plain digits, or a whole number
// stored as a float by a spreadsheet.
func parsePagu(s string) (int64, string) {
	if s == "" {
		return 0, "Pagu kosong."
	}
	n, err := rupiah.Parse(s)
	if err != nil {
		// Spreadsheets may write numbers as 1.5E+08: read them exactly, never as a float.
		r, ok := new(big.Rat).SetString(s)
		switch {
		case !ok:
			return 0, "Pagu \"" + s + "\" bukan jumlah rupiah. Contoh: 150000000 atau 150.000.000."
		case !r.IsInt():
			return 0, "Pagu harus dalam rupiah penuh (tanpa sen)."
		case r.Cmp(new(big.Rat).SetInt64(rupiah.Max)) > 0:
			return 0, "Pagu terlalu besar."
		}
		n = r.Num().Int64()
	}
	if n <= 0 {
		return 0, "Pagu harus lebih dari Rp0."
	}
	return n, ""
}

// parseFunding reads a funding source as SiRUP and people write it.
func parseFunding(s string) (FundingSource, bool) {
	n := strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s))
	switch {
	case n == "APBD":
		return "APBD", true
	case n == "APBDP", strings.HasPrefix(n, "APBDPERUBAHAN"):
		return "APBDP", true
	case strings.HasPrefix(n, "DAK"), strings.HasPrefix(n, "DANAALOKASIKHUSUS"):
		return "DAK", true
	case n == "DAU", strings.HasPrefix(n, "DANAALOKASIUMUM"):
		return "DAU", true
	case n == "DBH", strings.HasPrefix(n, "DANABAGIHASIL"):
		return "DBH", true
	case n == "DID", strings.HasPrefix(n, "DANAINSENTIF"):
		return "DID", true
	case n == "BLUD":
		return "BLUD", true
	case n == "BOS", n == "DANABOS":
		return "BOS", true
	case n == "BOK":
		return "BOK", true
	case n == "APBN":
		return "APBN", true
	case n == "LAINNYA", n == "LAINLAIN":
		return "LAINNYA", true
	}
	return "", false
}

func parseYear(s string) (int, bool) {
	s = strings.TrimSuffix(strings.TrimSuffix(s, ".0"), ",0")
	y, err := strconv.Atoi(s)
	return y, err == nil && y >= 2020 && y <= 2100
}

// importRow is one data row read and checked.
type importRow struct {
	num     int
	v       values
	ppkNIP  string
	problem []string
}

// Import reads a SiRUP export (CSV or XLSX, headers "Kode RUP", "Nama
// Paket", "Pagu", "Sumber Dana", "Kode Rekening"/"MAK", "Tahun Anggaran",
// optionally "NIP PPK") into the packages of OPD opdID, in one transaction.
// Rows are checked one by one: good rows are added, or update the package
// with the same Kode RUP; bad rows are left out and reported. A row without a
// fiscal year gets defaultYear. Importing the same file again changes
// nothing. A file that cannot be read returns validate.Errors on "file".
// PP and PPK of the OPD, and admins, may.
func (s *Service) Import(ctx context.Context, opdID int64, data []byte, defaultYear int) (ImportReport, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return ImportReport{}, apperr.E(apperr.Unauthenticated, "")
	}
	if opdID == 0 {
		return ImportReport{}, validate.Errors{"opd_id": "Pilih OPD pemilik paket."}
	}
	if !CanEdit(u, opdID) {
		return ImportReport{}, apperr.E(apperr.Forbidden, "Anda hanya dapat mengimpor paket RUP untuk OPD Anda sendiri.")
	}
	rows, format, err := readFile(data)
	if err != nil {
		return ImportReport{}, err
	}
	hi, cols, ok := findHeader(rows)
	if !ok {
		return ImportReport{}, validate.Errors{"file": "Baris judul kolom tidak ditemukan. Baris pertama berkas harus berisi judul kolom, paling sedikit \"Kode RUP\", \"Nama Paket\" dan \"Pagu\"."}
	}
	var missing []string
	for _, c := range []column{colKode, colName, colPagu} {
		if _, ok := cols[c]; !ok {
			missing = append(missing, "\""+columnLabels[c]+"\"")
		}
	}
	if len(missing) > 0 {
		return ImportReport{}, validate.Errors{"file": "Kolom " + strings.Join(missing, ", ") + " tidak ditemukan di baris judul (baris " + strconv.Itoa(rows[hi].num) + ")."}
	}
	rep := ImportReport{Format: format}
	if _, ok := cols[colFunding]; !ok {
		rep.Notes = append(rep.Notes, "Kolom \"Sumber Dana\" tidak ada: semua paket dicatat bersumber APBD.")
	}
	if _, ok := cols[colYear]; !ok {
		rep.Notes = append(rep.Notes, "Kolom \"Tahun Anggaran\" tidak ada: semua paket dicatat untuk tahun anggaran "+strconv.Itoa(defaultYear)+".")
	}
	cell := func(r numberedRow, c column) string {
		i, ok := cols[c]
		if !ok || i >= len(r.cells) {
			return ""
		}
		return cleanCell(r.cells[i])
	}

	var list []importRow
	seen := map[string]int{}
	for _, r := range rows[hi+1:] {
		if slices.IndexFunc(r.cells, func(c string) bool { return cleanCell(c) != "" }) < 0 {
			continue
		}
		rep.Rows++
		ir := importRow{num: r.num, v: values{active: true}, ppkNIP: cell(r, colPPKNIP)}
		var msg string
		if ir.v.kodeRUP, msg = parseKode(cell(r, colKode)); msg != "" {
			ir.problem = append(ir.problem, msg)
		} else if prev, dup := seen[ir.v.kodeRUP]; dup {
			ir.problem = append(ir.problem, "Kode RUP ini sudah ada di baris "+strconv.Itoa(prev)+" berkas ini.")
		} else {
			seen[ir.v.kodeRUP] = r.num
		}
		ir.v.name = strings.Join(strings.Fields(cell(r, colName)), " ")
		if n := len([]rune(ir.v.name)); n < 3 || n > 500 {
			ir.problem = append(ir.problem, "Nama paket kosong atau terlalu panjang (3–500 huruf).")
		}
		if ir.v.pagu, msg = parsePagu(cell(r, colPagu)); msg != "" {
			ir.problem = append(ir.problem, msg)
		}
		ir.v.funding = "APBD"
		if _, ok := cols[colFunding]; ok {
			f, ok := parseFunding(cell(r, colFunding))
			if !ok {
				ir.problem = append(ir.problem, "Sumber dana \""+cell(r, colFunding)+"\" tidak dikenal. Gunakan salah satu: APBD, APBDP, DAK, DAU, DBH, DID, BLUD, BOS, BOK, APBN, Lainnya.")
			}
			ir.v.funding = f
		}
		ir.v.account = cell(r, colAccount)
		if len([]rune(ir.v.account)) > 200 {
			ir.problem = append(ir.problem, "Kode rekening/MAK terlalu panjang (paling banyak 200 huruf).")
		}
		ir.v.year = defaultYear
		if y := cell(r, colYear); y != "" {
			if ir.v.year, ok = parseYear(y); !ok {
				ir.problem = append(ir.problem, "Tahun anggaran \""+y+"\" tidak valid; tulis empat angka, misalnya 2026.")
			}
		}
		list = append(list, ir)
		if rep.Rows > maxImportRows {
			return ImportReport{}, validate.Errors{"file": fmt.Sprintf("Berkas berisi lebih dari %d paket. Pecah daftar paket menjadi beberapa berkas.", maxImportRows)}
		}
	}
	if rep.Rows == 0 {
		return ImportReport{}, validate.Errors{"file": "Berkas tidak berisi paket di bawah baris judul."}
	}

	var created, updated []string
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var kodes []string
		for _, ir := range list {
			if len(ir.problem) == 0 {
				kodes = append(kodes, ir.v.kodeRUP)
			}
		}
		existing := map[string]Package{}
		exRows, err := tx.Query(ctx, "SELECT "+columns+from+" WHERE p.kode_rup = ANY($1) ORDER BY p.id FOR UPDATE OF p", kodes)
		if err != nil {
			return err
		}
		exList, err := pgx.CollectRows(exRows, scan)
		if err != nil {
			return err
		}
		for _, p := range exList {
			existing[p.KodeRUP] = p
		}
		officials, err := ppks(ctx, tx, opdID)
		if err != nil {
			return err
		}
		for i := range list {
			ir := &list[i]
			if len(ir.problem) > 0 {
				continue
			}
			var warning string
			if ir.ppkNIP != "" {
				nip := strings.Map(func(r rune) rune {
					if r >= '0' && r <= '9' {
						return r
					}
					return -1
				}, ir.ppkNIP)
				j := slices.IndexFunc(officials, func(p PPK) bool { return p.NIP != "" && p.NIP == nip })
				if j >= 0 {
					ir.v.ppk = officials[j].UserID
				} else {
					warning = "Tidak ada PPK OPD ini dengan NIP " + ir.ppkNIP + "; pilih PPK paket ini secara manual."
				}
			}
			old, found := existing[ir.v.kodeRUP]
			switch {
			case found && old.OPDID != opdID:
				ir.problem = append(ir.problem, "Kode RUP ini sudah terdaftar untuk "+old.OPDName+".")
				continue
			case found:
				ppk := old.PPKUserID
				if ir.v.ppk != 0 {
					ppk = ir.v.ppk
				}
				if old.Name == ir.v.name && old.Pagu == ir.v.pagu && old.FundingSource == ir.v.funding &&
					old.AccountCode == ir.v.account && old.FiscalYear == ir.v.year && old.PPKUserID == ppk {
					rep.Unchanged++
					break
				}
				live, err := s.ledger.LiveTotalForPackage(ctx, tx, old.ID, 0)
				if err != nil {
					return fmt.Errorf("rup: live total: %w", err)
				}
				if ir.v.pagu < live {
					ir.problem = append(ir.problem, "Pagu baru "+rupiah.Format(ir.v.pagu)+" lebih kecil dari nilai pesanan berjalan pada paket ini ("+rupiah.Format(live)+").")
					continue
				}
				_, err = tx.Exec(ctx, `UPDATE rup_packages SET name = $2, pagu = $3, funding_source = $4, account_code = $5, fiscal_year = $6,
					ppk_user_id = $7, version = version + 1, updated_at = now() WHERE id = $1`,
					old.ID, ir.v.name, ir.v.pagu, ir.v.funding, ir.v.account, ir.v.year, nullID(ppk))
				if err != nil {
					return err
				}
				rep.Updated++
				updated = append(updated, ir.v.kodeRUP)
			default:
				_, err := tx.Exec(ctx, `INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, account_code, fiscal_year, ppk_user_id, origin)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'import')`,
					opdID, ir.v.kodeRUP, ir.v.name, ir.v.pagu, ir.v.funding, ir.v.account, ir.v.year, nullID(ir.v.ppk))
				if err != nil {
					return err
				}
				rep.Created++
				created = append(created, ir.v.kodeRUP)
			}
			if warning != "" {
				rep.Warnings = append(rep.Warnings, RowProblem{Row: ir.num, KodeRUP: ir.v.kodeRUP, Messages: []string{warning}})
			}
		}
		for _, ir := range list {
			if len(ir.problem) > 0 {
				rep.Problems = append(rep.Problems, RowProblem{Row: ir.num, KodeRUP: ir.v.kodeRUP, Messages: ir.problem})
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "rup.import", Entity: "opd", EntityID: strconv.FormatInt(opdID, 10),
			Details: map[string]any{"format": rep.Format, "rows": rep.Rows, "created": created, "updated": updated,
				"unchanged": rep.Unchanged, "problems": len(rep.Problems)}})
	})
	if err != nil {
		return ImportReport{}, fmt.Errorf("rup: import: %w", postgres.Classify(err))
	}
	return rep, nil
}

package catalog

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/postgres"
)

// Limits on uploaded spreadsheets.
const (
	MaxSheetSize = 8 << 20 // bytes
	maxSheetRows = 20000
)

// Reasons a spreadsheet is refused.
var (
	ErrSheetUnreadable = apperr.E(apperr.Invalid, "Berkas ini tidak dapat dibaca sebagai tabel. Unggah berkas CSV atau Excel (XLSX) dengan judul kolom di baris pertama.")
	ErrSheetTooLarge   = apperr.E(apperr.Invalid, "Berkas terlalu besar: paling besar 8 MB atau 20.000 baris. Bagi menjadi beberapa berkas.")
	ErrSheetEmpty      = apperr.E(apperr.Invalid, "Berkas ini tidak berisi baris data di bawah judul kolom.")
)

// sheet is a table read from an uploaded file: a header and rows of text.
type sheet struct {
	header []string
	rows   [][]string
	lines  []int // line (row) number in the file of each row, for messages
}

// readSheet reads a CSV (comma, semicolon or tab separated; UTF-8, with or
// without a byte-order mark) or the first sheet of an XLSX file, recognised
// by content.
func readSheet(r io.Reader) (sheet, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSheetSize+1))
	if err != nil {
		return sheet{}, fmt.Errorf("catalog: read sheet: %w", err)
	}
	if len(data) > MaxSheetSize {
		return sheet{}, ErrSheetTooLarge
	}
	var records [][]string
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		records, err = readXLSX(data)
	} else {
		records, err = readCSV(data)
	}
	if err != nil {
		return sheet{}, err
	}
	var sh sheet
	for i, rec := range records {
		blank := true
		for j := range rec {
			rec[j] = strings.TrimSpace(rec[j])
			blank = blank && rec[j] == ""
		}
		if blank {
			continue
		}
		if sh.header == nil {
			sh.header = rec
			continue
		}
		if len(sh.rows) == maxSheetRows {
			return sheet{}, ErrSheetTooLarge
		}
		sh.rows = append(sh.rows, rec)
		sh.lines = append(sh.lines, i+1)
	}
	if sh.header == nil || len(sh.rows) == 0 {
		return sheet{}, ErrSheetEmpty
	}
	return sh, nil
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, ErrSheetUnreadable
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	comma := ','
	if n := bytes.Count(first, []byte(";")); n > bytes.Count(first, []byte(",")) {
		comma = ';'
	}
	if n := bytes.Count(first, []byte("\t")); n > bytes.Count(first, []byte(string(comma))) {
		comma = '\t'
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	records, err := cr.ReadAll()
	if err != nil {
		return nil, ErrSheetUnreadable
	}
	return records, nil
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 32 << 20})
	if err != nil {
		return nil, ErrSheetUnreadable
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, ErrSheetEmpty
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, ErrSheetUnreadable
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		if len(out) > maxSheetRows+1 {
			return nil, ErrSheetTooLarge
		}
		rec, err := rows.Columns()
		if err != nil {
			return nil, ErrSheetUnreadable
		}
		out = append(out, rec)
	}
	if rows.Error() != nil {
		return nil, ErrSheetUnreadable
	}
	return out, nil
}

// headerKey reduces a column title to lower-case letters and digits.
func headerKey(s string) string {
	return strings.Join(Normalize(s), "")
}

// columns finds, for each field, the first column whose title is one of its
// aliases (compared by headerKey). Missing fields are absent from the map.
func (sh sheet) columns(aliases map[string][]string) map[string]int {
	out := map[string]int{}
	for field, names := range aliases {
	find:
		for _, name := range names {
			for i, h := range sh.header {
				if headerKey(h) == headerKey(name) {
					out[field] = i
					break find
				}
			}
		}
	}
	return out
}

// cell returns row i's value in column col, "" when absent.
func (sh sheet) cell(i, col int, ok bool) string {
	if !ok || col >= len(sh.rows[i]) {
		return ""
	}
	return sh.rows[i][col]
}

// stageUpload keeps checked rows between a preview and its confirmation.
func stageUpload(ctx context.Context, db postgres.DBTX, kind string, supplierID int64, fileName string, rows any) (int64, error) {
	u := auth.UserFrom(ctx)
	if u == nil || u.ID == 0 {
		return 0, apperr.E(apperr.Unauthenticated, "")
	}
	payload, err := json.Marshal(rows)
	if err != nil {
		return 0, fmt.Errorf("catalog: stage upload: %w", err)
	}
	var sup *int64
	if supplierID != 0 {
		sup = &supplierID
	}
	if r := []rune(fileName); len(r) > 200 {
		fileName = string(r[:200])
	}
	// Old previews nobody confirmed are dropped here.
	if _, err := db.Exec(ctx, `DELETE FROM catalog_uploads WHERE created_at < now() - interval '1 day'`); err != nil {
		return 0, postgres.Classify(err)
	}
	var id int64
	err = db.QueryRow(ctx, `INSERT INTO catalog_uploads (kind, user_id, supplier_id, file_name, rows) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		kind, u.ID, sup, fileName, payload).Scan(&id)
	return id, postgres.Classify(err)
}

// ErrUploadGone means a preview was confirmed after it expired or twice.
var ErrUploadGone = apperr.E(apperr.Conflict, "Pratinjau ini sudah diterapkan atau kedaluwarsa. Unggah berkasnya lagi.")

// takeUpload removes and returns the staged rows of upload id, which the
// user in ctx must have made (for supplierID, when not 0).
func takeUpload(ctx context.Context, db postgres.DBTX, id int64, kind string, supplierID int64, rows any) (string, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return "", apperr.E(apperr.Unauthenticated, "")
	}
	var payload []byte
	var fileName string
	err := db.QueryRow(ctx, `DELETE FROM catalog_uploads WHERE id = $1 AND kind = $2 AND user_id = $3 AND coalesce(supplier_id, 0) = $4
		RETURNING rows, file_name`, id, kind, u.ID, supplierID).Scan(&payload, &fileName)
	if err != nil {
		if errors.Is(err, postgres.ErrNoRows) {
			return "", ErrUploadGone
		}
		return "", postgres.Classify(err)
	}
	if err := json.Unmarshal(payload, rows); err != nil {
		return "", fmt.Errorf("catalog: staged rows: %w", err)
	}
	return fileName, nil
}

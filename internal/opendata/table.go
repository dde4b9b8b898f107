package opendata

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"lapak/internal/apperr"
	"lapak/internal/postgres"
	"lapak/internal/rupiah"
	"lapak/internal/wib"
)

// MaxXLSXRows is the most order lines one XLSX download holds; a sheet
// holds 1.048.576 rows at most, and larger files are unwieldy anyway.
const MaxXLSXRows = 500_000

// maxXLSXRows is MaxXLSXRows, lowered by tests.
var maxXLSXRows int64 = MaxXLSXRows

// LineHeader names the columns of the CSV and XLSX downloads: one row per
// order line of a completed order.
var LineHeader = []string{"ocid", "nomor_sp", "opd", "penyedia", "kecamatan_penyedia", "skala_usaha", "kode_rup",
	"butir", "barang_jasa", "jenis", "kategori", "kode_ssh", "satuan", "jumlah", "jumlah_diterima",
	"harga_katalog", "harga_satuan", "nilai", "nilai_diterima", "tanggal_sp", "tanggal_selesai"}

// lineRecord is one row of the downloads.
type lineRecord struct {
	OrderID                        int64
	SPNumber, OPD, Supplier        string
	Kecamatan, Scale, KodeRUP      string
	Position                       int
	Title, Kind, Category, SSHCode string
	Unit                           string
	Qty, Received                  int64
	ListPrice, UnitPrice, Total    int64
	SignedAt                       *time.Time
	CompletedAt                    time.Time
}

// values returns r's cells: text as text, amounts and quantities as numbers.
func (r lineRecord) values(site Site) []any {
	kind := "barang"
	if r.Kind == "services" {
		kind = "jasa"
	}
	signed := ""
	if r.SignedAt != nil {
		signed = wib.ISODate(*r.SignedAt)
	}
	return []any{site.OCID(r.OrderID), r.SPNumber, r.OPD, r.Supplier, r.Kecamatan, r.Scale, r.KodeRUP,
		r.Position, r.Title, kind, r.Category, r.SSHCode, r.Unit, r.Qty, r.Received,
		r.ListPrice, r.UnitPrice, r.Total, r.Received * r.UnitPrice, signed, wib.ISODate(r.CompletedAt)}
}

const lineQuery = `SELECT o.id, o.sp_number, d.name, s.name, coalesce(k.name, ''), s.scale, r.kode_rup,
	l.position, l.title, l.kind, coalesce(c.name, ''), coalesce(si.code, ''), l.unit, l.qty, l.received_qty,
	l.list_price, l.unit_price, l.total, o.signed_at, o.completed_at
	FROM orders o
	JOIN order_lines l ON l.order_id = o.id
	JOIN opds d ON d.id = o.opd_id
	JOIN suppliers s ON s.id = o.supplier_id
	LEFT JOIN kecamatan k ON k.code = s.kecamatan_code
	JOIN rup_packages r ON r.id = o.rup_package_id
	LEFT JOIN categories c ON c.id = l.category_id
	LEFT JOIN ssh_items si ON si.id = l.ssh_item_id `

// eachLine calls fn with every order line f selects, from a cursor.
func eachLine(ctx context.Context, db postgres.DBTX, f Filter, fn func(lineRecord) error) error {
	where, args := f.where()
	rows, err := db.Query(ctx, lineQuery+where+" ORDER BY o.completed_at, o.id, l.position", args...)
	if err != nil {
		return fmt.Errorf("opendata: lines: %w", postgres.Classify(err))
	}
	defer rows.Close()
	var r lineRecord
	_, err = pgx.ForEachRow(rows, []any{&r.OrderID, &r.SPNumber, &r.OPD, &r.Supplier, &r.Kecamatan, &r.Scale, &r.KodeRUP,
		&r.Position, &r.Title, &r.Kind, &r.Category, &r.SSHCode, &r.Unit, &r.Qty, &r.Received,
		&r.ListPrice, &r.UnitPrice, &r.Total, &r.SignedAt, &r.CompletedAt}, func() error { return fn(r) })
	if err != nil {
		return fmt.Errorf("opendata: lines: %w", postgres.Classify(err))
	}
	return nil
}

// WriteCSV streams the order lines f selects to w as CSV (UTF-8 with a
// byte-order mark, so that spreadsheet programs read it right).
func WriteCSV(ctx context.Context, db postgres.DBTX, w io.Writer, f Filter) error {
	f.Site = f.Site.withDefaults()
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return fmt.Errorf("opendata: csv: %w", err)
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(LineHeader); err != nil {
		return fmt.Errorf("opendata: csv: %w", err)
	}
	rec := make([]string, len(LineHeader))
	err := eachLine(ctx, db, f, func(r lineRecord) error {
		for i, v := range r.values(f.Site) {
			rec[i] = cell(v)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("opendata: csv: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("opendata: csv: %w", err)
	}
	return nil
}

func cell(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return fmt.Sprint(v)
}

// WriteXLSX writes the order lines f selects to w as an XLSX workbook,
// through excelize's stream writer (which spills to a temporary file,
// removed before returning, so memory stays bounded). More than
// MaxXLSXRows lines is apperr.Invalid, checked before anything is written.
func WriteXLSX(ctx context.Context, db postgres.DBTX, w io.Writer, f Filter) error {
	f.Site = f.Site.withDefaults()
	if err := checkXLSXSize(ctx, db, f); err != nil {
		return err
	}
	book := excelize.NewFile()
	defer book.Close()
	sw, err := book.NewStreamWriter("Sheet1")
	if err != nil {
		return fmt.Errorf("opendata: xlsx: %w", err)
	}
	head := make([]any, len(LineHeader))
	for i, h := range LineHeader {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("opendata: xlsx: %w", err)
	}
	row := 1
	err = eachLine(ctx, db, f, func(r lineRecord) error {
		row++
		name, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return sw.SetRow(name, r.values(f.Site))
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("opendata: xlsx: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := book.WriteTo(w); err != nil {
		return fmt.Errorf("opendata: xlsx: %w", err)
	}
	return nil
}

// checkXLSXSize refuses a selection of more than MaxXLSXRows lines.
func checkXLSXSize(ctx context.Context, db postgres.DBTX, f Filter) error {
	where, args := f.where()
	var n int64
	if err := db.QueryRow(ctx, "SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id "+where, args...).Scan(&n); err != nil {
		return fmt.Errorf("opendata: xlsx: count: %w", postgres.Classify(err))
	}
	if n > maxXLSXRows {
		return apperr.E(apperr.Invalid, fmt.Sprintf("Periode ini memuat %s baris, lebih dari batas XLSX %s baris. Persempit periode atau pilih satu OPD, atau unduh CSV.",
			rupiah.FormatPlain(n), rupiah.FormatPlain(maxXLSXRows)))
	}
	return nil
}

// WriteCSV streams the order lines f selects as CSV (see the package function).
func (s *Service) WriteCSV(ctx context.Context, w io.Writer, f Filter) error {
	f.Site = s.site
	return WriteCSV(ctx, s.db, w, f)
}

// WriteXLSX writes the order lines f selects as XLSX (see the package function).
func (s *Service) WriteXLSX(ctx context.Context, w io.Writer, f Filter) error {
	f.Site = s.site
	return WriteXLSX(ctx, s.db, w, f)
}

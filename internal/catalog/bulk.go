package catalog

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/postgres"
	"lapak/internal/rupiah"
)

// BulkHeader is the first row of the file a supplier downloads to update
// prices and stock in bulk; only harga and stok are read back.
var BulkHeader = []string{"id", "nama_produk", "satuan", "harga", "stok", "status"}

// BulkSheet returns supplier supplierID's listings as rows under BulkHeader.
// Its own people may.
func (s *Service) BulkSheet(ctx context.Context, supplierID int64) ([][]any, error) {
	if !CanManage(auth.UserFrom(ctx), supplierID) {
		return nil, apperr.E(apperr.Forbidden, "Anda hanya dapat mengunduh produk usaha Anda sendiri.")
	}
	rows, err := s.db.Query(ctx, `SELECT id, title, unit, price, coalesce(stock, daily_capacity, 0), status
		FROM listings WHERE supplier_id = $1 AND status <> 'taken_down' ORDER BY title, id`, supplierID)
	if err != nil {
		return nil, fmt.Errorf("catalog: bulk sheet: %w", postgres.Classify(err))
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		var id, price int64
		var title, unit, status string
		var stock int
		if err := rows.Scan(&id, &title, &unit, &price, &stock, &status); err != nil {
			return nil, err
		}
		out = append(out, []any{id, title, unit, price, stock, Status(status).Label()})
	}
	return out, rows.Err()
}

// BulkRow is one row of an uploaded bulk update as checked.
type BulkRow struct {
	Line      int
	ListingID int64
	Title     string
	OldPrice  int64
	NewPrice  int64
	OldStock  int
	NewStock  int
	Changed   bool
	Problems  []string
}

// BulkPreview is what a bulk update would change.
type BulkPreview struct {
	UploadID int64
	FileName string
	Rows     []BulkRow
	Changed  int
	Rejected int
	Missing  []string // required columns not found
}

var bulkAliases = map[string][]string{
	"id":    {"id", "id_produk", "nomor_produk"},
	"price": {"harga", "harga_rp", "harga_satuan", "price"},
	"stock": {"stok", "stock", "kapasitas", "stok_atau_kapasitas", "kapasitas_per_hari"},
}

// PreviewBulkUpdate reads an edited copy of the BulkSheet file, checks every
// row, and keeps the changes for ApplyBulkUpdate. Its own people may.
func (s *Service) PreviewBulkUpdate(ctx context.Context, supplierID int64, fileName string, r io.Reader) (BulkPreview, error) {
	if !CanManage(auth.UserFrom(ctx), supplierID) {
		return BulkPreview{}, apperr.E(apperr.Forbidden, "Anda hanya dapat mengubah produk usaha Anda sendiri.")
	}
	sh, err := readSheet(r)
	if err != nil {
		return BulkPreview{}, err
	}
	p := BulkPreview{FileName: fileName}
	col := sh.columns(bulkAliases)
	if _, ok := col["id"]; !ok {
		p.Missing = append(p.Missing, "id")
	}
	_, hasPrice := col["price"]
	_, hasStock := col["stock"]
	if !hasPrice && !hasStock {
		p.Missing = append(p.Missing, "harga atau stok")
	}
	if len(p.Missing) > 0 {
		return p, nil
	}
	type current struct {
		title     string
		price     int64
		stock     int
		takenDown bool
	}
	own := map[int64]current{}
	rows, err := s.db.Query(ctx, `SELECT id, title, price, coalesce(stock, daily_capacity, 0), status = 'taken_down' FROM listings WHERE supplier_id = $1`, supplierID)
	if err != nil {
		return p, postgres.Classify(err)
	}
	for rows.Next() {
		var id int64
		var c current
		if err := rows.Scan(&id, &c.title, &c.price, &c.stock, &c.takenDown); err != nil {
			rows.Close()
			return p, err
		}
		own[id] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, postgres.Classify(err)
	}
	seen := map[int64]int{}
	for i := range sh.rows {
		c, ok := col["id"]
		row := BulkRow{Line: sh.lines[i]}
		problem := func(msg string) { row.Problems = append(row.Problems, msg) }
		idText := strings.TrimSpace(sh.cell(i, c, ok))
		id, err := strconv.ParseInt(strings.TrimSuffix(idText, ".0"), 10, 64)
		cur, mine := own[id]
		switch {
		case err != nil:
			problem("Kolom id kosong atau bukan angka; jangan ubah kolom id.")
		case !mine:
			problem("Produk dengan id " + idText + " bukan milik usaha Anda atau sudah tidak ada.")
		case cur.takenDown:
			problem("Produk ini sedang diturunkan petugas dan tidak dapat diubah lewat berkas.")
		}
		if line, dup := seen[id]; dup && err == nil {
			problem(fmt.Sprintf("Produk ini sudah ada di baris %d berkas ini.", line))
		}
		seen[id] = row.Line
		row.ListingID, row.Title, row.OldPrice, row.OldStock = id, cur.title, cur.price, cur.stock
		row.NewPrice, row.NewStock = cur.price, cur.stock
		if c, ok := col["price"]; ok {
			if text := sh.cell(i, c, true); text != "" {
				switch price, err := rupiah.Parse(strings.TrimSuffix(text, ".0")); {
				case err != nil:
					problem("Harga: " + err.Error())
				case price == 0:
					problem("Harga harus lebih dari Rp0.")
				default:
					row.NewPrice = price
				}
			}
		}
		if c, ok := col["stock"]; ok {
			if text := sh.cell(i, c, true); text != "" {
				if n, ok := parseCount(strings.TrimSuffix(text, ".0"), 0, 100_000_000); ok {
					row.NewStock = n
				} else {
					problem("Stok harus berupa angka bulat 0 atau lebih.")
				}
			}
		}
		row.Changed = len(row.Problems) == 0 && (row.NewPrice != row.OldPrice || row.NewStock != row.OldStock)
		if len(row.Problems) > 0 {
			p.Rejected++
		}
		if row.Changed {
			p.Changed++
		}
		p.Rows = append(p.Rows, row)
	}
	var changes []BulkRow
	for _, row := range p.Rows {
		if row.Changed {
			changes = append(changes, row)
		}
	}
	p.UploadID, err = stageUpload(ctx, s.db, "bulk_update", supplierID, fileName, changes)
	if err != nil {
		return p, fmt.Errorf("catalog: preview bulk update: %w", err)
	}
	return p, nil
}

// ErrBulkStale means a listing changed between the preview and its confirmation.
var ErrBulkStale = apperr.E(apperr.Conflict, "Sebagian produk berubah setelah pratinjau dibuat, jadi tidak ada yang diubah. Unduh berkas terbaru, lalu ulangi.")

// ApplyBulkUpdate applies the changes of a preview in one transaction,
// keeping the price history; if any listing changed since the preview,
// nothing is changed (ErrBulkStale). Its own people may.
func (s *Service) ApplyBulkUpdate(ctx context.Context, supplierID, uploadID int64) (int, error) {
	if !CanManage(auth.UserFrom(ctx), supplierID) {
		return 0, apperr.E(apperr.Forbidden, "Anda hanya dapat mengubah produk usaha Anda sendiri.")
	}
	var n int
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var rows []BulkRow
		if _, err := takeUpload(ctx, tx, uploadID, "bulk_update", supplierID, &rows); err != nil {
			return err
		}
		for _, row := range rows {
			var price int64
			var stock int
			var kind string
			err := tx.QueryRow(ctx, `SELECT price, coalesce(stock, daily_capacity, 0), kind FROM listings
				WHERE id = $1 AND supplier_id = $2 AND status <> 'taken_down' FOR UPDATE`, row.ListingID, supplierID).Scan(&price, &stock, &kind)
			if err != nil {
				if err == pgx.ErrNoRows {
					return ErrBulkStale
				}
				return err
			}
			if price != row.OldPrice || stock != row.OldStock {
				return ErrBulkStale
			}
			column := "stock"
			if Kind(kind) == KindServices {
				column = "daily_capacity"
			}
			if _, err := tx.Exec(ctx, `UPDATE listings SET price = $2, `+column+` = $3, version = version + 1, updated_at = now() WHERE id = $1`,
				row.ListingID, row.NewPrice, row.NewStock); err != nil {
				return postgres.Classify(err)
			}
			if row.NewPrice != row.OldPrice {
				if err := recordPrice(ctx, tx, row.ListingID, row.NewPrice, "bulk"); err != nil {
					return err
				}
			}
			n++
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "listing.bulk_update", Entity: "supplier", EntityID: strconv.FormatInt(supplierID, 10),
			Details: map[string]any{"listings": n}})
	})
	if err != nil {
		return 0, fmt.Errorf("catalog: apply bulk update: %w", err)
	}
	s.forget()
	return n, nil
}

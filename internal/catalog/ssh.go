package catalog

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/postgres"
	"lapak/internal/rupiah"
)

// SSHItem is one entry of the regency's Standar Satuan Harga: the most a
// unit of it should cost.
type SSHItem struct {
	ID            int64
	Code          string
	Description   string
	Specification string
	Unit          string
	Ceiling       int64
	Year          int
	LegalBasis    string
	UpdatedAt     time.Time
	Offers        int // published listings linked to it
}

// CanManageSSH reports whether u may import the SSH list: admins.
func CanManageSSH(u *auth.User) bool { return u.Has(auth.RoleAdmin) }

const sshColumns = `i.id, i.code, i.description, i.specification, i.unit, i.ceiling_price, i.year, i.legal_basis, i.updated_at,
	(SELECT count(*) FROM listings l WHERE l.ssh_item_id = i.id AND l.status = 'published' AND l.supplier_active)::int`

// SSHItems lists SSH items whose code or description is like q ("" for all),
// by code. Anyone may: the list is public.
func (s *Service) SSHItems(ctx context.Context, q string, limit int) ([]SSHItem, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) > MaxQueryLen {
		q = string([]rune(q)[:MaxQueryLen])
	}
	var rows pgx.Rows
	var err error
	if q == "" {
		rows, err = s.db.Query(ctx, "SELECT "+sshColumns+" FROM ssh_items i ORDER BY i.code LIMIT $1", limit)
	} else {
		rows, err = s.db.Query(ctx, "SELECT "+sshColumns+` FROM ssh_items i
			WHERE (i.code || ' ' || i.description) ILIKE '%' || $1 || '%' OR word_similarity($1, i.code || ' ' || i.description) > 0.5
			ORDER BY word_similarity($1, i.code || ' ' || i.description) DESC, i.code LIMIT $2`, likeEscape(q), limit)
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: ssh items: %w", postgres.Classify(err))
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[SSHItem])
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// SSHItem returns one SSH item.
func (s *Service) SSHItem(ctx context.Context, id int64) (SSHItem, error) {
	rows, err := s.db.Query(ctx, "SELECT "+sshColumns+" FROM ssh_items i WHERE i.id = $1", id)
	if err != nil {
		return SSHItem{}, postgres.Classify(err)
	}
	it, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[SSHItem])
	if err != nil {
		return SSHItem{}, postgres.NotFound(err, "Item SSH tidak ditemukan.")
	}
	return it, nil
}

// SSHSuggestions returns up to n SSH items whose description is most like title.
func (s *Service) SSHSuggestions(ctx context.Context, title string, n int) ([]SSHItem, error) {
	if strings.TrimSpace(title) == "" {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, "SELECT "+sshColumns+` FROM ssh_items i
		WHERE similarity(i.description, $1) > 0.2 ORDER BY similarity(i.description, $1) DESC LIMIT $2`, title, n)
	if err != nil {
		return nil, fmt.Errorf("catalog: ssh suggestions: %w", postgres.Classify(err))
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[SSHItem])
}

// SSHRow is one row of an SSH file as checked before import.
type SSHRow struct {
	Line          int
	Code          string
	Description   string
	Specification string
	Unit          string
	Ceiling       int64
	Year          int
	LegalBasis    string
	Action        string   // "baru", "ubah" or "sama" for a valid row
	Problems      []string // why the row cannot be imported
}

// SSHDefaults fill columns an SSH file lacks.
type SSHDefaults struct {
	Year       string
	LegalBasis string
}

// SSHPreview is what an import would do.
type SSHPreview struct {
	UploadID               int64
	FileName               string
	Rows                   []SSHRow
	Created, Updated, Same int
	Rejected               int
	Missing                []string // required columns not found
}

// sshAliases are the column titles recognised for each field, compared
// without case, spaces or punctuation.
var sshAliases = map[string][]string{
	"code":          {"kode", "kode_ssh", "kode_barang", "kode_sumber", "kode_item", "code", "kode_rekening_barang"},
	"description":   {"uraian", "nama_barang", "nama_item", "nama", "uraian_barang", "deskripsi", "description"},
	"specification": {"spesifikasi", "spesifikasi_merk", "spek", "merk", "specification"},
	"unit":          {"satuan", "unit", "satuan_barang"},
	"ceiling":       {"harga", "harga_satuan", "harga_rp", "harga_tertinggi", "nilai", "ceiling_price", "price"},
	"year":          {"tahun", "tahun_anggaran", "tahun_perkiraan", "year"},
	"legal_basis":   {"dasar_hukum", "dasar_hukum_peraturan", "peraturan", "legal_basis"},
}

var yearPattern = regexp.MustCompile(`\b(20[0-9]{2})\b`)

// parseYear finds the first year 2000–2099 in s ("2017-2019 (perkiraan)" is 2017).
func parseYear(s string) (int, bool) {
	m := yearPattern.FindString(s)
	if m == "" {
		return 0, false
	}
	n, _ := strconv.Atoi(m)
	return n, true
}

// PreviewSSHImport reads an SSH file (CSV or XLSX, columns recognised by
// their titles), checks every row, and keeps the result for ApplySSHImport.
// Admins may.
func (s *Service) PreviewSSHImport(ctx context.Context, fileName string, r io.Reader, d SSHDefaults) (SSHPreview, error) {
	if !CanManageSSH(auth.UserFrom(ctx)) {
		return SSHPreview{}, apperr.E(apperr.Forbidden, "Hanya admin yang dapat mengimpor SSH.")
	}
	sh, err := readSheet(r)
	if err != nil {
		return SSHPreview{}, err
	}
	p := SSHPreview{FileName: fileName}
	col := sh.columns(sshAliases)
	for _, f := range []struct{ field, label string }{{"code", "kode"}, {"description", "uraian"}, {"unit", "satuan"}, {"ceiling", "harga"}} {
		if _, ok := col[f.field]; !ok {
			p.Missing = append(p.Missing, f.label)
		}
	}
	if len(p.Missing) > 0 {
		return p, nil
	}
	defYear, defYearOK := parseYear(d.Year)
	defBasis := strings.TrimSpace(d.LegalBasis)
	existing := map[string]SSHItem{}
	rows, err := s.db.Query(ctx, "SELECT "+sshColumns+" FROM ssh_items i")
	if err != nil {
		return p, postgres.Classify(err)
	}
	items, err := pgx.CollectRows(rows, pgx.RowToStructByPos[SSHItem])
	if err != nil {
		return p, postgres.Classify(err)
	}
	for _, it := range items {
		existing[strings.ToUpper(it.Code)] = it
	}
	seen := map[string]int{}
	get := func(i int, field string) string {
		c, ok := col[field]
		return strings.Join(strings.Fields(sh.cell(i, c, ok)), " ")
	}
	for i := range sh.rows {
		row := SSHRow{Line: sh.lines[i], Code: strings.ToUpper(get(i, "code")), Description: get(i, "description"),
			Specification: get(i, "specification"), Unit: get(i, "unit"), LegalBasis: get(i, "legal_basis")}
		problem := func(msg string) { row.Problems = append(row.Problems, msg) }
		switch n := utf8.RuneCountInString(row.Code); {
		case n == 0:
			problem("Kode kosong.")
		case n > 60:
			problem("Kode lebih dari 60 huruf.")
		}
		if line, dup := seen[strings.ToUpper(row.Code)]; dup && row.Code != "" {
			problem(fmt.Sprintf("Kode %s sudah ada di baris %d berkas ini.", row.Code, line))
		}
		seen[strings.ToUpper(row.Code)] = row.Line
		if n := utf8.RuneCountInString(row.Description); n < 2 || n > 300 {
			problem("Uraian wajib diisi (2–300 huruf).")
		}
		if utf8.RuneCountInString(row.Specification) > 500 {
			problem("Spesifikasi lebih dari 500 huruf.")
		}
		if n := utf8.RuneCountInString(row.Unit); n < 1 || n > 40 || strings.HasPrefix(row.Unit, "(") {
			problem("Satuan kosong atau tidak jelas.")
		}
		if price, err := rupiah.Parse(get(i, "ceiling")); err != nil {
			problem(err.Error())
		} else if price == 0 {
			problem("Harga harus lebih dari Rp0.")
		} else {
			row.Ceiling = price
		}
		if y := get(i, "year"); y != "" {
			if n, ok := parseYear(y); ok {
				row.Year = n
			} else {
				problem("Tahun tidak dikenali: " + y + ".")
			}
		} else if defYearOK {
			row.Year = defYear
		} else {
			problem("Tahun kosong; isi kolom tahun atau tahun bawaan di formulir.")
		}
		if row.LegalBasis == "" {
			row.LegalBasis = defBasis
		}
		if utf8.RuneCountInString(row.LegalBasis) > 300 {
			problem("Dasar hukum lebih dari 300 huruf.")
		}
		switch old, ok := existing[strings.ToUpper(row.Code)]; {
		case len(row.Problems) > 0:
			p.Rejected++
		case !ok:
			row.Action = "baru"
			p.Created++
		case old.Ceiling == row.Ceiling && old.Year == row.Year && old.Description == row.Description &&
			old.Specification == row.Specification && old.Unit == row.Unit && old.LegalBasis == row.LegalBasis:
			row.Action = "sama"
			p.Same++
		default:
			row.Action = "ubah"
			p.Updated++
		}
		p.Rows = append(p.Rows, row)
	}
	var valid []SSHRow
	for _, row := range p.Rows {
		if len(row.Problems) == 0 && row.Action != "sama" {
			valid = append(valid, row)
		}
	}
	p.UploadID, err = stageUpload(ctx, s.db, "ssh_import", 0, fileName, valid)
	if err != nil {
		return p, fmt.Errorf("catalog: preview ssh import: %w", err)
	}
	return p, nil
}

// SSHImportResult is what an applied import did.
type SSHImportResult struct {
	ImportID          int64
	Created, Updated  int
	ListingsRechecked int // listings whose ceiling changed
}

// ApplySSHImport imports the valid rows of a preview in one transaction:
// new codes are added, known codes updated (their old values kept in
// ssh_item_changes), and linked listings take the new ceilings. Admins may.
func (s *Service) ApplySSHImport(ctx context.Context, uploadID int64) (SSHImportResult, error) {
	u := auth.UserFrom(ctx)
	if !CanManageSSH(u) {
		return SSHImportResult{}, apperr.E(apperr.Forbidden, "Hanya admin yang dapat mengimpor SSH.")
	}
	var res SSHImportResult
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var rows []SSHRow
		fileName, err := takeUpload(ctx, tx, uploadID, "ssh_import", 0, &rows)
		if err != nil {
			return err
		}
		var by *int64
		if u.ID != 0 && !u.System {
			by = &u.ID
		}
		if err := tx.QueryRow(ctx, `INSERT INTO ssh_imports (file_name, imported_by) VALUES ($1, $2) RETURNING id`, fileName, by).Scan(&res.ImportID); err != nil {
			return err
		}
		for _, row := range rows {
			var id int64
			var oldCeiling, oldYear *int64
			var oldID *int64
			err := tx.QueryRow(ctx, `SELECT id, ceiling_price, year FROM ssh_items WHERE code = $1 FOR UPDATE`, row.Code).Scan(&oldID, &oldCeiling, &oldYear)
			if err != nil && err != pgx.ErrNoRows {
				return fmt.Errorf("row %d: %w", row.Line, postgres.Classify(err))
			}
			err = tx.QueryRow(ctx, `INSERT INTO ssh_items (code, description, specification, unit, ceiling_price, year, legal_basis, import_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
				ON CONFLICT (code) DO UPDATE SET description = EXCLUDED.description, specification = EXCLUDED.specification,
					unit = EXCLUDED.unit, ceiling_price = EXCLUDED.ceiling_price, year = EXCLUDED.year,
					legal_basis = EXCLUDED.legal_basis, import_id = EXCLUDED.import_id, updated_at = now()
				RETURNING id`,
				row.Code, row.Description, row.Specification, row.Unit, row.Ceiling, row.Year, row.LegalBasis, res.ImportID).Scan(&id)
			if err != nil {
				return fmt.Errorf("row %d: %w", row.Line, postgres.Classify(err))
			}
			if oldCeiling == nil {
				res.Created++
			} else {
				res.Updated++
			}
			if _, err := tx.Exec(ctx, `INSERT INTO ssh_item_changes (ssh_item_id, import_id, old_ceiling, new_ceiling, old_year, new_year)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, res.ImportID, oldCeiling, row.Ceiling, oldYear, row.Year); err != nil {
				return err
			}
			if oldCeiling != nil {
				tag, err := tx.Exec(ctx, `UPDATE listings SET ssh_ceiling = $2 WHERE ssh_item_id = $1 AND ssh_ceiling IS DISTINCT FROM $2`, id, row.Ceiling)
				if err != nil {
					return err
				}
				res.ListingsRechecked += int(tag.RowsAffected())
				if err := refreshKeywords(ctx, tx, "l.ssh_item_id = $1", id); err != nil {
					return err
				}
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE ssh_imports SET rows_created = $2, rows_updated = $3 WHERE id = $1`,
			res.ImportID, res.Created, res.Updated); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "ssh.import", Entity: "ssh_import", EntityID: strconv.FormatInt(res.ImportID, 10),
			Details: map[string]any{"file": fileName, "created": res.Created, "updated": res.Updated, "listings": res.ListingsRechecked}})
	})
	if err != nil {
		return SSHImportResult{}, fmt.Errorf("catalog: apply ssh import: %w", err)
	}
	s.forget()
	return res, nil
}

// SSHImport is one past import.
type SSHImport struct {
	ID               int64
	FileName         string
	ImportedBy       string
	ImportedAt       time.Time
	Created, Updated int
}

// SSHImports lists past imports, newest first. Admins may.
func (s *Service) SSHImports(ctx context.Context) ([]SSHImport, error) {
	if !CanManageSSH(auth.UserFrom(ctx)) {
		return nil, apperr.E(apperr.Forbidden, "Hanya admin yang dapat melihat riwayat impor SSH.")
	}
	rows, err := s.db.Query(ctx, `SELECT i.id, i.file_name, coalesce(u.name, 'sistem'), i.imported_at, i.rows_created, i.rows_updated
		FROM ssh_imports i LEFT JOIN users u ON u.id = i.imported_by ORDER BY i.imported_at DESC LIMIT 50`)
	if err != nil {
		return nil, fmt.Errorf("catalog: ssh imports: %w", postgres.Classify(err))
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[SSHImport])
}

// InsertSSHItem stores an SSH item by code without a permission check, for
// seeding demo and benchmark data; it returns the item's id.
func InsertSSHItem(ctx context.Context, db postgres.DBTX, it SSHItem) (int64, error) {
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO ssh_items (code, description, specification, unit, ceiling_price, year, legal_basis)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (code) DO UPDATE SET ceiling_price = EXCLUDED.ceiling_price RETURNING id`,
		it.Code, it.Description, it.Specification, it.Unit, it.Ceiling, it.Year, it.LegalBasis).Scan(&id)
	return id, postgres.Classify(err)
}

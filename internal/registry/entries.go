package registry

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/auth"
	"lapak/internal/postgres"
)

// EntryFilter selects registry entries. Zero values select everything.
type EntryFilter struct {
	Query         string // part of the business or owner name, or a NIK, NIB or phone number
	KecamatanCode string
	NagariCode    string
	Sector        string // compared without regard to case
	Status        Status
	Limit         int // 50 when 0, at most 500
	Offset        int
}

// EntryList is one page of entries.
type EntryList struct {
	Entries  []Entry
	Total    int            // entries matching the filter
	ByStatus map[Status]int // entries matching the filter, its status aside
	All      int            // entries matching the filter, its status aside
	Limit    int
	Offset   int
}

// statusExpr computes an entry's Status in SQL.
const statusExpr = `CASE WHEN e.supplier_id IS NOT NULL THEN 'terdaftar'
	WHEN EXISTS (SELECT 1 FROM invitations i WHERE i.registry_entry_id = e.id AND i.revoked_at IS NULL) THEN 'diundang'
	ELSE 'belum_diundang' END`

// Entries lists registry entries by business name with their status, one
// page at a time, with the total and the count per status. Koperindag
// staff, admins and auditors may list.
func (s *Service) Entries(ctx context.Context, f EntryFilter) (*EntryList, error) {
	if !canRead(auth.UserFrom(ctx)) {
		return nil, errReadForbidden
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	f.Offset = max(f.Offset, 0)
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := arg("%" + escapeLike(q) + "%")
		cond := "e.business_name ILIKE " + like + " OR e.owner_name ILIKE " + like
		if d := digitsOnly(strings.TrimPrefix(q, "+")); len(d) >= 4 {
			dl := arg("%" + d + "%")
			cond += " OR e.nik LIKE " + dl + " OR e.nib LIKE " + dl
			if p := strings.TrimPrefix(d, "0"); len(p) >= 4 {
				cond += " OR e.phone LIKE " + arg("%"+p+"%")
			}
		}
		where = append(where, "("+cond+")")
	}
	if f.KecamatanCode != "" {
		where = append(where, "e.kecamatan_code = "+arg(f.KecamatanCode))
	}
	if f.NagariCode != "" {
		where = append(where, "e.nagari_code = "+arg(f.NagariCode))
	}
	if f.Sector != "" {
		where = append(where, "lower(e.sector) = lower("+arg(f.Sector)+")")
	}
	cond := "true"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	list := &EntryList{ByStatus: map[Status]int{}, Limit: f.Limit, Offset: f.Offset}
	rows, err := s.db.Query(ctx, `SELECT status, count(*) FROM (SELECT `+statusExpr+` AS status
		FROM registry_entries e WHERE `+cond+`) x GROUP BY status`, args...)
	if err != nil {
		return nil, fmt.Errorf("registry: count entries: %w", postgres.Classify(err))
	}
	for rows.Next() {
		var st Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return nil, err
		}
		list.ByStatus[st] = n
		list.All += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registry: count entries: %w", postgres.Classify(err))
	}
	list.Total = list.All
	if f.Status.Valid() {
		cond += " AND " + statusExpr + " = " + arg(string(f.Status))
		list.Total = list.ByStatus[f.Status]
	}
	rows, err = s.db.Query(ctx, `SELECT `+entryColumns+`, `+statusExpr+`, coalesce(k.name, ''), coalesce(n.name, '')
		FROM registry_entries e
		LEFT JOIN kecamatan k ON k.code = e.kecamatan_code
		LEFT JOIN nagari n ON n.code = e.nagari_code
		WHERE `+cond+`
		ORDER BY lower(e.business_name), e.id
		LIMIT `+arg(f.Limit)+` OFFSET `+arg(f.Offset), args...)
	if err != nil {
		return nil, fmt.Errorf("registry: list entries: %w", postgres.Classify(err))
	}
	list.Entries, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Entry, error) {
		var e Entry
		err := scanEntry(row, &e, &e.Status, &e.KecamatanName, &e.NagariName)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: list entries: %w", postgres.Classify(err))
	}
	return list, nil
}

// escapeLike escapes the wildcards of a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Sectors lists the sectors in the registry, one spelling per sector, for
// filters. Koperindag staff, admins and auditors may read them.
func (s *Service) Sectors(ctx context.Context) ([]string, error) {
	if !canRead(auth.UserFrom(ctx)) {
		return nil, errReadForbidden
	}
	rows, err := s.db.Query(ctx, `SELECT min(sector) FROM registry_entries WHERE sector <> ''
		GROUP BY lower(sector) ORDER BY lower(min(sector))`)
	if err != nil {
		return nil, fmt.Errorf("registry: sectors: %w", postgres.Classify(err))
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("registry: sectors: %w", postgres.Classify(err))
	}
	return out, nil
}

// ImportRecord is one confirmed import in the history.
type ImportRecord struct {
	ID         int64
	Filename   string
	SHA256     string
	Total      int
	Created    int
	Updated    int
	Unchanged  int
	Skipped    int
	ImportedBy string // the user's name; "sistem" for the command line
	CreatedAt  time.Time
}

// Imports lists the latest imports, newest first. Koperindag staff, admins
// and auditors may read them.
func (s *Service) Imports(ctx context.Context, limit int) ([]ImportRecord, error) {
	if !canRead(auth.UserFrom(ctx)) {
		return nil, errReadForbidden
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.Query(ctx, `SELECT i.id, i.filename, i.sha256, i.total_rows, i.created, i.updated, i.unchanged,
		i.skipped, coalesce(u.name, 'sistem'), i.created_at
		FROM registry_imports i LEFT JOIN users u ON u.id = i.imported_by
		ORDER BY i.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("registry: imports: %w", postgres.Classify(err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ImportRecord, error) {
		var r ImportRecord
		err := row.Scan(&r.ID, &r.Filename, &r.SHA256, &r.Total, &r.Created, &r.Updated, &r.Unchanged,
			&r.Skipped, &r.ImportedBy, &r.CreatedAt)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: imports: %w", postgres.Classify(err))
	}
	return out, nil
}

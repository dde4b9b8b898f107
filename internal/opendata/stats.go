package opendata

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/postgres"
	"lapak/internal/reporting"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// ListPageSize is how many orders one page of the public order list shows.
const ListPageSize = 20

// StatsFilter selects the completed orders the transparency page shows.
type StatsFilter struct {
	Year  int   // completion year in WIB; 0: every year
	OPDID int64 // 0: every OPD
	Page  int   // page of the order list, from 1
}

// Period returns the download filter of the same orders: the year, or the
// current year when every year is shown (downloads cover one year at most).
func (f StatsFilter) Period(site Site, now time.Time) Filter {
	year := f.Year
	if year == 0 {
		year = now.In(wib.Location).Year()
	}
	return Filter{Site: site, OPDID: f.OPDID,
		From: time.Date(year, 1, 1, 0, 0, 0, 0, wib.Location), To: time.Date(year, 12, 31, 0, 0, 0, 0, wib.Location)}
}

// ParseStats checks the transparency page's filters: a year between 2000
// and 2100, a known OPD, a positive page. Mistakes are validate.Errors.
func (s *Service) ParseStats(ctx context.Context, year, opd, page string) (StatsFilter, error) {
	f := StatsFilter{Page: 1}
	errs := validate.Errors{}
	if year = strings.TrimSpace(year); year != "" {
		y, err := strconv.Atoi(year)
		if err != nil || y < 2000 || y > 2100 {
			errs.Add("year", "Tahun harus berupa angka empat digit antara 2000 dan 2100, misalnya 2026.")
		}
		f.Year = y
	}
	if page = strings.TrimSpace(page); page != "" {
		n, err := strconv.Atoi(page)
		if err != nil || n < 1 || n > 100_000 {
			errs.Add("page", "Nomor halaman harus bilangan bulat mulai dari 1.")
		}
		f.Page = n
	}
	if opd = strings.TrimSpace(opd); opd != "" {
		id, err := s.opdID(ctx, opd)
		if err != nil {
			return StatsFilter{}, err
		}
		if id == 0 {
			errs.Add("opd", "OPD tidak dikenal. Pilih OPD dari daftar.")
		}
		f.OPDID = id
	}
	if err := errs.Err(); err != nil {
		return StatsFilter{}, err
	}
	return f, nil
}

// Group is one row of an aggregate: what is counted, how many orders and
// their value.
type Group struct {
	Key, Label string
	Orders     int
	Value      int64
}

// Summary holds the regency's spending through Lapak and its breakdowns:
// orders paid in the period (by the day of payment), valued at what was
// received according to the BAST, including PPN. The figures come from
// the reporting rollups (migration 000050, docs of internal/reporting), so
// the public page and the dashboards agree and the page reads a few
// thousand rows whatever the number of orders.
type Summary struct {
	Orders, Suppliers int
	Value             int64
	ByOPD             []Group
	ByKecamatan       []Group // of the supplier
	ByCategory        []Group // an order with lines in two categories counts in both
}

// rollupWhere returns f's conditions on a monthly rollup and their arguments.
func (f StatsFilter) rollupWhere() (string, []any) {
	conds, args := []string{"TRUE"}, []any{}
	if f.Year != 0 {
		args = append(args, time.Date(f.Year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(f.Year+1, 1, 1, 0, 0, 0, 0, time.UTC))
		conds = append(conds, "r.month >= $1 AND r.month < $2")
	}
	if f.OPDID != 0 {
		args = append(args, f.OPDID)
		conds = append(conds, fmt.Sprintf("r.opd_id = $%d", len(args)))
	}
	return "WHERE " + strings.Join(conds, " AND "), args
}

// Summary returns the spending f selects, with its breakdowns.
func (s *Service) Summary(ctx context.Context, f StatsFilter) (Summary, error) {
	if _, err := reporting.Drain(ctx, s.db); err != nil {
		return Summary{}, err
	}
	where, args := f.rollupWhere()
	var sum Summary
	err := s.db.QueryRow(ctx, `SELECT coalesce(sum(r.orders), 0), coalesce(sum(r.amount), 0) FROM spending_months r `+where, args...).
		Scan(&sum.Orders, &sum.Value)
	if err != nil {
		return Summary{}, fmt.Errorf("opendata: summary: %w", postgres.Classify(err))
	}
	if sum.Suppliers, err = s.suppliers(ctx, f); err != nil {
		return Summary{}, err
	}
	queries := []struct {
		dst *[]Group
		sql string
	}{
		{&sum.ByOPD, `SELECT d.id::text, d.name, sum(r.orders)::int, sum(r.amount)::bigint FROM spending_months r JOIN opds d ON d.id = r.opd_id
			` + where + ` GROUP BY d.id, d.name ORDER BY 4 DESC, 2`},
		{&sum.ByKecamatan, `SELECT r.kecamatan_code, coalesce(k.name, 'Tidak tercatat'), sum(r.orders)::int, sum(r.amount)::bigint
			FROM spending_places r LEFT JOIN kecamatan k ON k.code = r.kecamatan_code
			` + where + ` GROUP BY 1, 2 ORDER BY 4 DESC, 2`},
		{&sum.ByCategory, `SELECT coalesce(c.code, ''), coalesce(c.name, 'Tanpa kategori'), sum(r.orders)::int, sum(r.amount)::bigint
			FROM spending_categories r LEFT JOIN categories c ON c.id = r.category_id
			` + where + ` GROUP BY 1, 2 ORDER BY 4 DESC, 2`},
	}
	for _, q := range queries {
		rows, err := s.db.Query(ctx, q.sql, args...)
		if err != nil {
			return Summary{}, fmt.Errorf("opendata: summary: %w", postgres.Classify(err))
		}
		groups, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Group, error) {
			var g Group
			err := r.Scan(&g.Key, &g.Label, &g.Orders, &g.Value)
			return g, err
		})
		if err != nil {
			return Summary{}, fmt.Errorf("opendata: summary: %w", postgres.Classify(err))
		}
		*q.dst = groups
	}
	return sum, nil
}

// suppliers counts the suppliers paid in f's year (or ever) by f's OPD (or any).
func (s *Service) suppliers(ctx context.Context, f StatsFilter) (int, error) {
	q, args := `SELECT count(DISTINCT supplier_id) FROM spending_supplier_years WHERE opd_id = $1`, []any{f.OPDID}
	if f.Year != 0 {
		q, args = q+` AND year = $2`, append(args, f.Year)
	}
	var n int
	if err := s.db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("opendata: summary: suppliers: %w", postgres.Classify(err))
	}
	return n, nil
}

// PublicOrder is a completed order as the public sees it: no people, no
// addresses.
type PublicOrder struct {
	ID                       int64
	OCID                     string
	OPD, Supplier, Kecamatan string
	Items                    string // the first lines, "Kertas HVS A4 (10 rim); ..."
	MoreItems                int    // lines not in Items
	Value                    int64  // received according to the BAST, incl. PPN
	PaidOn                   time.Time
	CompletedAt              time.Time
}

// OrderList is one page of completed orders, last paid first.
type OrderList struct {
	Orders []PublicOrder
	Page   int
	More   bool // a next page exists
}

// Orders returns the page of completed orders f selects, by the year they
// were paid (as Summary counts them), last paid first. The page is found
// by walking the spending facts' index on the payment day, without sorting
// or counting a year of orders.
func (s *Service) Orders(ctx context.Context, f StatsFilter) (OrderList, error) {
	if _, err := reporting.Drain(ctx, s.db); err != nil {
		return OrderList{}, err
	}
	conds, args := []string{"o.state = 'completed'"}, []any{}
	if f.Year != 0 {
		args = append(args, time.Date(f.Year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(f.Year+1, 1, 1, 0, 0, 0, 0, time.UTC))
		conds = append(conds, "f.paid_on >= $1 AND f.paid_on < $2")
	}
	if f.OPDID != 0 {
		args = append(args, f.OPDID)
		conds = append(conds, fmt.Sprintf("f.opd_id = $%d", len(args)))
	}
	list := OrderList{Page: max(f.Page, 1)}
	args = append(args, ListPageSize+1, (list.Page-1)*ListPageSize)
	rows, err := s.db.Query(ctx, fmt.Sprintf(`SELECT o.id, d.name, s.name, coalesce(k.name, ''),
		coalesce((SELECT string_agg(x.title || ' (' || x.qty || ' ' || x.unit || ')', '; ' ORDER BY x.position)
			FROM (SELECT l.title, l.qty, l.unit, l.position FROM order_lines l WHERE l.order_id = o.id ORDER BY l.position LIMIT 3) x), ''),
		(SELECT count(*) FROM order_lines l WHERE l.order_id = o.id),
		coalesce(o.received_total, o.total), page.paid_on, o.completed_at
		FROM (SELECT f.paid_on, f.order_id FROM spending_facts f JOIN orders o ON o.id = f.order_id
			WHERE %s GROUP BY f.paid_on, f.order_id ORDER BY f.paid_on DESC, f.order_id DESC LIMIT $%d OFFSET $%d) page
		JOIN orders o ON o.id = page.order_id
		JOIN opds d ON d.id = o.opd_id JOIN suppliers s ON s.id = o.supplier_id
		LEFT JOIN kecamatan k ON k.code = s.kecamatan_code
		ORDER BY page.paid_on DESC, page.order_id DESC`, strings.Join(conds, " AND "), len(args)-1, len(args)), args...)
	if err != nil {
		return OrderList{}, fmt.Errorf("opendata: orders: %w", postgres.Classify(err))
	}
	list.Orders, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (PublicOrder, error) {
		var o PublicOrder
		var lines int
		err := r.Scan(&o.ID, &o.OPD, &o.Supplier, &o.Kecamatan, &o.Items, &lines, &o.Value, &o.PaidOn, &o.CompletedAt)
		o.OCID = s.site.OCID(o.ID)
		o.MoreItems = max(lines-3, 0)
		return o, err
	})
	if err != nil {
		return OrderList{}, fmt.Errorf("opendata: orders: %w", postgres.Classify(err))
	}
	if len(list.Orders) > ListPageSize {
		list.Orders, list.More = list.Orders[:ListPageSize], true
	}
	return list, nil
}

// OPD is an OPD to filter by.
type OPD struct {
	ID   int64
	Name string
}

// OPDs lists the OPDs to filter by: every active OPD and any with completed orders.
func (s *Service) OPDs(ctx context.Context) ([]OPD, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name FROM opds d
		WHERE active OR EXISTS (SELECT 1 FROM orders o WHERE o.opd_id = d.id AND o.state = 'completed') ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("opendata: opds: %w", postgres.Classify(err))
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[OPD])
	if err != nil {
		return nil, fmt.Errorf("opendata: opds: %w", postgres.Classify(err))
	}
	return out, nil
}

// Years lists the years to filter by, newest first: from the first
// payment (or now) to now.
func (s *Service) Years(ctx context.Context, now time.Time) ([]int, error) {
	var first *time.Time
	if err := s.db.QueryRow(ctx, `SELECT min(month) FROM spending_months`).Scan(&first); err != nil {
		return nil, fmt.Errorf("opendata: years: %w", postgres.Classify(err))
	}
	last := now.In(wib.Location).Year()
	from := last
	if first != nil {
		from = min(first.Year(), last)
	}
	var out []int
	for y := last; y >= from; y-- {
		out = append(out, y)
	}
	return out, nil
}

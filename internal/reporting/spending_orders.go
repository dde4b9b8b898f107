package reporting

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/postgres"
	"lapak/internal/validate"
)

// SpendingOrderFilter selects the orders behind a dashboard figure: the
// period and OPD of the dashboard, narrowed by at most a few of the
// dimensions the tables break spending down by.
type SpendingOrderFilter struct {
	SpendingFilter
	Category   *int64  // 0: lines without a category
	Kecamatan  *string // "": suppliers without a kecamatan
	Scale      *string // "": suppliers without a scale
	Local      bool    // only lines of local products
	SupplierID int64
	After      SpendingCursor // the last order of the previous page; zero for the first
}

// SpendingCursor marks a place in the drill-down list, newest payment first.
type SpendingCursor struct {
	PaidOn  time.Time
	OrderID int64
}

// IsZero reports the start of the list.
func (c SpendingCursor) IsZero() bool { return c.OrderID == 0 }

// String writes the cursor for a URL: "2026-03-15.1234".
func (c SpendingCursor) String() string {
	if c.IsZero() {
		return ""
	}
	return c.PaidOn.Format(time.DateOnly) + "." + strconv.FormatInt(c.OrderID, 10)
}

var kecamatanCodeRe = regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$`)

// NoneParam is the URL value of an empty kecamatan or scale.
const NoneParam = "-"

// ParseSpendingOrderFilter reads a drill-down URL's query. Mistakes come
// back as validate.Errors keyed by the parameter.
func ParseSpendingOrderFilter(q url.Values, now time.Time) (SpendingOrderFilter, error) {
	base, err := ParseSpendingFilter(q.Get("from"), q.Get("to"), q.Get("opd"), now)
	errs, _ := validate.AsErrors(err)
	if errs == nil {
		errs = validate.Errors{}
	}
	f := SpendingOrderFilter{SpendingFilter: base}
	if v := q.Get("category"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			errs.Add("category", "Kategori tidak valid.")
		}
		f.Category = &id
	}
	if v, ok := q["kecamatan"]; ok {
		code := strings.TrimSpace(v[0])
		if code == NoneParam {
			code = ""
		} else if !kecamatanCodeRe.MatchString(code) {
			errs.Add("kecamatan", "Kode kecamatan tidak valid.")
		}
		f.Kecamatan = &code
	}
	if v, ok := q["scale"]; ok {
		scale := v[0]
		if scale == NoneParam {
			scale = ""
		} else if !slices.Contains(Scales, scale) {
			errs.Add("scale", "Skala usaha tidak valid.")
		}
		f.Scale = &scale
	}
	switch q.Get("local") {
	case "", "0":
	case "1":
		f.Local = true
	default:
		errs.Add("local", "Pilihan produk lokal tidak valid.")
	}
	if v := q.Get("supplier"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			errs.Add("supplier", "Penyedia tidak valid.")
		}
		f.SupplierID = id
	}
	if v := q.Get("after"); v != "" {
		c, ok := parseSpendingCursor(v)
		if !ok {
			errs.Add("after", "Halaman tidak valid. Mulai lagi dari halaman pertama.")
		}
		f.After = c
	}
	return f, errs.Err()
}

func parseSpendingCursor(s string) (SpendingCursor, bool) {
	day, id, ok := strings.Cut(s, ".")
	if !ok {
		return SpendingCursor{}, false
	}
	t, err := time.Parse(time.DateOnly, day)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err != nil || err2 != nil || n <= 0 {
		return SpendingCursor{}, false
	}
	return SpendingCursor{PaidOn: t, OrderID: n}, true
}

// Query returns the filter as URL parameters (without the cursor).
func (f SpendingOrderFilter) Query() url.Values {
	v := url.Values{"from": {MonthParam(f.From)}, "to": {MonthParam(f.To)}}
	if f.OPDID != 0 {
		v.Set("opd", strconv.FormatInt(f.OPDID, 10))
	}
	if f.Category != nil {
		v.Set("category", strconv.FormatInt(*f.Category, 10))
	}
	none := func(s string) string {
		if s == "" {
			return NoneParam
		}
		return s
	}
	if f.Kecamatan != nil {
		v.Set("kecamatan", none(*f.Kecamatan))
	}
	if f.Scale != nil {
		v.Set("scale", none(*f.Scale))
	}
	if f.Local {
		v.Set("local", "1")
	}
	if f.SupplierID != 0 {
		v.Set("supplier", strconv.FormatInt(f.SupplierID, 10))
	}
	return v
}

// SpendingOrder is one paid order behind a figure.
type SpendingOrder struct {
	ID        int64
	SPNumber  string
	State     string
	OPD       string
	Supplier  string
	PaidOn    time.Time
	Amount    int64 // the part of the order the figure counts (its lines matching the filter)
	Gross     int64 // the whole payment
	Lines     int
	BASTAt    *time.Time
	DaysToPay *int
}

// SpendingOrders is a page of the orders behind a figure, with the
// figure itself: how many orders and how much in all.
type SpendingOrders struct {
	Filter   SpendingOrderFilter
	Criteria []string // the filter in words, e.g. "Kategori: Alat tulis kantor"
	Count    int64
	Amount   int64
	Orders   []SpendingOrder
	Next     SpendingCursor // zero on the last page
}

// SpendingOrders returns up to limit orders behind the figure f selects,
// newest payment first, after f.After. The total comes from the rollups the
// dashboard read, so it matches the number clicked. Same readers as Spending.
func (s *Service) SpendingOrders(ctx context.Context, f SpendingOrderFilter, limit int) (SpendingOrders, error) {
	if err := canReadSpending(ctx); err != nil {
		return SpendingOrders{}, err
	}
	out := SpendingOrders{Filter: f}
	if err := s.drain(ctx); err != nil {
		return SpendingOrders{}, err
	}
	err := pgx.BeginTxFunc(ctx, s.db, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var err error
		if out.Criteria, err = spendingCriteria(ctx, tx, f); err != nil {
			return err
		}
		if out.Count, out.Amount, err = spendingFigure(ctx, tx, f); err != nil {
			return err
		}
		if out.Count == 0 {
			return nil
		}
		out.Orders, err = spendingOrderPage(ctx, tx, f, limit+1)
		if err != nil {
			return err
		}
		if len(out.Orders) > limit {
			out.Orders = out.Orders[:limit]
			last := out.Orders[limit-1]
			out.Next = SpendingCursor{PaidOn: last.PaidOn, OrderID: last.ID}
		}
		return nil
	})
	if _, ok := validate.AsErrors(err); ok {
		return SpendingOrders{}, err
	}
	if err != nil {
		return SpendingOrders{}, fmt.Errorf("reporting: spending orders: %w", postgres.Classify(err))
	}
	return out, nil
}

// spendingCriteria names the filter's OPD, category, kecamatan and supplier;
// an id that names nothing is a validate.Errors.
func spendingCriteria(ctx context.Context, tx pgx.Tx, f SpendingOrderFilter) ([]string, error) {
	out := []string{"Periode: " + f.Label()}
	lookup := func(field, label, q string, arg any, missing string) error {
		var name string
		err := tx.QueryRow(ctx, q, arg).Scan(&name)
		if errors.Is(err, pgx.ErrNoRows) {
			return validate.Errors{field: missing}
		}
		if err != nil {
			return err
		}
		out = append(out, label+": "+name)
		return nil
	}
	if f.OPDID != 0 {
		if err := lookup("opd", "OPD", `SELECT name FROM opds WHERE id = $1`, f.OPDID, errUnknownOPD["opd"]); err != nil {
			return nil, err
		}
	}
	if f.Category != nil {
		if *f.Category == 0 {
			out = append(out, "Kategori: tanpa kategori")
		} else if err := lookup("category", "Kategori", `SELECT name FROM categories WHERE id = $1`, *f.Category, "Kategori tidak ditemukan."); err != nil {
			return nil, err
		}
	}
	if f.Kecamatan != nil {
		if *f.Kecamatan == "" {
			out = append(out, "Kecamatan penyedia: tidak diketahui")
		} else if err := lookup("kecamatan", "Kecamatan penyedia", `SELECT name FROM kecamatan WHERE code = $1`, *f.Kecamatan, "Kecamatan tidak ditemukan."); err != nil {
			return nil, err
		}
	}
	if f.Scale != nil {
		out = append(out, "Skala penyedia: "+ScaleLabel(*f.Scale))
	}
	if f.Local {
		out = append(out, "Hanya produk lokal")
	}
	if f.SupplierID != 0 {
		if err := lookup("supplier", "Penyedia", `SELECT name FROM suppliers WHERE id = $1`, f.SupplierID, "Penyedia tidak ditemukan."); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// spendConds collects SQL conditions and their arguments.
type spendConds struct {
	where []string
	args  []any
}

func (c *spendConds) add(cond string, args ...any) {
	for _, a := range args {
		c.args = append(c.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(c.args)), 1)
	}
	c.where = append(c.where, cond)
}

func (c *spendConds) sql() string { return strings.Join(c.where, " AND ") }

// execArgs are the arguments for a query planned with them, never from a
// cached generic plan (see rollupWhere).
func (c *spendConds) execArgs() []any { return append([]any{pgx.QueryExecModeExec}, c.args...) }

// spendingFigure counts the orders and sums the amount f selects, from the
// rollup that holds exactly that figure, or from the facts for a mix no
// rollup holds (a supplier, or a category with a kecamatan).
func spendingFigure(ctx context.Context, tx pgx.Tx, f SpendingOrderFilter) (int64, int64, error) {
	c := &spendConds{}
	c.add("month BETWEEN ? AND ?", f.From, f.To)
	if f.OPDID != 0 {
		c.add("opd_id = ?", f.OPDID)
	}
	place := f.Kecamatan != nil || f.Scale != nil
	var q string
	switch {
	case f.SupplierID != 0 || (f.Category != nil && (place || f.Local)) || (place && f.Local):
		return spendingFactFigure(ctx, tx, f)
	case f.Category != nil:
		c.add("category_id = ?", *f.Category)
		q = `SELECT coalesce(sum(orders), 0)::bigint, coalesce(sum(amount), 0)::bigint FROM spending_categories WHERE `
	case place:
		if f.Kecamatan != nil {
			c.add("kecamatan_code = ?", *f.Kecamatan)
		}
		if f.Scale != nil {
			c.add("scale = ?", *f.Scale)
		}
		q = `SELECT coalesce(sum(orders), 0)::bigint, coalesce(sum(amount), 0)::bigint FROM spending_places WHERE `
	case f.Local:
		q = `SELECT coalesce(sum(local_orders), 0)::bigint, coalesce(sum(local_amount), 0)::bigint FROM spending_months WHERE `
	default:
		q = `SELECT coalesce(sum(orders), 0)::bigint, coalesce(sum(amount), 0)::bigint FROM spending_months WHERE `
	}
	var n, amount int64
	err := tx.QueryRow(ctx, q+c.sql(), c.execArgs()...).Scan(&n, &amount)
	return n, amount, err
}

// factConds are f's conditions on spending_facts, without the cursor.
func factConds(f SpendingOrderFilter) *spendConds {
	c := &spendConds{}
	c.add("paid_on >= ? AND paid_on < ?", f.From, f.end())
	if f.OPDID != 0 {
		c.add("opd_id = ?", f.OPDID)
	}
	if f.Category != nil {
		if *f.Category == 0 {
			c.add("category_id IS NULL")
		} else {
			c.add("category_id = ?", *f.Category)
		}
	}
	if f.Kecamatan != nil {
		c.add("kecamatan_code = ?", *f.Kecamatan)
	}
	if f.Scale != nil {
		c.add("scale = ?", *f.Scale)
	}
	if f.Local {
		c.add("local")
	}
	if f.SupplierID != 0 {
		c.add("supplier_id = ?", f.SupplierID)
	}
	return c
}

func spendingFactFigure(ctx context.Context, tx pgx.Tx, f SpendingOrderFilter) (int64, int64, error) {
	c := factConds(f)
	var n, amount int64
	err := tx.QueryRow(ctx, `SELECT count(DISTINCT order_id), coalesce(sum(amount), 0)::bigint FROM spending_facts WHERE `+c.sql(), c.execArgs()...).Scan(&n, &amount)
	return n, amount, err
}

// spendingOrderPage reads up to limit orders after f.After. Grouping the
// facts by (paid_on, order_id) in index order lets the scan stop at limit.
func spendingOrderPage(ctx context.Context, tx pgx.Tx, f SpendingOrderFilter, limit int) ([]SpendingOrder, error) {
	c := factConds(f)
	if !f.After.IsZero() {
		c.add("(paid_on, order_id) < (?, ?)", f.After.PaidOn, f.After.OrderID)
	}
	c.args = append(c.args, limit)
	rows, err := tx.Query(ctx, `
		WITH page AS (
			SELECT order_id, paid_on, sum(amount)::bigint AS amount, count(*)::int AS lines, min(days_to_pay) AS days
			FROM spending_facts WHERE `+c.sql()+`
			GROUP BY paid_on, order_id ORDER BY paid_on DESC, order_id DESC LIMIT $`+strconv.Itoa(len(c.args))+`)
		SELECT p.order_id, coalesce(o.sp_number, ''), o.state, d.name, s.name, p.paid_on, p.amount, pay.gross, p.lines, o.bast_at, p.days
		FROM page p
		JOIN orders o ON o.id = p.order_id
		JOIN opds d ON d.id = o.opd_id
		JOIN suppliers s ON s.id = o.supplier_id
		JOIN order_payments pay ON pay.order_id = o.id
		ORDER BY p.paid_on DESC, p.order_id DESC`, c.execArgs()...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[SpendingOrder])
}

// MaxExportOrders is the most orders a drill-down download holds.
const MaxExportOrders = 10_000

package reporting

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/postgres"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// SpendingReaders are the roles that may read the spending dashboards.
var SpendingReaders = []string{"admin", "koperindag", "auditor", "pimpinan"}

// MaxSpendingMonths is the longest period a dashboard shows: five years.
const MaxSpendingMonths = 60

// SpendingFilter selects what the spending dashboards count: orders paid in
// the months From to To (both included) and, when OPDID is set, of one OPD.
type SpendingFilter struct {
	From, To time.Time // first day of the first and of the last month, UTC midnight
	OPDID    int64
}

// end is the first day after the period.
func (f SpendingFilter) end() time.Time { return f.To.AddDate(0, 1, 0) }

// Months returns the number of months in the period.
func (f SpendingFilter) Months() int {
	return (f.To.Year()-f.From.Year())*12 + int(f.To.Month()-f.From.Month()) + 1
}

// Label describes the period in words, e.g. "Januari–November 2026".
func (f SpendingFilter) Label() string {
	from, to := wib.Month(f.From.Month()), wib.Month(f.To.Month())+" "+strconv.Itoa(f.To.Year())
	switch {
	case f.From.Equal(f.To):
		return to
	case f.From.Year() == f.To.Year():
		return from + "–" + to
	}
	return from + " " + strconv.Itoa(f.From.Year()) + "–" + to
}

// MonthParam formats a month as the filter form writes it: "2026-01".
func MonthParam(t time.Time) string { return t.Format("2006-01") }

// ParseSpendingFilter reads the period (months as "2026-01") and the OPD
// from a form. Without months it is this year up to now's month; with only
// one, the other end is in the same year (January, or December but not
// after now's month). Mistakes come back as validate.Errors on "from",
// "to" and "opd".
func ParseSpendingFilter(from, to, opd string, now time.Time) (SpendingFilter, error) {
	now = now.In(wib.Location)
	thisMonth := monthStart(now.Year(), now.Month())
	f := SpendingFilter{From: monthStart(now.Year(), 1), To: thisMonth}
	errs := validate.Errors{}
	if from != "" {
		t, msg := parseSpendingMonth(from, "awal")
		if msg != "" {
			errs.Add("from", msg)
		}
		f.From = t
		f.To = monthStart(t.Year(), 12)
		if f.To.After(thisMonth) {
			f.To = maxTime(thisMonth, t)
		}
	}
	if to != "" {
		t, msg := parseSpendingMonth(to, "akhir")
		if msg != "" {
			errs.Add("to", msg)
		}
		f.To = t
		if from == "" {
			f.From = monthStart(t.Year(), 1)
		}
	}
	if opd != "" {
		id, err := strconv.ParseInt(opd, 10, 64)
		if err != nil || id <= 0 {
			errs.Add("opd", "Pilih OPD dari daftar.")
		}
		f.OPDID = id
	}
	if errs.Has("from") || errs.Has("to") {
		return f, errs
	}
	switch {
	case f.To.Before(f.From):
		errs.Add("to", "Bulan akhir tidak boleh sebelum bulan awal.")
	case f.Months() > MaxSpendingMonths:
		errs.Add("to", fmt.Sprintf("Periode paling panjang %d bulan (5 tahun). Persempit periodenya.", MaxSpendingMonths))
	}
	return f, errs.Err()
}

// parseSpendingMonth reads "2026-01"; which names the field in the message.
func parseSpendingMonth(s, which string) (time.Time, string) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 {
		return time.Time{}, fmt.Sprintf("Bulan %s tidak valid. Tulis tahun dan bulan, misalnya 2026-01.", which)
	}
	if t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, fmt.Sprintf("Bulan %s harus antara tahun 2000 dan 2100.", which)
	}
	return t, ""
}

func monthStart(year int, m time.Month) time.Time { return time.Date(year, m, 1, 0, 0, 0, 0, time.UTC) }

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// SpendingRow is one line of a spending table: what Key (the drill-down
// parameter: an OPD id, a month "2026-01", a category id, a kecamatan code
// or a scale) stands for, how much was paid and for how many orders.
type SpendingRow struct {
	Key         string
	Label       string
	Amount      int64
	Orders      int64
	LocalAmount int64 // by OPD and by month only: paid for local products
}

// OPDName is an OPD in the filter's list.
type OPDName struct {
	ID   int64
	Name string
}

// Spending is what the spending dashboard shows for a filter.
type Spending struct {
	Filter            SpendingFilter
	OPDs              []OPDName // every OPD, for the filter
	OPDName           string    // the filtered OPD's name
	Total             SpendingRow
	ActiveSuppliers   int64 // suppliers with at least one order paid in the period
	VerifiedSuppliers int64 // suppliers verified today
	ByOPD             []SpendingRow
	ByMonth           []SpendingRow
	ByCategory        []SpendingRow
	ByKecamatan       []SpendingRow
	ByScale           []SpendingRow
	Budgets           []BudgetShare
	PayDays           PayDays
}

// canReadSpending returns apperr.Forbidden unless ctx's actor may read the dashboards.
func canReadSpending(ctx context.Context) error {
	if !audit.ActorFrom(ctx).HasRole(SpendingReaders...) {
		return apperr.E(apperr.Forbidden, "Anda tidak berhak melihat laporan belanja.")
	}
	return nil
}

// Spending returns the dashboards' figures for f, read from the monthly
// rollups. Admins, Koperindag staff, auditors and pimpinan may read it; an
// unknown OPD is a validate.Errors on "opd".
func (s *Service) Spending(ctx context.Context, f SpendingFilter) (Spending, error) {
	if err := canReadSpending(ctx); err != nil {
		return Spending{}, err
	}
	d := Spending{Filter: f}
	if err := s.drain(ctx); err != nil {
		return Spending{}, err
	}
	err := pgx.BeginTxFunc(ctx, s.db, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		steps := []func(context.Context, pgx.Tx, *Spending) error{
			spendingOPDs, spendingByOPD, spendingByMonth, spendingByCategory, spendingByPlace,
			spendingSuppliers, spendingPayDays, spendingBudgets,
		}
		for _, step := range steps {
			if err := step(ctx, tx, &d); err != nil {
				return err
			}
		}
		return nil
	})
	if _, ok := validate.AsErrors(err); ok {
		return Spending{}, err
	}
	if err != nil {
		return Spending{}, fmt.Errorf("reporting: spending: %w", postgres.Classify(err))
	}
	return d, nil
}

// errUnknownOPD is what a filter naming no OPD gets.
var errUnknownOPD = validate.Errors{"opd": "OPD tidak ditemukan. Pilih OPD dari daftar."}

func spendingOPDs(ctx context.Context, tx pgx.Tx, d *Spending) error {
	rows, err := tx.Query(ctx, `SELECT id, name FROM opds ORDER BY name`)
	if err != nil {
		return err
	}
	d.OPDs, err = pgx.CollectRows(rows, pgx.RowToStructByPos[OPDName])
	if err != nil {
		return err
	}
	if d.Filter.OPDID == 0 {
		return nil
	}
	i := slices.IndexFunc(d.OPDs, func(o OPDName) bool { return o.ID == d.Filter.OPDID })
	if i < 0 {
		return errUnknownOPD
	}
	d.OPDName = d.OPDs[i].Name
	return nil
}

// collectSpendingRows reads rows of (key, label, amount, orders[, local amount]).
func collectSpendingRows(rows pgx.Rows, withLocal bool) ([]SpendingRow, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (SpendingRow, error) {
		var x SpendingRow
		if withLocal {
			return x, r.Scan(&x.Key, &x.Label, &x.Amount, &x.Orders, &x.LocalAmount)
		}
		return x, r.Scan(&x.Key, &x.Label, &x.Amount, &x.Orders)
	})
}

// rollupWhere returns the rollups' condition for f and its arguments. The
// queries run with custom plans (QueryExecModeExec): a cached generic plan
// cannot see how many months the period holds and sorts where it should hash.
func rollupWhere(f SpendingFilter) (string, []any) {
	if f.OPDID != 0 {
		return `month BETWEEN $1 AND $2 AND opd_id = $3`, []any{pgx.QueryExecModeExec, f.From, f.To, f.OPDID}
	}
	return `month BETWEEN $1 AND $2`, []any{pgx.QueryExecModeExec, f.From, f.To}
}

func spendingByOPD(ctx context.Context, tx pgx.Tx, d *Spending) error {
	where, args := rollupWhere(d.Filter)
	rows, err := tx.Query(ctx, `SELECT m.opd_id::text, o.name, m.amount, m.orders, m.local_amount
		FROM (SELECT opd_id, sum(amount)::bigint AS amount, sum(orders)::bigint AS orders, sum(local_amount)::bigint AS local_amount
			FROM spending_months WHERE `+where+` GROUP BY opd_id) m
		JOIN opds o ON o.id = m.opd_id ORDER BY m.amount DESC, o.name`, args...)
	if err != nil {
		return err
	}
	if d.ByOPD, err = collectSpendingRows(rows, true); err != nil {
		return err
	}
	d.Total = SpendingRow{Label: "Jumlah"}
	for _, r := range d.ByOPD {
		d.Total.Amount += r.Amount
		d.Total.Orders += r.Orders
		d.Total.LocalAmount += r.LocalAmount
	}
	return nil
}

func spendingByMonth(ctx context.Context, tx pgx.Tx, d *Spending) error {
	where, args := rollupWhere(d.Filter)
	rows, err := tx.Query(ctx, `SELECT to_char(month, 'YYYY-MM'), '', sum(amount)::bigint, sum(orders)::bigint, sum(local_amount)::bigint
		FROM spending_months WHERE `+where+` GROUP BY month`, args...)
	if err != nil {
		return err
	}
	got, err := collectSpendingRows(rows, true)
	if err != nil {
		return err
	}
	byKey := map[string]SpendingRow{}
	for _, r := range got {
		byKey[r.Key] = r
	}
	// Every month of the period, paid in or not, so the chart shows the gaps.
	for m := d.Filter.From; !m.After(d.Filter.To); m = m.AddDate(0, 1, 0) {
		r := byKey[MonthParam(m)]
		r.Key, r.Label = MonthParam(m), wib.Month(m.Month())+" "+strconv.Itoa(m.Year())
		d.ByMonth = append(d.ByMonth, r)
	}
	return nil
}

func spendingByCategory(ctx context.Context, tx pgx.Tx, d *Spending) error {
	where, args := rollupWhere(d.Filter)
	rows, err := tx.Query(ctx, `SELECT r.category_id::text, coalesce(c.name, 'Tanpa kategori'), r.amount, r.orders
		FROM (SELECT category_id, sum(amount)::bigint AS amount, sum(orders)::bigint AS orders
			FROM spending_categories WHERE `+where+` GROUP BY category_id) r
		LEFT JOIN categories c ON c.id = r.category_id ORDER BY r.amount DESC, 2`, args...)
	if err != nil {
		return err
	}
	d.ByCategory, err = collectSpendingRows(rows, false)
	return err
}

// spendingByPlace fills the tables by supplier kecamatan and by supplier scale.
func spendingByPlace(ctx context.Context, tx pgx.Tx, d *Spending) error {
	where, args := rollupWhere(d.Filter)
	rows, err := tx.Query(ctx, `SELECT r.kecamatan_code, coalesce(k.name, 'Tidak diketahui'), r.amount, r.orders
		FROM (SELECT kecamatan_code, sum(amount)::bigint AS amount, sum(orders)::bigint AS orders
			FROM spending_places WHERE `+where+` GROUP BY kecamatan_code) r
		LEFT JOIN kecamatan k ON k.code = r.kecamatan_code ORDER BY r.amount DESC, 2`, args...)
	if err != nil {
		return err
	}
	if d.ByKecamatan, err = collectSpendingRows(rows, false); err != nil {
		return err
	}
	rows, err = tx.Query(ctx, `SELECT scale, '', sum(amount)::bigint, sum(orders)::bigint
		FROM spending_places WHERE `+where+` GROUP BY scale`, args...)
	if err != nil {
		return err
	}
	if d.ByScale, err = collectSpendingRows(rows, false); err != nil {
		return err
	}
	for i := range d.ByScale {
		d.ByScale[i].Label = ScaleLabel(d.ByScale[i].Key)
	}
	sort.SliceStable(d.ByScale, func(i, j int) bool { return scaleRank(d.ByScale[i].Key) < scaleRank(d.ByScale[j].Key) })
	return nil
}

// Scales are the supplier scales in display order; "" is a profile without one.
var Scales = []string{"mikro", "kecil", "menengah", "besar", ""}

func scaleRank(s string) int {
	if i := slices.Index(Scales, s); i >= 0 {
		return i
	}
	return len(Scales)
}

// ScaleLabel names a supplier scale for people.
func ScaleLabel(s string) string {
	switch s {
	case "mikro":
		return "Usaha mikro"
	case "kecil":
		return "Usaha kecil"
	case "menengah":
		return "Usaha menengah"
	case "besar":
		return "Usaha besar (bukan UMKM)"
	case "":
		return "Skala belum diisi"
	}
	return s
}

// spendingSuppliers counts the suppliers paid in the period (by the OPD)
// from their yearly month masks, and the verified ones.
func spendingSuppliers(ctx context.Context, tx pgx.Tx, d *Spending) error {
	f := d.Filter
	// The months of the period within each year, as a mask: bit 0 is January.
	err := tx.QueryRow(ctx, `SELECT count(DISTINCT supplier_id) FROM spending_supplier_years
		WHERE opd_id = $5 AND year BETWEEN $1 AND $3
		AND months & CASE WHEN year = $3 THEN (1 << $4) - 1 ELSE 4095 END
			& ~CASE WHEN year = $1 THEN (1 << ($2 - 1)) - 1 ELSE 0 END <> 0`,
		pgx.QueryExecModeExec, f.From.Year(), int(f.From.Month()), f.To.Year(), int(f.To.Month()), f.OPDID).Scan(&d.ActiveSuppliers)
	if err != nil {
		return err
	}
	return tx.QueryRow(ctx, `SELECT count(*) FROM suppliers WHERE status = 'verified'`).Scan(&d.VerifiedSuppliers)
}

// PayDays is how long orders waited from the BAST to payment, in days.
type PayDays struct {
	Orders      int64
	Median, P90 int
	OPDs        []OPDPayDays // slowest first: highest median, then p90
}

// Slowest returns the SlowestOPDs slowest OPDs.
func (p PayDays) Slowest() []OPDPayDays { return p.OPDs[:min(len(p.OPDs), SlowestOPDs)] }

// OPDPayDays is one OPD's days from BAST to payment.
type OPDPayDays struct {
	OPDID       int64
	OPD         string
	Orders      int64
	Median, P90 int
}

// SlowestOPDs is how many OPDs the payment-time table shows.
const SlowestOPDs = 5

// dayCount is a histogram bucket: so many orders paid after so many days.
type dayCount struct {
	days   int
	orders int64
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of a
// histogram sorted by days: the smallest days such that at least p% of the
// orders were paid within it. The median is percentile(h, 50).
func percentile(h []dayCount, p int) int {
	var n int64
	for _, b := range h {
		n += b.orders
	}
	if n == 0 {
		return 0
	}
	rank := (n*int64(p) + 99) / 100 // ceil(n × p / 100)
	var seen int64
	for _, b := range h {
		seen += b.orders
		if seen >= rank {
			return b.days
		}
	}
	return h[len(h)-1].days
}

func spendingPayDays(ctx context.Context, tx pgx.Tx, d *Spending) error {
	where, args := rollupWhere(d.Filter)
	rows, err := tx.Query(ctx, `SELECT r.opd_id, o.name, r.days, r.orders
		FROM (SELECT opd_id, days, sum(orders)::bigint AS orders FROM spending_pay_days WHERE `+where+` GROUP BY opd_id, days) r
		JOIN opds o ON o.id = r.opd_id ORDER BY r.opd_id, r.days`, args...)
	if err != nil {
		return err
	}
	type bucket struct {
		opd  int64
		name string
		dayCount
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (bucket, error) {
		var b bucket
		return b, r.Scan(&b.opd, &b.name, &b.days, &b.orders)
	})
	if err != nil {
		return err
	}
	all := map[int]int64{}
	var per []OPDPayDays
	for i := 0; i < len(list); {
		j := i
		var h []dayCount
		for ; j < len(list) && list[j].opd == list[i].opd; j++ {
			h = append(h, list[j].dayCount)
			all[list[j].days] += list[j].orders
		}
		o := OPDPayDays{OPDID: list[i].opd, OPD: list[i].name, Median: percentile(h, 50), P90: percentile(h, 90)}
		for _, b := range h {
			o.Orders += b.orders
		}
		per = append(per, o)
		i = j
	}
	var h []dayCount
	for days, n := range all {
		h = append(h, dayCount{days, n})
		d.PayDays.Orders += n
	}
	sort.Slice(h, func(i, j int) bool { return h[i].days < h[j].days })
	d.PayDays.Median, d.PayDays.P90 = percentile(h, 50), percentile(h, 90)
	sort.SliceStable(per, func(i, j int) bool {
		if per[i].Median != per[j].Median {
			return per[i].Median > per[j].Median
		}
		if per[i].P90 != per[j].P90 {
			return per[i].P90 > per[j].P90
		}
		return per[i].Orders > per[j].Orders
	})
	d.PayDays.OPDs = per
	return nil
}

package reporting_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/reporting"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// spendFixture is a database with reference data, two OPDs (DINKES and
// another), three suppliers (mikro in kecamatan 13.11.01, kecil in
// 13.11.02, and one with neither kecamatan nor scale), four listings and
// readers of every role.
type spendFixture struct {
	db         *pgxpool.Pool
	opdA, opdB int64
	atk, mamin int64
	sup        map[string]int64 // mikro, kecil, unknown
	listing    map[string]int64 // kertas (mikro, ATK, local), kopi (mikro, MAMIN), laptop (kecil, ATK), keripik (unknown, MAMIN, local)
	pkg        map[int64]int64  // RUP package by OPD
	users      map[string]*auth.User
	orders     int
}

func newSpendFixture(t *testing.T) *spendFixture {
	t.Helper()
	ctx := context.Background()
	f := &spendFixture{db: pgtest.New(t), sup: map[string]int64{}, listing: map[string]int64{}, pkg: map[int64]int64{}, users: map[string]*auth.User{}}
	if err := demo.SeedReference(ctx, f.db); err != nil {
		t.Fatal(err)
	}
	f.scan(t, &f.opdA, `SELECT id FROM opds WHERE letter_code = 'DINKES'`)
	f.scan(t, &f.opdB, `SELECT id FROM opds WHERE letter_code <> 'DINKES' ORDER BY id LIMIT 1`)
	f.scan(t, &f.atk, `SELECT id FROM categories WHERE code = 'KAT01'`)
	f.scan(t, &f.mamin, `SELECT id FROM categories WHERE code = 'KAT12'`)
	for _, r := range []string{"admin", "koperindag", "auditor", "pp", "ppk", "treasurer", "supplier"} {
		f.users[r] = f.user(t, r)
	}
	for _, s := range []struct{ key, kec, scale string }{{"mikro", "13.11.01", "mikro"}, {"kecil", "13.11.02", "kecil"}, {"unknown", "", ""}} {
		var id int64
		f.scan(t, &id, `INSERT INTO suppliers (name, kecamatan_code, status, scale) VALUES ($1, nullif($2, ''), 'verified', $3) RETURNING id`,
			"Usaha "+s.key, s.kec, s.scale)
		f.sup[s.key] = id
	}
	for _, l := range []struct {
		key, sup, origin string
		cat              int64
	}{
		{"kertas", "mikro", "local", f.atk}, {"kopi", "mikro", "national", f.mamin},
		{"laptop", "kecil", "national", f.atk}, {"keripik", "unknown", "local", f.mamin},
	} {
		var id int64
		f.scan(t, &id, `INSERT INTO listings (supplier_id, kind, title, category_id, unit, price, origin, status, published_at)
			VALUES ($1, 'goods', $2, $3, 'unit', 1000, $4, 'published', now()) RETURNING id`, f.sup[l.sup], "Barang "+l.key, l.cat, l.origin)
		f.listing[l.key] = id
	}
	for opd, pagu := range map[int64]int64{f.opdA: 20_000_000, f.opdB: 50_000_000} {
		var id int64
		f.scan(t, &id, `INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, fiscal_year, ppk_user_id)
			VALUES ($1, $2, 'Paket uji', $3, 'APBD', 2026, $4) RETURNING id`, opd, fmt.Sprintf("5123%04d", opd), pagu, f.users["ppk"].ID)
		f.pkg[opd] = id
	}
	return f
}

func (f *spendFixture) scan(t *testing.T, dst any, q string, args ...any) {
	t.Helper()
	if err := f.db.QueryRow(context.Background(), q, args...).Scan(dst); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (f *spendFixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := f.db.Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// user adds an account holding role (tied to OPD A when the role needs one).
func (f *spendFixture) user(t *testing.T, role string) *auth.User {
	t.Helper()
	var id int64
	f.scan(t, &id, `INSERT INTO users (name, email, password_hash) VALUES ($1, $2, 'x') RETURNING id`, "Pengguna "+role, role+"@belanja.test")
	g := auth.Grant{Role: auth.Role(role)}
	var opd *int64
	if g.Role.NeedsOPD() {
		g.OPDID, opd = f.opdA, &f.opdA
	}
	if role != "supplier" {
		f.exec(t, `INSERT INTO user_roles (user_id, role, opd_id) VALUES ($1, $2, $3)`, id, role, opd)
	}
	return &auth.User{ID: id, Name: "Pengguna " + role, Grants: []auth.Grant{g}}
}

func (f *spendFixture) as(role string) context.Context {
	return auth.WithUser(context.Background(), f.users[role], "127.0.0.1")
}

// spendLine is an order line: qty of a fixture listing at price, of which received arrived (qty when 0).
type spendLine struct {
	listing              string
	qty, received, price int64
}

// spendOrder is a paid order as a test writes it.
type spendOrder struct {
	opd      int64
	supplier string
	lines    []spendLine
	bast     string // day of the BAST, signed 10.00 WIB
	paid     string // day paid
}

// insertAwaiting writes o as awaiting payment, its BAST signed, and returns its id.
func (f *spendFixture) insertAwaiting(t *testing.T, tx pgx.Tx, o spendOrder, state string) int64 {
	t.Helper()
	ctx := context.Background()
	bast, err := wib.ParseDate(o.bast)
	if err != nil {
		t.Fatal(err)
	}
	bastAt := bast.Add(10 * time.Hour)
	f.orders++
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO orders (opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key,
		delivery_address, requested_date, supplier_pkp, supplier_pp55, total, rule_outcome, sp_number, placed_at, bast_at)
		VALUES ($1, $2, $3, $4, $4, $5, $6, 'Jl. Uji No. 1', $7, false, false, 0, '{}', $8, $9, $10) RETURNING id`,
		o.opd, f.sup[o.supplier], f.pkg[o.opd], f.users["ppk"].ID, state, fmt.Sprintf("belanja-%04d", f.orders), bast,
		fmt.Sprintf("%03d/SP/UJI/2026", f.orders), bastAt.AddDate(0, 0, -7), bastAt).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range o.lines {
		rq := l.received
		if rq == 0 {
			rq = l.qty
		}
		_, err := tx.Exec(ctx, `INSERT INTO order_lines (order_id, position, listing_id, title, unit, kind, category_id, qty, list_price, unit_dpp, unit_price, total, shipped_qty, received_qty)
			SELECT $1, $2, id, title, unit, kind, category_id, $3::int, $4::bigint, $4::bigint, $4::bigint, $3::int * $4::bigint, $5::int, $5::int FROM listings WHERE id = $6`,
			id, i+1, l.qty, l.price, rq, f.listing[l.listing])
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE orders SET total = (SELECT sum(total) FROM order_lines WHERE order_id = $1) WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// insertPayment records o's payment as the treasurer does.
func (f *spendFixture) insertPayment(t *testing.T, tx pgx.Tx, id int64, paid string) {
	t.Helper()
	_, err := tx.Exec(context.Background(), `INSERT INTO order_payments (order_id, paid_on, method, reference, gross, ppn_collected, pph22, pph23, pp55, net, breakdown, user_id)
		SELECT $1, $2::date, 'sp2d', 'SP2D-UJI', g, 0, 0, 0, 0, g, '{}', $3
		FROM (SELECT sum(received_qty::bigint * unit_price) AS g FROM order_lines WHERE order_id = $1) x`, id, paid, f.users["treasurer"].ID)
	if err != nil {
		t.Fatal(err)
	}
}

// pay writes o and pays it the way ordering does, in one transaction:
// the payment row first, then the move to paid.
func (f *spendFixture) pay(t *testing.T, o spendOrder) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := pgx.BeginFunc(ctx, f.db, func(tx pgx.Tx) error {
		id = f.insertAwaiting(t, tx, o, "awaiting_payment")
		f.insertPayment(t, tx, id, o.paid)
		_, err := tx.Exec(ctx, `UPDATE orders SET paid_at = $2::date + interval '11 hours', state = 'paid' WHERE id = $1`, id, o.paid)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	return id
}

// drain brings the facts and rollups up to date, as every reader does.
func (f *spendFixture) drain(t *testing.T) {
	t.Helper()
	if _, err := reporting.Drain(context.Background(), f.db); err != nil {
		t.Fatal(err)
	}
}

// spendData is the known dataset: four orders paid in 2026, one in 2025,
// one still awaiting payment.
type spendData struct {
	o1, o2, o3, o4, o5, o6 int64
}

func (f *spendFixture) seed(t *testing.T) spendData {
	t.Helper()
	var d spendData
	// 500.000 ATK local + 240.000 MAMIN; 10 days from BAST to payment.
	d.o1 = f.pay(t, spendOrder{f.opdA, "mikro", []spendLine{{"kertas", 10, 0, 50_000}, {"kopi", 2, 0, 120_000}}, "2026-03-02", "2026-03-12"})
	// 1.000.000 ATK; 2 days.
	d.o2 = f.pay(t, spendOrder{f.opdA, "kecil", []spendLine{{"laptop", 1, 0, 1_000_000}}, "2026-04-01", "2026-04-03"})
	// 100.000 MAMIN local, OPD B; 30 days.
	d.o3 = f.pay(t, spendOrder{f.opdB, "unknown", []spendLine{{"keripik", 4, 0, 25_000}}, "2026-04-10", "2026-05-10"})
	// Paid in 2025: outside this year's period.
	d.o4 = f.pay(t, spendOrder{f.opdB, "mikro", []spendLine{{"kopi", 1, 0, 120_000}}, "2025-12-01", "2025-12-20"})
	// Partial delivery: 3 ordered, 2 received and paid (100.000 ATK local); 1 day.
	d.o5 = f.pay(t, spendOrder{f.opdA, "mikro", []spendLine{{"kertas", 3, 2, 50_000}}, "2026-03-19", "2026-03-20"})
	// Not paid yet.
	err := pgx.BeginFunc(context.Background(), f.db, func(tx pgx.Tx) error {
		d.o6 = f.insertAwaiting(t, tx, spendOrder{f.opdA, "mikro", []spendLine{{"kertas", 1, 0, 50_000}}, "2026-05-01", ""}, "awaiting_payment")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// now is the dashboards' clock in these tests: 25 November 2026, WIB.
var spendNow = time.Date(2026, 11, 25, 10, 0, 0, 0, wib.Location)

func thisYear(t *testing.T, opd int64) reporting.SpendingFilter {
	t.Helper()
	o := ""
	if opd != 0 {
		o = fmt.Sprint(opd)
	}
	f, err := reporting.ParseSpendingFilter("", "", o, spendNow)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// factCount returns the number of fact rows of order id.
func (f *spendFixture) factCount(t *testing.T, id int64) int {
	t.Helper()
	var n int
	f.drain(t)
	f.scan(t, &n, `SELECT count(*) FROM spending_facts WHERE order_id = $1`, id)
	return n
}

// TestSpendingFacts_WrittenForCommittedPayments: the payment transaction
// notes the order when it becomes paid (not when the payment row alone is
// written); the facts appear at the next drain once it has committed, never
// for a payment rolled back, and never twice.
func TestSpendingFacts_WrittenForCommittedPayments(t *testing.T) {
	t.Parallel()
	f := newSpendFixture(t)
	ctx := context.Background()
	o := spendOrder{f.opdA, "mikro", []spendLine{{"kertas", 10, 0, 50_000}, {"kopi", 2, 1, 120_000}}, "2026-03-02", "2026-03-12"}
	var id int64
	err := pgx.BeginFunc(ctx, f.db, func(tx pgx.Tx) error {
		id = f.insertAwaiting(t, tx, o, "awaiting_payment")
		f.insertPayment(t, tx, id, o.paid)
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM spending_facts WHERE order_id = $1`, id).Scan(&n); err != nil || n != 0 {
			t.Errorf("facts before the order is paid = %d, %v; want 0", n, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE orders SET state = 'paid', paid_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM reporting_queue WHERE order_id = $1 AND facts`, id).Scan(&n); err != nil || n != 1 {
			t.Errorf("orders noted for facts inside the payment transaction = %d, %v; want 1", n, err)
		}
		return errors.New("roll back")
	})
	if err == nil || err.Error() != "roll back" {
		t.Fatal(err)
	}
	if n := f.factCount(t, id); n != 0 {
		t.Fatalf("facts after a rolled-back payment = %d, want 0", n)
	}

	id = f.pay(t, o)
	type fact struct {
		Amount    int64
		Local     bool
		Kecamatan string
		Scale     string
		Month     string
		Days      int
	}
	rows, err := f.db.Query(ctx, `SELECT amount, local, kecamatan_code, scale, to_char(month, 'YYYY-MM'), days_to_pay
		FROM spending_facts WHERE order_id = $1 ORDER BY line_id`, id)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[fact])
	if err != nil {
		t.Fatal(err)
	}
	want := []fact{
		{500_000, true, "13.11.01", "mikro", "2026-03", 10},
		{120_000, false, "13.11.01", "mikro", "2026-03", 10}, // one of two received and paid
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("facts (-got +want):\n%s", diff)
	}
	f.exec(t, `UPDATE orders SET state = 'completed', completed_at = now() WHERE id = $1`, id)
	if n := f.factCount(t, id); n != 2 {
		t.Errorf("facts after completion = %d, want still 2", n)
	}
}

// TestSpendingFacts_BulkLoadAndRebuild: orders loaded already completed,
// with their payments inserted afterwards in one statement, get their facts;
// reporting_rebuild() recomputes exactly the same rollups; deleting an order
// takes its share out of them.
func TestSpendingFacts_BulkLoadAndRebuild(t *testing.T) {
	t.Parallel()
	f := newSpendFixture(t)
	ctx := context.Background()
	f.seed(t)
	var ids []int64
	err := pgx.BeginFunc(ctx, f.db, func(tx pgx.Tx) error {
		for i := range 3 {
			ids = append(ids, f.insertAwaiting(t, tx, spendOrder{f.opdB, "kecil", []spendLine{{"laptop", int64(i + 1), 0, 1_000_000}}, "2026-06-01", ""}, "completed"))
		}
		_, err := tx.Exec(ctx, `INSERT INTO order_payments (order_id, paid_on, method, reference, gross, ppn_collected, pph22, pph23, pp55, net, breakdown, user_id)
			SELECT o.id, '2026-06-05', 'sp2d', 'BULK', o.total, 0, 0, 0, 0, o.total, '{}', o.buyer_user_id FROM orders o WHERE o.id = ANY($1)`, ids)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if n := f.factCount(t, id); n != 1 {
			t.Errorf("order %d loaded in bulk has %d facts, want 1", id, n)
		}
	}
	before := f.rollups(t)
	var n int64
	f.scan(t, &n, `SELECT reporting_rebuild()`)
	if n != 9 { // o1 (2 lines), o2, o3, o4, o5, and the three loaded in bulk
		t.Errorf("reporting_rebuild() = %d facts, want 9", n)
	}
	if diff := cmp.Diff(f.rollups(t), before); diff != "" {
		t.Errorf("rollups after rebuild differ from those kept by the triggers (-rebuilt +kept):\n%s", diff)
	}
	f.exec(t, `DELETE FROM orders WHERE id = $1`, ids[2])
	afterDelete := f.rollups(t)
	f.scan(t, &n, `SELECT reporting_rebuild()`)
	if diff := cmp.Diff(f.rollups(t), afterDelete); diff != "" {
		t.Errorf("rollups after a deleted order differ from a rebuild (-rebuilt +kept):\n%s", diff)
	}
	if _, err := f.db.Exec(ctx, `UPDATE spending_facts SET amount = 1`); err == nil {
		t.Error("updating facts in place succeeded, want it refused")
	}
}

// rollups returns every rollup row as text, for comparing two states.
func (f *spendFixture) rollups(t *testing.T) []string {
	t.Helper()
	f.drain(t)
	rows, err := f.db.Query(context.Background(), `
		SELECT 'months ' || month || ' ' || opd_id || ' ' || amount || ' ' || orders || ' ' || lines || ' ' || local_amount || ' ' || local_orders FROM spending_months
		UNION ALL SELECT 'categories ' || month || ' ' || opd_id || ' ' || category_id || ' ' || amount || ' ' || orders || ' ' || lines FROM spending_categories
		UNION ALL SELECT 'places ' || month || ' ' || opd_id || ' ' || kecamatan_code || ' ' || scale || ' ' || amount || ' ' || orders FROM spending_places
		UNION ALL SELECT 'days ' || month || ' ' || opd_id || ' ' || days || ' ' || orders FROM spending_pay_days
		UNION ALL SELECT 'suppliers ' || opd_id || ' ' || supplier_id || ' ' || year || ' ' || months FROM spending_supplier_years
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSpending_KnownDataset checks every table of the dashboard against
// figures worked out by hand from the seeded orders.
func TestSpending_KnownDataset(t *testing.T) {
	t.Parallel()
	f := newSpendFixture(t)
	f.seed(t)
	if _, err := reporting.NewService(f.db).SetOPDBudgets(f.as("admin"), 2026, map[int64]string{f.opdA: "Rp10.000.000"}); err != nil {
		t.Fatal(err)
	}
	d, err := reporting.NewService(f.db).Spending(f.as("auditor"), thisYear(t, 0))
	if err != nil {
		t.Fatal(err)
	}
	a, b := fmt.Sprint(f.opdA), fmt.Sprint(f.opdB)
	row := func(key string, amount, orders, local int64) reporting.SpendingRow {
		return reporting.SpendingRow{Key: key, Amount: amount, Orders: orders, LocalAmount: local}
	}
	noLabel := func(rows []reporting.SpendingRow) []reporting.SpendingRow {
		out := make([]reporting.SpendingRow, len(rows))
		for i, r := range rows {
			r.Label = ""
			out[i] = r
		}
		return out
	}
	check := func(name string, got, want any) {
		t.Helper()
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("%s (-got +want):\n%s", name, diff)
		}
	}
	check("total", d.Total, reporting.SpendingRow{Label: "Jumlah", Amount: 1_940_000, Orders: 4, LocalAmount: 700_000})
	check("by OPD", noLabel(d.ByOPD), []reporting.SpendingRow{row(a, 1_840_000, 3, 600_000), row(b, 100_000, 1, 100_000)})
	if len(d.ByMonth) != 11 || d.ByMonth[0].Key != "2026-01" || d.ByMonth[0].Label != "Januari 2026" || d.ByMonth[10].Key != "2026-11" {
		t.Errorf("months = %+v, want January to November 2026", d.ByMonth)
	} else {
		check("by month", noLabel(d.ByMonth[2:5]), []reporting.SpendingRow{row("2026-03", 840_000, 2, 600_000), row("2026-04", 1_000_000, 1, 0), row("2026-05", 100_000, 1, 100_000)})
	}
	check("by category", noLabel(d.ByCategory), []reporting.SpendingRow{row(fmt.Sprint(f.atk), 1_600_000, 3, 0), row(fmt.Sprint(f.mamin), 340_000, 2, 0)})
	check("by kecamatan", noLabel(d.ByKecamatan), []reporting.SpendingRow{row("13.11.02", 1_000_000, 1, 0), row("13.11.01", 840_000, 2, 0), row("", 100_000, 1, 0)})
	check("by scale", d.ByScale, []reporting.SpendingRow{
		{Key: "mikro", Label: "Usaha mikro", Amount: 840_000, Orders: 2},
		{Key: "kecil", Label: "Usaha kecil", Amount: 1_000_000, Orders: 1},
		{Key: "", Label: "Skala belum diisi", Amount: 100_000, Orders: 1},
	})
	check("active suppliers", d.ActiveSuppliers, int64(3))
	// Days 1, 2, 10, 30: the median is the 2nd (2), p90 the 4th (30).
	check("payment days", []int{int(d.PayDays.Orders), d.PayDays.Median, d.PayDays.P90}, []int{4, 2, 30})
	if len(d.PayDays.Slowest()) != 2 || d.PayDays.Slowest()[0].OPDID != f.opdB || d.PayDays.Slowest()[1].Median != 2 || d.PayDays.Slowest()[1].P90 != 10 {
		t.Errorf("slowest OPDs = %+v, want OPD B (30 days) then DINKES (median 2, p90 10)", d.PayDays.Slowest())
	}
	var budgets []string
	for _, x := range d.Budgets {
		budgets = append(budgets, fmt.Sprintf("%d %d/%d %s", x.OPDID, x.Spent, x.Budget, x.Source))
	}
	check("budgets, lowest share first", budgets, []string{
		fmt.Sprintf("%d 100000/50000000 rup", f.opdB),
		fmt.Sprintf("%d 1840000/10000000 entered", f.opdA),
	})

	t.Run("one OPD", func(t *testing.T) {
		d, err := reporting.NewService(f.db).Spending(f.as("koperindag"), thisYear(t, f.opdB))
		if err != nil {
			t.Fatal(err)
		}
		if d.Total.Amount != 100_000 || d.ActiveSuppliers != 1 || len(d.ByOPD) != 1 || d.OPDName == "" || len(d.Budgets) != 1 {
			t.Errorf("OPD B: total %d, %d active suppliers, %d OPD rows, name %q, %d budgets; want 100.000, 1, 1, its name, 1",
				d.Total.Amount, d.ActiveSuppliers, len(d.ByOPD), d.OPDName, len(d.Budgets))
		}
	})
	t.Run("December 2025 only", func(t *testing.T) {
		p, err := reporting.ParseSpendingFilter("2025-12", "2025-12", "", spendNow)
		if err != nil {
			t.Fatal(err)
		}
		d, err := reporting.NewService(f.db).Spending(f.as("admin"), p)
		if err != nil {
			t.Fatal(err)
		}
		if d.Total.Amount != 120_000 || d.PayDays.Median != 19 {
			t.Errorf("December 2025: total %d, median %d days; want 120.000 and 19", d.Total.Amount, d.PayDays.Median)
		}
	})
}

// TestSpending_ReadersOnly: admins, Koperindag staff and auditors read the
// dashboards; buyers, treasurers and suppliers do not; an unknown OPD is a
// mistake in the filter, not a server error.
func TestSpending_ReadersOnly(t *testing.T) {
	t.Parallel()
	f := newSpendFixture(t)
	svc := reporting.NewService(f.db)
	for _, role := range []string{"admin", "koperindag", "auditor", "pp", "ppk", "treasurer", "supplier"} {
		_, err := svc.Spending(f.as(role), thisYear(t, 0))
		_, err2 := svc.SpendingOrders(f.as(role), reporting.SpendingOrderFilter{SpendingFilter: thisYear(t, 0)}, 10)
		reader := role == "admin" || role == "koperindag" || role == "auditor"
		if reader && (err != nil || err2 != nil) {
			t.Errorf("%s: %v, %v; want allowed", role, err, err2)
		}
		if !reader && (!errors.Is(err, apperr.Forbidden) || !errors.Is(err2, apperr.Forbidden)) {
			t.Errorf("%s: %v, %v; want forbidden", role, err, err2)
		}
	}
	pimpinan := auth.WithUser(context.Background(), &auth.User{ID: 1, Name: "Bupati", Grants: []auth.Grant{{Role: "pimpinan"}}}, "")
	if _, err := svc.Spending(pimpinan, thisYear(t, 0)); err != nil {
		t.Errorf("pimpinan: %v, want allowed", err)
	}
	_, err := svc.Spending(f.as("admin"), reporting.SpendingFilter{From: thisYear(t, 0).From, To: thisYear(t, 0).To, OPDID: 999999})
	if fields, ok := validate.AsErrors(err); !ok || fields["opd"] == "" {
		t.Errorf("unknown OPD: %v, want a field error on opd", err)
	}
}

func TestParseSpendingFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, from, to, opd string
		want                string // "from..to opd", or the fields in error
	}{
		{"defaults to this year up to this month", "", "", "", "2026-01..2026-11 0"},
		{"one month", "2026-03", "2026-03", "", "2026-03..2026-03 0"},
		{"only from, this year: up to this month", "2026-03", "", "", "2026-03..2026-11 0"},
		{"only from, an earlier year: that whole year", "2024-05", "", "", "2024-05..2024-12 0"},
		{"only from, a future month: that month", "2027-02", "", "", "2027-02..2027-02 0"},
		{"only to: from January of its year", "", "2025-06", "", "2025-01..2025-06 0"},
		{"five years exactly", "2022-01", "2026-12", "7", "2022-01..2026-12 7"},
		{"longer than five years", "2021-12", "2026-12", "", "to"},
		{"from after to", "2026-05", "2026-04", "", "to"},
		{"a date, not a month", "2026-01-15", "", "", "from"},
		{"words", "januari", "kemarin", "", "from to"},
		{"month 13", "2026-13", "", "", "from"},
		{"year out of range", "1999-12", "", "", "from"},
		{"far future", "", "9999-01", "", "to"},
		{"opd not a number", "", "", "dinkes", "opd"},
		{"opd negative", "", "", "-3", "opd"},
		{"injection attempt", "2026-01' OR 1=1 --", "", "", "from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := reporting.ParseSpendingFilter(tt.from, tt.to, tt.opd, spendNow)
			var got string
			if fields, ok := validate.AsErrors(err); ok {
				for _, k := range []string{"from", "to", "opd"} {
					if fields[k] != "" {
						got += k + " "
					}
				}
				got = got[:len(got)-1]
			} else if err != nil {
				t.Fatalf("error %v is not a field error", err)
			} else {
				got = fmt.Sprintf("%s..%s %d", reporting.MonthParam(f.From), reporting.MonthParam(f.To), f.OPDID)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSpendingOrders_DrillDown: the orders behind a figure add up to it,
// newest payment first, page after page.
func TestSpendingOrders_DrillDown(t *testing.T) {
	t.Parallel()
	f := newSpendFixture(t)
	d := f.seed(t)
	svc := reporting.NewService(f.db)
	drill := func(t *testing.T, q url.Values, limit int) reporting.SpendingOrders {
		t.Helper()
		flt, err := reporting.ParseSpendingOrderFilter(q, spendNow)
		if err != nil {
			t.Fatal(err)
		}
		out, err := svc.SpendingOrders(f.as("auditor"), flt, limit)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	type order struct{ ID, Amount int64 }
	ids := func(p reporting.SpendingOrders) []order {
		var out []order
		for _, o := range p.Orders {
			out = append(out, order{o.ID, o.Amount})
		}
		return out
	}
	tests := []struct {
		name          string
		q             url.Values
		count, amount int64
		want          []order
	}{
		{"the whole period", url.Values{}, 4, 1_940_000, []order{{d.o3, 100_000}, {d.o2, 1_000_000}, {d.o5, 100_000}, {d.o1, 740_000}}},
		{"an OPD", url.Values{"opd": {fmt.Sprint(f.opdB)}}, 1, 100_000, []order{{d.o3, 100_000}}},
		{"a category counts its lines only", url.Values{"category": {fmt.Sprint(f.atk)}}, 3, 1_600_000, []order{{d.o2, 1_000_000}, {d.o5, 100_000}, {d.o1, 500_000}}},
		{"a kecamatan", url.Values{"kecamatan": {"13.11.01"}}, 2, 840_000, []order{{d.o5, 100_000}, {d.o1, 740_000}}},
		{"no kecamatan", url.Values{"kecamatan": {"-"}}, 1, 100_000, []order{{d.o3, 100_000}}},
		{"a scale", url.Values{"scale": {"kecil"}}, 1, 1_000_000, []order{{d.o2, 1_000_000}}},
		{"local products", url.Values{"local": {"1"}}, 3, 700_000, []order{{d.o3, 100_000}, {d.o5, 100_000}, {d.o1, 500_000}}},
		{"a supplier", url.Values{"supplier": {fmt.Sprint(f.sup["mikro"])}}, 2, 840_000, []order{{d.o5, 100_000}, {d.o1, 740_000}}},
		{"a month", url.Values{"from": {"2026-03"}, "to": {"2026-03"}}, 2, 840_000, []order{{d.o5, 100_000}, {d.o1, 740_000}}},
		{"a category and a kecamatan", url.Values{"category": {fmt.Sprint(f.mamin)}, "kecamatan": {"13.11.01"}}, 1, 240_000, []order{{d.o1, 240_000}}},
		{"nothing", url.Values{"scale": {"besar"}}, 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := drill(t, tt.q, 50)
			if got.Count != tt.count || got.Amount != tt.amount {
				t.Errorf("figure = %d orders, %d; want %d, %d", got.Count, got.Amount, tt.count, tt.amount)
			}
			if diff := cmp.Diff(ids(got), tt.want); diff != "" {
				t.Errorf("orders (-got +want):\n%s", diff)
			}
		})
	}
	t.Run("pages", func(t *testing.T) {
		p1 := drill(t, url.Values{}, 3)
		if len(p1.Orders) != 3 || p1.Next.IsZero() {
			t.Fatalf("first page: %d orders, next %q; want 3 and a next page", len(p1.Orders), p1.Next)
		}
		p2 := drill(t, url.Values{"after": {p1.Next.String()}}, 3)
		if diff := cmp.Diff(ids(p2), []order{{d.o1, 740_000}}); diff != "" || !p2.Next.IsZero() {
			t.Errorf("second page (-got +want):\n%s; next %q", diff, p2.Next)
		}
	})
	t.Run("bad parameters are field errors", func(t *testing.T) {
		for _, q := range []url.Values{
			{"category": {"x"}}, {"kecamatan": {"Sangir"}}, {"scale": {"raksasa"}}, {"local": {"ya"}},
			{"supplier": {"0"}}, {"after": {"kemarin"}}, {"from": {"2026"}},
		} {
			if _, err := reporting.ParseSpendingOrderFilter(q, spendNow); err == nil {
				t.Errorf("%v: no error", q)
			} else if _, ok := validate.AsErrors(err); !ok {
				t.Errorf("%v: %v is not a field error", q, err)
			}
		}
		flt, _ := reporting.ParseSpendingOrderFilter(url.Values{"category": {"999999"}}, spendNow)
		if _, err := svc.SpendingOrders(f.as("admin"), flt, 10); err == nil {
			t.Error("an unknown category: no error")
		} else if _, ok := validate.AsErrors(err); !ok {
			t.Errorf("an unknown category: %v is not a field error", err)
		}
	})
}

// TestSetOPDBudgets: admins enter, change and clear budgets, each change
// audited; amounts are checked; others may not.
func TestSetOPDBudgets(t *testing.T) {
	t.Parallel()
	f := newSpendFixture(t)
	svc := reporting.NewService(f.db)
	n, err := svc.SetOPDBudgets(f.as("admin"), 2026, map[int64]string{f.opdA: "Rp12.500.000.000", f.opdB: ""})
	if err != nil || n != 1 {
		t.Fatalf("first save = %d, %v; want 1 change", n, err)
	}
	list, err := svc.OPDBudgets(f.as("admin"), 2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range list {
		switch b.OPDID {
		case f.opdA:
			if b.Budget != 12_500_000_000 || b.EnteredBy != "Pengguna admin" || b.RUPPagu != 20_000_000 {
				t.Errorf("OPD A = %+v, want the budget entered by the admin and its RUP pagu", b)
			}
		case f.opdB:
			if b.Budget != 0 || b.RUPPagu != 50_000_000 {
				t.Errorf("OPD B = %+v, want no budget and RUP pagu 50.000.000", b)
			}
		}
	}
	if n, err := svc.SetOPDBudgets(f.as("admin"), 2026, map[int64]string{f.opdA: "12500000000"}); err != nil || n != 0 {
		t.Errorf("same value again = %d, %v; want no change", n, err)
	}
	if n, err := svc.SetOPDBudgets(f.as("admin"), 2026, map[int64]string{f.opdA: ""}); err != nil || n != 1 {
		t.Errorf("clearing = %d, %v; want 1 change", n, err)
	}
	var audited int
	f.scan(t, &audited, `SELECT count(*) FROM audit_log WHERE entity = 'opd_budget'`)
	if audited != 2 {
		t.Errorf("audit entries = %d, want 2 (set, clear)", audited)
	}
	_, err = svc.SetOPDBudgets(f.as("admin"), 2026, map[int64]string{f.opdA: "dua miliar", f.opdB: "-5"})
	fields, ok := validate.AsErrors(err)
	if !ok || fields[reporting.BudgetField(f.opdA)] == "" || fields[reporting.BudgetField(f.opdB)] == "" {
		t.Errorf("bad amounts: %v, want an error on each field", err)
	}
	if _, err := svc.SetOPDBudgets(f.as("admin"), 1999, nil); !errors.Is(err, apperr.Invalid) {
		t.Errorf("year 1999: %v, want invalid", err)
	}
	if _, err := svc.SetOPDBudgets(f.as("admin"), 2026, map[int64]string{999999: "1000"}); !errors.Is(err, apperr.NotFound) {
		t.Errorf("unknown OPD: %v, want not found", err)
	}
	for _, role := range []string{"auditor", "koperindag", "ppk"} {
		if _, err := svc.SetOPDBudgets(f.as(role), 2026, map[int64]string{f.opdA: "1000"}); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("%s: %v, want forbidden", role, err)
		}
	}
}

// TestSpendingFacts_DemoOrdersThroughOrdering: orders paid through the
// ordering service (the demo's, with partial deliveries and PKP suppliers)
// get their facts (the seed drains the queue at its end), and each order's
// facts add up to the gross on its kuitansi.
func TestSpendingFacts_DemoOrdersThroughOrdering(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	dataDir := t.TempDir()
	users := auth.NewService(db, "http://127.0.0.1:8080", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := demo.Seed(ctx, db, users); err != nil {
		t.Fatalf("seed: %v", err)
	}
	if err := demo.SeedOnboarding(ctx, db, dataDir, "http://127.0.0.1:8080"); err != nil {
		t.Fatalf("seed onboarding: %v", err)
	}
	if err := demo.SeedOrders(ctx, db, dataDir); err != nil {
		t.Fatalf("seed orders: %v", err)
	}
	var paid, mismatched, missing int
	err := db.QueryRow(ctx, `
		WITH p AS (SELECT o.id, pay.gross, (SELECT sum(amount) FROM spending_facts f WHERE f.order_id = o.id) AS facts
			FROM orders o JOIN order_payments pay ON pay.order_id = o.id WHERE o.state IN ('paid', 'completed'))
		SELECT count(*), count(*) FILTER (WHERE facts <> gross), count(*) FILTER (WHERE facts IS NULL) FROM p`).Scan(&paid, &mismatched, &missing)
	if err != nil {
		t.Fatal(err)
	}
	if paid == 0 || mismatched != 0 || missing != 0 {
		t.Errorf("%d paid demo orders: %d without facts, %d whose facts differ from the kuitansi; want some paid, none off", paid, missing, mismatched)
	}
	var stray int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM spending_facts f JOIN orders o ON o.id = f.order_id WHERE o.state NOT IN ('paid', 'completed')`).Scan(&stray); err != nil || stray != 0 {
		t.Errorf("facts of unpaid orders = %d, %v; want 0", stray, err)
	}
}

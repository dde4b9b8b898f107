package reporting_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/reporting"
)

// BenchmarkSpending measures the dashboard's reads on generated data:
// LAPAK_BENCH_SPENDING_ORDERS completed orders (default 133.334, about
// 200.000 facts at 1,5 lines an order) of 60 OPDs from one supplier per
// 100 orders, paid over three years. It reports p50 and p95 per call:
//
//	go test ./internal/reporting -run XXX -bench BenchmarkSpending -benchtime 30x
func BenchmarkSpending(b *testing.B) {
	orders := 133_334
	if v := os.Getenv("LAPAK_BENCH_SPENDING_ORDERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 {
			b.Fatalf("LAPAK_BENCH_SPENDING_ORDERS=%q: want a number of orders, at least 100", v)
		}
		orders = n
	}
	db := pgtest.New(b)
	ctx := context.Background()
	if err := demo.SeedReference(ctx, db); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := generateSpending(ctx, db, orders); err != nil {
		b.Fatal(err)
	}
	var facts int64
	if err := db.QueryRow(ctx, `SELECT count(*) FROM spending_facts`).Scan(&facts); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d orders, %d facts in %s (payments inserted in one statement, facts and rollups by the triggers)", orders, facts, time.Since(start).Round(time.Second))

	svc := reporting.NewService(db)
	as := auth.WithUser(ctx, &auth.User{ID: 1, Name: "Auditor", Grants: []auth.Grant{{Role: auth.RoleAuditor}}}, "")
	var opd, category int64
	if err := db.QueryRow(ctx, `SELECT opd_id FROM spending_months ORDER BY amount DESC LIMIT 1`).Scan(&opd); err != nil {
		b.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT category_id FROM spending_categories ORDER BY amount LIMIT 1`).Scan(&category); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 12, 15, 10, 0, 0, 0, time.UTC)
	dashboard := func(from, to string, opd int64) func() error {
		o := ""
		if opd != 0 {
			o = strconv.FormatInt(opd, 10)
		}
		f, err := reporting.ParseSpendingFilter(from, to, o, now)
		if err != nil {
			b.Fatal(err)
		}
		return func() error { _, err := svc.Spending(as, f); return err }
	}
	drill := func(q url.Values) func() error {
		f, err := reporting.ParseSpendingOrderFilter(q, now)
		if err != nil {
			b.Fatal(err)
		}
		return func() error { _, err := svc.SpendingOrders(as, f, 50); return err }
	}
	cases := []struct {
		name string
		call func() error
	}{
		{"dashboard/3years", dashboard("2024-01", "2026-12", 0)},
		{"dashboard/5years", dashboard("2022-01", "2026-12", 0)},
		{"dashboard/1year", dashboard("2026-01", "2026-12", 0)},
		{"dashboard/3years-one-opd", dashboard("2024-01", "2026-12", opd)},
		{"orders/3years", drill(url.Values{"from": {"2024-01"}, "to": {"2026-12"}})},
		{"orders/smallest-category", drill(url.Values{"from": {"2024-01"}, "to": {"2026-12"}, "category": {strconv.FormatInt(category, 10)}})},
		{"orders/opd-and-kecamatan", drill(url.Values{"from": {"2024-01"}, "to": {"2026-12"}, "opd": {strconv.FormatInt(opd, 10)}, "kecamatan": {"13.11.03"}})},
		{"orders/deep-page", drill(url.Values{"from": {"2024-01"}, "to": {"2026-12"}, "after": {"2024-02-01.1"}})},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				t := time.Now()
				if err := c.call(); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t))
			}
			slices.Sort(took)
			pct := func(p int) time.Duration { return took[(len(took)*p+99)/100-1] }
			b.ReportMetric(float64(pct(50).Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(pct(95).Microseconds())/1000, "p95-ms")
		})
	}
}

// generateSpending writes n completed orders with their lines and
// payments, the way a bulk load would: the payments in one statement, so
// the triggers write the facts and rollups at once.
func generateSpending(ctx context.Context, db *pgxpool.Pool, n int) error {
	suppliers := max(n/100, 10)
	type step struct {
		q    string
		args []any
	}
	steps := []step{
		{`INSERT INTO opds (code, name, letter_code) SELECT 'GEN' || i, 'OPD Uji ' || i, 'GEN' || i FROM generate_series(1, 60) i`, nil},
		{`INSERT INTO users (name, email, password_hash) VALUES ('Pembeli Uji', 'pembeli@bench.test', 'x')`, nil},
		{`INSERT INTO suppliers (name, kecamatan_code, status, scale)
			SELECT 'Usaha Uji ' || i, (SELECT code FROM kecamatan ORDER BY code OFFSET i % 7 LIMIT 1), 'verified',
				(ARRAY['mikro', 'mikro', 'kecil', 'menengah', ''])[1 + i % 5]
			FROM generate_series(1, $1::int) i`, []any{suppliers}},
		{`INSERT INTO listings (supplier_id, kind, title, category_id, unit, price, origin)
			SELECT s.id, 'goods', 'Barang ' || s.id || '-' || k,
				(SELECT id FROM categories ORDER BY id OFFSET (s.id * 7 + k * k) % (SELECT count(*) FROM categories) LIMIT 1),
				'unit', 10000 + (s.id % 50) * 1000, CASE WHEN (s.id + k) % 3 = 0 THEN 'local' ELSE 'national' END
			FROM suppliers s, generate_series(1, 2) k WHERE s.name LIKE 'Usaha Uji %'`, nil},
		{`INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, fiscal_year)
			SELECT o.id, (90000000 + o.id * 10 + y - 2020)::text, 'Paket uji ' || y, 5000000000, 'APBD', y
			FROM opds o, generate_series(2024, 2026) y WHERE o.code LIKE 'GEN%'`, nil},
		// CREATE TABLE AS takes no parameters; n and suppliers are ints.
		{fmt.Sprintf(`CREATE TEMP TABLE gen AS
			SELECT i, o.id AS opd_id, s.id AS supplier_id, date '2024-01-01' + (i %% 1095) AS paid_on, (1 + (i::bigint * 31) %% 45)::int AS days
			FROM generate_series(1, %d) i
			JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM opds WHERE code LIKE 'GEN%%') o ON o.k = i %% 60
			JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM suppliers WHERE name LIKE 'Usaha Uji %%') s ON s.k = (i::bigint * 7919) %% %d`,
			n, suppliers), nil},
		{`INSERT INTO orders (opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key, delivery_address,
				requested_date, supplier_pkp, supplier_pp55, total, rule_outcome, sp_number, placed_at, bast_at, paid_at, completed_at)
			SELECT g.opd_id, g.supplier_id, r.id, u.id, u.id, 'completed', 'bench-order-' || g.i, 'Jalan Uji 1', g.paid_on, false, false, 0, '{}',
				'BENCH/SP/' || g.i, g.paid_on - g.days - 10, (g.paid_on - g.days)::timestamp + interval '3 hours',
				g.paid_on + interval '4 hours', g.paid_on + interval '3 days'
			FROM gen g JOIN rup_packages r ON r.opd_id = g.opd_id AND r.fiscal_year = extract(year FROM g.paid_on)
			CROSS JOIN (SELECT id FROM users WHERE email = 'pembeli@bench.test') u`, nil},
		{`INSERT INTO order_lines (order_id, position, listing_id, title, unit, kind, category_id, qty, list_price, unit_dpp, unit_price, total, shipped_qty, received_qty)
			SELECT o.id, l.k, l.id, l.title, l.unit, 'goods', l.category_id, 1 + o.id % 9, l.price, l.price, l.price, l.price * (1 + o.id % 9), 1 + o.id % 9, 1 + o.id % 9
			FROM orders o JOIN LATERAL (SELECT li.*, row_number() OVER (ORDER BY li.id) AS k FROM listings li WHERE li.supplier_id = o.supplier_id) l
				ON l.k <= 1 + o.id % 2
			WHERE o.checkout_key LIKE 'bench-order-%'`, nil},
		{`UPDATE orders o SET total = t.s FROM (SELECT order_id, sum(total) AS s FROM order_lines GROUP BY order_id) t
			WHERE t.order_id = o.id AND o.checkout_key LIKE 'bench-order-%'`, nil},
		{`INSERT INTO order_payments (order_id, paid_on, method, reference, gross, ppn_collected, pph22, pph23, pp55, net, breakdown, user_id)
			SELECT id, (paid_at AT TIME ZONE 'Asia/Jakarta')::date, 'sp2d', 'BENCH-' || id, total, 0, 0, 0, 0, total, '{}', buyer_user_id
			FROM orders WHERE checkout_key LIKE 'bench-order-%'`, nil},
		{`VACUUM ANALYZE`, nil},
	}
	conn, err := db.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	for _, st := range steps {
		if _, err := conn.Exec(ctx, st.q, st.args...); err != nil {
			return err
		}
	}
	return nil
}

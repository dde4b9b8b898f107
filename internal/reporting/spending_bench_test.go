package reporting_test

import (
	"context"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/reporting"
	"lapak/internal/reporting/reportgen"
)

// BenchmarkSpending measures the dashboard's reads on generated data
// (internal/reporting/reportgen, as `lapak bench reports` makes them):
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
	now := time.Date(2026, 12, 15, 10, 0, 0, 0, time.UTC)
	gen, err := reportgen.Generate(ctx, db, reportgen.Options{Orders: orders, Suppliers: max(orders/100, 10), OPDs: 60, Years: 3, End: now})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d orders, %d facts in %s (reportgen: triggers off, then reporting_rebuild)", gen.Orders, gen.Facts, time.Since(start).Round(time.Second))

	svc := reporting.NewService(db)
	as := auth.WithUser(ctx, &auth.User{ID: 1, Name: "Auditor", Grants: []auth.Grant{{Role: auth.RoleAuditor}}}, "")
	var opd, category int64
	if err := db.QueryRow(ctx, `SELECT opd_id FROM spending_months ORDER BY amount DESC LIMIT 1`).Scan(&opd); err != nil {
		b.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT category_id FROM spending_categories ORDER BY amount LIMIT 1`).Scan(&category); err != nil {
		b.Fatal(err)
	}
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

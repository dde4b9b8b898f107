package demo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/opendata"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/reporting"
	"lapak/internal/wib"
)

// The demo's year of purchasing gives every dashboard, every kind of red
// flag and the OCDS feed real content: completed, paid orders of ten OPDs
// besides Dinas Kesehatan over the months since the rules took effect, OPD
// budgets, split-flagged orders with their justifications, a PPK who buys
// mostly from one supplier, an order placed minutes after its listing, a
// price above the SSH ceiling and a delivery done within the hour. None of
// its orders is left for the timers, and a second start adds nothing.
func TestSeedHistory_EveryDashboardHasContent(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, wib.Location)
	demo.SetSeedClock(func() time.Time { return now })
	t.Cleanup(func() { demo.SetSeedClock(time.Now) })
	db := pgtest.New(t)
	ctx := context.Background()
	dataDir := t.TempDir()
	users := auth.NewService(db, "http://127.0.0.1:8080", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := demo.Seed(ctx, db, users); err != nil {
		t.Fatalf("seed: %v", err)
	}
	start := time.Now()
	if err := demo.SeedOnboarding(ctx, db, dataDir, "http://127.0.0.1:8080"); err != nil {
		t.Fatalf("seed onboarding, orders and history: %v", err)
	}
	t.Logf("SeedOnboarding with orders and history took %v", time.Since(start).Round(time.Millisecond))

	history := `o.opd_id <> (SELECT id FROM opds WHERE letter_code = 'DINKES')`
	for _, c := range []struct {
		what       string
		query      string
		atLeast    int
		exactlyAll bool
	}{
		{"completed orders of the history", `SELECT count(*) FROM orders o WHERE state = 'completed' AND ` + history, 50, false},
		{"OPDs that bought", `SELECT count(DISTINCT opd_id) FROM orders o WHERE state = 'completed' AND ` + history, 10, false},
		{"months with payments", `SELECT count(DISTINCT date_trunc('month', paid_on)) FROM order_payments p JOIN orders o ON o.id = p.order_id WHERE ` + history, 9, false},
		{"suppliers paid", `SELECT count(DISTINCT supplier_id) FROM spending_facts`, 8, false},
		{"OPD budgets entered", `SELECT count(*) FROM opd_budgets`, 11, false},
		{"negotiated, completed orders", `SELECT count(DISTINCT o.id) FROM orders o JOIN order_offers f ON f.order_id = o.id WHERE o.state = 'completed' AND ` + history, 2, false},
		{"deliveries in two shipments", `SELECT count(*) FROM (SELECT order_id FROM order_shipments GROUP BY 1 HAVING count(*) > 1) x`, 1, false},
		{"BASTs for part of the order", `SELECT count(*) FROM orders o WHERE state = 'completed' AND received_total < total AND ` + history, 1, false},
		{"taxes withheld on payments", `SELECT count(*) FROM order_payments WHERE pph22 + pph23 + pp55 + ppn_collected > 0`, 1, false},
		{"ratings", `SELECT count(*) FROM order_ratings r JOIN orders o ON o.id = r.order_id WHERE ` + history, 10, false},
	} {
		if n := count(t, db, c.query); n < c.atLeast {
			t.Errorf("%s: %d, want at least %d", c.what, n, c.atLeast)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM orders o WHERE state <> 'completed' AND `+history); n != 0 {
		t.Errorf("%d orders of the history are not completed; the timers would act on them", n)
	}

	auditor := auth.WithUser(ctx, &auth.User{ID: 1, Name: "Auditor", Grants: []auth.Grant{{Role: auth.RoleAuditor}}}, "")
	svc := reporting.NewService(db)
	period, err := reporting.ParseFlagFilter("", "", "", now)
	if err != nil {
		t.Fatal(err)
	}
	sums, err := svc.Flags(auditor, period)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sums {
		t.Logf("flag %s: %d orders", s.Kind, s.Count)
		if s.Count == 0 {
			t.Errorf("no order carries the flag %q in the default period", s.Label)
		}
	}
	split, err := svc.FlaggedOrders(auditor, reporting.FlagSplit, period, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range split {
		if o.Justification == "" {
			t.Errorf("split-flagged order %d has no justification", o.OrderID)
		}
	}

	f, err := reporting.ParseSpendingFilter(now.AddDate(0, -11, 0).Format("2006-01"), now.Format("2006-01"), "", now)
	if err != nil {
		t.Fatal(err)
	}
	d, err := svc.Spending(auditor, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.ByOPD) < 11 || len(d.ByMonth) < 9 || len(d.ByCategory) < 4 || d.ActiveSuppliers < 8 || d.PayDays.Orders == 0 {
		t.Errorf("dashboard over the last 12 months: %d OPDs, %d months, %d categories, %d active suppliers, %d orders with BAST-to-payment days",
			len(d.ByOPD), len(d.ByMonth), len(d.ByCategory), d.ActiveSuppliers, d.PayDays.Orders)
	}
	entered := 0
	for _, b := range d.Budgets {
		if b.Source == reporting.BudgetEntered {
			entered++
		}
	}
	if entered < 11 {
		t.Errorf("%d OPDs compare with a budget an admin entered, want 11", entered)
	}

	releases, err := opendata.Export(ctx, db, io.Discard, opendata.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if completed := count(t, db, `SELECT count(*) FROM orders WHERE state = 'completed'`); releases != completed || releases < 50 {
		t.Errorf("the OCDS feed has %d releases for %d completed orders", releases, completed)
	}

	orders := count(t, db, `SELECT count(*) FROM orders`)
	if err := demo.SeedOnboarding(ctx, db, dataDir, "http://127.0.0.1:8080"); err != nil {
		t.Fatalf("second start: %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM orders`); n != orders {
		t.Errorf("a second start changed the orders: %d → %d", orders, n)
	}
}

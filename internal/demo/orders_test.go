package demo_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"lapak/internal/auth"
	"lapak/internal/blob"
	"lapak/internal/demo"
	"lapak/internal/document"
	"lapak/internal/ordering"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/wib"
	"lapak/internal/workday"
)

// The demo has orders in every state, made through the ordering service,
// so that each demo account finds work waiting: the supplier Kopi Sangir
// Jaya, the PPK and the treasurer; a second start seeds nothing.
func TestSeedOrders_EveryState(t *testing.T) {
	demo.SetSeedClock(func() time.Time { return time.Date(2026, 11, 25, 10, 0, 0, 0, wib.Location) })
	t.Cleanup(func() { demo.SetSeedClock(time.Now) })
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
	start := time.Now()
	if err := demo.SeedOrders(ctx, db, dataDir); err != nil {
		t.Fatalf("seed orders: %v", err)
	}
	t.Logf("SeedOrders took %v", time.Since(start).Round(time.Millisecond))

	rows, err := db.Query(ctx, `SELECT id, state FROM orders ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	byState := map[ordering.State][]int64{}
	for rows.Next() {
		var id int64
		var s ordering.State
		if err := rows.Scan(&id, &s); err != nil {
			t.Fatal(err)
		}
		byState[s] = append(byState[s], id)
	}
	for _, s := range ordering.States {
		if len(byState[s]) == 0 {
			t.Errorf("no demo order is %s (%s)", s, s.Label())
		}
	}
	for _, c := range []struct{ what, query string }{
		{"a negotiation with an offer", `SELECT count(DISTINCT o.id) FROM orders o JOIN order_offers f ON f.order_id = o.id WHERE o.state = 'negotiating'`},
		{"a partial shipment", `SELECT count(*) FROM orders o WHERE state = 'shipped' AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.shipped_qty < l.qty)`},
		{"an invoiced order awaiting payment", `SELECT count(*) FROM orders WHERE state = 'awaiting_payment' AND invoiced_at IS NOT NULL`},
		{"an order awaiting payment without invoice", `SELECT count(*) FROM orders WHERE state = 'awaiting_payment' AND invoiced_at IS NULL`},
		{"a completed order with a rating", `SELECT count(*) FROM orders o JOIN order_ratings r ON r.order_id = o.id WHERE o.state = 'completed'`},
		{"a reason on every ended order", `SELECT count(*) FROM orders WHERE state IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired') AND end_reason <> ''`},
		{"a signed SP", `SELECT count(*) FROM order_documents WHERE kind = 'sp'`},
		{"a kuitansi", `SELECT count(*) FROM order_documents WHERE kind = 'kuitansi'`},
	} {
		if count(t, db, c.query) == 0 {
			t.Errorf("the demo has no %s", c.what)
		}
	}

	// Each demo account has something to do.
	svc := ordering.NewService(db, workday.Fixed(), blob.NewLocal(t.TempDir()))
	for _, login := range []string{"081200000001", "ppk@lapak.test", "bendahara@lapak.test", "pp@lapak.test"} {
		var id int64
		if err := db.QueryRow(ctx, `SELECT id FROM users WHERE email = $1 OR phone = '+62' || ltrim($1, '0')`, login).Scan(&id); err != nil {
			t.Fatalf("%s: %v", login, err)
		}
		u, err := users.User(auth.SystemContext(ctx), id)
		if err != nil {
			t.Fatal(err)
		}
		as := auth.WithUser(ctx, u, "")
		var waiting []string
		for _, ids := range byState {
			for _, oid := range ids {
				d, err := svc.Get(as, oid)
				if err != nil {
					continue // not theirs to see
				}
				for _, a := range d.Actions {
					if a != ordering.ActCancel && !slices.Contains(waiting, string(a)) {
						waiting = append(waiting, string(a))
					}
				}
			}
		}
		slices.Sort(waiting)
		t.Logf("%s can: %v", login, waiting)
		if len(waiting) == 0 {
			t.Errorf("%s has nothing waiting", login)
		}
	}

	// The documents were signed for real: they render to their stored hash.
	auditor := &auth.User{ID: 1, Name: "Auditor", Grants: []auth.Grant{{Role: auth.RoleAuditor}}}
	for _, id := range byState[ordering.Completed] {
		for _, k := range []document.Kind{document.SP, document.BAST, document.Kuitansi} {
			if _, _, err := svc.Document(auth.WithUser(ctx, auditor, ""), id, k); err != nil {
				t.Errorf("%s of order %d: %v", k, id, err)
			}
		}
	}

	orders, events := count(t, db, `SELECT count(*) FROM orders`), count(t, db, `SELECT count(*) FROM order_events`)
	if err := demo.SeedOrders(ctx, db, dataDir); err != nil {
		t.Fatalf("second seed: %v", err)
	}
	if o, e := count(t, db, `SELECT count(*) FROM orders`), count(t, db, `SELECT count(*) FROM order_events`); o != orders || e != events {
		t.Errorf("a second run wrote orders or events: %d → %d orders, %d → %d events", orders, o, events, e)
	}
}

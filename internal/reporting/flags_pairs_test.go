package reporting_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/reporting"
	"lapak/internal/wib"
)

// TestFlags_RepeatPairsMatchTheDefinition: the repeat-pair flag, found from
// monthly counts kept by triggers and the days outside whole months, lists
// exactly the orders the plain definition gives (a supplier with more than
// 60% of the live orders a PPK with at least five placed in the period),
// for periods inside one month, across month ends at WIB midnight, and of
// whole months; after orders are cancelled, moved to another supplier or
// deleted; and the counts the triggers kept equal a rebuild's.
func TestFlags_RepeatPairsMatchTheDefinition(t *testing.T) {
	t.Parallel()
	f := newFlagFixture(t)
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(7, 11))
	ppks := make([]int64, 6)
	for i := range ppks {
		ppks[i] = f.newPPK(t)
	}
	sups := []int64{f.sup["x"], f.sup["y"]}
	for i := range 3 {
		var id int64
		f.scan(t, &id, `INSERT INTO suppliers (name, kecamatan_code, status, scale) VALUES ($1, '13.11.02', 'verified', 'kecil') RETURNING id`,
			fmt.Sprintf("Toko Pasangan %d", i))
		sups = append(sups, id)
	}
	// Each PPK favours one supplier by its own share, so that some pairs
	// pass 60% in some periods and not in others; orders cluster around
	// month ends, some a minute either side of midnight WIB.
	start := time.Date(2025, 10, 1, 0, 0, 0, 0, wib.Location)
	var ids []int64
	for range 500 {
		p := rnd.IntN(len(ppks))
		sup := sups[p%len(sups)]
		if rnd.IntN(100) >= 40+10*p {
			sup = sups[rnd.IntN(len(sups))]
		}
		day := start.AddDate(0, 0, rnd.IntN(365))
		placed := day.Add(time.Duration(rnd.IntN(24*60)) * time.Minute)
		if rnd.IntN(4) == 0 {
			first := time.Date(day.Year(), day.Month()+1, 1, 0, 0, 0, 0, wib.Location)
			placed = first.Add(time.Duration(rnd.IntN(5)-2) * time.Minute)
		}
		state := "completed"
		if rnd.IntN(10) == 0 {
			state = "cancelled"
		}
		ids = append(ids, f.bareOrder(t, ppks[p], sup, state, placed))
	}
	check := func(when string) {
		t.Helper()
		for _, period := range [][2]string{
			{"2025-10-01", "2026-09-30"}, {"2025-10-15", "2026-09-14"}, {"2026-01-01", "2026-03-31"}, {"2026-02-03", "2026-02-27"},
			{"2026-01-31", "2026-03-01"}, {"2025-12-31", "2026-01-01"}, {"2026-04-01", "2026-04-30"}, {"2026-05-20", "2026-08-01"},
		} {
			p, err := reporting.ParseFlagFilter(period[0], period[1], "", time.Date(2026, 11, 1, 0, 0, 0, 0, wib.Location))
			if err != nil {
				t.Fatal(err)
			}
			list, err := f.svc.FlaggedOrders(f.as("auditor"), reporting.FlagRepeatPair, p, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := []int64{}
			for _, o := range list {
				got = append(got, o.OrderID)
			}
			slices.Sort(got)
			want := f.plainRepeatPairs(t, p)
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("%s, %s to %s (-got +want):\n%s", when, period[0], period[1], diff)
			}
			sum, err := f.svc.FlagSummary(f.as("auditor"), reporting.FlagRepeatPair, p)
			if err != nil || sum.Count != len(want) {
				t.Errorf("%s, %s to %s: summary %d (%v), want %d", when, period[0], period[1], sum.Count, err, len(want))
			}
		}
		f.checkPairCounts(t, when)
	}
	check("as placed")
	var hot int
	for _, period := range [][2]string{{"2025-10-01", "2026-09-30"}} {
		p, _ := reporting.ParseFlagFilter(period[0], period[1], "", time.Now())
		hot = len(f.plainRepeatPairs(t, p))
	}
	if hot == 0 {
		t.Fatal("the fixture has no repeat pair over the year: the test proves nothing")
	}

	for i, id := range ids {
		switch i % 17 {
		case 0:
			f.exec(t, `UPDATE orders SET state = 'cancelled', end_reason = 'uji', ended_at = placed_at WHERE id = $1`, id)
		case 5:
			f.exec(t, `UPDATE orders SET supplier_id = $2 WHERE id = $1`, id, sups[i%len(sups)])
		case 9:
			f.exec(t, `DELETE FROM orders WHERE id = $1`, id)
		}
	}
	check("after cancelling, moving and deleting orders")
	if _, err := f.db.Exec(ctx, `SELECT order_flags_rebuild()`); err != nil {
		t.Fatal(err)
	}
	check("after a rebuild")
}

// bareOrder inserts a completed (or cancelled) order without lines.
func (f *flagFixture) bareOrder(t *testing.T, ppk, supplier int64, state string, placed time.Time) int64 {
	t.Helper()
	var reason, ended any
	if state == "cancelled" {
		reason, ended = "alasan uji", placed.Add(time.Hour)
	}
	var id int64
	f.scan(t, &id, `INSERT INTO orders (opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key,
		delivery_address, requested_date, supplier_pkp, supplier_pp55, total, rule_outcome, sp_number, end_reason, ended_at, placed_at)
		VALUES ($1, $2, $3, $4, $4, $5, $6, 'Jl. Pemuda No. 1, Padang Aro', '2026-07-01', false, false, 0, '{}',
		$6, coalesce($7, ''), $8, $9) RETURNING id`,
		f.opd, supplier, f.pkg, ppk, state, fmt.Sprintf("pair-%d", time.Now().UnixNano()), reason, ended, placed)
	return id
}

// plainRepeatPairs is the definition, over every order of the period.
func (f *flagFixture) plainRepeatPairs(t *testing.T, p reporting.FlagFilter) []int64 {
	t.Helper()
	rows, err := f.db.Query(context.Background(), `
		WITH live AS (SELECT * FROM orders o WHERE o.placed_at >= $1 AND o.placed_at < $2
				AND o.state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired')),
			pairs AS (SELECT ppk_user_id, supplier_id, count(*) AS n, sum(count(*)) OVER (PARTITION BY ppk_user_id) AS tot
				FROM live GROUP BY 1, 2)
		SELECT l.id FROM live l JOIN pairs p USING (ppk_user_id, supplier_id)
		WHERE p.tot >= 5 AND p.n * 100 > p.tot * 60 ORDER BY l.id`, p.From, p.To)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// checkPairCounts compares the monthly counts the triggers keep with the
// orders (zero rows left by orders that ended are ignored).
func (f *flagFixture) checkPairCounts(t *testing.T, when string) {
	t.Helper()
	for _, q := range []string{
		`SELECT count(*) FROM (
			(SELECT ppk_user_id, month, supplier_id, orders FROM flag_pair_months WHERE orders <> 0
			 EXCEPT SELECT ppk_user_id, date_trunc('month', placed_at AT TIME ZONE 'Asia/Jakarta')::date, supplier_id, count(*)
				FROM orders WHERE state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired') GROUP BY 1, 2, 3)
			UNION ALL
			(SELECT ppk_user_id, date_trunc('month', placed_at AT TIME ZONE 'Asia/Jakarta')::date, supplier_id, count(*)
				FROM orders WHERE state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired') GROUP BY 1, 2, 3
			 EXCEPT SELECT ppk_user_id, month, supplier_id, orders FROM flag_pair_months WHERE orders <> 0)) x`,
		`SELECT count(*) FROM (
			(SELECT ppk_user_id, month, orders FROM flag_ppk_months WHERE orders <> 0
			 EXCEPT SELECT ppk_user_id, month, sum(orders) FROM flag_pair_months GROUP BY 1, 2 HAVING sum(orders) <> 0)
			UNION ALL
			(SELECT ppk_user_id, month, sum(orders) FROM flag_pair_months GROUP BY 1, 2 HAVING sum(orders) <> 0
			 EXCEPT SELECT ppk_user_id, month, orders FROM flag_ppk_months WHERE orders <> 0)) x`,
	} {
		var n int64
		f.scan(t, &n, q)
		if n != 0 {
			t.Errorf("%s: %d monthly counts differ from the orders", when, n)
		}
	}
}

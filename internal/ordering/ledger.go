package ordering

import (
	"context"
	"fmt"
	"time"

	"lapak/internal/postgres"
	"lapak/internal/rules"
)

// liveStates is the SQL list of states that do not hold budget.
const endedStates = `('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired')`

// Ledger tells the rules engine and the RUP pages about live orders (see
// docs/rules.md). It queries on the db it is given, so under the caller's
// locks when that is a transaction.
type Ledger struct{}

var _ rules.Ledger = Ledger{}

// LiveTotalForPackage returns the sum of the totals of the live orders on
// package packageID, leaving out excludeOrderID.
func (Ledger) LiveTotalForPackage(ctx context.Context, db postgres.DBTX, packageID, excludeOrderID int64) (int64, error) {
	var total int64
	err := db.QueryRow(ctx, `SELECT coalesce(sum(total), 0)::bigint FROM orders
		WHERE rup_package_id = $1 AND id <> $2 AND state NOT IN `+endedStates, packageID, excludeOrderID).Scan(&total)
	if err != nil {
		return 0, fmt.Errorf("ordering: live total of package %d: %w", packageID, postgres.Classify(err))
	}
	return total, nil
}

// RecentOrders returns the OPD's live orders placed at or after since with a
// line in any of categoryIDs, with their totals in those categories. The
// OPD's recent orders are read through its index and each one's lines
// through theirs; only the lines of the categories asked about are summed.
func (Ledger) RecentOrders(ctx context.Context, db postgres.DBTX, opdID int64, categoryIDs []int64, since time.Time, excludeOrderID int64) ([]rules.LedgerOrder, error) {
	if len(categoryIDs) == 0 {
		return nil, nil
	}
	rows, err := db.Query(ctx, `SELECT o.id, o.rup_package_id, o.total, o.placed_at, l.category_id, sum(l.total)::bigint
		FROM orders o JOIN order_lines l ON l.order_id = o.id AND l.category_id = ANY($4)
		WHERE o.opd_id = $1 AND o.placed_at >= $2 AND o.id <> $3 AND o.state NOT IN `+endedStates+`
		GROUP BY o.id, l.category_id ORDER BY o.id`, opdID, since, excludeOrderID, categoryIDs)
	if err != nil {
		return nil, fmt.Errorf("ordering: recent orders of OPD %d: %w", opdID, postgres.Classify(err))
	}
	defer rows.Close()
	var out []rules.LedgerOrder
	for rows.Next() {
		var o rules.LedgerOrder
		var cat, catTotal int64
		if err := rows.Scan(&o.ID, &o.PackageID, &o.Total, &o.PlacedAt, &cat, &catTotal); err != nil {
			return nil, fmt.Errorf("ordering: recent orders: %w", err)
		}
		if n := len(out); n > 0 && out[n-1].ID == o.ID {
			out[n-1].CategoryTotals[cat] = catTotal
			continue
		}
		o.CategoryTotals = map[int64]int64{cat: catTotal}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ordering: recent orders: %w", postgres.Classify(err))
	}
	return out, nil
}

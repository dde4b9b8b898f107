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
// line in any of categoryIDs, with their totals per category.
func (Ledger) RecentOrders(ctx context.Context, db postgres.DBTX, opdID int64, categoryIDs []int64, since time.Time, excludeOrderID int64) ([]rules.LedgerOrder, error) {
	if len(categoryIDs) == 0 {
		return nil, nil
	}
	// Each of the OPD's recent orders is looked at through its own lines
	// (LATERAL with an aggregate is not flattened into a join), never by a
	// scan of all order lines of the categories, which grows with history.
	rows, err := db.Query(ctx, `SELECT o.id, o.rup_package_id, o.total, o.placed_at, c.category_id, c.total
		FROM orders o CROSS JOIN LATERAL (
			SELECT l.category_id, sum(l.total)::bigint AS total, bool_or(bool_or(l.category_id = ANY($4))) OVER () AS shared
			FROM order_lines l WHERE l.order_id = o.id AND l.category_id IS NOT NULL GROUP BY l.category_id) c
		WHERE o.opd_id = $1 AND o.placed_at >= $2 AND o.id <> $3 AND o.state NOT IN `+endedStates+` AND c.shared
		ORDER BY o.id`, opdID, since, excludeOrderID, categoryIDs)
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

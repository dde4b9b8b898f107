// Package rulestest gives tests a fake rules.Ledger (and so a rup.Ledger):
// live orders held in memory, so the rules engine and the RUP pages can be
// tested before, and independently of, the ordering code's tables.
package rulestest

import (
	"context"
	"slices"
	"sync"
	"time"

	"lapak/internal/postgres"
	"lapak/internal/rules"
)

// Order is one live order of the fake ledger.
type Order struct {
	ID             int64
	OPDID          int64
	PackageID      int64
	Total          int64           // contract value, including PPN
	CategoryTotals map[int64]int64 // by category id
	PlacedAt       time.Time
}

// Ledger is an in-memory rules.Ledger. It is safe for concurrent use.
type Ledger struct {
	mu     sync.Mutex
	orders []Order
}

var _ rules.Ledger = (*Ledger)(nil)

// Add records a live order.
func (l *Ledger) Add(o Order) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.orders = append(l.orders, o)
}

// LiveTotalForPackage sums the orders on packageID other than excludeOrderID.
func (l *Ledger) LiveTotalForPackage(_ context.Context, _ postgres.DBTX, packageID, excludeOrderID int64) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var sum int64
	for _, o := range l.orders {
		if o.PackageID == packageID && (excludeOrderID == 0 || o.ID != excludeOrderID) {
			sum += o.Total
		}
	}
	return sum, nil
}

// RecentOrders returns the orders of opdID placed at or after since with a
// category in categoryIDs, other than excludeOrderID.
func (l *Ledger) RecentOrders(_ context.Context, _ postgres.DBTX, opdID int64, categoryIDs []int64, since time.Time, excludeOrderID int64) ([]rules.LedgerOrder, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []rules.LedgerOrder
	for _, o := range l.orders {
		if o.OPDID != opdID || o.PlacedAt.Before(since) || (excludeOrderID != 0 && o.ID == excludeOrderID) {
			continue
		}
		shares := false
		for c := range o.CategoryTotals {
			shares = shares || slices.Contains(categoryIDs, c)
		}
		if shares {
			out = append(out, rules.LedgerOrder{ID: o.ID, PackageID: o.PackageID, Total: o.Total, CategoryTotals: o.CategoryTotals, PlacedAt: o.PlacedAt})
		}
	}
	return out, nil
}

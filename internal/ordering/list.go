package ordering

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/postgres"
)

// ListPageSize is how many orders one page of a list shows.
const ListPageSize = 25

// maxQuery bounds the search text of a list, in characters.
const maxQuery = 100

// The scopes of a list: whose orders the signed-in user sees.
const (
	ScopeAll      = "all"      // admins and auditors: every order
	ScopeOPD      = "opd"      // PP, PPK, treasurer: the orders of their OPD(s)
	ScopeSupplier = "supplier" // a supplier's people: the orders to their supplier
	ScopeMixed    = "mixed"    // someone with both OPD and supplier roles: both sets
)

// Filter narrows a list of orders; the zero value is the first page of
// every order in scope.
type Filter struct {
	State State  // "" for every state
	Query string // matches the SP number, the supplier's name or the Kode RUP
	Page  int    // from 1
}

// Summary is one row of a list of orders.
type Summary struct {
	ID                   int64
	State                State
	SPNumber             string
	OPDName              string
	SupplierName         string
	KodeRUP, PackageName string
	Total                int64
	PlacedAt             time.Time
	Deadline             *time.Time
	Flagged              bool
	SupplierAlert        string
}

// ListPage is one page of a list of orders with the counts of its tabs.
type ListPage struct {
	Orders []Summary
	Counts map[State]int // per state, in scope and matching the query, whatever the state filter
	Total  int           // orders matching the whole filter
	Page   int
	Pages  int // at least 1
	Scope  string
}

// listScope is the part of the orders a user may list.
type listScope struct {
	name                string
	all                 bool
	opdIDs, supplierIDs []int64
}

// scopeOf returns what u may list: apperr.Forbidden for roles that see no
// orders (Koperindag and any other).
func scopeOf(u *auth.User) (listScope, error) {
	if u.Has(auth.RoleAdmin, auth.RoleAuditor) {
		return listScope{name: ScopeAll, all: true}, nil
	}
	var sc listScope
	for _, g := range u.Grants {
		switch g.Role {
		case auth.RolePP, auth.RolePPK, auth.RoleTreasurer:
			if !slices.Contains(sc.opdIDs, g.OPDID) {
				sc.opdIDs = append(sc.opdIDs, g.OPDID)
			}
		case auth.RoleSupplier:
			sc.supplierIDs = append(sc.supplierIDs, g.SupplierID)
		}
	}
	switch {
	case len(sc.opdIDs) > 0 && len(sc.supplierIDs) > 0:
		sc.name = ScopeMixed
	case len(sc.opdIDs) > 0:
		sc.name = ScopeOPD
	case len(sc.supplierIDs) > 0:
		sc.name = ScopeSupplier
	default:
		return listScope{}, apperr.E(apperr.Forbidden, "Anda tidak berhak melihat daftar pesanan.")
	}
	return sc, nil
}

// where returns the SQL condition and arguments of the scope and the query,
// numbering placeholders from 1.
func (sc listScope) where(query string) (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !sc.all {
		var own []string
		if len(sc.opdIDs) > 0 {
			own = append(own, "o.opd_id = ANY("+arg(sc.opdIDs)+")")
		}
		if len(sc.supplierIDs) > 0 {
			own = append(own, "o.supplier_id = ANY("+arg(sc.supplierIDs)+")")
		}
		conds = append(conds, "("+strings.Join(own, " OR ")+")")
	}
	if query != "" {
		p := arg("%" + likeEscaper.Replace(query) + "%")
		conds = append(conds, "(o.sp_number ILIKE "+p+" OR s.name ILIKE "+p+" OR p.kode_rup ILIKE "+p+")")
	}
	if len(conds) == 0 {
		return "true", args
	}
	return strings.Join(conds, " AND "), args
}

// likeEscaper escapes the wildcards of a LIKE pattern (backslash is
// PostgreSQL's default escape character).
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

const listFrom = ` FROM orders o
	JOIN suppliers s ON s.id = o.supplier_id
	JOIN rup_packages p ON p.id = o.rup_package_id`

// List returns a page of the orders the signed-in user may see, newest
// first: PP, PPK and treasurers see their OPD's, a supplier's people their
// supplier's (negotiations included), admins and auditors all; anyone else
// gets apperr.Forbidden. An unknown state is apperr.Invalid.
func (s *Service) List(ctx context.Context, f Filter) (ListPage, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return ListPage{}, apperr.E(apperr.Unauthenticated, "")
	}
	sc, err := scopeOf(u)
	if err != nil {
		return ListPage{}, err
	}
	if f.State != "" && !slices.Contains(States, f.State) {
		return ListPage{}, apperr.E(apperr.Invalid, "Status pesanan tidak dikenal.")
	}
	f.Query = strings.TrimSpace(f.Query)
	if r := []rune(f.Query); len(r) > maxQuery {
		f.Query = string(r[:maxQuery])
	}
	lp := ListPage{Scope: sc.name}
	cond, args := sc.where(f.Query)
	if lp.Counts, err = s.stateCounts(ctx, cond, args); err != nil {
		return ListPage{}, err
	}
	for st, n := range lp.Counts {
		if f.State == "" || st == f.State {
			lp.Total += n
		}
	}
	lp.Pages = max(1, (lp.Total+ListPageSize-1)/ListPageSize)
	lp.Page = min(max(f.Page, 1), lp.Pages)
	if lp.Total == 0 {
		return lp, nil
	}
	if f.State != "" {
		args = append(args, f.State)
		cond += " AND o.state = $" + strconv.Itoa(len(args))
	}
	if lp.Orders, err = s.summaries(ctx, cond, args, (lp.Page-1)*ListPageSize); err != nil {
		return ListPage{}, err
	}
	return lp, nil
}

// stateCounts counts the orders matching cond per state.
func (s *Service) stateCounts(ctx context.Context, cond string, args []any) (map[State]int, error) {
	rows, err := s.db.Query(ctx, `SELECT o.state, count(*)::int`+listFrom+` WHERE `+cond+` GROUP BY o.state`, args...)
	if err != nil {
		return nil, fmt.Errorf("ordering: count orders: %w", postgres.Classify(err))
	}
	defer rows.Close()
	counts := map[State]int{}
	for rows.Next() {
		var st State
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("ordering: count orders: %w", err)
		}
		counts[st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ordering: count orders: %w", postgres.Classify(err))
	}
	return counts, nil
}

// summaries returns one page of the orders matching cond, newest first.
func (s *Service) summaries(ctx context.Context, cond string, args []any, offset int) ([]Summary, error) {
	rows, err := s.db.Query(ctx, `SELECT o.id, o.state, coalesce(o.sp_number, ''), d.name, s.name, p.kode_rup, p.name,
		o.total, o.placed_at, o.deadline_at, o.flagged, o.supplier_alert`+listFrom+`
		JOIN opds d ON d.id = o.opd_id
		WHERE `+cond+` ORDER BY o.placed_at DESC, o.id DESC LIMIT `+strconv.Itoa(ListPageSize)+` OFFSET `+strconv.Itoa(offset), args...)
	if err != nil {
		return nil, fmt.Errorf("ordering: list orders: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Summary])
	if err != nil {
		return nil, fmt.Errorf("ordering: list orders: %w", postgres.Classify(err))
	}
	return list, nil
}

// Waiting returns how many orders wait on the signed-in user now, for the
// dashboard: for the designated PPK, orders to sign (SP or BAST); for the
// designated PPK and the OPD's PP, deliveries to inspect; for the OPD's PP
// and PPK, negotiations on the buyer's turn; for a treasurer, invoiced
// orders to pay; for a supplier's people, negotiations on their turn, SPs
// to answer, orders to ship and BASTs to invoice.
func (s *Service) Waiting(ctx context.Context) (int, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return 0, apperr.E(apperr.Unauthenticated, "")
	}
	ppk, pp, buyer, treasurer, suppliers := []int64{}, []int64{}, []int64{}, []int64{}, []int64{}
	for _, g := range u.Grants {
		switch g.Role {
		case auth.RolePPK:
			ppk = append(ppk, g.OPDID)
			buyer = append(buyer, g.OPDID)
		case auth.RolePP:
			pp = append(pp, g.OPDID)
			buyer = append(buyer, g.OPDID)
		case auth.RoleTreasurer:
			treasurer = append(treasurer, g.OPDID)
		case auth.RoleSupplier:
			suppliers = append(suppliers, g.SupplierID)
		}
	}
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*)::int FROM orders o WHERE
		(o.ppk_user_id = $1 AND o.opd_id = ANY($2) AND o.state IN ('awaiting_ppk', 'shipped', 'received'))
		OR (o.opd_id = ANY($3) AND o.state = 'shipped')
		OR (o.opd_id = ANY($4) AND o.state = 'negotiating' AND o.negotiation_turn = 'buyer')
		OR (o.opd_id = ANY($5) AND o.state = 'awaiting_payment' AND o.invoiced_at IS NOT NULL)
		OR (o.supplier_id = ANY($6) AND (o.state IN ('awaiting_supplier', 'processing')
			OR (o.state = 'negotiating' AND o.negotiation_turn = 'supplier')
			OR (o.state = 'awaiting_payment' AND o.invoiced_at IS NULL)))`,
		u.ID, ppk, pp, buyer, treasurer, suppliers).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("ordering: orders waiting on user %d: %w", u.ID, postgres.Classify(err))
	}
	return n, nil
}

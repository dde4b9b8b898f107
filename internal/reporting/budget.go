package reporting

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/postgres"
	"lapak/internal/rupiah"
	"lapak/internal/validate"
)

// BudgetSource says where the budget an OPD's spending is compared with comes from.
type BudgetSource string

// The budget sources.
const (
	BudgetEntered BudgetSource = "entered" // entered by an admin for every year of the period
	BudgetRUP     BudgetSource = "rup"     // none entered: the sum of the OPD's active RUP packages' pagu
	BudgetMixed   BudgetSource = "mixed"   // entered for some years, RUP pagu for the others
	BudgetNone    BudgetSource = "none"    // neither entered nor any RUP package
)

// Label names the source for the dashboard's table.
func (b BudgetSource) Label() string {
	switch b {
	case BudgetEntered:
		return "Anggaran belanja barang/jasa (diisi admin)"
	case BudgetRUP:
		return "Jumlah pagu paket RUP"
	case BudgetMixed:
		return "Sebagian diisi admin, sebagian pagu RUP"
	}
	return "Belum ada anggaran"
}

// BudgetShare is one OPD's spending in the period against its
// goods-and-services budget of the period's fiscal years.
type BudgetShare struct {
	OPDID         int64
	OPD           string
	Spent, Budget int64
	Source        BudgetSource
}

// Years names the fiscal years a period's budgets cover, e.g. "2026" or "2025–2026".
func (f SpendingFilter) Years() string {
	if f.From.Year() == f.To.Year() {
		return strconv.Itoa(f.From.Year())
	}
	return strconv.Itoa(f.From.Year()) + "–" + strconv.Itoa(f.To.Year())
}

// spendingBudgets compares each OPD's spending with its budget: the entered
// budget of each year of the period, else that year's RUP pagu.
func spendingBudgets(ctx context.Context, tx pgx.Tx, d *Spending) error {
	f := d.Filter
	rows, err := tx.Query(ctx, `
		WITH y AS (SELECT generate_series($1::int, $2::int) AS year),
		rup AS (SELECT opd_id, fiscal_year, sum(pagu)::bigint AS pagu FROM rup_packages
			WHERE active AND fiscal_year BETWEEN $1 AND $2 GROUP BY opd_id, fiscal_year)
		SELECT o.id, o.name, count(b.opd_id), count(*), count(r.opd_id) FILTER (WHERE b.opd_id IS NULL),
			coalesce(sum(coalesce(b.goods_services_budget, r.pagu)), 0)::bigint
		FROM opds o CROSS JOIN y
		LEFT JOIN opd_budgets b ON b.opd_id = o.id AND b.fiscal_year = y.year
		LEFT JOIN rup r ON r.opd_id = o.id AND r.fiscal_year = y.year
		WHERE $3::bigint = 0 OR o.id = $3
		GROUP BY o.id, o.name`, pgx.QueryExecModeExec, f.From.Year(), f.To.Year(), f.OPDID)
	if err != nil {
		return err
	}
	spent := map[int64]int64{}
	for _, r := range d.ByOPD {
		id, _ := strconv.ParseInt(r.Key, 10, 64)
		spent[id] = r.Amount
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (BudgetShare, error) {
		var b BudgetShare
		var entered, years, rupYears int
		if err := r.Scan(&b.OPDID, &b.OPD, &entered, &years, &rupYears, &b.Budget); err != nil {
			return b, err
		}
		switch {
		case entered == years:
			b.Source = BudgetEntered
		case entered > 0:
			b.Source = BudgetMixed
		case rupYears > 0:
			b.Source = BudgetRUP
		default:
			b.Source = BudgetNone
		}
		b.Spent = spent[b.OPDID]
		return b, nil
	})
	if err != nil {
		return err
	}
	for _, b := range list {
		if b.Budget > 0 || b.Spent > 0 {
			d.Budgets = append(d.Budgets, b)
		}
	}
	// Lowest share first: the OPDs that lag; those without a budget last.
	sort.SliceStable(d.Budgets, func(i, j int) bool {
		a, b := d.Budgets[i], d.Budgets[j]
		if (a.Budget == 0) != (b.Budget == 0) {
			return b.Budget == 0
		}
		if a.Budget == 0 {
			return a.OPD < b.OPD
		}
		// a.Spent/a.Budget < b.Spent/b.Budget without floats.
		if l, r := a.Spent*b.Budget, b.Spent*a.Budget; l != r {
			return l < r
		}
		return a.OPD < b.OPD
	})
	return nil
}

// OPDBudget is one OPD's budget row of a fiscal year on the admin page.
type OPDBudget struct {
	OPDID     int64
	OPD       string
	Active    bool
	Budget    int64 // 0: none entered
	RUPPagu   int64 // the sum of its active RUP packages' pagu that year
	EnteredBy string
	UpdatedAt *time.Time
}

// MinBudgetYear and MaxBudgetYear bound the fiscal years budgets are kept for.
const (
	MinBudgetYear = 2020
	MaxBudgetYear = 2100
)

func checkBudgetYear(year int) error {
	if year < MinBudgetYear || year > MaxBudgetYear {
		return apperr.E(apperr.Invalid, fmt.Sprintf("Tahun anggaran harus antara %d dan %d.", MinBudgetYear, MaxBudgetYear))
	}
	return nil
}

func canManageBudgets(ctx context.Context) error {
	if !audit.ActorFrom(ctx).HasRole("admin") {
		return apperr.E(apperr.Forbidden, "Hanya admin yang dapat mengisi anggaran OPD.")
	}
	return nil
}

// OPDBudgets lists every OPD with its budget and RUP pagu of year. Admins only.
func (s *Service) OPDBudgets(ctx context.Context, year int) ([]OPDBudget, error) {
	if err := canManageBudgets(ctx); err != nil {
		return nil, err
	}
	if err := checkBudgetYear(year); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `
		SELECT o.id, o.name, o.active, coalesce(b.goods_services_budget, 0),
			coalesce((SELECT sum(pagu) FROM rup_packages r WHERE r.opd_id = o.id AND r.fiscal_year = $1 AND r.active), 0)::bigint,
			coalesce(u.name, ''), b.updated_at
		FROM opds o
		LEFT JOIN opd_budgets b ON b.opd_id = o.id AND b.fiscal_year = $1
		LEFT JOIN users u ON u.id = b.entered_by
		ORDER BY o.name`, year)
	if err != nil {
		return nil, fmt.Errorf("reporting: opd budgets %d: %w", year, postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[OPDBudget])
	if err != nil {
		return nil, fmt.Errorf("reporting: opd budgets %d: %w", year, postgres.Classify(err))
	}
	return list, nil
}

// BudgetField is the form field of an OPD's budget on the admin page.
func BudgetField(opdID int64) string { return "budget-" + strconv.FormatInt(opdID, 10) }

// SetOPDBudgets saves the budgets of year typed on the admin page, by OPD
// id: "Rp1.250.000.000" or "1250000000"; an empty value removes the entry
// (the dashboard then uses the RUP pagu). Only changed rows are written, each
// with an audit entry, all in one transaction. Admins only; mistakes come
// back as validate.Errors keyed by BudgetField.
func (s *Service) SetOPDBudgets(ctx context.Context, year int, values map[int64]string) (changed int, err error) {
	if err := canManageBudgets(ctx); err != nil {
		return 0, err
	}
	if err := checkBudgetYear(year); err != nil {
		return 0, err
	}
	want, err := parseBudgets(values)
	if err != nil {
		return 0, err
	}
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		changed, err = setBudgets(ctx, tx, year, want)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("reporting: set opd budgets %d: %w", year, err)
	}
	return changed, nil
}

// parseBudgets reads typed amounts; 0 stands for an emptied field.
func parseBudgets(values map[int64]string) (map[int64]int64, error) {
	errs := validate.Errors{}
	want := map[int64]int64{}
	for id, v := range values {
		if v == "" {
			want[id] = 0
			continue
		}
		n, err := rupiah.Parse(v)
		switch {
		case errors.Is(err, rupiah.ErrTooLarge):
			errs.Add(BudgetField(id), "Anggaran lebih dari Rp1 triliun; periksa jumlah digitnya.")
		case errors.Is(err, rupiah.ErrNegative) || (err == nil && n == 0):
			errs.Add(BudgetField(id), "Anggaran harus lebih dari nol; kosongkan bila belum ada.")
		case err != nil:
			errs.Add(BudgetField(id), "Tulis anggaran dalam rupiah penuh, misalnya 12.500.000.000.")
		default:
			want[id] = n
		}
	}
	return want, errs.Err()
}

func setBudgets(ctx context.Context, tx pgx.Tx, year int, want map[int64]int64) (int, error) {
	// Two admins saving one year's budgets are serialised, so each audit
	// entry's old value is the one it replaced; OPD rows are not locked (the
	// rules engine locks them when a PPK signs).
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(727051, $1)`, year); err != nil {
		return 0, postgres.Classify(err)
	}
	rows, err := tx.Query(ctx, `SELECT o.id, coalesce(b.goods_services_budget, 0) FROM opds o
		LEFT JOIN opd_budgets b ON b.opd_id = o.id AND b.fiscal_year = $1`, year)
	if err != nil {
		return 0, postgres.Classify(err)
	}
	current := map[int64]int64{}
	var id, amount int64
	if _, err := pgx.ForEachRow(rows, []any{&id, &amount}, func() error { current[id] = amount; return nil }); err != nil {
		return 0, postgres.Classify(err)
	}
	ids := make([]int64, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	changed := 0
	for _, id := range ids {
		old, ok := current[id]
		if !ok {
			return 0, apperr.E(apperr.NotFound, "OPD tidak ditemukan. Muat ulang halaman lalu coba lagi.")
		}
		if old == want[id] {
			continue
		}
		if err := setBudget(ctx, tx, id, year, old, want[id]); err != nil {
			return 0, err
		}
		changed++
	}
	return changed, nil
}

// setBudget writes (or with amount 0 removes) one budget and its audit entry.
func setBudget(ctx context.Context, tx pgx.Tx, opdID int64, year int, old, amount int64) error {
	var err error
	action := "opd_budget.set"
	if amount == 0 {
		action = "opd_budget.clear"
		_, err = tx.Exec(ctx, `DELETE FROM opd_budgets WHERE opd_id = $1 AND fiscal_year = $2`, opdID, year)
	} else {
		_, err = tx.Exec(ctx, `INSERT INTO opd_budgets (opd_id, fiscal_year, goods_services_budget, entered_by, updated_at)
			VALUES ($1, $2, $3, $4, now())
			ON CONFLICT (opd_id, fiscal_year) DO UPDATE SET goods_services_budget = EXCLUDED.goods_services_budget,
				entered_by = EXCLUDED.entered_by, updated_at = now()`, opdID, year, amount, audit.ActorFrom(ctx).ID)
	}
	if err != nil {
		return postgres.Classify(err)
	}
	return audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "opd_budget",
		EntityID: fmt.Sprintf("%d/%d", opdID, year), Details: map[string]any{"opd_id": opdID, "fiscal_year": year, "old": old, "new": amount}})
}

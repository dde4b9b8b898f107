package reporting_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/reporting"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// salesFixture is a database with reference data, an OPD official and a RUP
// package, ready for suppliers at the funnel's last stages.
type salesFixture struct {
	db       *pgxpool.Pool
	opd, ppk int64
	pkg      int64
	orders   int
}

func newSalesFixture(t *testing.T) *salesFixture {
	t.Helper()
	ctx := context.Background()
	f := &salesFixture{db: pgtest.New(t)}
	if err := demo.SeedReference(ctx, f.db); err != nil {
		t.Fatal(err)
	}
	f.scan(t, &f.opd, `SELECT id FROM opds ORDER BY id LIMIT 1`)
	f.scan(t, &f.ppk, `INSERT INTO users (name, email, password_hash) VALUES ('PPK Uji', 'ppk@uji.test', 'x') RETURNING id`)
	f.scan(t, &f.pkg, `INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, fiscal_year, ppk_user_id)
		VALUES ($1, '51230001', 'Paket uji', 100000000, 'APBD', 2026, $2) RETURNING id`, f.opd, f.ppk)
	return f
}

func (f *salesFixture) scan(t *testing.T, dst *int64, q string, args ...any) {
	t.Helper()
	if err := f.db.QueryRow(context.Background(), q, args...).Scan(dst); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// supplier adds a verified supplier in kecamatan kec with one listing,
// published or still a draft.
func (f *salesFixture) supplier(t *testing.T, kec string, published bool) int64 {
	t.Helper()
	var id int64
	f.scan(t, &id, `INSERT INTO suppliers (name, kecamatan_code, status, scale, verified_at) VALUES ('Toko Uji', $1, 'verified', 'mikro', now()) RETURNING id`, kec)
	status := "draft"
	if published {
		status = "published"
	}
	_, err := f.db.Exec(context.Background(), `INSERT INTO listings (supplier_id, kind, title, category_id, unit, price, status, published_at)
		VALUES ($1, 'goods', 'Kertas HVS A4', (SELECT min(id) FROM categories), 'rim', 50000, $2, CASE WHEN $2 = 'published' THEN now() END)`,
		id, status)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// order adds an order of the supplier in state, with an SP number when sp,
// and a payment record when paid.
func (f *salesFixture) order(t *testing.T, supplierID int64, state string, sp, paid bool) {
	t.Helper()
	f.orders++
	var number any
	if sp {
		number = fmt.Sprintf("%03d/SP/UJI/XI/2026", f.orders)
	}
	var id int64
	f.scan(t, &id, `INSERT INTO orders (opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key,
		delivery_address, requested_date, supplier_pkp, supplier_pp55, total, rule_outcome, sp_number, end_reason, ended_at)
		VALUES ($1, $2, $3, $4, $4, $5, $6, 'Jl. Uji No. 1', '2026-12-10', false, false, 500000, '{}', $7,
			CASE WHEN $5 LIKE 'rejected%' THEN 'alasan uji' ELSE '' END, CASE WHEN $5 LIKE 'rejected%' THEN now() END) RETURNING id`,
		f.opd, supplierID, f.pkg, f.ppk, state, fmt.Sprintf("funnel-key-%d", f.orders), number)
	if paid {
		_, err := f.db.Exec(context.Background(), `INSERT INTO order_payments (order_id, paid_on, method, reference, gross,
			ppn_collected, pph22, pph23, pp55, net, breakdown, user_id)
			VALUES ($1, '2026-11-20', 'sp2d', 'SP2D-001', 500000, 0, 0, 0, 0, 500000, '{}', $2)`, id, f.ppk)
		if err != nil {
			t.Fatal(err)
		}
	}
}

// The funnel's last stages count suppliers, not listings or orders: one
// that ever published a listing, one whose order reached a signed SP, one
// that was paid. A draft listing and an order still before the SP do not count.
func TestFunnel_ListingOrderAndPaymentStages(t *testing.T) {
	t.Parallel()
	f := newSalesFixture(t)
	const kec = "13.11.01"
	f.supplier(t, kec, false) // a draft listing only
	f.supplier(t, kec, true)  // listed
	early := f.supplier(t, kec, true)
	f.order(t, early, "awaiting_ppk", false, false) // not yet signed: not an order for the funnel
	ordered := f.supplier(t, kec, true)
	f.order(t, ordered, "awaiting_supplier", true, false)
	f.order(t, ordered, "processing", true, false) // a second order counts the supplier once
	paid := f.supplier(t, kec, true)
	f.order(t, paid, "paid", true, true)
	refused := f.supplier(t, kec, true)
	f.order(t, refused, "rejected_by_supplier", true, false) // reached the supplier, then refused: still a first order

	funnel, err := reporting.NewService(f.db).Funnel(auth.SystemContext(context.Background()), "")
	if err != nil {
		t.Fatal(err)
	}
	stage := map[string]int{}
	for i, s := range reporting.Stages {
		stage[s.Code] = i
	}
	var row *reporting.FunnelRow
	for i := range funnel.Rows {
		if funnel.Rows[i].Code == kec {
			row = &funnel.Rows[i]
		}
	}
	if row == nil {
		t.Fatalf("no funnel row for %s", kec)
	}
	got := map[string]int{}
	for _, code := range []string{"verified", "listed", "ordered", "paid"} {
		got[code] = row.Counts[stage[code]]
	}
	want := map[string]int{"verified": 6, "listed": 5, "ordered": 3, "paid": 1}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("funnel of %s (-got +want):\n%s", kec, diff)
	}
	if funnel.Total.Counts[stage["paid"]] != 1 {
		t.Errorf("total paid %d, want 1", funnel.Total.Counts[stage["paid"]])
	}
}

package ordering_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/auth"
	"lapak/internal/blob"
	"lapak/internal/demo"
	"lapak/internal/ordering"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/wib"
	"lapak/internal/workday"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// now is the fixture's clock: Wednesday 25 November 2026, 10.00 WIB.
var now = time.Date(2026, 11, 25, 10, 0, 0, 0, wib.Location)

// password is every fixture account's password.
const password = "Rahasia-Uji-2026"

// fixture is a database with reference data, the officials of DINKES and of
// another OPD, two verified suppliers with their owners, listings and RUP
// packages, and an ordering service on a fixed calendar with its clock at now.
type fixture struct {
	db       *pgxpool.Pool
	svc      *ordering.Service
	clock    time.Time
	opd      int64 // DINKES
	otherOPD int64
	atk      int64 // category ATK (KAT01)
	mamin    int64 // category makan-minum (KAT12)
	users    map[string]*auth.User
	sup      map[string]int64 // ok (non-PKP), pkp (PKP), suspended
	listing  map[string]int64 // kertas (goods, stock 100, Rp50.000), kopi (goods, stock 10, Rp120.000), catering (services), pkp_laptop (PKP goods)
	pkg      map[string]int64 // big (Rp500 jt), small (Rp5 jt), other (another OPD)
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	ctx := context.Background()
	if err := demo.SeedReference(ctx, db); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, clock: now, users: map[string]*auth.User{}, sup: map[string]int64{}, listing: map[string]int64{}, pkg: map[string]int64{}}
	f.svc = ordering.NewService(db, workday.Fixed(), blob.NewLocal(t.TempDir()))
	f.svc.SetClock(func() time.Time { return f.clock })
	scan := func(q string, dst *int64, args ...any) {
		t.Helper()
		if err := db.QueryRow(ctx, q, args...).Scan(dst); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	scan("SELECT id FROM opds WHERE letter_code = 'DINKES'", &f.opd)
	scan("SELECT id FROM opds WHERE letter_code <> 'DINKES' ORDER BY id LIMIT 1", &f.otherOPD)
	scan("SELECT id FROM categories WHERE code = 'KAT01'", &f.atk)
	scan("SELECT id FROM categories WHERE code = 'KAT12'", &f.mamin)
	for _, s := range []struct {
		key, name, status string
		pkp               bool
	}{
		{"ok", "Kopi Sangir Jaya", "verified", false},
		{"pkp", "CV Sungai Pagu Mandiri", "verified", true},
		{"suspended", "Toko Beku", "verified", false},
	} {
		var id int64
		scan(`INSERT INTO suppliers (name, kecamatan_code, status, scale, pkp) VALUES ($1, '13.11.01', $2, 'mikro', $3) RETURNING id`, &id, s.name, s.status, s.pkp)
		f.sup[s.key] = id
	}
	hash, err := auth.HashPasswordCheap(password)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		key, name, role string
		opd, sup        int64
	}{
		{"pp", "Pejabat Pengadaan Dinkes", "pp", f.opd, 0},
		{"ppk", "PPK Dinkes", "ppk", f.opd, 0},
		{"ppk2", "PPK Kedua Dinkes", "ppk", f.opd, 0},
		{"treasurer", "Bendahara Dinkes", "treasurer", f.opd, 0},
		{"other_pp", "PP OPD Lain", "pp", f.otherOPD, 0},
		{"other_ppk", "PPK OPD Lain", "ppk", f.otherOPD, 0},
		{"owner", "Pemilik Kopi Sangir", "supplier", 0, f.sup["ok"]},
		{"pkp_owner", "Pemilik Sungai Pagu", "supplier", 0, f.sup["pkp"]},
		{"auditor", "Auditor Inspektorat", "auditor", 0, 0},
		{"koperindag", "Petugas Koperindag", "koperindag", 0, 0},
	} {
		var id int64
		scan(`INSERT INTO users (name, email, password_hash, nip) VALUES ($1, $2, $3, '198001012005011001') RETURNING id`, &id, u.name, u.key+"@uji.test", hash)
		if _, err := db.Exec(ctx, `INSERT INTO user_roles (user_id, role, opd_id, supplier_id) VALUES ($1, $2, $3, $4)`,
			id, u.role, nullID(u.opd), nullID(u.sup)); err != nil {
			t.Fatal(err)
		}
		g := auth.Grant{Role: auth.Role(u.role), OPDID: u.opd, SupplierID: u.sup}
		f.users[u.key] = &auth.User{ID: id, Name: u.name, Email: u.key + "@uji.test", Grants: []auth.Grant{g}}
	}
	for _, l := range []struct {
		key, kind, title, unit string
		sup, cat, price        int64
		stock                  any
	}{
		{"kertas", "goods", "Kertas HVS A4 70 gram", "rim", f.sup["ok"], f.atk, 50_000, 100},
		{"kopi", "goods", "Kopi Arabika Sangir 1 kg", "kg", f.sup["ok"], f.mamin, 120_000, 10},
		{"catering", "services", "Nasi kotak rapat", "kotak", f.sup["ok"], f.mamin, 35_000, nil},
		{"pkp_laptop", "goods", "Laptop kantor 14 inci", "unit", f.sup["pkp"], f.atk, 11_100_000, 50},
		{"beku", "goods", "Map plastik", "pak", f.sup["suspended"], f.atk, 25_000, 100},
	} {
		var id int64
		scan(`INSERT INTO listings (supplier_id, kind, title, category_id, unit, price, stock, status, published_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'published', now()) RETURNING id`, &id, l.sup, l.kind, l.title, l.cat, l.unit, l.price, l.stock)
		f.listing[l.key] = id
	}
	// Suspended after its listing was published, as happens in life.
	if _, err := db.Exec(ctx, `UPDATE suppliers SET status = 'suspended', suspended_reason = 'NIB tidak aktif' WHERE id = $1`, f.sup["suspended"]); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		key, kode string
		opd, pagu int64
	}{
		{"big", "51230001", f.opd, 500_000_000},
		{"small", "51230002", f.opd, 5_000_000},
		{"other", "51230003", f.otherOPD, 50_000_000},
	} {
		var id int64
		scan(`INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, account_code, fiscal_year, ppk_user_id)
			VALUES ($1, $2, $3, $4, 'APBD', '5.1.02.01.01.0024', 2026, $5) RETURNING id`, &id, p.opd, p.kode, "Belanja paket "+p.key, p.pagu, f.users["ppk"].ID)
		f.pkg[p.key] = id
	}
	return f
}

// as returns a context acting as the fixture user key.
func (f *fixture) as(key string) context.Context {
	u, ok := f.users[key]
	if !ok {
		panic("fixture: no user " + key)
	}
	return auth.WithUser(context.Background(), u, "127.0.0.1")
}

// line is a line of an order inserted by insertOrder: qty of a fixture listing.
type line struct {
	listing string
	qty     int64
}

// insertOrder writes an order of DINKES from the non-PKP supplier on the
// big package straight into state, with an SP number when the state is
// past the SP, bypassing checkout: for tests of later steps. Lines are at
// list price; shipped and received quantities follow the state.
func (f *fixture) insertOrder(t *testing.T, state ordering.State, lines ...line) int64 {
	t.Helper()
	ctx := context.Background()
	if len(lines) == 0 {
		lines = []line{{"kertas", 10}, {"kopi", 2}}
	}
	turn := any(nil)
	if state == ordering.Negotiating {
		turn = "supplier"
	}
	var sp any
	switch state {
	case ordering.Negotiating, ordering.AwaitingPPK, ordering.Cancelled, ordering.RejectedByPPK, ordering.Expired:
	default:
		var n int64
		if err := f.db.QueryRow(ctx, `SELECT count(*) + 900 FROM orders`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		sp = fmt.Sprintf("%03d/SP/DINKES/XI/2026", n)
	}
	reason, ended := "", any(nil)
	if state.Ended() {
		reason, ended = "alasan uji", f.clock
	}
	outcome, _ := json.Marshal(map[string]any{"Results": []any{}})
	var id int64
	err := f.db.QueryRow(ctx, `INSERT INTO orders (opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key,
		delivery_address, requested_date, supplier_pkp, supplier_pp55, total, negotiation_turn, rule_outcome, sp_number, end_reason, ended_at, placed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'Jl. Pemuda No. 1, Padang Aro', '2026-12-10', false, false, 0, $8, $9, $10, $11, $12, $13) RETURNING id`,
		f.opd, f.sup["ok"], f.pkg["big"], f.users["pp"].ID, f.users["ppk"].ID, state, fmt.Sprintf("fixture-%d", time.Now().UnixNano()),
		turn, outcome, sp, reason, ended, f.clock).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	shipped := state == ordering.Shipped || state == ordering.Received || state == ordering.AwaitingPayment || state == ordering.Paid || state == ordering.Completed
	received := state == ordering.Received || state == ordering.AwaitingPayment || state == ordering.Paid || state == ordering.Completed
	for i, l := range lines {
		var sq, rq int64
		if shipped {
			sq = l.qty
		}
		if received {
			rq = l.qty
		}
		_, err := f.db.Exec(ctx, `INSERT INTO order_lines (order_id, position, listing_id, title, unit, kind, category_id, qty, list_price, unit_dpp, unit_price, total, shipped_qty, received_qty)
			SELECT $1, $2, id, title, unit, kind, category_id, $3::int, price, price, price, price * $3::int, $4::int, $5::int FROM listings WHERE id = $6`,
			id, i+1, l.qty, sq, rq, f.listing[l.listing])
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.Exec(ctx, `UPDATE orders SET total = (SELECT sum(total) FROM order_lines WHERE order_id = $1) WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// state returns order id's state as stored.
func (f *fixture) state(t *testing.T, id int64) ordering.State {
	t.Helper()
	var s ordering.State
	if err := f.db.QueryRow(context.Background(), `SELECT state FROM orders WHERE id = $1`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFixture_Ledger(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.insertOrder(t, ordering.AwaitingPPK)                       // 10 × 50.000 + 2 × 120.000 = 740.000
	f.insertOrder(t, ordering.Cancelled, line{"kertas", 1})      // not live
	f.insertOrder(t, ordering.Processing, line{"catering", 100}) // 3.500.000
	got, err := ordering.Ledger{}.LiveTotalForPackage(context.Background(), f.db, f.pkg["big"], 0)
	if err != nil {
		t.Fatal(err)
	}
	if got != 4_240_000 {
		t.Fatalf("live total = %d, want 4.240.000", got)
	}
	recent, err := ordering.Ledger{}.RecentOrders(context.Background(), f.db, f.opd, []int64{f.mamin}, now.AddDate(0, 0, -30), 0)
	if err != nil {
		t.Fatal(err)
	}
	// Only the categories asked about are summed: order 1's ATK lines are not.
	if len(recent) != 2 || recent[0].CategoryTotals[f.mamin] != 240_000 || len(recent[0].CategoryTotals) != 1 || recent[1].CategoryTotals[f.mamin] != 3_500_000 {
		t.Fatalf("recent = %+v", recent)
	}
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

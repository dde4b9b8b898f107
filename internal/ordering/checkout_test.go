package ordering_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/ordering"
	"lapak/internal/rules"
	"lapak/internal/validate"
)

var checkoutKeys atomic.Int64

// checkoutKey returns a fresh idempotency key for a checkout form.
func checkoutKey() string { return fmt.Sprintf("checkout-key-%d", checkoutKeys.Add(1)) }

// checkoutIn returns a valid checkout form for a fixture supplier's cart
// charged to a fixture package, signed by the PPK, needed in a week.
func (f *fixture) checkoutIn(supplier, pkg string) ordering.CheckoutInput {
	return ordering.CheckoutInput{SupplierID: f.sup[supplier], PackageID: f.pkg[pkg], PPKUserID: f.users["ppk"].ID,
		Address: "Gudang Dinkes, Jl. Pemuda No. 1, Padang Aro", RequestedDate: now.AddDate(0, 0, 7), Key: checkoutKey()}
}

// mustPlace checks out as user and fails the test on error.
func (f *fixture) mustPlace(t *testing.T, user string, in ordering.CheckoutInput) int64 {
	t.Helper()
	id, err := f.svc.PlaceOrder(f.as(user), in)
	if err != nil {
		t.Fatalf("PlaceOrder: %v", err)
	}
	return id
}

// listingStock returns a fixture listing's stock.
func (f *fixture) listingStock(t *testing.T, listing string) int64 {
	t.Helper()
	return f.countRows(t, `SELECT stock FROM listings WHERE id = $1`, f.listing[listing])
}

func TestPrepareCheckout_ShowsChoicesOutcomeAndTaxes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.sqlExec(t, `UPDATE opds SET address = 'Jl. Pemuda No. 1, Padang Aro' WHERE id = $1`, f.opd)
	f.insertOrder(t, ordering.AwaitingPPK) // Rp740.000 live on the big package
	f.cartAdd(t, "pp", "kertas", 10)
	f.cartAdd(t, "pp", "kopi", 2)
	co, err := f.svc.PrepareCheckout(f.as("pp"), ordering.CheckoutInput{SupplierID: f.sup["ok"]})
	if err != nil {
		t.Fatal(err)
	}
	if len(co.Cart.Items) != 2 || co.Cart.Total != 740_000 {
		t.Errorf("cart = %+v", co.Cart)
	}
	var pkgs []string
	for _, p := range co.Packages {
		pkgs = append(pkgs, fmt.Sprintf("%s %d %d %s", p.KodeRUP, p.Pagu, p.Remaining, p.FundingLabel))
	}
	if want := []string{"51230001 500000000 499260000 APBD", "51230002 5000000 5000000 APBD"}; fmt.Sprint(pkgs) != fmt.Sprint(want) {
		t.Errorf("packages = %v, want %v (only the OPD's own, with the remaining pagu)", pkgs, want)
	}
	if len(co.PPKs) != 2 || co.PPKs[0].Name != "PPK Dinkes" || co.PPKs[1].Name != "PPK Kedua Dinkes" {
		t.Errorf("PPKs = %+v", co.PPKs)
	}
	if co.Address != "Jl. Pemuda No. 1, Padang Aro" || co.Input.Address != co.Address {
		t.Errorf("address %q, input address %q: the OPD's address is the default", co.Address, co.Input.Address)
	}
	if co.Outcome != nil {
		t.Error("outcome before a package is chosen")
	}
	if co.Taxes == nil || co.Taxes.Gross != 740_000 || co.Taxes.PPN != 0 || co.Taxes.PPh22 != 0 || !co.Taxes.BelowThreshold {
		t.Errorf("taxes of a non-PKP order under Rp2 juta = %+v", co.Taxes)
	}

	co, err = f.svc.PrepareCheckout(f.as("pp"), ordering.CheckoutInput{SupplierID: f.sup["ok"], PackageID: f.pkg["big"]})
	if err != nil {
		t.Fatal(err)
	}
	if co.Outcome == nil || !co.Outcome.Allowed() || len(co.Outcome.Results) != 5 {
		t.Fatalf("outcome = %+v", co.Outcome)
	}
	if co.Input.PPKUserID != f.users["ppk"].ID {
		t.Errorf("PPK = %d, want the package's PPK by default", co.Input.PPKUserID)
	}
}

func TestPrepareCheckout_PKPTaxesAndRefusal(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cartAdd(t, "pp", "pkp_laptop", 1) // Rp11.100.000 incl. PPN
	co, err := f.svc.PrepareCheckout(f.as("pp"), ordering.CheckoutInput{SupplierID: f.sup["pkp"], PackageID: f.pkg["small"]})
	if err != nil {
		t.Fatal(err)
	}
	if tx := co.Taxes; tx == nil || tx.Gross != 11_100_000 || tx.DPP != 10_000_000 || tx.PPN != 1_100_000 || tx.PPh22 != 150_000 || tx.BelowThreshold {
		t.Errorf("taxes = %+v, want DPP 10 jt, PPN 1,1 jt, PPh 22 150 rb", co.Taxes)
	}
	if co.Outcome == nil || co.Outcome.Allowed() {
		t.Fatalf("outcome = %+v, want the small package refused", co.Outcome)
	}
	if r, _ := co.Outcome.Result(rules.PackageBudget); r.Verdict != rules.Refuse {
		t.Errorf("package budget = %+v", r)
	}
}

func TestPlaceOrder_WritesTheOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cartAdd(t, "pp", "kertas", 10)
	f.cartAdd(t, "pp", "kopi", 2)
	f.cartAdd(t, "pp", "pkp_laptop", 1) // another supplier's cart stays
	in := f.checkoutIn("ok", "big")
	in.Notes = "Mohon dikirim pagi hari."
	id := f.mustPlace(t, "pp", in)

	var state, turn, address, notes, date string
	var total int64
	var deadline *time.Time
	var versions []int64
	var buyer, ppk int64
	err := f.db.QueryRow(t.Context(), `SELECT state, coalesce(negotiation_turn, ''), total, deadline_at, rule_version_ids, buyer_user_id, ppk_user_id,
		delivery_address, notes, requested_date::text FROM orders WHERE id = $1`, id).
		Scan(&state, &turn, &total, &deadline, &versions, &buyer, &ppk, &address, &notes, &date)
	if err != nil {
		t.Fatal(err)
	}
	if state != "awaiting_ppk" || turn != "" || total != 740_000 || len(versions) != 5 || buyer != f.users["pp"].ID ||
		ppk != f.users["ppk"].ID || address != in.Address || notes != in.Notes || date != "2026-12-02" {
		t.Errorf("order = %s %q %d %v buyer %d ppk %d %q %q %s", state, turn, total, versions, buyer, ppk, address, notes, date)
	}
	// Wednesday 10.00 plus 3 hari kerja: Monday 10.00.
	if want := now.AddDate(0, 0, 5); deadline == nil || !deadline.Equal(want) {
		t.Errorf("deadline = %v, want %v", deadline, want)
	}
	rows, err := f.db.Query(t.Context(), `SELECT position || ' ' || title || ' ' || qty || ' ' || list_price || ' ' || unit_dpp || ' ' || unit_price || ' ' || total
		FROM order_lines WHERE order_id = $1 ORDER BY position`, id)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, s)
	}
	want := []string{"1 Kertas HVS A4 70 gram 10 50000 50000 50000 500000", "2 Kopi Arabika Sangir 1 kg 2 120000 120000 120000 240000"}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Errorf("lines = %q, want %q", lines, want)
	}
	if got := [2]int64{f.listingStock(t, "kertas"), f.listingStock(t, "kopi")}; got != [2]int64{90, 8} {
		t.Errorf("stock = %v, want [90 8] (reserved at checkout)", got)
	}
	carts, _ := f.svc.Carts(f.as("pp"))
	if len(carts) != 1 || carts[0].SupplierID != f.sup["pkp"] {
		t.Errorf("carts after checkout = %+v, want only the other supplier's", carts)
	}
	checks := []struct {
		what string
		q    string
		args []any
	}{
		{"checkout event", `SELECT count(*) FROM order_events WHERE order_id = $1 AND kind = 'checkout' AND key = $2`, []any{id, in.Key}},
		{"audit entry", `SELECT count(*) FROM audit_log WHERE action = 'order.checkout' AND entity = 'order' AND entity_id = ($1::bigint)::text AND actor_id = $2`, []any{id, f.users["pp"].ID}},
		{"PPK notified", `SELECT count(*) FROM notifications WHERE order_id = $1 AND user_id = $2 AND message LIKE 'Pesanan baru menunggu tanda tangan Anda:%'`, []any{id, f.users["ppk"].ID}},
	}
	for _, c := range checks {
		if n := f.countRows(t, c.q, c.args...); n != 1 {
			t.Errorf("%s: %d rows, want 1", c.what, n)
		}
	}
}

func TestPlaceOrder_PKPLineCarriesPriceBeforeTax(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cartAdd(t, "pp", "pkp_laptop", 2)
	id := f.mustPlace(t, "pp", f.checkoutIn("pkp", "big"))
	var dpp, price, total, orderTotal int64
	var pkp bool
	err := f.db.QueryRow(t.Context(), `SELECT l.unit_dpp, l.unit_price, l.total, o.total, o.supplier_pkp FROM order_lines l JOIN orders o ON o.id = l.order_id
		WHERE o.id = $1`, id).Scan(&dpp, &price, &total, &orderTotal, &pkp)
	if err != nil {
		t.Fatal(err)
	}
	if dpp != 10_000_000 || price != 11_100_000 || total != 22_200_000 || orderTotal != 22_200_000 || !pkp {
		t.Errorf("line dpp %d price %d total %d, order %d pkp %t", dpp, price, total, orderTotal, pkp)
	}
}

func TestPlaceOrder_UsesThePriceAtCheckout(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cartAdd(t, "pp", "kertas", 10)
	f.sqlExec(t, `UPDATE listings SET price = 52000 WHERE id = $1`, f.listing["kertas"]) // after the page was shown
	id := f.mustPlace(t, "pp", f.checkoutIn("ok", "big"))
	if n := f.countRows(t, `SELECT total FROM orders WHERE id = $1`, id); n != 520_000 {
		t.Errorf("total = %d, want 520.000 at the new price", n)
	}
}

func TestPlaceOrder_SameKeyTwiceMakesOneOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cartAdd(t, "pp", "kertas", 10)
	in := f.checkoutIn("ok", "big")
	first := f.mustPlace(t, "pp", in)
	if again := f.mustPlace(t, "pp", in); again != first {
		t.Errorf("retry = %d, want %d", again, first)
	}

	// A double click: the same form sent concurrently.
	f.cartAdd(t, "pp", "kertas", 10)
	in = f.checkoutIn("ok", "big")
	ids := make([]int64, 5)
	errs := make([]error, 5)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() { ids[i], errs[i] = f.svc.PlaceOrder(f.as("pp"), in) })
	}
	wg.Wait()
	for i := range ids {
		if errs[i] != nil || ids[i] != ids[0] || ids[0] == first {
			t.Errorf("submit %d = %d, %v; want order %d for every submit", i, ids[i], errs[i], ids[0])
		}
	}
	if n := f.countRows(t, `SELECT count(*) FROM orders`); n != 2 {
		t.Errorf("orders = %d, want 2", n)
	}
	if s := f.listingStock(t, "kertas"); s != 80 {
		t.Errorf("stock = %d, want 80 (reserved once per order)", s)
	}
}

func TestPlaceOrder_CeilingBoundary(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cartAdd(t, "pp", "catering", 1)
	tests := []struct {
		name  string
		price int64
		ok    bool
	}{
		{"Rp200.000.001 is refused", 200_000_001, false},
		{"exactly Rp200.000.000 passes", 200_000_000, true},
	}
	for _, tc := range tests {
		f.sqlExec(t, `UPDATE listings SET price = $2 WHERE id = $1`, f.listing["catering"], tc.price)
		_, err := f.svc.PlaceOrder(f.as("pp"), f.checkoutIn("ok", "big"))
		if tc.ok && err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !tc.ok && (!errors.Is(err, apperr.Conflict) || !strings.Contains(apperr.Message(err), "Nilai pesanan Rp200.000.001 melebihi batas Rp200.000.000")) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !tc.ok && f.countRows(t, `SELECT count(*) FROM orders`) != 0 {
			t.Errorf("%s: an order was written", tc.name)
		}
	}
}

// addBuyers adds n PP of DINKES and returns their contexts.
func (f *fixture) addBuyers(t *testing.T, n int) []context.Context {
	t.Helper()
	hash, err := auth.HashPasswordCheap(password)
	if err != nil {
		t.Fatal(err)
	}
	ctxs := make([]context.Context, n)
	for i := range ctxs {
		var id int64
		name := fmt.Sprintf("PP Tambahan %d", i)
		if err := f.db.QueryRow(t.Context(), `INSERT INTO users (name, email, password_hash) VALUES ($1, $2, $3) RETURNING id`,
			name, fmt.Sprintf("pp%d@uji.test", i), hash).Scan(&id); err != nil {
			t.Fatal(err)
		}
		f.sqlExec(t, `INSERT INTO user_roles (user_id, role, opd_id) VALUES ($1, 'pp', $2)`, id, f.opd)
		u := &auth.User{ID: id, Name: name, Grants: []auth.Grant{{Role: auth.RolePP, OPDID: f.opd}}}
		ctxs[i] = auth.WithUser(context.Background(), u, "127.0.0.1")
	}
	return ctxs
}

func TestPlaceOrder_ConcurrentOrdersStayWithinPaguAndStock(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	buyers := f.addBuyers(t, 50)
	for _, ctx := range buyers {
		if err := f.svc.AddToCart(ctx, f.listing["kertas"], 12); err != nil { // Rp600.000 each
			t.Fatal(err)
		}
	}
	var placed atomic.Int64
	errs := make([]error, len(buyers))
	var wg sync.WaitGroup
	for i, ctx := range buyers {
		wg.Go(func() {
			in := f.checkoutIn("ok", "small") // Rp5 juta of pagu: room for 8 orders
			_, errs[i] = f.svc.PlaceOrder(ctx, in)
			if errs[i] == nil {
				placed.Add(1)
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil && !errors.Is(err, apperr.Conflict) {
			t.Errorf("buyer %d: %v, want success or Conflict", i, err)
		}
	}
	live, err := ordering.Ledger{}.LiveTotalForPackage(t.Context(), f.db, f.pkg["small"], 0)
	if err != nil {
		t.Fatal(err)
	}
	if placed.Load() != 8 || live != 4_800_000 {
		t.Errorf("placed %d orders worth %d, want 8 worth 4.800.000 within the pagu of 5.000.000", placed.Load(), live)
	}
	if s := f.listingStock(t, "kertas"); s != 100-8*12 {
		t.Errorf("stock = %d, want %d", s, 100-8*12)
	}
}

func TestPlaceOrder_StockRunsOut(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cartAdd(t, "pp", "kopi", 6)
	f.cartAdd(t, "ppk", "kopi", 6)
	f.mustPlace(t, "pp", f.checkoutIn("ok", "big"))
	_, err := f.svc.PlaceOrder(f.as("ppk"), f.checkoutIn("ok", "big"))
	if !errors.Is(err, apperr.Conflict) || apperr.Message(err) != "Stok Kopi Arabika Sangir 1 kg tidak cukup: tersisa 4 kg." {
		t.Errorf("second order = %v", err)
	}
	if s := f.listingStock(t, "kopi"); s != 4 {
		t.Errorf("stock = %d, want 4", s)
	}
}

func TestPlaceOrder_SuspendedSupplierRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cartAdd(t, "pp", "kertas", 10)
	f.sqlExec(t, `UPDATE suppliers SET status = 'suspended', suspended_reason = 'NIB dicabut' WHERE id = $1`, f.sup["ok"])
	_, err := f.svc.PlaceOrder(f.as("pp"), f.checkoutIn("ok", "big"))
	if !errors.Is(err, apperr.Conflict) || !strings.Contains(apperr.Message(err), "sedang dibekukan oleh Koperindag") {
		t.Errorf("PlaceOrder = %v, want the engine's refusal", err)
	}
	if n := f.countRows(t, `SELECT count(*) FROM orders`); n != 0 {
		t.Errorf("orders = %d, want none", n)
	}
	if s := f.listingStock(t, "kertas"); s != 100 {
		t.Errorf("stock = %d, want 100 untouched", s)
	}
}

func TestPlaceOrder_SplitNeedsJustification(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.sqlExec(t, `UPDATE listings SET stock = 1000 WHERE id = $1`, f.listing["kertas"])
	f.insertOrder(t, ordering.AwaitingPPK, line{"kertas", 195}) // Rp9.750.000, just under the Rp10 juta band edge
	f.cartAdd(t, "pp", "kertas", 195)                           // another one just under it
	in := f.checkoutIn("ok", "big")
	_, err := f.svc.PlaceOrder(f.as("pp"), in)
	if !errors.Is(err, apperr.Conflict) || !strings.Contains(apperr.Message(err), "dugaan pemecahan paket") {
		t.Fatalf("without justification: %v", err)
	}
	in.Justifications = map[rules.Code]string{rules.Split: "Kertas untuk ujian kompetensi mendadak dari provinsi."}
	id := f.mustPlace(t, "pp", in)
	var flagged bool
	var just string
	if err := f.db.QueryRow(t.Context(), `SELECT flagged, justifications->>'split' FROM orders WHERE id = $1`, id).Scan(&flagged, &just); err != nil {
		t.Fatal(err)
	}
	if !flagged || just != in.Justifications[rules.Split] {
		t.Errorf("flagged %t, justification %q", flagged, just)
	}
}

func TestPlaceOrder_FormErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cartAdd(t, "pp", "kertas", 10)
	tests := []struct {
		field string
		edit  func(*ordering.CheckoutInput)
	}{
		{"package_id", func(in *ordering.CheckoutInput) { in.PackageID = 0 }},
		{"package_id", func(in *ordering.CheckoutInput) { in.PackageID = f.pkg["other"] }},
		{"ppk_user_id", func(in *ordering.CheckoutInput) { in.PPKUserID = f.users["other_ppk"].ID }},
		{"ppk_user_id", func(in *ordering.CheckoutInput) { in.PPKUserID = f.users["pp"].ID }},
		{"address", func(in *ordering.CheckoutInput) { in.Address = " Jl. " }},
		{"address", func(in *ordering.CheckoutInput) { in.Address = strings.Repeat("a", 501) }},
		{"requested_date", func(in *ordering.CheckoutInput) { in.RequestedDate = now.AddDate(0, 0, -1) }},
		{"requested_date", func(in *ordering.CheckoutInput) { in.RequestedDate = now.AddDate(1, 0, 1) }},
		{"requested_date", func(in *ordering.CheckoutInput) { in.RequestedDate = time.Time{} }},
		{"notes", func(in *ordering.CheckoutInput) { in.Notes = strings.Repeat("n", 2001) }},
		{"key", func(in *ordering.CheckoutInput) { in.Key = "pendek" }},
	}
	for _, tc := range tests {
		in := f.checkoutIn("ok", "big")
		tc.edit(&in)
		_, err := f.svc.PlaceOrder(f.as("pp"), in)
		if fields, ok := validate.AsErrors(err); !ok || fields[tc.field] == "" {
			t.Errorf("%s: error = %v", tc.field, err)
		}
	}
	// The edges: today, and a year from today.
	for _, d := range []time.Time{now, now.AddDate(1, 0, 0)} {
		in := f.checkoutIn("ok", "big")
		in.RequestedDate = d
		f.cartAdd(t, "pp", "kertas", 1)
		f.mustPlace(t, "pp", in)
	}
	if n := f.countRows(t, `SELECT count(*) FROM orders`); n != 2 {
		t.Errorf("orders = %d, want 2", n)
	}
}

func TestPlaceOrder_RefusedWithoutAnOrderableCart(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, err := f.svc.PlaceOrder(f.as("pp"), f.checkoutIn("ok", "big")); !errors.Is(err, apperr.Conflict) {
		t.Errorf("empty cart: %v, want Conflict", err)
	}
	f.cartAdd(t, "pp", "kertas", 10)
	f.cartAdd(t, "pp", "kopi", 1)
	f.sqlExec(t, `UPDATE listings SET status = 'hidden' WHERE id = $1`, f.listing["kopi"])
	_, err := f.svc.PlaceOrder(f.as("pp"), f.checkoutIn("ok", "big"))
	if !errors.Is(err, apperr.Conflict) || !strings.HasPrefix(apperr.Message(err), "Kopi Arabika Sangir 1 kg tidak dapat dipesan lagi") {
		t.Errorf("hidden listing in the cart: %v, want Conflict naming it", err)
	}
	if n := f.countRows(t, `SELECT count(*) FROM orders`); n != 0 || f.listingStock(t, "kertas") != 100 {
		t.Errorf("orders = %d, stock %d: something was written", n, f.listingStock(t, "kertas"))
	}
	if _, err := f.svc.PlaceOrder(f.as("treasurer"), f.checkoutIn("ok", "big")); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("treasurer: %v, want Forbidden", err)
	}
}

package ordering_test

import (
	"errors"
	"fmt"
	"testing"

	"lapak/internal/apperr"
	"lapak/internal/validate"
)

// cartAdd adds qty of a fixture listing to user's cart, failing the test on error.
func (f *fixture) cartAdd(t *testing.T, user, listing string, qty int64) {
	t.Helper()
	if err := f.svc.AddToCart(f.as(user), f.listing[listing], qty); err != nil {
		t.Fatalf("AddToCart(%s, %s, %d): %v", user, listing, qty, err)
	}
}

// countRows runs a count query.
func (f *fixture) countRows(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := f.db.QueryRow(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// sqlExec runs a statement that sets up a test.
func (f *fixture) sqlExec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := f.db.Exec(t.Context(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestCart_AddMergesLinesAndGroupsBySupplier(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cartAdd(t, "pp", "kertas", 3)
	f.cartAdd(t, "pp", "kertas", 2) // the same listing again: the line grows
	f.cartAdd(t, "pp", "catering", 40)
	f.cartAdd(t, "pp", "pkp_laptop", 1)
	carts, err := f.svc.Carts(f.as("pp"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range carts {
		for _, it := range c.Items {
			got = append(got, fmt.Sprintf("%s|%s|%d|%d|%t", c.SupplierName, it.Title, it.Qty, it.Total, it.Available))
		}
	}
	want := []string{
		"CV Sungai Pagu Mandiri|Laptop kantor 14 inci|1|11100000|true",
		"Kopi Sangir Jaya|Kertas HVS A4 70 gram|5|250000|true",
		"Kopi Sangir Jaya|Nasi kotak rapat|40|1400000|true",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("carts = %v, want %v", got, want)
	}
	if carts[1].Total != 1_650_000 {
		t.Errorf("cart total = %d, want 1.650.000", carts[1].Total)
	}
	n, err := f.svc.CartCount(f.as("pp"))
	if err != nil || n != 3 {
		t.Errorf("CartCount = %d, %v; want 3 lines", n, err)
	}
	// Carts are per user: the PPK of the same OPD has their own.
	if n, _ := f.svc.CartCount(f.as("ppk")); n != 0 {
		t.Errorf("PPK's CartCount = %d, want 0", n)
	}
}

func TestCart_QuantityRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.sqlExec(t, `UPDATE listings SET min_order = 10 WHERE id = $1`, f.listing["catering"])
	tests := []struct {
		name    string
		listing string
		qty     int64
		want    string // the message on "qty"; "" for success
	}{
		{"below the minimum order", "catering", 9, "Pesanan minimal 10 kotak untuk Nasi kotak rapat."},
		{"exactly the minimum order", "catering", 10, ""},
		{"above the tracked stock", "kopi", 11, "Stok Kopi Arabika Sangir 1 kg tersisa 10 kg; kurangi jumlahnya."},
		{"exactly the stock", "kopi", 10, ""},
		{"stock counted with what is already in the cart", "kopi", 1, "Stok Kopi Arabika Sangir 1 kg tersisa 10 kg; kurangi jumlahnya."},
		{"zero", "kertas", 0, "Isi jumlah antara 1 dan 100.000.000."},
	}
	for _, tc := range tests {
		err := f.svc.AddToCart(f.as("pp"), f.listing[tc.listing], tc.qty)
		fields, _ := validate.AsErrors(err)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && fields["qty"] != tc.want:
			t.Errorf("%s: error = %v, want qty: %q", tc.name, err, tc.want)
		}
	}
}

func TestCart_OnlyOrderableListings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.sqlExec(t, `UPDATE listings SET status = 'hidden' WHERE id = $1`, f.listing["kopi"])
	for _, l := range []string{"beku", "kopi"} { // a suspended supplier's listing; a hidden one
		if err := f.svc.AddToCart(f.as("pp"), f.listing[l], 1); !errors.Is(err, apperr.Conflict) {
			t.Errorf("AddToCart(%s) = %v, want Conflict", l, err)
		}
	}
	if err := f.svc.AddToCart(f.as("pp"), 987654, 1); !errors.Is(err, apperr.NotFound) {
		t.Errorf("AddToCart(missing) = %v, want NotFound", err)
	}
}

func TestCart_OnlyPPAndPPK(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, u := range []string{"treasurer", "owner", "auditor", "koperindag"} {
		err := f.svc.AddToCart(f.as(u), f.listing["kertas"], 1)
		if !errors.Is(err, apperr.Forbidden) || apperr.Message(err) != "Hanya PP atau PPK yang dapat memesan." {
			t.Errorf("%s: AddToCart = %v, want Forbidden", u, err)
		}
		if _, err := f.svc.Carts(f.as(u)); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("%s: Carts = %v, want Forbidden", u, err)
		}
		if n, err := f.svc.CartCount(f.as(u)); n != 0 || err != nil {
			t.Errorf("%s: CartCount = %d, %v; want 0 for the header", u, n, err)
		}
	}
	f.cartAdd(t, "ppk", "kertas", 1)
	f.cartAdd(t, "other_pp", "kertas", 1)
	if n := f.countRows(t, `SELECT count(*) FROM cart_items WHERE opd_id = $1`, f.otherOPD); n != 1 {
		t.Errorf("cart lines of the other OPD = %d, want 1 (a cart is for the OPD of its buyer)", n)
	}
}

func TestCart_SetQtyAndRemove(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cartAdd(t, "pp", "kopi", 2)
	if err := f.svc.SetCartQty(f.as("pp"), f.listing["kopi"], 7); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetCartQty(f.as("pp"), f.listing["kopi"], 11); err == nil {
		t.Error("SetCartQty above the stock succeeded")
	}
	if err := f.svc.SetCartQty(f.as("pp"), f.listing["kertas"], 3); !errors.Is(err, apperr.NotFound) {
		t.Errorf("SetCartQty of a listing not in the cart = %v, want NotFound", err)
	}
	if n := f.countRows(t, `SELECT qty FROM cart_items WHERE listing_id = $1`, f.listing["kopi"]); n != 7 {
		t.Errorf("qty = %d, want 7", n)
	}
	if err := f.svc.SetCartQty(f.as("pp"), f.listing["kopi"], 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.svc.CartCount(f.as("pp")); n != 0 {
		t.Errorf("CartCount after removing = %d, want 0", n)
	}
}

func TestCart_MarksItemsNoLongerOrderable(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cartAdd(t, "pp", "kertas", 5)
	f.cartAdd(t, "pp", "kopi", 5)
	f.cartAdd(t, "pp", "catering", 5)
	f.sqlExec(t, `UPDATE listings SET status = 'hidden' WHERE id = $1`, f.listing["kertas"])
	f.sqlExec(t, `UPDATE listings SET stock = 3 WHERE id = $1`, f.listing["kopi"])
	carts, err := f.svc.Carts(f.as("pp"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	avail := map[string]bool{}
	for _, it := range carts[0].Items {
		got[it.Title], avail[it.Title] = it.Problem, it.Available
	}
	if got["Kertas HVS A4 70 gram"] == "" || avail["Kertas HVS A4 70 gram"] {
		t.Errorf("hidden listing: available %t, problem %q", avail["Kertas HVS A4 70 gram"], got["Kertas HVS A4 70 gram"])
	}
	if got["Kopi Arabika Sangir 1 kg"] != "Stok Kopi Arabika Sangir 1 kg tidak cukup: tersisa 3 kg." {
		t.Errorf("short stock: problem %q", got["Kopi Arabika Sangir 1 kg"])
	}
	if got["Nasi kotak rapat"] != "" || !avail["Nasi kotak rapat"] {
		t.Errorf("catering: available %t, problem %q", avail["Nasi kotak rapat"], got["Nasi kotak rapat"])
	}
	if carts[0].Orderable() {
		t.Error("cart with problems is Orderable")
	}
	// The supplier is suspended: every item says so.
	f.sqlExec(t, `UPDATE suppliers SET status = 'suspended', suspended_reason = 'uji' WHERE id = $1`, f.sup["ok"])
	carts, _ = f.svc.Carts(f.as("pp"))
	for _, it := range carts[0].Items {
		if it.Available || it.Problem == "" {
			t.Errorf("%s of a suspended supplier: available %t, problem %q", it.Title, it.Available, it.Problem)
		}
	}
}

func TestCart_AtMostFiftyLinesPerSupplier(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.sqlExec(t, `INSERT INTO listings (supplier_id, kind, title, category_id, unit, price, status, published_at)
		SELECT $1, 'services', 'Jasa nomor ' || g, $2, 'paket', 10000, 'published', now() FROM generate_series(1, 50) g`, f.sup["ok"], f.atk)
	f.sqlExec(t, `INSERT INTO cart_items (user_id, listing_id, supplier_id, opd_id, qty)
		SELECT $1, id, supplier_id, $2, 1 FROM listings WHERE title LIKE 'Jasa nomor %'`, f.users["pp"].ID, f.opd)
	if err := f.svc.AddToCart(f.as("pp"), f.listing["kertas"], 1); !errors.Is(err, apperr.Conflict) {
		t.Errorf("51st line = %v, want Conflict", err)
	}
	f.cartAdd(t, "pp", "pkp_laptop", 1) // another supplier's cart has room
}

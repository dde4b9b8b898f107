package ordering_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"lapak/internal/apperr"
	"lapak/internal/ordering"
	"lapak/internal/validate"
)

// negotiated places the pp's cart of the non-PKP supplier (10 kertas at
// Rp50.000, 2 kopi at Rp120.000) with negotiation, and returns the order
// and its line ids by listing.
func (f *fixture) negotiated(t *testing.T) (int64, map[string]int64) {
	t.Helper()
	f.cartAdd(t, "pp", "kertas", 10)
	f.cartAdd(t, "pp", "kopi", 2)
	in := f.checkoutIn("ok", "big")
	in.Negotiate = true
	id := f.mustPlace(t, "pp", in)
	return id, f.offerLines(t, id)
}

// offerLines returns an order's line ids by fixture listing key.
func (f *fixture) offerLines(t *testing.T, id int64) map[string]int64 {
	t.Helper()
	lines := map[string]int64{}
	for key, listing := range f.listing {
		var line int64
		err := f.db.QueryRow(t.Context(), `SELECT id FROM order_lines WHERE order_id = $1 AND listing_id = $2`, id, listing).Scan(&line)
		if err == nil {
			lines[key] = line
		}
	}
	return lines
}

// negotiation returns an order's state, turn and total.
func (f *fixture) negotiation(t *testing.T, id int64) (ordering.State, string, int64) {
	t.Helper()
	var state ordering.State
	var turn string
	var total int64
	if err := f.db.QueryRow(t.Context(), `SELECT state, coalesce(negotiation_turn, ''), total FROM orders WHERE id = $1`, id).Scan(&state, &turn, &total); err != nil {
		t.Fatal(err)
	}
	return state, turn, total
}

func TestNegotiation_RoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id, lines := f.negotiated(t)
	if st, turn, total := f.negotiation(t, id); st != ordering.Negotiating || turn != "buyer" || total != 740_000 {
		t.Fatalf("after checkout: %s %q %d, want negotiating with the buyer to offer first", st, turn, total)
	}
	if n := f.countRows(t, `SELECT count(*) FROM notifications WHERE order_id = $1`, id); n != 0 {
		t.Errorf("notifications at checkout = %d, want none (the buyer offers first)", n)
	}

	// The buyer offers Rp40.000 for the paper; the coffee stays at the ask.
	if err := f.svc.MakeOffer(f.as("pp"), id, map[int64]int64{lines["kertas"]: 40_000}, "Harga pasar Rp40.000.", checkoutKey()); err != nil {
		t.Fatal(err)
	}
	if st, turn, total := f.negotiation(t, id); st != ordering.Negotiating || turn != "supplier" || total != 740_000 {
		t.Errorf("after the buyer's offer: %s %q %d; the ask stays until the supplier moves", st, turn, total)
	}
	if n := f.countRows(t, `SELECT count(*) FROM notifications WHERE order_id = $1 AND user_id = $2`, id, f.users["owner"].ID); n != 1 {
		t.Errorf("supplier notifications = %d, want 1", n)
	}

	// Out of turn: the buyer again.
	if err := f.svc.MakeOffer(f.as("ppk"), id, map[int64]int64{lines["kertas"]: 39_000}, "", checkoutKey()); !errors.Is(err, apperr.Conflict) {
		t.Errorf("buyer out of turn = %v, want Conflict", err)
	}
	// Above the ask.
	err := f.svc.MakeOffer(f.as("owner"), id, map[int64]int64{lines["kertas"]: 50_001}, "", checkoutKey())
	if fields, ok := validate.AsErrors(err); !ok || fields["price_"+strconv.FormatInt(lines["kertas"], 10)] == "" {
		t.Errorf("supplier above the ask = %v, want a field error", err)
	}
	// Another business's supplier, and another OPD's official.
	for _, u := range []string{"pkp_owner", "other_pp"} {
		if err := f.svc.MakeOffer(f.as(u), id, map[int64]int64{lines["kertas"]: 45_000}, "", checkoutKey()); !errors.Is(err, apperr.NotFound) {
			t.Errorf("%s = %v, want NotFound", u, err)
		}
	}

	// The supplier counters at Rp45.000: the new ask.
	if err := f.svc.MakeOffer(f.as("owner"), id, map[int64]int64{lines["kertas"]: 45_000}, "Paling rendah Rp45.000.", checkoutKey()); err != nil {
		t.Fatal(err)
	}
	if st, turn, total := f.negotiation(t, id); st != ordering.Negotiating || turn != "buyer" || total != 690_000 {
		t.Errorf("after the counter: %s %q %d, want the buyer's turn at 690.000", st, turn, total)
	}

	// The buyer accepts: the order goes to the PPK at the agreed prices.
	if err := f.svc.AcceptOffer(f.as("pp"), id, checkoutKey()); err != nil {
		t.Fatal(err)
	}
	st, turn, total := f.negotiation(t, id)
	if st != ordering.AwaitingPPK || turn != "" || total != 690_000 {
		t.Errorf("after agreeing: %s %q %d", st, turn, total)
	}
	var dpp, price, lineTotal int64
	var agreed, deadline *time.Time
	if err := f.db.QueryRow(t.Context(), `SELECT l.unit_dpp, l.unit_price, l.total, o.agreed_at, o.deadline_at FROM order_lines l JOIN orders o ON o.id = l.order_id
		WHERE l.id = $1`, lines["kertas"]).Scan(&dpp, &price, &lineTotal, &agreed, &deadline); err != nil {
		t.Fatal(err)
	}
	if dpp != 45_000 || price != 45_000 || lineTotal != 450_000 || agreed == nil || deadline == nil {
		t.Errorf("paper line %d %d %d, agreed %v, deadline %v", dpp, price, lineTotal, agreed, deadline)
	}
	if n := f.countRows(t, `SELECT count(*) FROM notifications WHERE order_id = $1 AND user_id = $2`, id, f.users["ppk"].ID); n != 1 {
		t.Errorf("PPK notifications = %d, want 1", n)
	}

	offers, err := f.svc.Offers(f.as("ppk"), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(offers) != 2 || offers[0].Side != ordering.Buyer || offers[0].Prices[lines["kertas"]] != 40_000 || offers[0].Prices[lines["kopi"]] != 120_000 ||
		offers[0].Total != 640_000 || offers[1].Side != ordering.SupplierSide || offers[1].Round != 2 || offers[1].Total != 690_000 {
		t.Errorf("offers = %+v", offers)
	}
	if _, err := f.svc.Offers(f.as("pkp_owner"), id); !errors.Is(err, apperr.NotFound) {
		t.Errorf("Offers for another supplier = %v, want NotFound", err)
	}
	if err := f.svc.MakeOffer(f.as("pp"), id, map[int64]int64{lines["kertas"]: 40_000}, "", checkoutKey()); !errors.Is(err, apperr.Conflict) {
		t.Errorf("offer after agreement = %v, want Conflict", err)
	}
}

func TestNegotiation_SupplierAcceptsTheBuyersOffer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id, lines := f.negotiated(t)
	key := checkoutKey()
	offer := map[int64]int64{lines["kertas"]: 42_000, lines["kopi"]: 110_000}
	if err := f.svc.MakeOffer(f.as("ppk"), id, offer, "", key); err != nil {
		t.Fatal(err)
	}
	// The same form again is a no-op, not a second offer.
	if err := f.svc.MakeOffer(f.as("ppk"), id, offer, "", key); err != nil {
		t.Errorf("replayed offer = %v", err)
	}
	if err := f.svc.AcceptOffer(f.as("owner"), id, checkoutKey()); err != nil {
		t.Fatal(err)
	}
	if st, turn, total := f.negotiation(t, id); st != ordering.AwaitingPPK || turn != "" || total != 640_000 {
		t.Errorf("after the supplier accepts: %s %q %d, want awaiting_ppk at 640.000", st, turn, total)
	}
	if n := f.countRows(t, `SELECT count(*) FROM order_offers WHERE order_id = $1`, id); n != 1 {
		t.Errorf("offers = %d, want 1", n)
	}
	if n := f.countRows(t, `SELECT count(*) FROM notifications WHERE order_id = $1 AND user_id = $2`, id, f.users["pp"].ID); n != 1 {
		t.Errorf("buyer notifications = %d, want 1", n)
	}
}

func TestNegotiation_PricesBeforeTaxForPKP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.cartAdd(t, "pp", "pkp_laptop", 2) // Rp11.100.000 each: Rp10.000.000 before tax
	in := f.checkoutIn("pkp", "big")
	in.Negotiate = true
	id := f.mustPlace(t, "pp", in)
	line := f.offerLines(t, id)["pkp_laptop"]
	if err := f.svc.MakeOffer(f.as("pp"), id, map[int64]int64{line: 10_000_001}, "", checkoutKey()); err == nil {
		t.Error("offer above the ask before tax accepted")
	}
	if err := f.svc.MakeOffer(f.as("pp"), id, map[int64]int64{line: 8_000_000}, "", checkoutKey()); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.MakeOffer(f.as("pkp_owner"), id, map[int64]int64{line: 9_000_000}, "", checkoutKey()); err != nil {
		t.Fatal(err)
	}
	var dpp, price int64
	if err := f.db.QueryRow(t.Context(), `SELECT unit_dpp, unit_price FROM order_lines WHERE id = $1`, line).Scan(&dpp, &price); err != nil {
		t.Fatal(err)
	}
	if _, _, total := f.negotiation(t, id); dpp != 9_000_000 || price != 9_990_000 || total != 19_980_000 {
		t.Errorf("line %d / %d, total %d; want 9.000.000 before tax, 9.990.000 with PPN, 19.980.000", dpp, price, total)
	}
	// Either side may end the negotiation at the current ask.
	if err := f.svc.EndNegotiation(f.as("pkp_owner"), id, checkoutKey()); err != nil {
		t.Fatal(err)
	}
	if st, _, total := f.negotiation(t, id); st != ordering.AwaitingPPK || total != 19_980_000 {
		t.Errorf("after ending: %s %d", st, total)
	}
}

func TestNegotiation_NothingToAccept(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.Negotiating) // the supplier's turn, but no offer from the buyer
	if err := f.svc.AcceptOffer(f.as("owner"), id, checkoutKey()); !errors.Is(err, apperr.Conflict) {
		t.Errorf("AcceptOffer without a buyer's offer = %v, want Conflict", err)
	}
	if err := f.svc.AcceptOffer(f.as("pp"), id, checkoutKey()); !errors.Is(err, apperr.Conflict) {
		t.Errorf("buyer accepting on the supplier's turn = %v, want Conflict", err)
	}
	if err := f.svc.MakeOffer(f.as("treasurer"), id, map[int64]int64{1: 1}, "", checkoutKey()); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("treasurer offering = %v, want Forbidden", err)
	}
}

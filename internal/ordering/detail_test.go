package ordering_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/apperr"
	"lapak/internal/blob"
	"lapak/internal/ordering"
	"lapak/internal/wib"
	"lapak/internal/workday"
)

// lineIDs returns the ids of order id's lines by listing key (shared by other test files).
func (f *fixture) lineIDs(t *testing.T, id int64) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for key, listing := range f.listing {
		var lineID int64
		err := f.db.QueryRow(context.Background(), `SELECT id FROM order_lines WHERE order_id = $1 AND listing_id = $2`, id, listing).Scan(&lineID)
		if err == nil {
			ids[key] = lineID
		}
	}
	return ids
}

// exec runs a statement of a test's setup (shared by other test files).
func (f *fixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := f.db.Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// sqlShipment records a shipment of order id by the supplier's owner: qty per line id.
func (f *fixture) sqlShipment(t *testing.T, id int64, on string, qty map[int64]int64) int64 {
	t.Helper()
	var sid int64
	if err := f.db.QueryRow(context.Background(), `INSERT INTO order_shipments (order_id, shipped_on, note, user_id)
		VALUES ($1, $2, 'Dikirim dengan mobil bak', $3) RETURNING id`, id, on, f.users["owner"].ID).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	for line, q := range qty {
		f.exec(t, `INSERT INTO order_shipment_lines (shipment_id, line_id, qty) VALUES ($1, $2, $3)`, sid, line, q)
	}
	return sid
}

// sqlInspection records an inspection of order id by the PPK: received per line id, and photos.
func (f *fixture) sqlInspection(t *testing.T, id int64, on string, complete bool, received map[int64]int64, photos ...string) int64 {
	t.Helper()
	var iid int64
	if err := f.db.QueryRow(context.Background(), `INSERT INTO order_inspections (order_id, inspected_on, fungsi_ok, jumlah_ok, waktu_ok, notes, complete, user_id)
		VALUES ($1, $2, true, false, true, 'Kertas kurang 10 rim', $3, $4) RETURNING id`, id, on, complete, f.users["ppk"].ID).Scan(&iid); err != nil {
		t.Fatal(err)
	}
	for line, q := range received {
		f.exec(t, `INSERT INTO order_inspection_lines (inspection_id, line_id, qty) VALUES ($1, $2, $3)`, iid, line, q)
	}
	for _, key := range photos {
		f.exec(t, `INSERT INTO order_inspection_photos (inspection_id, blob_key, width, height) VALUES ($1, $2, 800, 600)`, iid, key)
	}
	return iid
}

// sqlPaidOrder is a paid order of 60 rim of paper and 2 kg of coffee of which
// 50 rim and the coffee arrived, shipped, inspected and paid by SQL, with
// one inspection photo under photoKey.
func (f *fixture) sqlPaidOrder(t *testing.T, photoKey string) (id int64, lines map[string]int64) {
	t.Helper()
	id = f.insertOrder(t, ordering.Paid, line{"kertas", 60}, line{"kopi", 2})
	lines = f.lineIDs(t, id)
	f.exec(t, `UPDATE order_lines SET received_qty = 50 WHERE id = $1`, lines["kertas"])
	f.sqlShipment(t, id, "2026-11-20", map[int64]int64{lines["kertas"]: 60, lines["kopi"]: 2})
	f.sqlInspection(t, id, "2026-11-21", true, map[int64]int64{lines["kertas"]: 50, lines["kopi"]: 2}, photoKey)
	f.exec(t, `INSERT INTO order_payments (order_id, paid_on, method, reference, gross, ppn_collected, pph22, pph23, pp55, net, breakdown, user_id)
		VALUES ($1, '2026-11-24', 'sp2d', 'SP2D-0042', 2740000, 0, 41100, 0, 0, 2698900, '{}', $2)`, id, f.users["treasurer"].ID)
	return id, lines
}

func TestGet_FulfilmentOfAPaidOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	photo := blob.NewKey()
	id, lines := f.sqlPaidOrder(t, photo)

	d, err := f.svc.Get(f.as("treasurer"), id)
	if err != nil {
		t.Fatal(err)
	}
	date := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ignoreCreated := cmp.FilterPath(func(p cmp.Path) bool {
		n := p.Last().String()
		return n == ".ID" || n == ".CreatedAt" || n == ".RecordedAt"
	}, cmp.Ignore())
	sameDay := cmp.Comparer(func(a, b time.Time) bool { return wib.ISODate(a) == wib.ISODate(b) })

	wantShipments := []ordering.Shipment{{ShippedOn: date("2026-11-20"), Note: "Dikirim dengan mobil bak", UserName: "Pemilik Kopi Sangir",
		Qty: map[int64]int64{lines["kertas"]: 60, lines["kopi"]: 2}}}
	if diff := cmp.Diff(d.Shipments, wantShipments, ignoreCreated, sameDay); diff != "" {
		t.Errorf("shipments (-got +want):\n%s", diff)
	}
	wantInspections := []ordering.Inspection{{InspectedOn: date("2026-11-21"), FungsiOK: true, WaktuOK: true, Notes: "Kertas kurang 10 rim",
		Complete: true, UserName: "PPK Dinkes", Received: map[int64]int64{lines["kertas"]: 50, lines["kopi"]: 2}, PhotoKeys: []string{photo}}}
	if diff := cmp.Diff(d.Inspections, wantInspections, ignoreCreated, sameDay); diff != "" {
		t.Errorf("inspections (-got +want):\n%s", diff)
	}
	wantPayment := &ordering.Payment{PaidOn: date("2026-11-24"), Method: "sp2d", Reference: "SP2D-0042", Gross: 2_740_000, PPh22: 41_100,
		Net: 2_698_900, UserName: "Bendahara Dinkes"}
	if diff := cmp.Diff(d.Payment, wantPayment, ignoreCreated, sameDay); diff != "" {
		t.Errorf("payment (-got +want):\n%s", diff)
	}
	if d.Rating != nil {
		t.Errorf("rating = %+v before any rating", d.Rating)
	}
	// Taxes follow what was received (50 rim), not what was ordered (60 rim),
	// and match what the treasurer recorded.
	if d.Taxes == nil || d.Taxes.Gross != 2_740_000 || d.Taxes.PPh22 != 41_100 || d.Taxes.Net != 2_698_900 || d.Taxes.BelowThreshold {
		t.Errorf("taxes = %+v, want gross 2.740.000, PPh 22 41.100, net 2.698.900", d.Taxes)
	}
}

func TestGet_TaxesOnOrderedQuantitiesBeforeReceipt(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tc := range []struct {
		name                string
		state               ordering.State
		lines               []line
		gross, pph22, pph23 int64
	}{
		{"goods under the threshold: nothing collected", ordering.AwaitingPPK, []line{{"kertas", 10}, {"kopi", 2}}, 740_000, 0, 0},
		{"goods above the threshold: PPh 22", ordering.Processing, []line{{"kertas", 60}}, 3_000_000, 45_000, 0},
		{"services: PPh 23 whatever the amount", ordering.Shipped, []line{{"catering", 10}}, 350_000, 0, 7_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Shipped but not yet inspected: nothing received yet, taxes on the order.
			id := f.insertOrder(t, tc.state, tc.lines...)
			d, err := f.svc.Get(f.as("pp"), id)
			if err != nil {
				t.Fatal(err)
			}
			if d.Taxes == nil {
				t.Fatal("no taxes")
			}
			if d.Taxes.Gross != tc.gross || d.Taxes.PPh22 != tc.pph22 || d.Taxes.PPh23 != tc.pph23 {
				t.Errorf("taxes: gross %d, PPh 22 %d, PPh 23 %d; want %d, %d, %d",
					d.Taxes.Gross, d.Taxes.PPh22, d.Taxes.PPh23, tc.gross, tc.pph22, tc.pph23)
			}
			if d.Payment != nil || len(d.Shipments) != 0 || len(d.Inspections) != 0 {
				t.Errorf("fulfilment before any was recorded: %+v %+v %+v", d.Payment, d.Shipments, d.Inspections)
			}
		})
	}
}

func TestGet_HiddenFromOtherSuppliersAndOPDs(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.Processing)
	for _, tc := range []struct {
		user string
		want *apperr.Kind
	}{
		{"pkp_owner", apperr.NotFound},
		{"other_pp", apperr.NotFound},
		{"koperindag", apperr.NotFound},
	} {
		if _, err := f.svc.Get(f.as(tc.user), id); !errors.Is(err, tc.want) {
			t.Errorf("Get as %s: err = %v, want %v", tc.user, err, tc.want)
		}
	}
	for _, user := range []string{"owner", "pp", "ppk", "treasurer", "auditor"} {
		if _, err := f.svc.Get(f.as(user), id); err != nil {
			t.Errorf("Get as %s: %v", user, err)
		}
	}
}

func TestPhoto_OnlyAnInspectionPhotoOfTheOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	store := blob.NewLocal(t.TempDir())
	svc := ordering.NewService(f.db, workday.Fixed(), store)
	svc.SetClock(func() time.Time { return f.clock })
	photo, stray := blob.NewKey(), blob.NewKey()
	jpeg := []byte("\xff\xd8\xff\xe0 a photo of paper")
	for _, key := range []string{photo, stray} {
		if err := store.Put(ctx, key, bytes.NewReader(jpeg)); err != nil {
			t.Fatal(err)
		}
	}
	id, _ := f.sqlPaidOrder(t, photo)
	otherOrder, _ := f.sqlPaidOrder(t, stray)

	r, err := svc.Photo(f.as("owner"), id, photo)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, jpeg) {
		t.Fatalf("photo = %q, %v", got, err)
	}
	for _, tc := range []struct {
		name  string
		user  string
		order int64
		key   string
	}{
		{"another supplier", "pkp_owner", id, photo},
		{"another order's photo", "ppk", id, stray},
		{"a photo under the wrong order", "ppk", otherOrder, photo},
		{"a key not made by Lapak", "ppk", id, "../../etc/passwd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := svc.Photo(f.as(tc.user), tc.order, tc.key); !errors.Is(err, apperr.NotFound) {
				t.Errorf("err = %v, want NotFound", err)
			}
		})
	}
}

func TestGet_ShowsNegotiationOffers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.Negotiating, line{"kertas", 10})
	kertas := f.lineIDs(t, id)["kertas"]
	f.exec(t, `INSERT INTO order_offers (order_id, round, side, user_id, prices, total, note)
		VALUES ($1, 1, 'buyer', $2, jsonb_build_object($3::bigint, 45000), 450000, 'Mohon harga grosir')`, id, f.users["pp"].ID, kertas)
	d, err := f.svc.Get(f.as("owner"), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Offers) != 1 || d.Offers[0].Side != ordering.Buyer || d.Offers[0].Prices[kertas] != 45_000 ||
		d.Offers[0].UserName != "Pejabat Pengadaan Dinkes" || d.Offers[0].Total != 450_000 {
		t.Errorf("offers = %+v", d.Offers)
	}
	if d.Taxes == nil || d.Taxes.Gross != 500_000 {
		t.Errorf("taxes while negotiating = %+v, want on the current ask (Rp500.000)", d.Taxes)
	}
}

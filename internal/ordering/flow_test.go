package ordering_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"lapak/internal/apperr"
	"lapak/internal/document"
	"lapak/internal/ordering"
	"lapak/internal/rules"
	"lapak/internal/validate"
)

var formSeq atomic.Int64

// formKey returns a fresh idempotency key, as every form carries.
func formKey() string { return fmt.Sprintf("form-key-%d", formSeq.Add(1)) }

// wantKind fails unless err is of kind.
func wantKind(t *testing.T, err error, kind *apperr.Kind) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("err = %v, want kind %v", err, kind)
	}
}

// wantField fails unless err is a validation error on field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	fields, ok := validate.AsErrors(err)
	if !ok || !fields.Has(field) {
		t.Fatalf("err = %v, want a validation error on %q", err, field)
	}
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// do runs a statement of a test's setup.
func (f *fixture) do(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := f.db.Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// lineOf returns the id of order id's line of a fixture listing.
func (f *fixture) lineOf(t *testing.T, id int64, listing string) int64 {
	t.Helper()
	return f.count(t, `SELECT id FROM order_lines WHERE order_id = $1 AND listing_id = $2`, id, f.listing[listing])
}

// toOtherOPD gives order id to the other OPD, on its package, bought and
// to be signed by its officials.
func (f *fixture) toOtherOPD(t *testing.T, id int64) {
	t.Helper()
	f.do(t, `UPDATE orders SET opd_id = $2, rup_package_id = $3, buyer_user_id = $4, ppk_user_id = $5 WHERE id = $1`,
		id, f.otherOPD, f.pkg["other"], f.users["other_pp"].ID, f.users["other_ppk"].ID)
}

// count returns the single integer q yields.
func (f *fixture) count(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := f.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// text returns the single string q yields.
func (f *fixture) text(t *testing.T, q string, args ...any) string {
	t.Helper()
	var s string
	if err := f.db.QueryRow(context.Background(), q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// spNumber returns order id's SP number, "" when none.
func (f *fixture) spNumber(t *testing.T, id int64) string {
	t.Helper()
	return f.text(t, `SELECT coalesce(sp_number, '') FROM orders WHERE id = $1`, id)
}

// stock returns a fixture listing's stock (-1 when not tracked).
func (f *fixture) stock(t *testing.T, listing string) int64 {
	t.Helper()
	return f.count(t, `SELECT coalesce(stock, -1) FROM listings WHERE id = $1`, f.listing[listing])
}

// notified reports whether user key got a notification of kind about order id.
func (f *fixture) notified(t *testing.T, key string, id int64, kind string) bool {
	t.Helper()
	return f.count(t, `SELECT count(*) FROM notifications WHERE user_id = $1 AND order_id = $2 AND kind = $3`,
		f.users[key].ID, id, kind) > 0
}

func (f *fixture) signSP(t *testing.T, id int64) {
	t.Helper()
	must(t, f.svc.SignSP(f.as("ppk"), id, password, nil, formKey()))
}

func TestFlow_SignSPToCompletedWithPartialDelivery(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.AwaitingPPK, line{"kertas", 10}, line{"kopi", 2})
	kertas, kopi := f.lineOf(t, id, "kertas"), f.lineOf(t, id, "kopi")

	f.signSP(t, id)
	if got, want := f.spNumber(t, id), "001/SP/DINKES/XI/2026"; got != want {
		t.Fatalf("SP number = %q, want %q", got, want)
	}
	if !f.notified(t, "owner", id, "order.signed") {
		t.Error("the supplier was not told the SP was signed")
	}
	must(t, f.svc.AcceptSP(f.as("owner"), id, formKey()))

	// Two shipments: part of the paper first, then the rest with the coffee.
	must(t, f.svc.Ship(f.as("owner"), id, ordering.ShipmentInput{Qty: map[int64]int64{kertas: 6}, ShippedOn: now}, formKey()))
	if !f.notified(t, "ppk", id, "order.shipped") {
		t.Error("the PPK was not told of the shipment")
	}
	must(t, f.svc.Ship(f.as("owner"), id, ordering.ShipmentInput{Qty: map[int64]int64{kertas: 4, kopi: 2}, ShippedOn: now, Note: "Sisa pesanan"}, formKey()))

	// An incomplete inspection by the PP keeps the order shipped.
	photo := ordering.Photo{Data: []byte("\xff\xd8\xff jpeg"), Width: 800, Height: 600}
	must(t, f.svc.Inspect(f.as("pp"), id, ordering.InspectionInput{Received: map[int64]int64{kertas: 6}, InspectedOn: now,
		FungsiOK: true, JumlahOK: false, WaktuOK: true, Notes: "Baru datang 6 rim", Photos: []ordering.Photo{photo}}, formKey()))
	if got := f.state(t, id); got != ordering.Shipped {
		t.Fatalf("after an incomplete inspection: state = %s, want shipped", got)
	}
	// The PPK closes the delivery with one kilogram of coffee missing.
	must(t, f.svc.Inspect(f.as("ppk"), id, ordering.InspectionInput{Received: map[int64]int64{kertas: 4, kopi: 1}, InspectedOn: now,
		FungsiOK: true, JumlahOK: false, WaktuOK: true, Notes: "Kopi kurang 1 kg", Complete: true}, formKey()))
	if got := f.state(t, id); got != ordering.Received {
		t.Fatalf("after the closing inspection: state = %s, want received", got)
	}
	if got := f.count(t, `SELECT received_total FROM orders WHERE id = $1`, id); got != 620_000 {
		t.Errorf("received total = %d, want 620.000 (10 rim and 1 kg)", got)
	}

	must(t, f.svc.SignBAST(f.as("ppk"), id, password, formKey()))
	bast, _, err := f.svc.Document(f.as("auditor"), id, document.BAST)
	must(t, err)
	if bast.Number != "001/BAST/DINKES/XI/2026" {
		t.Errorf("BAST number = %q", bast.Number)
	}
	if len(bast.Lines) != 2 || bast.Lines[0].Qty != 10 || bast.Lines[1].Qty != 1 || bast.Total != 620_000 {
		t.Errorf("BAST lines = %+v, total %d; want the received 10 rim and 1 kg, Rp620.000", bast.Lines, bast.Total)
	}
	if !f.notified(t, "treasurer", id, "order.bast_signed") {
		t.Error("the treasurer was not told of the BAST")
	}

	must(t, f.svc.SendInvoice(f.as("owner"), id, formKey()))
	must(t, f.svc.RecordPayment(f.as("treasurer"), id, ordering.PaymentInput{PaidOn: now, Method: "sp2d", Reference: "SP2D-0001"}, formKey()))
	if got := f.count(t, `SELECT gross FROM order_payments WHERE order_id = $1`, id); got != 620_000 {
		t.Errorf("payment gross = %d, want 620.000", got)
	}
	must(t, f.svc.ConfirmPayment(f.as("owner"), id, formKey()))
	if got := f.state(t, id); got != ordering.Completed {
		t.Fatalf("state = %s, want completed", got)
	}
	if !f.notified(t, "ppk", id, "order.completed") {
		t.Error("the PPK was not asked to rate the supplier")
	}
	kinds := f.text(t, `SELECT string_agg(kind, ',' ORDER BY id) FROM order_events WHERE order_id = $1`, id)
	if want := "sign,accept,ship,ship,inspect,inspect,sign_bast,invoice,pay,confirm_payment"; kinds != want {
		t.Errorf("timeline = %s, want %s", kinds, want)
	}
	if got := f.count(t, `SELECT count(*) FROM order_inspection_photos p JOIN order_inspections i ON i.id = p.inspection_id WHERE i.order_id = $1`, id); got != 1 {
		t.Errorf("inspection photos = %d, want 1", got)
	}
}

func TestSignSP_NumbersPerOPDGaplessAfterFailedSignings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first := f.insertOrder(t, ordering.AwaitingPPK)
	refused := f.insertOrder(t, ordering.AwaitingPPK, line{"kertas", 150}) // Rp7.500.000 on the Rp5 jt package
	f.do(t, `UPDATE orders SET rup_package_id = $2 WHERE id = $1`, refused, f.pkg["small"])
	third := f.insertOrder(t, ordering.AwaitingPPK)
	other := f.insertOrder(t, ordering.AwaitingPPK)
	f.toOtherOPD(t, other)

	f.signSP(t, first)
	err := f.svc.SignSP(f.as("ppk"), refused, password, nil, formKey())
	wantKind(t, err, apperr.Conflict)
	if msg := apperr.Message(err); !strings.HasPrefix(msg, "Surat Pesanan tidak dapat ditandatangani:") || !strings.Contains(msg, "pagu") {
		t.Errorf("refusal = %q, want the package budget's reason", msg)
	}
	wantField(t, f.svc.SignSP(f.as("ppk"), third, "kata-sandi-salah", nil, formKey()), "password")
	f.signSP(t, third)
	must(t, f.svc.SignSP(f.as("other_ppk"), other, password, nil, formKey()))

	code := f.text(t, `SELECT letter_code FROM opds WHERE id = $1`, f.otherOPD)
	for _, c := range []struct {
		id   int64
		want string
	}{
		{first, "001/SP/DINKES/XI/2026"},
		{refused, ""},
		{third, "002/SP/DINKES/XI/2026"},
		{other, "001/SP/" + code + "/XI/2026"},
	} {
		if got := f.spNumber(t, c.id); got != c.want {
			t.Errorf("order %d: SP number = %q, want %q", c.id, got, c.want)
		}
	}
	if got := f.state(t, refused); got != ordering.AwaitingPPK {
		t.Errorf("refused order: state = %s, want awaiting_ppk", got)
	}
}

func TestSignSP_DoubleSubmitGivesOneNumber(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.AwaitingPPK)
	key := formKey()
	must(t, f.svc.SignSP(f.as("ppk"), id, password, nil, key))
	// The retry of the same form succeeds without asking the password again.
	must(t, f.svc.SignSP(f.as("ppk"), id, "", nil, key))
	if got := f.count(t, `SELECT last FROM document_counters WHERE scope = $1 AND kind = 'sp'`, fmt.Sprintf("opd:%d", f.opd)); got != 1 {
		t.Errorf("SP counter = %d, want 1", got)
	}
	if got := f.count(t, `SELECT count(*) FROM order_events WHERE order_id = $1 AND kind = 'sign'`, id); got != 1 {
		t.Errorf("sign events = %d, want 1", got)
	}
}

func TestSignSP_ConcurrentSigningsGiveOneNumber(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.AwaitingPPK)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f.svc.SignSP(f.as("ppk"), id, password, nil, formKey())
		}()
	}
	wg.Wait()
	var signed int
	for _, err := range errs {
		switch {
		case err == nil:
			signed++
		case !errors.Is(err, apperr.Conflict):
			t.Errorf("err = %v, want nil or a conflict", err)
		}
	}
	if signed != 1 {
		t.Errorf("%d signings succeeded, want 1", signed)
	}
	if got := f.count(t, `SELECT last FROM document_counters WHERE scope = $1 AND kind = 'sp'`, fmt.Sprintf("opd:%d", f.opd)); got != 1 {
		t.Errorf("SP counter = %d, want 1", got)
	}
	if got := f.count(t, `SELECT count(*) FROM order_documents WHERE order_id = $1`, id); got != 1 {
		t.Errorf("documents = %d, want 1", got)
	}
}

func TestSignSP_WrongPasswordChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.AwaitingPPK)
	for _, pw := range []string{"", "kata-sandi-salah"} {
		wantField(t, f.svc.SignSP(f.as("ppk"), id, pw, nil, formKey()), "password")
	}
	if got := f.state(t, id); got != ordering.AwaitingPPK {
		t.Errorf("state = %s, want awaiting_ppk", got)
	}
	if got := f.count(t, `SELECT count(*) FROM document_counters`) + f.count(t, `SELECT count(*) FROM order_documents`) +
		f.count(t, `SELECT count(*) FROM order_events`); got != 0 {
		t.Errorf("%d counters, documents or events written, want none", got)
	}
}

func TestSignSP_RefusedWhenSupplierSuspendedAfterCheckout(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.AwaitingPPK)
	f.do(t, `UPDATE suppliers SET status = 'suspended', suspended_reason = 'NIB dicabut' WHERE id = $1`, f.sup["ok"])
	if alert := f.text(t, `SELECT supplier_alert FROM orders WHERE id = $1`, id); alert == "" {
		t.Fatal("the suspension left no alert on the open order")
	}
	err := f.svc.SignSP(f.as("ppk"), id, password, nil, formKey())
	wantKind(t, err, apperr.Conflict)
	if f.spNumber(t, id) != "" || f.state(t, id) != ordering.AwaitingPPK {
		t.Error("a refused signing changed the order")
	}
}

func TestSignSP_SplitNeedsJustificationAndIsFlagged(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	earlier := f.insertOrder(t, ordering.Processing, line{"kertas", 3000}) // Rp150 jt of ATK this month, on another package
	var pkg int64
	if err := f.db.QueryRow(context.Background(), `INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, fiscal_year)
		VALUES ($1, '51230009', 'Belanja ATK semester dua', 300000000, 'APBD', 2026) RETURNING id`, f.opd).Scan(&pkg); err != nil {
		t.Fatal(err)
	}
	f.do(t, `UPDATE orders SET rup_package_id = $2 WHERE id = $1`, earlier, pkg)
	id := f.insertOrder(t, ordering.AwaitingPPK, line{"kertas", 1200}) // Rp60 jt more: past the ceiling together
	wantKind(t, f.svc.SignSP(f.as("ppk"), id, password, nil, formKey()), apperr.Conflict)
	short := map[rules.Code]string{rules.Split: "perlu"}
	wantKind(t, f.svc.SignSP(f.as("ppk"), id, password, short, formKey()), apperr.Conflict)

	reason := "Kebutuhan kertas ujian akreditasi puskesmas baru muncul bulan ini."
	must(t, f.svc.SignSP(f.as("ppk"), id, password, map[rules.Code]string{rules.Split: reason}, formKey()))
	if got := f.count(t, `SELECT flagged::int FROM orders WHERE id = $1`, id); got != 1 {
		t.Error("the split order is not flagged for auditors")
	}
	if got := f.text(t, `SELECT justifications->>'split' FROM orders WHERE id = $1`, id); got != reason {
		t.Errorf("stored justification = %q", got)
	}
}

func TestActions_RefusedToWhoMayNotTakeThem(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	payable := f.insertOrder(t, ordering.AwaitingPayment)
	f.do(t, `UPDATE orders SET invoiced_at = now() WHERE id = $1`, payable)
	ids := map[ordering.State]int64{ordering.AwaitingPayment: payable}
	for _, s := range []ordering.State{ordering.AwaitingPPK, ordering.AwaitingSupplier, ordering.Processing, ordering.Shipped, ordering.Received} {
		ids[s] = f.insertOrder(t, s)
	}
	ship := ordering.ShipmentInput{Qty: map[int64]int64{f.lineOf(t, ids[ordering.Processing], "kertas"): 1}, ShippedOn: now}
	pay := ordering.PaymentInput{PaidOn: now, Method: "sp2d", Reference: "SP2D-1"}
	// A wrong password proves the refusal comes before the password check.
	for _, c := range []struct {
		name  string
		user  string
		state ordering.State
		act   func(ctx context.Context, id int64) error
		want  *apperr.Kind
	}{
		{"supplier signs the BAST", "owner", ordering.Received, func(ctx context.Context, id int64) error {
			return f.svc.SignBAST(ctx, id, "salah", formKey())
		}, apperr.Forbidden},
		{"PP records the payment", "pp", ordering.AwaitingPayment, func(ctx context.Context, id int64) error {
			return f.svc.RecordPayment(ctx, id, pay, formKey())
		}, apperr.Forbidden},
		{"treasurer signs the SP", "treasurer", ordering.AwaitingPPK, func(ctx context.Context, id int64) error {
			return f.svc.SignSP(ctx, id, "salah", nil, formKey())
		}, apperr.Forbidden},
		{"PP signs the SP", "pp", ordering.AwaitingPPK, func(ctx context.Context, id int64) error {
			return f.svc.SignSP(ctx, id, "salah", nil, formKey())
		}, apperr.Forbidden},
		{"another PPK of the OPD signs the SP", "ppk2", ordering.AwaitingPPK, func(ctx context.Context, id int64) error {
			return f.svc.SignSP(ctx, id, "salah", nil, formKey())
		}, apperr.Forbidden},
		{"another OPD's PPK signs the SP", "other_ppk", ordering.AwaitingPPK, func(ctx context.Context, id int64) error {
			return f.svc.SignSP(ctx, id, "salah", nil, formKey())
		}, apperr.NotFound},
		{"another supplier ships", "pkp_owner", ordering.Processing, func(ctx context.Context, id int64) error {
			return f.svc.Ship(ctx, id, ship, formKey())
		}, apperr.NotFound},
		{"supplier cancels", "owner", ordering.AwaitingPPK, func(ctx context.Context, id int64) error {
			return f.svc.Cancel(ctx, id, "tidak jadi", formKey())
		}, apperr.Forbidden},
		{"auditor cancels", "auditor", ordering.AwaitingPPK, func(ctx context.Context, id int64) error {
			return f.svc.Cancel(ctx, id, "tidak jadi", formKey())
		}, apperr.Forbidden},
		{"PPK accepts the SP for the supplier", "ppk", ordering.AwaitingSupplier, func(ctx context.Context, id int64) error {
			return f.svc.AcceptSP(ctx, id, formKey())
		}, apperr.Forbidden},
		{"supplier inspects its own delivery", "owner", ordering.Shipped, func(ctx context.Context, id int64) error {
			return f.svc.Inspect(ctx, id, ordering.InspectionInput{InspectedOn: now, Complete: true}, formKey())
		}, apperr.Forbidden},
		{"treasurer sends the invoice", "treasurer", ordering.AwaitingPayment, func(ctx context.Context, id int64) error {
			return f.svc.SendInvoice(ctx, id, formKey())
		}, apperr.Forbidden},
		{"Koperindag rejects for the PPK", "koperindag", ordering.AwaitingPPK, func(ctx context.Context, id int64) error {
			return f.svc.RejectByPPK(ctx, id, "tidak sesuai", formKey())
		}, apperr.NotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			id := ids[c.state]
			wantKind(t, c.act(f.as(c.user), id), c.want)
			if got := f.state(t, id); got != c.state {
				t.Errorf("state = %s, want %s unchanged", got, c.state)
			}
		})
	}
	if got := f.count(t, `SELECT count(*) FROM order_events`); got != 0 {
		t.Errorf("%d events written by refused actions, want none", got)
	}
}

func TestActions_OnEndedOrdersConflict(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	expired := f.insertOrder(t, ordering.Expired)
	cancelled := f.insertOrder(t, ordering.Cancelled)
	for _, c := range []struct {
		name string
		user string
		id   int64
		act  func(ctx context.Context, id int64) error
	}{
		{"sign an expired order", "ppk", expired, func(ctx context.Context, id int64) error {
			return f.svc.SignSP(ctx, id, password, nil, formKey())
		}},
		{"reject an expired order", "ppk", expired, func(ctx context.Context, id int64) error {
			return f.svc.RejectByPPK(ctx, id, "sudah lewat waktu", formKey())
		}},
		{"cancel a cancelled order", "pp", cancelled, func(ctx context.Context, id int64) error {
			return f.svc.Cancel(ctx, id, "batal lagi", formKey())
		}},
		{"accept a cancelled order", "owner", cancelled, func(ctx context.Context, id int64) error {
			return f.svc.AcceptSP(ctx, id, formKey())
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.act(f.as(c.user), c.id)
			wantKind(t, err, apperr.Conflict)
			if msg := apperr.Message(err); !strings.Contains(msg, "sudah berstatus") {
				t.Errorf("message = %q, want it to say the order has ended", msg)
			}
		})
	}
}

func TestSideExits_ReleaseStockAndTellTheOthers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		from     ordering.State
		user     string
		act      func(s *ordering.Service, ctx context.Context, id int64, reason, key string) error
		to       ordering.State
		told     []string
		notTold  string
		notified string
	}{
		{"buyer cancels during negotiation", ordering.Negotiating, "pp", (*ordering.Service).Cancel, ordering.Cancelled,
			[]string{"ppk", "owner"}, "pp", "order.cancelled"},
		{"buyer cancels before the PPK signs", ordering.AwaitingPPK, "ppk", (*ordering.Service).Cancel, ordering.Cancelled,
			[]string{"owner"}, "ppk", "order.cancelled"},
		{"PPK rejects", ordering.AwaitingPPK, "ppk", (*ordering.Service).RejectByPPK, ordering.RejectedByPPK,
			[]string{"pp", "owner"}, "ppk", "order.rejected_by_ppk"},
		{"supplier rejects the SP", ordering.AwaitingSupplier, "owner", (*ordering.Service).RejectBySupplier, ordering.RejectedBySupplier,
			[]string{"pp", "ppk"}, "owner", "order.rejected_by_supplier"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			id := f.insertOrder(t, c.from, line{"kertas", 10}, line{"catering", 5})
			wantField(t, c.act(f.svc, f.as(c.user), id, " abc ", formKey()), "reason")
			reason := "Anggaran dialihkan untuk penanganan banjir."
			must(t, c.act(f.svc, f.as(c.user), id, reason, formKey()))
			if got := f.state(t, id); got != c.to {
				t.Fatalf("state = %s, want %s", got, c.to)
			}
			if got := f.stock(t, "kertas"); got != 110 {
				t.Errorf("paper stock = %d, want 110 (100 + the 10 reserved)", got)
			}
			if got := f.stock(t, "catering"); got != -1 {
				t.Errorf("catering stock = %d, want untracked", got)
			}
			if got := f.text(t, `SELECT end_reason FROM orders WHERE id = $1`, id); got != reason {
				t.Errorf("end reason = %q", got)
			}
			for _, u := range c.told {
				if !f.notified(t, u, id, c.notified) {
					t.Errorf("%s was not told", u)
				}
			}
			if f.notified(t, c.notTold, id, c.notified) {
				t.Errorf("%s was told of their own act", c.notTold)
			}
		})
	}
}

func TestShip_RefusesBadQuantitiesAndDates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.Processing, line{"kertas", 10}, line{"kopi", 2})
	kertas := f.lineOf(t, id, "kertas")
	for _, c := range []struct {
		name  string
		in    ordering.ShipmentInput
		field string
	}{
		{"nothing shipped", ordering.ShipmentInput{Qty: map[int64]int64{kertas: 0}, ShippedOn: now}, "qty"},
		{"more than ordered", ordering.ShipmentInput{Qty: map[int64]int64{kertas: 11}, ShippedOn: now}, fmt.Sprintf("qty_%d", kertas)},
		{"negative", ordering.ShipmentInput{Qty: map[int64]int64{kertas: -1, f.lineOf(t, id, "kopi"): 1}, ShippedOn: now}, fmt.Sprintf("qty_%d", kertas)},
		{"a line of another order", ordering.ShipmentInput{Qty: map[int64]int64{kertas + 1000: 1}, ShippedOn: now}, "qty"},
		{"shipped tomorrow", ordering.ShipmentInput{Qty: map[int64]int64{kertas: 1}, ShippedOn: now.AddDate(0, 0, 1)}, "shipped_on"},
		{"no date", ordering.ShipmentInput{Qty: map[int64]int64{kertas: 1}}, "shipped_on"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantField(t, f.svc.Ship(f.as("owner"), id, c.in, formKey()), c.field)
		})
	}
	must(t, f.svc.Ship(f.as("owner"), id, ordering.ShipmentInput{Qty: map[int64]int64{kertas: 8}, ShippedOn: now}, formKey()))
	err := f.svc.Ship(f.as("owner"), id, ordering.ShipmentInput{Qty: map[int64]int64{kertas: 3}, ShippedOn: now}, formKey())
	wantField(t, err, fmt.Sprintf("qty_%d", kertas))
	if fields, _ := validate.AsErrors(err); !strings.Contains(fields[fmt.Sprintf("qty_%d", kertas)], "Kertas HVS A4") {
		t.Errorf("message %q does not name the line", fields[fmt.Sprintf("qty_%d", kertas)])
	}
	if got := f.count(t, `SELECT shipped_qty FROM order_lines WHERE id = $1`, kertas); got != 8 {
		t.Errorf("shipped = %d, want 8", got)
	}
}

func TestInspect_RefusesMoreThanShippedAndAnEmptyClose(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.Processing, line{"kertas", 10})
	kertas := f.lineOf(t, id, "kertas")
	must(t, f.svc.Ship(f.as("owner"), id, ordering.ShipmentInput{Qty: map[int64]int64{kertas: 4}, ShippedOn: now}, formKey()))
	photo := []ordering.Photo{{Data: []byte("jpeg"), Width: 10, Height: 10}}

	wantField(t, f.svc.Inspect(f.as("ppk"), id, ordering.InspectionInput{Received: map[int64]int64{kertas: 5}, InspectedOn: now, Photos: photo},
		formKey()), fmt.Sprintf("received_%d", kertas))
	wantField(t, f.svc.Inspect(f.as("ppk"), id, ordering.InspectionInput{InspectedOn: now, Complete: true}, formKey()), "complete")
	wantField(t, f.svc.Inspect(f.as("ppk"), id, ordering.InspectionInput{InspectedOn: now.AddDate(0, 0, 2)}, formKey()), "inspected_on")
	if got := f.count(t, `SELECT count(*) FROM order_inspections`); got != 0 {
		t.Errorf("%d inspections written by refused forms", got)
	}
	if got := f.count(t, `SELECT count(*) FROM order_inspection_photos`); got != 0 {
		t.Errorf("%d photos recorded by refused forms", got)
	}
	if f.state(t, id) != ordering.Shipped {
		t.Error("a refused inspection moved the order")
	}
}

package ordering_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/apperr"
	"lapak/internal/ordering"
)

// payable returns an order awaiting payment of lines, with its BAST signed
// today, and invoiced unless the test wants to do that itself.
func (f *fixture) payable(t *testing.T, invoiced bool, lines ...line) int64 {
	t.Helper()
	id := f.insertOrder(t, ordering.AwaitingPayment, lines...)
	f.do(t, `UPDATE orders SET bast_at = $2 WHERE id = $1`, id, f.clock)
	if invoiced {
		f.do(t, `UPDATE orders SET invoiced_at = $2 WHERE id = $1`, id, f.clock)
	}
	return id
}

// makePKP gives order id to the PKP supplier, its prices including PPN:
// the listing price Rp11.100.000 is Rp10.000.000 before tax.
func (f *fixture) makePKP(t *testing.T, id int64) {
	t.Helper()
	f.do(t, `UPDATE orders SET supplier_id = $2, supplier_pkp = true WHERE id = $1`, id, f.sup["pkp"])
	f.do(t, `UPDATE order_lines SET unit_dpp = 10000000 WHERE order_id = $1`, id)
}

// paymentRow is what order_payments holds for an order.
type paymentRow struct {
	Gross, PPNCollected, PPh22, PPh23, PP55, Net int64
}

func (f *fixture) payment(t *testing.T, id int64) paymentRow {
	t.Helper()
	var p paymentRow
	err := f.db.QueryRow(t.Context(), `SELECT gross, ppn_collected, pph22, pph23, pp55, net FROM order_payments WHERE order_id = $1`, id).
		Scan(&p.Gross, &p.PPNCollected, &p.PPh22, &p.PPh23, &p.PP55, &p.Net)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRecordPayment_TaxesOnReceivedQuantities(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, c := range []struct {
		name  string
		lines []line
		setup func(t *testing.T, id int64)
		owner string
		want  paymentRow
	}{
		{"non-PKP goods up to Rp2 jt: nothing withheld", []line{{"kertas", 10}}, nil, "owner",
			paymentRow{Gross: 500_000, Net: 500_000}},
		{"non-PKP goods above Rp2 jt: PPh 22 only", []line{{"kertas", 50}}, nil, "owner",
			paymentRow{Gross: 2_500_000, PPh22: 37_500, Net: 2_462_500}},
		{"PKP goods above Rp2 jt: PPN collected and PPh 22", []line{{"pkp_laptop", 1}}, func(t *testing.T, id int64) { f.makePKP(t, id) }, "pkp_owner",
			paymentRow{Gross: 11_100_000, PPNCollected: 1_100_000, PPh22: 150_000, Net: 9_850_000}},
		{"services: PPh 23 without threshold", []line{{"catering", 10}}, nil, "owner",
			paymentRow{Gross: 350_000, PPh23: 7_000, Net: 343_000}},
		{"split order up to Rp2 jt: the threshold does not apply", []line{{"kertas", 10}}, func(t *testing.T, id int64) {
			f.do(t, `UPDATE orders SET flagged = true, rule_outcome = '{"results": [{"rule": "split", "verdict": "justify", "flagged": true, "justified": true}]}' WHERE id = $1`, id)
		}, "owner", paymentRow{Gross: 500_000, PPh22: 7_500, Net: 492_500}},
		{"only what was received is paid", []line{{"kertas", 60}}, func(t *testing.T, id int64) {
			f.do(t, `UPDATE order_lines SET received_qty = 50 WHERE order_id = $1`, id)
		}, "owner", paymentRow{Gross: 2_500_000, PPh22: 37_500, Net: 2_462_500}},
	} {
		t.Run(c.name, func(t *testing.T) {
			id := f.payable(t, false, c.lines...)
			if c.setup != nil {
				c.setup(t, id)
			}
			must(t, f.svc.SendInvoice(f.as(c.owner), id, formKey()))
			must(t, f.svc.RecordPayment(f.as("treasurer"), id, ordering.PaymentInput{PaidOn: now, Method: "up", Reference: " KW-BKU-17 "}, formKey()))
			if diff := cmp.Diff(f.payment(t, id), c.want); diff != "" {
				t.Errorf("payment (-got +want):\n%s", diff)
			}
			if got := f.state(t, id); got != ordering.Paid {
				t.Errorf("state = %s, want paid", got)
			}
			if got := f.text(t, `SELECT reference FROM order_payments WHERE order_id = $1`, id); got != "KW-BKU-17" {
				t.Errorf("reference = %q, want it trimmed", got)
			}
		})
	}
}

func TestRecordPayment_RefusedBeforeInvoiceAndOnBadForms(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.payable(t, false)
	ok := ordering.PaymentInput{PaidOn: now, Method: "sp2d", Reference: "SP2D-0042"}
	err := f.svc.RecordPayment(f.as("treasurer"), id, ok, formKey())
	wantKind(t, err, apperr.Conflict)
	if !strings.Contains(apperr.Message(err), "belum mengirim tagihan") {
		t.Errorf("message = %q", apperr.Message(err))
	}

	must(t, f.svc.SendInvoice(f.as("owner"), id, formKey()))
	for _, c := range []struct {
		name  string
		in    ordering.PaymentInput
		field string
	}{
		{"no date", ordering.PaymentInput{Method: "sp2d", Reference: "SP2D-1"}, "paid_on"},
		{"paid tomorrow", ordering.PaymentInput{PaidOn: now.AddDate(0, 0, 1), Method: "sp2d", Reference: "SP2D-1"}, "paid_on"},
		{"paid before the BAST", ordering.PaymentInput{PaidOn: now.AddDate(0, 0, -1), Method: "sp2d", Reference: "SP2D-1"}, "paid_on"},
		{"unknown method", ordering.PaymentInput{PaidOn: now, Method: "cek", Reference: "SP2D-1"}, "method"},
		{"no reference", ordering.PaymentInput{PaidOn: now, Method: "kkpd", Reference: "  "}, "reference"},
		{"reference too long", ordering.PaymentInput{PaidOn: now, Method: "kkpd", Reference: strings.Repeat("9", 101)}, "reference"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantField(t, f.svc.RecordPayment(f.as("treasurer"), id, c.in, formKey()), c.field)
		})
	}
	if got := f.count(t, `SELECT count(*) FROM order_payments`) + f.count(t, `SELECT count(*) FROM order_documents WHERE kind = 'kuitansi'`); got != 0 {
		t.Errorf("refused payments wrote %d rows", got)
	}
	if got := f.state(t, id); got != ordering.AwaitingPayment {
		t.Errorf("state = %s, want awaiting_payment", got)
	}
}

func TestSendInvoice_OnceAndNumberedPerSupplier(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first, second := f.payable(t, false), f.payable(t, false)
	must(t, f.svc.SendInvoice(f.as("owner"), first, formKey()))
	must(t, f.svc.SendInvoice(f.as("owner"), second, formKey()))
	err := f.svc.SendInvoice(f.as("owner"), first, formKey())
	wantKind(t, err, apperr.Conflict)
	if got := apperr.Message(err); got != "Tagihan sudah dikirim." {
		t.Errorf("message = %q", got)
	}
	for i, id := range []int64{first, second} {
		want := fmt.Sprintf("%03d/INV/%d/XI/2026", i+1, f.sup["ok"])
		if got := f.text(t, `SELECT number FROM order_documents WHERE order_id = $1 AND kind = 'invoice'`, id); got != want {
			t.Errorf("invoice number = %q, want %q", got, want)
		}
	}
	if !f.notified(t, "treasurer", first, "order.invoiced") {
		t.Error("the treasurer was not told of the invoice")
	}
}

func TestConfirmPayment_CompletesAndAsksThePPKToRate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.Paid)
	wantKind(t, f.svc.ConfirmPayment(f.as("treasurer"), id, formKey()), apperr.Forbidden)
	must(t, f.svc.ConfirmPayment(f.as("owner"), id, formKey()))
	if got := f.state(t, id); got != ordering.Completed {
		t.Fatalf("state = %s, want completed", got)
	}
	if got := f.count(t, `SELECT count(*) FROM orders WHERE id = $1 AND completed_at IS NOT NULL`, id); got != 1 {
		t.Error("completed_at not set")
	}
	msg := f.text(t, `SELECT message FROM notifications WHERE user_id = $1 AND order_id = $2 AND kind = 'order.completed'`, f.users["ppk"].ID, id)
	if !strings.Contains(msg, "penilaian") {
		t.Errorf("PPK's notification = %q, want it to ask for a rating", msg)
	}
}

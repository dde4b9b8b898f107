package ordering

// After the BAST: the supplier's invoice, the treasurer's payment with the
// taxes collected and the kuitansi, and the supplier confirming receipt.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/document"
	"lapak/internal/notify"
	"lapak/internal/postgres"
	"lapak/internal/rupiah"
	"lapak/internal/tax"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// PaymentInput is the treasurer's payment record.
type PaymentInput struct {
	PaidOn    time.Time
	Method    string // up, kkpd, sp2d
	Reference string // the SP2D, slip or card transaction number
}

// SendInvoice is the supplier issuing its invoice for what the BAST says
// was received, numbered in the supplier's own sequence; the OPD's
// treasurers are told. A second invoice is apperr.Conflict.
func (s *Service) SendInvoice(ctx context.Context, orderID int64, key string) error {
	return s.step(ctx, orderID, key, ActInvoice, actionStates[ActInvoice], func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		if o.InvoicedAt != nil {
			return change{}, apperr.E(apperr.Conflict, "Tagihan sudah dikirim.")
		}
		return s.sendInvoice(ctx, tx, o, now)
	})
}

// sendInvoice issues the invoice of the locked order o.
func (s *Service) sendInvoice(ctx context.Context, tx pgx.Tx, o *Order, now time.Time) (change, error) {
	at := docTime(now)
	u := auth.UserFrom(ctx)
	r, err := readForDocument(ctx, tx, o, supplierNumbering(o, document.Invoice, "INV"), at, at)
	if err != nil {
		return change{}, err
	}
	number, info, rates := r.number, r.info, r.rates
	bast, err := issuedNumber(ctx, tx, o.ID, document.BAST)
	if err != nil {
		return change{}, err
	}
	data, err := invoiceData(o, info, rates, bast, u.Name, at)
	if err != nil {
		return change{}, err
	}
	data.Number = number
	if err := issueDocument(ctx, tx, o, document.Invoice, data, u.ID); err != nil {
		return change{}, err
	}
	treasurers, err := treasurerIDs(ctx, tx, o.OPDID)
	if err != nil {
		return change{}, err
	}
	msg := fmt.Sprintf("%s mengirim tagihan %s sebesar %s untuk pesanan %s. Silakan catat pembayarannya.",
		o.SupplierName, number, rupiah.Format(data.Total), orderRef(o))
	return change{Kind: "invoice", Set: map[string]any{"invoiced_at": at}, Note: "Tagihan " + number, Details: map[string]any{"invoice_number": number, "total": data.Total},
		Notify: []notify.Note{tell(ctx, "order.invoiced", msg, treasurers...)}}, nil
}

// paymentMethods are the ways a treasurer pays (labels: MethodLabel).
var paymentMethods = []string{"up", "kkpd", "sp2d"}

// checkPayment validates the payment form; the BAST date bounds the day paid.
func checkPayment(in PaymentInput, o *Order, now time.Time) (PaymentInput, error) {
	errs := validate.Errors{}
	in.Reference = strings.TrimSpace(in.Reference)
	switch {
	case in.PaidOn.IsZero():
		errs.Add("paid_on", "Isi tanggal pembayaran.")
	case afterToday(in.PaidOn, now):
		errs.Add("paid_on", "Tanggal pembayaran tidak boleh setelah hari ini.")
	case o.BASTAt != nil && wib.ISODate(in.PaidOn) < wib.ISODate(*o.BASTAt):
		errs.Add("paid_on", fmt.Sprintf("Tanggal pembayaran tidak boleh sebelum tanggal BAST (%s).", wib.Date(*o.BASTAt)))
	}
	if !slices.Contains(paymentMethods, in.Method) {
		errs.Add("method", "Pilih cara pembayaran: UP, KKPD, atau SP2D LS.")
	}
	switch n := utf8.RuneCountInString(in.Reference); {
	case n == 0:
		errs.Add("reference", "Isi nomor bukti pembayaran (nomor SP2D, slip, atau transaksi KKPD).")
	case n > 100:
		errs.Add("reference", "Nomor bukti pembayaran paling panjang 100 karakter.")
	}
	return in, errs.Err()
}

// RecordPayment records the treasurer's payment of the invoiced order: the
// taxes on the received quantities at the rates in force on the day paid
// (the threshold does not apply to an order flagged as split), the
// kuitansi with the amount in words; the supplier and the PPK are told.
// Before the invoice it is apperr.Conflict.
func (s *Service) RecordPayment(ctx context.Context, orderID int64, in PaymentInput, key string) error {
	return s.step(ctx, orderID, key, ActPay, actionStates[ActPay], func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		if o.InvoicedAt == nil {
			return change{}, apperr.E(apperr.Conflict, "Penyedia belum mengirim tagihan; pembayaran dicatat setelah tagihan diterima.")
		}
		in, err := checkPayment(in, o, now)
		if err != nil {
			return change{}, err
		}
		return s.recordPayment(ctx, tx, o, in, now)
	})
}

// recordPayment writes the checked payment in of the locked order o and its kuitansi.
func (s *Service) recordPayment(ctx context.Context, tx pgx.Tx, o *Order, in PaymentInput, now time.Time) (change, error) {
	at := docTime(now)
	// The kuitansi's number and details, and the rates in force on the day paid.
	r, err := readForDocument(ctx, tx, o, opdNumbering(o, document.Kuitansi, "KW"), at, in.PaidOn)
	if err != nil {
		return change{}, err
	}
	lines, b, err := docLines(r.rates, o, true)
	if err != nil {
		return change{}, err
	}
	u := auth.UserFrom(ctx)
	breakdown, err := json.Marshal(b)
	if err != nil {
		return change{}, fmt.Errorf("ordering: payment of %d: %w", o.ID, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO order_payments (order_id, paid_on, method, reference, gross, ppn_collected, pph22, pph23, pp55, net,
		breakdown, user_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		o.ID, wib.ISODate(in.PaidOn), in.Method, in.Reference, b.Gross, b.PPNCollected, b.PPh22, b.PPh23, b.PP55, b.Net,
		breakdown, u.ID, now); err != nil {
		return change{}, fmt.Errorf("ordering: payment of %d: %w", o.ID, postgres.Classify(err))
	}
	data, err := s.kuitansi(ctx, tx, o, in, lines, b, at, r)
	if err != nil {
		return change{}, err
	}
	if err := issueDocument(ctx, tx, o, document.Kuitansi, data, u.ID); err != nil {
		return change{}, err
	}
	owners := r.owners
	toSupplier := fmt.Sprintf("Pembayaran pesanan %s telah dicatat: %s dibayar, %s diterima setelah pajak (%s). Konfirmasi bila dana sudah masuk.",
		orderRef(o), rupiah.Format(b.Gross), rupiah.Format(b.Net), MethodLabel(in.Method))
	toPPK := fmt.Sprintf("Bendahara mencatat pembayaran pesanan %s sebesar %s.", orderRef(o), rupiah.Format(b.Gross))
	return change{Kind: "pay", Set: map[string]any{"paid_at": at}, Note: data.Number, Details: map[string]any{"kuitansi_number": data.Number, "paid_on": wib.ISODate(in.PaidOn),
		"method": in.Method, "reference": in.Reference, "gross": b.Gross, "net": b.Net, "withheld": b.Withheld},
		To: Paid, Notify: []notify.Note{tell(ctx, "order.paid", toSupplier, owners...), tell(ctx, "order.paid", toPPK, o.PPKID)}}, nil
}

// kuitansi builds the receipt of the payment, signed by the treasurer at at.
func (s *Service) kuitansi(ctx context.Context, tx pgx.Tx, o *Order, in PaymentInput, lines []document.Line, b tax.Breakdown, at time.Time, r docReads) (document.Data, error) {
	number, info := r.number, r.info
	u := auth.UserFrom(ctx)
	nip, err := userNIP(ctx, tx, u.ID)
	if err != nil {
		return document.Data{}, err
	}
	refs := map[document.Kind]string{}
	for _, k := range []document.Kind{document.BAST, document.Invoice} {
		if refs[k], err = issuedNumber(ctx, tx, o.ID, k); err != nil {
			return document.Data{}, err
		}
	}
	d := baseData(o, document.Kuitansi, number, at)
	d.Fields = append([]document.Field{
		{Label: "Sudah terima dari", Value: "Bendahara Pengeluaran " + o.OPDName},
		{Label: "Untuk pembayaran", Value: fmt.Sprintf("%s, sesuai Surat Pesanan nomor %s", o.PackageName, o.SPNumber)},
		{Label: "Nomor BAST", Value: orDash(refs[document.BAST])},
		{Label: "Nomor tagihan", Value: orDash(refs[document.Invoice])},
		{Label: "Tanggal pembayaran", Value: wib.Date(in.PaidOn)},
		{Label: "Cara pembayaran", Value: MethodLabel(in.Method)},
		{Label: "Nomor bukti", Value: in.Reference},
	}, packageFields(o, info)...)
	treasurer := document.Party{Name: u.Name, Role: "Bendahara Pengeluaran", Org: o.OPDName, Address: o.OPDAddress, ID: nipLabel(nip)}
	d.From, d.To = treasurer, info.supplier
	d.Lines = lines
	d.Taxes = document.Taxes{DPP: b.DPP, PPN: b.PPN, Gross: b.Gross, PPNCollected: b.PPNCollected, PPh22: b.PPh22,
		PPh23: b.PPh23, PP55: b.PP55, Net: b.Net, Notice: tax.Notice}
	d.Total = b.Gross
	d.Terbilang = rupiah.TerbilangRupiah(b.Gross)
	if b.BelowThreshold {
		d.Paragraphs = append(d.Paragraphs, fmt.Sprintf("Nilai pembayaran paling banyak %s dan bukan bagian dari pemecahan paket: PPN dan PPh Pasal 22 tidak dipungut oleh bendahara.",
			rupiah.Format(b.Rates.Threshold.Num)))
	}
	d.Paragraphs = append(d.Paragraphs, fmt.Sprintf("Jumlah yang diterima penyedia setelah pajak yang dipungut/dipotong: %s.", rupiah.Format(b.Net)))
	d.Signers = []document.Signature{
		{Caption: "Setuju dibayar, Pejabat Pembuat Komitmen", Name: o.PPKName, ID: nipLabel(info.ppkNIP)},
		{Caption: "Lunas dibayar, Bendahara Pengeluaran", Name: u.Name, ID: nipLabel(nip), SignedAt: at},
		{Caption: "Yang menerima, " + info.supplier.Name, Name: info.supplierSigner},
	}
	return d, nil
}

// ConfirmPayment is the supplier confirming the money arrived: the order is
// completed and the PPK is asked to rate the supplier.
func (s *Service) ConfirmPayment(ctx context.Context, orderID int64, key string) error {
	return s.step(ctx, orderID, key, ActConfirmPayment, actionStates[ActConfirmPayment], func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		return completePaid(ctx, tx, o, now)
	})
}

// completePaid completes the locked paid order o at now and returns the
// change to record: the PPK is asked to rate the supplier. The timers call
// it too, to complete an order the supplier did not confirm (they may set
// the change's Kind and Note).
func completePaid(ctx context.Context, tx postgres.DBTX, o *Order, now time.Time) (change, error) {
	msg := fmt.Sprintf("Pesanan %s selesai: penyedia %s telah menerima pembayaran. Silakan beri penilaian untuk penyedia.",
		orderRef(o), o.SupplierName)
	return change{To: Completed, Set: map[string]any{"completed_at": now}, Notify: []notify.Note{tell(ctx, "order.completed", msg, o.PPKID)}}, nil
}

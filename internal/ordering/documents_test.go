package ordering_test

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/apperr"
	"lapak/internal/document"
	"lapak/internal/ordering"
	"lapak/internal/tax"
	"lapak/internal/wib"
)

// field returns the value of a document's header field, "" when absent.
func field(d document.Data, label string) string {
	for _, f := range d.Fields {
		if f.Label == label {
			return f.Value
		}
	}
	return ""
}

func TestDocument_SPAsSignedByThePPK(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.AwaitingPPK, line{"kertas", 10}, line{"kopi", 2})
	f.signSP(t, id)

	d, pdf, err := f.svc.Document(f.as("owner"), id, document.SP)
	must(t, err)
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("document is not a PDF: %q", pdf[:min(len(pdf), 10)])
	}
	if got := f.text(t, `SELECT pdf_sha256 FROM order_documents WHERE order_id = $1 AND kind = 'sp'`, id); got != document.Hash(pdf) {
		t.Errorf("stored hash %s, rendered %s", got, document.Hash(pdf))
	}
	if d.Number != "001/SP/DINKES/XI/2026" || d.Regency != "PEMERINTAH KABUPATEN SOLOK SELATAN" || d.Place != "Padang Aro" {
		t.Errorf("heading = %q, %q, %q", d.Number, d.Regency, d.Place)
	}
	for label, want := range map[string]string{
		"Kode RUP":      "51230001",
		"Kode rekening": "5.1.02.01.01.0024",
		"Sumber dana":   "APBD",
		"Nama paket":    "Belanja paket big",
	} {
		if got := field(d, label); got != want {
			t.Errorf("field %s = %q, want %q", label, got, want)
		}
	}
	if d.From.Name != "PPK Dinkes" || d.From.ID != "NIP 19800101 200501 1 001" || d.To.Name != "Kopi Sangir Jaya" {
		t.Errorf("parties = %+v / %+v", d.From, d.To)
	}
	wantLines := []document.Line{
		{No: 1, Description: "Kertas HVS A4 70 gram", Unit: "rim", Qty: 10, UnitPrice: 50_000, Total: 500_000},
		{No: 2, Description: "Kopi Arabika Sangir 1 kg", Unit: "kg", Qty: 2, UnitPrice: 120_000, Total: 240_000},
	}
	if diff := cmp.Diff(d.Lines, wantLines); diff != "" {
		t.Errorf("lines (-got +want):\n%s", diff)
	}
	if d.Taxes.DPP != 740_000 || d.Taxes.PPN != 0 || d.Taxes.Gross != 740_000 || d.Total != 740_000 {
		t.Errorf("taxes %+v, total %d; want Rp740.000 without PPN", d.Taxes, d.Total)
	}
	if d.Terbilang != "tujuh ratus empat puluh ribu rupiah" {
		t.Errorf("terbilang = %q", d.Terbilang)
	}
	if len(d.Signers) != 2 || !d.Signers[0].SignedAt.Equal(now) || !d.Signers[1].SignedAt.IsZero() {
		t.Errorf("signers = %+v; want the PPK signed now, the supplier not yet", d.Signers)
	}
}

func TestDocument_NotIssuedOrHidden(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.AwaitingPPK)
	_, _, err := f.svc.Document(f.as("ppk"), id, document.SP)
	wantKind(t, err, apperr.NotFound)
	if got := apperr.Message(err); got != "Dokumen belum ada." {
		t.Errorf("message = %q", got)
	}
	f.signSP(t, id)
	_, _, err = f.svc.Document(f.as("pkp_owner"), id, document.SP)
	wantKind(t, err, apperr.NotFound)
}

func TestDocument_AlteredContentNoLongerMatchesItsSignature(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.AwaitingPPK)
	f.signSP(t, id)
	// Only someone bypassing Lapak can change a signed document.
	f.do(t, `ALTER TABLE order_documents DISABLE TRIGGER order_documents_immutable`)
	f.do(t, `UPDATE order_documents SET content = jsonb_set(content, '{Total}', '1') WHERE order_id = $1`, id)
	_, _, err := f.svc.Document(f.as("auditor"), id, document.SP)
	if err == nil || apperr.KindOf(err) != nil {
		t.Fatalf("err = %v, want an internal error", err)
	}
}

func TestDocument_KuitansiStatesTheTaxesWithheld(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.payable(t, false, line{"pkp_laptop", 1})
	f.makePKP(t, id)
	must(t, f.svc.SendInvoice(f.as("pkp_owner"), id, formKey()))
	must(t, f.svc.RecordPayment(f.as("treasurer"), id, ordering.PaymentInput{PaidOn: now, Method: "sp2d", Reference: "SP2D-0042"}, formKey()))

	d, _, err := f.svc.Document(f.as("pkp_owner"), id, document.Kuitansi)
	must(t, err)
	want := document.Taxes{DPP: 10_000_000, PPN: 1_100_000, Gross: 11_100_000, PPNCollected: 1_100_000, PPh22: 150_000,
		Net: 9_850_000, Notice: tax.Notice}
	if diff := cmp.Diff(d.Taxes, want); diff != "" {
		t.Errorf("taxes (-got +want):\n%s", diff)
	}
	if d.Number != "001/KW/DINKES/XI/2026" || d.Terbilang != "sebelas juta seratus ribu rupiah" {
		t.Errorf("number %q, terbilang %q", d.Number, d.Terbilang)
	}
	if got := field(d, "Nomor tagihan"); got != "001/INV/"+strconv.FormatInt(f.sup["pkp"], 10)+"/XI/2026" {
		t.Errorf("invoice reference = %q", got)
	}
	if d.From.Role != "Bendahara Pengeluaran" || d.To.Name != "CV Sungai Pagu Mandiri" {
		t.Errorf("parties = %+v / %+v", d.From, d.To)
	}
}

func TestSignSP_NumbersRestartEachYear(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	last := f.insertOrder(t, ordering.AwaitingPPK)
	first := f.insertOrder(t, ordering.AwaitingPPK)
	f.signSP(t, last)
	f.do(t, `UPDATE rup_packages SET fiscal_year = 2027 WHERE id = $1`, f.pkg["big"])
	f.clock = time.Date(2027, 1, 4, 9, 0, 0, 0, wib.Location)
	f.signSP(t, first)
	for id, want := range map[int64]string{last: "001/SP/DINKES/XI/2026", first: "001/SP/DINKES/I/2027"} {
		if got := f.spNumber(t, id); got != want {
			t.Errorf("SP number = %q, want %q", got, want)
		}
	}
}

func TestDocument_SignedBASTCannotBeChanged(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.Received)
	must(t, f.svc.SignBAST(f.as("ppk"), id, password, formKey()))
	_, err := f.db.Exec(t.Context(), `UPDATE order_documents SET number = 'palsu' WHERE order_id = $1`, id)
	if err == nil {
		t.Fatal("a signed document was changed")
	}
	d, _, err := f.svc.Document(f.as("treasurer"), id, document.BAST)
	must(t, err)
	if d.Number != "001/BAST/DINKES/XI/2026" {
		t.Errorf("BAST number = %q", d.Number)
	}
}

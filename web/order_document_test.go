package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"lapak/internal/document"
	"lapak/internal/rupiah"
	"lapak/internal/wib"
)

// orderDocSample is a signed kuitansi of two lines from a PKP supplier.
func orderDocSample() document.Data {
	at := time.Date(2026, time.November, 27, 10, 15, 0, 0, wib.Location)
	return document.Data{
		Kind: document.Kuitansi, Number: "031/KW/DINKES/XI/2026", Date: at, Place: "Padang Aro",
		Regency: "PEMERINTAH KABUPATEN SOLOK SELATAN", OPDName: "DINAS KESEHATAN", OPDAddress: "Jl. Lintas Sumatera Km 5, Padang Aro",
		Fields: []document.Field{{Label: "Kode RUP", Value: "48213577"}, {Label: "Untuk pembayaran", Value: "Belanja makan minum rapat"}},
		From:   document.Party{Name: "Nofrita Sari, S.E.", Role: "Bendahara Pengeluaran", ID: "NIP 19870505 201001 2 004"},
		To:     document.Party{Name: "CV Kopi Sangir Jaya", Role: "Penyedia", Address: "Jl. Raya Muara Labuh No. 12"},
		Lines: []document.Line{
			{No: 1, Description: "Nasi kotak rendang – paket rapat", Unit: "kotak", Qty: 50, UnitPrice: 35_000, Total: 1_750_000},
			{No: 2, Description: "Kopi Sangir bubuk <250 g>", Unit: "bungkus", Qty: 10, UnitPrice: 85_000, Total: 850_000},
		},
		Taxes: document.Taxes{DPP: 2_600_000, PPN: 286_000, Gross: 2_886_000, PPNCollected: 286_000, PPh22: 39_000,
			Net: 2_561_000, Notice: "Bukan nasihat pajak."},
		Total:      2_886_000,
		Terbilang:  rupiah.TerbilangRupiah(2_886_000),
		Paragraphs: []string{"Jumlah yang diterima penyedia setelah pajak: Rp2.561.000."},
		Signers: []document.Signature{
			{Caption: "Lunas dibayar, Bendahara Pengeluaran", Name: "Nofrita Sari, S.E.", SignedAt: at},
			{Caption: "Yang menerima", Name: "Yusuf Chaniago"},
		},
	}
}

// renderOrderDoc renders the page and parses it.
func renderOrderDoc(t *testing.T, d document.Data, sha, href string) (*goquery.Document, string) {
	t.Helper()
	var b strings.Builder
	if err := OrderDocument(d, sha, href).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return doc, b.String()
}

// The print page shows what the PDF shows: number, lines, taxes, total in
// figures and words, signatures and the hash, as a standalone Indonesian
// page with the app stylesheet and the way back to the order.
func TestOrderDocument_ShowsTheSignedContent(t *testing.T) {
	d := orderDocSample()
	sha := strings.Repeat("ab", 32)
	doc, _ := renderOrderDoc(t, d, sha, "/orders/42/documents/kuitansi.pdf")
	text := func(sel string) string { return strings.Join(strings.Fields(doc.Find(sel).Text()), " ") }

	checks := []struct{ name, got, want string }{
		{"lang", doc.Find("html").AttrOr("lang", ""), "id"},
		{"title", text("title"), "Kuitansi 031/KW/DINKES/XI/2026 · Lapak Solok Selatan"},
		{"stylesheet", doc.Find(`link[rel=stylesheet]`).AttrOr("href", ""), Asset("app.css")},
		{"heading", text("h1"), "KUITANSI Nomor: 031/KW/DINKES/XI/2026"},
		{"PDF link", doc.Find(`[data-testid=document-pdf]`).AttrOr("href", ""), "/orders/42/documents/kuitansi.pdf"},
		{"back link", doc.Find(`[data-testid=document-back]`).AttrOr("href", ""), "/orders/42"},
		{"back label", text(`[data-testid=document-back]`), "Kembali ke pesanan"},
		{"first field", text("dl.orderdoc-fields dt:first-child") + "=" + text("dl.orderdoc-fields dd:first-of-type"), "Kode RUP=48213577"},
		{"parties", text(".orderdoc-party:first-child h2") + "/" + text(".orderdoc-party:last-child h2"), "Pembayar/Penerima"},
		{"caption", text("table caption"), "Rincian barang/jasa"},
		{"escaped description", text("[data-testid=document-line]:nth-child(2) th"), "Kopi Sangir bubuk <250 g>"},
		{"line total", text("[data-testid=document-line]:first-child td:last-child"), "Rp1.750.000"},
		{"terbilang", text("[data-testid=document-terbilang]"), "Terbilang: Dua juta delapan ratus delapan puluh enam ribu rupiah"},
		{"notice", text(".orderdoc-notice"), "Bukan nasihat pajak."},
		{"place and date", text(".orderdoc-place"), "Padang Aro, 27 November 2026"},
		{"e-signature", text("[data-testid=document-signature]:first-child .orderdoc-esign"),
			"Ditandatangani secara elektronik di Lapak, Jumat, 27 November 2026 10.15 WIB"},
		{"unsigned", text("[data-testid=document-signature]:last-child .orderdoc-esign"), ""},
		{"sha", text("[data-testid=document-sha]"), sha},
		{"footnote", text(".orderdoc-foot p:first-child"), document.Footnote},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.got, c.want); diff != "" {
			t.Errorf("%s (-got +want):\n%s", c.name, diff)
		}
	}

	var sums []string
	doc.Find("[data-testid=document-sum]").Each(func(_ int, s *goquery.Selection) {
		sums = append(sums, s.Find("th").Text()+" "+s.Find("td").Text())
	})
	want := []string{"Dasar Pengenaan Pajak (DPP) Rp2.600.000", "PPN Rp286.000", "Jumlah termasuk PPN Rp2.886.000",
		"PPN dipungut bendahara Rp286.000", "PPh Pasal 22 dipotong Rp39.000", "Jumlah diterima penyedia Rp2.561.000"}
	if diff := cmp.Diff(sums, want); diff != "" {
		t.Errorf("sums (-got +want):\n%s", diff)
	}
}

// The page passes what axe checks and the CSP demands: every table header
// has a scope, the toolbar is a named landmark, and there are no inline
// styles or scripts (style-src and script-src are 'self').
func TestOrderDocument_AccessibleAndCSPClean(t *testing.T) {
	doc, html := renderOrderDoc(t, orderDocSample(), "", "/orders/42/documents/kuitansi.pdf")
	if n := doc.Find("th:not([scope])").Length(); n != 0 {
		t.Errorf("%d table headers without scope", n)
	}
	if n := doc.Find("[style], style").Length(); n != 0 {
		t.Errorf("%d inline styles", n)
	}
	if n := doc.Find("script").Length(); n != 0 {
		t.Errorf("%d scripts", n)
	}
	if doc.Find("nav[aria-label]").Length() != 1 || doc.Find("main").Length() != 1 {
		t.Error("want one named nav and one main")
	}
	if doc.Find("[data-testid=document-sha]").Length() != 0 {
		t.Error("an empty hash is shown")
	}
	if !strings.HasPrefix(html, "<!doctype html>") && !strings.HasPrefix(html, "<!DOCTYPE html>") {
		t.Errorf("page starts %q, want a doctype", html[:min(len(html), 20)])
	}
}

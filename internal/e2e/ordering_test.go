package e2e

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"lapak/internal/demo"
	"lapak/internal/ordering"
	"lapak/internal/rupiah"
	"lapak/internal/wib"
)

// The demo's people of Dinas Kesehatan and its supplier Kopi Sangir Jaya.
const (
	ordPP        = "pp@lapak.test"
	ordPPK       = "ppk@lapak.test"
	ordTreasurer = "bendahara@lapak.test"
	ordSupplier  = "081200000001"
	ordPPKName   = "dr. Yusnita Harahap"
)

// Two of Kopi Sangir Jaya's demo listings (internal/demo/catalog.go).
const (
	ordArabica = "Kopi arabika Solok Selatan biji sangrai 1 kg" // Rp180.000 per kg
	ordRobusta = "Kopi bubuk robusta Solok Selatan 500 gram"    // Rp65.000 per bungkus
)

// ordSelectContaining chooses the first option of select id whose label
// contains text, as a user reading the list would.
func ordSelectContaining(b *browser, id, text string) {
	b.t.Helper()
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const s = document.getElementById(%q);
		if (!s) { return false; }
		for (const o of s.options) { if (o.textContent.includes(%q)) { s.value = o.value; return true; } }
		return false; })()`, id, text)))
	if err != nil {
		b.t.Fatal(err)
	}
	if !ok {
		b.t.Fatalf("no option holding %q in #%s on %s", text, id, b.path())
	}
}

// ordSubmitUnguarded submits like b.submit, but keeps the page's script
// from seeing this one submit event (its double-click guard disables the
// clicked button, which drops the button's name=value from the form data).
func ordSubmitUnguarded(b *browser, css string) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`window.addEventListener("submit", e => e.stopImmediatePropagation(), {capture: true, once: true})`))
	b.submit(css)
}

// ordSelected returns the label of the chosen option of select id.
func ordSelected(b *browser, id string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(() => { const s = document.getElementById(%q); return s && s.selectedIndex >= 0 ? s.options[s.selectedIndex].textContent.trim() : ""; })()`, id)))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// ordField returns the id of the input in the order action form name
// (data-testid form-NAME) whose label holds label, e.g. a line's title.
func ordField(b *browser, form, label string) string {
	b.t.Helper()
	id, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const f = Array.from(document.querySelectorAll("[data-testid=form-%s] .field")).find(e => e.querySelector("label").textContent.includes(%q));
		const el = f && f.querySelector("input, textarea, select");
		return el ? el.id : ""; })()`, form, label)))
	if err != nil {
		b.t.Fatal(err)
	}
	if id == "" {
		b.t.Fatalf("form %s on %s has no field labelled %q", form, b.path(), label)
	}
	return id
}

// ordAct submits the order action form name and fails when the page
// comes back with the form's errors.
func ordAct(b *browser, form string) {
	b.t.Helper()
	b.submit("[data-testid=form-" + form + "] button[type=submit]")
	if b.count("[data-testid=form-errors]") != 0 {
		b.t.Fatalf("form %s refused on %s: %v", form, b.path(), texts(b, "[data-testid=form-errors]"))
	}
}

// ordExpectState checks the state badge of the order page.
func ordExpectState(b *browser, want ordering.State) {
	b.t.Helper()
	if b.count("[data-testid=order-state]") == 0 {
		b.t.Fatalf("at %s, want an order page in state %s (flash %v, errors %v)", b.path(), want,
			texts(b, "[data-testid=flash]"), texts(b, "[data-testid=form-errors], .fielderror"))
	}
	if got := attr(b, "[data-testid=order-state]", "data-state"); got != string(want) {
		b.t.Fatalf("order state %s, want %s (flash %v)", got, want, texts(b, "[data-testid=flash]"))
	}
	if got := b.text("[data-testid=order-state]"); got != want.Label() {
		b.t.Errorf("state badge %q, want %q", got, want.Label())
	}
}

// ordExpectFlash checks that the flash message holds want.
func ordExpectFlash(b *browser, want string) {
	b.t.Helper()
	got := texts(b, "[data-testid=flash]")
	if len(got) != 1 || !strings.Contains(got[0], want) {
		b.t.Errorf("on %s the flash says %q, want %q", b.path(), got, want)
	}
}

var ordOrderPath = regexp.MustCompile(`^/orders/(\d+)$`)

// ordOrderID returns the id of the order page the browser is on.
func ordOrderID(b *browser) string {
	b.t.Helper()
	m := ordOrderPath.FindStringSubmatch(b.path())
	if m == nil {
		b.t.Fatalf("at %s, want an order page", b.path())
	}
	return m[1]
}

// ordLinkExact returns the href of the first link matched by css whose text
// is exactly text, or "".
func ordLinkExact(b *browser, css, text string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(Array.from(document.querySelectorAll(%q)).find(a => a.textContent.trim() === %q) || {getAttribute: () => ""}).getAttribute("href") || ""`,
		css, text)))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// ordLineCells returns the order lines table as title → the texts of its
// cells (title, jumlah, dikirim, diterima, harga sebelum pajak, harga
// satuan, subtotal).
func ordLineCells(b *browser) map[string][]string {
	b.t.Helper()
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`JSON.stringify(Array.from(document.querySelectorAll("[data-testid=order-line]")).map(tr =>
			Array.from(tr.children).map(td => (td.firstChild ? td.firstChild.textContent : "").trim())))`))
	if err != nil {
		b.t.Fatal(err)
	}
	var rows [][]string
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		b.t.Fatal(err)
	}
	m := map[string][]string{}
	for _, r := range rows {
		if len(r) > 0 {
			m[r[0]] = r
		}
	}
	return m
}

// ordShippedReceived checks the shipped and received columns of the line with title.
func ordShippedReceived(b *browser, title string, shipped, received int) {
	b.t.Helper()
	row := ordLineCells(b)[title]
	if len(row) < 4 {
		b.t.Fatalf("no order line %q: %v", title, ordLineCells(b))
	}
	if row[2] != itoa(shipped) || row[3] != itoa(received) {
		b.t.Errorf("%s: shipped %s, received %s; want %d and %d", title, row[2], row[3], shipped, received)
	}
}

// ordFetched is a response fetched by the page's own session.
type ordFetched struct {
	Status      int
	Type        string
	Disposition string
	Body        []byte
}

// ordFetch downloads href with the browser's session, as the "Unduh PDF"
// link would, and returns the response.
func ordFetch(b *browser, href string) ordFetched {
	b.t.Helper()
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(async r => {
		const buf = new Uint8Array(await r.arrayBuffer());
		let s = "";
		for (let i = 0; i < buf.length; i += 0x8000) { s += String.fromCharCode.apply(null, buf.subarray(i, i + 0x8000)); }
		return JSON.stringify({status: r.status, type: r.headers.get("content-type") || "",
			disposition: r.headers.get("content-disposition") || "", body: btoa(s)});
	})`, href), chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("fetch %s: %v", href, err)
	}
	var raw struct {
		Status            int
		Type, Disposition string
		Body              string
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		b.t.Fatal(err)
	}
	body, err := base64.StdEncoding.DecodeString(raw.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return ordFetched{Status: raw.Status, Type: raw.Type, Disposition: raw.Disposition, Body: body}
}

// ordDocument is one signed document as the order page lists it.
type ordDocument struct {
	Title, SHA, HTML, PDF string
}

// ordDocuments reads the documents section of the order page.
func ordDocuments(b *browser) []ordDocument {
	b.t.Helper()
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`JSON.stringify(Array.from(document.querySelectorAll("[data-testid=documents] > li")).map(li => ({
			title: li.querySelector("strong").textContent.trim(),
			sha: li.querySelector(".sha").textContent.replace("SHA-256 PDF:", "").trim(),
			html: li.querySelector("[data-testid=document-html]").getAttribute("href"),
			pdf: li.querySelector("[data-testid=document-pdf]").getAttribute("href")})))`))
	if err != nil {
		b.t.Fatal(err)
	}
	var docs []ordDocument
	if err := json.Unmarshal([]byte(out), &docs); err != nil {
		b.t.Fatal(err)
	}
	return docs
}

var ordRatingCount = regexp.MustCompile(`\((\d+) penilaian PPK`)

// ordRatings returns how many PPK ratings the rating summary on the page counts.
func ordRatings(b *browser) int {
	b.t.Helper()
	s := b.text("[data-testid=rating-summary]")
	m := ordRatingCount.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// ordAddToCart puts qty of the listing page the browser is on, title, in the cart.
func ordAddToCart(b *browser, title string, qty int) {
	b.t.Helper()
	if got := b.text("[data-testid=listing-title]"); got != title {
		b.t.Fatalf("listing %s is %q, want %q", b.path(), got, title)
	}
	b.fill("cart-qty", itoa(qty))
	b.submit("[data-testid=cart-add] button[type=submit]")
	if got := b.path(); got != "/cart" {
		b.t.Fatalf("after adding %s got %s (flash %v)", title, got, texts(b, "[data-testid=flash]"))
	}
	ordExpectFlash(b, "Ditambahkan ke keranjang")
}

// ordSignIn signs in as login and checks that it worked.
func ordSignIn(b *browser, login string) {
	b.t.Helper()
	b.login(login, demo.Password)
	if got := b.path(); got != "/dashboard" {
		b.t.Fatalf("sign-in as %s got %s, want /dashboard", login, got)
	}
}

// ordDate is the date days from today in WIB, as date inputs take it.
func ordDate(days int) string { return wib.ISODate(time.Now().AddDate(0, 0, days)) }

// ordSPNumber matches a Surat Pesanan number of Dinas Kesehatan this
// month, e.g. 027/SP/DINKES/XI/2026.
func ordSPNumber() *regexp.Regexp {
	now := time.Now().In(wib.Location)
	return regexp.MustCompile(`^\d{3}/SP/DINKES/` + wib.RomanMonth(now.Month()) + `/` + strconv.Itoa(now.Year()) + `$`)
}

// Dinas Kesehatan buys coffee from Kopi Sangir Jaya: the PP fills the cart
// from the catalog and the storefront, checks the rules and orders with a
// negotiation; the supplier counters and the PP accepts; the PPK signs the
// SP; the supplier delivers in two shipments, the PPK inspects each and
// signs the BAST; the supplier invoices, the treasurer pays, the supplier
// confirms, the PPK rates. All four documents print and download as signed,
// and the timeline tells it all in order.
func TestBrowser_OrderingJourney(t *testing.T) {
	base, _ := startLapak(t)
	b := newBrowser(t, base, true)
	const (
		arabicaQty, robustaQty     = 12, 4
		arabicaPrice, robustaPrice = 180_000, 65_000 // list prices; Kopi Sangir Jaya is not PKP, so no PPN
		buyerOffer, counter        = 160_000, 170_000
		firstShip                  = 2 // of the robusta; the arabica ships whole at once
		reference                  = "SP2D-00912/LS/DINKES/2026"
		comment                    = "Kopi sesuai pesanan; robusta datang dalam dua kiriman."
	)
	agreed := int64(arabicaQty*counter + robustaQty*robustaPrice)

	// 1. The PP finds the arabica in the catalog and the robusta on the
	// supplier's storefront, and puts both in the cart.
	ordSignIn(b, ordPP)
	b.visit("/catalog?q=" + url.QueryEscape("kopi arabika sangrai"))
	arabicaHref := hrefWithText(b, "[data-testid=result-title]", ordArabica)
	if arabicaHref == "" {
		t.Fatalf("search finds no %q: %v", ordArabica, texts(b, "[data-testid=result-title]"))
	}
	b.visit(arabicaHref)
	listingRatings := ordRatings(b)
	storeHref := attr(b, "[data-testid=listing-supplier]", "href")
	if got := b.text("[data-testid=listing-supplier]"); got != "Kopi Sangir Jaya" {
		t.Fatalf("the arabica's supplier is %q", got)
	}
	ordAddToCart(b, ordArabica, arabicaQty)
	b.visit(storeHref)
	storeRatings := ordRatings(b)
	robustaHref := hrefWithText(b, "[data-testid=result-title]", ordRobusta)
	if robustaHref == "" {
		t.Fatalf("the storefront %s lists no %q: %v", storeHref, ordRobusta, texts(b, "[data-testid=result-title]"))
	}
	b.visit(robustaHref)
	ordAddToCart(b, ordRobusta, robustaQty)
	if n := b.count("[data-testid=cart]"); n != 1 {
		t.Fatalf("%d carts, want one for Kopi Sangir Jaya", n)
	}
	if n := b.count("[data-testid=cart-item]"); n != 2 {
		t.Fatalf("the cart has %d lines, want 2", n)
	}
	if got, want := b.text("[data-testid=cart-total]"), rupiah.Format(arabicaQty*arabicaPrice+robustaQty*robustaPrice); got != want {
		t.Errorf("cart total %s, want %s", got, want)
	}

	// Checkout: package, PPK, delivery, negotiation; the rules first.
	b.submit("[data-testid=cart-checkout]")
	if !strings.HasPrefix(b.path(), "/checkout/") {
		t.Fatalf("checkout at %s", b.path())
	}
	ordSelectContaining(b, "package_id", "43170268") // Makanan dan Minuman Rapat
	b.fill("requested_date", ordDate(7))
	b.fill("address", "Dinas Kesehatan Kabupaten Solok Selatan, ruang rapat lantai 2, Padang Aro")
	b.fill("notes", "Konsumsi rapat koordinasi puskesmas; mohon kemasan tertutup rapat.")
	b.do(chromedpClickCSS("input[name=negotiate]"))
	b.submit("button[name=action][value=check]")
	if b.count("[data-testid=checkout-rules]") != 1 {
		t.Fatalf("no rule outcomes after Periksa aturan (errors %v)", texts(b, "[data-testid=form-errors]"))
	}
	verdicts := map[string]string{}
	n := b.count("[data-testid=checkout-rules] [data-testid=rule-result]")
	for i := 1; i <= n; i++ {
		row := fmt.Sprintf("[data-testid=checkout-rules] [data-testid=rule-result]:nth-child(%d)", i)
		verdicts[attr(b, row, "data-rule")] = attr(b, row, "data-verdict")
	}
	// A small order of local coffee from a verified UMKM passes every rule.
	for _, rule := range []string{"ceiling", "eligible_supplier", "package_budget", "split"} {
		if _, ok := verdicts[rule]; !ok {
			t.Errorf("rule %s not shown at checkout (shown: %v)", rule, verdicts)
		}
	}
	for rule, v := range verdicts {
		if v != "pass" {
			t.Errorf("rule %s: %q at checkout, want pass", rule, v)
		}
	}
	if b.count("[data-testid=checkout-form] [data-testid=taxes]") != 1 {
		t.Error("checkout shows no tax breakdown")
	}
	if got := ordSelected(b, "ppk_user_id"); got != ordPPKName {
		t.Errorf("PPK %q after choosing the package, want the package's PPK %s", got, ordPPKName)
	}
	if v := value(b, "address"); !strings.Contains(v, "ruang rapat lantai 2") {
		t.Errorf("the address typed was lost after Periksa aturan: %q", v)
	}
	b.submit("button[name=action][value=place]")
	if b.count("[data-testid=order-state]") == 0 && b.count("[data-testid=form-errors]") == 0 {
		t.Errorf("BUG: with JavaScript on, Kirim pesanan only checks the rules again and places no order: " +
			"web/static/app.js disables the clicked button in its submit handler, so the browser leaves " +
			"action=place out of the form data and /checkout/{id} takes it for Periksa aturan")
		ordSubmitUnguarded(b, "button[name=action][value=place]")
	}
	ordExpectState(b, ordering.Negotiating)
	ordExpectFlash(b, "Pesanan terkirim")
	id := ordOrderID(b)
	if got := b.text("[data-testid=order-summary]"); !strings.Contains(got, "43170268") || !strings.Contains(got, ordPPKName) {
		t.Errorf("the order's summary %q lacks the Kode RUP or the PPK", got)
	}

	// The PP's first offer: less for the arabica.
	b.fill(ordField(b, "offer", ordArabica), itoa(buyerOffer))
	b.fill("offer-note", "Untuk konsumsi rapat rutin; mohon harga khusus arabika.")
	ordAct(b, "offer")
	ordExpectFlash(b, "Penawaran terkirim")
	ordExpectState(b, ordering.Negotiating)
	if got := b.text("[data-testid=negotiation-wait]"); !strings.Contains(got, "Penyedia") {
		t.Errorf("after the offer the PP reads %q, want to wait for the supplier", got)
	}
	b.logout()

	// 2. The supplier finds it in the inbox and counters between the two.
	ordSignIn(b, ordSupplier)
	b.visit("/orders")
	href := ordLinkExact(b, "[data-testid=order-row] a", "#"+id)
	if href != "/orders/"+id {
		t.Fatalf("the supplier's inbox links %q for order #%s", href, id)
	}
	b.visit(href)
	ordExpectState(b, ordering.Negotiating)
	if b.count("[data-testid=offers] tbody tr") != 1 {
		t.Errorf("the supplier sees %d offers, want the PP's one", b.count("[data-testid=offers] tbody tr"))
	}
	b.fill(ordField(b, "offer", ordArabica), rupiah.Format(counter))
	b.fill("offer-note", "Harga terendah kami untuk arabika petik merah.")
	ordAct(b, "offer")
	ordExpectFlash(b, "Penawaran terkirim")
	if got := b.text("[data-testid=order-total]"); got != rupiah.Format(agreed) {
		t.Errorf("total after the counter-offer %s, want %s", got, rupiah.Format(agreed))
	}
	b.logout()

	// The PP accepts the supplier's price.
	ordSignIn(b, ordPP)
	b.visit("/orders/" + id)
	ordAct(b, "accept-offer")
	ordExpectFlash(b, "Penawaran diterima")
	ordExpectState(b, ordering.AwaitingPPK)
	if got := ordLineCells(b)[ordArabica]; len(got) < 5 || got[4] != rupiah.Format(counter) {
		t.Errorf("arabica line %v, want the agreed %s before tax", got, rupiah.Format(counter))
	}
	if n := b.count("[data-testid=offers] tbody tr"); n != 2 {
		t.Errorf("negotiation history has %d offers, want 2", n)
	}
	b.logout()

	// 3. The PPK signs the SP: a mistyped password first.
	ordSignIn(b, ordPPK)
	b.visit("/orders/" + id)
	b.fill("sign-password", "bukan kata sandi saya")
	b.submit("[data-testid=form-sign] button[type=submit]")
	if b.count("[data-testid=form-errors]") != 1 || attr(b, "#sign-password", "aria-invalid") != "true" {
		t.Errorf("a wrong password signs or shows no error: %v", texts(b, "[data-testid=form-errors]"))
	}
	ordExpectState(b, ordering.AwaitingPPK)
	b.fill("sign-password", demo.Password)
	ordAct(b, "sign")
	ordExpectFlash(b, "Surat Pesanan ditandatangani")
	ordExpectState(b, ordering.AwaitingSupplier)
	sp := b.text("[data-testid=sp-number]")
	if !ordSPNumber().MatchString(sp) {
		t.Errorf("SP number %q, want %s", sp, ordSPNumber())
	}
	if got := b.text("h1"); !strings.Contains(got, sp) {
		t.Errorf("the order page's title %q does not carry the SP number", got)
	}
	b.logout()

	// 4. The supplier accepts, ships the arabica and half the robusta.
	ordSignIn(b, ordSupplier)
	b.visit("/orders/" + id)
	ordAct(b, "accept")
	ordExpectFlash(b, "Surat Pesanan diterima")
	ordExpectState(b, ordering.Processing)
	if got := value(b, ordField(b, "ship", ordArabica)); got != itoa(arabicaQty) {
		t.Errorf("the shipment form proposes %s arabica, want all %d", got, arabicaQty)
	}
	b.fill(ordField(b, "ship", ordRobusta), itoa(firstShip))
	b.fill("ship-note", "Surat jalan 014/KSJ/2026; sisa robusta menunggu kemasan baru.")
	ordAct(b, "ship")
	ordExpectFlash(b, "Pengiriman dicatat")
	ordExpectState(b, ordering.Shipped)
	ordShippedReceived(b, ordArabica, arabicaQty, 0)
	ordShippedReceived(b, ordRobusta, firstShip, 0)
	b.logout()

	// The PPK inspects the first shipment without closing the delivery.
	ordSignIn(b, ordPPK)
	b.visit("/orders/" + id)
	b.fill(ordField(b, "inspect", ordArabica), itoa(arabicaQty))
	b.fill(ordField(b, "inspect", ordRobusta), itoa(firstShip))
	b.do(chromedpClickCSS("[data-testid=form-inspect] input[name=fungsi]"))
	b.do(chromedpClickCSS("[data-testid=form-inspect] input[name=waktu]"))
	b.fill("inspect-notes", "Arabika lengkap; robusta baru 2 dari 4 bungkus.")
	ordAct(b, "inspect")
	ordExpectFlash(b, "Pemeriksaan dicatat")
	ordExpectState(b, ordering.Shipped)
	ordShippedReceived(b, ordArabica, arabicaQty, arabicaQty)
	ordShippedReceived(b, ordRobusta, firstShip, firstShip)
	if b.count("[data-testid=form-bast]") != 0 {
		t.Error("the BAST can be signed before the delivery is closed")
	}
	b.logout()

	// The supplier ships the rest: only the robusta is left to ship.
	ordSignIn(b, ordSupplier)
	b.visit("/orders/" + id)
	if n := b.count("[data-testid=form-ship] input[type=number]"); n != 1 {
		t.Errorf("the second shipment form has %d lines, want only the robusta", n)
	}
	if got := value(b, ordField(b, "ship", ordRobusta)); got != itoa(robustaQty-firstShip) {
		t.Errorf("the second shipment proposes %s robusta, want the %d left", got, robustaQty-firstShip)
	}
	b.fill("ship-note", "Surat jalan 015/KSJ/2026; pelunasan kiriman.")
	ordAct(b, "ship")
	ordExpectState(b, ordering.Shipped)
	ordShippedReceived(b, ordRobusta, robustaQty, firstShip)
	if b.count("[data-testid=form-ship]") != 0 {
		t.Error("a shipment form is still offered with everything shipped")
	}
	if n := b.count("[data-testid=shipments] > li"); n != 2 {
		t.Errorf("%d shipments listed, want 2", n)
	}
	b.logout()

	// 5. The PPK inspects the rest, closes the delivery and signs the BAST.
	ordSignIn(b, ordPPK)
	b.visit("/orders/" + id)
	if got := value(b, ordField(b, "inspect", ordRobusta)); got != itoa(robustaQty-firstShip) {
		t.Errorf("the inspection proposes %s robusta received, want %d", got, robustaQty-firstShip)
	}
	for _, box := range []string{"fungsi", "jumlah", "waktu", "complete"} {
		b.do(chromedpClickCSS("[data-testid=form-inspect] input[name=" + box + "]"))
	}
	b.fill("inspect-notes", "Sisa robusta diterima; semua kemasan utuh.")
	ordAct(b, "inspect")
	ordExpectState(b, ordering.Received)
	ordShippedReceived(b, ordRobusta, robustaQty, robustaQty)
	if n := b.count("[data-testid=inspections] > li"); n != 2 {
		t.Errorf("%d inspections listed, want 2", n)
	}
	b.fill("bast-password", demo.Password)
	ordAct(b, "bast")
	ordExpectFlash(b, "BAST ditandatangani")
	ordExpectState(b, ordering.AwaitingPayment)
	b.logout()

	// 6. The supplier invoices; the treasurer pays; the supplier confirms.
	ordSignIn(b, ordSupplier)
	b.visit("/orders/" + id)
	ordAct(b, "invoice")
	ordExpectFlash(b, "Tagihan terkirim")
	ordExpectState(b, ordering.AwaitingPayment)
	b.logout()

	ordSignIn(b, ordTreasurer)
	b.visit("/orders")
	href = ordLinkExact(b, "[data-testid=order-row] a", sp)
	if href != "/orders/"+id {
		t.Fatalf("the treasurer's payment queue links %q for %s", href, sp)
	}
	b.visit(href)
	// Kopi Sangir Jaya is not PKP and holds a PP 55/2022 certificate: no
	// PPN, and 0,5% final income tax instead of PPh 22.
	pp55 := agreed / 200
	if got := b.text("[data-testid=form-pay] [data-testid=tax-net]"); got != rupiah.Format(agreed-pp55) {
		t.Errorf("the payment form says the supplier receives %s, want %s", got, rupiah.Format(agreed-pp55))
	}
	if got := b.text("[data-testid=form-pay] [data-testid=taxes]"); !strings.Contains(got, "PP 55/2022") || !strings.Contains(got, rupiah.Format(pp55)) {
		t.Errorf("the payment form's taxes %q lack the PP 55 final tax %s", got, rupiah.Format(pp55))
	}
	b.do(chromedpSelectByLabel("pay-method", ordering.MethodLabel("sp2d")))
	b.fill("pay-reference", reference)
	ordAct(b, "pay")
	ordExpectFlash(b, "Pembayaran dicatat")
	ordExpectState(b, ordering.Paid)
	if got := b.text("[data-testid=payment]"); !strings.Contains(got, reference) || !strings.Contains(got, ordering.MethodLabel("sp2d")) ||
		!strings.Contains(got, rupiah.Format(agreed-pp55)) {
		t.Errorf("payment recorded as %q", got)
	}
	b.logout()

	ordSignIn(b, ordSupplier)
	b.visit("/orders/" + id)
	ordAct(b, "confirm-payment")
	ordExpectFlash(b, "Pesanan selesai")
	ordExpectState(b, ordering.Completed)
	b.logout()

	// The PPK rates the supplier; the rating shows on the listing.
	ordSignIn(b, ordPPK)
	b.visit("/orders/" + id)
	for name, score := range map[string]string{"on_time": "4", "as_described": "5", "communication": "5"} {
		b.do(chromedpClickCSS("[data-testid=form-rate] input[name=" + name + "][value='" + score + "']"))
	}
	b.fill("rate-comment", comment)
	ordAct(b, "rate")
	ordExpectFlash(b, "penilaian disimpan")
	if got := b.text("[data-testid=rating]"); !strings.Contains(got, "4 dari 5") || !strings.Contains(got, comment) {
		t.Errorf("rating shown as %q", got)
	}
	if b.count("[data-testid=form-rate]") != 0 {
		t.Error("the rating form is still offered after rating")
	}

	// 7. The four documents: print views and PDFs, as signed.
	docs := ordDocuments(b)
	var kinds []string
	for _, d := range docs {
		kinds = append(kinds, path.Base(d.HTML))
	}
	if diff := cmp.Diff(kinds, []string{"sp", "bast", "invoice", "kuitansi"}); diff != "" {
		t.Errorf("documents (-got +want):\n%s", diff)
	}
	for _, d := range docs {
		b.visit(d.HTML)
		if got := b.text("[data-testid=document-sha]"); got != d.SHA {
			t.Errorf("%s: print view shows SHA-256 %s, the order page %s", d.Title, got, d.SHA)
		}
		if got := strings.TrimPrefix(b.text("[data-testid=document-number]"), "Nomor: "); got == "" || !strings.HasSuffix(d.Title, " "+got) {
			t.Errorf("%s: print view numbered %q", d.Title, got)
		}
		if attr(b, "[data-testid=document-toolbar] [data-testid=document-pdf]", "href") != d.PDF {
			t.Errorf("%s: the print view's PDF link differs from the order page's", d.Title)
		}
		f := ordFetch(b, d.PDF)
		sum := sha256.Sum256(f.Body)
		switch {
		case f.Status != 200:
			t.Errorf("%s: PDF status %d", d.Title, f.Status)
		case f.Type != "application/pdf" || !strings.HasPrefix(f.Disposition, "attachment"):
			t.Errorf("%s: PDF sent as %q, %q", d.Title, f.Type, f.Disposition)
		case !strings.HasPrefix(string(f.Body), "%PDF-"):
			t.Errorf("%s: the download is not a PDF: %.20q", d.Title, f.Body)
		case hex.EncodeToString(sum[:]) != d.SHA:
			t.Errorf("%s: the PDF's SHA-256 is %x, the page shows %s", d.Title, sum, d.SHA)
		}
	}
	if len(docs) > 0 && !strings.HasSuffix(docs[0].Title, sp) {
		t.Errorf("the first document is %q, want the Surat Pesanan %s", docs[0].Title, sp)
	}
	if len(docs) == 4 {
		b.visit(docs[3].HTML)
		if got := strings.ToLower(b.text("[data-testid=document-terbilang]")); !strings.Contains(got, rupiah.Terbilang(agreed)) {
			t.Errorf("the kuitansi says %q, want %q in words", got, rupiah.Terbilang(agreed))
		}
	}

	// 8. The timeline tells the story in order.
	b.visit("/orders/" + id)
	want := []string{
		"Pesanan dibuat", "Penawaran harga", "Penawaran harga", "Penawaran diterima",
		"Surat Pesanan ditandatangani PPK", "Surat Pesanan diterima penyedia",
		"Pengiriman dicatat", "Pemeriksaan barang dicatat", "Pengiriman dicatat", "Pemeriksaan barang dicatat",
		"BAST ditandatangani", "Tagihan dikirim", "Pembayaran dicatat", "Pembayaran dikonfirmasi penyedia", "Penilaian diberikan",
	}
	if diff := cmp.Diff(texts(b, "[data-testid=timeline] > li > strong"), want); diff != "" {
		t.Errorf("timeline (-got +want):\n%s", diff)
	}

	// The listing counts the new rating.
	b.visit(arabicaHref)
	if got := ordRatings(b); got != listingRatings+1 {
		t.Errorf("the arabica shows %d PPK ratings, want %d (%q)", got, listingRatings+1, b.text("[data-testid=rating-summary]"))
	}
	b.visit(storeHref)
	if got := ordRatings(b); got != storeRatings+1 {
		t.Errorf("the storefront shows %d PPK ratings, want %d (%q)", got, storeRatings+1, b.text("[data-testid=rating-summary]"))
	}
}

// With scripts off, a PP still orders and the PPK still signs the SP: the
// pages are plain forms.
func TestBrowser_OrderingWithoutJavaScript(t *testing.T) {
	base, _ := startLapak(t)
	b := newBrowser(t, base, false)

	ordSignIn(b, ordPP)
	b.visit("/catalog?q=" + url.QueryEscape("kopi arabika sangrai"))
	href := hrefWithText(b, "[data-testid=result-title]", ordArabica)
	if href == "" {
		t.Fatalf("search finds no %q", ordArabica)
	}
	b.visit(href)
	ordAddToCart(b, ordArabica, 3)
	b.submit("[data-testid=cart-checkout]")
	ordSelectContaining(b, "package_id", "43170275") // Jamuan Tamu
	b.fill("requested_date", ordDate(5))
	// The demo's Dinas Kesehatan has no address on file to propose.
	b.fill("address", "Dinas Kesehatan Kabupaten Solok Selatan, Padang Aro")
	b.submit("button[name=action][value=check]")
	if b.count("[data-testid=checkout-rules] [data-testid=rule-result][data-verdict=refuse]") != 0 {
		t.Fatalf("a rule refuses: %v", texts(b, "[data-testid=checkout-rules] [data-testid=rule-result]"))
	}
	if got := ordSelected(b, "ppk_user_id"); got != ordPPKName {
		t.Errorf("PPK %q, want %s", got, ordPPKName)
	}
	b.submit("button[name=action][value=place]")
	ordExpectState(b, ordering.AwaitingPPK)
	ordExpectFlash(b, "Pesanan terkirim")
	id := ordOrderID(b)
	if got := b.text("[data-testid=order-total]"); got != rupiah.Format(3*180_000) {
		t.Errorf("order total %s, want the list price of 3 kg", got)
	}
	b.logout()

	ordSignIn(b, ordPPK)
	b.visit("/orders/" + id)
	b.fill("sign-password", demo.Password)
	ordAct(b, "sign")
	ordExpectState(b, ordering.AwaitingSupplier)
	if sp := b.text("[data-testid=sp-number]"); !ordSPNumber().MatchString(sp) {
		t.Errorf("SP number %q, want %s", sp, ordSPNumber())
	}
	if n := b.count("[data-testid=documents] > li"); n != 1 {
		t.Errorf("%d documents after signing, want the Surat Pesanan", n)
	}
}

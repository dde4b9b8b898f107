package server_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"lapak/internal/auth"
	"lapak/internal/notify"
	"lapak/internal/upload/uploadtest"
	"lapak/internal/wib"
)

// The ordering pages in the route × role table. Routes with an order {id}
// get an id that is no order in the matrix: the roles let through see 404,
// the others are refused by the route's role group before the domain.
func init() {
	viewers := roles("pp", "ppk", "treasurer", "supplier", "admin", "auditor")
	buyers := roles("pp", "ppk")
	negotiators := roles("pp", "ppk", "supplier")
	ppk, sup := roles("ppk"), roles("supplier")
	for route, a := range map[string]access{
		"GET /cart":           buyers,
		"POST /cart":          buyers,
		"POST /cart/{id}":     buyers,
		"GET /checkout/{id}":  buyers,
		"POST /checkout/{id}": buyers,

		"GET /orders":                       viewers,
		"GET /orders/{id}":                  viewers,
		"GET /orders/{id}/documents/{kind}": viewers,
		"GET /orders/{id}/photos/{key}":     viewers,

		"POST /orders/{id}/offer":           negotiators,
		"POST /orders/{id}/accept-offer":    negotiators,
		"POST /orders/{id}/end-negotiation": negotiators,
		"POST /orders/{id}/cancel":          buyers,
		"POST /orders/{id}/inspect":         buyers,
		"POST /orders/{id}/sign":            ppk,
		"POST /orders/{id}/reject":          ppk,
		"POST /orders/{id}/bast":            ppk,
		"POST /orders/{id}/rate":            ppk,
		"POST /orders/{id}/accept":          sup,
		"POST /orders/{id}/decline":         sup,
		"POST /orders/{id}/ship":            sup,
		"POST /orders/{id}/invoice":         sup,
		"POST /orders/{id}/confirm-payment": sup,
		"POST /orders/{id}/pay":             roles("treasurer"),

		"GET /notifications":       signedIn,
		"POST /notifications/read": signedIn,
	} {
		routeAccess[route] = a
	}
}

// orderEnv is an env whose supplier can be ordered from: a UMKM with a
// published listing (Rp50.000 a rim, 100 in stock), and a RUP package of
// the fixture OPD for this year whose PPK is the fixture PPK.
type orderEnv struct {
	*env
	listing int64
	pkg     int64
}

func newOrderEnv(t *testing.T) *orderEnv {
	t.Helper()
	e := &orderEnv{env: newCatalogEnv(t)} // a data folder for inspection photos
	ctx := context.Background()
	if _, err := e.db.Exec(ctx, `UPDATE suppliers SET scale = 'mikro' WHERE id = $1`, e.supID); err != nil {
		t.Fatal(err)
	}
	err := e.db.QueryRow(ctx, `INSERT INTO listings (supplier_id, kind, title, category_id, unit, price, stock, status, published_at)
		SELECT $1, 'goods', 'Kertas HVS A4 70 gram', id, 'rim', 50000, 100, 'published', now() FROM categories WHERE code = 'KAT01'
		RETURNING id`, e.supID).Scan(&e.listing)
	if err != nil {
		t.Fatal(err)
	}
	err = e.db.QueryRow(ctx, `INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, account_code, fiscal_year, ppk_user_id)
		VALUES ($1, '51239001', 'Belanja alat tulis kantor', 50000000, 'APBD', '5.1.02.01.01.0024', $2, $3) RETURNING id`,
		e.opdID, time.Now().In(wib.Location).Year(), e.users["ppk"].ID).Scan(&e.pkg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// insertOrder writes an order of 10 rim straight into state, for tests of
// the pages of later steps; it returns the order id.
func (e *orderEnv) insertOrder(t *testing.T, state string) int64 {
	t.Helper()
	ctx := context.Background()
	var sp any
	switch state {
	case "negotiating", "awaiting_ppk", "cancelled", "rejected_by_ppk", "expired":
	default:
		sp = fmt.Sprintf("%03d/SP/DINKES/XI/2026", countRows(t, e.env, `SELECT count(*) FROM orders`)+1)
	}
	turn := any(nil)
	if state == "negotiating" {
		turn = "buyer"
	}
	reason, ended := "", any(nil)
	switch state {
	case "cancelled", "rejected_by_ppk", "rejected_by_supplier", "expired":
		reason, ended = "alasan uji", time.Now()
	}
	var id int64
	err := e.db.QueryRow(ctx, `INSERT INTO orders (opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key,
		delivery_address, requested_date, supplier_pkp, supplier_pp55, total, negotiation_turn, rule_outcome, sp_number, end_reason, ended_at, placed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'Jl. Pemuda No. 1, Padang Aro', current_date + 7, false, false, 500000, $8, '{"results": []}', $9, $10, $11, now())
		RETURNING id`, e.opdID, e.supID, e.pkg, e.users["pp"].ID, e.users["ppk"].ID, state, fmt.Sprintf("uji-%d", time.Now().UnixNano()),
		turn, sp, reason, ended).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	shipped := 0
	if state == "shipped" {
		shipped = 10
	}
	_, err = e.db.Exec(ctx, `INSERT INTO order_lines (order_id, position, listing_id, title, unit, kind, category_id, qty, list_price, unit_dpp, unit_price, total, shipped_qty)
		SELECT $1, 1, id, title, unit, kind, category_id, 10, price, price, price, price * 10, $3 FROM listings WHERE id = $2`, id, e.listing, shipped)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func orderPath(id int64, rest string) string { return "/orders/" + strconv.FormatInt(id, 10) + rest }

// formKey returns the idempotency key of the form marked data-testid=testid.
func formKey(t *testing.T, d *goquery.Document, testid string) string {
	t.Helper()
	key, ok := byTestID(d, testid).Find(`input[name="key"]`).Attr("value")
	if !ok || len(key) != 32 {
		t.Fatalf("form %s has key %q, want 32 hex digits", testid, key)
	}
	return key
}

// TestOrderHTTP_CartToOrder follows a PP from the listing to a placed
// order: the rules are checked before anything is written, and a second
// submit of the same form (a double click, a retried request) gives the
// same order, not two.
func TestOrderHTTP_CartToOrder(t *testing.T) {
	t.Parallel()
	e := newOrderEnv(t)
	pp := e.login("pp")

	if n := byTestID(doc(t, e.get(pp, "/listings/"+strconv.FormatInt(e.listing, 10))), "cart-add").Length(); n != 1 {
		t.Fatalf("listing page has %d add-to-cart forms for a PP, want 1", n)
	}
	res := e.post(pp, "/cart", url.Values{"listing_id": {strconv.FormatInt(e.listing, 10)}, "qty": {"10"}})
	wantStatus(t, res, http.StatusSeeOther, "/cart")
	d := doc(t, e.get(pp, "/cart"))
	if n := byTestID(d, "cart-item").Length(); n != 1 {
		t.Fatalf("cart shows %d items, want 1", n)
	}
	if got := textOf(d, "cart-total"); got != "Rp500.000" {
		t.Errorf("cart total %q, want Rp500.000", got)
	}

	checkout := "/checkout/" + strconv.FormatInt(e.supID, 10)
	res = e.get(pp, checkout)
	wantStatus(t, res, http.StatusOK, "")
	d = doc(t, res)
	form := url.Values{
		"key":            {formKey(t, d, "checkout-form")},
		"package_id":     {strconv.FormatInt(e.pkg, 10)},
		"requested_date": {wib.ISODate(time.Now().AddDate(0, 0, 7))},
		"address":        {"Gudang Dinas Kesehatan, Jl. Pemuda No. 1, Padang Aro"},
		"action":         {"check"},
	}
	res = e.post(pp, checkout, form)
	wantStatus(t, res, http.StatusOK, "")
	d = doc(t, res)
	if n := d.Find(`[data-testid="checkout-rules"] [data-testid="rule-result"][data-verdict="pass"]`).Length(); n != 5 {
		t.Errorf("%d rules pass, want all 5:\n%s", n, textOf(d, "checkout-rules"))
	}
	if textOf(d, "tax-notice") == "" {
		t.Error("checkout shows taxes without the notice that they are not tax advice")
	}
	ppkID, _ := d.Find(`select#ppk_user_id option[selected]`).Attr("value")
	if want := strconv.FormatInt(e.users["ppk"].ID, 10); ppkID != want {
		t.Errorf("PPK preselected %q, want the package's PPK %s", ppkID, want)
	}
	if countRows(t, e.env, `SELECT count(*) FROM orders`) != 0 {
		t.Fatal("checking the rules wrote an order")
	}

	form.Set("ppk_user_id", ppkID)
	form.Set("action", "place")
	res = e.post(pp, checkout, form)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/orders/") {
		t.Fatalf("place: got %d (Location %q), want 303 to the order:\n%s", res.StatusCode, res.Header.Get("Location"), doc(t, res).Text())
	}
	placed := res.Header.Get("Location")
	wantStatus(t, e.post(pp, checkout, form), http.StatusSeeOther, placed)
	if n := countRows(t, e.env, `SELECT count(*) FROM orders`); n != 1 {
		t.Errorf("two submits of one form made %d orders, want 1", n)
	}

	d = doc(t, e.get(pp, placed))
	if st, _ := byTestID(d, "order-state").Attr("data-state"); st != "awaiting_ppk" {
		t.Errorf("placed order is %q, want awaiting_ppk", st)
	}
	if textOf(d, "flash") == "" {
		t.Error("no flash after placing the order")
	}
}

// TestOrderHTTP_CheckoutValidation re-renders the checkout with 422, the
// message next to the field and what was typed, when the form is incomplete.
func TestOrderHTTP_CheckoutValidation(t *testing.T) {
	t.Parallel()
	e := newOrderEnv(t)
	pp := e.login("pp")
	wantStatus(t, e.post(pp, "/cart", url.Values{"listing_id": {strconv.FormatInt(e.listing, 10)}, "qty": {"10"}}), http.StatusSeeOther, "/cart")
	checkout := "/checkout/" + strconv.FormatInt(e.supID, 10)
	res := e.post(pp, checkout, url.Values{"key": {"kunci-uji-checkout-1"}, "package_id": {strconv.FormatInt(e.pkg, 10)},
		"notes": {"Kirim pagi hari"}, "address": {"Gudang Dinkes"}, "action": {"place"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	d := doc(t, res)
	if msg := strings.TrimSpace(d.Find("#requested_date-error").Text()); msg == "" {
		t.Errorf("no message next to the missing date; errors: %q", textOf(d, "form-errors"))
	}
	if got := strings.TrimSpace(d.Find("textarea#notes").Text()); got != "Kirim pagi hari" {
		t.Errorf("notes as typed lost: %q", got)
	}
	if key, _ := d.Find(`input[name="key"]`).Attr("value"); key != "kunci-uji-checkout-1" {
		t.Errorf("key %q, want the form's own key kept", key)
	}
	if countRows(t, e.env, `SELECT count(*) FROM orders`) != 0 {
		t.Error("an invalid checkout wrote an order")
	}
	checkNoInternals(t, d)
}

// TestOrderHTTP_OnlyTheDesignatedPPKSigns: the PP of the OPD sees the
// order but no signing form, and a POST to sign is refused (403); the PPK
// sees the form, and a wrong password is a 422 next to the field.
func TestOrderHTTP_OnlyTheDesignatedPPKSigns(t *testing.T) {
	t.Parallel()
	e := newOrderEnv(t)
	id := e.insertOrder(t, "awaiting_ppk")
	pp, ppk, sup := e.login("pp"), e.login("ppk"), e.login("supplier")

	for _, tc := range []struct {
		name   string
		c      *http.Client
		signer bool
	}{{"PP", pp, false}, {"PPK", ppk, true}, {"supplier", sup, false}} {
		res := e.get(tc.c, orderPath(id, ""))
		wantStatus(t, res, http.StatusOK, "")
		if got := byTestID(doc(t, res), "form-sign").Length() == 1; got != tc.signer {
			t.Errorf("%s sees the signing form: %v, want %v", tc.name, got, tc.signer)
		}
	}
	res := e.post(pp, orderPath(id, "/sign"), url.Values{"key": {"kunci-uji-tanda-1"}, "password": {testPassword}})
	wantStatus(t, res, http.StatusForbidden, "")

	res = e.post(ppk, orderPath(id, "/sign"), url.Values{"key": {"kunci-uji-tanda-2"}, "password": {"bukan-kata-sandinya"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	d := doc(t, res)
	if msg := strings.TrimSpace(d.Find("#sign-password-error").Text()); msg == "" {
		t.Errorf("wrong password: no message next to the field; page says %q", textOf(d, "form-errors"))
	}
	if v, ok := d.Find("#sign-password").Attr("value"); ok && v != "" {
		t.Error("the password is sent back in the page")
	}
	var state string
	if err := e.db.QueryRow(context.Background(), `SELECT state FROM orders WHERE id = $1`, id).Scan(&state); err != nil || state != "awaiting_ppk" {
		t.Errorf("state %q (%v) after refused signatures, want awaiting_ppk", state, err)
	}
}

// TestOrderHTTP_SignAndDocuments: the PPK signs with the password; the SP
// then opens as a print page and as a PDF attachment named after its number.
func TestOrderHTTP_SignAndDocuments(t *testing.T) {
	t.Parallel()
	e := newOrderEnv(t)
	id := e.insertOrder(t, "awaiting_ppk")
	ppk := e.login("ppk")
	d := doc(t, e.get(ppk, orderPath(id, "")))
	form := url.Values{"key": {formKey(t, d, "form-sign")}, "password": {testPassword}}
	wantStatus(t, e.post(ppk, orderPath(id, "/sign"), form), http.StatusSeeOther, orderPath(id, ""))
	wantStatus(t, e.post(ppk, orderPath(id, "/sign"), form), http.StatusSeeOther, orderPath(id, ""))
	if n := countRows(t, e.env, `SELECT count(*) FROM order_events WHERE order_id = $1 AND kind = 'sign'`, id); n != 1 {
		t.Errorf("a double submit signed %d times, want once", n)
	}

	d = doc(t, e.get(ppk, orderPath(id, "")))
	number := textOf(d, "sp-number")
	if !strings.Contains(number, "/SP/DINKES/") {
		t.Fatalf("SP number %q", number)
	}
	if byTestID(d, "document-pdf").Length() != 1 {
		t.Error("the signed SP is not listed among the documents")
	}
	res := e.get(e.login("supplier"), orderPath(id, "/documents/sp"))
	wantStatus(t, res, http.StatusOK, "")
	if byTestID(doc(t, res), "document").Length() != 1 {
		t.Error("the SP print page shows no document")
	}
	res = e.get(ppk, orderPath(id, "/documents/sp.pdf"))
	wantStatus(t, res, http.StatusOK, "")
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q", ct)
	}
	parts := strings.Split(number, "/")
	want := fmt.Sprintf(`attachment; filename=SP-%s-DINKES-%s-%s.pdf`, parts[0], parts[3], parts[4])
	if got := res.Header.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	wantStatus(t, e.get(ppk, orderPath(id, "/documents/bast.pdf")), http.StatusNotFound, "")
	wantStatus(t, e.get(ppk, orderPath(id, "/documents/rahasia")), http.StatusNotFound, "")
	wantStatus(t, e.get(e.login("other_supplier"), orderPath(id, "/documents/sp.pdf")), http.StatusNotFound, "")
}

// TestOrderHTTP_ShipFormErrors: a date the handler cannot read comes back
// as 422 with the message next to the field and the quantities as typed.
func TestOrderHTTP_ShipFormErrors(t *testing.T) {
	t.Parallel()
	e := newOrderEnv(t)
	id := e.insertOrder(t, "processing")
	sup := e.login("supplier")
	d := doc(t, e.get(sup, orderPath(id, "")))
	qtyName, _ := byTestID(d, "form-ship").Find(`input[name^="ship_"]`).Attr("name")
	res := e.post(sup, orderPath(id, "/ship"), url.Values{"key": {formKey(t, d, "form-ship")}, qtyName: {"4"}, "shipped_on": {"kemarin"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	d = doc(t, res)
	if msg := strings.TrimSpace(d.Find("#ship-shipped_on-error").Text()); msg == "" {
		t.Error("no message next to the unreadable date")
	}
	if v, _ := d.Find("#ship-" + qtyName).Attr("value"); v != "4" {
		t.Errorf("quantity as typed %q, want 4", v)
	}
	checkNoInternals(t, d)

	res = e.post(sup, orderPath(id, "/ship"), url.Values{"key": {"kunci-uji-kirim-2"}, qtyName: {"4"}, "shipped_on": {wib.ISODate(time.Now())}})
	wantStatus(t, res, http.StatusSeeOther, orderPath(id, ""))
	d = doc(t, e.get(sup, orderPath(id, "")))
	if st, _ := byTestID(d, "order-state").Attr("data-state"); st != "shipped" {
		t.Errorf("after a shipment the order is %q, want shipped", st)
	}
}

// TestOrderHTTP_List: each role lands on its own list; a treasurer starts
// on the orders waiting for payment, a supplier on its inbox.
func TestOrderHTTP_List(t *testing.T) {
	t.Parallel()
	e := newOrderEnv(t)
	e.insertOrder(t, "awaiting_ppk")
	e.insertOrder(t, "awaiting_payment")
	e.insertOrder(t, "cancelled")

	tests := []struct {
		role, title, tab string
		rows             int
	}{
		{"pp", "Pesanan", "all", 3},
		{"treasurer", "Pesanan", "awaiting_payment", 1},
		{"supplier", "Pesanan masuk", "all", 3},
		{"auditor", "Pesanan", "all", 3},
		{"other_supplier", "Pesanan masuk", "all", 0},
	}
	for _, tc := range tests {
		t.Run(tc.role, func(t *testing.T) {
			res := e.get(e.login(tc.role), "/orders")
			wantStatus(t, res, http.StatusOK, "")
			d := doc(t, res)
			if got := strings.TrimSpace(d.Find("h1").Text()); got != tc.title {
				t.Errorf("title %q, want %q", got, tc.title)
			}
			if tab, _ := d.Find(`[data-testid="order-tab"][aria-current="page"]`).Attr("data-state"); tab != tc.tab {
				t.Errorf("current tab %q, want %q", tab, tc.tab)
			}
			if n := byTestID(d, "order-row").Length(); n != tc.rows {
				t.Errorf("%d rows, want %d", n, tc.rows)
			}
		})
	}
	d := doc(t, e.get(e.login("pp"), "/orders?state=cancelled"))
	if n := byTestID(d, "order-row").Length(); n != 1 {
		t.Errorf("cancelled tab: %d rows, want 1", n)
	}
	wantStatus(t, e.get(e.login("pp"), "/orders?state=hilang"), http.StatusNotFound, "")
}

// TestOrderHTTP_Notifications lists a user's notifications with their
// links and marks them read.
func TestOrderHTTP_Notifications(t *testing.T) {
	t.Parallel()
	e := newOrderEnv(t)
	id := e.insertOrder(t, "awaiting_ppk")
	ctx := auth.SystemContext(context.Background())
	if err := notify.Add(ctx, e.db, notify.Note{UserIDs: []int64{e.users["ppk"].ID}, OrderID: id, Kind: "order.awaiting_ppk",
		Message: "Pesanan menunggu tanda tangan Anda.", Link: orderPath(id, "")}); err != nil {
		t.Fatal(err)
	}
	ppk := e.login("ppk")
	d := doc(t, e.get(ppk, "/notifications"))
	if href, _ := byTestID(d, "notification").Find("a").Attr("href"); href != orderPath(id, "") {
		t.Errorf("notification links to %q, want the order", href)
	}
	if d.Find(".unread").Length() != 1 {
		t.Error("the new notification is not marked unread")
	}
	wantStatus(t, e.post(ppk, "/notifications/read", nil), http.StatusSeeOther, "/notifications")
	if d := doc(t, e.get(ppk, "/notifications")); d.Find(".unread").Length() != 0 {
		t.Error("still unread after marking all read")
	}
	if d := doc(t, e.get(e.login("pp"), "/notifications")); byTestID(d, "notifications-empty").Length() != 1 {
		t.Error("another user sees the PPK's notifications")
	}
}

// postMultipart submits fields and files (field name → contents) as a
// multipart form, as a browser does for a form with photos.
func (e *env) postMultipart(c *http.Client, path string, fields url.Values, field string, files ...[]byte) *http.Response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for i, data := range files {
		fw, err := mw.CreateFormFile(field, fmt.Sprintf("foto-%d.jpg", i+1))
		if err != nil {
			e.t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+path, &body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", e.ts.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { res.Body.Close() })
	return res
}

// TestOrderHTTP_InspectWithPhotos: the PPK records what arrived with
// photos; a sixth photo or a PDF is refused next to the field (422) and
// nothing is recorded; the photos open for those who may see the order only.
func TestOrderHTTP_InspectWithPhotos(t *testing.T) {
	t.Parallel()
	e := newOrderEnv(t)
	id := e.insertOrder(t, "shipped")
	ppk := e.login("ppk")
	d := doc(t, e.get(ppk, orderPath(id, "")))
	recv, _ := byTestID(d, "form-inspect").Find(`input[name^="recv_"]`).Attr("name")
	form := url.Values{"key": {formKey(t, d, "form-inspect")}, recv: {"10"}, "inspected_on": {wib.ISODate(time.Now())},
		"fungsi": {"1"}, "jumlah": {"1"}, "waktu": {"1"}, "notes": {"Barang lengkap dan baik."}, "complete": {"1"}}
	photo := uploadtest.JPEG(t, 64, 48)

	tests := []struct {
		name  string
		files [][]byte
	}{
		{"six photos", [][]byte{photo, photo, photo, photo, photo, photo}},
		{"a PDF", [][]byte{uploadtest.PDF("<< /Type /Catalog >>")}},
	}
	for _, tc := range tests {
		res := e.postMultipart(ppk, orderPath(id, "/inspect"), form, "photos", tc.files...)
		wantStatus(t, res, http.StatusUnprocessableEntity, "")
		if msg := strings.TrimSpace(doc(t, res).Find("#inspect-photos-error").Text()); msg == "" {
			t.Errorf("%s: no message next to the photos", tc.name)
		}
	}
	if n := countRows(t, e.env, `SELECT count(*) FROM order_inspections WHERE order_id = $1`, id); n != 0 {
		t.Fatalf("refused inspections recorded %d rows", n)
	}

	res := e.postMultipart(ppk, orderPath(id, "/inspect"), form, "photos", photo, photo)
	wantStatus(t, res, http.StatusSeeOther, orderPath(id, ""))
	d = doc(t, e.get(ppk, orderPath(id, "")))
	if st, _ := byTestID(d, "order-state").Attr("data-state"); st != "received" {
		t.Errorf("after a complete inspection the order is %q, want received", st)
	}
	links := byTestID(d, "inspection-photo")
	if links.Length() != 2 {
		t.Fatalf("%d photo links, want 2", links.Length())
	}
	href, _ := links.First().Attr("href")
	res = e.get(e.login("supplier"), href)
	wantStatus(t, res, http.StatusOK, "")
	if ct := res.Header.Get("Content-Type"); ct != "image/jpeg" {
		t.Errorf("photo Content-Type %q", ct)
	}
	wantStatus(t, e.get(e.login("other_supplier"), href), http.StatusNotFound, "")
}

package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"lapak/internal/auth"
	"lapak/internal/server"
	"lapak/internal/upload/uploadtest"
)

// The catalog's routes in the route × role table.
func init() {
	supplierOnly := roles("supplier")
	for route, rule := range map[string]access{
		"GET /catalog":       everyone,
		"GET /listings/{id}": everyone,
		"GET /compare":       everyone,
		"GET /store/{id}":    everyone,
		"GET /photos/{key}":  everyone,
		"GET /ssh":           everyone,

		"GET /supplier/listings":                               supplierOnly,
		"GET /supplier/listings/new":                           supplierOnly,
		"POST /supplier/listings":                              supplierOnly,
		"GET /supplier/listings/{id}/edit":                     supplierOnly,
		"POST /supplier/listings/{id}":                         supplierOnly,
		"POST /supplier/listings/{id}/duplicate":               supplierOnly,
		"POST /supplier/listings/{id}/publish":                 supplierOnly,
		"POST /supplier/listings/{id}/hide":                    supplierOnly,
		"POST /supplier/listings/{id}/photos":                  supplierOnly,
		"POST /supplier/listings/{id}/photos/{photoID}/delete": supplierOnly,
		"POST /supplier/listings/{id}/photos/{photoID}/cover":  supplierOnly,
		"GET /supplier/listings/bulk":                          supplierOnly,
		"GET /supplier/listings/bulk.{format:csv|xlsx}":        supplierOnly,
		"POST /supplier/listings/bulk":                         supplierOnly,
		"POST /supplier/listings/bulk/{id}/apply":              supplierOnly,
		"POST /listings/{id}/takedown":                         roles("admin", "koperindag"),
		"POST /listings/{id}/restore":                          roles("admin", "koperindag"),
		"GET /moderation/listings":                             roles("admin", "koperindag"),
		"GET /admin/categories":                                roles("admin"),
		"GET /admin/categories/new":                            roles("admin"),
		"POST /admin/categories":                               roles("admin"),
		"GET /admin/categories/{id}/edit":                      roles("admin"),
		"POST /admin/categories/{id}":                          roles("admin"),
		"GET /admin/ssh":                                       roles("admin"),
		"POST /admin/ssh/import":                               roles("admin"),
		"POST /admin/ssh/import/{id}/apply":                    roles("admin"),
	} {
		routeAccess[route] = rule
	}
}

// newCatalogEnv is newEnv with a data folder, so that photos can be stored.
func newCatalogEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.srv = server.New(server.Config{BaseURL: e.ts.URL, DataDir: t.TempDir()}, e.db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.ts.Config.Handler = e.srv.Handler()
	return e
}

// listingForm is a valid listing form.
func (e *env) listingForm(title, price string) url.Values {
	e.t.Helper()
	var cat string
	if err := e.db.QueryRow(context.Background(), `SELECT id::text FROM categories WHERE code = 'KAT03'`).Scan(&cat); err != nil {
		e.t.Fatal(err)
	}
	return url.Values{"kind": {"goods"}, "title": {title}, "category_id": {cat}, "unit": {"rim"}, "price": {price},
		"stock": {"40"}, "min_order": {"1"}, "lead_time_days": {"2"}, "served_scope": {"all"}, "origin": {"national"}}
}

// createListing posts the listing form as the fixture supplier and returns the new id.
func (e *env) createListing(c *http.Client, title, price string) int64 {
	e.t.Helper()
	res := e.post(c, "/supplier/listings", e.listingForm(title, price))
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "/edit") {
		e.t.Fatalf("create listing: %d %q", res.StatusCode, loc)
	}
	id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(loc, "/supplier/listings/"), "/edit"), 10, 64)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func path(format string, id int64) string {
	return strings.Replace(format, "{id}", strconv.FormatInt(id, 10), 1)
}

func titles(d *goquery.Document) []string {
	var out []string
	byTestID(d, "result-title").Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
	return out
}

func TestHTTP_CatalogListingJourney(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	sup := e.login("supplier")

	// A new listing is a draft: not in the catalog yet.
	id := e.createListing(sup, `Kertas HVS A4 <b>70</b> gram`, "Rp 55.000")
	if got := titles(doc(t, e.get(e.client(), "/catalog?q=kertas"))); len(got) != 0 {
		t.Fatalf("a draft is in the catalog: %v", got)
	}
	wantStatus(t, e.get(e.client(), path("/listings/{id}", id)), http.StatusNotFound, "")

	// Two tabs edit it; the second save is told, and keeps its input.
	edit := doc(t, e.get(sup, path("/supplier/listings/{id}/edit", id)))
	version, _ := edit.Find(`input[name=version]`).Attr("value")
	tab1 := e.listingForm(`Kertas HVS A4 <b>70</b> gram`, "56.000")
	tab1.Set("version", version)
	wantStatus(t, e.post(sup, path("/supplier/listings/{id}", id), tab1), http.StatusSeeOther, path("/supplier/listings/{id}/edit", id))
	tab2 := e.listingForm("Kertas HVS A4 70 gram Sinar Dunia", "57.000")
	tab2.Set("version", version)
	res := e.post(sup, path("/supplier/listings/{id}", id), tab2)
	wantStatus(t, res, http.StatusConflict, "")
	d := doc(t, res)
	if byTestID(d, "conflict").Length() != 1 {
		t.Error("the second tab is not told the listing changed")
	}
	if v, _ := inputValue(d, "title"); v != "Kertas HVS A4 70 gram Sinar Dunia" {
		t.Errorf("the second tab's input is lost: title %q", v)
	}
	if n := countRows(t, e, `SELECT count(*) FROM listings WHERE id = $1 AND price = 56000`, id); n != 1 {
		t.Error("the refused save changed the listing")
	}

	// A bad price comes back with the message next to the field.
	bad := e.listingForm("Kertas HVS A4", "-5.000")
	bad.Set("version", "999")
	res = e.post(sup, path("/supplier/listings/{id}", id), bad)
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	d = doc(t, res)
	if got := strings.TrimSpace(d.Find("#price-error").Text()); got != "Harga tidak boleh negatif." {
		t.Errorf("price error %q", got)
	}
	if v, _ := d.Find("#price").Attr("aria-invalid"); v != "true" {
		t.Error("the price field is not marked invalid")
	}

	// Photos: refused ones leave nothing; a good one is resized and served.
	for name, data := range map[string][]byte{"catatan.jpg": uploadtest.Text(), "bom.png": uploadtest.PNGBomb(t, 100_000, 100_000)} {
		res := e.upload(sup, path("/supplier/listings/{id}/photos", id), "photos", name, data)
		wantStatus(t, res, http.StatusUnprocessableEntity, "")
		if msg := strings.TrimSpace(doc(t, res).Find("#photos-error").Text()); msg == "" {
			t.Errorf("%s: refused without a message", name)
		}
	}
	wantStatus(t, e.upload(sup, path("/supplier/listings/{id}/photos", id), "photos", "kertas.jpg", uploadtest.JPEG(t, 1600, 1200)),
		http.StatusSeeOther, path("/supplier/listings/{id}/edit", id)+"#foto")
	if n := countRows(t, e, `SELECT count(*) FROM listing_photos WHERE listing_id = $1`, id); n != 1 {
		t.Fatalf("%d photos stored, want 1", n)
	}

	// Published, it is found, with its title as text.
	wantStatus(t, e.post(sup, path("/supplier/listings/{id}/publish", id), nil), http.StatusSeeOther, "/supplier/listings")
	d = doc(t, e.get(e.client(), "/catalog?q=kerta+hvs"))
	if got := titles(d); len(got) != 1 || got[0] != `Kertas HVS A4 <b>70</b> gram` {
		t.Fatalf("search for a typo found %q", got)
	}
	if textOf(d, "did-you-mean") == "" {
		t.Error("no 'did you mean'")
	}
	thumb, _ := d.Find(`[data-testid=result] img`).Attr("src")
	img := e.get(e.client(), thumb)
	if img.StatusCode != http.StatusOK || img.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("thumbnail %s: %d %s", thumb, img.StatusCode, img.Header.Get("Content-Type"))
	}
	page := e.get(e.client(), path("/listings/{id}", id))
	wantStatus(t, page, http.StatusOK, "")
	d = doc(t, page)
	if got := textOf(d, "listing-price"); !strings.HasPrefix(got, "Rp56.000") {
		t.Errorf("listing price %q", got)
	}
	if d.Find("h1 b").Length() != 0 {
		t.Error("markup in the title became HTML")
	}

	// Another supplier cannot touch it.
	other := e.otherSupplier()
	res = e.post(other, path("/supplier/listings/{id}/hide", id), nil)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("another supplier hides: %d, want 403", res.StatusCode)
	}
	wantStatus(t, e.get(other, path("/supplier/listings/{id}/edit", id)), http.StatusForbidden, "")

	// Koperindag takes it down with a reason; it leaves the catalog.
	kop := e.login("koperindag")
	res = e.post(kop, path("/listings/{id}/takedown", id), url.Values{"reason": {""}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	wantStatus(t, e.post(kop, path("/listings/{id}/takedown", id), url.Values{"reason": {"Foto bukan produk sebenarnya."}}),
		http.StatusSeeOther, path("/listings/{id}", id))
	if got := titles(doc(t, e.get(e.client(), "/catalog?q=kertas"))); len(got) != 0 {
		t.Errorf("a taken-down listing is found: %v", got)
	}
	if !strings.Contains(doc(t, e.get(sup, "/supplier/listings")).Text(), "Foto bukan produk sebenarnya.") {
		t.Error("the supplier does not see the reason")
	}
}

// otherSupplier signs in an account of a second, verified supplier.
func (e *env) otherSupplier() *http.Client {
	e.t.Helper()
	ctx := context.Background()
	var sid int64
	if err := e.db.QueryRow(ctx, `INSERT INTO suppliers (name, kecamatan_code, status) VALUES ('Toko Lain', '13.11.02', 'verified') RETURNING id`).Scan(&sid); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.srv.Auth().CreateUser(auth.SystemContext(ctx), auth.UserInput{Name: "Pemilik Toko Lain", Email: "lain@test.id",
		Password: testPassword, Grants: []auth.Grant{{Role: auth.RoleSupplier, SupplierID: sid}}}); err != nil {
		e.t.Fatal(err)
	}
	c := e.client()
	wantStatus(e.t, e.post(c, "/login", loginForm("lain@test.id", testPassword)), http.StatusSeeOther, "/dashboard")
	return c
}

// upload posts one file as a multipart form, as a browser would.
func (e *env) upload(c *http.Client, path, field, name string, data []byte) *http.Response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		e.t.Fatal(err)
	}
	_, _ = fw.Write(data)
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

func TestHTTP_CatalogSearchPage(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	sup := e.login("supplier")
	for _, title := range []string{"Kertas HVS A4 70 gram", "Kertas HVS F4 80 gram", "Map plastik kancing"} {
		id := e.createListing(sup, title, "10.000")
		wantStatus(t, e.post(sup, path("/supplier/listings/{id}/publish", id), nil), http.StatusSeeOther, "/supplier/listings")
	}
	anon := e.client()

	t.Run("odd queries give a page", func(t *testing.T) {
		for _, q := range []string{"", "!!!???", strings.Repeat("kertas ", 100), "'; DROP TABLE listings; --", "\xff\xfe"} {
			res := e.get(anon, "/catalog?q="+url.QueryEscape(q))
			wantStatus(t, res, http.StatusOK, "")
			d := doc(t, res)
			checkNoInternals(t, d)
			if byTestID(d, "result-count").Length() != 1 {
				t.Errorf("q=%.20q: no result count", q)
			}
		}
	})
	t.Run("a bad price filter is ignored with a message", func(t *testing.T) {
		d := doc(t, e.get(anon, "/catalog?q=hvs&max=sepuluh+ribu"))
		if msg := strings.TrimSpace(d.Find("#max-error").Text()); !strings.Contains(msg, "tidak dipakai") {
			t.Errorf("message %q", msg)
		}
		if got := titles(d); len(got) != 2 {
			t.Errorf("results %v", got)
		}
	})
	t.Run("the results part alone, for our script", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/catalog?q=map", nil)
		req.Header.Set("X-Lapak-Fragment", "results")
		res, err := anon.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if !strings.HasPrefix(string(body), `<section id="hasil"`) || strings.Contains(string(body), "<html") {
			t.Errorf("fragment starts %.60q", body)
		}
		if !strings.Contains(res.Header.Get("Vary"), "X-Lapak-Fragment") {
			t.Error("no Vary header")
		}
	})
	t.Run("compressed for clients that accept gzip", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/catalog?q=hvs", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q", res.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		d, err := goquery.NewDocumentFromReader(zr)
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(d); len(got) != 2 {
			t.Errorf("decompressed page has %v", got)
		}
	})
	t.Run("compare two", func(t *testing.T) {
		d := doc(t, e.get(anon, "/catalog?q=hvs"))
		var ids []string
		d.Find(`input[name=ids]`).Each(func(_ int, s *goquery.Selection) { v, _ := s.Attr("value"); ids = append(ids, v) })
		res := e.get(anon, "/compare?ids="+strings.Join(ids, "&ids="))
		wantStatus(t, res, http.StatusOK, "")
		if n := byTestID(doc(t, res), "compare-title").Length(); n != 2 {
			t.Errorf("compare shows %d listings", n)
		}
	})
	t.Run("store", func(t *testing.T) {
		d := doc(t, e.get(anon, "/store/"+strconv.FormatInt(e.supID, 10)))
		if got := titles(d); len(got) != 3 {
			t.Errorf("store lists %v", got)
		}
	})
	t.Run("pages are small", func(t *testing.T) {
		res := e.get(anon, "/catalog")
		body, _ := io.ReadAll(res.Body)
		if len(body) > 32<<10 {
			t.Errorf("catalog page is %d bytes", len(body))
		}
	})
}

func TestHTTP_CatalogAdmin(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	admin := e.login("admin")
	// Categories.
	res := e.post(admin, "/admin/categories", url.Values{"code": {"bad code"}, "name": {""}, "kind": {"barang"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	if byTestID(doc(t, res), "form-errors").Length() != 1 {
		t.Error("no error summary")
	}
	wantStatus(t, e.post(admin, "/admin/categories", url.Values{"code": {"KAT19"}, "name": {"Alat kesehatan"}, "kind": {"barang"}}),
		http.StatusSeeOther, "/admin/categories")
	if !strings.Contains(doc(t, e.get(admin, "/admin/categories")).Text(), "Alat kesehatan") {
		t.Error("new category not listed")
	}
	// SSH import with a bad row, then apply.
	csv := "kode,uraian,satuan,harga,tahun\nA-1,Kertas HVS A4,rim,55.000,2026\nA-2,Map,buah,gratis,2026\n"
	res = e.upload(admin, "/admin/ssh/import", "file", "ssh.csv", []byte(csv))
	wantStatus(t, res, http.StatusOK, "")
	d := doc(t, res)
	if n := byTestID(d, "ssh-problem").Length(); n != 1 {
		t.Errorf("%d problem rows, want 1", n)
	}
	action, _ := d.Find(`form[action$="/apply"]`).Attr("action")
	wantStatus(t, e.post(admin, action, nil), http.StatusSeeOther, "/admin/ssh")
	if n := countRows(t, e, `SELECT count(*) FROM ssh_items WHERE code = 'A-1' AND ceiling_price = 55000`); n != 1 {
		t.Error("SSH item not imported")
	}
	// Not a spreadsheet.
	res = e.upload(admin, "/admin/ssh/import", "file", "foto.csv", uploadtest.JPEG(t, 20, 20))
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
}

func TestHTTP_CatalogBulkUpdate(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	sup := e.login("supplier")
	id := e.createListing(sup, "Map plastik", "3.000")
	res := e.get(sup, "/supplier/listings/bulk.csv")
	wantStatus(t, res, http.StatusOK, "")
	body, _ := io.ReadAll(res.Body)
	edited := strings.Replace(string(body), ",3000,", ",3500,", 1)
	if edited == string(body) {
		t.Fatalf("download has no price 3000:\n%s", body)
	}
	res = e.upload(sup, "/supplier/listings/bulk", "file", "produk.csv", []byte(edited+"999999,Lain,buah,10,1,Draf\n"))
	wantStatus(t, res, http.StatusOK, "")
	d := doc(t, res)
	if byTestID(d, "bulk-change").Length() != 1 || byTestID(d, "bulk-problem").Length() != 1 {
		t.Fatalf("preview: %s", textOf(d, "bulk-preview"))
	}
	action, _ := d.Find(`form[action$="/apply"]`).Attr("action")
	wantStatus(t, e.post(sup, action, nil), http.StatusSeeOther, "/supplier/listings")
	if n := countRows(t, e, `SELECT count(*) FROM listings WHERE id = $1 AND price = 3500`, id); n != 1 {
		t.Error("price not updated")
	}
	if n := countRows(t, e, `SELECT count(*) FROM listing_prices WHERE listing_id = $1 AND source = 'bulk'`, id); n != 1 {
		t.Error("no price history row")
	}
}

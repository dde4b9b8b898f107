package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"lapak/internal/opendata"
	"lapak/internal/opendata/opendatatest"
)

// The transparency page and the open data are for everyone, signed in or not.
func init() {
	for _, r := range []string{"GET /transparansi", "GET /data/ocds/releases.json", "GET /data/ocds/releases/{ocid}.json",
		"GET /data/orders.{format:csv|xlsx}"} {
		routeAccess[r] = everyone
	}
}

// publicEnv is a server with the open data seed: four orders completed in
// 2026 by DINKES, one in 2025 by another OPD, one open and one cancelled.
func publicEnv(t *testing.T) (*env, opendatatest.Seed) {
	t.Helper()
	e := newEnv(t)
	return e, opendatatest.Run(t, e.db)
}

// body reads a response body whole.
func body(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// noPersonalData fails when text holds any personal data planted in the seed.
func noPersonalData(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range opendatatest.Secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s shows personal data %q", where, s)
		}
	}
}

// TestTransparency_ShowsAggregatesWithoutPersonalData: a visitor who is not
// signed in sees the totals, the breakdowns as charts with tables, and the
// list of completed orders, with links to the open data, and no personal data.
func TestTransparency_ShowsAggregatesWithoutPersonalData(t *testing.T) {
	t.Parallel()
	e, seed := publicEnv(t)
	c := e.client()
	res := e.get(c, "/")
	if d := doc(t, res); d.Find(`nav.main a[href="/transparansi"]`).Length() != 1 {
		t.Error("the public navigation has no link to the transparency page")
	}

	res = e.get(c, "/transparansi?year=2026&opd="+strconv.FormatInt(seed.OPD, 10))
	wantStatus(t, res, http.StatusOK, "")
	html := string(body(t, res))
	d, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	if got := textOf(d, "stat-orders") + " | " + textOf(d, "stat-value") + " | " + textOf(d, "stat-suppliers"); got != "4 | Rp38.095.000 | 2" {
		t.Errorf("totals %q, want 4 | Rp38.095.000 | 2", got)
	}
	for _, id := range []string{"table-opd", "table-kecamatan", "table-category"} {
		table := byTestID(d, id)
		if table.Find("caption").Length() != 1 || table.Find(`th[scope="col"]`).Length() != 3 || table.Find(`tbody th[scope="row"]`).Length() == 0 {
			t.Errorf("%s lacks a caption, column or row headers", id)
		}
		chart := byTestID(d, "chart-"+strings.TrimPrefix(id, "table-"))
		if chart.AttrOr("role", "") != "img" || chart.Find("title").First().Text() == "" || chart.Find("desc").Text() == "" {
			t.Errorf("chart of %s lacks role=img, a title or a description", id)
		}
	}
	if got := byTestID(d, "public-order").Length(); got != 4 {
		t.Errorf("%d orders listed, want 4", got)
	}
	first := byTestID(d, "public-order").First().Text()
	if !strings.Contains(first, "Nasi kotak rapat (100 kotak)") || !strings.Contains(first, "Kopi Sangir Jaya") || !strings.Contains(first, "Rp3.620.000") {
		t.Errorf("first order row %q", first)
	}
	for id, prefix := range map[string]string{"download-ocds": "/data/ocds/releases.json?", "download-csv": "/data/orders.csv?", "download-xlsx": "/data/orders.xlsx?"} {
		href := byTestID(d, id).AttrOr("href", "")
		if !strings.HasPrefix(href, prefix) || !strings.Contains(href, "from=2026-01-01") || !strings.Contains(href, "opd="+strconv.FormatInt(seed.OPD, 10)) {
			t.Errorf("%s links to %q", id, href)
		}
		if res := e.get(c, href); res.StatusCode != http.StatusOK {
			t.Errorf("%s: %s gives %d", id, href, res.StatusCode)
		}
	}
	noPersonalData(t, "the transparency page", html)
	checkNoInternals(t, d)

	all := doc(t, e.get(c, "/transparansi"))
	if got := textOf(all, "stat-orders"); got != "5" {
		t.Errorf("every year: %s orders, want 5", got)
	}
	empty := doc(t, e.get(c, "/transparansi?year=2021"))
	if byTestID(empty, "transparency-empty").Length() != 1 {
		t.Error("a year without orders does not say so")
	}
}

// TestTransparency_BadFiltersGetClearMessages: a malformed year, an
// unknown OPD or page is a 422 with an Indonesian message, never a 500.
func TestTransparency_BadFiltersGetClearMessages(t *testing.T) {
	t.Parallel()
	e, _ := publicEnv(t)
	c := e.client()
	for _, tc := range []struct{ query, want string }{
		{"year=dua-ribu", "Tahun harus berupa angka"},
		{"year=1945", "antara 2000 dan 2100"},
		{"opd=99999999", "OPD tidak dikenal"},
		{"opd=%27%20OR%201=1", "OPD tidak dikenal"},
		{"page=0", "halaman"},
	} {
		res := e.get(c, "/transparansi?"+tc.query)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", tc.query, res.StatusCode)
		}
		d := doc(t, res)
		if msg := textOf(d, "error-message"); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: message %q, want %q", tc.query, msg, tc.want)
		}
		checkNoInternals(t, d)
	}
}

// TestOpenData_ReleasePackage: the OCDS endpoints answer without a session,
// with the site's address in the package and a release per completed order.
func TestOpenData_ReleasePackage(t *testing.T) {
	t.Parallel()
	e, seed := publicEnv(t)
	c := e.client()
	res := e.get(c, "/data/ocds/releases.json?from=2026-01-01&to=2026-12-31")
	wantStatus(t, res, http.StatusOK, "")
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	if len(res.Cookies()) != 0 || res.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("cookies %v, CORS %q: open data needs no session and any site may fetch it", res.Cookies(), res.Header.Get("Access-Control-Allow-Origin"))
	}
	var pkg struct {
		URI      string
		Version  string
		Releases []struct{ OCID string }
	}
	data := body(t, res)
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if pkg.URI != e.ts.URL+"/data/ocds/releases.json?from=2026-01-01&page=1&to=2026-12-31" || pkg.Version != "1.1" || len(pkg.Releases) != 4 {
		t.Errorf("uri %q version %q, %d releases", pkg.URI, pkg.Version, len(pkg.Releases))
	}
	noPersonalData(t, "the release package", string(data))

	ocid := opendata.DefaultOCIDPrefix + "-" + strconv.FormatInt(seed.Orders["negotiated"], 10)
	res = e.get(c, "/data/ocds/releases/"+ocid+".json")
	wantStatus(t, res, http.StatusOK, "")
	if one := string(body(t, res)); !strings.Contains(one, `"ocid":"`+ocid+`"`) || strings.Count(one, `"ocid":`) != 1 {
		t.Errorf("single release package: %.300s", one)
	}
	for _, path := range []string{
		"/data/ocds/releases/" + opendata.DefaultOCIDPrefix + "-" + strconv.FormatInt(seed.Orders["open"], 10) + ".json",
		"/data/ocds/releases/ocds-lain99-1.json",
		"/data/ocds/releases/bukan-ocid.json",
	} {
		res := e.get(c, path)
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d (Cache-Control %q), want a 404 not cached", path, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
}

// TestOpenData_BadInputGetsClearMessages: malformed dates, huge ranges,
// unknown OPDs and empty periods get a clear Indonesian message and a 4xx.
func TestOpenData_BadInputGetsClearMessages(t *testing.T) {
	t.Parallel()
	e, _ := publicEnv(t)
	c := e.client()
	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{"/data/ocds/releases.json?from=2026-13-01", http.StatusUnprocessableEntity, "TTTT-BB-HH"},
		{"/data/ocds/releases.json?from=kemarin&to=hari-ini", http.StatusUnprocessableEntity, "Tanggal awal"},
		{"/data/ocds/releases.json?from=2000-01-01&to=2100-12-31", http.StatusUnprocessableEntity, "366 hari"},
		{"/data/ocds/releases.json?from=2026-06-01&to=2026-01-01", http.StatusUnprocessableEntity, "sebelum tanggal awal"},
		{"/data/ocds/releases.json?opd=424242", http.StatusUnprocessableEntity, "OPD tidak dikenal"},
		{"/data/ocds/releases.json?page=-3", http.StatusUnprocessableEntity, "halaman"},
		{"/data/ocds/releases.json?from=2022-01-01&to=2022-12-31", http.StatusNotFound, "Belum ada pesanan selesai"},
		{"/data/ocds/releases.json?from=2026-01-01&to=2026-12-31&page=9", http.StatusNotFound, "Halaman 9"},
		{"/data/orders.csv?from=2020-01-01&to=2026-12-31", http.StatusUnprocessableEntity, "366 hari"},
		{"/data/orders.xlsx?to=31/12/2026", http.StatusUnprocessableEntity, "Tanggal akhir"},
	} {
		res := e.get(c, tc.path)
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, res.StatusCode, tc.status)
		}
		if cd := res.Header.Get("Content-Disposition"); cd != "" {
			t.Errorf("%s: an error page sent as a download (%s)", tc.path, cd)
		}
		d := doc(t, res)
		if msg := textOf(d, "error-message"); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: message %q, want %q", tc.path, msg, tc.want)
		}
		checkNoInternals(t, d)
	}
}

// TestOpenData_Downloads: the CSV and XLSX downloads hold one row per line
// of the completed orders of the period, as attachments.
func TestOpenData_Downloads(t *testing.T) {
	t.Parallel()
	e, _ := publicEnv(t)
	c := e.client()
	res := e.get(c, "/data/orders.csv?from=2026-01-01&to=2026-12-31")
	wantStatus(t, res, http.StatusOK, "")
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="lapak-pesanan-selesai-20260101-20261231.csv"` {
		t.Errorf("csv disposition %q", cd)
	}
	data := body(t, res)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) != 8 {
		t.Fatalf("csv: %d rows, %v; want header + 7 lines", len(rows), err)
	}
	noPersonalData(t, "the CSV", string(data))

	res = e.get(c, "/data/orders.xlsx?from=2025-01-01&to=2025-12-31")
	wantStatus(t, res, http.StatusOK, "")
	book, err := excelize.OpenReader(bytes.NewReader(body(t, res)))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	sheet, err := book.GetRows("Sheet1")
	if err != nil || len(sheet) != 2 || sheet[1][3] != "Kopi Sangir Jaya" {
		t.Errorf("xlsx rows %v, %v; want the header and the one 2025 line", sheet, err)
	}
}

package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"
)

// The spending dashboards and the budget page in the route × role table.
// Pimpinan (not an identity of the matrix) is checked by TestReport_Pimpinan.
func init() {
	readers := roles("admin", "koperindag", "auditor", "pimpinan")
	for route, a := range map[string]access{
		"GET /reports":                           readers,
		"GET /reports/orders":                    readers,
		"GET /reports/orders.{format:csv|xlsx}":  readers,
		"GET /reports/{table}.{format:csv|xlsx}": readers,
		"GET /admin/budgets":                     roles("admin"),
		"POST /admin/budgets":                    roles("admin"),
	} {
		routeAccess[route] = a
	}
}

// payReportOrder writes an order of the fixture OPD from the fixture
// supplier (kecamatan 13.11.01), paid on paid with its BAST three days
// before: qty × Rp50.000 of a local product in the first category. It
// goes through awaiting payment to paid, as the treasurer's payment does.
func payReportOrder(e *env, qty int, paid string) int64 {
	e.t.Helper()
	ctx := context.Background()
	var pkg, listing, id int64
	ppk := e.users["ppk"].ID
	err := e.db.QueryRow(ctx, `INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, fiscal_year, ppk_user_id)
		VALUES ($1, $2, 'Belanja laporan', 20000000, 'APBD', 2026, $3) RETURNING id`, e.opdID, fmt.Sprint(61230000+countRows(e.t, e, `SELECT count(*) FROM rup_packages`)), ppk).Scan(&pkg)
	if err != nil {
		e.t.Fatal(err)
	}
	err = e.db.QueryRow(ctx, `INSERT INTO listings (supplier_id, kind, title, category_id, unit, price, origin, status, published_at)
		VALUES ($1, 'goods', 'Keripik Balado Sangir', (SELECT min(id) FROM categories), 'bungkus', 50000, 'local', 'published', now()) RETURNING id`, e.supID).Scan(&listing)
	if err != nil {
		e.t.Fatal(err)
	}
	n := countRows(e.t, e, `SELECT count(*) FROM orders`)
	err = e.db.QueryRow(ctx, `INSERT INTO orders (opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key,
		delivery_address, requested_date, supplier_pkp, supplier_pp55, total, rule_outcome, sp_number, placed_at, bast_at)
		VALUES ($1, $2, $3, $4, $4, 'awaiting_payment', $5, 'Jl. Pemuda No. 1, Padang Aro', $6, false, false, $7, '{}', $8,
		$6::date - 10, ($6::date - 3)::timestamp AT TIME ZONE 'Asia/Jakarta' + interval '10 hours') RETURNING id`,
		e.opdID, e.supID, pkg, ppk, fmt.Sprintf("laporan-%04d", n), paid, qty*50000, fmt.Sprintf("%03d/SP/DINKES/III/2026", n+500)).Scan(&id)
	if err != nil {
		e.t.Fatal(err)
	}
	_, err = e.db.Exec(ctx, `INSERT INTO order_lines (order_id, position, listing_id, title, unit, kind, category_id, qty, list_price, unit_dpp, unit_price, total, shipped_qty, received_qty)
		SELECT $1, 1, id, title, unit, kind, category_id, $2::int, 50000, 50000, 50000, $2::int * 50000, $2::int, $2::int FROM listings WHERE id = $3`, id, qty, listing)
	if err != nil {
		e.t.Fatal(err)
	}
	_, err = e.db.Exec(ctx, `INSERT INTO order_payments (order_id, paid_on, method, reference, gross, ppn_collected, pph22, pph23, pp55, net, breakdown, user_id)
		VALUES ($1, $2, 'sp2d', 'SP2D-1', $3, 0, 0, 0, 0, $3, '{}', $4)`, id, paid, qty*50000, e.users["treasurer"].ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.db.Exec(ctx, `UPDATE orders SET state = 'paid', paid_at = now() WHERE id = $1`, id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// reportCSV parses a CSV download, without its byte-order mark.
func reportCSV(t *testing.T, res *http.Response) [][]string {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("got %d %q, want a CSV file", res.StatusCode, ct)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// reportXLSX returns the rows of the first sheet of an XLSX download.
func reportXLSX(t *testing.T, res *http.Response) [][]string {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("got %d, want an XLSX file", res.StatusCode)
	}
	f, err := excelize.OpenReader(res.Body)
	if err != nil {
		t.Fatalf("not an XLSX file: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestReport_DashboardTablesChartsAndDrillDown: an auditor sees the paid
// spending in every table with an accessible chart, downloads a table as
// CSV and XLSX, and drills down from a category to the orders behind it.
func TestReport_DashboardTablesChartsAndDrillDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := payReportOrder(e, 10, "2026-03-12") // Rp500.000
	second := payReportOrder(e, 4, "2026-04-20") // Rp200.000
	auditor := e.login("auditor")

	d := doc(t, e.get(auditor, "/dashboard"))
	if d.Find(`nav.main a[href="/reports"]`).Length() != 1 {
		t.Error("the auditor's navigation has no link to the reports")
	}
	res := e.get(auditor, "/reports?from=2026-01&to=2026-06")
	wantStatus(t, res, http.StatusOK, "")
	d = doc(t, res)
	checkNoInternals(t, d)
	if got := textOf(d, "report-total"); got != "Rp700.000" {
		t.Errorf("total = %q, want Rp700.000", got)
	}
	if got := textOf(d, "report-local"); got != "100%" {
		t.Errorf("local share = %q, want 100%%", got)
	}
	if got := textOf(d, "report-paydays"); got != "3 hari" {
		t.Errorf("median days from BAST to payment = %q, want 3 hari", got)
	}
	for _, id := range []string{"opd", "month", "category", "kecamatan", "scale"} {
		table := byTestID(d, "report-"+id+"-table")
		if table.Find("tbody tr").Length() == 0 {
			t.Errorf("table %s has no rows", id)
		}
		chart := byTestID(d, "grafik-"+id)
		if chart.Length() != 1 || chart.AttrOr("role", "") != "img" || strings.TrimSpace(chart.Find("desc").Text()) == "" || chart.Find("title").Length() == 0 {
			t.Errorf("chart %s: want one svg role=img with a title and a description", id)
		}
	}
	months := byTestID(d, "report-month-table").Find("tbody tr")
	if months.Length() != 6 || !strings.Contains(months.Eq(2).Text(), "Rp500.000") {
		t.Errorf("month table: %d rows, March %q; want 6 months, March Rp500.000", months.Length(), months.Eq(2).Text())
	}
	if !strings.Contains(byTestID(d, "report-kecamatan-table").Text(), "Sangir") {
		t.Errorf("kecamatan table lacks the supplier's kecamatan: %q", byTestID(d, "report-kecamatan-table").Text())
	}
	if !strings.Contains(byTestID(d, "report-budget-table").Text(), "Jumlah pagu paket RUP") {
		t.Errorf("budget table does not say its budget is the RUP pagu: %q", byTestID(d, "report-budget-table").Text())
	}

	recs := reportCSV(t, e.get(auditor, "/reports/opd.csv?from=2026-01&to=2026-06"))
	if len(recs) != 2 || recs[0][1] != "OPD" || recs[1][2] != "700000" {
		t.Errorf("OPD CSV = %q, want a header and one OPD with 700000", recs)
	}
	rows := reportXLSX(t, e.get(auditor, "/reports/month.xlsx?from=2026-01&to=2026-06"))
	if len(rows) != 7 || rows[3][0] != "2026-03" || rows[3][2] != "500000" {
		t.Errorf("month XLSX = %q, want a header and six months, March 500000", rows)
	}

	href, _ := byTestID(d, "report-category-table").Find("tbody tr td a").First().Attr("href")
	res = e.get(auditor, href)
	wantStatus(t, res, http.StatusOK, "")
	d = doc(t, res)
	if got := textOf(d, "report-figure"); got != "2 pesanan, Rp700.000" {
		t.Errorf("figure = %q, want 2 pesanan, Rp700.000", got)
	}
	links := byTestID(d, "report-orders-table").Find("tbody tr th a")
	if links.Length() != 2 || links.First().AttrOr("href", "") != fmt.Sprintf("/orders/%d", second) || links.Last().AttrOr("href", "") != fmt.Sprintf("/orders/%d", first) {
		t.Errorf("drill-down links = %v, want the two orders, newest payment first", links.Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("href", "") }))
	}
	recs = reportCSV(t, e.get(auditor, strings.Replace(href, "/reports/orders?", "/reports/orders.csv?", 1)))
	if len(recs) != 3 || recs[1][0] != fmt.Sprint(second) {
		t.Errorf("drill-down CSV = %q, want the two orders", recs)
	}

	// Koperindag staff read the same list but may not open orders.
	d = doc(t, e.get(e.login("koperindag"), href))
	if n := byTestID(d, "report-orders-table").Find("tbody tr").Length(); n != 2 {
		t.Errorf("Koperindag sees %d orders, want 2", n)
	}
	if byTestID(d, "report-orders-table").Find("a").Length() != 0 {
		t.Error("Koperindag gets links to order pages it may not open")
	}
}

// TestReport_BadFiltersAreMessages: malformed months, periods over five
// years, unknown OPDs and broken drill-down parameters get a clear
// message, never a server error.
func TestReport_BadFiltersAreMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.login("admin")
	for _, tt := range []struct {
		path   string
		status int
		text   string
	}{
		{"/reports?from=2026-13", http.StatusUnprocessableEntity, "Bulan awal tidak valid"},
		{"/reports?from=kemarin&to=2026-02", http.StatusUnprocessableEntity, "misalnya 2026-01"},
		{"/reports?from=2020-01&to=2026-12", http.StatusUnprocessableEntity, "paling panjang 60 bulan"},
		{"/reports?from=2026-05&to=2026-01", http.StatusUnprocessableEntity, "tidak boleh sebelum bulan awal"},
		{"/reports?opd=999999", http.StatusUnprocessableEntity, "OPD tidak ditemukan"},
		{"/reports?opd=dinkes", http.StatusUnprocessableEntity, "Pilih OPD dari daftar"},
		{"/reports/orders?after=kemarin", http.StatusUnprocessableEntity, "Halaman tidak valid"},
		{"/reports/orders?category=999999", http.StatusUnprocessableEntity, "Kategori tidak ditemukan"},
		{"/reports/orders?kecamatan=Sangir", http.StatusUnprocessableEntity, "Kode kecamatan tidak valid"},
		{"/reports/opd.csv?from=2026-1", http.StatusBadRequest, "Bulan awal tidak valid"},
		{"/reports/orders.xlsx?scale=raksasa", http.StatusBadRequest, "Skala usaha tidak valid"},
		{"/reports/nothing.csv", http.StatusNotFound, "Tabel laporan tidak ditemukan"},
	} {
		res := e.get(admin, tt.path)
		if res.StatusCode != tt.status {
			t.Errorf("%s: got %d, want %d", tt.path, res.StatusCode, tt.status)
			continue
		}
		d := doc(t, res)
		checkNoInternals(t, d)
		if !strings.Contains(d.Text(), tt.text) {
			t.Errorf("%s: page does not say %q", tt.path, tt.text)
		}
	}
	// The form keeps what was typed.
	d := doc(t, e.get(admin, "/reports?from=2026-13&to=2026-02"))
	if v, _ := inputValue(d, "from"); v != "2026-13" {
		t.Errorf("from field = %q, want what was typed", v)
	}
}

// TestReport_Pimpinan: the regent's office reads the dashboards and the
// orders behind them, and nothing else.
func TestReport_Pimpinan(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	payReportOrder(e, 2, "2026-03-12")
	c := e.login("pimpinan")
	d := doc(t, e.get(c, "/dashboard"))
	var nav []string
	d.Find("nav.main a").Each(func(_ int, s *goquery.Selection) { nav = append(nav, s.AttrOr("href", "")) })
	if strings.Join(nav, " ") != "/dashboard /notifications /reports /account" {
		t.Errorf("pimpinan navigation = %v, want the start page, notifications, reports and account", nav)
	}
	for path, status := range map[string]int{
		"/reports?from=2026-01&to=2026-12":               http.StatusOK,
		"/reports/orders?from=2026-01&to=2026-12":        http.StatusOK,
		"/reports/category.xlsx?from=2026-01&to=2026-12": http.StatusOK,
		"/orders":            http.StatusForbidden,
		"/koperindag/funnel": http.StatusForbidden,
		"/admin/budgets":     http.StatusForbidden,
		"/audit":             http.StatusForbidden,
		"/rup":               http.StatusForbidden,
		"/catalog":           http.StatusOK, // the public catalog
	} {
		if res := e.get(c, path); res.StatusCode != status {
			t.Errorf("%s: got %d, want %d", path, res.StatusCode, status)
		}
	}
	d = doc(t, e.get(c, "/reports?from=2026-01&to=2026-12"))
	if d.Find(`a[href="/koperindag/funnel"]`).Length() != 0 || d.Find(`a[href^="/admin/budgets"]`).Length() != 0 {
		t.Error("pimpinan's dashboard links to pages it may not open")
	}
}

// TestBudgets_AdminEntersAndDashboardUsesThem: an admin enters an OPD's
// budget; the dashboard then compares with it and says so; a bad amount is
// shown on its field.
func TestBudgets_AdminEntersAndDashboardUsesThem(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	payReportOrder(e, 10, "2026-03-12")
	admin := e.login("admin")
	res := e.get(admin, "/admin/budgets?year=2026")
	wantStatus(t, res, http.StatusOK, "")
	field := fmt.Sprintf("budget-%d", e.opdID)
	if _, ok := inputValue(doc(t, res), field); !ok {
		t.Fatalf("budget page has no field %s", field)
	}
	res = e.post(admin, "/admin/budgets", url.Values{"year": {"2026"}, field: {"Rp5.000.000"}})
	wantStatus(t, res, http.StatusSeeOther, "/admin/budgets?year=2026")
	d := doc(t, e.get(admin, "/reports?from=2026-01&to=2026-12"))
	row := byTestID(d, "report-budget-table").Find("tbody tr").First()
	if text := row.Text(); !strings.Contains(text, "Rp5.000.000") || !strings.Contains(text, "diisi admin") || !strings.Contains(text, "10%") {
		t.Errorf("budget row = %q, want Rp500.000 of Rp5.000.000 entered by the admin, 10%%", text)
	}
	res = e.post(admin, "/admin/budgets", url.Values{"year": {"2026"}, field: {"lima juta"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	d = doc(t, res)
	if v, _ := inputValue(d, field); v != "lima juta" || d.Find("#"+field+"-error").Length() != 1 {
		t.Errorf("bad amount: field %q, %d errors; want what was typed and its message", v, d.Find("#"+field+"-error").Length())
	}
	if res := e.get(admin, "/admin/budgets?year=1850"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("year 1850: got %d, want 400", res.StatusCode)
	}
	if n := countRows(t, e, `SELECT count(*) FROM audit_log WHERE action = 'opd_budget.set'`); n != 1 {
		t.Errorf("audit entries = %d, want 1", n)
	}
}

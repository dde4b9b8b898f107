package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"lapak/internal/wib"
)

// The red flags and the audit trail's export in the route × role table.
func init() {
	for route, a := range map[string]access{
		"GET /flags":        roles("auditor", "admin"),
		"GET /flags/{kind}": roles("auditor", "admin"),
		"GET /flags/{kind}/export.{format:csv|xlsx}": roles("auditor", "admin"),
		"POST /flags/{kind}/{id}/review":             roles("auditor"),
		"GET /audit.{format:csv|xlsx}":               roles("auditor", "admin"),
	} {
		routeAccess[route] = a
	}
}

// addSplitOrder writes a completed order of the fixture OPD from the fixture
// supplier, placed at placed, that the split rule flagged with msg and
// the buyer justified with why; it returns the order id.
func addSplitOrder(e *env, placed time.Time, msg, why string) int64 {
	e.t.Helper()
	ctx := context.Background()
	ppk := e.users["ppk"].ID
	var pkg, listing, id int64
	err := e.db.QueryRow(ctx, `INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, fiscal_year, ppk_user_id)
		VALUES ($1, $2, 'Belanja uji', 500000000, 'APBD', 2026, $3) RETURNING id`, e.opdID, fmt.Sprint(51230000+time.Now().UnixNano()%10000), ppk).Scan(&pkg)
	if err != nil {
		e.t.Fatal(err)
	}
	err = e.db.QueryRow(ctx, `INSERT INTO listings (supplier_id, kind, title, category_id, unit, price, status, published_at, created_at)
		VALUES ($1, 'goods', 'Kertas HVS A4', (SELECT min(id) FROM categories), 'rim', 50000, 'published', '2025-01-01', '2025-01-01') RETURNING id`, e.supID).Scan(&listing)
	if err != nil {
		e.t.Fatal(err)
	}
	outcome, _ := json.Marshal(map[string]any{"results": []map[string]any{{"rule": "split", "verdict": "justify", "message": msg, "flagged": true}}})
	just, _ := json.Marshal(map[string]string{"split": why})
	err = e.db.QueryRow(ctx, `INSERT INTO orders (opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key,
		delivery_address, requested_date, supplier_pkp, supplier_pp55, total, rule_outcome, flagged, justifications, sp_number,
		placed_at, signed_at, bast_at, completed_at)
		VALUES ($1, $2, $3, $4, $4, 'completed', $5, 'Jl. Pemuda No. 1, Padang Aro', '2026-07-01', false, false, 500000, $6, true, $7,
		$8, $9::timestamptz, $9::timestamptz + interval '2 hours', $9::timestamptz + interval '5 days', $9::timestamptz + interval '10 days') RETURNING id`,
		e.opdID, e.supID, pkg, ppk, fmt.Sprintf("uji-%d", time.Now().UnixNano()), outcome, just,
		fmt.Sprintf("%d/SP/DINKES/VI/2026", time.Now().UnixNano()), placed).Scan(&id)
	if err != nil {
		e.t.Fatal(err)
	}
	_, err = e.db.Exec(ctx, `INSERT INTO order_lines (order_id, position, listing_id, title, unit, kind, qty, list_price, unit_dpp, unit_price, total)
		VALUES ($1, 1, $2, 'Kertas HVS A4', 'rim', 'goods', 10, 50000, 50000, 50000, 500000)`, id, listing)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// flagRow returns the row of order id on a flag list page.
func flagRow(d *goquery.Document, id int64) *goquery.Selection {
	return d.Find(fmt.Sprintf(`[data-testid="flag-order"][data-order="%d"]`, id))
}

// readCSV parses a CSV download, without its byte-order mark.
func readCSV(t *testing.T, res *http.Response) [][]string {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("Content-Type %q, want text/csv", ct)
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

// readXLSX returns the rows of the first sheet of an XLSX download.
func readXLSX(t *testing.T, res *http.Response) [][]string {
	t.Helper()
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

// TestHTTP_FlagReview: an auditor finds a split-detection flag, reads the
// buyer's justification, marks it reviewed with a note (refused while the
// note is too short, and a second time), and sees it reviewed; an admin
// reads the same page without a review form.
func TestHTTP_FlagReview(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	today := time.Now().In(wib.Location)
	why := "Kebutuhan ujian susulan yang baru ditetapkan Dinas."
	id := addSplitOrder(e, today.Add(-time.Hour), "Nilai pesanan mendekati batas Rp50 jt.", why)
	auditor := e.login("auditor")

	d := doc(t, e.get(auditor, "/dashboard"))
	if d.Find(`nav.main a[href="/flags"]`).Length() != 1 {
		t.Error("the auditor's navigation has no link to the red flags")
	}
	res := e.get(auditor, "/flags")
	wantStatus(t, res, http.StatusOK, "")
	d = doc(t, res)
	split := d.Find(`[data-testid="flag-kind"][data-kind="split"]`)
	if got := strings.TrimSpace(split.Find(`[data-testid="flag-count"]`).Text()); got != "1" {
		t.Errorf("split flags counted %q, want 1", got)
	}
	href, _ := split.Find("a").Attr("href")
	res = e.get(auditor, href)
	wantStatus(t, res, http.StatusOK, "")
	d = doc(t, res)
	row := flagRow(d, id)
	if got := strings.TrimSpace(row.Find(`[data-testid="flag-justification"]`).Text()); !strings.Contains(got, why) {
		t.Errorf("justification shown %q, want it to contain %q", got, why)
	}
	if link, _ := row.Find("a").First().Attr("href"); link != "/orders/"+strconv.FormatInt(id, 10) {
		t.Errorf("order link %q", link)
	}
	action, ok := row.Find(`[data-testid="flag-review-form"]`).Attr("action")
	if !ok {
		t.Fatal("no review form for the auditor")
	}
	form := url.Values{}
	row.Find(`[data-testid="flag-review-form"] input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})

	form.Set("note", "ok")
	res = e.post(auditor, action, form)
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	d = doc(t, res)
	if got := textOf(d, "flag-review-error"); got != "Tulis catatan pemeriksaan 5 sampai 2.000 karakter." {
		t.Errorf("note error %q", got)
	}
	if _, open := flagRow(d, id).Find("details").Attr("open"); !open {
		t.Error("the refused review form is not open")
	}

	note := "Dicek dengan PPK: dua kebutuhan puskesmas yang berbeda."
	form.Set("note", note)
	res = e.post(auditor, action, form)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/flags/split?") || !strings.HasSuffix(loc, fmt.Sprintf("#order-%d", id)) {
		t.Fatalf("review: got %d to %q, want 303 back to the list", res.StatusCode, loc)
	}
	d = doc(t, e.get(auditor, loc))
	if !strings.Contains(textOf(d, "flash"), "ditandai sudah diperiksa") {
		t.Errorf("flash %q", textOf(d, "flash"))
	}
	if row := flagRow(d, id); row.Find(`[data-testid="flag-reviewed"]`).Length() != 1 || !strings.Contains(row.Text(), note) {
		t.Errorf("reviewed order shows %q", strings.TrimSpace(row.Text()))
	}
	wantStatus(t, e.post(auditor, action, form), http.StatusConflict, "")
	if n := countRows(t, e, `SELECT count(*) FROM audit_log WHERE action = 'flag.review' AND entity_id = $1`, fmt.Sprint(id)); n != 1 {
		t.Errorf("%d audit entries for the review, want 1", n)
	}

	for _, tc := range []struct {
		review string
		want   int
	}{{"reviewed", 1}, {"open", 0}, {"", 1}} {
		d := doc(t, e.get(auditor, "/flags/split?review="+tc.review))
		if got := byTestID(d, "flag-order").Length(); got != tc.want {
			t.Errorf("review=%q: %d orders, want %d", tc.review, got, tc.want)
		}
	}

	admin := e.login("admin")
	res = e.get(admin, "/flags/split")
	wantStatus(t, res, http.StatusOK, "")
	if d := doc(t, res); flagRow(d, id).Length() != 1 || byTestID(d, "flag-review-form").Length() != 0 {
		t.Error("admin: want the order listed and no review form")
	}
	wantStatus(t, e.post(admin, action, form), http.StatusForbidden, "")
}

// TestHTTP_FlagPeriod: the period filter refuses bad input with a message
// on the field, never a server error, and leaves out orders outside it.
func TestHTTP_FlagPeriod(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	addSplitOrder(e, time.Date(2026, 3, 10, 9, 0, 0, 0, wib.Location), "Mendekati batas.", "Alasan yang cukup panjang untuk uji.")
	c := e.login("auditor")
	tests := []struct {
		name, query string
		status      int
		field, msg  string // the field with an error and its message
		count       string // split flags counted
	}{
		{"the month of the order", "from=2026-03-01&to=2026-03-31", http.StatusOK, "", "", "1"},
		{"the month after", "from=2026-04-01&to=2026-04-30", http.StatusOK, "", "", "0"},
		{"not a date", "from=kemarin", http.StatusUnprocessableEntity, "from", "Tanggal awal tidak valid. Gunakan format tahun-bulan-tanggal, misalnya 2026-01-31.", ""},
		{"end before start", "from=2026-03-02&to=2026-03-01", http.StatusUnprocessableEntity, "to", "Tanggal akhir tidak boleh sebelum tanggal awal.", ""},
		{"too long", "from=2020-01-01&to=2026-12-31", http.StatusUnprocessableEntity, "from", "Periode paling panjang 3 tahun. Persempit rentang tanggalnya.", ""},
		{"unknown review state", "review=semua", http.StatusUnprocessableEntity, "review", "Pilihan status pemeriksaan tidak dikenal.", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.get(c, "/flags?"+tc.query)
			wantStatus(t, res, tc.status, "")
			d := doc(t, res)
			checkNoInternals(t, d)
			if tc.field != "" {
				if got := strings.TrimSpace(d.Find("#" + tc.field + "-error").Text()); got != tc.msg && tc.field != "review" {
					t.Errorf("%s error %q, want %q", tc.field, got, tc.msg)
				}
				if got := strings.TrimSpace(byTestID(d, "form-errors").Text()); !strings.Contains(got, tc.msg) {
					t.Errorf("error summary %q, want %q", got, tc.msg)
				}
				return
			}
			split := d.Find(`[data-testid="flag-kind"][data-kind="split"] [data-testid="flag-count"]`)
			if got := strings.TrimSpace(split.Text()); got != tc.count {
				t.Errorf("split count %q, want %s", got, tc.count)
			}
		})
	}
	wantStatus(t, e.get(c, "/flags/lain"), http.StatusNotFound, "")
	wantStatus(t, e.get(c, "/flags/split/export.csv?to=bukan"), http.StatusUnprocessableEntity, "")
}

// TestHTTP_FlagExport: each kind downloads as CSV and XLSX, with the
// orders of the period and their reviews.
func TestHTTP_FlagExport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	placed := time.Date(2026, 3, 10, 9, 0, 0, 0, wib.Location)
	id := addSplitOrder(e, placed, "Mendekati batas Rp50 jt.", "Alasan yang cukup panjang untuk uji.")
	c := e.login("admin")
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			res := e.get(c, "/flags/split/export."+format+"?from=2026-03-01&to=2026-03-31")
			wantStatus(t, res, http.StatusOK, "")
			if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "tanda-bahaya-split-2026-03-01-2026-03-31."+format) {
				t.Errorf("Content-Disposition %q", cd)
			}
			var rows [][]string
			if format == "csv" {
				rows = readCSV(t, res)
			} else {
				rows = readXLSX(t, res)
			}
			if len(rows) != 2 {
				t.Fatalf("%d rows, want a header and one order: %q", len(rows), rows)
			}
			got := []string{rows[1][0], rows[1][3], rows[1][7], rows[1][8], rows[1][9], rows[1][10]}
			want := []string{fmt.Sprint(id), "2026-03-10 09:00", "500000", "Mendekati batas Rp50 jt.", "Alasan yang cukup panjang untuk uji.", "belum"}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("exported order (-got +want):\n%s", diff)
			}
		})
	}
}

// TestHTTP_AuditFilterAndExport: the audit trail filters by actor, entity,
// entity id, action and period together, pages with the filter kept, and
// downloads everything the filter selects (beyond one page) as CSV and XLSX.
func TestHTTP_AuditFilterAndExport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2026, 3, d, 10, 0, 0, 0, wib.Location) }
	for _, r := range []struct {
		at                         time.Time
		actor, action, entity, eid string
	}{
		{day(1), "Rina Auditor", "flag.review", "order", "7"},
		{day(2), "Budi PPK", "order.sign", "order", "7"},
		{day(3), "Budi PPK", "order.sign", "order", "8"},
		{day(4), "Budi PPK", "user.login", "user", "5"},
	} {
		if _, err := e.db.Exec(ctx, `INSERT INTO audit_log (at, actor_name, action, entity, entity_id) VALUES ($1, $2, $3, $4, $5)`,
			r.at, r.actor, r.action, r.entity, r.eid); err != nil {
			t.Fatal(err)
		}
	}
	// 1.200 entries of one entity: more than a page, and more than one flush of the CSV.
	if _, err := e.db.Exec(ctx, `INSERT INTO audit_log (at, actor_name, action, entity, entity_id)
		SELECT '2026-02-01'::timestamptz + n * interval '1 minute', 'Sistem', 'bulk.test', 'bulk', n::text FROM generate_series(1, 1200) n`); err != nil {
		t.Fatal(err)
	}
	c := e.login("auditor")
	actions := func(d *goquery.Document) []string {
		var out []string
		byTestID(d, "audit-entry").Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Find("td").Eq(3).Text())) })
		return out
	}
	tests := []struct {
		name, query string
		want        []string
	}{
		{"one order", "entity=order&entity_id=7", []string{"order.sign", "flag.review"}},
		{"actor and period", "actor=budi&from=2026-03-03&to=2026-03-04", []string{"user.login", "order.sign"}},
		{"actor, action and period", "actor=Budi&action=order.&from=2026-03-01&to=2026-03-02", []string{"order.sign"}},
		{"nothing", "entity=order&entity_id=999", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.get(c, "/audit?"+tc.query)
			wantStatus(t, res, http.StatusOK, "")
			if diff := cmp.Diff(actions(doc(t, res)), tc.want); diff != "" {
				t.Errorf("entries (-got +want):\n%s", diff)
			}
		})
	}
	for _, q := range []string{"from=kemarin", "from=2026-03-05&to=2026-03-01", "entity=" + strings.Repeat("x", 51)} {
		res := e.get(c, "/audit?"+q)
		wantStatus(t, res, http.StatusUnprocessableEntity, "")
		if d := doc(t, res); byTestID(d, "form-errors").Length() != 1 {
			t.Errorf("%s: no error summary", q)
		}
	}

	// Paging keeps the filter.
	d := doc(t, e.get(c, "/audit?entity=bulk"))
	next, _ := byTestID(d, "audit-next").Attr("href")
	if len(actions(d)) != 50 || !strings.Contains(next, "entity=bulk") {
		t.Fatalf("first page: %d entries, next %q", len(actions(d)), next)
	}
	d = doc(t, e.get(c, next))
	if first := byTestID(d, "audit-entry").First().Find("td").Eq(4).Text(); len(actions(d)) != 50 || !strings.Contains(first, "bulk 1150") {
		t.Errorf("second page: %d entries starting at %q", len(actions(d)), first)
	}

	href, _ := byTestID(doc(t, e.get(c, "/audit?entity=bulk")), "audit-export-csv").Attr("href")
	if href != "/audit.csv?entity=bulk" {
		t.Errorf("export link %q", href)
	}
	for _, format := range []string{"csv", "xlsx"} {
		t.Run("export "+format, func(t *testing.T) {
			res := e.get(c, "/audit."+format+"?entity=bulk")
			wantStatus(t, res, http.StatusOK, "")
			var rows [][]string
			if format == "csv" {
				rows = readCSV(t, res)
			} else {
				rows = readXLSX(t, res)
			}
			if len(rows) != 1201 || rows[0][0] != "No." || rows[1][6] != "1200" || rows[1200][6] != "1" || rows[1][2] != "Sistem" {
				t.Errorf("got %d rows, first %q, last %q", len(rows), rows[min(1, len(rows)-1)], rows[len(rows)-1])
			}
		})
	}
	t.Run("export with a bad filter", func(t *testing.T) {
		wantStatus(t, e.get(c, "/audit.csv?to=bukan"), http.StatusUnprocessableEntity, "")
	})
	t.Run("export of nothing has the header", func(t *testing.T) {
		rows := readCSV(t, e.get(c, "/audit.csv?entity=tidak-ada"))
		if len(rows) != 1 || rows[0][0] != "No." {
			t.Errorf("got %q", rows)
		}
	})
}

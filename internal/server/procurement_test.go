package server_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"lapak/internal/auth"
	"lapak/internal/wib"
)

// The RUP, rules and holiday pages in the route × role table.
func init() {
	officials := roles("pp", "ppk", "admin")
	for route, a := range map[string]access{
		"GET /rup":                         roles("pp", "ppk", "treasurer", "admin", "auditor"),
		"GET /rup/new":                     officials,
		"POST /rup":                        officials,
		"GET /rup/import":                  officials,
		"POST /rup/import":                 officials,
		"GET /rup/{id}/edit":               officials,
		"POST /rup/{id}":                   officials,
		"GET /rules":                       roles("admin", "auditor"),
		"GET /rules/{code}":                roles("admin", "auditor"),
		"POST /rules/{code}":               roles("admin"),
		"GET /admin/holidays":              roles("admin"),
		"POST /admin/holidays":             roles("admin"),
		"GET /admin/holidays/{id}/edit":    roles("admin"),
		"POST /admin/holidays/{id}":        roles("admin"),
		"POST /admin/holidays/{id}/delete": roles("admin"),
	} {
		routeAccess[route] = a
	}
}

// addOfficial creates an account with grant and returns its signed-in client.
func addOfficial(e *env, key string, g auth.Grant) *http.Client {
	e.t.Helper()
	u, err := e.srv.Auth().CreateUser(auth.SystemContext(context.Background()), auth.UserInput{Name: "Pejabat " + key,
		Email: key + "@test.id", Password: testPassword, Grants: []auth.Grant{g}})
	if err != nil {
		e.t.Fatal(err)
	}
	e.users[key] = u
	return e.login(key)
}

// otherOPD returns an OPD other than the fixture's.
func otherOPD(e *env) int64 {
	e.t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), "SELECT id FROM opds WHERE id <> $1 ORDER BY id LIMIT 1", e.opdID).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// uploadRUPFile posts a file (and fields) as the RUP import form does.
func uploadRUPFile(e *env, c *http.Client, filename string, data []byte, fields url.Values) *http.Response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		e.t.Fatal(err)
	}
	_, _ = fw.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+"/rup/import", &body)
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

func rupPackageID(t *testing.T, e *env, kode string) int64 {
	t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), "SELECT id FROM rup_packages WHERE kode_rup = $1", kode).Scan(&id); err != nil {
		t.Fatalf("package %s: %v", kode, err)
	}
	return id
}

func TestRUP_CreateEditAndAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pp := e.login("pp")
	year := strconv.Itoa(time.Now().In(wib.Location).Year())

	res := e.get(pp, "/rup/new")
	wantStatus(t, res, http.StatusOK, "")
	if v, _ := inputValue(doc(t, res), "fiscal_year"); v != year {
		t.Errorf("new form fiscal year %q, want %s", v, year)
	}
	res = e.post(pp, "/rup", url.Values{"kode_rup": {"12"}, "name": {"Belanja ATK"}, "pagu": {"banyak"}, "funding_source": {"APBD"}, "fiscal_year": {year}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	d := doc(t, res)
	if msg := textOf(d, "form-errors"); !strings.Contains(msg, "Kode RUP") || !strings.Contains(msg, "Pagu") {
		t.Errorf("errors %q", msg)
	}
	checkNoInternals(t, d)
	res = e.post(pp, "/rup", url.Values{"kode_rup": {"41234567"}, "name": {"Belanja ATK Puskesmas"}, "pagu": {"150.000.000"},
		"funding_source": {"DAK"}, "account_code": {"5.1.02.01.01.0024"}, "fiscal_year": {year}, "ppk_user_id": {strconv.FormatInt(e.users["ppk"].ID, 10)}})
	wantStatus(t, res, http.StatusSeeOther, "/rup")
	id := rupPackageID(t, e, "41234567")

	// The treasurer of the OPD reads the list, without edit links.
	res = e.get(e.login("treasurer"), "/rup")
	wantStatus(t, res, http.StatusOK, "")
	d = doc(t, res)
	if n := byTestID(d, "rup-row").Length(); n != 1 {
		t.Fatalf("treasurer sees %d rows, want 1", n)
	}
	if got := textOf(d, "rup-remaining"); got != "Rp150.000.000" {
		t.Errorf("remaining %q", got)
	}
	if byTestID(d, "rup-row").Find("a").Length() != 0 {
		t.Error("treasurer sees an edit link")
	}

	// The PPK edits it.
	ppk := e.login("ppk")
	res = e.get(ppk, "/rup/"+strconv.FormatInt(id, 10)+"/edit")
	wantStatus(t, res, http.StatusOK, "")
	version, _ := doc(t, res).Find(`input[name="version"]`).Attr("value")
	res = e.post(ppk, "/rup/"+strconv.FormatInt(id, 10), url.Values{"version": {version}, "kode_rup": {"41234567"}, "name": {"Belanja ATK Puskesmas"},
		"pagu": {"175000000"}, "funding_source": {"DAK"}, "fiscal_year": {year}, "active": {"1"}})
	wantStatus(t, res, http.StatusSeeOther, "/rup")
	if n := countRows(t, e, "SELECT count(*) FROM rup_packages WHERE id = $1 AND pagu = 175000000 AND version = 2", id); n != 1 {
		t.Error("the edit was not saved")
	}
	// A stale form is refused.
	res = e.post(ppk, "/rup/"+strconv.FormatInt(id, 10), url.Values{"version": {version}, "kode_rup": {"41234567"}, "name": {"Lagi"},
		"pagu": {"1"}, "funding_source": {"DAK"}, "fiscal_year": {year}})
	wantStatus(t, res, http.StatusConflict, "")

	// A PP of another OPD is refused by the domain; a supplier by the route.
	other := addOfficial(e, "pp-lain", auth.Grant{Role: auth.RolePP, OPDID: otherOPD(e)})
	res = e.get(other, "/rup/"+strconv.FormatInt(id, 10)+"/edit")
	wantStatus(t, res, http.StatusForbidden, "")
	res = e.post(other, "/rup/"+strconv.FormatInt(id, 10), url.Values{"version": {"2"}, "kode_rup": {"41234567"}, "name": {"Diambil alih"},
		"pagu": {"1000"}, "funding_source": {"APBD"}, "fiscal_year": {year}})
	wantStatus(t, res, http.StatusForbidden, "")
	res = e.get(other, "/rup")
	wantStatus(t, res, http.StatusOK, "")
	if n := byTestID(doc(t, res), "rup-row").Length(); n != 0 {
		t.Errorf("PP of another OPD sees %d packages", n)
	}
	res = e.get(e.login("supplier"), "/rup")
	wantStatus(t, res, http.StatusForbidden, "")

	// Admins and auditors see every OPD's packages and can filter by OPD.
	for _, role := range []string{"admin", "auditor"} {
		res = e.get(e.login(role), "/rup?opd_id="+strconv.FormatInt(e.opdID, 10))
		wantStatus(t, res, http.StatusOK, "")
		if n := byTestID(doc(t, res), "rup-row").Length(); n != 1 {
			t.Errorf("%s sees %d rows", role, n)
		}
	}
}

func TestRUP_Import(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pp := e.login("pp")
	res := e.get(pp, "/rup/import")
	wantStatus(t, res, http.StatusOK, "")

	csv := "Kode RUP;Nama Paket;Pagu;Sumber Dana;Kode Rekening;Tahun Anggaran\n" +
		"41230001;Belanja ATK;150.000.000;APBD;5.1.02.01.01.0024;2026\n" +
		"41230002;Makan minum rapat;seratus;APBD;;2026\n" +
		"41230003;Sewa tenda;10000000;BLUD;;2026\n"
	res = uploadRUPFile(e, pp, "sirup.csv", []byte(csv), url.Values{"year": {"2026"}})
	wantStatus(t, res, http.StatusOK, "")
	d := doc(t, res)
	report := textOf(d, "import-report")
	if !strings.Contains(report, "2 paket baru") || !strings.Contains(report, "1 baris tidak diimpor") {
		t.Errorf("report %q", report)
	}
	if rows := byTestID(d, "import-problems").Find("tbody tr"); rows.Length() != 1 || !strings.Contains(rows.Text(), "3") {
		t.Errorf("problem rows %q", rows.Text())
	}
	checkNoInternals(t, d)

	res = uploadRUPFile(e, pp, "sirup.csv", []byte(csv), url.Values{"year": {"2026"}})
	wantStatus(t, res, http.StatusOK, "")
	if report := textOf(doc(t, res), "import-report"); !strings.Contains(report, "0 paket baru") || !strings.Contains(report, "2 tidak berubah") {
		t.Errorf("re-import report %q", report)
	}
	if n := countRows(t, e, "SELECT count(*) FROM rup_packages WHERE opd_id = $1", e.opdID); n != 2 {
		t.Errorf("packages %d, want 2", n)
	}

	res = uploadRUPFile(e, pp, "foto.jpg", []byte("\xff\xd8\xff\xe0 not a spreadsheet \x00\x00"), nil)
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	if msg := textOf(doc(t, res), "form-errors"); !strings.Contains(msg, "bukan CSV atau XLSX") {
		t.Errorf("bad file message %q", msg)
	}
	// A form without a file says so.
	res = e.post(pp, "/rup/import", url.Values{})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	// An admin must choose the OPD.
	res = uploadRUPFile(e, e.login("admin"), "sirup.csv", []byte(csv), nil)
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
}

func TestRule_Pages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	auditor := e.login("auditor")
	res := e.get(auditor, "/rules")
	wantStatus(t, res, http.StatusOK, "")
	d := doc(t, res)
	if n := byTestID(d, "rules-table").Find("tbody tr").Length(); n != 5 {
		t.Errorf("rules listed: %d, want 5", n)
	}
	if !strings.Contains(d.Text(), "Perbup Solok Selatan (rancangan") {
		t.Error("the list does not show the draft Perbup as legal basis")
	}
	res = e.get(auditor, "/rules/ceiling")
	wantStatus(t, res, http.StatusOK, "")
	d = doc(t, res)
	if d.Find(`form[action="/rules/ceiling"]`).Length() != 0 {
		t.Error("the auditor sees the edit form")
	}
	if got := textOf(d, "rule-current"); !strings.Contains(got, "Rp200.000.000") {
		t.Errorf("current version %q", got)
	}
	res = e.post(auditor, "/rules/ceiling", url.Values{"limit": {"1"}})
	wantStatus(t, res, http.StatusForbidden, "")

	admin := e.login("admin")
	res = e.get(admin, "/rules/ceiling")
	wantStatus(t, res, http.StatusOK, "")
	d = doc(t, res)
	if v, _ := inputValue(d, "limit"); v != "200.000.000" {
		t.Errorf("limit prefilled %q", v)
	}
	res = e.post(admin, "/rules/ceiling", url.Values{"limit": {"dua ratus"}, "effective_from": {"2020-01-01"}, "legal_basis": {"Perbup"}, "reason": {""}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	if msg := textOf(doc(t, res), "form-errors"); !strings.Contains(msg, "Batas") || !strings.Contains(msg, "paling awal hari ini") {
		t.Errorf("errors %q", msg)
	}
	tomorrow := wib.ISODate(time.Now().AddDate(0, 0, 1))
	res = e.post(admin, "/rules/ceiling", url.Values{"limit": {"150.000.000"}, "effective_from": {tomorrow},
		"legal_basis": {"Perbup Solok Selatan Nomor 1 Tahun 2027 (uji)"}, "reason": {"Batas diturunkan oleh Perbup yang baru."}})
	wantStatus(t, res, http.StatusSeeOther, "/rules/ceiling")
	res = e.get(admin, "/rules/ceiling")
	d = doc(t, res)
	if n := byTestID(d, "rule-history").Find("tbody tr").Length(); n != 2 {
		t.Errorf("history rows %d, want 2", n)
	}
	if got := textOf(d, "flash"); !strings.Contains(got, "Versi 2 disimpan") {
		t.Errorf("flash %q", got)
	}
	res = e.get(admin, "/rules/tidak-ada")
	wantStatus(t, res, http.StatusNotFound, "")
}

func TestHoliday_Pages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.login("admin")
	res := e.get(admin, "/admin/holidays?year=2026")
	wantStatus(t, res, http.StatusOK, "")
	d := doc(t, res)
	if n := byTestID(d, "holiday-table").Find("tbody tr").Length(); n != 25 {
		t.Errorf("2026 rows %d, want 25", n)
	}
	if byTestID(d, "holiday-incomplete").Length() != 0 {
		t.Error("2026 is shown as incomplete")
	}
	res = e.get(admin, "/admin/holidays?year=2027")
	if byTestID(doc(t, res), "holiday-incomplete").Length() != 1 {
		t.Error("2027 is not shown as incomplete")
	}

	res = e.post(admin, "/admin/holidays", url.Values{"date": {"2027-02-06"}, "name": {""}, "kind": {"libur_nasional"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	res = e.post(admin, "/admin/holidays", url.Values{"date": {"2027-02-06"}, "name": {"Tahun Baru Imlek 2578 Kongzili"}, "kind": {"libur_nasional"},
		"legal_basis": {"SKB 3 Menteri 2027 (uji)"}, "source": {"uji"}, "tentative": {"1"}})
	wantStatus(t, res, http.StatusSeeOther, "/admin/holidays?year=2027")
	var id int64
	if err := e.db.QueryRow(context.Background(), "SELECT id FROM holidays WHERE date = '2027-02-06'").Scan(&id); err != nil {
		t.Fatal(err)
	}
	path := "/admin/holidays/" + strconv.FormatInt(id, 10)
	res = e.get(admin, path+"/edit")
	wantStatus(t, res, http.StatusOK, "")
	if v, _ := inputValue(doc(t, res), "date"); v != "2027-02-06" {
		t.Errorf("edit form date %q", v)
	}
	res = e.post(admin, path, url.Values{"date": {"2027-02-05"}, "name": {"Tahun Baru Imlek 2578 Kongzili"}, "kind": {"libur_nasional"},
		"legal_basis": {"SKB 3 Menteri 2027 (uji)"}})
	wantStatus(t, res, http.StatusSeeOther, "/admin/holidays?year=2027")
	res = e.post(admin, path+"/delete", url.Values{})
	wantStatus(t, res, http.StatusSeeOther, "/admin/holidays?year=2027")
	if n := countRows(t, e, "SELECT count(*) FROM audit_log WHERE entity = 'holiday' AND entity_id = $1", strconv.FormatInt(id, 10)); n != 3 {
		t.Errorf("audit entries %d, want 3", n)
	}
	res = e.get(e.login("auditor"), "/admin/holidays")
	wantStatus(t, res, http.StatusForbidden, "")
}

func TestRUP_RuleHolidayNavigation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		role string
		want map[string]bool
	}{
		{"pp", map[string]bool{"/rup": true, "/rules": false, "/admin/holidays": false}},
		{"treasurer", map[string]bool{"/rup": true, "/rules": false, "/admin/holidays": false}},
		{"supplier", map[string]bool{"/rup": false, "/rules": false, "/admin/holidays": false}},
		{"auditor", map[string]bool{"/rup": true, "/rules": true, "/admin/holidays": false}},
		{"admin", map[string]bool{"/rup": true, "/rules": true, "/admin/holidays": true}},
	}
	for _, tt := range tests {
		res := e.get(e.login(tt.role), "/dashboard")
		d := doc(t, res)
		for href, want := range tt.want {
			if got := d.Find(`nav a[href="`+href+`"]`).Length() >= 1; got != want { // main navigation or the start page menu
				t.Errorf("%s: link to %s shown %v, want %v", tt.role, href, got, want)
			}
		}
	}
}

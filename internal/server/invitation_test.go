package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func init() {
	for _, r := range []string{"GET /activate", "POST /activate", "GET /register", "POST /register"} {
		routeAccess[r] = everyone
	}
	for _, r := range []string{"GET /koperindag/invitations", "POST /koperindag/invitations", "POST /koperindag/invitations/letters.pdf",
		"GET /koperindag/suppliers/new", "POST /koperindag/suppliers/new"} {
		routeAccess[r] = roles("koperindag", "admin")
	}
}

// mustRegistryEntry inserts a registry entry in Sangir with SQL and returns its id.
func mustRegistryEntry(t *testing.T, e *env, name, owner, phone string) int64 {
	t.Helper()
	var id int64
	err := e.db.QueryRow(context.Background(), `INSERT INTO registry_entries (business_name, owner_name, phone, kecamatan_code, nagari_code, match_name)
		VALUES ($1, $2, nullif($3, ''), '13.11.01', '13.11.01.2001', lower($1)) RETURNING id`, name, owner, phone).Scan(&id)
	if err != nil {
		t.Fatalf("insert registry entry: %v", err)
	}
	return id
}

// issueOverHTTP invites entries as Koperindag staff and returns the codes shown.
func issueOverHTTP(t *testing.T, e *env, c *http.Client, ids ...int64) []string {
	t.Helper()
	form := url.Values{"scope": {"selected"}, "format": {"list"}}
	for _, id := range ids {
		form.Add("entry", strconv.FormatInt(id, 10))
	}
	res := e.post(c, "/koperindag/invitations", form)
	wantStatus(t, res, http.StatusOK, "")
	d := doc(t, res)
	var codes []string
	byTestID(d, "code").Each(func(_ int, s *goquery.Selection) { codes = append(codes, strings.TrimSpace(s.Text())) })
	if len(codes) != len(ids) {
		t.Fatalf("got %d codes on the page, want %d", len(codes), len(ids))
	}
	return codes
}

var profileRe = regexp.MustCompile(`^/suppliers/([0-9]+)/profile$`)

// TestInvitation_ActivationFlow: staff invite an entry; its owner opens the
// link, sees whose invitation it is, activates, and ends signed in on the
// new supplier's profile.
func TestInvitation_ActivationFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff := e.login("koperindag")
	id := mustRegistryEntry(t, e, "Kopi Sangir Baru", "Rahmat", "+6281299990000")

	res := e.get(staff, "/koperindag/invitations")
	wantStatus(t, res, http.StatusOK, "")
	d := doc(t, res)
	if n := byTestID(d, "entry-row").Length(); n != 1 {
		t.Errorf("invitation page lists %d entries, want the 1 not invited yet", n)
	}
	codes := issueOverHTTP(t, e, staff, id)
	d = doc(t, e.post(staff, "/koperindag/invitations", url.Values{"scope": {"selected"}, "entry": {strconv.FormatInt(id, 10)}}))
	href, _ := byTestID(d, "wa-link").Attr("href")
	if !strings.HasPrefix(href, "https://wa.me/6281299990000?text=") {
		t.Errorf("WhatsApp link %q", href)
	}
	code := strings.TrimSpace(byTestID(d, "code").First().Text()) // the second issue replaced the first code
	if code == codes[0] {
		t.Fatal("issuing again showed the same code")
	}

	owner := e.client()
	res = e.get(owner, "/activate?code="+url.QueryEscape(codes[0]))
	wantStatus(t, res, http.StatusOK, "")
	d = doc(t, res)
	if d.Find("#code-error").Length() == 0 {
		t.Error("the replaced code shows no error on the code field")
	}
	res = e.get(owner, "/activate?code="+url.QueryEscape(code))
	wantStatus(t, res, http.StatusOK, "")
	d = doc(t, res)
	if got := textOf(d, "invitation-preview"); !strings.Contains(got, "Kopi Sangir Baru") {
		t.Errorf("preview %q does not name the business", got)
	}
	if v, _ := inputValue(d, "name"); v != "Rahmat" {
		t.Errorf("name prefilled with %q, want the owner's name", v)
	}
	if textOf(d, "code-explained") == "" {
		t.Error("the page does not explain what the code is")
	}

	res = e.post(owner, "/activate", url.Values{"code": {strings.ToLower(code)}, "name": {"Rahmat"}, "phone": {"0812 9999 0000"},
		"password": {"pendek"}, "confirm": {"pendek"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	d = doc(t, res)
	if byTestID(d, "form-errors").Length() == 0 || d.Find(`#password[aria-describedby~="password-error"]`).Length() == 0 {
		t.Error("a short password is not reported in the summary and tied to its field")
	}

	res = e.post(owner, "/activate", url.Values{"code": {strings.ToLower(code)}, "name": {"Rahmat"}, "phone": {"0812 9999 0000"},
		"password": {newPassword}, "confirm": {newPassword}})
	m := profileRe.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("activate: got %d to %q, want 303 to /suppliers/{id}/profile", res.StatusCode, res.Header.Get("Location"))
	}
	supplierID, _ := strconv.ParseInt(m[1], 10, 64)
	if n := countRows(t, e, "SELECT count(*) FROM registry_entries WHERE id = $1 AND supplier_id = $2", id, supplierID); n != 1 {
		t.Error("the entry is not linked to the supplier the redirect names")
	}
	res = e.get(owner, "/dashboard")
	wantStatus(t, res, http.StatusOK, "")
	if got := textOf(doc(t, res), "signed-in-as"); got != "Rahmat" {
		t.Errorf("signed in as %q, want Rahmat", got)
	}

	res = e.post(e.client(), "/activate", url.Values{"code": {code}, "name": {"Orang Lain"}, "phone": {"0812 9999 0001"},
		"password": {newPassword}, "confirm": {newPassword}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	if got := strings.TrimSpace(doc(t, res).Find("#code-error").Text()); !strings.Contains(got, "sudah dipakai") {
		t.Errorf("second use: %q, want the code reported used", got)
	}
}

// TestRegister_OverHTTP: a business not in the registry registers, ends
// signed in on its profile; mistakes come back on the form.
func TestRegister_OverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	res := e.get(c, "/register")
	wantStatus(t, res, http.StatusOK, "")
	d := doc(t, res)
	if d.Find(`select#nagari optgroup`).Length() == 0 {
		t.Error("the nagari list is not grouped by kecamatan")
	}
	if d.Find(`nav a[href="/register"]`).Length() == 0 {
		t.Error("visitors have no link to register")
	}
	form := url.Values{"business_name": {"Tenun Songket Alam Surambi"}, "owner_name": {"Yusnita"}, "phone": {""},
		"kecamatan": {"13.11.01"}, "nagari": {"13.11.01.2001"}, "password": {newPassword}, "confirm": {newPassword}}
	res = e.post(c, "/register", form)
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	d = doc(t, res)
	if d.Find("#phone-error").Length() == 0 || byTestID(d, "form-errors").Length() == 0 {
		t.Error("a missing phone number is not reported on its field and in the summary")
	}
	if v, _ := inputValue(d, "business_name"); v != "Tenun Songket Alam Surambi" {
		t.Errorf("business name not kept: %q", v)
	}
	checkNoInternals(t, d)

	form.Set("phone", localPhone(e.users["supplier"].Phone))
	res = e.post(c, "/register", form)
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	if got := doc(t, res).Find("#phone-error").Text(); !strings.Contains(got, "masuk") {
		t.Errorf("a phone with an account: %q, want advice to sign in", got)
	}

	form.Set("phone", "0812 5555 6666")
	res = e.post(c, "/register", form)
	m := profileRe.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("register: got %d to %q, want 303 to /suppliers/{id}/profile", res.StatusCode, res.Header.Get("Location"))
	}
	if n := countRows(t, e, "SELECT count(*) FROM suppliers WHERE id = $1 AND origin = 'self' AND status = 'draft'", m[1]); n != 1 {
		t.Error("no draft self-registered supplier")
	}
	res = e.get(c, "/dashboard")
	wantStatus(t, res, http.StatusOK, "")
	if got := textOf(doc(t, res), "signed-in-as"); got != "Yusnita" {
		t.Errorf("signed in as %q, want Yusnita", got)
	}
}

// TestInvitation_LettersPDF: letters come as a PDF attachment, one page per
// business; posting the codes of a batch prints them again without new codes.
func TestInvitation_LettersPDF(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff := e.login("koperindag")
	a := mustRegistryEntry(t, e, "Keripik Sanjai Uni", "Uni", "")
	b := mustRegistryEntry(t, e, "Kopi Liberika", "Datuk", "+6281277778888")

	res := e.post(staff, "/koperindag/invitations/letters.pdf", url.Values{"scope": {"selected"},
		"entry": {strconv.FormatInt(a, 10), strconv.FormatInt(b, 10)}})
	wantStatus(t, res, http.StatusOK, "")
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q, want application/pdf", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".pdf") {
		t.Errorf("Content-Disposition %q, want an attachment", cd)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(body, []byte("%PDF")) || pdfPages(body) != 2 {
		t.Errorf("got %d pages (starts %q), want a 2-page PDF", pdfPages(body), body[:min(8, len(body))])
	}

	codes := issueOverHTTP(t, e, staff, a)
	before := countRows(t, e, "SELECT count(*) FROM invitations")
	res = e.post(staff, "/koperindag/invitations/letters.pdf", url.Values{"code": codes})
	wantStatus(t, res, http.StatusOK, "")
	body, _ = io.ReadAll(res.Body)
	if res.Header.Get("Content-Type") != "application/pdf" || pdfPages(body) != 1 {
		t.Errorf("reprint: %s with %d pages, want a 1-page PDF", res.Header.Get("Content-Type"), pdfPages(body))
	}
	if n := countRows(t, e, "SELECT count(*) FROM invitations"); n != before {
		t.Errorf("reprinting issued codes: %d invitations, want %d", n, before)
	}

	// The list form can ask for the letters too.
	res = e.post(staff, "/koperindag/invitations", url.Values{"scope": {"selected"}, "format": {"pdf"}, "entry": {strconv.FormatInt(b, 10)}})
	wantStatus(t, res, http.StatusOK, "")
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("format=pdf: Content-Type %q", ct)
	}
}

// pdfPages counts the pages of a PDF written by fpdf.
func pdfPages(b []byte) int {
	return bytes.Count(b, []byte("/Type /Page")) - bytes.Count(b, []byte("/Type /Pages"))
}

// TestInvitation_AssistedRegistration: staff register a business from a
// registry entry on a phone; the code is shown once with a WhatsApp link, a
// letter and the way on to the profile; the owner takes the account over.
func TestInvitation_AssistedRegistration(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	staff := e.login("koperindag")
	id := mustRegistryEntry(t, e, "Gula Aren Pak Datuk", "Datuk Rajo", "+6281233334444")
	res := e.get(staff, "/koperindag/suppliers/new?entry="+strconv.FormatInt(id, 10))
	wantStatus(t, res, http.StatusOK, "")
	d := doc(t, res)
	if v, _ := inputValue(d, "business_name"); v != "Gula Aren Pak Datuk" {
		t.Errorf("business name prefilled with %q", v)
	}
	res = e.post(staff, "/koperindag/suppliers/new", url.Values{"entry": {strconv.FormatInt(id, 10)}, "business_name": {"Gula Aren Pak Datuk"},
		"owner_name": {"Datuk Rajo"}, "phone": {"0812 3333 4444"}, "kecamatan": {"13.11.01"}, "nagari": {"13.11.01.2001"}})
	wantStatus(t, res, http.StatusOK, "")
	d = doc(t, res)
	code := textOf(d, "code")
	profile, _ := byTestID(d, "profile-link").Attr("href")
	m := profileRe.FindStringSubmatch(profile)
	if code == "" || m == nil || byTestID(d, "wa-link").Length() != 1 || byTestID(d, "letters-download").Length() != 1 {
		t.Fatalf("done page: code %q, profile link %q, WhatsApp and letter links missing?", code, profile)
	}
	owner := e.client()
	res = e.post(owner, "/activate", url.Values{"code": {code}, "name": {"Datuk Rajo"}, "phone": {"0812 3333 4444"},
		"password": {newPassword}, "confirm": {newPassword}})
	wantStatus(t, res, http.StatusSeeOther, profile)
	if n := countRows(t, e, "SELECT count(*) FROM suppliers WHERE origin = 'assisted'"); n != 1 {
		t.Errorf("got %d assisted suppliers, want 1", n)
	}
}

// TestInvitation_Forbidden: other roles cannot open the Koperindag pages.
func TestInvitation_Forbidden(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pp := e.login("pp")
	for _, path := range []string{"/koperindag/invitations", "/koperindag/suppliers/new"} {
		if res := e.get(pp, path); res.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s as pp: got %d, want 403", path, res.StatusCode)
		}
	}
	for _, path := range []string{"/koperindag/invitations", "/koperindag/invitations/letters.pdf", "/koperindag/suppliers/new"} {
		if res := e.post(pp, path, url.Values{"scope": {"all"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s as pp: got %d, want 403", path, res.StatusCode)
		}
	}
	if n := countRows(t, e, "SELECT count(*) FROM invitations"); n != 0 {
		t.Errorf("got %d invitations, want none", n)
	}
}

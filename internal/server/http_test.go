package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"lapak/internal/auth"
	"lapak/internal/postgres"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/server"
	"lapak/web"
)

// Messages users must see word for word.
const (
	msgBadLogin    = "E-mail/nomor HP atau kata sandi salah."
	msgCrossSite   = "Permintaan ini datang dari situs lain dan ditolak demi keamanan. Buka Lapak langsung, lalu ulangi."
	msgBodyTooBig  = "Isian terlalu besar untuk dikirim. Periksa kembali isian Anda."
	msgDisabled    = "Akun Anda dinonaktifkan. Hubungi admin UKPBJ atau petugas Koperindag."
	msgSessionOver = "Sesi Anda telah berakhir. Silakan masuk lagi."
)

// newPassword is what users choose in the password tests.
const newPassword = "kalimat baru yang mudah diingat"

// crossSitePost submits form as a browser would from a page on another site.
func crossSitePost(e *env, c *http.Client, path string, form url.Values) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { res.Body.Close() })
	return res
}

// countRows runs a count query on e's database.
func countRows(t *testing.T, e *env, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// byTestID returns the elements marked data-testid=id.
func byTestID(d *goquery.Document, id string) *goquery.Selection {
	return d.Find(`[data-testid="` + id + `"]`)
}

// textOf returns the trimmed text of the elements marked data-testid=id.
func textOf(d *goquery.Document, id string) string {
	return strings.TrimSpace(byTestID(d, id).Text())
}

// inputValue returns the value attribute of the input with id, and whether it has one.
func inputValue(d *goquery.Document, id string) (string, bool) {
	return d.Find("input#" + id).Attr("value")
}

// sessionCookie returns the session cookie set by res.
func sessionCookie(t *testing.T, res *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range res.Cookies() {
		if c.Name == "lapak_session" {
			return c
		}
	}
	t.Fatalf("%s %s: no lapak_session cookie set", res.Request.Method, res.Request.URL.Path)
	return nil
}

// internalText is text that belongs in logs, never on a page.
var internalText = []string{"page not found", "no rows", "pgx", "SQLSTATE", "sql:", "strconv", "goroutine", "panic",
	"runtime error", "failed to connect", "dial ", "connection refused", "no such file", "auth:", "server:", "postgres:", ".go:"}

// checkNoInternals fails when the page shows Go or database error text.
func checkNoInternals(t *testing.T, d *goquery.Document) {
	t.Helper()
	text := d.Text()
	for _, s := range internalText {
		if strings.Contains(text, s) {
			t.Errorf("page shows internal text %q:\n%s", s, text)
		}
	}
}

// wantStatus fails the test now when res has another status or Location.
func wantStatus(t *testing.T, res *http.Response, status int, location string) {
	t.Helper()
	if res.StatusCode != status || res.Header.Get("Location") != location {
		t.Fatalf("%s %s: got %d (Location %q), want %d (Location %q)", res.Request.Method, res.Request.URL.Path,
			res.StatusCode, res.Header.Get("Location"), status, location)
	}
}

// localPhone writes a stored +62 number the way people type it.
func localPhone(stored string) string { return "0" + strings.TrimPrefix(stored, "+62") }

func loginForm(login, password string) url.Values {
	return url.Values{"login": {login}, "password": {password}}
}

func TestHTTP_Login(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name  string
		role  string
		login string
	}{
		{"by e-mail", "pp", e.users["pp"].Email},
		{"by e-mail in capitals with spaces", "ppk", "  " + strings.ToUpper(e.users["ppk"].Email) + " "},
		{"by phone as typed locally", "supplier", localPhone(e.users["supplier"].Phone)},
		{"by phone in international form", "admin", e.users["admin"].Phone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			u := e.users[tc.role]
			c := e.client()
			wantStatus(t, e.post(c, "/login", loginForm(tc.login, testPassword)), http.StatusSeeOther, "/dashboard")

			res := e.get(c, "/dashboard")
			wantStatus(t, res, http.StatusOK, "")
			d := doc(t, res)
			if got, want := textOf(d, "signed-in-as"), u.Name; got != want {
				t.Errorf("signed in as %q, want %q", got, want)
			}
			var gotRoles, wantRoles []string
			byTestID(d, "role").Each(func(_ int, s *goquery.Selection) { gotRoles = append(gotRoles, strings.TrimSpace(s.Text())) })
			for _, r := range u.RoleList() {
				wantRoles = append(wantRoles, r.Label())
			}
			if diff := cmp.Diff(gotRoles, wantRoles); diff != "" {
				t.Errorf("roles shown (-got +want):\n%s", diff)
			}
			if got, want := textOf(d, "flash"), "Selamat datang, "+u.Name+"."; got != want {
				t.Errorf("flash %q, want %q", got, want)
			}
		})
	}
}

// TestHTTP_SessionCookie checks the cookie's flags and that its token changes
// at every sign-in and sign-out, so a token seen before is worth nothing after.
func TestHTTP_SessionCookie(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.users["pp"]
	c := e.client()

	res := e.post(c, "/login", loginForm(u.Email, testPassword))
	wantStatus(t, res, http.StatusSeeOther, "/dashboard")
	signedIn := sessionCookie(t, res)

	res = e.post(c, "/logout", nil)
	wantStatus(t, res, http.StatusSeeOther, "/")
	signedOut := sessionCookie(t, res)
	if d := doc(t, e.get(c, "/")); textOf(d, "flash") != "Anda sudah keluar." || byTestID(d, "signed-in-as").Length() != 0 {
		t.Errorf("after logout: flash %q, signed in as %q", textOf(d, "flash"), textOf(d, "signed-in-as"))
	}

	res = e.post(c, "/login", loginForm(u.Email, testPassword))
	wantStatus(t, res, http.StatusSeeOther, "/dashboard")
	again := sessionCookie(t, res)

	for _, tc := range []struct {
		name string
		c    *http.Cookie
	}{{"sign-in", signedIn}, {"sign-out", signedOut}, {"second sign-in", again}} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.c.HttpOnly {
				t.Error("cookie is not HttpOnly")
			}
			if tc.c.SameSite != http.SameSiteLaxMode {
				t.Errorf("SameSite = %v, want Lax", tc.c.SameSite)
			}
			if tc.c.Path != "/" {
				t.Errorf("Path = %q, want /", tc.c.Path)
			}
		})
	}
	if signedIn.Value == signedOut.Value {
		t.Error("token kept at sign-out")
	}
	if again.Value == signedOut.Value || again.Value == signedIn.Value {
		t.Error("token kept at sign-in")
	}

	// Replaying the token of the ended session gets a visitor, not the user.
	replay := e.client()
	base, _ := url.Parse(e.ts.URL)
	replay.Jar.SetCookies(base, []*http.Cookie{{Name: "lapak_session", Value: signedIn.Value}})
	wantStatus(t, e.get(replay, "/dashboard"), http.StatusSeeOther, "/login?next=%2Fdashboard")
	// The current session still works.
	wantStatus(t, e.get(c, "/dashboard"), http.StatusOK, "")
}

func TestHTTP_LoginRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.users["pp"]
	tests := []struct {
		name     string
		login    string
		password string
		selector string // where the message shows
		want     string
	}{
		{"wrong password", u.Email, "bukan-kata-sandinya", `[data-testid="login-error"]`, msgBadLogin},
		{"unknown account", "tidak-ada@test.id", testPassword, `[data-testid="login-error"]`, msgBadLogin},
		{"unknown phone", "0811 1111 1111", testPassword, `[data-testid="login-error"]`, msgBadLogin},
		{"nothing entered", "", "", `[data-testid="form-errors"] li`, "Isi e-mail atau nomor HP dan kata sandi."},
		{"login too long", strings.Repeat("a", 250) + "@test.id", testPassword, `[data-testid="form-errors"] li`, "Isian terlalu panjang."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := e.client()
			res := e.post(c, "/login", loginForm(tc.login, tc.password))
			wantStatus(t, res, http.StatusUnprocessableEntity, "")
			if len(res.Cookies()) != 0 {
				t.Errorf("refused sign-in set cookies %v", res.Cookies())
			}
			d := doc(t, res)
			if got := strings.TrimSpace(d.Find(tc.selector).Text()); got != tc.want {
				t.Errorf("message %q, want %q", got, tc.want)
			}
			if got, _ := inputValue(d, "login"); got != tc.login {
				t.Errorf("login field %q, want the entered %q", got, tc.login)
			}
			if v, ok := inputValue(d, "password"); ok {
				t.Errorf("password field echoes %q", v)
			}
			wantStatus(t, e.get(c, "/dashboard"), http.StatusSeeOther, "/login?next=%2Fdashboard")
		})
	}
}

func TestHTTP_LoginLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.users["pp"]
	c := e.client()
	for i := range auth.MaxAccountFailures {
		if res := e.post(c, "/login", loginForm(u.Email, "tebakan-"+strconv.Itoa(i))); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong password %d: got %d, want 422", i+1, res.StatusCode)
		}
	}
	res := e.post(c, "/login", loginForm(u.Email, testPassword))
	wantStatus(t, res, http.StatusTooManyRequests, "")
	msg := textOf(doc(t, res), "login-error")
	if !strings.Contains(msg, "dikunci sementara") || !strings.Contains(msg, "15 menit") {
		t.Errorf("message %q, want the account locked for 15 minutes", msg)
	}
	// Other accounts are not locked.
	wantStatus(t, e.post(e.client(), "/login", loginForm(e.users["ppk"].Email, testPassword)), http.StatusSeeOther, "/dashboard")
}

func TestHTTP_LoginNext(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.users["admin"]

	anon := e.client()
	res := e.get(anon, "/dashboard")
	wantStatus(t, res, http.StatusSeeOther, "/login?next=%2Fdashboard")
	res = e.get(anon, res.Header.Get("Location"))
	wantStatus(t, res, http.StatusOK, "")
	if got, _ := doc(t, res).Find(`form[action="/login"] input[name="next"]`).Attr("value"); got != "/dashboard" {
		t.Errorf("next carried by the form = %q, want /dashboard", got)
	}

	tests := []struct {
		name string
		next string
		want string
	}{
		{"page of this site", "/admin/opds", "/admin/opds"},
		{"page with a query", "/admin/users?role=pp", "/admin/users?role=pp"},
		{"none", "", "/dashboard"},
		{"protocol-relative URL", "//evil.example", "/dashboard"},
		{"absolute URL", "https://evil.example/admin", "/dashboard"},
		{"backslash trick", `/\evil.example`, "/dashboard"},
		{"relative path", "admin/opds", "/dashboard"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := e.client()
			form := loginForm(admin.Email, testPassword)
			form.Set("next", tc.next)
			wantStatus(t, e.post(c, "/login", form), http.StatusSeeOther, tc.want)
			wantStatus(t, e.get(c, tc.want), http.StatusOK, "")
		})
	}
}

func TestHTTP_CrossOriginRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.login("admin")
	tests := []struct {
		name string
		c    *http.Client
		path string
		form url.Values
		// unchanged reports what the request would have changed.
		unchanged func(t *testing.T)
	}{
		{
			name: "sign-in", c: e.client(), path: "/login",
			form: loginForm(e.users["pp"].Email, "bukan-kata-sandinya"),
			unchanged: func(t *testing.T) {
				if n := countRows(t, e, "SELECT count(*) FROM login_failures"); n != 0 {
					t.Errorf("%d login_failures rows, want 0", n)
				}
			},
		},
		{
			name: "new OPD by a signed-in admin", c: admin, path: "/admin/opds",
			form: url.Values{"code": {"OPD-999"}, "name": {"Dinas Siluman"}, "kind": {"dinas"}, "letter_code": {"SILUMAN"}, "active": {"1"}},
			unchanged: func(t *testing.T) {
				if n := countRows(t, e, "SELECT count(*) FROM opds WHERE code = 'OPD-999'"); n != 0 {
					t.Errorf("OPD created")
				}
			},
		},
		{
			name: "sign-out of a signed-in admin", c: admin, path: "/logout",
			unchanged: func(t *testing.T) {
				wantStatus(t, e.get(admin, "/dashboard"), http.StatusOK, "")
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := crossSitePost(e, tc.c, tc.path, tc.form)
			wantStatus(t, res, http.StatusForbidden, "")
			d := doc(t, res)
			if got := textOf(d, "error-message"); got != msgCrossSite {
				t.Errorf("message %q, want %q", got, msgCrossSite)
			}
			if got := strings.TrimSpace(d.Find("h1").Text()); got != "Akses ditolak" {
				t.Errorf("title %q, want Akses ditolak", got)
			}
			tc.unchanged(t)
		})
	}
}

func TestHTTP_SecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name   string
		path   string
		status int
		html   bool
	}{
		{"home page", "/", http.StatusOK, true},
		{"sign-in page", "/login", http.StatusOK, true},
		{"missing page", "/tidak-ada", http.StatusNotFound, true},
		{"static file", web.Asset("app.css"), http.StatusOK, false},
		{"probe", "/healthz", http.StatusOK, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := e.get(e.client(), tc.path)
			wantStatus(t, res, tc.status, "")
			h := res.Header
			csp := h.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'", "*"} {
				if strings.Contains(csp, bad) {
					t.Errorf("Content-Security-Policy %q allows %s", csp, bad)
				}
			}
			if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			switch got := h.Get("Referrer-Policy"); got {
			case "same-origin", "no-referrer", "strict-origin", "strict-origin-when-cross-origin":
			default:
				t.Errorf("Referrer-Policy = %q, want one that keeps paths on this site", got)
			}
			if got := h.Get("X-Frame-Options"); got != "DENY" {
				t.Errorf("X-Frame-Options = %q, want DENY", got)
			}
			if !tc.html {
				return
			}
			// The policy forbids inline code, so pages must not rely on any.
			d := doc(t, res)
			if n := d.Find("script:not([src]), style, [style]").Length(); n != 0 {
				t.Errorf("%d inline scripts or styles, which the policy blocks", n)
			}
			if got, _ := d.Find(`link[rel="stylesheet"]`).Attr("href"); got != web.Asset("app.css") {
				t.Errorf("stylesheet %q, want %q", got, web.Asset("app.css"))
			}
		})
	}
}

func TestHTTP_StaticFiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name        string
		path        string
		status      int
		contentType string
	}{
		{"stylesheet", web.Asset("app.css"), http.StatusOK, "text/css; charset=utf-8"},
		{"script", web.Asset("app.js"), http.StatusOK, "text/javascript; charset=utf-8"},
		{"icon", web.Asset("favicon.svg"), http.StatusOK, "image/svg+xml"},
		{"unknown file", "/static/x.css", http.StatusNotFound, ""},
		{"name without its hash", "/static/app.css", http.StatusNotFound, ""},
		{"folder escape", "/static/../go.mod", http.StatusNotFound, ""},
	}
	hashed := regexp.MustCompile(`^/static/[a-z]+\.[0-9a-f]{10}\.[a-z]+$`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := e.get(e.client(), tc.path)
			wantStatus(t, res, tc.status, "")
			if tc.status != http.StatusOK {
				return
			}
			if !hashed.MatchString(tc.path) {
				t.Errorf("URL %q has no content hash", tc.path)
			}
			if got := res.Header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tc.contentType)
			}
			cc := res.Header.Get("Cache-Control")
			if !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
				t.Errorf("Cache-Control = %q, want a year, immutable", cc)
			}
			if b, _ := io.ReadAll(res.Body); len(b) == 0 {
				t.Error("empty body")
			}
		})
	}
}

func TestHTTP_NotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.login("admin")
	tests := []struct {
		name string
		c    *http.Client
		path string
	}{
		{"unknown route", e.client(), "/tidak/ada"},
		{"unknown route, signed in", admin, "/tidak/ada"},
		{"non-numeric id", admin, "/admin/users/abc"},
		{"zero id", admin, "/admin/users/0"},
		{"huge id", admin, "/admin/users/99999999999999999999999"},
		{"missing account", admin, "/admin/users/999999"},
		{"missing OPD", admin, "/admin/opds/999999/edit"},
		{"unknown reset link", e.client(), "/password/reset/tidak-ada"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.get(tc.c, tc.path)
			wantStatus(t, res, http.StatusNotFound, "")
			if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q, want the HTML error page", got)
			}
			d := doc(t, res)
			if textOf(d, "error-message") == "" {
				t.Error("no error-message")
			}
			checkNoInternals(t, d)
		})
	}
}

func TestHTTP_OPDFormInvalid(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.login("admin")
	valid := func() url.Values {
		return url.Values{"code": {"OPD-900"}, "name": {"Dinas Percobaan"}, "short_name": {"Dinper"}, "kind": {"dinas"},
			"letter_code": {"DINPER"}, "address": {"Jl. Raya Padang Aro"}, "active": {"1"}}
	}
	tests := []struct {
		name  string
		field string
		value string
	}{
		{"code with spaces and symbols", "code", "opd 9!"},
		{"code too long", "code", strings.Repeat("A", 21)},
		{"name too short", "name", "Di"},
		{"name too long", "name", strings.Repeat("n", 201)},
		{"short name too long", "short_name", strings.Repeat("s", 51)},
		{"unknown kind", "kind", "kerajaan"},
		{"no letter code", "letter_code", ""},
		{"address too long", "address", strings.Repeat("a", 301)},
	}
	before := countRows(t, e, "SELECT count(*) FROM opds")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			form := valid()
			form.Set(tc.field, tc.value)
			res := e.post(admin, "/admin/opds", form)
			wantStatus(t, res, http.StatusUnprocessableEntity, "")
			d := doc(t, res)
			if byTestID(d, "form-errors").Length() != 1 {
				t.Error("no form-errors summary")
			}
			if d.Find("#"+tc.field+"-error").Length() != 1 {
				t.Errorf("no error next to field %s", tc.field)
			}
			if n := d.Find(".fielderror").Length(); n != 1 {
				t.Errorf("%d field errors, want 1", n)
			}
			for _, f := range []string{"code", "name", "short_name", "letter_code", "address"} {
				if got, _ := inputValue(d, f); got != form.Get(f) {
					t.Errorf("field %s = %q, want the entered %q", f, got, form.Get(f))
				}
			}
			if _, checked := d.Find(`input[name="active"]`).Attr("checked"); !checked {
				t.Error("active box unchecked, want kept")
			}
		})
	}
	if after := countRows(t, e, "SELECT count(*) FROM opds"); after != before {
		t.Errorf("%d OPDs after invalid forms, want %d", after, before)
	}
}

func TestHTTP_BodyTooLarge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.login("admin")
	huge := strings.Repeat("x", 2<<20)
	tests := []struct {
		name  string
		c     *http.Client
		path  string
		form  url.Values
		count string // rows the request would have added
	}{
		{"new OPD", admin, "/admin/opds",
			url.Values{"code": {"OPD-901"}, "name": {"Dinas Besar"}, "kind": {"dinas"}, "letter_code": {"BESAR"}, "address": {huge}},
			"SELECT count(*) FROM opds"},
		{"sign-in", e.client(), "/login", loginForm(e.users["pp"].Email, huge), "SELECT count(*) FROM login_failures"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := countRows(t, e, tc.count)
			res := e.post(tc.c, tc.path, tc.form)
			wantStatus(t, res, http.StatusBadRequest, "")
			d := doc(t, res)
			if got := textOf(d, "error-message"); got != msgBodyTooBig {
				t.Errorf("message %q, want %q", got, msgBodyTooBig)
			}
			checkNoInternals(t, d)
			if after := countRows(t, e, tc.count); after != before {
				t.Errorf("%q: %d rows after, want %d", tc.count, after, before)
			}
		})
	}
	// The admin's session survives the refused request.
	wantStatus(t, e.get(admin, "/admin/opds"), http.StatusOK, "")
}

func TestHTTP_UserCreateDuplicate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.login("admin")
	pp := e.users["pp"]
	form := func(email, phone string) url.Values {
		return url.Values{"name": {"Pengguna Kembar"}, "email": {email}, "phone": {phone}, "password": {"sementara-123"},
			"role": {"pp"}, "opd_id": {strconv.FormatInt(e.opdID, 10)}}
	}
	tests := []struct {
		name  string
		form  url.Values
		field string
		want  string
	}{
		{"e-mail", form(strings.ToUpper(pp.Email), ""), "email", "E-mail ini sudah dipakai akun lain."},
		{"phone", form("", localPhone(pp.Phone)), "phone", "Nomor HP ini sudah dipakai akun lain."},
	}
	before := countRows(t, e, "SELECT count(*) FROM users")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.post(admin, "/admin/users", tc.form)
			wantStatus(t, res, http.StatusUnprocessableEntity, "")
			d := doc(t, res)
			if byTestID(d, "form-errors").Length() != 1 {
				t.Error("no form-errors summary")
			}
			if got := strings.TrimSpace(d.Find("#" + tc.field + "-error").Text()); got != tc.want {
				t.Errorf("%s error %q, want %q", tc.field, got, tc.want)
			}
			for _, f := range []string{"name", "email", "phone"} {
				if got, _ := inputValue(d, f); got != tc.form.Get(f) {
					t.Errorf("field %s = %q, want the entered %q", f, got, tc.form.Get(f))
				}
			}
			if v, ok := inputValue(d, "password"); ok {
				t.Errorf("password field echoes %q", v)
			}
			if _, checked := d.Find(`input[name="role"][value="pp"]`).Attr("checked"); !checked {
				t.Error("role pp unchecked, want kept")
			}
		})
	}
	if after := countRows(t, e, "SELECT count(*) FROM users"); after != before {
		t.Errorf("%d users after, want %d", after, before)
	}
}

func TestHTTP_PasswordResetLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.users["ppk"]

	// Known and unknown addresses get the same page, so the form tells nobody who has an account.
	var pages []string
	for _, tc := range []struct{ name, email string }{{"known", u.Email}, {"unknown", "tidak-ada@test.id"}} {
		res := e.post(e.client(), "/password/forgot", url.Values{"email": {tc.email}})
		wantStatus(t, res, http.StatusOK, "")
		d := doc(t, res)
		if byTestID(d, "reset-sent").Length() != 1 {
			t.Errorf("%s address: no reset-sent notice", tc.name)
		}
		html, err := d.Find("main").Html()
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, html)
	}
	if diff := cmp.Diff(pages[0], pages[1]); diff != "" {
		t.Errorf("pages differ for known and unknown addresses (-known +unknown):\n%s", diff)
	}

	res := e.get(e.login("admin"), "/admin/outbox")
	wantStatus(t, res, http.StatusOK, "")
	mails := byTestID(doc(t, res), "outbox-mail")
	if mails.Length() != 1 {
		t.Fatalf("%d mails in the outbox, want 1", mails.Length())
	}
	if to := mails.Find("p.muted").Text(); !strings.Contains(to, u.Email) {
		t.Errorf("mail sent %q, want to %s", to, u.Email)
	}
	link := regexp.MustCompile(`\S+/password/reset/[A-Za-z0-9_-]+`).FindString(mails.Find("pre.mail").Text())
	if !strings.HasPrefix(link, e.ts.URL+"/") {
		t.Fatalf("link %q, want one on %s", link, e.ts.URL)
	}
	path := strings.TrimPrefix(link, e.ts.URL)

	c := e.client()
	res = e.get(c, path)
	wantStatus(t, res, http.StatusOK, "")
	form := doc(t, res).Find(`form[action="` + path + `"]`)
	if form.Find(`input[name="password"]`).Length() != 1 || form.Find(`input[name="confirm"]`).Length() != 1 {
		t.Fatal("no new-password form")
	}

	// A typo keeps the link usable.
	res = e.post(c, path, url.Values{"password": {newPassword}, "confirm": {newPassword + "!"}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	if doc(t, res).Find("#confirm-error").Length() != 1 {
		t.Error("no error on the confirmation field")
	}

	wantStatus(t, e.post(c, path, url.Values{"password": {newPassword}, "confirm": {newPassword}}), http.StatusSeeOther, "/login")
	if got := textOf(doc(t, e.get(c, "/login")), "flash"); got != "Kata sandi baru tersimpan. Silakan masuk." {
		t.Errorf("flash %q", got)
	}
	wantStatus(t, e.post(e.client(), "/login", loginForm(u.Email, testPassword)), http.StatusUnprocessableEntity, "")
	wantStatus(t, e.post(e.client(), "/login", loginForm(u.Email, newPassword)), http.StatusSeeOther, "/dashboard")

	for _, tc := range []struct {
		name string
		do   func() *http.Response
	}{
		{"open again", func() *http.Response { return e.get(e.client(), path) }},
		{"submit again", func() *http.Response {
			return e.post(e.client(), path, url.Values{"password": {"lagi-lagi-yang-lain"}, "confirm": {"lagi-lagi-yang-lain"}})
		}},
	} {
		t.Run("used link/"+tc.name, func(t *testing.T) {
			res := tc.do()
			wantStatus(t, res, http.StatusNotFound, "")
			if got := textOf(doc(t, res), "error-message"); !strings.Contains(got, "tidak berlaku") || !strings.Contains(got, "Minta tautan baru") {
				t.Errorf("message %q, want the link explained as no longer valid", got)
			}
		})
	}
	wantStatus(t, e.post(e.client(), "/login", loginForm(u.Email, newPassword)), http.StatusSeeOther, "/dashboard")
}

func TestHTTP_PasswordResetCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup, ppk := e.users["supplier"], e.users["ppk"]
	admin, kop := e.login("admin"), e.login("koperindag")
	codePath := func(base string, u *auth.User) string { return base + strconv.FormatInt(u.ID, 10) + "/reset-code" }

	tests := []struct {
		name   string
		c      *http.Client
		path   string
		status int
	}{
		{"Koperindag for a supplier", kop, codePath("/koperindag/users/", sup), http.StatusOK},
		{"Koperindag for a PPK", kop, codePath("/koperindag/users/", ppk), http.StatusForbidden},
		{"admin for a PPK", admin, codePath("/admin/users/", ppk), http.StatusOK},
		{"admin for a supplier", admin, codePath("/admin/users/", sup), http.StatusOK}, // last: its code is used below
	}
	var code string
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.post(tc.c, tc.path, nil)
			wantStatus(t, res, tc.status, "")
			d := doc(t, res)
			if tc.status != http.StatusOK {
				if got, want := textOf(d, "error-message"), "Petugas Koperindag hanya dapat menerbitkan kode reset untuk akun penyedia."; got != want {
					t.Errorf("message %q, want %q", got, want)
				}
				if byTestID(d, "reset-code").Length() != 0 {
					t.Error("refused, yet a code is shown")
				}
				return
			}
			code = strings.TrimSpace(byTestID(d, "reset-code").Find(".secret").Text())
			if !regexp.MustCompile(`^[A-Z2-9]{4}-[A-Z2-9]{4}$`).MatchString(code) {
				t.Errorf("code %q, want XXXX-XXXX", code)
			}
		})
	}
	if code == "" {
		t.Fatal("no code issued")
	}

	reset := func(code string) url.Values {
		return url.Values{"login": {localPhone(sup.Phone)}, "code": {code}, "password": {newPassword}, "confirm": {newPassword}}
	}
	c := e.client()
	res := e.post(c, "/password/code", reset("ABCD-2345"))
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	if doc(t, res).Find("#code-error").Length() != 1 {
		t.Error("wrong code: no error on the code field")
	}
	wantStatus(t, e.post(c, "/password/code", reset(strings.ToLower(code))), http.StatusSeeOther, "/login")

	wantStatus(t, e.post(e.client(), "/login", loginForm(sup.Phone, testPassword)), http.StatusUnprocessableEntity, "")
	signedIn := e.client()
	wantStatus(t, e.post(signedIn, "/login", loginForm(localPhone(sup.Phone), newPassword)), http.StatusSeeOther, "/dashboard")
	if got := textOf(doc(t, e.get(signedIn, "/dashboard")), "signed-in-as"); got != sup.Name {
		t.Errorf("signed in as %q, want %q", got, sup.Name)
	}

	res = e.post(e.client(), "/password/code", reset(code))
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	if doc(t, res).Find("#code-error").Length() != 1 {
		t.Error("used code: no error on the code field")
	}
}

func TestHTTP_TemporaryPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const email, temporary = "pegawai.baru@test.id", "sementara-dari-admin"
	res := e.post(e.login("admin"), "/admin/users", url.Values{"name": {"Pegawai Baru"}, "email": {email},
		"password": {temporary}, "role": {"pp"}, "opd_id": {strconv.FormatInt(e.opdID, 10)}})
	if res.StatusCode != http.StatusSeeOther || !regexp.MustCompile(`^/admin/users/[0-9]+$`).MatchString(res.Header.Get("Location")) {
		t.Fatalf("create user: got %d (Location %q), want 303 to the account", res.StatusCode, res.Header.Get("Location"))
	}

	// Two devices sign in with the temporary password.
	c, other := e.client(), e.client()
	for _, cl := range []*http.Client{c, other} {
		wantStatus(t, e.post(cl, "/login", loginForm(email, temporary)), http.StatusSeeOther, "/account")
		wantStatus(t, e.get(cl, "/account"), http.StatusOK, "")
	}
	for _, path := range []string{"/dashboard", "/audit", "/admin/users", "/koperindag/users"} {
		t.Run("before the change "+path, func(t *testing.T) {
			wantStatus(t, e.get(c, path), http.StatusSeeOther, "/account")
		})
	}
	res = e.get(c, "/account")
	wantStatus(t, res, http.StatusOK, "")
	if byTestID(doc(t, res), "must-change").Length() != 1 {
		t.Error("account page: no must-change notice")
	}

	res = e.post(c, "/account/password", url.Values{"current": {"bukan-ini"}, "password": {newPassword}, "confirm": {newPassword}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	if doc(t, res).Find("#current-error").Length() != 1 {
		t.Error("wrong current password: no error on its field")
	}
	wantStatus(t, e.get(c, "/dashboard"), http.StatusSeeOther, "/account")

	wantStatus(t, e.post(c, "/account/password", url.Values{"current": {temporary}, "password": {newPassword}, "confirm": {newPassword}}),
		http.StatusSeeOther, "/dashboard")
	res = e.get(c, "/dashboard")
	wantStatus(t, res, http.StatusOK, "")
	if got := textOf(doc(t, res), "flash"); got != "Kata sandi Anda sudah diganti." {
		t.Errorf("flash %q", got)
	}
	if byTestID(doc(t, e.get(c, "/account")), "must-change").Length() != 0 {
		t.Error("must-change notice still shown after the change")
	}

	// The other device's session ended with the change.
	wantStatus(t, e.get(other, "/dashboard"), http.StatusSeeOther, "/login?next=%2Fdashboard")
	res = e.get(other, "/login")
	wantStatus(t, res, http.StatusOK, "")
	d := doc(t, res)
	if got := textOf(d, "flash"); got != msgSessionOver {
		t.Errorf("flash %q, want %q", got, msgSessionOver)
	}
	if byTestID(d, "signed-in-as").Length() != 0 {
		t.Error("other device still signed in")
	}
}

func TestHTTP_DisableAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pp := e.users["pp"]
	ppClient, admin := e.login("pp"), e.login("admin")
	path := "/admin/users/" + strconv.FormatInt(pp.ID, 10)

	res := e.post(admin, path+"/disable", url.Values{"reason": {"  "}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	if doc(t, res).Find("#reason-error").Length() != 1 {
		t.Error("no reason: no error on the reason field")
	}
	wantStatus(t, e.get(ppClient, "/dashboard"), http.StatusOK, "")

	wantStatus(t, e.post(admin, path+"/disable", url.Values{"reason": {"Pindah tugas ke OPD lain."}}), http.StatusSeeOther, path)

	wantStatus(t, e.get(ppClient, "/dashboard"), http.StatusSeeOther, "/login?next=%2Fdashboard")
	if got := textOf(doc(t, e.get(ppClient, "/login")), "flash"); got != msgSessionOver {
		t.Errorf("flash %q, want %q", got, msgSessionOver)
	}
	res = e.post(e.client(), "/login", loginForm(pp.Email, testPassword))
	wantStatus(t, res, http.StatusForbidden, "")
	if got := textOf(doc(t, res), "login-error"); got != msgDisabled {
		t.Errorf("message %q, want %q", got, msgDisabled)
	}
}

func TestHTTP_Probes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	const healthChecks = 3
	for range healthChecks {
		wantStatus(t, e.get(c, "/healthz"), http.StatusOK, "")
	}
	tests := []struct {
		name string
		path string
		want string
	}{
		{"liveness", "/healthz", "ok"},
		{"readiness", "/readyz", "ready"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.get(c, tc.path)
			wantStatus(t, res, http.StatusOK, "")
			b, _ := io.ReadAll(res.Body)
			if got := strings.TrimSpace(string(b)); got != tc.want {
				t.Errorf("body %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("metrics", func(t *testing.T) {
		res := e.get(c, "/metrics")
		wantStatus(t, res, http.StatusOK, "")
		b, _ := io.ReadAll(res.Body)
		var n float64
		for line := range strings.Lines(string(b)) {
			if strings.HasPrefix(line, "lapak_http_requests_total{") && strings.Contains(line, `route="/healthz"`) && strings.Contains(line, `code="200"`) {
				f := strings.Fields(line)
				n, _ = strconv.ParseFloat(f[len(f)-1], 64)
			}
		}
		if n < healthChecks+1 {
			t.Errorf("lapak_http_requests_total for /healthz = %v, want at least %d:\n%s", n, healthChecks+1, b)
		}
	})
}

// TestHTTP_DatabaseOutage stops the database under a running server, on a
// cluster of its own, and checks that Lapak says so politely and recovers by
// itself when the database returns.
func TestHTTP_DatabaseOutage(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	cluster, dir, err := pgtest.StartCluster()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cluster.Stop(); err != nil {
			t.Error(err)
		}
		os.RemoveAll(dir)
	})
	conn, err := pgx.Connect(ctx, cluster.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE lapak")
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := postgres.Migrate(ctx, cluster.URL("lapak")); err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(ctx, cluster.URL("lapak"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)

	e := &env{t: t, db: db}
	e.ts = httptest.NewServer(nil)
	t.Cleanup(e.ts.Close)
	e.srv = server.New(server.Config{BaseURL: e.ts.URL}, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.ts.Config.Handler = e.srv.Handler()
	u, err := e.srv.Auth().CreateUser(auth.SystemContext(ctx), auth.UserInput{Name: "Admin Gangguan", Email: "admin@gangguan.id",
		Password: testPassword, Grants: []auth.Grant{{Role: auth.RoleAdmin}}})
	if err != nil {
		t.Fatal(err)
	}
	signedIn := e.client()
	wantStatus(t, e.post(signedIn, "/login", loginForm(u.Email, testPassword)), http.StatusSeeOther, "/dashboard")

	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		do     func() *http.Response
		status int
	}{
		{"liveness", func() *http.Response { return e.get(e.client(), "/healthz") }, http.StatusOK},
		{"readiness", func() *http.Response { return e.get(e.client(), "/readyz") }, http.StatusServiceUnavailable},
		{"home page with a session", func() *http.Response { return e.get(signedIn, "/") }, http.StatusServiceUnavailable},
		{"dashboard", func() *http.Response { return e.get(signedIn, "/dashboard") }, http.StatusServiceUnavailable},
		{"sign-in", func() *http.Response { return e.post(e.client(), "/login", loginForm(u.Email, testPassword)) }, http.StatusServiceUnavailable},
	}
	for _, tc := range tests {
		t.Run("down/"+tc.name, func(t *testing.T) {
			res := tc.do()
			wantStatus(t, res, tc.status, "")
			if tc.status != http.StatusServiceUnavailable || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				return
			}
			if res.Header.Get("Retry-After") == "" {
				t.Error("no Retry-After")
			}
			d := doc(t, res)
			if got := strings.TrimSpace(d.Find("h1").Text()); got != "Layanan sedang terganggu" {
				t.Errorf("title %q, want Layanan sedang terganggu", got)
			}
			if textOf(d, "error-message") == "" {
				t.Error("no error-message")
			}
			checkNoInternals(t, d)
		})
	}

	if err := cluster.Start(ctx, ""); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		res := e.get(e.client(), "/readyz")
		if res.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d 15 s after the database came back", res.StatusCode)
		}
		time.Sleep(200 * time.Millisecond)
	}
	wantStatus(t, e.get(e.client(), "/login"), http.StatusOK, "")
	// The session stored before the outage is still there.
	res := e.get(signedIn, "/dashboard")
	wantStatus(t, res, http.StatusOK, "")
	if got := textOf(doc(t, res), "signed-in-as"); got != u.Name {
		t.Errorf("signed in as %q, want %q", got, u.Name)
	}
}

package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/server"
	"lapak/internal/supplier"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testPassword is the password of every fixture account.
const testPassword = "rahasia-yang-panjang"

// env is a running server on a fresh database with one account per role.
type env struct {
	t     *testing.T
	db    *pgxpool.Pool
	srv   *server.Server
	ts    *httptest.Server
	users map[string]*auth.User // by role name, plus "multi" (pp+ppk)
	opdID int64
	supID int64
}

// newEnv starts the real router on a pgtest database seeded with reference
// data and one account per role.
func newEnv(t *testing.T) *env {
	t.Helper()
	db := pgtest.New(t)
	ctx := context.Background()
	if err := demo.SeedReference(ctx, db); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, users: map[string]*auth.User{}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.ts = httptest.NewServer(nil)
	t.Cleanup(e.ts.Close)
	e.srv = server.New(server.Config{BaseURL: e.ts.URL}, db, log)
	e.ts.Config.Handler = e.srv.Handler()

	sys := auth.SystemContext(ctx)
	if err := db.QueryRow(ctx, "SELECT id FROM opds WHERE letter_code = 'DINKES'").Scan(&e.opdID); err != nil {
		t.Fatal(err)
	}
	sp, err := supplier.NewService(db).CreateSupplier(sys, supplier.Input{Name: "Kopi Sangir Jaya", KecamatanCode: "13.11.01", Status: supplier.StatusVerified})
	if err != nil {
		t.Fatal(err)
	}
	e.supID = sp.ID
	for i, r := range auth.Roles {
		g := auth.Grant{Role: r}
		if r.NeedsOPD() {
			g.OPDID = e.opdID
		}
		if r == auth.RoleSupplier {
			g.SupplierID = e.supID
		}
		u, err := e.srv.Auth().CreateUser(sys, auth.UserInput{
			Name: "Pengguna " + string(r), Email: string(r) + "@test.id", Phone: "08120000000" + string(rune('1'+i)),
			Password: testPassword, Grants: []auth.Grant{g}})
		if err != nil {
			t.Fatalf("create %s: %v", r, err)
		}
		e.users[string(r)] = u
	}
	// Another business's owner: the fixture supplier's pages must refuse it.
	other, err := supplier.NewService(db).CreateSupplier(sys, supplier.Input{Name: "Toko Sebelah", KecamatanCode: "13.11.02", Status: supplier.StatusVerified})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.srv.Auth().CreateUser(sys, auth.UserInput{Name: "Pemilik Toko Sebelah", Email: "other-supplier@test.id",
		Password: testPassword, Grants: []auth.Grant{{Role: auth.RoleSupplier, SupplierID: other.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	e.users["other_supplier"] = u
	return e
}

// client returns an HTTP client with its own cookie jar that does not follow redirects.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login signs in as the fixture account of role and returns its client.
func (e *env) login(role string) *http.Client {
	e.t.Helper()
	c := e.client()
	u := e.users[role]
	res := e.post(c, "/login", url.Values{"login": {u.Email}, "password": {testPassword}})
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login as %s: status %d", role, res.StatusCode)
	}
	return c
}

// get fetches path with c.
func (e *env) get(c *http.Client, path string) *http.Response {
	e.t.Helper()
	res, err := c.Get(e.ts.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { res.Body.Close() })
	return res
}

// post submits a form as a same-origin browser would.
func (e *env) post(c *http.Client, path string, form url.Values) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.ts.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { res.Body.Close() })
	return res
}

// doc parses a response body as HTML.
func doc(t *testing.T, res *http.Response) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

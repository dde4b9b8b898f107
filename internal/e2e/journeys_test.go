package e2e

import (
	"strings"
	"testing"

	"lapak/internal/auth"
	"lapak/internal/demo"
)

// Every demo account printed by `make run` signs in and reaches its start page.
func TestBrowser_EveryDemoRoleReachesItsStartPage(t *testing.T) {
	base, a := startLapak(t)
	b := newBrowser(t, base, true)
	b.visit("/")
	want := map[auth.Role]string{
		auth.RolePP: "start-opd", auth.RolePPK: "start-opd", auth.RoleTreasurer: "start-opd",
		auth.RoleSupplier: "start-supplier", auth.RoleKoperindag: "start-koperindag",
		auth.RoleAdmin: "start-admin", auth.RoleAuditor: "start-audit",
	}
	for _, acc := range a.Demo {
		t.Run(string(acc.Role), func(t *testing.T) {
			b.t = t
			b.login(acc.Login, demo.Password)
			if got := b.path(); got != "/dashboard" {
				t.Fatalf("after login got %s, want /dashboard", got)
			}
			if got := b.text("[data-testid=role]"); got != acc.Role.Label() {
				t.Errorf("role shown %q, want %q", got, acc.Role.Label())
			}
			if b.count("[data-testid="+want[acc.Role]+"]") != 1 {
				t.Errorf("start page lacks its %s section", want[acc.Role])
			}
			// Every link in the navigation opens without error for this role.
			for _, href := range navLinks(b) {
				b.visit(href)
				if b.count("[data-testid=error-message]") != 0 {
					t.Errorf("%s shows an error page: %s", href, b.text("[data-testid=error-message]"))
				}
			}
			b.logout()
			if got := b.path(); got != "/" {
				t.Errorf("after logout got %s, want /", got)
			}
		})
	}
}

func navLinks(b *browser) []string {
	b.t.Helper()
	var hrefs []string
	n := b.count("nav.main a")
	for i := 0; i < n; i++ {
		hrefs = append(hrefs, attr(b, "nav.main li:nth-child("+itoa(i+1)+") a", "href"))
	}
	return hrefs
}

// An admin adds an OPD (after a failed first try) and an official's account,
// and hands out a reset code; the audit trail shows it all.
func TestBrowser_AdminManagesOPDsAndUsers(t *testing.T) {
	base, _ := startLapak(t)
	b := newBrowser(t, base, true)
	b.login("admin@lapak.test", demo.Password)

	b.visit("/admin/opds/new")
	b.fill("code", "bad code!")
	b.submit("form.stack button[type=submit]")
	if b.count("[data-testid=form-errors]") != 1 {
		t.Fatal("an invalid OPD form shows no error summary")
	}
	if got := attr(b, "#code", "aria-invalid"); got != "true" {
		t.Errorf("invalid field not marked: aria-invalid=%q", got)
	}
	b.fill("code", "OPD-090")
	b.fill("name", "Dinas Lingkungan Hidup Kabupaten Solok Selatan")
	b.fill("short_name", "DLH")
	b.fill("letter_code", "DLH")
	b.submit("form.stack button[type=submit]")
	if got := b.path(); got != "/admin/opds" {
		t.Fatalf("after saving got %s, want /admin/opds", got)
	}
	if !strings.Contains(b.text("[data-testid=flash]"), "Dinas Lingkungan Hidup") {
		t.Errorf("no confirmation after saving the OPD")
	}

	b.visit("/admin/users/new")
	b.fill("name", "Budi Santoso")
	b.fill("phone", "0813 1111 2222")
	b.fill("nip", "198801012015031001")
	b.fill("password", "sementara-123")
	b.do(chromedpClickCSS("input[name=role][value=pp]"))
	b.do(chromedpSelectByLabel("opd_id", "Dinas Lingkungan Hidup Kabupaten Solok Selatan"))
	b.submit("form.stack button[type=submit]")
	if !strings.HasPrefix(b.path(), "/admin/users/") {
		t.Fatalf("after creating got %s, want the account page", b.path())
	}
	b.acceptConfirms()
	b.submit("form[action$='/reset-code'] button")
	code := b.text("[data-testid=reset-code] .secret")
	if len(code) != 9 {
		t.Errorf("reset code %q, want XXXX-XXXX", code)
	}
	b.visit("/audit")
	if b.count("[data-testid=audit-table] tbody tr") < 3 {
		t.Errorf("audit trail shows too few entries")
	}
	b.logout()

	// The new official signs in with the code's help and must set a password.
	b.visit("/password/code")
	b.fill("login", "0813-1111-2222")
	b.fill("code", strings.ToLower(code))
	b.fill("password", "kata sandi baru Budi")
	b.fill("confirm", "kata sandi baru Budi")
	b.submit("form.stack button[type=submit]")
	b.login("081311112222", "kata sandi baru Budi")
	if got := b.path(); got != "/dashboard" {
		t.Errorf("after code reset and login got %s, want /dashboard", got)
	}
}

// A UMKM owner without e-mail signs in with a phone number typed loosely and
// changes the password; everything works with JavaScript off.
func TestBrowser_SupplierWithoutJavaScript(t *testing.T) {
	base, _ := startLapak(t)
	b := newBrowser(t, base, false)
	b.login("0812-0000-0001", "salah sandi sekali")
	if b.count("[data-testid=login-error]") != 1 {
		t.Fatal("a wrong password shows no message")
	}
	b.login("+62 812 0000 0001", demo.Password)
	if b.count("[data-testid=start-supplier]") != 1 {
		t.Fatalf("supplier start page missing at %s", b.path())
	}
	b.visit("/account")
	b.fill("current", demo.Password)
	b.fill("password", "kopi sangir enak sekali")
	b.fill("confirm", "kopi sangir enak sekali")
	b.submit("form[action='/account/password'] button")
	if got := b.text("[data-testid=flash]"); !strings.Contains(got, "sudah diganti") {
		t.Errorf("flash %q, want a confirmation", got)
	}
	b.logout()
	b.login("081200000001", "kopi sangir enak sekali")
	if got := b.path(); got != "/dashboard" {
		t.Errorf("login with the new password got %s", got)
	}
	b.visit("/tidak-ada")
	if b.count("[data-testid=error-message]") != 1 {
		t.Errorf("unknown page shows no friendly error")
	}
}

package web

import (
	"net/url"
	"strings"

	"lapak/internal/auth"
	"lapak/internal/validate"
)

// Page is the data every page shares: title, signed-in user, flash message.
type Page struct {
	Title     string
	User      *auth.User // nil when nobody is signed in
	Flash     string
	FlashErr  bool
	Path      string // current URL path, to mark the current navigation item
	RequestID string
}

// NavItem is one link of the main navigation.
type NavItem struct {
	Label, Href string
}

// Nav returns the navigation for p's user: each role sees what it works with.
func (p Page) Nav() []NavItem {
	u := p.User
	if u == nil {
		return []NavItem{{"Beranda", "/"}, {"Daftar sebagai penyedia", "/register"}, {"Masuk", "/login"}}
	}
	items := []NavItem{{"Beranda", "/dashboard"}}
	if u.Has(auth.RoleSupplier) {
		items = append(items, NavItem{"Profil usaha", "/supplier"})
	}
	if u.Has(auth.RoleKoperindag, auth.RoleAdmin) {
		items = append(items, NavItem{"Verifikasi", "/koperindag/verification"}, NavItem{"Usaha", "/koperindag/suppliers"},
			NavItem{"Pembekalan", "/koperindag/trainings"})
	}
	if u.Has(auth.RoleKoperindag, auth.RoleAdmin, auth.RoleAuditor) {
		items = append(items, NavItem{"Corong", "/koperindag/funnel"})
	}
	if u.Has(auth.RoleKoperindag) {
		items = append(items, NavItem{"Registri UMKM", "/koperindag/registry"})
		items = append(items, NavItem{"Akun penyedia", "/koperindag/users"},
			NavItem{"Undangan", "/koperindag/invitations"}, NavItem{"Daftarkan usaha", "/koperindag/suppliers/new"})
	}
	if u.Has(auth.RoleAdmin) {
		items = append(items, NavItem{"OPD", "/admin/opds"}, NavItem{"Pengguna", "/admin/users"}, NavItem{"Kotak keluar", "/admin/outbox"})
	}
	if u.Has(auth.RolePP, auth.RolePPK, auth.RoleTreasurer, auth.RoleAdmin, auth.RoleAuditor) {
		items = append(items, NavItem{"Paket RUP", "/rup"})
	}
	if u.Has(auth.RoleAdmin, auth.RoleAuditor) {
		items = append(items, NavItem{"Aturan", "/rules"})
	}
	if u.Has(auth.RoleAdmin) {
		items = append(items, NavItem{"Hari libur", "/admin/holidays"})
	}
	if u.Has(auth.RoleAdmin, auth.RoleAuditor) {
		items = append(items, NavItem{"Jejak audit", "/audit"})
	}
	return append(items, NavItem{"Akun saya", "/account"})
}

// Current reports whether href is the page being shown (or its section).
func (p Page) Current(href string) bool {
	if href == "/" || href == "/dashboard" {
		return p.Path == href
	}
	return p.Path == href || strings.HasPrefix(p.Path, href+"/")
}

// Form carries submitted values and field errors back into a form.
type Form struct {
	Values url.Values
	Errors validate.Errors
}

// NewForm returns an empty form.
func NewForm() Form { return Form{Values: url.Values{}, Errors: validate.Errors{}} }

// Get returns a submitted value.
func (f Form) Get(name string) string { return f.Values.Get(name) }

// Err returns the error message of a field, or "".
func (f Form) Err(name string) string { return f.Errors[name] }

// Has reports whether the checkbox or multi-value field name includes value.
func (f Form) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Invalid reports whether the form has any errors.
func (f Form) Invalid() bool { return len(f.Errors) > 0 }

func describedBy(name, hint string, f Form) string {
	var ids []string
	if hint != "" {
		ids = append(ids, name+"-hint")
	}
	if f.Err(name) != "" {
		ids = append(ids, name+"-error")
	}
	return strings.Join(ids, " ")
}

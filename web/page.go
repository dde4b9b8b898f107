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

// link is one destination of the site, who sees it, and whether it belongs
// in the main navigation (primary) or only in the start page's full menu.
type link struct {
	NavItem
	roles   []auth.Role // empty: every signed-in user
	primary []auth.Role // roles for whom it is in the main navigation
}

var links = []link{
	{NavItem{"Beranda", "/dashboard"}, nil, all},
	{NavItem{"Katalog", "/catalog"}, nil, []auth.Role{auth.RolePP, auth.RolePPK, auth.RoleTreasurer, auth.RoleSupplier}},
	{NavItem{"Profil usaha", "/supplier"}, []auth.Role{auth.RoleSupplier}, []auth.Role{auth.RoleSupplier}},
	{NavItem{"Produk saya", "/supplier/listings"}, []auth.Role{auth.RoleSupplier}, []auth.Role{auth.RoleSupplier}},
	{NavItem{"Keranjang", "/cart"}, []auth.Role{auth.RolePP, auth.RolePPK}, []auth.Role{auth.RolePP, auth.RolePPK}},
	{NavItem{"Pesanan", "/orders"}, []auth.Role{auth.RolePP, auth.RolePPK, auth.RoleTreasurer, auth.RoleAdmin, auth.RoleAuditor}, []auth.Role{auth.RolePP, auth.RolePPK, auth.RoleTreasurer, auth.RoleAdmin, auth.RoleAuditor}},
	{NavItem{"Pesanan masuk", "/orders"}, []auth.Role{auth.RoleSupplier}, []auth.Role{auth.RoleSupplier}},
	{NavItem{"Notifikasi", "/notifications"}, nil, all},
	{NavItem{"Paket RUP", "/rup"}, []auth.Role{auth.RolePP, auth.RolePPK, auth.RoleTreasurer, auth.RoleAdmin, auth.RoleAuditor}, []auth.Role{auth.RolePP, auth.RolePPK, auth.RoleTreasurer}},
	{NavItem{"Registri UMKM", "/koperindag/registry"}, []auth.Role{auth.RoleKoperindag, auth.RoleAdmin}, []auth.Role{auth.RoleKoperindag}},
	{NavItem{"Undangan", "/koperindag/invitations"}, []auth.Role{auth.RoleKoperindag, auth.RoleAdmin}, []auth.Role{auth.RoleKoperindag}},
	{NavItem{"Daftarkan usaha", "/koperindag/suppliers/new"}, []auth.Role{auth.RoleKoperindag, auth.RoleAdmin}, nil},
	{NavItem{"Verifikasi", "/koperindag/verification"}, []auth.Role{auth.RoleKoperindag, auth.RoleAdmin}, []auth.Role{auth.RoleKoperindag, auth.RoleAdmin}},
	{NavItem{"Usaha", "/koperindag/suppliers"}, []auth.Role{auth.RoleKoperindag, auth.RoleAdmin}, []auth.Role{auth.RoleKoperindag}},
	{NavItem{"Pembekalan", "/koperindag/trainings"}, []auth.Role{auth.RoleKoperindag, auth.RoleAdmin, auth.RoleAuditor}, nil},
	{NavItem{"Corong", "/koperindag/funnel"}, []auth.Role{auth.RoleKoperindag, auth.RoleAdmin, auth.RoleAuditor}, []auth.Role{auth.RoleKoperindag, auth.RoleAuditor}},
	{NavItem{"Akun penyedia", "/koperindag/users"}, []auth.Role{auth.RoleKoperindag}, nil},
	{NavItem{"Pengguna", "/admin/users"}, []auth.Role{auth.RoleAdmin}, []auth.Role{auth.RoleAdmin}},
	{NavItem{"OPD", "/admin/opds"}, []auth.Role{auth.RoleAdmin}, []auth.Role{auth.RoleAdmin}},
	{NavItem{"Kategori", "/admin/categories"}, []auth.Role{auth.RoleAdmin}, nil},
	{NavItem{"SSH", "/admin/ssh"}, []auth.Role{auth.RoleAdmin}, nil},
	{NavItem{"Moderasi produk", "/moderation/listings"}, []auth.Role{auth.RoleAdmin, auth.RoleKoperindag}, nil},
	{NavItem{"Aturan", "/rules"}, []auth.Role{auth.RoleAdmin, auth.RoleAuditor}, []auth.Role{auth.RoleAdmin, auth.RoleAuditor}},
	{NavItem{"Hari libur", "/admin/holidays"}, []auth.Role{auth.RoleAdmin}, nil},
	{NavItem{"Kotak keluar", "/admin/outbox"}, []auth.Role{auth.RoleAdmin}, nil},
	{NavItem{"Laporan", "/reports"}, []auth.Role{auth.RoleAdmin, auth.RoleKoperindag, auth.RoleAuditor, auth.RolePimpinan}, []auth.Role{auth.RoleAdmin, auth.RoleKoperindag, auth.RoleAuditor, auth.RolePimpinan}},
	{NavItem{"Tanda bahaya", "/flags"}, []auth.Role{auth.RoleAuditor, auth.RoleAdmin}, []auth.Role{auth.RoleAuditor, auth.RoleAdmin}},
	{NavItem{"Jejak audit", "/audit"}, []auth.Role{auth.RoleAdmin, auth.RoleAuditor}, []auth.Role{auth.RoleAdmin, auth.RoleAuditor}},
	{NavItem{"Akun saya", "/account"}, nil, all},
}

var all = auth.Roles

// Nav returns the main navigation for p's user: the few places each role
// works in every day. Everything else is in Menu, on the start page.
func (p Page) Nav() []NavItem {
	u := p.User
	if u == nil {
		return []NavItem{{"Beranda", "/"}, {"Katalog", "/catalog"}, {"Transparansi", "/transparansi"}, {"Daftar sebagai penyedia", "/register"}, {"Masuk", "/login"}}
	}
	var items []NavItem
	for _, l := range links {
		if u.Has(l.primary...) && (len(l.roles) == 0 || u.Has(l.roles...)) {
			items = append(items, l.NavItem)
		}
	}
	return items
}

// Menu returns every place p's user may go, for the start page.
func (p Page) Menu() []NavItem {
	u := p.User
	if u == nil {
		return nil
	}
	var items []NavItem
	for _, l := range links {
		if l.Href != "/dashboard" && (len(l.roles) == 0 || u.Has(l.roles...)) {
			items = append(items, l.NavItem)
		}
	}
	return items
}

// Current reports whether href is the page being shown, or the section it
// belongs to when no more specific navigation item matches.
func (p Page) Current(href string) bool {
	match := func(h string) bool {
		if h == "/" || h == "/dashboard" {
			return p.Path == h
		}
		return p.Path == h || strings.HasPrefix(p.Path, h+"/")
	}
	if !match(href) {
		return false
	}
	for _, l := range links {
		if len(l.Href) > len(href) && match(l.Href) {
			return false
		}
	}
	return true
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

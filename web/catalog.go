package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"lapak/internal/catalog"
	"lapak/internal/ordering"
	"lapak/internal/region"
	"lapak/internal/rupiah"
	"lapak/internal/supplier"
)

// SearchView is what the catalog search page (and a supplier's store)
// shows: the query as typed, the results and the choices for the filters.
type SearchView struct {
	Form        Form // q, category, kec, min, max, scale, local, ssh, sort as submitted
	Results     catalog.Results
	Categories  []catalog.Category
	Kecamatan   []region.Kecamatan
	Base        string                 // path of the page: /catalog or /store/{id}
	Store       *supplier.Supplier     // the supplier whose store this is, or nil
	StoreRating ordering.RatingSummary // the PPKs' ratings of the store's supplier
	ShowFilters bool
}

// searchParams are the query parameters a search page keeps in its links.
var searchParams = []string{"q", "category", "kec", "min", "max", "scale", "local", "ssh", "sort"}

// URL returns the page's address with the current query and filters, and
// with the given parameters changed ("" removes one).
func (v SearchView) URL(changes ...string) templ.SafeURL {
	q := url.Values{}
	for _, k := range searchParams {
		if s := v.Form.Get(k); s != "" {
			q.Set(k, s)
		}
	}
	for i := 0; i+1 < len(changes); i += 2 {
		if changes[i+1] == "" {
			q.Del(changes[i])
		} else {
			q.Set(changes[i], changes[i+1])
		}
	}
	if len(q) == 0 {
		return templ.SafeURL(v.Base)
	}
	return templ.SafeURL(v.Base + "?" + q.Encode())
}

// Count says how many results there are, in words.
func (v SearchView) Count() string {
	r := v.Results
	switch {
	case r.Capped:
		return "Lebih dari " + thousands(r.Total) + " produk"
	case r.Total == 0:
		return "Tidak ada produk yang cocok"
	}
	return thousands(r.Total) + " produk"
}

// Filtered reports whether any filter besides the words is set.
func (v SearchView) Filtered() bool {
	for _, k := range []string{"category", "kec", "min", "max", "scale", "local", "ssh"} {
		if v.Form.Get(k) != "" {
			return true
		}
	}
	return false
}

func thousands(n int) string { return rupiah.FormatPlain(int64(n)) }

// facetCount returns the count of value among values.
func facetCount(values []catalog.FacetValue, value string) int {
	for _, f := range values {
		if f.Value == value {
			return f.Count
		}
	}
	return 0
}

// withCount labels a filter choice with its number of results.
func withCount(label string, n int) string { return label + " (" + thousands(n) + ")" }

// categoryLabel indents a child category under its parent.
func categoryLabel(c catalog.Category) string {
	if c.ParentID != 0 {
		return "— " + c.Name
	}
	return c.Name
}

// photoURL is where a stored photo or thumbnail is served.
func photoURL(key string) templ.SafeURL { return templ.SafeURL("/photos/" + key) }

func listingURL(id int64) templ.SafeURL {
	return templ.SafeURL("/listings/" + strconv.FormatInt(id, 10))
}

func storeURL(id int64) templ.SafeURL { return templ.SafeURL("/store/" + strconv.FormatInt(id, 10)) }

func editURL(id int64, action string) templ.SafeURL {
	u := "/supplier/listings/" + strconv.FormatInt(id, 10)
	if action != "" {
		u += "/" + action
	}
	return templ.SafeURL(u)
}

func money(n int64) string { return rupiah.Format(n) }

// stockText says how much is available.
func stockText(l catalog.Listing) string {
	switch {
	case l.Kind == catalog.KindServices && l.DailyCapacity != nil:
		return thousands(*l.DailyCapacity) + " " + l.Unit + " per hari"
	case l.Stock != nil && *l.Stock == 0:
		return "Habis"
	case l.Stock != nil:
		return thousands(*l.Stock) + " " + l.Unit
	}
	return "—"
}

func leadTime(days int) string {
	if days == 0 {
		return "Hari ini juga"
	}
	return strconv.Itoa(days) + " hari"
}

func servedText(l catalog.Listing) string {
	if l.ServesAll() {
		return "Seluruh Kabupaten Solok Selatan"
	}
	return strings.Join(l.ServedNames, ", ")
}

func scaleLabel(s supplier.Scale) string {
	if s == "" {
		return "Skala belum diisi"
	}
	return s.Label()
}

// ListingView is what the listing page shows besides the listing.
type ListingView struct {
	Listing     catalog.Listing
	Others      []catalog.Card // other offers for the same SSH item
	History     []catalog.PricePoint
	CanEdit     bool
	CanModerate bool
	Form        Form                   // take-down reason and its error
	Rating      ordering.RatingSummary // the PPKs' ratings of orders of this listing
}

// ListingFormView is the listing form with its choices.
type ListingFormView struct {
	ID          int64 // 0 for a new listing
	Version     int
	Form        Form
	Categories  []catalog.Category
	Kecamatan   []region.Kecamatan
	Listing     *catalog.Listing // the saved listing (edit only)
	Suggestions []catalog.SSHItem
	Conflict    bool // the save was refused because the listing changed
	CanPublish  bool // the supplier is verified
}

// ListingForm returns the form values of in.
func ListingForm(in catalog.ListingInput) Form {
	f := NewForm()
	f.Values.Set("kind", in.Kind)
	f.Values.Set("title", in.Title)
	f.Values.Set("description", in.Description)
	f.Values.Set("category_id", in.CategoryID)
	f.Values.Set("unit", in.Unit)
	f.Values.Set("price", in.Price)
	f.Values.Set("min_order", in.MinOrder)
	f.Values.Set("stock", in.Stock)
	f.Values.Set("lead_time_days", in.LeadTimeDays)
	if in.ServedAll {
		f.Values.Set("served_all", "1")
	}
	f.Values["served"] = in.Served
	f.Values.Set("origin", in.Origin)
	f.Values.Set("ssh_code", in.SSHCode)
	return f
}

// MyListingsView is a supplier's list of its listings.
type MyListingsView struct {
	Supplier supplier.Supplier
	Listings []catalog.Listing
}

// statusClass is the badge style of a listing status.
func statusClass(s catalog.Status) string {
	switch s {
	case catalog.StatusPublished:
		return "badge ok"
	case catalog.StatusTakenDown:
		return "badge off"
	}
	return "badge"
}

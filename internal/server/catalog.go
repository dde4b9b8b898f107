package server

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/blob"
	"lapak/internal/catalog"
	"lapak/internal/ordering"
	"lapak/internal/rupiah"
	"lapak/internal/supplier"
	"lapak/web"
)

// fragmentHeader is set by our script when it wants only the part of a page
// that changes (the search results), not the whole page.
const fragmentHeader = "X-Lapak-Fragment"

// registerCatalogRoutes adds the public catalog: search, listings, stores,
// comparison, photos and the SSH list. Signed-in or not, anyone may.
func (s *Server) registerCatalogRoutes(r chi.Router) {
	r.Get("/catalog", s.h(s.handleCatalog))
	r.Get("/listings/{id}", s.h(s.handleListingShow))
	r.Get("/compare", s.h(s.handleCompare))
	r.Get("/store/{id}", s.h(s.handleStore))
	r.Get("/photos/{key}", s.h(s.handlePhoto))
	r.Get("/ssh", s.h(s.handleSSHList))
}

// registerCatalogMemberRoutes adds the catalog pages for signed-in users:
// a supplier's listings, moderation, and the admin pages for categories
// and SSH. The domain checks each action again.
func (s *Server) registerCatalogMemberRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RoleSupplier))
		s.registerListingRoutes(r)
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RoleAdmin, auth.RoleKoperindag))
		r.Post("/listings/{id}/takedown", s.h(s.handleListingTakeDown))
		r.Post("/listings/{id}/restore", s.h(s.handleListingRestore))
		r.Get("/moderation/listings", s.h(s.handleModerationList))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RoleAdmin))
		s.registerCatalogAdminRoutes(r)
	})
}

// photoStore is where listing photos live: the data folder's files, like
// supplier documents. Without a data folder (some tests) it fails every call.
func (s *Server) photoStore() blob.Store {
	if s.cfg.DataDir == "" {
		return blob.NewLocal("")
	}
	return blob.NewLocal(filepath.Join(s.cfg.DataDir, "files"))
}

// searchFrom reads a search from the URL: the query, filters, order and
// page. A price filter that cannot be read is ignored with a message.
func searchFrom(r *http.Request) (catalog.Query, web.Form) {
	v := r.URL.Query()
	f := web.NewForm()
	for _, k := range []string{"q", "category", "kec", "min", "max", "scale", "local", "ssh", "sort", "after"} {
		if s := strings.TrimSpace(v.Get(k)); s != "" && len(s) <= 1000 {
			f.Values.Set(k, s)
		}
	}
	q := catalog.Query{Text: f.Get("q"), Kecamatan: f.Get("kec"), Sort: catalog.Sort(f.Get("sort")), After: f.Get("after"),
		LocalOnly: f.Get("local") != "", SSHOnly: f.Get("ssh") != ""}
	if len(q.Kecamatan) > 20 {
		q.Kecamatan = ""
	}
	if id, err := strconv.ParseInt(f.Get("category"), 10, 64); err == nil && id > 0 {
		q.CategoryID = id
	}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"min", &q.MinPrice}, {"max", &q.MaxPrice}} {
		if text := f.Get(p.name); text != "" {
			n, err := rupiah.Parse(text)
			if err != nil {
				f.Errors[p.name] = err.Error() + " Saringan harga ini tidak dipakai."
				continue
			}
			*p.dst = n
		}
	}
	switch sc := supplier.Scale(f.Get("scale")); sc {
	case supplier.ScaleMikro, supplier.ScaleKecil, supplier.ScaleMenengah:
		q.Scale = sc
	}
	return q, f
}

// renderSearch renders a search page, or only its results when our script asks.
func (s *Server) renderSearch(w http.ResponseWriter, r *http.Request, title string, v web.SearchView) error {
	w.Header().Set("Vary", fragmentHeader)
	if r.Header.Get(fragmentHeader) == "results" {
		return s.render(w, r, http.StatusOK, web.SearchResults(v))
	}
	return s.render(w, r, http.StatusOK, web.CatalogPage(s.page(r, title), v))
}

// handleCatalog searches and browses the catalog.
func (s *Server) handleCatalog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q, f := searchFrom(r)
	res, err := s.catalog.Search(ctx, q)
	if err != nil {
		return err
	}
	cats, kec, err := s.catalog.Choices(ctx)
	if err != nil {
		return err
	}
	title := "Katalog"
	if q.Text != "" {
		title = "Cari “" + truncate(q.Text, 60) + "”"
	}
	return s.renderSearch(w, r, title, web.SearchView{Form: f, Results: res, Categories: cats, Kecamatan: kec, Base: "/catalog"})
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// handleStore shows a verified supplier's public store: its listings.
func (s *Server) handleStore(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	sp, err := s.catalog.Store(ctx, id)
	if err != nil {
		return err
	}
	q, f := searchFrom(r)
	q.SupplierID, q.CategoryID, q.Scale = id, 0, ""
	res, err := s.catalog.Search(ctx, q)
	if err != nil {
		return err
	}
	_, kec, err := s.catalog.Choices(ctx)
	if err != nil {
		return err
	}
	rating, err := ordering.SupplierRating(ctx, s.db, id)
	if err != nil {
		return err
	}
	return s.renderSearch(w, r, sp.Name, web.SearchView{Form: f, Results: res, Kecamatan: kec, Base: "/store/" + strconv.FormatInt(id, 10), Store: &sp, StoreRating: rating})
}

// listingView gathers what the listing page shows.
func (s *Server) listingView(r *http.Request, id int64, f web.Form) (web.ListingView, error) {
	ctx := r.Context()
	l, err := s.catalog.Listing(ctx, id)
	if err != nil {
		return web.ListingView{}, err
	}
	u := auth.UserFrom(ctx)
	v := web.ListingView{Listing: l, CanEdit: catalog.CanManage(u, l.SupplierID), CanModerate: catalog.CanModerate(u), Form: f}
	if l.SSHItemID != 0 {
		if v.Others, err = s.catalog.OtherOffers(ctx, l.SSHItemID, l.ID, 6); err != nil {
			return v, err
		}
	}
	if v.History, err = s.catalog.PriceHistory(ctx, id); err != nil {
		return v, err
	}
	if v.Rating, err = ordering.ListingRating(ctx, s.db, id); err != nil {
		return v, err
	}
	return v, nil
}

// handleListingShow shows one listing.
func (s *Server) handleListingShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.listingView(r, id, web.NewForm())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.ListingPage(s.page(r, v.Listing.Title), v))
}

// handleCompare shows up to four listings side by side (?ids=1,2 or ?ids=1&ids=2).
func (s *Server) handleCompare(w http.ResponseWriter, r *http.Request) error {
	var ids []int64
	for _, v := range r.URL.Query()["ids"] {
		for _, part := range strings.Split(v, ",") {
			if id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64); err == nil && id > 0 && len(ids) < 20 {
				ids = append(ids, id)
			}
		}
	}
	list, err := s.catalog.Compare(r.Context(), ids)
	if err != nil {
		return err
	}
	dropped := 0
	if n := len(uniq(ids)); n > catalog.MaxCompare {
		dropped = n - catalog.MaxCompare
	}
	return s.render(w, r, http.StatusOK, web.ComparePage(s.page(r, "Bandingkan penawaran"), list, dropped))
}

func uniq(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// handlePhoto sends a listing photo or thumbnail.
func (s *Server) handlePhoto(w http.ResponseWriter, r *http.Request) error {
	key := chi.URLParam(r, "key")
	f, err := s.catalog.PhotoFile(r.Context(), s.photoStore(), key)
	if err != nil {
		if errors.Is(err, blob.ErrNotFound) {
			return apperr.Wrap(apperr.NotFound, "Foto tidak ditemukan.", err)
		}
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", "image/jpeg")
	// A key names one picture forever; a new photo gets a new key.
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	_, err = io.Copy(w, f)
	if err != nil {
		s.log.Warn("send photo", "key", key, "err", err)
	}
	return nil
}

// handleSSHList lists the SSH items, searchable by code or description.
func (s *Server) handleSSHList(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	items, err := s.catalog.SSHItems(r.Context(), q, 200)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.SSHListPage(s.page(r, "Standar Satuan Harga"), q, items))
}

// handleListingTakeDown takes a listing out of the catalog with a reason.
func (s *Server) handleListingTakeDown(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	err = s.catalog.TakeDown(r.Context(), id, f.Get("reason"))
	if fe, ok := withErrors(f, err); ok {
		v, verr := s.listingView(r, id, fe)
		if verr != nil {
			return verr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, web.ListingPage(s.page(r, v.Listing.Title), v))
	}
	if err != nil {
		return err
	}
	s.flash(r, "Produk diturunkan dari katalog. Penyedia dapat membaca alasannya.")
	return redirect(w, r, "/listings/"+strconv.FormatInt(id, 10))
}

// handleListingRestore lets a taken-down listing be published again.
func (s *Server) handleListingRestore(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.catalog.RestoreListing(r.Context(), id); err != nil {
		return err
	}
	s.flash(r, "Produk dipulihkan. Penyedia dapat menayangkannya lagi.")
	return redirect(w, r, "/listings/"+strconv.FormatInt(id, 10))
}

// handleModerationList lists the listings taken down.
func (s *Server) handleModerationList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.catalog.TakenDown(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.ModerationPage(s.page(r, "Produk yang diturunkan"), list))
}

func authUser(r *http.Request) *auth.User { return auth.UserFrom(r.Context()) }

// CatalogCacheStats reports the hits and misses of the catalog's search
// summary cache, for `lapak bench search`.
func (s *Server) CatalogCacheStats() (hits, misses uint64) { return s.catalog.CacheStats() }

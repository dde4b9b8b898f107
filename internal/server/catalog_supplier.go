package server

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/catalog"
	"lapak/internal/supplier"
	"lapak/internal/upload"
	"lapak/internal/validate"
	"lapak/web"
)

// Request body limits of the catalog's upload forms.
const (
	maxPhotoBody = catalog.MaxPhotos*upload.MaxSize + 1<<20
	maxSheetBody = catalog.MaxSheetSize + 1<<20
)

// registerListingRoutes adds a supplier's pages for its own listings.
func (s *Server) registerListingRoutes(r chi.Router) {
	r.Get("/supplier/listings", s.h(s.handleMyListings))
	r.Get("/supplier/listings/new", s.h(s.handleListingNew))
	r.Post("/supplier/listings", s.h(s.handleListingCreate))
	r.Get("/supplier/listings/{id}/edit", s.h(s.handleListingEdit))
	r.Post("/supplier/listings/{id}", s.h(s.handleListingUpdate))
	r.Post("/supplier/listings/{id}/duplicate", s.h(s.handleListingDuplicate))
	r.Post("/supplier/listings/{id}/publish", s.h(s.handleListingPublish))
	r.Post("/supplier/listings/{id}/hide", s.h(s.handleListingHide))
	r.With(withBodyLimit(maxPhotoBody)).Post("/supplier/listings/{id}/photos", s.h(s.handlePhotoUpload))
	r.Post("/supplier/listings/{id}/photos/{photoID}/delete", s.h(s.handlePhotoDelete))
	r.Post("/supplier/listings/{id}/photos/{photoID}/cover", s.h(s.handlePhotoCover))
	r.Get("/supplier/listings/bulk", s.h(s.handleBulkForm))
	r.Get("/supplier/listings/bulk.{format:csv|xlsx}", s.h(s.handleBulkDownload))
	r.With(withBodyLimit(maxSheetBody)).Post("/supplier/listings/bulk", s.h(s.handleBulkPreview))
	r.Post("/supplier/listings/bulk/{id}/apply", s.h(s.handleBulkApply))
}

// mySupplier returns the supplier the signed-in user works for.
func mySupplier(r *http.Request) (int64, error) {
	g, ok := auth.UserFrom(r.Context()).Grant(auth.RoleSupplier)
	if !ok || g.SupplierID == 0 {
		return 0, apperr.E(apperr.NotFound, "Akun Anda tidak terhubung dengan usaha mana pun.")
	}
	return g.SupplierID, nil
}

// handleMyListings lists the supplier's listings in every state.
func (s *Server) handleMyListings(w http.ResponseWriter, r *http.Request) error {
	sid, err := mySupplier(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	sp, err := s.suppliers.Supplier(ctx, sid)
	if err != nil {
		return err
	}
	list, err := s.catalog.SupplierListings(ctx, sid)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.MyListingsPage(s.page(r, "Produk saya"), web.MyListingsView{Supplier: sp, Listings: list}))
}

// listingInputFrom reads the listing form.
func listingInputFrom(f web.Form) catalog.ListingInput {
	return catalog.ListingInput{Kind: f.Get("kind"), Title: f.Get("title"), Description: f.Get("description"), CategoryID: f.Get("category_id"),
		Unit: f.Get("unit"), Price: f.Get("price"), MinOrder: f.Get("min_order"), Stock: f.Get("stock"), LeadTimeDays: f.Get("lead_time_days"),
		ServedAll: f.Get("served_scope") != "some", Served: f.Values["served"], Origin: f.Get("origin"), SSHCode: f.Get("ssh_code")}
}

// listingForm builds the form page's data; l is the saved listing when editing.
func (s *Server) listingForm(r *http.Request, f web.Form, l *catalog.Listing) (web.ListingFormView, error) {
	ctx := r.Context()
	v := web.ListingFormView{Form: f, Listing: l}
	var err error
	if v.Categories, err = s.catalog.Categories(ctx); err != nil {
		return v, err
	}
	if v.Kecamatan, err = s.regions.Kecamatan(ctx); err != nil {
		return v, err
	}
	sid, err := mySupplier(r)
	if err != nil {
		return v, err
	}
	sp, err := s.suppliers.Supplier(ctx, sid)
	if err != nil {
		return v, err
	}
	v.CanPublish = sp.Status == supplier.StatusVerified
	if l != nil {
		v.ID, v.Version = l.ID, l.Version
		if l.SSHItemID == 0 {
			if v.Suggestions, err = s.catalog.SSHSuggestions(ctx, l.Title, 3); err != nil {
				return v, err
			}
		}
	}
	return v, nil
}

// handleListingNew shows an empty listing form.
func (s *Server) handleListingNew(w http.ResponseWriter, r *http.Request) error {
	f := web.ListingForm(catalog.ListingInput{Kind: "goods", MinOrder: "1", LeadTimeDays: "1", ServedAll: true, Origin: "national"})
	f.Values.Set("served_scope", "all")
	v, err := s.listingForm(r, f, nil)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.ListingFormPage(s.page(r, "Tambah produk"), v))
}

// handleListingCreate saves a new listing as a draft.
func (s *Server) handleListingCreate(w http.ResponseWriter, r *http.Request) error {
	sid, err := mySupplier(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	l, err := s.catalog.CreateListing(r.Context(), sid, listingInputFrom(f))
	if fe, ok := withErrors(f, err); ok {
		v, verr := s.listingForm(r, fe, nil)
		if verr != nil {
			return verr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, web.ListingFormPage(s.page(r, "Tambah produk"), v))
	}
	if err != nil {
		return err
	}
	s.flash(r, "Draf produk disimpan. Tambahkan foto, lalu tayangkan agar muncul di katalog.")
	return redirect(w, r, "/supplier/listings/"+strconv.FormatInt(l.ID, 10)+"/edit")
}

// editPage renders the edit page of listing id with form f and status.
func (s *Server) editPage(w http.ResponseWriter, r *http.Request, status int, id int64, f web.Form, conflict bool) error {
	l, err := s.catalog.ListingForEdit(r.Context(), id)
	if err != nil {
		return err
	}
	if len(f.Values) == 0 {
		errs := f.Errors
		f = web.ListingForm(catalog.InputFrom(l))
		f.Values.Set("served_scope", map[bool]string{true: "all", false: "some"}[l.ServesAll()])
		for k, v := range errs {
			f.Errors[k] = v
		}
	}
	v, err := s.listingForm(r, f, &l)
	if err != nil {
		return err
	}
	v.Conflict = conflict
	return s.render(w, r, status, web.ListingFormPage(s.page(r, "Ubah produk"), v))
}

// handleListingEdit shows the form of a saved listing with its photos.
func (s *Server) handleListingEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.editPage(w, r, http.StatusOK, id, web.NewForm(), false)
}

// handleListingUpdate saves the form of a listing, unless it changed since
// the form was opened: then the form comes back with the user's input and
// the saved version to compare.
func (s *Server) handleListingUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	version, err := strconv.Atoi(f.Get("version"))
	if err != nil {
		version = -1
	}
	_, err = s.catalog.UpdateListing(r.Context(), id, version, listingInputFrom(f))
	if fe, ok := withErrors(f, err); ok {
		return s.editPage(w, r, http.StatusUnprocessableEntity, id, fe, false)
	}
	if errors.Is(err, catalog.ErrListingChanged) {
		f.Errors["version"] = apperr.Message(err)
		return s.editPage(w, r, http.StatusConflict, id, f, true)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Perubahan disimpan.")
	return redirect(w, r, "/supplier/listings/"+strconv.FormatInt(id, 10)+"/edit")
}

// handleListingDuplicate copies a listing into a new draft.
func (s *Server) handleListingDuplicate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := s.catalog.DuplicateListing(r.Context(), id)
	if err != nil {
		return err
	}
	s.flash(r, "Produk disalin sebagai draf baru (tanpa foto). Ubah yang perlu, lalu tayangkan.")
	return redirect(w, r, "/supplier/listings/"+strconv.FormatInt(l.ID, 10)+"/edit")
}

// listingAction runs a state change and reports its outcome as a flash.
func (s *Server) listingAction(w http.ResponseWriter, r *http.Request, fn func(id int64) error, done string) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	back := "/supplier/listings"
	if r.URL.Query().Get("from") == "edit" {
		back = "/supplier/listings/" + strconv.FormatInt(id, 10) + "/edit"
	}
	if err := fn(id); err != nil {
		if apperr.KindOf(err) == apperr.Conflict || errors.Is(err, catalog.ErrNotVerified) || errors.Is(err, catalog.ErrSupplierSuspended) {
			s.sessions.Put(r.Context(), "flash_error", apperr.Message(err))
			return redirect(w, r, back)
		}
		return err
	}
	s.flash(r, done)
	return redirect(w, r, back)
}

// handleListingPublish puts a listing in the catalog.
func (s *Server) handleListingPublish(w http.ResponseWriter, r *http.Request) error {
	return s.listingAction(w, r, func(id int64) error { return s.catalog.PublishListing(r.Context(), id) },
		"Produk tayang di katalog.")
}

// handleListingHide takes a listing out of the catalog.
func (s *Server) handleListingHide(w http.ResponseWriter, r *http.Request) error {
	return s.listingAction(w, r, func(id int64) error { return s.catalog.HideListing(r.Context(), id) },
		"Produk disembunyikan dari katalog.")
}

// handlePhotoUpload adds the photos of a multipart form (field "photos"),
// one at a time as they arrive, so that a large upload is never held in
// memory whole. The first refused photo stops the upload with its reason.
func (s *Server) handlePhotoUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	fail := func(msg string) error {
		f := web.NewForm()
		f.Errors["photos"] = msg
		return s.editPage(w, r, http.StatusUnprocessableEntity, id, f, false)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return fail("Pilih foto yang akan diunggah.")
	}
	added := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fail(apperr.Message(upload.ErrTooLarge))
		}
		if err != nil {
			return fail("Unggahan terputus atau rusak. Coba unggah lagi.")
		}
		if part.FormName() != "photos" || part.FileName() == "" {
			_ = part.Close()
			continue
		}
		_, err = s.catalog.AddPhoto(ctx, s.photoStore(), id, part)
		_ = part.Close()
		switch {
		case errors.As(err, &tooBig):
			return fail(apperr.Message(upload.ErrTooLarge))
		case apperr.KindOf(err) == apperr.Invalid && apperr.Message(err) != "":
			msg := apperr.Message(err)
			if added > 0 {
				msg = strconv.Itoa(added) + " foto sudah ditambahkan, tetapi berkas “" + upload.Filename(part.FileName(), "foto", "") + "” ditolak: " + msg
			}
			return fail(msg)
		case err != nil:
			return err
		}
		added++
	}
	if added == 0 {
		return fail("Pilih foto yang akan diunggah.")
	}
	s.flash(r, strconv.Itoa(added)+" foto ditambahkan.")
	return redirect(w, r, "/supplier/listings/"+strconv.FormatInt(id, 10)+"/edit#foto")
}

// handlePhotoDelete removes a photo.
func (s *Server) handlePhotoDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "photoID")
	if err != nil {
		return err
	}
	if err := s.catalog.DeletePhoto(r.Context(), s.photoStore(), id, pid); err != nil {
		return err
	}
	s.flash(r, "Foto dihapus.")
	return redirect(w, r, "/supplier/listings/"+strconv.FormatInt(id, 10)+"/edit#foto")
}

// handlePhotoCover makes a photo the first one.
func (s *Server) handlePhotoCover(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(r, "photoID")
	if err != nil {
		return err
	}
	if err := s.catalog.MakeCover(r.Context(), id, pid); err != nil {
		return err
	}
	s.flash(r, "Foto ini sekarang foto utama.")
	return redirect(w, r, "/supplier/listings/"+strconv.FormatInt(id, 10)+"/edit#foto")
}

// handleBulkForm explains the bulk update and takes the edited file.
func (s *Server) handleBulkForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := mySupplier(r); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.BulkPage(s.page(r, "Ubah harga dan stok sekaligus"), web.NewForm(), nil))
}

// handleBulkDownload sends the supplier's listings as CSV or XLSX.
func (s *Server) handleBulkDownload(w http.ResponseWriter, r *http.Request) error {
	sid, err := mySupplier(r)
	if err != nil {
		return err
	}
	rows, err := s.catalog.BulkSheet(r.Context(), sid)
	if err != nil {
		return err
	}
	return writeTable(w, chi.URLParam(r, "format"), "produk-"+strconv.FormatInt(sid, 10), catalog.BulkHeader, rows)
}

// uploadedSheet reads the "file" field of a multipart form.
func uploadedSheet(r *http.Request) (io.ReadCloser, string, error) {
	if err := r.ParseMultipartForm(catalog.MaxSheetSize); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, "", validate.Errors{"file": apperr.Message(catalog.ErrSheetTooLarge)}
		}
		return nil, "", validate.Errors{"file": "Pilih berkas CSV atau XLSX yang akan diunggah."}
	}
	file, head, err := r.FormFile("file")
	if err != nil {
		return nil, "", validate.Errors{"file": "Pilih berkas CSV atau XLSX yang akan diunggah."}
	}
	return file, head.Filename, nil
}

// handleBulkPreview checks an edited file and shows what would change.
func (s *Server) handleBulkPreview(w http.ResponseWriter, r *http.Request) error {
	sid, err := mySupplier(r)
	if err != nil {
		return err
	}
	page := s.page(r, "Ubah harga dan stok sekaligus")
	file, name, err := uploadedSheet(r)
	if f, ok := withErrors(web.NewForm(), err); ok {
		return s.render(w, r, http.StatusUnprocessableEntity, web.BulkPage(page, f, nil))
	}
	if err != nil {
		return err
	}
	defer file.Close()
	p, err := s.catalog.PreviewBulkUpdate(r.Context(), sid, name, file)
	if k := apperr.KindOf(err); k == apperr.Invalid && apperr.Message(err) != "" {
		f := web.NewForm()
		f.Errors["file"] = apperr.Message(err)
		return s.render(w, r, http.StatusUnprocessableEntity, web.BulkPage(page, f, nil))
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.BulkPage(page, web.NewForm(), &p))
}

// handleBulkApply applies a previewed bulk update.
func (s *Server) handleBulkApply(w http.ResponseWriter, r *http.Request) error {
	sid, err := mySupplier(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := s.catalog.ApplyBulkUpdate(r.Context(), sid, id)
	if apperr.KindOf(err) == apperr.Conflict {
		s.sessions.Put(r.Context(), "flash_error", apperr.Message(err))
		return redirect(w, r, "/supplier/listings/bulk")
	}
	if err != nil {
		return err
	}
	s.flash(r, strconv.Itoa(n)+" produk diperbarui. Riwayat harganya tersimpan.")
	return redirect(w, r, "/supplier/listings")
}

package server

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/supplier"
	"lapak/internal/validate"
	"lapak/web"
)

// registerSupplierRoutes adds the supplier pages, for any signed-in user:
// the domain decides who may see or change which supplier.
func (s *Server) registerSupplierRoutes(r chi.Router) {
	r.Get("/supplier", s.h(s.handleMySupplier))
	r.Get("/suppliers/{id}", s.h(s.handleSupplierShow))
	r.Get("/suppliers/{id}/profile", s.h(s.handleSupplierProfileForm))
	r.Post("/suppliers/{id}/profile", s.h(s.handleSupplierProfileUpdate))
	r.Post("/suppliers/{id}/submit", s.h(s.handleSupplierSubmit))
	r.Post("/suppliers/{id}/decision", s.h(s.handleSupplierDecision))
}

// registerSupplierReviewRoutes adds Koperindag's lists of suppliers.
func (s *Server) registerSupplierReviewRoutes(r chi.Router) {
	r.Get("/koperindag/verification", s.h(s.handleVerificationQueue))
	r.Get("/koperindag/suppliers", s.h(s.handleSupplierList))
}

// handleMySupplier sends a supplier's people to their own supplier page.
func (s *Server) handleMySupplier(w http.ResponseWriter, r *http.Request) error {
	g, ok := auth.UserFrom(r.Context()).Grant(auth.RoleSupplier)
	if !ok {
		return apperr.E(apperr.NotFound, "Akun Anda tidak terhubung dengan usaha mana pun.")
	}
	return redirect(w, r, "/suppliers/"+strconv.FormatInt(g.SupplierID, 10))
}

func (s *Server) supplierView(r *http.Request, id int64) (web.SupplierView, error) {
	ctx := r.Context()
	sp, err := s.suppliers.Supplier(ctx, id)
	if err != nil {
		return web.SupplierView{}, err
	}
	missing, err := s.suppliers.Completeness(ctx, id)
	if err != nil {
		return web.SupplierView{}, err
	}
	u := auth.UserFrom(ctx)
	return web.SupplierView{Supplier: sp, Missing: missing, CanEdit: supplier.CanEdit(u, id), CanReview: supplier.CanReview(u)}, nil
}

// handleSupplierShow shows a supplier's profile, status and next steps.
func (s *Server) handleSupplierShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.supplierView(r, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.SupplierPage(s.page(r, v.Supplier.Name), v, web.NewForm()))
}

func profileForm(sp supplier.Supplier) web.Form {
	f := web.NewForm()
	set := f.Values.Set
	set("name", sp.Name)
	set("owner_name", sp.OwnerName)
	set("legal_form", sp.LegalForm)
	set("nib", sp.NIB)
	set("npwp", sp.NPWP)
	if sp.PKP {
		set("pkp", "1")
	}
	if sp.PP55 {
		set("pp55", "1")
	}
	set("scale_basis", sp.ScaleBasis)
	switch {
	case sp.ScaleBasis == "modal" && sp.Capital > 0:
		set("amount", strconv.FormatInt(sp.Capital, 10))
	case sp.ScaleBasis == "penjualan" && sp.AnnualSales > 0:
		set("amount", strconv.FormatInt(sp.AnnualSales, 10))
	}
	set("address", sp.Address)
	set("kecamatan", sp.KecamatanCode)
	set("nagari", sp.NagariCode)
	set("phone", validate.LocalPhone(sp.Phone))
	set("email", sp.Email)
	set("bank_name", sp.BankName)
	set("bank_account_no", sp.BankAccountNo)
	set("bank_account_name", sp.BankAccountName)
	set("products", sp.Products)
	return f
}

// handleSupplierProfileForm shows the guided profile form.
func (s *Server) handleSupplierProfileForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	if !supplier.CanEdit(auth.UserFrom(ctx), id) {
		return apperr.E(apperr.Forbidden, "Anda tidak berhak mengubah profil usaha ini.")
	}
	sp, err := s.suppliers.Supplier(ctx, id)
	if err != nil {
		return err
	}
	kec, err := s.regions.Kecamatan(ctx)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.SupplierProfilePage(s.page(r, "Profil usaha"), id, profileForm(sp), kec))
}

// handleSupplierProfileUpdate saves the profile form.
func (s *Server) handleSupplierProfileUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	in := supplier.Profile{
		Name: f.Get("name"), OwnerName: f.Get("owner_name"), LegalForm: f.Get("legal_form"), NIB: f.Get("nib"), NPWP: f.Get("npwp"),
		PKP: f.Get("pkp") == "1", PP55: f.Get("pp55") == "1", ScaleBasis: f.Get("scale_basis"), Amount: f.Get("amount"),
		Address: f.Get("address"), KecamatanCode: f.Get("kecamatan"), NagariCode: f.Get("nagari"), Phone: f.Get("phone"), Email: f.Get("email"),
		BankName: f.Get("bank_name"), BankAccountNo: f.Get("bank_account_no"), BankAccount: f.Get("bank_account_name"), Products: f.Get("products"),
	}
	ctx := r.Context()
	sp, err := s.suppliers.UpdateProfile(ctx, id, in)
	if f, ok := withErrors(f, err); ok {
		kec, kerr := s.regions.Kecamatan(ctx)
		if kerr != nil {
			return kerr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, web.SupplierProfilePage(s.page(r, "Profil usaha"), id, f, kec))
	}
	if err != nil {
		return err
	}
	msg := "Profil disimpan."
	if sp.Status == supplier.StatusSubmitted {
		msg = "Profil disimpan. Karena data identitas, skala atau rekening berubah, usaha Anda diperiksa ulang oleh Koperindag."
	}
	s.flash(r, msg)
	return redirect(w, r, "/suppliers/"+strconv.FormatInt(id, 10))
}

// handleSupplierSubmit sends a complete profile to the verification queue.
func (s *Server) handleSupplierSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.suppliers.Submit(r.Context(), id); err != nil {
		if apperr.KindOf(err) == apperr.Invalid || apperr.KindOf(err) == apperr.Conflict {
			s.sessions.Put(r.Context(), "flash_error", apperr.Message(err))
			return redirect(w, r, "/suppliers/"+strconv.FormatInt(id, 10))
		}
		return err
	}
	s.flash(r, "Terima kasih. Usaha Anda sudah diajukan; petugas Koperindag akan memeriksanya.")
	return redirect(w, r, "/suppliers/"+strconv.FormatInt(id, 10))
}

// handleSupplierDecision records a reviewer's decision.
func (s *Server) handleSupplierDecision(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	// A missing version cannot match; the domain then reports a conflict
	// (after checking permission).
	version, err := strconv.Atoi(f.Get("version"))
	if err != nil {
		version = -1
	}
	d := supplier.Decision(f.Get("decision"))
	reason := f.Get("reason")
	if d == supplier.DecisionSuspend {
		reason = f.Get("suspend_reason")
	}
	err = s.suppliers.Decide(r.Context(), id, version, d, reason)
	if fe, ok := withErrors(f, err); ok {
		if d == supplier.DecisionSuspend {
			fe.Errors["suspend_reason"] = fe.Errors["reason"]
			delete(fe.Errors, "reason")
		}
		v, verr := s.supplierView(r, id)
		if verr != nil {
			return verr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, web.SupplierPage(s.page(r, v.Supplier.Name), v, fe))
	}
	if k := apperr.KindOf(err); k == apperr.Conflict || (k == apperr.Invalid && apperr.Message(err) != "") {
		s.sessions.Put(r.Context(), "flash_error", apperr.Message(err))
		return redirect(w, r, "/suppliers/"+strconv.FormatInt(id, 10))
	}
	if err != nil {
		return err
	}
	s.flash(r, map[supplier.Decision]string{
		supplier.DecisionVerify:    "Usaha diverifikasi. Pemilik sekarang dapat menerbitkan produk dan menerima pesanan.",
		supplier.DecisionReturn:    "Usaha dikembalikan kepada pemilik dengan alasan yang Anda tulis.",
		supplier.DecisionSuspend:   "Usaha dibekukan.",
		supplier.DecisionReinstate: "Usaha dipulihkan.",
	}[d])
	if d == supplier.DecisionVerify || d == supplier.DecisionReturn {
		return redirect(w, r, "/koperindag/verification")
	}
	return redirect(w, r, "/suppliers/"+strconv.FormatInt(id, 10))
}

func (s *Server) supplierList(w http.ResponseWriter, r *http.Request, queue bool) error {
	q := r.URL.Query()
	f := web.NewForm()
	for _, k := range []string{"q", "kecamatan", "status"} {
		f.Values.Set(k, q.Get(k))
	}
	filter := supplier.Filter{Query: q.Get("q"), KecamatanCode: q.Get("kecamatan"), Status: supplier.Status(q.Get("status")), Limit: 100}
	title := "Usaha"
	if queue {
		filter.Status = supplier.StatusSubmitted
		title = "Antrean verifikasi"
	}
	if page, err := strconv.Atoi(q.Get("page")); err == nil && page > 1 {
		filter.Offset = (page - 1) * filter.Limit
	}
	list, total, err := s.suppliers.Suppliers(r.Context(), filter)
	if err != nil {
		return err
	}
	kec, err := s.regions.Kecamatan(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.SupplierListPage(s.page(r, title), f, list, total, kec, queue))
}

// handleVerificationQueue lists suppliers waiting for verification, oldest first.
func (s *Server) handleVerificationQueue(w http.ResponseWriter, r *http.Request) error {
	return s.supplierList(w, r, true)
}

// handleSupplierList lists all suppliers with filters.
func (s *Server) handleSupplierList(w http.ResponseWriter, r *http.Request) error {
	return s.supplierList(w, r, false)
}

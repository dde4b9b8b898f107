package server

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/opd"
	"lapak/internal/ordering"
	"lapak/internal/rup"
	"lapak/internal/validate"
	"lapak/internal/wib"
	"lapak/web"
)

// registerRUPRoutes adds the RUP package pages. The group around it lets in
// the OPD's officials, admins and auditors; adding, changing and importing
// is for PP, PPK and admins. The domain checks the OPD of each package.
func (s *Server) registerRUPRoutes(r chi.Router) {
	r.Get("/rup", s.h(s.handleRUPList))
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RolePP, auth.RolePPK, auth.RoleAdmin))
		r.Get("/rup/new", s.h(s.handleRUPNew))
		r.Post("/rup", s.h(s.handleRUPCreate))
		r.Get("/rup/import", s.h(s.handleRUPImportForm))
		r.With(withBodyLimit(rup.MaxImportSize+1<<20)).Post("/rup/import", s.h(s.handleRUPImport))
		r.Get("/rup/{id}/edit", s.h(s.handleRUPEdit))
		r.Post("/rup/{id}", s.h(s.handleRUPUpdate))
	})
}

// rupLedger is how the RUP pages learn of live orders.
func (s *Server) rupLedger() rup.Ledger { return ordering.Ledger{} }

func (s *Server) rups() *rup.Service { return rup.NewService(s.db, s.rupLedger()) }

func thisYear() int { return time.Now().In(wib.Location).Year() }

// rupOPDChoices returns every OPD for admins and auditors, who pick one; nil
// for officials, who work in their own.
func (s *Server) rupOPDChoices(r *http.Request) ([]opd.OPD, error) {
	if !auth.UserFrom(r.Context()).Has(auth.RoleAdmin, auth.RoleAuditor) {
		return nil, nil
	}
	return s.opds.OPDs(r.Context(), false)
}

// handleRUPList lists the packages the user may see, with the remaining pagu.
func (s *Server) handleRUPList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := web.NewForm()
	for _, k := range []string{"opd_id", "year", "q"} {
		f.Values.Set(k, strings.TrimSpace(q.Get(k)))
	}
	filter := rup.Filter{Query: f.Get("q")}
	filter.OPDID, _ = strconv.ParseInt(f.Get("opd_id"), 10, 64)
	filter.FiscalYear, _ = strconv.Atoi(f.Get("year"))
	list, err := s.rups().Packages(ctx, filter)
	if err != nil {
		return err
	}
	opds, err := s.rupOPDChoices(r)
	if err != nil {
		return err
	}
	ids, all := rup.EditableOPDs(auth.UserFrom(ctx))
	v := web.RUPListView{Packages: list, Filter: f, OPDs: opds, CanEdit: all || len(ids) > 0, EditAll: all, EditOPDs: ids}
	return s.render(w, r, http.StatusOK, web.RUPListPage(s.page(r, "Paket RUP"), v))
}

// rupChoices returns the form's choices: OPDs for admins adding a package,
// and the PPKs of opdID.
func (s *Server) rupChoices(r *http.Request, opdID int64) (web.RUPFormChoices, error) {
	var c web.RUPFormChoices
	ctx := r.Context()
	if opdID == 0 {
		ids, all := rup.EditableOPDs(auth.UserFrom(ctx))
		if all {
			list, err := s.opds.OPDs(ctx, true)
			return web.RUPFormChoices{OPDs: list}, err
		}
		if len(ids) == 0 {
			return c, nil
		}
		opdID = ids[0]
	}
	o, err := s.opds.OPD(ctx, opdID)
	if err != nil {
		return c, err
	}
	c.OPDName = o.Name
	c.PPKs, err = s.rups().PPKs(ctx, opdID)
	return c, err
}

// handleRUPNew shows an empty package form.
func (s *Server) handleRUPNew(w http.ResponseWriter, r *http.Request) error {
	f := web.NewForm()
	f.Values.Set("fiscal_year", strconv.Itoa(thisYear()))
	f.Values.Set("funding_source", "APBD")
	c, err := s.rupChoices(r, 0)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.RUPFormPage(s.page(r, "Tambah paket RUP"), 0, f, c))
}

func rupInput(f web.Form) rup.Input {
	in := rup.Input{KodeRUP: f.Get("kode_rup"), Name: f.Get("name"), Pagu: f.Get("pagu"), FundingSource: f.Get("funding_source"),
		AccountCode: f.Get("account_code"), FiscalYear: f.Get("fiscal_year"), Active: f.Get("active") == "1"}
	in.OPDID, _ = strconv.ParseInt(f.Get("opd_id"), 10, 64)
	in.PPKUserID, _ = strconv.ParseInt(f.Get("ppk_user_id"), 10, 64)
	return in
}

// handleRUPCreate adds a package.
func (s *Server) handleRUPCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	p, err := s.rups().CreatePackage(r.Context(), rupInput(f))
	if f, ok := withErrors(f, err); ok {
		c, cerr := s.rupChoices(r, 0)
		if cerr != nil {
			return cerr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, web.RUPFormPage(s.page(r, "Tambah paket RUP"), 0, f, c))
	}
	if err != nil {
		return err
	}
	s.flash(r, "Paket RUP "+p.KodeRUP+" ditambahkan.")
	return redirect(w, r, "/rup")
}

// editablePackage loads package id for editing: others' packages are Forbidden.
func (s *Server) editablePackage(r *http.Request, id int64) (rup.Listed, error) {
	p, err := s.rups().Package(r.Context(), id)
	if err != nil {
		return p, err
	}
	if !rup.CanEdit(auth.UserFrom(r.Context()), p.OPDID) {
		return p, apperr.E(apperr.Forbidden, "Anda hanya dapat mengubah paket RUP OPD Anda sendiri.")
	}
	return p, nil
}

// handleRUPEdit shows the form of an existing package.
func (s *Server) handleRUPEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.editablePackage(r, id)
	if err != nil {
		return err
	}
	f := web.NewForm()
	set := f.Values.Set
	set("version", strconv.Itoa(p.Version))
	set("kode_rup", p.KodeRUP)
	set("name", p.Name)
	set("pagu", strconv.FormatInt(p.Pagu, 10))
	set("funding_source", string(p.FundingSource))
	set("account_code", p.AccountCode)
	set("fiscal_year", strconv.Itoa(p.FiscalYear))
	if p.PPKUserID != 0 {
		set("ppk_user_id", strconv.FormatInt(p.PPKUserID, 10))
	}
	if p.Active {
		set("active", "1")
	}
	c, err := s.rupChoices(r, p.OPDID)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.RUPFormPage(s.page(r, "Ubah paket RUP "+p.KodeRUP), id, f, c))
}

// handleRUPUpdate saves a package's changes.
func (s *Server) handleRUPUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	version, _ := strconv.Atoi(f.Get("version"))
	p, err := s.rups().UpdatePackage(r.Context(), id, version, rupInput(f))
	if f, ok := withErrors(f, err); ok {
		old, lerr := s.editablePackage(r, id)
		if lerr != nil {
			return lerr
		}
		c, cerr := s.rupChoices(r, old.OPDID)
		if cerr != nil {
			return cerr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, web.RUPFormPage(s.page(r, "Ubah paket RUP "+old.KodeRUP), id, f, c))
	}
	if err != nil {
		return err
	}
	s.flash(r, "Perubahan paket RUP "+p.KodeRUP+" disimpan.")
	return redirect(w, r, "/rup")
}

// handleRUPImportForm shows the upload form.
func (s *Server) handleRUPImportForm(w http.ResponseWriter, r *http.Request) error {
	f := web.NewForm()
	f.Values.Set("year", strconv.Itoa(thisYear()))
	opds, err := s.rupOPDChoices(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.RUPImportPage(s.page(r, "Impor paket RUP"), f, opds, nil))
}

// handleRUPImport imports an uploaded SiRUP export and shows the report.
func (s *Server) handleRUPImport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := web.NewForm()
	opds, err := s.rupOPDChoices(r)
	if err != nil {
		return err
	}
	fail := func(field, msg string) error {
		f.Errors[field] = msg
		return s.render(w, r, http.StatusUnprocessableEntity, web.RUPImportPage(s.page(r, "Impor paket RUP"), f, opds, nil))
	}
	err = r.ParseMultipartForm(8 << 20)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return fail("file", "Berkas lebih dari 5 MB. Pecah daftar paket menjadi beberapa berkas.")
	case err != nil && !errors.Is(err, http.ErrNotMultipart):
		return fail("file", "Unggahan tidak dapat dibaca. Pilih berkas lagi, lalu kirim ulang.")
	}
	for _, k := range []string{"opd_id", "year"} {
		f.Values.Set(k, strings.TrimSpace(r.FormValue(k)))
	}
	year, err := strconv.Atoi(f.Get("year"))
	if f.Get("year") == "" {
		year = thisYear()
	} else if err != nil || year < 2020 || year > 2100 {
		return fail("year", "Tahun anggaran diisi empat angka, misalnya "+strconv.Itoa(thisYear())+".")
	}
	opdID, _ := strconv.ParseInt(f.Get("opd_id"), 10, 64)
	if ids, all := rup.EditableOPDs(auth.UserFrom(ctx)); !all && opdID == 0 && len(ids) > 0 {
		opdID = ids[0]
	}
	if opdID == 0 {
		return fail("opd_id", "Pilih OPD pemilik paket.")
	}
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 {
		return fail("file", "Pilih berkas ekspor SiRUP (.xlsx atau .csv).")
	}
	file, err := r.MultipartForm.File["file"][0].Open()
	if err != nil {
		return fail("file", "Berkas tidak dapat dibuka. Pilih berkas lagi.")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, rup.MaxImportSize+1))
	if err != nil {
		return fail("file", "Berkas tidak dapat dibaca. Pilih berkas lagi.")
	}
	report, err := s.rups().Import(ctx, opdID, data, year)
	if fields, ok := validate.AsErrors(err); ok {
		for k, v := range fields {
			f.Errors[k] = v
		}
		return s.render(w, r, http.StatusUnprocessableEntity, web.RUPImportPage(s.page(r, "Impor paket RUP"), f, opds, nil))
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.RUPImportPage(s.page(r, "Impor paket RUP"), f, opds, &report))
}

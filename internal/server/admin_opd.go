package server

import (
	"net/http"

	"lapak/internal/opd"
	"lapak/web"
)

// handleOPDList lists every OPD.
func (s *Server) handleOPDList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.opds.OPDs(r.Context(), false)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.OPDListPage(s.page(r, "OPD"), list))
}

// handleOPDNew shows an empty OPD form.
func (s *Server) handleOPDNew(w http.ResponseWriter, r *http.Request) error {
	f := web.NewForm()
	f.Values.Set("kind", "dinas")
	f.Values.Set("active", "1")
	return s.render(w, r, http.StatusOK, web.OPDFormPage(s.page(r, "Tambah OPD"), 0, f))
}

func opdInput(f web.Form) opd.Input {
	return opd.Input{Code: f.Get("code"), Name: f.Get("name"), ShortName: f.Get("short_name"), Kind: f.Get("kind"),
		LetterCode: f.Get("letter_code"), Address: f.Get("address"), Active: f.Get("active") == "1"}
}

// handleOPDCreate adds an OPD.
func (s *Server) handleOPDCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	o, err := s.opds.CreateOPD(r.Context(), opdInput(f))
	if f, ok := withErrors(f, err); ok {
		return s.render(w, r, http.StatusUnprocessableEntity, web.OPDFormPage(s.page(r, "Tambah OPD"), 0, f))
	}
	if err != nil {
		return err
	}
	s.flash(r, "OPD "+o.Name+" ditambahkan.")
	return redirect(w, r, "/admin/opds")
}

// handleOPDEdit shows the form of an existing OPD.
func (s *Server) handleOPDEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := s.opds.OPD(r.Context(), id)
	if err != nil {
		return err
	}
	f := web.NewForm()
	f.Values.Set("code", o.Code)
	f.Values.Set("name", o.Name)
	f.Values.Set("short_name", o.ShortName)
	f.Values.Set("kind", o.Kind)
	f.Values.Set("letter_code", o.LetterCode)
	f.Values.Set("address", o.Address)
	if o.Active {
		f.Values.Set("active", "1")
	}
	return s.render(w, r, http.StatusOK, web.OPDFormPage(s.page(r, "Ubah OPD"), id, f))
}

// handleOPDUpdate saves an OPD's changes.
func (s *Server) handleOPDUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	o, err := s.opds.UpdateOPD(r.Context(), id, opdInput(f))
	if f, ok := withErrors(f, err); ok {
		return s.render(w, r, http.StatusUnprocessableEntity, web.OPDFormPage(s.page(r, "Ubah OPD"), id, f))
	}
	if err != nil {
		return err
	}
	s.flash(r, "Perubahan OPD "+o.Name+" disimpan.")
	return redirect(w, r, "/admin/opds")
}

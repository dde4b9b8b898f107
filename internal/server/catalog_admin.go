package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/catalog"
	"lapak/web"
)

// registerCatalogAdminRoutes adds the admin pages for categories and SSH.
func (s *Server) registerCatalogAdminRoutes(r chi.Router) {
	r.Get("/admin/categories", s.h(s.handleCategoryList))
	r.Get("/admin/categories/new", s.h(s.handleCategoryNew))
	r.Post("/admin/categories", s.h(s.handleCategoryCreate))
	r.Get("/admin/categories/{id}/edit", s.h(s.handleCategoryEdit))
	r.Post("/admin/categories/{id}", s.h(s.handleCategoryUpdate))
	r.Get("/admin/ssh", s.h(s.handleSSHAdmin))
	r.With(withBodyLimit(maxSheetBody)).Post("/admin/ssh/import", s.h(s.handleSSHPreview))
	r.Post("/admin/ssh/import/{id}/apply", s.h(s.handleSSHApply))
}

// handleCategoryList lists the categories for admins.
func (s *Server) handleCategoryList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.catalog.CategoryList(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.CategoryListPage(s.page(r, "Kategori"), list))
}

func (s *Server) categoryForm(w http.ResponseWriter, r *http.Request, status int, id int64, f web.Form) error {
	list, err := s.catalog.Categories(r.Context())
	if err != nil {
		return err
	}
	title := "Tambah kategori"
	if id != 0 {
		title = "Ubah kategori"
	}
	return s.render(w, r, status, web.CategoryFormPage(s.page(r, title), id, f, list))
}

// handleCategoryNew shows an empty category form.
func (s *Server) handleCategoryNew(w http.ResponseWriter, r *http.Request) error {
	if !catalog.CanManageCategories(authUser(r)) {
		return apperr.E(apperr.Forbidden, "")
	}
	f := web.NewForm()
	f.Values.Set("kind", "barang")
	return s.categoryForm(w, r, http.StatusOK, 0, f)
}

func categoryInputFrom(f web.Form) catalog.CategoryInput {
	return catalog.CategoryInput{Code: f.Get("code"), Name: f.Get("name"), Kind: f.Get("kind"), AccountCode: f.Get("account_code"),
		ParentID: f.Get("parent_id"), Position: f.Get("position")}
}

// handleCategoryCreate adds a category.
func (s *Server) handleCategoryCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	_, err := s.catalog.CreateCategory(r.Context(), categoryInputFrom(f))
	if fe, ok := withErrors(f, err); ok {
		return s.categoryForm(w, r, http.StatusUnprocessableEntity, 0, fe)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Kategori ditambahkan.")
	return redirect(w, r, "/admin/categories")
}

// handleCategoryEdit shows a category's form.
func (s *Server) handleCategoryEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.catalog.Category(r.Context(), id)
	if err != nil {
		return err
	}
	f := web.NewForm()
	f.Values.Set("code", c.Code)
	f.Values.Set("name", c.Name)
	f.Values.Set("kind", c.Kind)
	f.Values.Set("account_code", c.AccountCode)
	f.Values.Set("position", strconv.Itoa(c.Position))
	if c.ParentID != 0 {
		f.Values.Set("parent_id", strconv.FormatInt(c.ParentID, 10))
	}
	return s.categoryForm(w, r, http.StatusOK, id, f)
}

// handleCategoryUpdate saves a category.
func (s *Server) handleCategoryUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	_, err = s.catalog.UpdateCategory(r.Context(), id, categoryInputFrom(f))
	if fe, ok := withErrors(f, err); ok {
		return s.categoryForm(w, r, http.StatusUnprocessableEntity, id, fe)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Kategori disimpan.")
	return redirect(w, r, "/admin/categories")
}

// sshAdminPage renders the SSH admin page with an import form and, after an
// upload, its preview.
func (s *Server) sshAdminPage(w http.ResponseWriter, r *http.Request, status int, f web.Form, p *catalog.SSHPreview) error {
	ctx := r.Context()
	q := r.URL.Query().Get("q")
	items, err := s.catalog.SSHItems(ctx, q, 100)
	if err != nil {
		return err
	}
	imports, err := s.catalog.SSHImports(ctx)
	if err != nil {
		return err
	}
	return s.render(w, r, status, web.SSHAdminPage(s.page(r, "SSH"), web.SSHAdminView{Form: f, Query: q, Items: items, Imports: imports, Preview: p}))
}

// handleSSHAdmin shows the SSH list with the import form and history.
func (s *Server) handleSSHAdmin(w http.ResponseWriter, r *http.Request) error {
	if !catalog.CanManageSSH(authUser(r)) {
		return apperr.E(apperr.Forbidden, "")
	}
	f := web.NewForm()
	f.Values.Set("year", strconv.Itoa(time.Now().Year()))
	return s.sshAdminPage(w, r, http.StatusOK, f, nil)
}

// handleSSHPreview checks an uploaded SSH file and shows what it would do.
func (s *Server) handleSSHPreview(w http.ResponseWriter, r *http.Request) error {
	file, name, err := uploadedSheet(r)
	f := web.NewForm()
	if r.MultipartForm != nil {
		for k, v := range r.MultipartForm.Value {
			f.Values[k] = v
		}
	}
	if fe, ok := withErrors(f, err); ok {
		return s.sshAdminPage(w, r, http.StatusUnprocessableEntity, fe, nil)
	}
	if err != nil {
		return err
	}
	defer file.Close()
	p, err := s.catalog.PreviewSSHImport(r.Context(), name, file, catalog.SSHDefaults{Year: f.Get("year"), LegalBasis: f.Get("legal_basis")})
	if k := apperr.KindOf(err); k == apperr.Invalid && apperr.Message(err) != "" {
		f.Errors["file"] = apperr.Message(err)
		return s.sshAdminPage(w, r, http.StatusUnprocessableEntity, f, nil)
	}
	if err != nil {
		return err
	}
	return s.sshAdminPage(w, r, http.StatusOK, f, &p)
}

// handleSSHApply imports the valid rows of a previewed SSH file.
func (s *Server) handleSSHApply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := s.catalog.ApplySSHImport(r.Context(), id)
	if apperr.KindOf(err) == apperr.Conflict {
		s.sessions.Put(r.Context(), "flash_error", apperr.Message(err))
		return redirect(w, r, "/admin/ssh")
	}
	if err != nil {
		return err
	}
	s.flash(r, "SSH diimpor: "+strconv.Itoa(res.Created)+" item baru, "+strconv.Itoa(res.Updated)+" item diperbarui, "+
		strconv.Itoa(res.ListingsRechecked)+" produk mengikuti batas harga baru.")
	return redirect(w, r, "/admin/ssh")
}

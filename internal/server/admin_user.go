package server

import (
	"net/http"
	"strconv"
	"strings"

	"lapak/internal/auth"
	"lapak/web"
)

// userBase is the URL prefix of account pages in the section being used.
func userBase(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/koperindag/") {
		return "/koperindag/users/"
	}
	return "/admin/users/"
}

// handleUserList lists accounts for admins.
func (s *Server) handleUserList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := web.NewForm()
	f.Values.Set("q", q.Get("q"))
	f.Values.Set("role", q.Get("role"))
	list, total, err := s.auth.Users(r.Context(), auth.UserFilter{Query: q.Get("q"), Role: auth.Role(q.Get("role")), Limit: 100})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.UserListPage(s.page(r, "Pengguna"), f, list, total))
}

// handleSupplierAccountList lists supplier accounts for Koperindag staff.
func (s *Server) handleSupplierAccountList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := web.NewForm()
	f.Values.Set("q", q.Get("q"))
	list, total, err := s.auth.Users(r.Context(), auth.UserFilter{Query: q.Get("q"), Role: auth.RoleSupplier, Limit: 100})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.SupplierAccountsPage(s.page(r, "Akun penyedia"), f, list, total))
}

func (s *Server) userChoices(r *http.Request) (web.UserFormChoices, error) {
	opds, err := s.opds.OPDs(r.Context(), true)
	if err != nil {
		return web.UserFormChoices{}, err
	}
	sups, err := s.suppliers.Choices(r.Context(), 500)
	return web.UserFormChoices{OPDs: opds, Suppliers: sups}, err
}

// handleUserNew shows an empty account form.
func (s *Server) handleUserNew(w http.ResponseWriter, r *http.Request) error {
	c, err := s.userChoices(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.UserFormPage(s.page(r, "Tambah pengguna"), 0, web.NewForm(), c))
}

func userInput(f web.Form, password string) auth.UserInput {
	in := auth.UserInput{Name: f.Get("name"), Email: f.Get("email"), Phone: f.Get("phone"), NIP: f.Get("nip"), Password: password}
	opdID, _ := strconv.ParseInt(f.Get("opd_id"), 10, 64)
	supplierID, _ := strconv.ParseInt(f.Get("supplier_id"), 10, 64)
	for _, r := range f.Values["role"] {
		g := auth.Grant{Role: auth.Role(r)}
		if g.Role.NeedsOPD() {
			g.OPDID = opdID
		}
		if g.Role == auth.RoleSupplier {
			g.SupplierID = supplierID
		}
		in.Grants = append(in.Grants, g)
	}
	return in
}

// handleUserCreate adds an account.
func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	u, err := s.auth.CreateUser(r.Context(), userInput(f, r.PostForm.Get("password")))
	if f, ok := withErrors(f, err); ok {
		c, cerr := s.userChoices(r)
		if cerr != nil {
			return cerr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, web.UserFormPage(s.page(r, "Tambah pengguna"), 0, f, c))
	}
	if err != nil {
		return err
	}
	s.flash(r, "Akun "+u.Name+" dibuat. Sampaikan kata sandi sementaranya; pengguna wajib menggantinya saat pertama masuk.")
	return redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10))
}

// handleUserShow shows one account.
func (s *Server) handleUserShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.auth.User(r.Context(), id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.UserShowPage(s.page(r, u.Name), u, web.NewForm(), userBase(r), "", ""))
}

// handleUserEdit shows the form of an existing account.
func (s *Server) handleUserEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.auth.User(r.Context(), id)
	if err != nil {
		return err
	}
	c, err := s.userChoices(r)
	if err != nil {
		return err
	}
	f := web.NewForm()
	f.Values.Set("name", u.Name)
	f.Values.Set("email", u.Email)
	f.Values.Set("phone", u.Phone)
	f.Values.Set("nip", u.NIP)
	for _, g := range u.Grants {
		f.Values.Add("role", string(g.Role))
		if g.OPDID != 0 {
			f.Values.Set("opd_id", strconv.FormatInt(g.OPDID, 10))
		}
		if g.SupplierID != 0 {
			f.Values.Set("supplier_id", strconv.FormatInt(g.SupplierID, 10))
		}
	}
	return s.render(w, r, http.StatusOK, web.UserFormPage(s.page(r, "Ubah pengguna"), id, f, c))
}

// handleUserUpdate saves an account's changes.
func (s *Server) handleUserUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	u, err := s.auth.UpdateUser(r.Context(), id, userInput(f, ""))
	if f, ok := withErrors(f, err); ok {
		c, cerr := s.userChoices(r)
		if cerr != nil {
			return cerr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, web.UserFormPage(s.page(r, "Ubah pengguna"), id, f, c))
	}
	if err != nil {
		return err
	}
	s.flash(r, "Perubahan akun "+u.Name+" disimpan.")
	return redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10))
}

// handleUserDisable disables an account with a reason.
func (s *Server) handleUserDisable(w http.ResponseWriter, r *http.Request) error {
	return s.setDisabled(w, r, true)
}

// handleUserEnable re-enables an account.
func (s *Server) handleUserEnable(w http.ResponseWriter, r *http.Request) error {
	return s.setDisabled(w, r, false)
}

func (s *Server) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	err = s.auth.SetDisabled(r.Context(), id, disabled, f.Get("reason"))
	if f, ok := withErrors(f, err); ok {
		u, uerr := s.auth.User(r.Context(), id)
		if uerr != nil {
			return uerr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, web.UserShowPage(s.page(r, u.Name), u, f, userBase(r), "", ""))
	}
	if err != nil {
		return err
	}
	if disabled {
		s.flash(r, "Akun dinonaktifkan. Sesi yang masih terbuka sudah diakhiri.")
	} else {
		s.flash(r, "Akun diaktifkan kembali.")
	}
	return redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10))
}

// handleUserResetCode issues a reset code and shows it once.
func (s *Server) handleUserResetCode(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	code, expires, err := s.auth.IssueResetCode(r.Context(), id)
	if err != nil {
		return err
	}
	u, err := s.auth.User(r.Context(), id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.UserShowPage(s.page(r, u.Name), u, web.NewForm(), userBase(r), code, wibDateTime(expires)))
}

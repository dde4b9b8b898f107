package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/web"
)

// handleHome shows the public front page.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, web.HomePage(s.page(r, "Beranda")))
}

// handleLoginForm shows the sign-in form.
func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	if auth.UserFrom(r.Context()) != nil {
		return redirect(w, r, "/dashboard")
	}
	f := web.NewForm()
	f.Values.Set("next", safeNext(r.URL.Query().Get("next"), ""))
	return s.render(w, r, http.StatusOK, web.LoginPage(s.page(r, "Masuk"), f, ""))
}

// handleLogin signs a user in and starts a fresh session.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	login, password := f.Get("login"), r.PostForm.Get("password")
	if len(login) > 254 || len(password) > 200 {
		f.Errors["login"] = "Isian terlalu panjang."
		return s.render(w, r, http.StatusUnprocessableEntity, web.LoginPage(s.page(r, "Masuk"), f, ""))
	}
	u, err := s.auth.Login(r.Context(), auth.Credentials{Login: login, Password: password, IP: clientIP(r)})
	if f, ok := withErrors(f, err); ok {
		return s.render(w, r, http.StatusUnprocessableEntity, web.LoginPage(s.page(r, "Masuk"), f, ""))
	}
	if err != nil {
		status := http.StatusUnprocessableEntity
		switch apperr.KindOf(err) {
		case apperr.Unauthenticated:
		case apperr.TooMany:
			status = http.StatusTooManyRequests
		case apperr.Forbidden:
			status = http.StatusForbidden
		default:
			return err
		}
		return s.render(w, r, status, web.LoginPage(s.page(r, "Masuk"), f, apperr.Message(err)))
	}
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, "user_id", u.ID)
	s.sessions.Put(ctx, "session_version", u.SessionVersion)
	if u.MustChangePassword {
		s.flash(r, "Selamat datang. Buat kata sandi baru Anda sebelum melanjutkan.")
		return redirect(w, r, "/account")
	}
	s.flash(r, "Selamat datang, "+u.Name+".")
	return redirect(w, r, safeNext(f.Get("next"), "/dashboard"))
}

// handleLogout ends the session.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	s.flash(r, "Anda sudah keluar.")
	return redirect(w, r, "/")
}

// handleForgotForm asks for the e-mail to send a reset link to.
func (s *Server) handleForgotForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, web.ForgotPage(s.page(r, "Lupa kata sandi"), web.NewForm(), false))
}

// handleForgot sends a reset link when the e-mail has an account; the answer
// is the same either way.
func (s *Server) handleForgot(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	err := s.auth.RequestPasswordReset(r.Context(), f.Get("email"))
	if f, ok := withErrors(f, err); ok {
		return s.render(w, r, http.StatusUnprocessableEntity, web.ForgotPage(s.page(r, "Lupa kata sandi"), f, false))
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.ForgotPage(s.page(r, "Lupa kata sandi"), web.NewForm(), true))
}

// handleResetForm shows the new-password form of a reset link.
func (s *Server) handleResetForm(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	if err := s.auth.CheckResetLink(r.Context(), token); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.ResetPage(s.page(r, "Buat kata sandi baru"), web.NewForm(), token))
}

// handleReset sets a new password with a reset link.
func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	token := chi.URLParam(r, "token")
	f := formFrom(r)
	err := s.auth.ResetPassword(r.Context(), token, r.PostForm.Get("password"), r.PostForm.Get("confirm"))
	if f, ok := withErrors(f, err); ok {
		return s.render(w, r, http.StatusUnprocessableEntity, web.ResetPage(s.page(r, "Buat kata sandi baru"), f, token))
	}
	if err != nil {
		return err
	}
	s.flash(r, "Kata sandi baru tersimpan. Silakan masuk.")
	return redirect(w, r, "/login")
}

// handleCodeResetForm shows the form for a reset code from staff.
func (s *Server) handleCodeResetForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, web.CodeResetPage(s.page(r, "Pakai kode reset"), web.NewForm()))
}

// handleCodeReset sets a new password with a reset code.
func (s *Server) handleCodeReset(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	err := s.auth.ResetPasswordWithCode(r.Context(), auth.CodeReset{
		Login: f.Get("login"), Code: strings.TrimSpace(f.Get("code")),
		Password: r.PostForm.Get("password"), Confirm: r.PostForm.Get("confirm"), IP: clientIP(r)})
	if f, ok := withErrors(f, err); ok {
		return s.render(w, r, http.StatusUnprocessableEntity, web.CodeResetPage(s.page(r, "Pakai kode reset"), f))
	}
	if errors.Is(err, apperr.TooMany) {
		f.Errors["code"] = apperr.Message(err)
		return s.render(w, r, http.StatusTooManyRequests, web.CodeResetPage(s.page(r, "Pakai kode reset"), f))
	}
	if err != nil {
		return err
	}
	s.flash(r, "Kata sandi baru tersimpan. Silakan masuk.")
	return redirect(w, r, "/login")
}

// handleAccount shows the signed-in user's account.
func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, web.AccountPage(s.page(r, "Akun saya"), web.NewForm()))
}

// handlePasswordChange changes the signed-in user's password and keeps this
// session (with a new token) while ending the others.
func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	err := s.auth.ChangePassword(ctx, r.PostForm.Get("current"), r.PostForm.Get("password"), r.PostForm.Get("confirm"))
	if f, ok := withErrors(web.NewForm(), err); ok {
		return s.render(w, r, http.StatusUnprocessableEntity, web.AccountPage(s.page(r, "Akun saya"), f))
	}
	if err != nil {
		return err
	}
	u := auth.UserFrom(ctx)
	fresh, err := s.auth.User(ctx, u.ID)
	if err != nil {
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, "session_version", fresh.SessionVersion)
	s.flash(r, "Kata sandi Anda sudah diganti.")
	return redirect(w, r, "/dashboard")
}

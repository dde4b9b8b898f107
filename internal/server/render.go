package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/postgres"
	"lapak/internal/validate"
	"lapak/web"
)

// handlerFunc is a handler that returns its error for serveError to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// h adapts a handlerFunc to http.HandlerFunc.
func (s *Server) h(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.serveError(w, r, err)
		}
	}
}

// render writes a component with status, buffered so that a failed render
// never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return fmt.Errorf("server: render: %w", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

type sessionLoadedKey struct{}

// page builds the data every page shares, taking the pending flash message.
func (s *Server) page(r *http.Request, title string) web.Page {
	p := web.Page{Title: title, User: auth.UserFrom(r.Context()), Path: r.URL.Path, RequestID: requestIDFrom(r.Context())}
	if p.User != nil && p.User.System {
		p.User = nil
	}
	if r.Context().Value(sessionLoadedKey{}) != nil {
		p.Flash = s.sessions.PopString(r.Context(), "flash")
		if p.Flash == "" {
			p.Flash = s.sessions.PopString(r.Context(), "flash_error")
			p.FlashErr = p.Flash != ""
		}
	}
	return p
}

// flash shows msg on the next page the user sees.
func (s *Server) flash(r *http.Request, msg string) {
	s.sessions.Put(r.Context(), "flash", msg)
}

// redirect sends a 303 See Other, the answer to a successful POST.
func redirect(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// parseForm reads a form body; an over-large body is a user error, not a 500.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return apperr.E(apperr.Invalid, "Isian terlalu besar untuk dikirim. Periksa kembali isian Anda.")
		}
		return apperr.Wrap(apperr.Invalid, "Isian tidak dapat dibaca. Muat ulang halaman lalu coba lagi.", err)
	}
	return nil
}

// formFrom returns a web.Form with the request's posted values.
func formFrom(r *http.Request) web.Form {
	f := web.NewForm()
	for k, v := range r.PostForm {
		f.Values[k] = v
	}
	return f
}

// withErrors adds err's field errors to f; ok is false when err has none.
func withErrors(f web.Form, err error) (web.Form, bool) {
	fields, ok := validate.AsErrors(err)
	if !ok {
		return f, false
	}
	for k, v := range fields {
		f.Errors[k] = v
	}
	return f, true
}

// pathID reads a positive integer URL parameter; anything else is a 404.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.E(apperr.NotFound, "Halaman tidak ditemukan.")
	}
	return id, nil
}

// safeNext returns next when it is a path on this site, else fallback.
func safeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return fallback
	}
	return next
}

// serveError is the one place that turns an error into a page: kind to
// status, a safe message, and a log line for internal errors only.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		return // the client went away
	}
	kind := apperr.KindOf(err)
	if kind == nil && postgres.IsUnavailable(err) {
		kind = apperr.Unavailable
	}
	msg := apperr.Message(err)
	status, title := http.StatusInternalServerError, "Terjadi kesalahan"
	switch kind {
	case apperr.NotFound:
		status, title = http.StatusNotFound, "Halaman tidak ditemukan"
		if msg == "" {
			msg = "Halaman atau data yang Anda cari tidak ada. Mungkin sudah dipindahkan atau dihapus."
		}
	case apperr.Forbidden:
		status, title = http.StatusForbidden, "Akses ditolak"
		if msg == "" {
			msg = "Anda tidak berhak membuka halaman ini dengan peran Anda sekarang."
		}
	case apperr.Unauthenticated:
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		status, title = http.StatusUnauthorized, "Silakan masuk"
		if msg == "" {
			msg = "Sesi Anda telah berakhir. Silakan masuk lagi, lalu ulangi langkah Anda."
		}
	case apperr.Invalid:
		status, title = http.StatusBadRequest, "Isian tidak dapat diproses"
		if fields, ok := validate.AsErrors(err); ok && msg == "" {
			msg = strings.Join(sortedValues(fields), " ")
		}
		if msg == "" {
			msg = "Isian tidak dapat diproses. Periksa kembali lalu coba lagi."
		}
	case apperr.Conflict:
		status, title = http.StatusConflict, "Data sudah berubah"
		if msg == "" {
			msg = "Data ini sudah diubah atau sudah ada. Muat ulang halaman lalu periksa kembali."
		}
	case apperr.TooMany:
		status, title = http.StatusTooManyRequests, "Terlalu banyak percobaan"
		if msg == "" {
			msg = "Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi."
		}
	case apperr.Unavailable:
		status, title = http.StatusServiceUnavailable, "Layanan sedang terganggu"
		msg = "Lapak tidak dapat menghubungi basis datanya saat ini. Tidak ada data Anda yang hilang; coba lagi dalam beberapa menit."
		w.Header().Set("Retry-After", "30")
		s.log.Warn("database unavailable", "request_id", requestIDFrom(r.Context()), "path", r.URL.Path, "err", err)
	default:
		if _, ok := validate.AsErrors(err); ok {
			status, title = http.StatusUnprocessableEntity, "Isian belum benar"
			fields, _ := validate.AsErrors(err)
			msg = strings.Join(sortedValues(fields), " ")
			break
		}
		msg = "Terjadi kesalahan di sistem kami. Kejadian ini sudah dicatat; silakan coba lagi nanti."
		var uid int64
		if u := auth.UserFrom(r.Context()); u != nil {
			uid = u.ID
		}
		s.log.Error("internal error", "request_id", requestIDFrom(r.Context()), "method", r.Method, "path", r.URL.Path, "user_id", uid, "err", err)
	}
	p := s.page(r, title)
	if status == http.StatusServiceUnavailable {
		p.Flash = ""
	}
	if rerr := s.render(w, r, status, web.ErrorPage(p, status, msg)); rerr != nil {
		http.Error(w, msg, status)
	}
}

func sortedValues(m validate.Errors) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys {
		for j := i + 1; j < len(keys); j++ {
			if keys[j] < keys[i] {
				keys[i], keys[j] = keys[j], keys[i]
			}
		}
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

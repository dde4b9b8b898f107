package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
)

type requestIDKey struct{}

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an id, recovers panics, logs and measures it.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.serveError(sw, r, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
			}
			route := "unmatched"
			if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
				route = rc.RoutePattern()
			}
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			d := time.Since(start)
			s.httpReqs.With(r.Method, route, strconv.Itoa(sw.status)).Inc()
			s.httpDur.With(route).Observe(d.Seconds())
			var uid int64
			if u := auth.UserFrom(r.Context()); u != nil {
				uid = u.ID
			}
			s.log.Info("request", "request_id", id, "method", r.Method, "path", r.URL.Path, "status", sw.status,
				"duration_ms", float64(d.Microseconds())/1000, "user_id", uid)
		}()
		next.ServeHTTP(sw, r)
	})
}

// contentSecurityPolicy allows our own files only: no inline script or style.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// securityHeaders sets strict headers on every response.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "geolocation=(), microphone=(), payment=(), usb=()")
		h.Set("Cache-Control", "no-store")
		if s.cfg.Secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses state-changing requests sent by browsers from other sites.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	_ = cop.AddTrustedOrigin(s.cfg.BaseURL)
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serveError(w, r, apperr.E(apperr.Forbidden, "Permintaan ini datang dari situs lain dan ditolak demi keamanan. Buka Lapak langsung, lalu ulangi."))
	}))
	return cop.Handler(next)
}

// rawBodyKey holds the request body before limitBody capped it, so that
// withBodyLimit can give one route a larger cap.
type rawBodyKey struct{}

// limitBody caps form bodies at 1 MiB.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(context.WithValue(r.Context(), rawBodyKey{}, r.Body))
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		next.ServeHTTP(w, r)
	})
}

// clientIP is the address the request came from (no proxy headers trusted).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loadUser puts the signed-in user, if any, in the request context.
func (s *Server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), sessionLoadedKey{}, true)
		r = r.WithContext(ctx)
		id := s.sessions.GetInt64(ctx, "user_id")
		if id != 0 {
			u, err := s.auth.SessionUser(ctx, id, s.sessions.GetInt(ctx, "session_version"))
			switch {
			case errors.Is(err, apperr.Unauthenticated):
				_ = s.sessions.RenewToken(ctx)
				s.sessions.Remove(ctx, "user_id")
				s.sessions.Remove(ctx, "session_version")
				if msg := apperr.Message(err); msg != "" {
					s.sessions.Remove(ctx, "flash")
					s.sessions.Put(ctx, "flash_error", msg)
				}
			case err != nil:
				s.serveError(w, r, err)
				return
			default:
				r = r.WithContext(auth.WithUser(ctx, u, clientIP(r)))
			}
		} else {
			r = r.WithContext(audit.WithActor(ctx, audit.Actor{Name: "pengunjung", IP: clientIP(r)}))
		}
		next.ServeHTTP(w, r)
	})
}

// requireUser sends visitors to the sign-in page, and users with a temporary
// password to the page where they change it.
func (s *Server) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := auth.UserFrom(r.Context())
		if u == nil {
			s.serveError(w, r, apperr.E(apperr.Unauthenticated, ""))
			return
		}
		if u.MustChangePassword && r.URL.Path != "/account" && r.URL.Path != "/account/password" {
			http.Redirect(w, r, "/account", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireRole lets through users holding any of roles; others get 403.
// The domain checks again: this only keeps the routes honest.
func (s *Server) requireRole(roles ...auth.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !auth.UserFrom(r.Context()).Has(roles...) {
				s.serveError(w, r, apperr.E(apperr.Forbidden, ""))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/web"
)

// Handler returns the HTTP handler with every route. Groups follow the
// middleware stacks: public files and probes; pages with a session; pages for
// signed-in users; pages for a role. The route × role test in
// routes_test.go lists every route here and who may open it.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.observe, s.securityHeaders, middleware.GetHead, s.compress)

	// Public, no session.
	r.Get("/healthz", s.handleHealth)
	r.Get("/readyz", s.handleReady)
	r.Get("/metrics", s.metrics.Handler().ServeHTTP)
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, web.Asset("favicon.svg"), http.StatusMovedPermanently)
	})
	r.Get("/static/*", web.StaticHandler().ServeHTTP)
	s.registerOpenDataRoutes(r)

	withSession := func(h http.Handler) http.Handler {
		return s.crossOrigin(s.sessions.LoadAndSave(s.loadUser(limitBody(h))))
	}
	r.NotFound(withSession(s.h(func(w http.ResponseWriter, r *http.Request) error {
		return apperr.E(apperr.NotFound, "")
	})).ServeHTTP)
	r.MethodNotAllowed(withSession(s.h(func(w http.ResponseWriter, r *http.Request) error {
		return apperr.E(apperr.NotFound, "")
	})).ServeHTTP)

	r.Group(func(r chi.Router) {
		r.Use(s.crossOrigin, s.sessions.LoadAndSave, s.loadUser, limitBody)

		r.Get("/", s.h(s.handleHome))
		r.Get("/login", s.h(s.handleLoginForm))
		r.Post("/login", s.h(s.handleLogin))
		r.Post("/logout", s.h(s.handleLogout))
		r.Get("/password/forgot", s.h(s.handleForgotForm))
		r.Post("/password/forgot", s.h(s.handleForgot))
		r.Get("/password/reset/{token}", s.h(s.handleResetForm))
		r.Post("/password/reset/{token}", s.h(s.handleReset))
		r.Get("/password/code", s.h(s.handleCodeResetForm))
		r.Post("/password/code", s.h(s.handleCodeReset))
		s.registerCatalogRoutes(r)
		s.registerTransparencyRoutes(r)
		r.Get("/activate", s.h(s.handleActivateForm))
		r.Post("/activate", s.h(s.handleActivate))
		r.Get("/register", s.h(s.handleRegisterForm))
		r.Post("/register", s.h(s.handleRegister))

		r.Group(func(r chi.Router) {
			r.Use(s.requireUser)
			r.Get("/dashboard", s.h(s.handleDashboard))
			r.Get("/account", s.h(s.handleAccount))
			r.Post("/account/password", s.h(s.handlePasswordChange))
			s.registerSupplierRoutes(r)
			s.registerCatalogMemberRoutes(r)
			s.registerDocumentRoutes(r)
			s.registerRegistryRoutes(r)
			s.registerOrderingRoutes(r)
			s.registerFlagRoutes(r)
			s.registerReportRoutes(r)
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(auth.RoleKoperindag, auth.RoleAdmin))
				s.registerSupplierReviewRoutes(r)
			})
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(auth.RoleKoperindag, auth.RoleAdmin))
				s.registerInvitationRoutes(r)
			})
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(auth.RoleKoperindag, auth.RoleAdmin, auth.RoleAuditor))
				s.registerOnboardingRoutes(r)
			})

			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(auth.RoleAdmin))
				s.registerAdminRoutes(r)
			})
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(auth.RoleKoperindag))
				r.Get("/koperindag/users", s.h(s.handleSupplierAccountList))
				r.Get("/koperindag/users/{id}", s.h(s.handleUserShow))
				r.Post("/koperindag/users/{id}/reset-code", s.h(s.handleUserResetCode))
			})
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(auth.RoleAuditor, auth.RoleAdmin))
				r.Get("/audit", s.h(s.handleAuditList))
				r.Get("/audit.{format:csv|xlsx}", s.h(s.handleAuditExport))
			})
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(auth.RolePP, auth.RolePPK, auth.RoleTreasurer, auth.RoleAdmin, auth.RoleAuditor))
				s.registerRUPRoutes(r)
			})
			r.Group(func(r chi.Router) {
				r.Use(s.requireRole(auth.RoleAdmin, auth.RoleAuditor))
				s.registerRuleRoutes(r)
			})
		})
	})
	return r
}

func (s *Server) registerAdminRoutes(r chi.Router) {
	r.Get("/admin/opds", s.h(s.handleOPDList))
	r.Get("/admin/opds/new", s.h(s.handleOPDNew))
	r.Post("/admin/opds", s.h(s.handleOPDCreate))
	r.Get("/admin/opds/{id}/edit", s.h(s.handleOPDEdit))
	r.Post("/admin/opds/{id}", s.h(s.handleOPDUpdate))

	r.Get("/admin/users", s.h(s.handleUserList))
	r.Get("/admin/users/new", s.h(s.handleUserNew))
	r.Post("/admin/users", s.h(s.handleUserCreate))
	r.Get("/admin/users/{id}", s.h(s.handleUserShow))
	r.Get("/admin/users/{id}/edit", s.h(s.handleUserEdit))
	r.Post("/admin/users/{id}", s.h(s.handleUserUpdate))
	r.Post("/admin/users/{id}/disable", s.h(s.handleUserDisable))
	r.Post("/admin/users/{id}/enable", s.h(s.handleUserEnable))
	r.Post("/admin/users/{id}/reset-code", s.h(s.handleUserResetCode))

	r.Get("/admin/outbox", s.h(s.handleOutbox))
}

package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"lapak/web"
)

// notificationLimit is how many notifications the page lists.
const notificationLimit = 100

// registerNotificationRoutes adds the signed-in user's notifications.
func (s *Server) registerNotificationRoutes(r chi.Router) {
	r.Get("/notifications", s.h(s.handleNotificationList))
	r.Post("/notifications/read", s.h(s.handleNotificationsRead))
}

// handleNotificationList lists the user's notifications, newest first.
func (s *Server) handleNotificationList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.notes.List(r.Context(), notificationLimit)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.NotificationsPage(s.page(r, "Notifikasi"), list))
}

// handleNotificationsRead marks every notification of the user read.
func (s *Server) handleNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	if err := s.notes.MarkAllRead(r.Context()); err != nil {
		return err
	}
	s.flash(r, "Semua notifikasi ditandai sudah dibaca.")
	return redirect(w, r, "/notifications")
}

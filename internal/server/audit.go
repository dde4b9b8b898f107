package server

import (
	"net/http"
	"strconv"
	"time"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/mail"
	"lapak/internal/wib"
	"lapak/web"
)

func wibDateTime(t time.Time) string { return wib.DateTime(t) }

// handleAuditList lets auditors and admins browse the audit trail and see
// whether its hash chain holds.
func (s *Server) handleAuditList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := web.NewForm()
	for _, k := range []string{"actor", "entity", "action", "from", "to"} {
		f.Values.Set(k, q.Get(k))
	}
	filter := audit.Filter{Actor: q.Get("actor"), Entity: q.Get("entity"), Action: q.Get("action"), Limit: 50}
	if v := q.Get("from"); v != "" {
		t, err := wib.ParseDate(v)
		if err != nil {
			f.Errors["from"] = "Tanggal awal tidak valid."
		}
		filter.From = t
	}
	if v := q.Get("to"); v != "" {
		t, err := wib.ParseDate(v)
		if err != nil {
			f.Errors["to"] = "Tanggal akhir tidak valid."
		}
		filter.To = t.AddDate(0, 0, 1)
	}
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return apperr.E(apperr.Invalid, "Halaman jejak audit tidak valid.")
		}
		filter.BeforeID = n
	}
	status := http.StatusOK
	var list []audit.Listed
	if f.Invalid() {
		status = http.StatusUnprocessableEntity
	} else {
		var err error
		if list, err = audit.Entries(r.Context(), s.db, filter); err != nil {
			return err
		}
	}
	chain, err := audit.Verify(r.Context(), s.db)
	if err != nil {
		return err
	}
	var next int64
	if len(list) == filter.Limit {
		next = list[len(list)-1].ID
	}
	return s.render(w, r, status, web.AuditPage(s.page(r, "Jejak audit"), f, list, chain, next))
}

// handleOutbox lists outgoing e-mail for admins.
func (s *Server) handleOutbox(w http.ResponseWriter, r *http.Request) error {
	list, err := mail.Outbox(r.Context(), s.db, 100)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.OutboxPage(s.page(r, "Kotak keluar e-mail"), list))
}

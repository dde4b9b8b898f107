package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/ordering"
	"lapak/internal/reporting"
	"lapak/internal/validate"
	"lapak/internal/wib"
	"lapak/web"
)

// flagPageLimit is how many flagged orders a page shows; exports have all.
const flagPageLimit = 500

// registerFlagRoutes adds the red flags: auditors and admins read them and
// download them; only auditors record reviews.
func (s *Server) registerFlagRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RoleAuditor, auth.RoleAdmin))
		r.Get("/flags", s.h(s.handleFlagList))
		r.Get("/flags/{kind}", s.h(s.handleFlagShow))
		r.Get("/flags/{kind}/export.{format:csv|xlsx}", s.h(s.handleFlagExport))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RoleAuditor))
		r.Post("/flags/{kind}/{id}/review", s.h(s.handleFlagReview))
	})
}

// flagFilter reads the period and review state from v. The form carries the
// values back, with the default period filled in, and any errors.
func flagFilter(v url.Values) (reporting.FlagFilter, web.Form) {
	f := web.NewForm()
	for _, k := range []string{"from", "to", "review"} {
		f.Values.Set(k, strings.TrimSpace(v.Get(k)))
	}
	filter, err := reporting.ParseFlagFilter(f.Get("from"), f.Get("to"), f.Get("review"), time.Now())
	if f, ok := withErrors(f, err); ok {
		return filter, f
	}
	f.Values.Set("from", wib.ISODate(filter.From))
	f.Values.Set("to", wib.ISODate(filter.LastDay()))
	return filter, f
}

// flagKind reads the {kind} of the URL; an unknown kind is a 404.
func flagKind(r *http.Request) (reporting.FlagInfo, error) {
	info, ok := reporting.FlagKind(chi.URLParam(r, "kind")).Info()
	if !ok {
		return info, apperr.E(apperr.NotFound, "Jenis tanda bahaya tidak dikenal.")
	}
	return info, nil
}

// handleFlagList shows how many orders carry each kind of flag in the period.
func (s *Server) handleFlagList(w http.ResponseWriter, r *http.Request) error {
	filter, f := flagFilter(r.URL.Query())
	title := "Tanda bahaya"
	if f.Invalid() {
		return s.render(w, r, http.StatusUnprocessableEntity, web.FlagsPage(s.page(r, title), f, nil))
	}
	sums, err := reporting.NewService(s.db).Flags(r.Context(), filter)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.FlagsPage(s.page(r, title), f, sums))
}

// handleFlagShow lists the orders carrying one kind of flag.
func (s *Server) handleFlagShow(w http.ResponseWriter, r *http.Request) error {
	info, err := flagKind(r)
	if err != nil {
		return err
	}
	filter, f := flagFilter(r.URL.Query())
	return s.renderFlagList(w, r, http.StatusOK, info, filter, web.FlagListView{Filter: f})
}

// renderFlagList renders the page of one kind of flag with v's filter (and
// review form); an invalid filter shows its errors and no orders.
func (s *Server) renderFlagList(w http.ResponseWriter, r *http.Request, status int, info reporting.FlagInfo, filter reporting.FlagFilter, v web.FlagListView) error {
	v.Info = info
	v.CanReview = auth.UserFrom(r.Context()).Has(auth.RoleAuditor)
	p := s.page(r, "Tanda bahaya: "+info.Label)
	if v.Filter.Invalid() {
		return s.render(w, r, http.StatusUnprocessableEntity, web.FlagListPage(p, v))
	}
	svc := reporting.NewService(s.db)
	sum, err := svc.FlagSummary(r.Context(), info.Kind, filter)
	if err != nil {
		return err
	}
	if v.Orders, err = svc.FlaggedOrders(r.Context(), info.Kind, filter, flagPageLimit); err != nil {
		return err
	}
	v.Total = sum.Matching(filter.Review)
	return s.render(w, r, status, web.FlagListPage(p, v))
}

// handleFlagReview records an auditor's review of a flag on an order, then
// returns to the list it was made from.
func (s *Server) handleFlagReview(w http.ResponseWriter, r *http.Request) error {
	info, err := flagKind(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	filter, f := flagFilter(r.PostForm)
	if f.Invalid() {
		return validate.Errors(f.Errors)
	}
	note := r.PostForm.Get("note")
	_, err = reporting.NewService(s.db).ReviewFlag(r.Context(), info.Kind, id, note, filter)
	if fields, ok := validate.AsErrors(err); ok {
		rf := web.NewForm()
		rf.Values.Set("note", note)
		rf.Errors = fields
		return s.renderFlagList(w, r, http.StatusUnprocessableEntity, info, filter, web.FlagListView{Filter: f, ReviewOrder: id, Review: rf})
	}
	if err != nil {
		return err
	}
	s.flash(r, "Tanda “"+info.Label+"” pada pesanan #"+strconv.FormatInt(id, 10)+" ditandai sudah diperiksa.")
	return redirect(w, r, "/flags/"+string(info.Kind)+"?"+url.Values{"from": {f.Get("from")}, "to": {f.Get("to")}, "review": {f.Get("review")}}.Encode()+"#order-"+strconv.FormatInt(id, 10))
}

// handleFlagExport downloads every order carrying one kind of flag in the
// period as CSV or XLSX.
func (s *Server) handleFlagExport(w http.ResponseWriter, r *http.Request) error {
	info, err := flagKind(r)
	if err != nil {
		return err
	}
	filter, f := flagFilter(r.URL.Query())
	if f.Invalid() {
		return validate.Errors(f.Errors)
	}
	list, err := reporting.NewService(s.db).FlaggedOrders(r.Context(), info.Kind, filter, 0)
	if err != nil {
		return err
	}
	header := []string{"Nomor pesanan", "Nomor SP", "Status", "Dipesan (WIB)", "OPD", "PPK", "Penyedia", "Nilai (Rp)",
		"Mengapa ditandai", "Alasan tertulis pembeli", "Sudah diperiksa", "Catatan pemeriksaan", "Pemeriksa", "Waktu pemeriksaan (WIB)"}
	rows := make([][]any, 0, len(list))
	for _, o := range list {
		reviewed, note, by, at := "belum", "", "", ""
		if rv := o.Review; rv != nil {
			reviewed, note, by, at = "sudah", rv.Note, rv.ReviewedBy, exportTime(rv.ReviewedAt)
		}
		rows = append(rows, []any{o.OrderID, o.SPNumber, ordering.State(o.State).Label(), exportTime(o.PlacedAt), o.OPD, o.PPK, o.Supplier, o.Total,
			o.Reason, o.Justification, reviewed, note, by, at})
	}
	name := "tanda-bahaya-" + string(info.Kind) + "-" + f.Get("from") + "-" + f.Get("to")
	return writeTable(w, chi.URLParam(r, "format"), name, header, rows)
}

// exportTime writes t in WIB the way spreadsheets read it: "2026-06-15 09:00".
func exportTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(wib.Location).Format("2006-01-02 15:04")
}

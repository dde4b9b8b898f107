package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"lapak/internal/auth"
	"lapak/internal/rules"
	"lapak/internal/wib"
	"lapak/internal/workday"
	"lapak/web"
)

// registerRuleRoutes adds the procurement rules (admins and auditors read,
// admins add versions) and the holiday calendar (admins).
func (s *Server) registerRuleRoutes(r chi.Router) {
	r.Get("/rules", s.h(s.handleRuleList))
	r.Get("/rules/{code}", s.h(s.handleRuleShow))
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RoleAdmin))
		r.Post("/rules/{code}", s.h(s.handleRuleVersionCreate))
		r.Get("/admin/holidays", s.h(s.handleHolidayList))
		r.Post("/admin/holidays", s.h(s.handleHolidayCreate))
		r.Get("/admin/holidays/{id}/edit", s.h(s.handleHolidayEdit))
		r.Post("/admin/holidays/{id}", s.h(s.handleHolidayUpdate))
		r.Post("/admin/holidays/{id}/delete", s.h(s.handleHolidayDelete))
	})
}

func (s *Server) ruleService() *rules.Service { return rules.NewService(s.db) }

// holidays returns the holiday service. TODO(5): when the order timers run
// in this process, pass their workday.Calendar so edits reload it at once
// (until then other calendars see edits within workday.DefaultTTL).
func (s *Server) holidays() *workday.Service { return workday.NewService(s.db, nil) }

// handleRuleList lists the rules with the versions in force.
func (s *Server) handleRuleList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.ruleService().Rules(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.RulesPage(s.page(r, "Aturan pengadaan"), list))
}

func (s *Server) renderRule(w http.ResponseWriter, r *http.Request, status int, code rules.Code, f *web.Form) error {
	rule, history, err := s.ruleService().Rule(r.Context(), code)
	if err != nil {
		return err
	}
	if f == nil {
		form := web.NewForm()
		values, err := rules.FormValues(code, rule.Current.Params)
		if err != nil {
			return err
		}
		for k, v := range values {
			form.Values[k] = v
		}
		form.Values.Set("effective_from", wib.ISODate(time.Now()))
		form.Values.Set("legal_basis", rule.Current.LegalBasis)
		f = &form
	}
	canEdit := auth.UserFrom(r.Context()).Has(auth.RoleAdmin)
	return s.render(w, r, status, web.RulePage(s.page(r, rule.Name), rule, history, canEdit, *f))
}

// handleRuleShow shows one rule, its history and (for admins) the form for a new version.
func (s *Server) handleRuleShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderRule(w, r, http.StatusOK, rules.Code(chi.URLParam(r, "code")), nil)
}

// handleRuleVersionCreate records a new version of a rule.
func (s *Server) handleRuleVersionCreate(w http.ResponseWriter, r *http.Request) error {
	code := rules.Code(chi.URLParam(r, "code"))
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	v, err := s.ruleService().AddVersion(r.Context(), code, rules.Edit{Values: r.PostForm, EffectiveFrom: f.Get("effective_from"),
		LegalBasis: f.Get("legal_basis"), Reason: f.Get("reason")})
	if f, ok := withErrors(f, err); ok {
		return s.renderRule(w, r, http.StatusUnprocessableEntity, code, &f)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Versi "+strconv.Itoa(v.Version)+" disimpan dan berlaku mulai "+wib.Date(v.EffectiveFrom)+".")
	return redirect(w, r, "/rules/"+string(code))
}

func (s *Server) renderHolidays(w http.ResponseWriter, r *http.Request, status int, year int, f web.Form) error {
	ctx := r.Context()
	now := thisYear()
	years, err := s.holidays().Years(ctx, now-1, now+1)
	if err != nil {
		return err
	}
	list, err := s.holidays().Holidays(ctx, year)
	if err != nil {
		return err
	}
	return s.render(w, r, status, web.HolidaysPage(s.page(r, "Hari libur"), year, years, list, f))
}

// handleHolidayList lists one year's days off (this year by default).
func (s *Server) handleHolidayList(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || year < 2000 || year > 2100 {
		year = thisYear()
	}
	return s.renderHolidays(w, r, http.StatusOK, year, web.NewForm())
}

func holidayInput(f web.Form) workday.Input {
	return workday.Input{Date: f.Get("date"), Name: f.Get("name"), Kind: f.Get("kind"), LegalBasis: f.Get("legal_basis"),
		Source: f.Get("source"), Note: f.Get("note"), Tentative: f.Get("tentative") == "1"}
}

func holidaysPath(t time.Time) string {
	return "/admin/holidays?year=" + strconv.Itoa(t.Year())
}

// handleHolidayCreate adds a day off.
func (s *Server) handleHolidayCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	h, err := s.holidays().CreateHoliday(r.Context(), holidayInput(f))
	if f, ok := withErrors(f, err); ok {
		year := thisYear()
		if d, err := wib.ParseDate(f.Get("date")); err == nil {
			year = d.Year()
		}
		return s.renderHolidays(w, r, http.StatusUnprocessableEntity, year, f)
	}
	if err != nil {
		return err
	}
	s.flash(r, h.Name+" ("+wib.Date(h.Date)+") ditambahkan.")
	return redirect(w, r, holidaysPath(h.Date))
}

// handleHolidayEdit shows the form of one day off.
func (s *Server) handleHolidayEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	h, err := s.holidays().Holiday(r.Context(), id)
	if err != nil {
		return err
	}
	f := web.NewForm()
	set := f.Values.Set
	set("date", wib.ISODate(h.Date))
	set("name", h.Name)
	set("kind", string(h.Kind))
	set("legal_basis", h.LegalBasis)
	set("source", h.Source)
	set("note", h.Note)
	if h.Tentative {
		set("tentative", "1")
	}
	return s.render(w, r, http.StatusOK, web.HolidayEditPage(s.page(r, "Ubah hari libur"), h, f))
}

// handleHolidayUpdate saves a day off's changes.
func (s *Server) handleHolidayUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	h, err := s.holidays().UpdateHoliday(r.Context(), id, holidayInput(f))
	if f, ok := withErrors(f, err); ok {
		old, lerr := s.holidays().Holiday(r.Context(), id)
		if lerr != nil {
			return lerr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, web.HolidayEditPage(s.page(r, "Ubah hari libur"), old, f))
	}
	if err != nil {
		return err
	}
	s.flash(r, "Perubahan "+h.Name+" disimpan.")
	return redirect(w, r, holidaysPath(h.Date))
}

// handleHolidayDelete removes a day off.
func (s *Server) handleHolidayDelete(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	h, err := s.holidays().Holiday(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.holidays().DeleteHoliday(r.Context(), id); err != nil {
		return err
	}
	s.flash(r, h.Name+" ("+wib.Date(h.Date)+") dihapus; tanggal itu kini hari kerja bila bukan akhir pekan.")
	return redirect(w, r, holidaysPath(h.Date))
}

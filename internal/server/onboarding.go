package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"lapak/internal/auth"
	"lapak/internal/reporting"
	"lapak/internal/training"
	"lapak/web"
)

// registerOnboardingRoutes adds the funnel and the trainings, for Koperindag
// staff, admins and auditors (who may read but not change).
func (s *Server) registerOnboardingRoutes(r chi.Router) {
	r.Get("/koperindag/funnel", s.h(s.handleFunnel))
	r.Get("/koperindag/funnel.{format:csv|xlsx}", s.h(s.handleFunnelExport))
	r.Get("/koperindag/trainings", s.h(s.handleTrainingList))
	r.Post("/koperindag/trainings", s.h(s.handleTrainingCreate))
	r.Get("/koperindag/trainings/{id}", s.h(s.handleTrainingShow))
	r.Post("/koperindag/trainings/{id}/invite", s.h(s.handleTrainingInvite))
	r.Post("/koperindag/trainings/{id}/attendance", s.h(s.handleTrainingAttendance))
}

func (s *Server) trainings() *training.Service { return training.NewService(s.db) }

func (s *Server) funnel(r *http.Request) (reporting.Funnel, string, error) {
	k := r.URL.Query().Get("kecamatan")
	f, err := reporting.NewService(s.db).Funnel(r.Context(), k)
	if err != nil {
		return f, "", err
	}
	name := ""
	if k != "" {
		kec, err := s.regions.Kecamatan(r.Context())
		if err != nil {
			return f, "", err
		}
		for _, x := range kec {
			if x.Code == k {
				name = x.Name
			}
		}
	}
	return f, name, nil
}

// handleFunnel shows the onboarding funnel by kecamatan or by nagari.
func (s *Server) handleFunnel(w http.ResponseWriter, r *http.Request) error {
	f, name, err := s.funnel(r)
	if err != nil {
		return err
	}
	kec, err := s.regions.Kecamatan(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.FunnelPage(s.page(r, "Corong pendaftaran UMKM"), f, kec, name))
}

// handleFunnelExport downloads the funnel table as CSV or XLSX.
func (s *Server) handleFunnelExport(w http.ResponseWriter, r *http.Request) error {
	f, _, err := s.funnel(r)
	if err != nil {
		return err
	}
	header := []string{"Kode wilayah", "Wilayah"}
	for _, st := range reporting.Stages {
		header = append(header, st.Label)
	}
	var rows [][]any
	for _, row := range append(f.Rows, f.Total) {
		rec := []any{row.Code, row.Name}
		for _, n := range row.Counts {
			rec = append(rec, n)
		}
		rows = append(rows, rec)
	}
	return writeTable(w, chi.URLParam(r, "format"), "corong-pendaftaran", header, rows)
}

// handleTrainingList lists sessions with a form to add one.
func (s *Server) handleTrainingList(w http.ResponseWriter, r *http.Request) error {
	return s.renderTrainingList(w, r, http.StatusOK, web.NewForm())
}

func (s *Server) renderTrainingList(w http.ResponseWriter, r *http.Request, status int, f web.Form) error {
	list, err := s.trainings().Trainings(r.Context())
	if err != nil {
		return err
	}
	kec, err := s.regions.Kecamatan(r.Context())
	if err != nil {
		return err
	}
	canManage := auth.UserFrom(r.Context()).Has(auth.RoleKoperindag, auth.RoleAdmin)
	return s.render(w, r, status, web.TrainingListPage(s.page(r, "Pembekalan"), list, f, kec, canManage))
}

// handleTrainingCreate schedules a session.
func (s *Server) handleTrainingCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	t, err := s.trainings().CreateTraining(r.Context(), training.Input{Topic: f.Get("topic"), Date: f.Get("date"), Time: f.Get("time"),
		Place: f.Get("place"), KecamatanCode: f.Get("kecamatan"), Capacity: f.Get("capacity")})
	if f, ok := withErrors(f, err); ok {
		return s.renderTrainingList(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Pembekalan dijadwalkan. Sekarang undang pesertanya.")
	return redirect(w, r, "/koperindag/trainings/"+strconv.FormatInt(t.ID, 10))
}

// handleTrainingShow shows a session with its participants.
func (s *Server) handleTrainingShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, err := s.trainings().Training(ctx, id)
	if err != nil {
		return err
	}
	people, err := s.trainings().Participants(ctx, id)
	if err != nil {
		return err
	}
	kec, err := s.regions.Kecamatan(ctx)
	if err != nil {
		return err
	}
	canManage := auth.UserFrom(ctx).Has(auth.RoleKoperindag, auth.RoleAdmin)
	return s.render(w, r, http.StatusOK, web.TrainingPage(s.page(r, t.Topic), t, people, kec, canManage))
}

// handleTrainingInvite invites the suppliers matching the chosen filter.
func (s *Server) handleTrainingInvite(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	n, err := s.trainings().Invite(r.Context(), id, training.InviteFilter{KecamatanCode: r.PostForm.Get("kecamatan"),
		Status: r.PostForm.Get("status"), NotTrained: r.PostForm.Get("not_trained") == "1"})
	if err != nil {
		return err
	}
	s.flash(r, strconv.Itoa(n)+" penyedia ditambahkan ke daftar undangan.")
	return redirect(w, r, "/koperindag/trainings/"+strconv.FormatInt(id, 10))
}

// handleTrainingAttendance records who attended.
func (s *Server) handleTrainingAttendance(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	var ids []int64
	for _, v := range r.PostForm["attended"] {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err == nil {
			ids = append(ids, n)
		}
	}
	if err := s.trainings().RecordAttendance(r.Context(), id, ids); err != nil {
		return err
	}
	s.flash(r, "Kehadiran disimpan.")
	return redirect(w, r, "/koperindag/trainings/"+strconv.FormatInt(id, 10))
}

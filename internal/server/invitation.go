package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/invitation"
	"lapak/internal/validate"
	"lapak/internal/wib"
	"lapak/web"
)

// invitations returns the onboarding service. It holds nothing but the pool
// and the base URL, so making one per request costs nothing.
func (s *Server) invitations() *invitation.Service {
	return invitation.NewService(s.db, s.cfg.BaseURL)
}

// registerInvitationRoutes adds the pages with which Koperindag staff and
// admins invite registry entries and register businesses in the field.
func (s *Server) registerInvitationRoutes(r chi.Router) {
	r.Get("/koperindag/invitations", s.h(s.handleInvitationList))
	r.Post("/koperindag/invitations", s.h(s.handleInvitationCreate))
	r.Post("/koperindag/invitations/letters.pdf", s.h(s.handleInvitationLetters))
	r.Get("/koperindag/suppliers/new", s.h(s.handleAssistedNew))
	r.Post("/koperindag/suppliers/new", s.h(s.handleAssistedCreate))
}

// invitationsPerPage is how many registry entries the invitation page lists at once.
const invitationsPerPage = 100

// filterKeys are the invitation page's filter fields.
var filterKeys = []string{"q", "kecamatan", "nagari", "sector", "status"}

// entryFilter reads the filter fields through get.
func entryFilter(get func(string) string) invitation.EntryFilter {
	return invitation.EntryFilter{Query: get("q"), KecamatanCode: get("kecamatan"), NagariCode: get("nagari"),
		Sector: get("sector"), Status: invitation.EntryStatus(get("status"))}
}

// invitationList builds the invitation page for filter values filter and page.
func (s *Server) invitationList(r *http.Request, filter web.Form, page int) (web.InvitationListView, error) {
	ctx := r.Context()
	svc := s.invitations()
	ef := entryFilter(filter.Get)
	ef.Limit, ef.Offset = invitationsPerPage, (page-1)*invitationsPerPage
	v := web.InvitationListView{Filter: filter, Page: page}
	var err error
	if v.Entries, v.Total, err = svc.Entries(ctx, ef); err != nil {
		return v, err
	}
	if v.Counts, err = svc.EntryCounts(ctx, ef); err != nil {
		return v, err
	}
	if v.Sectors, err = svc.Sectors(ctx); err != nil {
		return v, err
	}
	if v.Kecamatan, err = s.regions.Kecamatan(ctx); err != nil {
		return v, err
	}
	v.Pages = max(1, (v.Total+invitationsPerPage-1)/invitationsPerPage)
	return v, nil
}

// handleInvitationList shows registry entries to choose for invitations.
// Without a status in the URL it shows those not invited yet, so that
// "invite everything" never replaces codes already sent by accident.
func (s *Server) handleInvitationList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	filter := web.NewForm()
	for _, k := range filterKeys {
		filter.Values.Set(k, q.Get(k))
	}
	if !q.Has("status") {
		filter.Values.Set("status", string(invitation.StatusNotInvited))
	}
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	v, err := s.invitationList(r, filter, page)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.InvitationListPage(s.page(r, "Undangan UMKM"), v, web.NewForm()))
}

// issueFromForm issues invitations for the entries ticked in the posted
// form, or for every entry its filter selects when scope is "all".
func (s *Server) issueFromForm(r *http.Request) (invitation.Batch, error) {
	ctx := r.Context()
	svc := s.invitations()
	var ids []int64
	if r.PostForm.Get("scope") == "all" {
		f := entryFilter(func(k string) string { return r.PostForm.Get("filter_" + k) })
		var total int
		var err error
		ids, total, err = svc.EntryIDs(ctx, f, invitation.MaxBatch)
		if err != nil {
			return invitation.Batch{}, err
		}
		switch {
		case total == 0:
			return invitation.Batch{}, validate.Errors{"entry": "Tidak ada usaha dalam hasil saringan yang dapat diundang."}
		case total > invitation.MaxBatch:
			return invitation.Batch{}, validate.Errors{"entry": fmt.Sprintf("Hasil saringan berisi %s usaha, lebih dari batas 2.000 sekali undang. "+
				"Persempit saringan, misalnya per kecamatan atau nagari, lalu undang per bagian.", formatThousands(total))}
		}
	} else {
		for _, v := range r.PostForm["entry"] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
	}
	return svc.Issue(ctx, ids)
}

// renderInvitationErrors shows the invitation page again with the posted
// choices and err's field errors, keeping the filter the form was sent from.
func (s *Server) renderInvitationErrors(w http.ResponseWriter, r *http.Request, f web.Form) error {
	filter := web.NewForm()
	for _, k := range filterKeys {
		filter.Values.Set(k, r.PostForm.Get("filter_"+k))
	}
	v, err := s.invitationList(r, filter, 1)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusUnprocessableEntity, web.InvitationListPage(s.page(r, "Undangan UMKM"), v, f))
}

// handleInvitationCreate issues codes and shows them once, with WhatsApp
// links; with format=pdf it answers with the letters instead.
func (s *Server) handleInvitationCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	if r.PostForm.Get("format") == "pdf" {
		return s.handleInvitationLetters(w, r)
	}
	batch, err := s.issueFromForm(r)
	if f, ok := withErrors(formFrom(r), err); ok {
		return s.renderInvitationErrors(w, r, f)
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.InvitationBatchPage(s.page(r, "Kode aktivasi diterbitkan"), batch))
}

// handleInvitationLetters answers with the letters PDF. Posted codes (from a
// page that showed them) are printed again as they are, without issuing new
// ones; otherwise the chosen entries are invited and their new codes printed,
// in one response, since the codes cannot be shown again later.
func (s *Server) handleInvitationLetters(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var list []invitation.Issued
	if codes := r.PostForm["code"]; len(codes) > 0 {
		var err error
		if list, err = s.invitations().Reprint(r.Context(), codes); err != nil {
			return err
		}
		if len(list) == 0 {
			return apperr.E(apperr.Conflict, "Kode-kode ini tidak berlaku lagi: sudah dipakai, sudah diganti, atau kedaluwarsa. Terbitkan kode baru dari halaman Undangan.")
		}
	} else {
		batch, err := s.issueFromForm(r)
		if f, ok := withErrors(formFrom(r), err); ok {
			return s.renderInvitationErrors(w, r, f)
		}
		if err != nil {
			return err
		}
		if len(batch.Issued) == 0 {
			// Everything was skipped: say why instead of sending an empty PDF.
			return s.render(w, r, http.StatusOK, web.InvitationBatchPage(s.page(r, "Tidak ada kode diterbitkan"), batch))
		}
		list = batch.Issued
	}
	now := time.Now()
	pw := &pdfWriter{w: w, filename: "undangan-lapak-" + now.In(wib.Location).Format("20060102-1504") + ".pdf"}
	err := invitation.WriteLetters(pw, list, now)
	if err != nil && !pw.started {
		return err
	}
	if err != nil {
		// The client went away mid-download; nothing more can be sent.
		s.log.Warn("letters: write", "request_id", requestIDFrom(r.Context()), "err", err)
	}
	return nil
}

// pdfWriter sends the PDF headers with the first bytes, so that a letter
// that fails before any output can still become an error page.
type pdfWriter struct {
	w        http.ResponseWriter
	filename string
	started  bool
}

// Write sends the headers before the first bytes.
func (p *pdfWriter) Write(b []byte) (int, error) {
	if !p.started {
		p.started = true
		h := p.w.Header()
		h.Set("Content-Type", "application/pdf")
		h.Set("Content-Disposition", `attachment; filename="`+p.filename+`"`)
		p.w.WriteHeader(http.StatusOK)
	}
	return p.w.Write(b)
}

// formatThousands writes n with dots between thousands.
func formatThousands(n int) string {
	s := strconv.Itoa(n)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// handleAssistedNew shows the field registration form, prefilled from a
// registry entry when ?entry= names one.
func (s *Server) handleAssistedNew(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := web.NewForm()
	var entry *invitation.Entry
	if v := r.URL.Query().Get("entry"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return apperr.E(apperr.NotFound, "Data registri UMKM tidak ditemukan.")
		}
		e, err := s.invitations().Entry(ctx, id)
		if err != nil {
			return err
		}
		if e.Status == invitation.StatusActivated {
			return apperr.E(apperr.Conflict, "Usaha dari data registri ini sudah terdaftar di Lapak.")
		}
		entry = &e
		f.Values.Set("business_name", e.BusinessName)
		f.Values.Set("owner_name", e.OwnerName)
		f.Values.Set("phone", validate.LocalPhone(e.Phone))
		f.Values.Set("email", e.Email)
		f.Values.Set("kecamatan", e.KecamatanCode)
		f.Values.Set("nagari", e.NagariCode)
	}
	ks, err := s.regions.Kecamatan(ctx)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.AssistedRegisterPage(s.page(r, "Daftarkan usaha"), f, ks, entry))
}

// handleAssistedCreate registers a business on its owner's behalf and shows
// the owner's activation code once.
func (s *Server) handleAssistedCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	f := formFrom(r)
	entryID, _ := strconv.ParseInt(f.Get("entry"), 10, 64)
	iss, err := s.invitations().AssistedRegister(ctx, invitation.AssistedInput{
		BusinessName: f.Get("business_name"), OwnerName: f.Get("owner_name"), Phone: f.Get("phone"), Email: f.Get("email"),
		KecamatanCode: f.Get("kecamatan"), NagariCode: f.Get("nagari"), RegistryEntryID: max(entryID, 0)})
	if f, ok := withErrors(f, err); ok {
		var entry *invitation.Entry
		if entryID > 0 {
			if e, eerr := s.invitations().Entry(ctx, entryID); eerr == nil {
				entry = &e
			}
		}
		ks, kerr := s.regions.Kecamatan(ctx)
		if kerr != nil {
			return kerr
		}
		return s.render(w, r, http.StatusUnprocessableEntity, web.AssistedRegisterPage(s.page(r, "Daftarkan usaha"), f, ks, entry))
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.AssistedDonePage(s.page(r, "Usaha terdaftar"), iss))
}

// signIn starts a fresh session for an account just created, as handleLogin does.
func (s *Server) signIn(r *http.Request, acc invitation.Account) error {
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, "user_id", acc.UserID)
	s.sessions.Put(ctx, "session_version", acc.SessionVersion)
	return nil
}

// supplierProfilePath is where a new supplier continues: its profile form.
func supplierProfilePath(id int64) string {
	return "/suppliers/" + strconv.FormatInt(id, 10) + "/profile"
}

// onboardingMessage returns the status and message to show on an
// onboarding form for err, or ok false when err is for serveError.
func onboardingMessage(err error) (int, string, bool) {
	switch apperr.KindOf(err) {
	case apperr.TooMany:
		return http.StatusTooManyRequests, apperr.Message(err), true
	case apperr.Conflict, apperr.Invalid:
		if msg := apperr.Message(err); msg != "" {
			return http.StatusUnprocessableEntity, msg, true
		}
	}
	return 0, "", false
}

// handleActivateForm shows the activation form; a code in the link is
// checked at once, so the owner sees whose invitation it is.
func (s *Server) handleActivateForm(w http.ResponseWriter, r *http.Request) error {
	f := web.NewForm()
	code := r.URL.Query().Get("code")
	if code == "" || len(code) > 40 {
		return s.render(w, r, http.StatusOK, web.ActivatePage(s.page(r, "Aktifkan akun usaha"), f, nil, ""))
	}
	f.Values.Set("code", code)
	p, err := s.invitations().Preview(r.Context(), code, clientIP(r))
	if f, ok := withErrors(f, err); ok {
		return s.render(w, r, http.StatusOK, web.ActivatePage(s.page(r, "Aktifkan akun usaha"), f, nil, ""))
	}
	if status, msg, ok := onboardingMessage(err); ok {
		return s.render(w, r, status, web.ActivatePage(s.page(r, "Aktifkan akun usaha"), f, nil, msg))
	}
	if err != nil {
		return err
	}
	f.Values.Set("name", p.OwnerName)
	f.Values.Set("phone", validate.LocalPhone(p.Phone))
	f.Values.Set("email", p.Email)
	return s.render(w, r, http.StatusOK, web.ActivatePage(s.page(r, "Aktifkan akun usaha"), f, &p, ""))
}

// handleActivate turns a code into an account, signs its owner in, and
// sends them on to complete their business profile.
func (s *Server) handleActivate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	if len(f.Get("code")) > 40 || len(r.PostForm.Get("password")) > 200 || len(r.PostForm.Get("confirm")) > 200 {
		f.Errors["code"] = "Isian terlalu panjang."
		return s.render(w, r, http.StatusUnprocessableEntity, web.ActivatePage(s.page(r, "Aktifkan akun usaha"), f, nil, ""))
	}
	acc, err := s.invitations().Activate(r.Context(), f.Get("code"), invitation.ActivationInput{
		Name: f.Get("name"), Phone: f.Get("phone"), Email: f.Get("email"),
		Password: r.PostForm.Get("password"), Confirm: r.PostForm.Get("confirm"), IP: clientIP(r)})
	if f, ok := withErrors(f, err); ok {
		return s.render(w, r, http.StatusUnprocessableEntity, web.ActivatePage(s.page(r, "Aktifkan akun usaha"), f, nil, ""))
	}
	if status, msg, ok := onboardingMessage(err); ok {
		return s.render(w, r, status, web.ActivatePage(s.page(r, "Aktifkan akun usaha"), f, nil, msg))
	}
	if err != nil {
		return err
	}
	if err := s.signIn(r, acc); err != nil {
		return err
	}
	s.flash(r, "Selamat datang, "+acc.Name+". Akun usaha Anda sudah aktif. Lengkapi profil usaha Anda, lalu unggah dokumennya untuk diverifikasi.")
	return redirect(w, r, supplierProfilePath(acc.SupplierID))
}

// handleRegisterForm shows the self-registration form.
func (s *Server) handleRegisterForm(w http.ResponseWriter, r *http.Request) error {
	ks, err := s.regions.Kecamatan(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.RegisterPage(s.page(r, "Daftar sebagai penyedia"), web.NewForm(), ks, ""))
}

// handleRegister registers a business that is not in the registry, signs
// its owner in, and sends them on to complete the profile.
func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	f := formFrom(r)
	render := func(status int, f web.Form, msg string) error {
		ks, err := s.regions.Kecamatan(ctx)
		if err != nil {
			return err
		}
		return s.render(w, r, status, web.RegisterPage(s.page(r, "Daftar sebagai penyedia"), f, ks, msg))
	}
	if len(r.PostForm.Get("password")) > 200 || len(r.PostForm.Get("confirm")) > 200 {
		f.Errors["password"] = "Kata sandi terlalu panjang."
		return render(http.StatusUnprocessableEntity, f, "")
	}
	acc, err := s.invitations().Register(ctx, invitation.RegistrationInput{
		BusinessName: f.Get("business_name"), OwnerName: f.Get("owner_name"), Phone: f.Get("phone"), Email: f.Get("email"),
		KecamatanCode: f.Get("kecamatan"), NagariCode: f.Get("nagari"),
		Password: r.PostForm.Get("password"), Confirm: r.PostForm.Get("confirm"), IP: clientIP(r)})
	if f, ok := withErrors(f, err); ok {
		return render(http.StatusUnprocessableEntity, f, "")
	}
	if status, msg, ok := onboardingMessage(err); ok {
		return render(status, f, msg)
	}
	if err != nil {
		return err
	}
	if err := s.signIn(r, acc); err != nil {
		return err
	}
	s.flash(r, "Selamat datang, "+acc.Name+". Usaha Anda sudah terdaftar. Lengkapi profil usaha Anda, lalu unggah dokumennya untuk diverifikasi.")
	return redirect(w, r, supplierProfilePath(acc.SupplierID))
}

package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/reporting"
	"lapak/internal/validate"
	"lapak/internal/wib"
	"lapak/web"
)

// registerReportRoutes adds the spending dashboards, read by admins,
// Koperindag staff, auditors and pimpinan, and the admins' budget page.
func (s *Server) registerReportRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RoleAdmin, auth.RoleKoperindag, auth.RoleAuditor, auth.RolePimpinan))
		r.Get("/reports", s.h(s.handleReport))
		r.Get("/reports/orders", s.h(s.handleReportOrders))
		r.Get("/reports/orders.{format:csv|xlsx}", s.h(s.handleReportOrdersExport))
		r.Get("/reports/{table}.{format:csv|xlsx}", s.h(s.handleReportExport))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RoleAdmin))
		r.Get("/admin/budgets", s.h(s.handleBudgetList))
		r.Post("/admin/budgets", s.h(s.handleBudgetSave))
	})
}

func (s *Server) reports() *reporting.Service { return reporting.NewService(s.db) }

// reportFilter reads the dashboard's filter from the query into a form.
func reportFilter(r *http.Request) (web.Form, reporting.SpendingFilter, error) {
	q := r.URL.Query()
	f := web.NewForm()
	for _, k := range []string{"from", "to", "opd"} {
		f.Values.Set(k, q.Get(k))
	}
	flt, err := reporting.ParseSpendingFilter(q.Get("from"), q.Get("to"), q.Get("opd"), time.Now())
	if err == nil {
		f.Values.Set("from", reporting.MonthParam(flt.From))
		f.Values.Set("to", reporting.MonthParam(flt.To))
	}
	return f, flt, err
}

// handleReport shows the spending dashboard; a bad filter is shown with
// its messages (422), never as an error page.
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := auth.UserFrom(ctx)
	f, flt, err := reportFilter(r)
	v := web.ReportView{Form: f, CanOpenOrders: u.Has(auth.RoleAdmin, auth.RoleAuditor),
		CanFunnel: u.Has(auth.RoleAdmin, auth.RoleKoperindag, auth.RoleAuditor), CanBudgets: u.Has(auth.RoleAdmin)}
	if err == nil {
		v.Data, err = s.reports().Spending(ctx, flt)
		v.OPDs = v.Data.OPDs
	}
	if form, ok := withErrors(v.Form, err); ok {
		v.Form = form
		if v.OPDs, err = s.reportOPDs(r); err != nil {
			return err
		}
		return s.render(w, r, http.StatusUnprocessableEntity, web.ReportPage(s.page(r, "Laporan belanja"), v))
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.ReportPage(s.page(r, "Laporan belanja"), v))
}

// reportOPDs lists the OPDs for the filter when the dashboard could not be read.
func (s *Server) reportOPDs(r *http.Request) ([]reporting.OPDName, error) {
	list, err := s.opds.OPDs(r.Context(), false)
	if err != nil {
		return nil, err
	}
	out := make([]reporting.OPDName, len(list))
	for i, o := range list {
		out[i] = reporting.OPDName{ID: o.ID, Name: o.Name}
	}
	return out, nil
}

// badFilter turns a filter's field errors into one message for a download,
// which has no form to show them on.
func badFilter(err error) error {
	fields, ok := validate.AsErrors(err)
	if !ok {
		return err
	}
	return apperr.E(apperr.Invalid, strings.Join(sortedValues(fields), " "))
}

// handleReportExport downloads one table of the dashboard as CSV or XLSX.
func (s *Server) handleReportExport(w http.ResponseWriter, r *http.Request) error {
	table := chi.URLParam(r, "table")
	build, ok := reportTables[table]
	if !ok {
		return apperr.E(apperr.NotFound, "Tabel laporan tidak ditemukan.")
	}
	_, flt, err := reportFilter(r)
	if err != nil {
		return badFilter(err)
	}
	d, err := s.reports().Spending(r.Context(), flt)
	if err != nil {
		return badFilter(err)
	}
	header, rows := build(d)
	name := fmt.Sprintf("belanja-%s-%s-%s", table, reporting.MonthParam(flt.From), reporting.MonthParam(flt.To))
	if flt.OPDID != 0 {
		name += "-opd-" + strconv.FormatInt(flt.OPDID, 10)
	}
	return writeTable(w, chi.URLParam(r, "format"), name, header, rows)
}

// percentCell is a share in percent with one decimal, for spreadsheets.
func percentCell(part, whole int64) any {
	if whole <= 0 {
		return ""
	}
	return float64((part*1000+whole/2)/whole) / 10
}

func spendingRows(list []reporting.SpendingRow, total int64, key bool, local bool) [][]any {
	var rows [][]any
	for _, x := range list {
		var rec []any
		if key {
			rec = append(rec, x.Key)
		}
		rec = append(rec, x.Label, x.Amount, percentCell(x.Amount, total), x.Orders)
		if local {
			rec = append(rec, x.LocalAmount, percentCell(x.LocalAmount, x.Amount))
		}
		rows = append(rows, rec)
	}
	return rows
}

var (
	spendHeader = []string{"Belanja (Rp)", "Porsi (%)", "Pesanan"}
	localHeader = []string{"Belanja produk lokal (Rp)", "Porsi produk lokal (%)"}
)

func reportHeader(cols ...[]string) []string {
	var out []string
	for _, c := range cols {
		out = append(out, c...)
	}
	return out
}

// reportTables builds each downloadable table of the dashboard.
var reportTables = map[string]func(d reporting.Spending) ([]string, [][]any){
	"opd": func(d reporting.Spending) ([]string, [][]any) {
		return reportHeader([]string{"ID OPD", "OPD"}, spendHeader, localHeader), spendingRows(d.ByOPD, d.Total.Amount, true, true)
	},
	"month": func(d reporting.Spending) ([]string, [][]any) {
		return reportHeader([]string{"Bulan (TTTT-BB)", "Bulan"}, spendHeader, localHeader), spendingRows(d.ByMonth, d.Total.Amount, true, true)
	},
	"category": func(d reporting.Spending) ([]string, [][]any) {
		return reportHeader([]string{"ID kategori", "Kategori"}, spendHeader), spendingRows(d.ByCategory, d.Total.Amount, true, false)
	},
	"kecamatan": func(d reporting.Spending) ([]string, [][]any) {
		return reportHeader([]string{"Kode kecamatan", "Kecamatan"}, spendHeader), spendingRows(d.ByKecamatan, d.Total.Amount, true, false)
	},
	"scale": func(d reporting.Spending) ([]string, [][]any) {
		return reportHeader([]string{"Skala usaha"}, spendHeader), spendingRows(d.ByScale, d.Total.Amount, false, false)
	},
	"budget": func(d reporting.Spending) ([]string, [][]any) {
		var rows [][]any
		for _, b := range d.Budgets {
			rows = append(rows, []any{b.OPDID, b.OPD, b.Spent, b.Budget, b.Source.Label(), percentCell(b.Spent, b.Budget)})
		}
		return []string{"ID OPD", "OPD", "Belanja periode (Rp)", "Anggaran tahun " + d.Filter.Years() + " (Rp)", "Sumber anggaran", "Porsi (%)"}, rows
	},
	"payment": func(d reporting.Spending) ([]string, [][]any) {
		var rows [][]any
		for _, o := range d.PayDays.OPDs {
			rows = append(rows, []any{o.OPDID, o.OPD, o.Orders, o.Median, o.P90})
		}
		return []string{"ID OPD", "OPD", "Pesanan", "Median hari BAST sampai bayar", "90% dibayar dalam (hari)"}, rows
	},
}

// spendingOrders reads the drill-down filter and one page of orders.
func (s *Server) spendingOrders(r *http.Request, limit int) (reporting.SpendingOrders, error) {
	flt, err := reporting.ParseSpendingOrderFilter(r.URL.Query(), time.Now())
	if err != nil {
		return reporting.SpendingOrders{Filter: flt}, err
	}
	return s.reports().SpendingOrders(r.Context(), flt, limit)
}

// handleReportOrders lists the orders behind a dashboard figure.
func (s *Server) handleReportOrders(w http.ResponseWriter, r *http.Request) error {
	d, err := s.spendingOrders(r, 50)
	v := web.ReportOrdersView{Form: web.NewForm(), Data: d, CanOpenOrders: auth.UserFrom(r.Context()).Has(auth.RoleAdmin, auth.RoleAuditor)}
	if form, ok := withErrors(v.Form, err); ok {
		v.Form = form
		return s.render(w, r, http.StatusUnprocessableEntity, web.ReportOrdersPage(s.page(r, "Pesanan di balik angka"), v))
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.ReportOrdersPage(s.page(r, "Pesanan di balik angka"), v))
}

// handleReportOrdersExport downloads the orders behind a figure, newest first, up to reporting.MaxExportOrders.
func (s *Server) handleReportOrdersExport(w http.ResponseWriter, r *http.Request) error {
	d, err := s.spendingOrders(r, reporting.MaxExportOrders)
	if err != nil {
		return badFilter(err)
	}
	header := []string{"ID pesanan", "Nomor SP", "OPD", "Penyedia", "Tanggal bayar", "Dihitung (Rp)", "Pembayaran (Rp)", "Hari BAST sampai bayar", "Status"}
	var rows [][]any
	for _, o := range d.Orders {
		days := any("")
		if o.DaysToPay != nil {
			days = *o.DaysToPay
		}
		rows = append(rows, []any{o.ID, o.SPNumber, o.OPD, o.Supplier, wib.ISODate(o.PaidOn), o.Amount, o.Gross, days, o.State})
	}
	return writeTable(w, chi.URLParam(r, "format"), "pesanan-belanja", header, rows)
}

// budgetYear reads ?year= (default: this year in WIB).
func budgetYear(v string) (int, error) {
	if v == "" {
		return time.Now().In(wib.Location).Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < reporting.MinBudgetYear || y > reporting.MaxBudgetYear {
		return 0, apperr.E(apperr.Invalid, fmt.Sprintf("Tahun anggaran harus antara %d dan %d.", reporting.MinBudgetYear, reporting.MaxBudgetYear))
	}
	return y, nil
}

// budgetYears are the years offered: five back and one ahead of this year, and year.
func budgetYears(year int) []int {
	now := time.Now().In(wib.Location).Year()
	var out []int
	for y := now + 1; y >= now-5; y-- {
		out = append(out, y)
	}
	if year > now+1 || year < now-5 {
		out = append(out, year)
	}
	return out
}

// handleBudgetList shows the OPD budgets of a year for admins to fill in.
func (s *Server) handleBudgetList(w http.ResponseWriter, r *http.Request) error {
	year, err := budgetYear(r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	return s.renderBudgets(w, r, http.StatusOK, year, web.NewForm())
}

func (s *Server) renderBudgets(w http.ResponseWriter, r *http.Request, status, year int, f web.Form) error {
	list, err := s.reports().OPDBudgets(r.Context(), year)
	if err != nil {
		return err
	}
	v := web.BudgetView{Year: year, Years: budgetYears(year), List: list, Form: f}
	return s.render(w, r, status, web.BudgetPage(s.page(r, "Anggaran belanja barang/jasa OPD"), v))
}

// handleBudgetSave saves the budgets typed for a year.
func (s *Server) handleBudgetSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	year, err := budgetYear(r.PostForm.Get("year"))
	if err != nil {
		return err
	}
	values := map[int64]string{}
	for k, v := range r.PostForm {
		id, ok := strings.CutPrefix(k, "budget-")
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 || k != reporting.BudgetField(n) {
			return apperr.E(apperr.Invalid, "Isian anggaran tidak dapat dibaca. Muat ulang halaman lalu coba lagi.")
		}
		values[n] = strings.TrimSpace(v[0])
	}
	changed, err := s.reports().SetOPDBudgets(r.Context(), year, values)
	if f, ok := withErrors(formFrom(r), err); ok {
		return s.renderBudgets(w, r, http.StatusUnprocessableEntity, year, f)
	}
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Anggaran tahun %d disimpan: %d OPD berubah.", year, changed))
	return redirect(w, r, "/admin/budgets?year="+strconv.Itoa(year))
}

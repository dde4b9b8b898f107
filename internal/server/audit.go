package server

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/xuri/excelize/v2"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/mail"
	"lapak/internal/validate"
	"lapak/internal/wib"
	"lapak/web"
)

func wibDateTime(t time.Time) string { return wib.DateTime(t) }

// auditFilterFields are the query parameters of the audit trail's filter.
var auditFilterFields = []string{"actor", "entity", "entity_id", "action", "from", "to"}

// auditFilter reads the audit trail's filter from the query string; the
// form carries the values back with any errors.
func auditFilter(r *http.Request) (audit.Filter, web.Form) {
	q := r.URL.Query()
	f := web.NewForm()
	for _, k := range auditFilterFields {
		f.Values.Set(k, strings.TrimSpace(q.Get(k)))
	}
	filter := audit.Filter{Actor: f.Get("actor"), Entity: f.Get("entity"), EntityID: f.Get("entity_id"), Action: f.Get("action")}
	for k, max := range map[string]int{"actor": 100, "entity": 50, "entity_id": 50, "action": 50} {
		f.Errors.Check(k, validate.MaxLen(f.Get(k), max))
	}
	if v := f.Get("from"); v != "" {
		t, err := wib.ParseDate(v)
		if err != nil {
			f.Errors.Add("from", "Tanggal awal tidak valid. Gunakan format tahun-bulan-tanggal, misalnya 2026-01-31.")
		}
		filter.From = t
	}
	if v := f.Get("to"); v != "" {
		t, err := wib.ParseDate(v)
		if err != nil {
			f.Errors.Add("to", "Tanggal akhir tidak valid. Gunakan format tahun-bulan-tanggal, misalnya 2026-01-31.")
		} else {
			filter.To = t.AddDate(0, 0, 1)
		}
	}
	if !f.Errors.Has("from") && !f.Errors.Has("to") && !filter.From.IsZero() && !filter.To.IsZero() && !filter.To.After(filter.From) {
		f.Errors.Add("to", "Tanggal akhir tidak boleh sebelum tanggal awal.")
	}
	return filter, f
}

// handleAuditList lets auditors and admins browse the audit trail and see
// whether its hash chain holds.
func (s *Server) handleAuditList(w http.ResponseWriter, r *http.Request) error {
	filter, f := auditFilter(r)
	filter.Limit = 50
	if v := r.URL.Query().Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return apperr.E(apperr.Invalid, "Halaman jejak audit tidak valid.")
		}
		filter.BeforeID = n
		f.Values.Set("before", v)
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

// handleAuditExport downloads every entry the filter selects, newest first,
// as CSV or XLSX. Entries are read from the database as they are written
// out, so the whole trail exports in constant memory; a cancelled download
// stops the query.
func (s *Server) handleAuditExport(w http.ResponseWriter, r *http.Request) error {
	filter, f := auditFilter(r)
	if f.Invalid() {
		return validate.Errors(f.Errors)
	}
	header := []string{"No.", "Waktu (WIB)", "Pelaku", "Peran", "Tindakan", "Entitas", "ID entitas", "Rincian", "Alamat IP", "Tersegel"}
	name := "jejak-audit-" + time.Now().In(wib.Location).Format("20060102-1504")
	each := func(emit func([]any) error) error {
		return audit.EachEntry(r.Context(), s.db, filter, func(e audit.Listed) error {
			sealed := "belum"
			if e.Sealed {
				sealed = "ya"
			}
			return emit([]any{e.ID, exportTime(e.At), e.ActorName, e.ActorRole, e.Action, e.Entity, e.EntityID, e.Details, e.IP, sealed})
		})
	}
	return s.streamTable(w, r, chi.URLParam(r, "format"), name, header, each)
}

// xlsxMaxRows is the most data rows a worksheet holds (below its header).
const xlsxMaxRows = 1_048_575

// streamTable sends a download named name.csv or name.xlsx whose rows each
// produces one at a time. CSV goes out as the rows come; XLSX is assembled
// by excelize's stream writer (which spills to a temporary file, not to
// memory) and sent at the end. An error before anything was sent is
// returned and rendered as usual; after that, it ends the connection so
// the download is visibly broken, never silently cut short.
func (s *Server) streamTable(w http.ResponseWriter, r *http.Request, format, name string, header []string, each func(emit func([]any) error) error) error {
	switch format {
	case "csv":
		return s.streamCSV(w, r, name, header, each)
	case "xlsx":
		return s.streamXLSX(w, r, name, header, each)
	}
	return fmt.Errorf("server: unknown table format %q", format)
}

func (s *Server) streamCSV(w http.ResponseWriter, r *http.Request, name string, header []string, each func(emit func([]any) error) error) error {
	rc := http.NewResponseController(w)
	cw := csv.NewWriter(w)
	started, n := false, 0
	start := func() error {
		started = true
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
		// A byte-order mark lets Excel open the UTF-8 file with the right characters.
		_, _ = w.Write([]byte("\ufeff"))
		return cw.Write(header)
	}
	rec := make([]string, len(header))
	err := each(func(row []any) error {
		if !started {
			if err := start(); err != nil {
				return err
			}
		}
		for i, v := range row {
			rec[i] = fmt.Sprint(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
		if n++; n%1000 == 0 {
			cw.Flush()
			// A long download keeps going as long as it makes progress.
			_ = rc.SetWriteDeadline(time.Now().Add(time.Minute))
			return cw.Error()
		}
		return nil
	})
	if err == nil && !started {
		err = start()
	}
	if err == nil {
		cw.Flush()
		err = cw.Error()
	}
	if err != nil && started {
		s.abortDownload(r, err)
	}
	return err
}

// abortDownload ends a download that failed half way: the client sees a
// broken transfer rather than a file that looks complete.
func (s *Server) abortDownload(r *http.Request, err error) {
	if !errors.Is(err, context.Canceled) {
		s.log.Error("download failed", "request_id", requestIDFrom(r.Context()), "path", r.URL.Path, "err", err)
	}
	panic(http.ErrAbortHandler)
}

func (s *Server) streamXLSX(w http.ResponseWriter, r *http.Request, name string, header []string, each func(emit func([]any) error) error) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return fmt.Errorf("server: xlsx: %w", err)
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("server: xlsx: %w", err)
	}
	n := 0
	err = each(func(row []any) error {
		if n++; n > xlsxMaxRows {
			return apperr.E(apperr.Invalid, "Terlalu banyak baris untuk satu berkas XLSX. Persempit saringannya atau unduh CSV.")
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+1)
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("server: xlsx: %w", err)
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, name))
	if _, err := f.WriteTo(w); err != nil {
		s.abortDownload(r, err)
	}
	return nil
}

// handleOutbox lists outgoing e-mail for admins.
func (s *Server) handleOutbox(w http.ResponseWriter, r *http.Request) error {
	list, err := mail.Outbox(r.Context(), s.db, 100)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.OutboxPage(s.page(r, "Kotak keluar e-mail"), list))
}

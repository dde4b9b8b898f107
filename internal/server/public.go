package server

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/opendata"
	"lapak/web"
)

// registerOpenDataRoutes adds the open data downloads: public, without a
// session (no cookie is read or set), so anyone and any program may fetch them.
func (s *Server) registerOpenDataRoutes(r chi.Router) {
	r.Get("/data/ocds/releases.json", s.h(s.handleOCDSReleases))
	r.Get("/data/ocds/releases/{ocid}.json", s.h(s.handleOCDSRelease))
	r.Get("/data/orders.{format:csv|xlsx}", s.h(s.handleOrderLinesDownload))
}

// registerTransparencyRoutes adds the public transparency page.
func (s *Server) registerTransparencyRoutes(r chi.Router) {
	r.Get("/transparansi", s.h(s.handleTransparency))
}

// openData returns the open data service for this site.
// openData is the open data service under the configured ocid prefix
// (LAPAK_OCID_PREFIX).
func (s *Server) openData() *opendata.Service {
	prefix := s.cfg.OCIDPrefix
	if prefix == "" {
		prefix = opendata.DefaultOCIDPrefix
	}
	return opendata.NewService(s.db, opendata.Site{OCIDPrefix: prefix, BaseURL: s.cfg.BaseURL})
}

// handleTransparency shows the totals, breakdowns and list of completed orders.
func (s *Server) handleTransparency(w http.ResponseWriter, r *http.Request) error {
	od := s.openData()
	ctx := r.Context()
	q := r.URL.Query()
	f, err := od.ParseStats(ctx, q.Get("year"), q.Get("opd"), q.Get("page"))
	if err != nil {
		return err
	}
	v := web.TransparencyView{Filter: f, Site: od.Site(), Downloads: f.Period(od.Site(), time.Now())}
	if v.Summary, err = od.Summary(ctx, f); err != nil {
		return err
	}
	if v.List, err = od.Orders(ctx, f); err != nil {
		return err
	}
	if v.Years, err = od.Years(ctx, time.Now()); err != nil {
		return err
	}
	if v.OPDs, err = od.OPDs(ctx); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.TransparencyPage(s.page(r, "Transparansi"), v))
}

// handleOCDSReleases streams one page of the OCDS release package of the
// orders completed in a period (the calendar year by default).
func (s *Server) handleOCDSReleases(w http.ResponseWriter, r *http.Request) error {
	od := s.openData()
	f, err := od.ParseFilter(r.Context(), queryOf(r), time.Now())
	if err != nil {
		return err
	}
	openDataHeaders(w, "application/json; charset=utf-8", "")
	return s.stream(w, r, func(out io.Writer) error {
		n, err := od.Export(r.Context(), out, f)
		if err == nil && n == 0 {
			msg := "Belum ada pesanan selesai pada periode ini. Coba periode lain."
			if f.Page > 1 {
				msg = fmt.Sprintf("Halaman %d melewati halaman terakhir untuk periode ini.", f.Page)
			}
			return apperr.E(apperr.NotFound, msg)
		}
		return err
	})
}

// handleOCDSRelease sends the release package of one completed order.
func (s *Server) handleOCDSRelease(w http.ResponseWriter, r *http.Request) error {
	openDataHeaders(w, "application/json; charset=utf-8", "")
	return s.stream(w, r, func(out io.Writer) error {
		return s.openData().ExportRelease(r.Context(), out, chi.URLParam(r, "ocid"))
	})
}

// handleOrderLinesDownload streams the lines of the orders completed in a
// period as CSV or XLSX.
func (s *Server) handleOrderLinesDownload(w http.ResponseWriter, r *http.Request) error {
	od := s.openData()
	f, err := od.ParseFilter(r.Context(), queryOf(r), time.Now())
	if err != nil {
		return err
	}
	name := "lapak-pesanan-selesai-" + f.From.Format("20060102") + "-" + f.To.Format("20060102")
	if chi.URLParam(r, "format") == "xlsx" {
		openDataHeaders(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name+".xlsx")
		return s.stream(w, r, func(out io.Writer) error { return od.WriteXLSX(r.Context(), out, f) })
	}
	openDataHeaders(w, "text/csv; charset=utf-8", name+".csv")
	return s.stream(w, r, func(out io.Writer) error { return od.WriteCSV(r.Context(), out, f) })
}

// queryOf reads the open data filters from the URL.
func queryOf(r *http.Request) opendata.Query {
	q := r.URL.Query()
	return opendata.Query{From: q.Get("from"), To: q.Get("to"), OPD: q.Get("opd"), Page: q.Get("page")}
}

// openDataHeaders marks a response as public data that any site may fetch
// and caches may keep for five minutes.
func openDataHeaders(w http.ResponseWriter, contentType, filename string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("Access-Control-Allow-Origin", "*")
	if filename != "" {
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, filename))
	}
}

// stream runs write on the response. Before the first byte an error is an
// ordinary error page; after it, the status is sent, so the connection is
// cut instead: a client never takes a broken download for a whole one. A
// client that went away is not an error. At most publicDownloads run at
// once; another is refused (apperr.TooMany) with nothing written.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, write func(io.Writer) error) error {
	dw := &downloadWriter{w: w, rc: http.NewResponseController(w)}
	var err error
	select {
	case s.downloads <- struct{}{}:
		err = func() error {
			defer func() { <-s.downloads }()
			// Room to build a large workbook before its first byte; Write extends it.
			_ = dw.rc.SetWriteDeadline(time.Now().Add(5 * time.Minute))
			return write(dw)
		}()
	default:
		err = apperr.E(apperr.TooMany, "Sedang ada beberapa unduhan data terbuka yang berjalan. Tunggu sebentar lalu coba lagi.")
	}
	switch {
	case err == nil:
		return nil
	case dw.n == 0:
		for _, k := range []string{"Content-Disposition", "Cache-Control", "Access-Control-Allow-Origin"} {
			w.Header().Del(k)
		}
		w.Header().Set("Cache-Control", "no-store")
		return err
	case r.Context().Err() != nil:
		return nil
	}
	s.log.Error("download broken off", "request_id", requestIDFrom(r.Context()), "path", r.URL.Path, "bytes", dw.n, "err", err)
	panic(http.ErrAbortHandler)
}

// downloadWriter counts what was written and, as a long download goes on,
// moves the connection's write deadline so the server's timeout does not
// cut a download that is still flowing.
type downloadWriter struct {
	w        http.ResponseWriter
	rc       *http.ResponseController
	n        int64
	extended time.Time
}

func (d *downloadWriter) Write(b []byte) (int, error) {
	if now := time.Now(); now.Sub(d.extended) > 5*time.Second {
		_ = d.rc.SetWriteDeadline(now.Add(time.Minute))
		d.extended = now
	}
	n, err := d.w.Write(b)
	d.n += int64(n)
	return n, err
}

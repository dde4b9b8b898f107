package opendata

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"time"

	"lapak/internal/postgres"
	"lapak/internal/wib"
)

// Export writes the OCDS release package of the completed orders f selects
// to w, oldest completion first. Releases are read from a database cursor
// and encoded one at a time, so memory stays constant however many orders
// there are. A page (f.Page > 0) ends with links.next when more follow.
// A release package must hold at least one release: when nothing matches,
// Export writes nothing and returns 0. It returns the number of releases
// written; a cancelled ctx stops it with ctx's error.
func Export(ctx context.Context, db postgres.DBTX, w io.Writer, f Filter) (n int, err error) {
	f.Site = f.Site.withDefaults()
	q, args := f.releaseQuery()
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("opendata: export: %w", postgres.Classify(err))
	}
	defer rows.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	more := false
	for rows.Next() {
		if f.Page > 0 && n == f.size() {
			more = true
			break
		}
		o, err := scanOrder(rows)
		if err != nil {
			return n, fmt.Errorf("opendata: export: read order: %w", err)
		}
		if n == 0 {
			err = writeHead(bw, f)
		} else {
			err = bw.WriteByte(',')
		}
		if err != nil {
			return n, fmt.Errorf("opendata: export: %w", err)
		}
		if err := enc.Encode(buildRelease(f.Site, o)); err != nil {
			return n, fmt.Errorf("opendata: export: release %d: %w", o.ID, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("opendata: export: %w", postgres.Classify(err))
	}
	if n == 0 {
		return 0, nil
	}
	if err := writeTail(bw, f, more); err != nil {
		return n, fmt.Errorf("opendata: export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("opendata: export: %w", err)
	}
	return n, nil
}

// writeHead writes the package's metadata and opens its releases array.
func writeHead(w *bufio.Writer, f Filter) error {
	head, err := json.Marshal(Package{
		URI:               f.uri(),
		Version:           "1.1",
		PublishedDate:     stamp(time.Now()),
		Publisher:         Publisher{Name: PublisherName},
		License:           License,
		PublicationPolicy: f.BaseURL + "/transparansi#data-terbuka",
	})
	if err != nil {
		return err
	}
	head = bytes.TrimSuffix(head, []byte("}"))
	if _, err := w.Write(head); err != nil {
		return err
	}
	_, err = w.WriteString(`,"extensions":["` + scaleExtension + `"],"releases":[` + "\n")
	return err
}

// scaleExtension defines parties' details.scale (micro, sme, large).
const scaleExtension = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_partyDetails_scale_extension/master/extension.json"

// writeTail closes the releases array, adding the paging links.
func writeTail(w *bufio.Writer, f Filter, more bool) error {
	var links Links
	if f.Page > 0 && more {
		links.Next = f.PageURL(f.Page + 1)
	}
	if f.Page > 1 {
		links.Prev = f.PageURL(f.Page - 1)
	}
	if _, err := w.WriteString("]"); err != nil {
		return err
	}
	if links != (Links{}) {
		b, err := json.Marshal(links)
		if err != nil {
			return err
		}
		if _, err := w.WriteString(`,"links":` + string(b)); err != nil {
			return err
		}
	}
	_, err := w.WriteString("}\n")
	return err
}

// uri is the address of the package f describes.
func (f Filter) uri() string {
	if f.orderID != 0 {
		return f.ReleaseURL(f.orderID)
	}
	return f.PageURL(f.Page)
}

// ReleaseURL is the address of the package of one order's release.
func (s Site) ReleaseURL(orderID int64) string {
	s = s.withDefaults()
	return s.BaseURL + "/data/ocds/releases/" + url.PathEscape(s.OCID(orderID)) + ".json"
}

// PageURL is the address of page of the release package with f's period and OPD.
func (f Filter) PageURL(page int) string {
	return f.withDefaults().BaseURL + "/data/ocds/releases.json" + f.query(page)
}

// DownloadURL is the site-relative address of the CSV or XLSX download with f's period and OPD.
func (f Filter) DownloadURL(format string) string {
	return "/data/orders." + format + f.query(0)
}

// query encodes f's period, OPD and page (when positive) as a URL query.
func (f Filter) query(page int) string {
	v := url.Values{}
	if !f.From.IsZero() {
		v.Set("from", wib.ISODate(f.From))
	}
	if !f.To.IsZero() {
		v.Set("to", wib.ISODate(f.To))
	}
	if f.OPDID != 0 {
		v.Set("opd", strconv.FormatInt(f.OPDID, 10))
	}
	if page > 0 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// ExportRelease writes the release package of the one order ocid names.
// An ocid of another publisher, or of an order not completed, is
// apperr.NotFound, and nothing is written.
func (s *Service) ExportRelease(ctx context.Context, w io.Writer, ocid string) error {
	id, ok := s.site.OrderID(ocid)
	if !ok {
		return notFound()
	}
	n, err := Export(ctx, s.db, w, Filter{Site: s.site, orderID: id})
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound()
	}
	return nil
}

// Export writes the release package f selects (see the package function
// Export) with the service's site.
func (s *Service) Export(ctx context.Context, w io.Writer, f Filter) (int, error) {
	f.Site = s.site
	return Export(ctx, s.db, w, f)
}

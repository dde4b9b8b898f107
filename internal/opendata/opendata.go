// Package opendata publishes completed orders to the public: the Open
// Contracting Data Standard (OCDS 1.1) release package, the same data as
// CSV and XLSX, and the aggregates of the transparency page. It reads the
// ordering tables and the reporting rollups and never writes them, and it
// never publishes personal data: no names of people, NIK, NIB, NPWP, phone
// numbers, e-mail or bank details, and no delivery addresses. It knows
// nothing of HTTP or HTML; see docs/opendata.md for the choices behind the
// OCDS mapping.
package opendata

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/postgres"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// DefaultOCIDPrefix is the ocid prefix used when none is configured. A real
// deployment registers its own prefix with the OCDS helpdesk.
const DefaultOCIDPrefix = "ocds-lapak1"

// PublisherName is who publishes the data.
const PublisherName = "Pemerintah Kabupaten Solok Selatan"

// License is the licence of the published data: Creative Commons Attribution 4.0.
const License = "https://creativecommons.org/licenses/by/4.0/"

// DefaultPageSize is how many releases one page of the release package holds.
const DefaultPageSize = 1000

// MaxPeriodDays is the longest period one request may ask for.
const MaxPeriodDays = 366

// Site says who publishes the data and where.
type Site struct {
	OCIDPrefix string // registered ocid prefix; default DefaultOCIDPrefix
	BaseURL    string // absolute URL of the site without a final slash; default http://localhost
}

func (s Site) withDefaults() Site {
	if s.OCIDPrefix == "" {
		s.OCIDPrefix = DefaultOCIDPrefix
	}
	if s.BaseURL == "" {
		s.BaseURL = "http://localhost"
	}
	s.BaseURL = strings.TrimRight(s.BaseURL, "/")
	return s
}

// OCID returns the ocid of order id.
func (s Site) OCID(orderID int64) string {
	return s.withDefaults().OCIDPrefix + "-" + strconv.FormatInt(orderID, 10)
}

// OrderID returns the order id in ocid, or false when ocid is not one of ours.
func (s Site) OrderID(ocid string) (int64, bool) {
	rest, ok := strings.CutPrefix(ocid, s.withDefaults().OCIDPrefix+"-")
	if !ok || rest == "" || rest[0] == '0' || rest[0] == '+' {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// Filter selects completed orders by the date they were completed and by
// OPD, and a page of them.
type Filter struct {
	Site
	From, To time.Time // completion dates (midnight WIB), both inclusive; zero: no bound
	OPDID    int64     // 0: every OPD
	Page     int       // 1-based page of PageSize releases; 0: every release
	PageSize int       // default DefaultPageSize

	orderID int64 // one order only
}

// Query is a filter as typed in a URL: dates as YYYY-MM-DD, numbers as text.
type Query struct {
	From, To, OPD, Page string
}

// Service reads completed orders for publication.
type Service struct {
	db   *pgxpool.Pool
	site Site
}

// NewService returns a Service on db publishing as site.
func NewService(db *pgxpool.Pool, site Site) *Service {
	return &Service{db: db, site: site.withDefaults()}
}

// Site returns the publication settings in use.
func (s *Service) Site() Site { return s.site }

// ParseFilter checks q: dates as YYYY-MM-DD, from not after to, at most
// MaxPeriodDays days, a known OPD and a positive page. Without dates it is
// the calendar year of now. Mistakes are validate.Errors with a message
// for each field.
func (s *Service) ParseFilter(ctx context.Context, q Query, now time.Time) (Filter, error) {
	f := Filter{Site: s.site, Page: 1}
	errs := validate.Errors{}
	year := now.In(wib.Location).Year()
	f.From = parseDay(errs, "from", q.From, time.Date(year, 1, 1, 0, 0, 0, 0, wib.Location))
	f.To = parseDay(errs, "to", q.To, time.Date(year, 12, 31, 0, 0, 0, 0, wib.Location))
	if q.From != "" && q.To == "" && !errs.Has("from") {
		f.To = f.From.AddDate(1, 0, -1)
	}
	if q.To != "" && q.From == "" && !errs.Has("to") {
		f.From = f.To.AddDate(-1, 0, 1)
	}
	if !errs.Has("from") && !errs.Has("to") {
		switch days := daysBetween(f.From, f.To) + 1; {
		case days < 1:
			errs.Add("to", "Tanggal akhir tidak boleh sebelum tanggal awal.")
		case days > MaxPeriodDays:
			errs.Add("to", fmt.Sprintf("Rentang tanggal paling lama %d hari (%d hari diminta). Unduh per tahun, misalnya from=%d-01-01&to=%d-12-31.",
				MaxPeriodDays, days, f.From.Year(), f.From.Year()))
		}
	}
	if q.Page != "" {
		n, err := strconv.Atoi(strings.TrimSpace(q.Page))
		if err != nil || n < 1 || n > 1_000_000 {
			errs.Add("page", "Nomor halaman harus bilangan bulat mulai dari 1.")
		}
		f.Page = n
	}
	if q.OPD != "" {
		id, err := s.opdID(ctx, q.OPD)
		if err != nil {
			return Filter{}, err
		}
		if id == 0 {
			errs.Add("opd", "OPD tidak dikenal. Pilih OPD dari daftar pada halaman Transparansi.")
		}
		f.OPDID = id
	}
	if err := errs.Err(); err != nil {
		return Filter{}, err
	}
	return f, nil
}

// parseDay reads field's value v as a WIB date, or gives def when v is empty.
func parseDay(errs validate.Errors, field, v string, def time.Time) time.Time {
	label := map[string]string{"from": "Tanggal awal", "to": "Tanggal akhir"}[field]
	if strings.TrimSpace(v) == "" {
		return def
	}
	t, err := wib.ParseDate(v)
	if err != nil {
		errs.Add(field, label+" harus berformat TTTT-BB-HH, misalnya 2026-01-31.")
		return def
	}
	if t.Year() < 2000 || t.Year() > 2100 {
		errs.Add(field, label+" harus antara tahun 2000 dan 2100.")
		return def
	}
	return t
}

// daysBetween counts calendar days from a to b (negative when b is earlier).
func daysBetween(a, b time.Time) int {
	ua := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	ub := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}

// opdID returns the id of the OPD named by v (its id or its code), or 0
// when there is none.
func (s *Service) opdID(ctx context.Context, v string) (int64, error) {
	v = strings.TrimSpace(v)
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		id = 0
	}
	var got int64
	err = s.db.QueryRow(ctx, `SELECT id FROM opds WHERE id = $1 OR code = $2 OR letter_code = $2`, id, strings.ToUpper(v)).Scan(&got)
	if err != nil {
		if errors.Is(err, postgres.ErrNoRows) {
			return 0, nil
		}
		return 0, fmt.Errorf("opendata: find opd %q: %w", v, postgres.Classify(err))
	}
	return got, nil
}

// notFound is the error for an ocid that names no published order.
func notFound() error {
	return apperr.E(apperr.NotFound, "Rilis OCDS ini tidak ada: hanya pesanan yang sudah selesai yang diterbitkan.")
}

// Package server is Lapak's only HTTP package: routes, middleware, sessions,
// every handler, and error pages. Handlers parse input, call one domain
// method, and render a web component or redirect; they hold no business rules.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/auth"
	"lapak/internal/catalog"
	"lapak/internal/metrics"
	"lapak/internal/notify"
	"lapak/internal/opd"
	"lapak/internal/ordering"
	"lapak/internal/region"
	"lapak/internal/supplier"
	"lapak/internal/workday"
)

// Config is what the server needs to know of the deployment.
type Config struct {
	BaseURL string
	Secure  bool   // served over HTTPS: cookies get the Secure flag
	DataDir string // data folder; uploaded files live in DataDir/files
	// OCIDPrefix is the registered OCDS ocid prefix of the open data feed;
	// empty uses opendata.DefaultOCIDPrefix.
	OCIDPrefix string
}

// Server holds the services and the HTTP machinery.
type Server struct {
	cfg      Config
	db       *pgxpool.Pool
	log      *slog.Logger
	sessions *scs.SessionManager
	metrics  *metrics.Registry
	httpReqs *metrics.CounterVec
	httpDur  *metrics.HistogramVec

	auth      *auth.Service
	opds      *opd.Service
	regions   *region.Service
	suppliers *supplier.Service
	catalog   *catalog.Service
	documents *supplier.Documents
	calendar  *workday.Calendar
	orders    *ordering.Service
	notes     *notify.Service
	// downloads admits the open-data downloads running at once: each
	// holds a database connection while it writes (publicDownloads).
	downloads chan struct{}
}

// publicDownloads is how many open-data downloads may run at once; the
// pool has a few connections per core (postgres.Open), and slow downloads
// must not hold them all.
const publicDownloads = 2

// New wires a Server on db.
func New(cfg Config, db *pgxpool.Pool, log *slog.Logger) *Server {
	s := &Server{
		cfg:       cfg,
		db:        db,
		log:       log,
		auth:      auth.NewService(db, cfg.BaseURL, log),
		opds:      opd.NewService(db),
		regions:   region.NewService(db),
		suppliers: supplier.NewService(db),
		catalog:   catalog.NewService(db),
		documents: newDocuments(cfg, db),
		calendar:  workday.Lazy(db),
		notes:     notify.NewService(db),
		downloads: make(chan struct{}, publicDownloads),
	}
	s.orders = ordering.NewService(db, s.calendar, blobStore(cfg))
	sm := scs.New()
	// Expired sessions are removed by the maintenance loop, not a store goroutine.
	sm.Store = pgxstore.NewWithCleanupInterval(db, 0)
	sm.Lifetime = 12 * time.Hour
	sm.IdleTimeout = 2 * time.Hour
	sm.Cookie.Name = "lapak_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.Secure
	sm.Cookie.Path = "/"
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.serveError(w, r, err) }
	s.sessions = sm

	s.metrics = metrics.NewRegistry()
	s.metrics.GoRuntime()
	s.httpReqs = s.metrics.Counter("lapak_http_requests_total", "HTTP requests by route and status.", "method", "route", "code")
	s.httpDur = s.metrics.Histogram("lapak_http_request_duration_seconds", "HTTP request duration by route.", metrics.DefaultDurationBuckets, "route")
	s.metrics.GaugeFunc("lapak_db_pool_total_conns", "Open database connections.", func() float64 { return float64(db.Stat().TotalConns()) })
	s.metrics.GaugeFunc("lapak_db_pool_acquired_conns", "Database connections in use.", func() float64 { return float64(db.Stat().AcquiredConns()) })
	return s
}

// Orders returns the ordering service (for the command line and tests).
func (s *Server) Orders() *ordering.Service { return s.orders }

// Auth returns the account service (for the command line and tests).
func (s *Server) Auth() *auth.Service { return s.auth }

// RunMaintenance removes stale sessions, login failures and reset secrets
// every interval until ctx ends.
func (s *Server) RunMaintenance(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.auth.Cleanup(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("maintenance", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// WarmCalendar loads the holiday calendar (it is otherwise loaded by its
// first use).
func (s *Server) WarmCalendar(ctx context.Context) error { return s.calendar.Reload(ctx) }

// Package app wires Lapak together: configuration, the database (external or
// the embedded cluster), migrations, demo data, background loops and the HTTP
// server. `lapak serve` and the end-to-end tests both start Lapak through it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/audit"
	"lapak/internal/config"
	"lapak/internal/demo"
	"lapak/internal/jobs"
	"lapak/internal/mail"
	"lapak/internal/postgres"
	"lapak/internal/reporting"
	"lapak/internal/server"
)

// App is a running Lapak: its database and its server.
type App struct {
	Cfg    config.Config
	Log    *slog.Logger
	DB     *pgxpool.Pool
	Local  *postgres.Local // the embedded cluster, nil with DATABASE_URL
	Server *server.Server
	Demo   []demo.Account // demo sign-ins, when seeded
}

// Options change how Open prepares the database.
type Options struct {
	Demo bool // seed the demo regency on a fresh database
}

// Open connects to the database (starting the embedded cluster when no
// DATABASE_URL is set), applies migrations and, if asked, seeds the demo.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, opts Options) (*App, error) {
	a := &App{Cfg: cfg, Log: log}
	dbURL := cfg.DatabaseURL
	if dbURL == "" {
		local, err := postgres.NewLocal(cfg.DataDir, log)
		if err != nil {
			return nil, err
		}
		if err := local.Start(ctx, "lapak"); err != nil {
			return nil, err
		}
		a.Local = local
		dbURL = local.URL("lapak")
	}
	if err := postgres.Migrate(ctx, dbURL); err != nil {
		a.Close()
		if postgres.IsUnavailable(errors.Unwrap(err)) || postgres.IsUnavailable(err) {
			return nil, fmt.Errorf("cannot reach PostgreSQL at DATABASE_URL (is the server running?): %w", err)
		}
		return nil, err
	}
	db, err := postgres.Open(ctx, dbURL)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.DB = db
	a.Server = server.New(server.Config{BaseURL: cfg.BaseURL, Secure: cfg.Secure(), DataDir: cfg.DataDir, OCIDPrefix: cfg.OCIDPrefix}, db, log)
	if opts.Demo {
		if a.Demo, err = demo.Seed(ctx, db, a.Server.Auth()); err != nil {
			a.Close()
			return nil, err
		}
		if err := demo.SeedOnboarding(ctx, db, cfg.DataDir, cfg.BaseURL); err != nil {
			a.Close()
			return nil, err
		}
	}
	return a, nil
}

// Serve runs the HTTP server on ln, the background loops and the job queue
// until ctx ends, then drains requests for up to 15 seconds and lets
// running jobs finish.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Server.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	// The job queue runs the order timers; each app server works its jobs.
	stopJobs, err := jobs.Start(ctx, a.DB, a.Server.Orders(), a.Log, jobs.Options{})
	if err != nil {
		return err
	}
	loops, stopLoops := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	// Load the holiday calendar now rather than inside the first order
	// transitions, which would each hold a connection while waiting for it.
	wg.Go(func() { _ = a.Server.WarmCalendar(loops) })
	wg.Go(func() { audit.RunSealer(loops, a.DB, time.Second, a.Log) })
	wg.Go(func() { reporting.RunDrainer(loops, a.DB, time.Second, a.Log) })
	wg.Go(func() {
		c := a.Cfg.SMTP
		smtp := mail.SMTPConfig{Host: c.Host, Port: c.Port, Username: c.Username, Password: c.Password, From: c.From}
		(&mail.Sender{DB: a.DB, SMTP: smtp, Log: a.Log}).Run(loops, 5*time.Second)
	})
	wg.Go(func() { a.Server.RunMaintenance(loops, 15*time.Minute) })
	if a.Local != nil {
		wg.Go(func() { a.Local.Watch(loops, 2*time.Second) })
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		a.Log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		err = srv.Shutdown(sctx)
		cancel()
	}
	stopLoops()
	wg.Wait()
	jctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	if jerr := stopJobs(jctx); jerr != nil {
		a.Log.Error("stop jobs", "err", jerr)
	}
	cancel()
	// Seal what the last requests wrote, so the chain is complete at rest.
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_, _ = audit.Seal(sctx, a.DB)
	cancel()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Close releases the pool and stops the embedded cluster.
func (a *App) Close() {
	if a.DB != nil {
		a.DB.Close()
	}
	if a.Local != nil {
		if err := a.Local.Stop(); err != nil {
			a.Log.Error("stop PostgreSQL", "err", err)
		}
	}
}

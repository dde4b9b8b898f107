// Package postgres opens the connection pool, applies migrations, classifies
// database errors into apperr kinds, and runs the embedded local cluster that
// Lapak starts when no DATABASE_URL is given. It knows nothing of the domain.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
)

// DBTX is satisfied by *pgxpool.Pool and pgx.Tx, so helpers can run inside a
// caller's transaction or on their own.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// Open connects a pool to url. It does not fail when the server is down: the
// pool connects lazily and recovers by itself when PostgreSQL comes back.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse url: %w", err)
	}
	// Three connections per core (at least 6): on two cores, 20 busy
	// backends spent their time preempting each other, and the one holding
	// a row lock made everyone behind it wait longer (lapak bench order:
	// checkout p95 about 110 ms with 20, 60–70 ms with 6; docs/ordering.md,
	// "Speed"). Requests beyond it queue in the pool; open-data downloads,
	// which hold a connection while they write, are limited apart
	// (server.publicDownloads). pool_max_conns in the URL overrides it.
	if !strings.Contains(url, "pool_max_conns=") {
		cfg.MaxConns = int32(max(6, 3*runtime.GOMAXPROCS(0)))
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.HealthCheckPeriod = 5 * time.Second
	cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	cfg.ConnConfig.RuntimeParams["application_name"] = "lapak"
	cfg.ConnConfig.RuntimeParams["timezone"] = "Asia/Jakarta"
	// JIT compilation costs seconds on report queries over large tables
	// and saves nothing on Lapak's short queries.
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	// Lapak's working set is in memory (or on SSD): an index page costs
	// about what a sequential one does. With the default of 4 the planner
	// reads whole small tables (users, packages, order lines of a young
	// database) by hash joins where one order needs a few index lookups,
	// and cached plans keep that choice as the tables grow.
	cfg.ConnConfig.RuntimeParams["random_page_cost"] = "1.1"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	return pool, nil
}

// Tx runs fn in a transaction on db, committing when fn returns nil.
func Tx(ctx context.Context, db *pgxpool.Pool, fn func(tx pgx.Tx) error) error {
	return Classify(pgx.BeginFunc(ctx, db, fn))
}

// Classify turns database errors that users can cause or that mean the
// database is away into apperr kinds; other errors pass through unchanged.
func Classify(err error) error {
	if err == nil || apperr.KindOf(err) != nil {
		return err
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			return apperr.Wrap(apperr.Conflict, "", err)
		case "23514", "23502", "22001", "22P02", "23503": // check, not null, too long, bad text, foreign key
			return apperr.Wrap(apperr.Invalid, "", err)
		case "40001", "40P01": // serialization failure, deadlock
			return apperr.Wrap(apperr.Conflict, "Data sedang diubah oleh pengguna lain. Silakan coba lagi.", err)
		case "57P01", "57P02", "57P03", "53300": // admin shutdown, crash shutdown, cannot connect now, too many connections
			return apperr.Wrap(apperr.Unavailable, "", err)
		}
		return err
	}
	if IsUnavailable(err) {
		return apperr.Wrap(apperr.Unavailable, "", err)
	}
	return err
}

// IsUnavailable reports whether err means the database could not be reached.
func IsUnavailable(err error) bool {
	var connErr *pgconn.ConnectError
	var netErr net.Error
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr):
		return pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	case errors.As(err, &connErr), errors.As(err, &netErr):
		return true
	case pgconn.SafeToRetry(err):
		return true
	}
	return false
}

// ErrNoRows is pgx.ErrNoRows, re-exported so domain packages can test for it.
var ErrNoRows = pgx.ErrNoRows

// NotFound converts pgx.ErrNoRows into apperr.NotFound with msg; other errors pass through.
func NotFound(err error, msg string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.Wrap(apperr.NotFound, msg, err)
	}
	return Classify(err)
}

// Every runs fn every interval until ctx ends, logging its errors as name
// except those of a database that is away (the pool recovers by itself) and
// those of a shutdown. The background loops next to the requests use it.
func Every(ctx context.Context, every time.Duration, log *slog.Logger, name string, fn func(context.Context) error) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := fn(ctx); err != nil && ctx.Err() == nil && apperr.KindOf(Classify(err)) != apperr.Unavailable {
			log.Error(name, "err", err)
		}
	}
}

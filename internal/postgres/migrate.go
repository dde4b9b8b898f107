package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // registers pgx5://
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"lapak/migrations"
)

// Migrate applies every pending migration to the database at dbURL. Concurrent
// callers are serialised by golang-migrate's advisory lock, so two instances
// may start together.
func Migrate(ctx context.Context, dbURL string) error {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return fmt.Errorf("postgres: migrations source: %w", err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return fmt.Errorf("postgres: parse url: %w", err)
	}
	u.Scheme = "pgx5"
	// The pool's own settings (pool_max_conns and the like, which Open
	// reads) are not connection parameters: the server would refuse them.
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	m, err := migrate.NewWithSourceInstance("iofs", src, u.String())
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer m.Close()
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			m.GracefulStop <- true
		case <-done:
		}
	}()
	defer close(done)
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("postgres: migrate up: %w", err)
	}
	return nil
}

// MigrationsVersion returns a short fingerprint of the embedded migration files,
// used to name test template databases.
func MigrationsVersion() string {
	entries, _ := migrations.FS.ReadDir(".")
	var b strings.Builder
	for _, e := range entries {
		data, _ := migrations.FS.ReadFile(e.Name())
		b.WriteString(e.Name())
		b.Write(data)
	}
	return shortHash(b.String())
}

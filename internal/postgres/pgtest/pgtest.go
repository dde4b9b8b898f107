// Package pgtest gives tests real PostgreSQL databases: one private cluster per
// test run (or the server named by LAPAK_TEST_DATABASE_URL), a migrated template
// database, and a fresh clone of it per test, so tests run in parallel.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/postgres"
)

// EnvURL names a maintenance database (usually .../postgres) of a running server
// to use instead of starting a cluster; `make test` sets it to share one cluster.
const EnvURL = "LAPAK_TEST_DATABASE_URL"

var (
	adminURL string
	cluster  *postgres.Local

	tmplOnce sync.Once
	tmplName string
	tmplErr  error
)

// Main runs a package's tests with a database server: call it from TestMain.
// Without LAPAK_TEST_DATABASE_URL it starts a private cluster for this run and
// stops it afterwards. A missing PostgreSQL makes the run fail, never skip.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if u := os.Getenv(EnvURL); u != "" {
		adminURL = u
		return m.Run()
	}
	c, dir, err := StartCluster()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		return 1
	}
	cluster = c
	defer os.RemoveAll(dir)
	defer c.Stop()
	adminURL = c.URL("postgres")
	return m.Run()
}

// StartCluster starts a fast, throwaway cluster in a new folder under the
// system temp folder and returns it with that folder.
func StartCluster() (*postgres.Local, string, error) {
	dir, err := os.MkdirTemp("", "lapak-test-")
	if err != nil {
		return nil, "", err
	}
	// The postgres user must be able to enter it when tests run as root.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, "", err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := postgres.NewLocal(dir, log)
	if err != nil {
		return nil, "", err
	}
	c.Fast = true
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.Start(ctx, ""); err != nil {
		os.RemoveAll(dir)
		return nil, "", err
	}
	return c, dir, nil
}

// Cluster returns the private cluster of this run, or nil when tests use an external server.
func Cluster() *postgres.Local { return cluster }

// New returns a pool on a fresh, migrated database that is dropped when the test ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	u := NewURL(t)
	pool, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("pgtest: open: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// NewURL creates a fresh, migrated database for t and returns its URL.
func NewURL(t testing.TB) string {
	t.Helper()
	if adminURL == "" {
		t.Fatal("pgtest: no database server: call pgtest.Main(m) from TestMain, or set " + EnvURL)
	}
	tmplOnce.Do(func() { tmplName, tmplErr = ensureTemplate() })
	if tmplErr != nil {
		t.Fatalf("pgtest: template database: %v", tmplErr)
	}
	return NewURLFrom(t, tmplName)
}

// NewURLFrom creates a fresh database for t cloned from template (the
// migrated template, or one made by MakeTemplate), dropped when the test
// ends, and returns its URL.
func NewURLFrom(t testing.TB, template string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	name := "t_" + randomHex(8)
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template)); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, adminURL)
		if err != nil {
			t.Errorf("pgtest: connect for drop: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database: %v", err)
		}
	})
	return withDatabase(adminURL, name)
}

// MakeTemplate creates a database cloned from the migrated template, lets
// fill write into it (given its URL; fill must close its connections), and
// marks it a template for NewURLFrom. It returns the database's name. Use it
// for expensive fixtures shared by a package's tests, such as the demo.
func MakeTemplate(fill func(url string) error) (string, error) {
	if adminURL == "" {
		return "", fmt.Errorf("pgtest: no database server: call pgtest.Main(m) from TestMain, or set %s", EnvURL)
	}
	tmplOnce.Do(func() { tmplName, tmplErr = ensureTemplate() })
	if tmplErr != nil {
		return "", tmplErr
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	name := "f_" + randomHex(8)
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmplName)); err != nil {
		return "", err
	}
	if err := fill(withDatabase(adminURL, name)); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+name+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		return "", err
	}
	return name, nil
}

// ensureTemplate creates the migrated template database once per migrations
// version, under an advisory lock shared by every test process of the run.
func ensureTemplate() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	name := "lapak_tmpl_" + postgres.MigrationsVersion()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(727001)"); err != nil {
		return "", err
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(727001)")
	var isTemplate *bool
	err = conn.QueryRow(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", name).Scan(&isTemplate)
	if err != nil && err != pgx.ErrNoRows {
		return "", err
	}
	if isTemplate != nil && *isTemplate {
		return name, nil
	}
	if isTemplate != nil { // left half-built by a crashed run
		if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			return "", err
		}
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	if err := postgres.Migrate(ctx, withDatabase(adminURL, name)); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+name+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		return "", err
	}
	return name, nil
}

// withDatabase returns u with its database name replaced by name.
func withDatabase(u, name string) string {
	p, err := url.Parse(u)
	if err != nil {
		panic(err)
	}
	p.Path = "/" + name
	return p.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"lapak/internal/apperr"
	"lapak/internal/postgres"
	"lapak/internal/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestMigrate_IsIdempotent(t *testing.T) {
	t.Parallel()
	u := pgtest.NewURL(t)
	// The template is migrated already: running again must be a no-op.
	if err := postgres.Migrate(context.Background(), u); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
}

func TestClassify_UniqueViolationIsConflict(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	q := `INSERT INTO kecamatan (code, name) VALUES ('13.11.01', 'Sangir')`
	if _, err := db.Exec(ctx, q); err != nil {
		t.Fatal(err)
	}
	_, err := db.Exec(ctx, q)
	if got := postgres.Classify(err); !errors.Is(got, apperr.Conflict) {
		t.Errorf("got %v, want conflict", got)
	}
	_, err = db.Exec(ctx, `INSERT INTO kecamatan (code, name) VALUES ('bad', 'X')`)
	if got := postgres.Classify(err); !errors.Is(got, apperr.Invalid) {
		t.Errorf("got %v, want invalid", got)
	}
}

// TestMigrate_IgnoresPoolSettings: pool_max_conns in DATABASE_URL sizes the
// pool (Open) and does not reach the server when migrating, which would
// refuse it as an unknown parameter.
func TestMigrate_IgnoresPoolSettings(t *testing.T) {
	url := pgtest.NewURL(t)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	url += sep + "pool_max_conns=3"
	if err := postgres.Migrate(context.Background(), url); err != nil {
		t.Fatalf("migrate with pool_max_conns: %v", err)
	}
	db, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := db.Config().MaxConns; got != 3 {
		t.Errorf("pool size %d, want 3 from the URL", got)
	}
}

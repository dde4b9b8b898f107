package postgres_test

import (
	"context"
	"errors"
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

package reporting

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/postgres"
)

// Drain brings the red flags and the spending facts (with their rollups)
// up to date with every committed order change noted in reporting_queue
// (migration 000062), in one transaction of its own, and returns how many
// orders it looked at. The order transactions only note what changed; the
// readers here call Drain first, so what they show includes every order
// committed before the read. Drains run one at a time.
func Drain(ctx context.Context, db postgres.DBTX) (int, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT reporting_drain()`).Scan(&n); err != nil {
		return 0, fmt.Errorf("reporting: drain: %w", postgres.Classify(err))
	}
	return n, nil
}

// RunDrainer drains every interval until ctx ends, so that the queue stays
// short and the public pages, which do not drain, lag by about every.
func RunDrainer(ctx context.Context, db *pgxpool.Pool, every time.Duration, log *slog.Logger) {
	postgres.Every(ctx, every, log, "reporting drainer", func(ctx context.Context) error {
		_, err := Drain(ctx, db)
		return err
	})
}

// drain is Drain on the service's pool, for its readers.
func (s *Service) drain(ctx context.Context) error {
	_, err := Drain(ctx, s.db)
	return err
}

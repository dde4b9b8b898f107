package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/blob"
	"lapak/internal/demo"
	"lapak/internal/jobs"
	"lapak/internal/ordering"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/workday"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// startJobs starts the job client on db and stops it when the test ends,
// failing the test when it does not stop cleanly.
func startJobs(t *testing.T, db *pgxpool.Pool, timers jobs.Timers, opts jobs.Options) {
	t.Helper()
	stop, err := jobs.Start(context.Background(), db, timers, quiet, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
}

// insertOverdueOrder writes an order of a fresh OPD official to a fresh
// supplier, waiting on the PPK since before its deadline, a minute ago.
func insertOverdueOrder(t *testing.T, db *pgxpool.Pool) int64 {
	t.Helper()
	ctx := context.Background()
	if err := demo.SeedReference(ctx, db); err != nil {
		t.Fatal(err)
	}
	var id int64
	err := db.QueryRow(ctx, `WITH
		s AS (INSERT INTO suppliers (name, kecamatan_code, status, scale) VALUES ('Toko Uji Timer', '13.11.01', 'verified', 'mikro') RETURNING id),
		u AS (INSERT INTO users (name, email, password_hash) VALUES ('PPK Uji', 'ppk@uji.test', 'x') RETURNING id),
		d AS (SELECT id FROM opds ORDER BY id LIMIT 1),
		p AS (INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, fiscal_year, ppk_user_id)
			SELECT d.id, '51239999', 'Paket uji', 10000000, 'APBD', 2026, u.id FROM d, u RETURNING id, opd_id, ppk_user_id)
		INSERT INTO orders (opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key, delivery_address,
			requested_date, supplier_pkp, supplier_pp55, total, rule_outcome, deadline_at)
		SELECT p.opd_id, s.id, p.id, p.ppk_user_id, p.ppk_user_id, 'awaiting_ppk', 'timer-test-key', 'Jl. Uji No. 1',
			'2026-12-10', false, false, 0, '{"Results": []}', now() - interval '1 minute'
		FROM p, s RETURNING id`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The periodic job runs the order timers: an order past its deadline
// expires within seconds of the client starting, with no request involved.
func TestStart_ExpiresAnOrderPastItsDeadline(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	id := insertOverdueOrder(t, db)
	orders := ordering.NewService(db, workday.Fixed(), blob.NewLocal(t.TempDir()))
	startJobs(t, db, orders, jobs.Options{TimersEvery: 500 * time.Millisecond})

	ctx := context.Background()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var state string
		if err := db.QueryRow(ctx, `SELECT state FROM orders WHERE id = $1`, id).Scan(&state); err != nil {
			t.Fatal(err)
		}
		if state == string(ordering.Expired) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("order still %s after 20 seconds", state)
		}
	}
	// River records a job's completion shortly after the work commits.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var runs int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'order_timers' AND state = 'completed'`).Scan(&runs); err != nil {
			t.Fatal(err)
		}
		if runs > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no completed order_timers job in river_job after 20 seconds")
		}
	}
}

// flakyTimers fails its first run and succeeds afterwards.
type flakyTimers struct{ calls atomic.Int32 }

func (f *flakyTimers) RunTimers(context.Context) (ordering.TimerStats, error) {
	if f.calls.Add(1) == 1 {
		return ordering.TimerStats{}, errors.New("database went away")
	}
	return ordering.TimerStats{Expired: 1}, nil
}

// A failed run is retried by river, and its error is kept on the job.
func TestStart_FailedRunIsRetried(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	timers := &flakyTimers{}
	startJobs(t, db, timers, jobs.Options{TimersEvery: time.Hour}) // only the run at start

	ctx := context.Background()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var attempt, errs int
		var state string
		err := db.QueryRow(ctx, `SELECT attempt, coalesce(array_length(errors, 1), 0), state FROM river_job
			WHERE kind = 'order_timers' ORDER BY id LIMIT 1`).Scan(&attempt, &errs, &state)
		if err == nil && state == "completed" {
			if attempt != 2 || errs != 1 || timers.calls.Load() != 2 {
				t.Fatalf("completed at attempt %d with %d errors after %d calls, want 2, 1, 2", attempt, errs, timers.calls.Load())
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("job not completed after 30 seconds (attempt %d, state %q, %d calls, err %v)", attempt, state, timers.calls.Load(), err)
		}
	}
}

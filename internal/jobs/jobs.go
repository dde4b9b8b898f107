// Package jobs runs Lapak's background work on river, a job queue kept in
// PostgreSQL, so work survives a restart and several app servers share it:
// today the order timers, every minute. It owns river's client and workers;
// what a job does belongs to the domain it calls (ordering.RunTimers), and
// river's tables come with the migrations (000043). The mail outbox keeps
// its own loop (mail.Sender).
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"lapak/internal/ordering"
)

// Timers runs the order timers; *ordering.Service is one.
type Timers interface {
	RunTimers(ctx context.Context) (ordering.TimerStats, error)
}

// Options tune the jobs; the zero value is what `lapak serve` uses.
type Options struct {
	TimersEvery time.Duration // how often the order timers run; default one minute
}

// DefaultTimersEvery is how often the order timers run.
const DefaultTimersEvery = time.Minute

// TimersArgs is the job that runs the order timers once.
type TimersArgs struct{}

// Kind names the job in river's tables.
func (TimersArgs) Kind() string { return "order_timers" }

// InsertOpts gives up a failed run after a few tries: the next period runs
// the timers again anyway, since what is due is read from the orders.
func (TimersArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3}
}

// timersWorker runs the order timers and logs what they did.
type timersWorker struct {
	river.WorkerDefaults[TimersArgs]
	orders Timers
	log    *slog.Logger
}

// Timeout leaves a run with a backlog (after an outage) time to finish.
func (w *timersWorker) Timeout(*river.Job[TimersArgs]) time.Duration { return 5 * time.Minute }

// Work runs the timers once; an error makes river log it and retry.
func (w *timersWorker) Work(ctx context.Context, job *river.Job[TimersArgs]) error {
	st, err := w.orders.RunTimers(ctx)
	if st != (ordering.TimerStats{}) {
		w.log.Info("order timers", "expired", st.Expired, "reminded", st.Reminded,
			"payment_alerts", st.PaymentAlerts, "completed", st.Completed)
	}
	if err != nil {
		return fmt.Errorf("jobs: order timers: %w", err)
	}
	return nil
}

// Start starts river's client on pool with the periodic order timers and
// returns a stop function that waits for running jobs (cancelling them
// after 10 seconds) or until its ctx ends. Only the elected leader among
// the app servers schedules the periodic job; every server works jobs.
func Start(ctx context.Context, pool *pgxpool.Pool, orders Timers, log *slog.Logger, opts Options) (stop func(context.Context) error, err error) {
	every := opts.TimersEvery
	if every <= 0 {
		every = DefaultTimersEvery
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &timersWorker{orders: orders, log: log}); err != nil {
		return nil, fmt.Errorf("jobs: add worker: %w", err)
	}
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Logger:          slog.New(warnings{log.With("component", "river").Handler()}),
		Queues:          map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}},
		Workers:         workers,
		SoftStopTimeout: 10 * time.Second,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(every), func() (river.JobArgs, *river.InsertOpts) {
				return TimersArgs{}, nil
			}, &river.PeriodicJobOpts{ID: "order_timers", RunOnStart: true}),
		},
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: new client: %w", err)
	}
	// The client stops through stop, not when the caller's ctx ends.
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("jobs: start: %w", err)
	}
	log.Info("job queue started", "order_timers_every", every)
	return func(ctx context.Context) error {
		if err := client.Stop(ctx); err != nil {
			return fmt.Errorf("jobs: stop: %w", err)
		}
		log.Info("job queue stopped")
		return nil
	}, nil
}

// warnings passes on river's warnings and errors only: its info lines
// (job counts after every run) would fill the log.
type warnings struct{ slog.Handler }

func (h warnings) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnings) WithAttrs(attrs []slog.Attr) slog.Handler {
	return warnings{h.Handler.WithAttrs(attrs)}
}

func (h warnings) WithGroup(name string) slog.Handler { return warnings{h.Handler.WithGroup(name)} }

package mail_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/mail"
	"lapak/internal/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// row is an outbox row as the tests inspect it.
type row struct {
	To        string
	Sent      bool
	Attempts  int
	LastError string
	// NextIn is how far in the future the next attempt is, rounded to seconds.
	NextIn time.Duration
}

func rows(t *testing.T, db *pgxpool.Pool) []row {
	t.Helper()
	rs, err := db.Query(context.Background(), `SELECT to_address, sent_at IS NOT NULL, attempts, last_error,
		greatest(extract(epoch FROM next_attempt - now()), 0)::bigint FROM outbox_emails ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		var secs int64
		if err := rs.Scan(&r.To, &r.Sent, &r.Attempts, &r.LastError, &secs); err != nil {
			t.Fatal(err)
		}
		r.NextIn = time.Duration(secs) * time.Second
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustEnqueue(t *testing.T, db *pgxpool.Pool, to string) {
	t.Helper()
	err := pgx.BeginFunc(context.Background(), db, func(tx pgx.Tx) error {
		return mail.Enqueue(context.Background(), tx, mail.Message{To: to, Subject: "Pesanan baru", Body: "Ada pesanan baru untuk Anda."})
	})
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
}

// TestDeliverPending_LogOnly: without an SMTP host, queued messages are
// written to the log and marked sent, once each; rolled-back ones never exist.
func TestDeliverPending_LogOnly(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	mustEnqueue(t, db, "a@test.id")
	mustEnqueue(t, db, "b@test.id")
	errAbort := errors.New("abort")
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := mail.Enqueue(ctx, tx, mail.Message{To: "batal@test.id", Subject: "Batal", Body: "x"}); err != nil {
			return err
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("BeginFunc = %v, want the abort error", err)
	}

	s := &mail.Sender{DB: db, Log: discard}
	n, err := s.DeliverPending(ctx)
	if err != nil || n != 2 {
		t.Fatalf("DeliverPending = %d, %v; want 2, nil", n, err)
	}
	want := []row{
		{To: "a@test.id", Sent: true, Attempts: 1},
		{To: "b@test.id", Sent: true, Attempts: 1},
	}
	if diff := cmp.Diff(rows(t, db), want); diff != "" {
		t.Errorf("outbox mismatch (-got +want):\n%s", diff)
	}
	if n, err := s.DeliverPending(ctx); err != nil || n != 0 {
		t.Errorf("second DeliverPending = %d, %v; want 0, nil: nothing is sent twice", n, err)
	}
}

// TestDeliverPending_SMTPDown: when the SMTP server cannot be reached the
// message stays unsent, with the error and attempt recorded and the next
// attempt a minute later; it is not retried before then.
func TestDeliverPending_SMTPDown(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	mustEnqueue(t, db, "a@test.id")

	s := &mail.Sender{DB: db, Log: discard,
		SMTP: mail.SMTPConfig{Host: "127.0.0.1", Port: 1, From: "Lapak <noreply@lapak.test>"}}
	for range 2 {
		n, err := s.DeliverPending(ctx)
		if err != nil || n != 0 {
			t.Fatalf("DeliverPending = %d, %v; want 0, nil", n, err)
		}
	}
	got := rows(t, db)
	if len(got) != 1 {
		t.Fatalf("got %d rows, want 1", len(got))
	}
	r := got[0]
	if r.Sent || r.Attempts != 1 || r.LastError == "" {
		t.Errorf("row = %+v; want unsent, 1 attempt, an error recorded", r)
	}
	if r.NextIn < 50*time.Second || r.NextIn > time.Minute {
		t.Errorf("next attempt in %v, want about a minute", r.NextIn)
	}
}

// TestOutbox_AdminsOnly: only admins read the outbox, which holds reset links.
func TestOutbox_AdminsOnly(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	mustEnqueue(t, db, "a@test.id")
	mustEnqueue(t, db, "b@test.id")

	for _, r := range auth.Roles {
		if r == auth.RoleAdmin {
			continue
		}
		t.Run(string(r)+" is forbidden", func(t *testing.T) {
			ctx := auth.WithUser(context.Background(), &auth.User{ID: 5, Name: "Orang", Grants: []auth.Grant{{Role: r}}}, "")
			list, err := mail.Outbox(ctx, db, 10)
			if !errors.Is(err, apperr.Forbidden) || list != nil {
				t.Errorf("Outbox = %d messages, %v; want none, forbidden", len(list), err)
			}
		})
	}
	t.Run("nobody signed in is forbidden", func(t *testing.T) {
		if _, err := mail.Outbox(context.Background(), db, 10); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("Outbox = %v, want forbidden", err)
		}
	})
	t.Run("admin reads newest first", func(t *testing.T) {
		ctx := auth.WithUser(context.Background(), &auth.User{ID: 1, Name: "Admin", Grants: []auth.Grant{{Role: auth.RoleAdmin}}}, "")
		list, err := mail.Outbox(ctx, db, 10)
		if err != nil {
			t.Fatalf("Outbox: %v", err)
		}
		var to []string
		for _, q := range list {
			to = append(to, q.To)
		}
		if diff := cmp.Diff(to, []string{"b@test.id", "a@test.id"}); diff != "" {
			t.Errorf("recipients mismatch (-got +want):\n%s", diff)
		}
	})
}

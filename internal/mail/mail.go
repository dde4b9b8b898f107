// Package mail queues outgoing e-mail in the outbox table, inside the
// transaction that causes it, and delivers it afterwards: over SMTP when
// configured, otherwise to the log (development). Admins can read the outbox.
package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/postgres"
)

// Message is one e-mail in plain text.
type Message struct {
	To      string
	Subject string
	Body    string
}

// Enqueue writes m to the outbox using db (normally the caller's transaction).
func Enqueue(ctx context.Context, db postgres.DBTX, m Message) error {
	_, err := db.Exec(ctx, `INSERT INTO outbox_emails (to_address, subject, body) VALUES ($1, $2, $3)`, m.To, m.Subject, m.Body)
	if err != nil {
		return fmt.Errorf("mail: enqueue: %w", err)
	}
	return nil
}

// SMTPConfig says where to deliver; an empty Host means log only.
type SMTPConfig struct {
	Host, Username, Password, From string
	Port                           int
}

// Sender delivers queued e-mail.
type Sender struct {
	DB   *pgxpool.Pool
	SMTP SMTPConfig
	Log  *slog.Logger
}

// Run delivers pending mail every interval until ctx ends.
func (s *Sender) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.DeliverPending(ctx); err != nil && ctx.Err() == nil && apperr.KindOf(err) != apperr.Unavailable {
			s.Log.Error("mail: deliver", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DeliverPending sends every message due now and returns how many were sent.
// A failed delivery is retried later with growing delays, up to 10 attempts.
func (s *Sender) DeliverPending(ctx context.Context) (int, error) {
	sent := 0
	for {
		done, err := s.deliverOne(ctx)
		if err != nil || !done {
			return sent, err
		}
		sent++
	}
}

func (s *Sender) deliverOne(ctx context.Context) (bool, error) {
	delivered := false
	err := pgx.BeginFunc(ctx, s.DB, func(tx pgx.Tx) error {
		var id int64
		var m Message
		var attempts int
		err := tx.QueryRow(ctx, `
			SELECT id, to_address, subject, body, attempts FROM outbox_emails
			WHERE sent_at IS NULL AND attempts < 10 AND next_attempt <= now()
			ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`).Scan(&id, &m.To, &m.Subject, &m.Body, &attempts)
		if err == pgx.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		if sendErr := s.send(m); sendErr != nil {
			delay := time.Duration(1<<attempts) * time.Minute
			_, err = tx.Exec(ctx, `UPDATE outbox_emails SET attempts = attempts + 1, last_error = $2, next_attempt = now() + $3::interval WHERE id = $1`,
				id, sendErr.Error(), delay.String())
			s.Log.Warn("mail: delivery failed", "id", id, "to", m.To, "err", sendErr)
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE outbox_emails SET attempts = attempts + 1, sent_at = now(), last_error = '' WHERE id = $1`, id)
		delivered = err == nil
		return err
	})
	return delivered, postgres.Classify(err)
}

func (s *Sender) send(m Message) error {
	if s.SMTP.Host == "" {
		s.Log.Info("mail (no SMTP configured; shown here and in the admin outbox)", "to", m.To, "subject", m.Subject, "body", m.Body)
		return nil
	}
	addr := net.JoinHostPort(s.SMTP.Host, strconv.Itoa(s.SMTP.Port))
	var auth smtp.Auth
	if s.SMTP.Username != "" {
		auth = smtp.PlainAuth("", s.SMTP.Username, s.SMTP.Password, s.SMTP.Host)
	}
	from := s.SMTP.From
	envelopeFrom := from
	if i := strings.LastIndex(from, "<"); i >= 0 {
		envelopeFrom = strings.Trim(from[i:], "<>")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nDate: %s\r\n\r\n",
		from, m.To, encodeHeader(m.Subject), time.Now().Format(time.RFC1123Z))
	b.WriteString(strings.ReplaceAll(m.Body, "\n", "\r\n"))
	return smtp.SendMail(addr, auth, envelopeFrom, []string{m.To}, []byte(b.String()))
}

// encodeHeader encodes non-ASCII subjects as RFC 2047 words.
func encodeHeader(s string) string {
	for _, r := range s {
		if r > 127 {
			return "=?UTF-8?Q?" + strings.NewReplacer("=", "=3D", "?", "=3F", "_", "=5F", " ", "_").Replace(s) + "?="
		}
	}
	return s
}

// Queued is an outbox message as admins see it.
type Queued struct {
	ID        int64
	To        string
	Subject   string
	Body      string
	CreatedAt time.Time
	SentAt    *time.Time
	Attempts  int
	LastError string
}

// Outbox lists the newest messages. Only admins may read it: it holds reset links.
func Outbox(ctx context.Context, db postgres.DBTX, limit int) ([]Queued, error) {
	if !audit.ActorFrom(ctx).HasRole("admin") {
		return nil, apperr.E(apperr.Forbidden, "Hanya admin yang dapat membaca kotak keluar e-mail.")
	}
	rows, err := db.Query(ctx, `SELECT id, to_address, subject, body, created_at, sent_at, attempts, last_error
		FROM outbox_emails ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Queued, error) {
		var q Queued
		err := r.Scan(&q.ID, &q.To, &q.Subject, &q.Body, &q.CreatedAt, &q.SentAt, &q.Attempts, &q.LastError)
		return q, err
	})
	if err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", postgres.Classify(err))
	}
	return list, nil
}

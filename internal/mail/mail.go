// Package mail queues outgoing e-mail in the outbox table, inside the
// transaction that causes it, and delivers it afterwards: over SMTP when
// configured, otherwise to the log (development). Admins can read the outbox.
package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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

// EnqueueToUsers writes one message to the outbox for each of the users
// userIDs that has an e-mail address and is not disabled, using db (normally
// the caller's transaction), in one statement.
func EnqueueToUsers(ctx context.Context, db postgres.DBTX, userIDs []int64, subject, body string) error {
	if _, err := db.Exec(ctx, enqueueToUsers, userIDs, subject, body); err != nil {
		return fmt.Errorf("mail: enqueue to users: %w", err)
	}
	return nil
}

// QueueToUsers adds EnqueueToUsers's statement to b, for a caller that sends
// its writes in one round trip.
func QueueToUsers(b *pgx.Batch, userIDs []int64, subject, body string) {
	b.Queue(enqueueToUsers, userIDs, subject, body).Exec(func(pgconn.CommandTag) error { return nil })
}

const enqueueToUsers = `INSERT INTO outbox_emails (to_address, subject, body)
	SELECT email, $2, $3 FROM users WHERE id = ANY($1) AND email IS NOT NULL AND disabled_at IS NULL ORDER BY id`

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
// A failed delivery is retried later with growing delays, up to 10 attempts;
// one failing message does not hold up the others.
func (s *Sender) DeliverPending(ctx context.Context) (int, error) {
	sent := 0
	for {
		id, m, attempts, ok, err := s.claim(ctx)
		if err != nil || !ok {
			return sent, err
		}
		if sendErr := s.send(ctx, m); sendErr != nil {
			delay := time.Duration(1<<min(attempts-1, 10)) * time.Minute
			_, err = s.DB.Exec(ctx, `UPDATE outbox_emails SET last_error = $2, next_attempt = now() + $3::interval WHERE id = $1`,
				id, sendErr.Error(), delay.String())
			s.Log.Warn("mail: delivery failed", "id", id, "to", m.To, "err", sendErr)
		} else {
			_, err = s.DB.Exec(ctx, `UPDATE outbox_emails SET sent_at = now(), next_attempt = now(), last_error = '' WHERE id = $1`, id)
			sent++
		}
		if err != nil {
			return sent, postgres.Classify(err)
		}
	}
}

// claim takes the next due message and pushes its next attempt ahead, so the
// slow SMTP conversation happens outside any transaction and no other sender
// takes the same message meanwhile.
func (s *Sender) claim(ctx context.Context) (id int64, m Message, attempts int, ok bool, err error) {
	err = s.DB.QueryRow(ctx, `
		UPDATE outbox_emails SET attempts = attempts + 1, next_attempt = now() + interval '10 minutes'
		WHERE id = (SELECT id FROM outbox_emails
			WHERE sent_at IS NULL AND attempts < 10 AND next_attempt <= now()
			ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING id, to_address, subject, body, attempts`).Scan(&id, &m.To, &m.Subject, &m.Body, &attempts)
	if err == pgx.ErrNoRows {
		return 0, m, 0, false, nil
	}
	if err != nil {
		return 0, m, 0, false, postgres.Classify(err)
	}
	return id, m, attempts, true, nil
}

// send delivers m over SMTP (STARTTLS when offered), or logs it when no SMTP
// server is configured. The whole conversation is bounded by a deadline.
func (s *Sender) send(ctx context.Context, m Message) error {
	if s.SMTP.Host == "" {
		s.Log.Info("mail (no SMTP configured; shown here and in the admin outbox)", "to", m.To, "subject", m.Subject, "body", m.Body)
		return nil
	}
	addr := net.JoinHostPort(s.SMTP.Host, strconv.Itoa(s.SMTP.Port))
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(dctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	c, err := smtp.NewClient(conn, s.SMTP.Host)
	if err != nil {
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: s.SMTP.Host}); err != nil {
			return err
		}
	}
	if s.SMTP.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.SMTP.Username, s.SMTP.Password, s.SMTP.Host)); err != nil {
			return err
		}
	}
	from := s.SMTP.From
	envelopeFrom := from
	if i := strings.LastIndex(from, "<"); i >= 0 {
		envelopeFrom = strings.Trim(from[i:], "<>")
	}
	if err := c.Mail(envelopeFrom); err != nil {
		return err
	}
	if err := c.Rcpt(m.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nDate: %s\r\n\r\n",
		from, m.To, encodeHeader(m.Subject), time.Now().Format(time.RFC1123Z))
	b.WriteString(strings.ReplaceAll(m.Body, "\n", "\r\n"))
	if _, err := w.Write([]byte(b.String())); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
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

// Package notify writes in-app notifications, in the transaction of what
// they announce, and queues the same message as e-mail (outbox) for users
// who have an address. Pages list them and mark them read.
package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/mail"
	"lapak/internal/postgres"
)

// Note is one notification for one or more users.
type Note struct {
	UserIDs []int64
	OrderID int64  // 0 when about no order
	Kind    string // e.g. "order.signed", "order.reminder"
	Message string // one sentence in Bahasa Indonesia
	Link    string // a path in Lapak, e.g. /orders/12
}

// Add writes n for each of its users using db (normally the caller's
// transaction) and queues it as e-mail for those with an e-mail address who
// are not disabled: two statements, whatever the number of users. Zero and
// repeated user ids are skipped.
func Add(ctx context.Context, db postgres.DBTX, n Note) error {
	b := &pgx.Batch{}
	if err := Queue(b, n); err != nil {
		return err
	}
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("notify: add: %w", postgres.Classify(err))
	}
	return nil
}

// Queue adds Add's two statements to b, for a caller that sends its writes
// in one round trip (in the transaction of what n announces).
func Queue(b *pgx.Batch, n Note) error {
	if n.Message == "" {
		return errors.New("notify: empty message")
	}
	ids := make([]int64, 0, len(n.UserIDs))
	for _, id := range n.UserIDs {
		if id != 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var orderID *int64
	if n.OrderID != 0 {
		orderID = &n.OrderID
	}
	b.Queue(`INSERT INTO notifications (user_id, order_id, kind, message, link)
		SELECT u, $2, $3, $4, $5 FROM unnest($1::bigint[]) u`, ids, orderID, n.Kind, n.Message, n.Link).
		Exec(func(pgconn.CommandTag) error { return nil })
	body := n.Message + "\n"
	if n.Link != "" {
		body += "\nBuka di Lapak: " + n.Link + "\n"
	}
	mail.QueueToUsers(b, ids, "Lapak: "+truncate(n.Message, 70), body)
	return nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Notification is one row of a user's list.
type Notification struct {
	ID        int64
	OrderID   int64
	Kind      string
	Message   string
	Link      string
	CreatedAt time.Time
	ReadAt    *time.Time
}

// Service reads and marks the signed-in user's notifications.
type Service struct{ db *pgxpool.Pool }

// NewService returns the notification service.
func NewService(db *pgxpool.Pool) *Service { return &Service{db: db} }

// List returns the user's newest notifications, at most limit (1–200).
func (s *Service) List(ctx context.Context, limit int) ([]Notification, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return nil, apperr.E(apperr.Unauthenticated, "")
	}
	limit = min(max(limit, 1), 200)
	rows, err := s.db.Query(ctx, `SELECT id, coalesce(order_id, 0), kind, message, link, created_at, read_at
		FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, u.ID, limit)
	if err != nil {
		return nil, fmt.Errorf("notify: list: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Notification])
	if err != nil {
		return nil, fmt.Errorf("notify: list: %w", postgres.Classify(err))
	}
	return list, nil
}

// Unread returns how many of the user's notifications are unread.
func (s *Service) Unread(ctx context.Context) (int, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return 0, nil
	}
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, u.ID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("notify: unread: %w", postgres.Classify(err))
	}
	return n, nil
}

// MarkAllRead marks every notification of the user read.
func (s *Service) MarkAllRead(ctx context.Context) error {
	u := auth.UserFrom(ctx)
	if u == nil {
		return apperr.E(apperr.Unauthenticated, "")
	}
	_, err := s.db.Exec(ctx, `UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL`, u.ID)
	if err != nil {
		return fmt.Errorf("notify: mark read: %w", postgres.Classify(err))
	}
	return nil
}

package ordering

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/notify"
	"lapak/internal/postgres"
)

// Event is one entry of an order's timeline.
type Event struct {
	ID       int64
	At       time.Time
	UserID   int64 // 0: the system
	UserName string
	Kind     string
	From, To State
	Note     string
	Details  map[string]any
}

// change is what a transition's body did, for step to record.
type change struct {
	To      State          // the new state; "" keeps the state
	Kind    string         // the event kind; "" uses the action's name
	Note    string         // shown on the timeline (a reason, a comment)
	Details map[string]any // recorded in the event and the audit entry
	Notify  []notify.Note  // written in the same transaction
	// Set holds more columns of the order row to write (column name →
	// value), in the same UPDATE as the state: one new row version per
	// transition. Column names come from code, never from input.
	Set map[string]any
	// inserted says the order row was written in this transaction as it
	// stands (checkout): record leaves it alone, as a second row version
	// in one transaction would cost an UPDATE and its foreign-key checks.
	inserted bool
}

// errReplay ends a transaction whose form was already carried out.
var errReplay = errors.New("ordering: replayed form")

// checkKey validates a form's idempotency key ("" means none).
func checkKey(key string) error {
	if key != "" && (len(key) < 8 || len(key) > 100) {
		return apperr.E(apperr.Invalid, "Formulir tidak valid. Muat ulang halaman lalu coba lagi.")
	}
	return nil
}

// stateRefusal says why an action cannot be taken in the order's state.
func stateRefusal(o *Order) error {
	if o.State.Ended() {
		return apperr.E(apperr.Conflict, fmt.Sprintf("Pesanan ini sudah berstatus %q; tidak ada lagi yang dapat dilakukan padanya.", o.State.Label()))
	}
	return apperr.E(apperr.Conflict, fmt.Sprintf("Tindakan ini tidak dapat dilakukan sekarang: pesanan berstatus %q.", o.State.Label()))
}

// step carries out one transition of order id in one transaction: it locks
// the order, returns nil at once when the form with key was already carried
// out (a double click or a retry), checks that the user in ctx may take act
// and that the order is in one of from, runs body, then moves the state
// (setting or clearing the expiry deadline), writes the event, the audit
// entry and the notifications. act "" is the system (timers): only the
// system context may use it.
func (s *Service) step(ctx context.Context, id int64, key string, act Action, from []State,
	body func(tx pgx.Tx, o *Order, now time.Time) (change, error)) error {
	u := auth.UserFrom(ctx)
	if u == nil {
		return apperr.E(apperr.Unauthenticated, "")
	}
	if act == "" && !u.System {
		return apperr.E(apperr.Forbidden, "")
	}
	if err := checkKey(key); err != nil {
		return err
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		o, done, err := lockOrder(ctx, tx, id, key)
		if err != nil {
			return err
		}
		if done {
			return errReplay
		}
		if act != "" {
			if err := can(u, o, act); err != nil {
				return err
			}
		}
		if !slices.Contains(from, o.State) {
			return stateRefusal(o)
		}
		now := s.now()
		ch, err := body(tx, o, now)
		if err != nil {
			return err
		}
		return s.record(ctx, tx, o, u, act, key, now, ch)
	})
	if errors.Is(err, errReplay) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ordering: %s order %d: %w", act, id, err)
	}
	return nil
}

// record applies ch to the locked order o: the state move, the event, the
// audit entry and the notifications.
func (s *Service) record(ctx context.Context, tx pgx.Tx, o *Order, u *auth.User, act Action, key string, now time.Time, ch change) error {
	to := ch.To
	if to == "" {
		to = o.State
	}
	q := `UPDATE orders SET version = version + 1, updated_at = $2`
	args := []any{o.ID, now}
	if to != o.State {
		var deadline *time.Time
		if to.Timed() {
			d := s.cal.AddWorkdays(ctx, now, ExpiryWorkdays)
			deadline = &d
		}
		q += `, state = $3, deadline_at = $4, reminded_at = NULL`
		args = append(args, to, deadline)
	}
	cols := make([]string, 0, len(ch.Set))
	for c := range ch.Set {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		args = append(args, ch.Set[c])
		q += fmt.Sprintf(", %s = $%d", c, len(args))
	}
	// The writes go in one round trip; the first error fails the batch.
	b := &pgx.Batch{}
	none := func(pgconn.CommandTag) error { return nil }
	if !ch.inserted {
		b.Queue(q+` WHERE id = $1`, args...).Exec(none)
	}
	kind := ch.Kind
	if kind == "" {
		kind = string(act)
	}
	var userID *int64
	if !u.System && u.ID != 0 {
		userID = &u.ID
	}
	var keyArg *string
	if key != "" {
		keyArg = &key
	}
	details := ch.Details
	if details == nil {
		details = map[string]any{}
	}
	b.Queue(`INSERT INTO order_events (order_id, at, user_id, kind, from_state, to_state, note, details, key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, o.ID, now, userID, kind, o.State, to, ch.Note, details, keyArg).Exec(none)
	if err := audit.Queue(ctx, b, audit.Entry{Action: "order." + kind, Entity: "order", EntityID: strconv.FormatInt(o.ID, 10),
		Details: map[string]any{"from": o.State, "to": to, "note": ch.Note, "details": details}}); err != nil {
		return err
	}
	for _, n := range ch.Notify {
		if n.OrderID == 0 {
			n.OrderID = o.ID
		}
		if n.Link == "" {
			n.Link = "/orders/" + strconv.FormatInt(o.ID, 10)
		}
		if err := notify.Queue(b, n); err != nil {
			return err
		}
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return postgres.Classify(err)
	}
	o.State = to
	return nil
}

// Events returns the order's timeline, oldest first, checking no permission.
func events(ctx context.Context, db postgres.DBTX, orderID int64) ([]Event, error) {
	rows, err := db.Query(ctx, `SELECT e.id, e.at, coalesce(e.user_id, 0), coalesce(u.name, 'Sistem Lapak'), e.kind, e.from_state, e.to_state, e.note, e.details
		FROM order_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.order_id = $1 ORDER BY e.id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("ordering: events of %d: %w", orderID, postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Event])
	if err != nil {
		return nil, fmt.Errorf("ordering: events of %d: %w", orderID, postgres.Classify(err))
	}
	return list, nil
}

package ordering

// The timers: expiry, reminders, payment alerts and auto-completion
// (DESIGN.md section 2). They are data, not scheduled events: RunTimers
// reads the orders' dates and acts on whatever is due, so a run missed
// during a restart or an outage is made up by the next one.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/notify"
	"lapak/internal/postgres"
	"lapak/internal/rupiah"
	"lapak/internal/wib"
)

// PaymentAlertDays is how many days after the BAST an unpaid order alerts
// the treasurers and the PPK.
const PaymentAlertDays = 14

// AutoCompleteWorkdays is how many hari kerja after payment an order the
// supplier has not confirmed completes on its own.
const AutoCompleteWorkdays = 3

// timerBatch bounds how many orders of one kind a run handles; the next run
// takes the rest.
const timerBatch = 500

// errNotDue ends a timer's transaction when the order, once locked, no
// longer needs it (answered, reminded or paid in between).
var errNotDue = errors.New("ordering: timer no longer due")

// TimerStats counts what one run of the timers did.
type TimerStats struct {
	Expired, Reminded, PaymentAlerts, Completed int
}

// timer is one kind of timer: the orders due at now, and what to do to one.
type timer struct {
	count *int
	due   func(ctx context.Context, now time.Time) ([]int64, error)
	run   func(ctx context.Context, id int64) error
}

// RunTimers expires orders past their deadline, sends reminders one hari
// kerja before, alerts on payments missing 14 days after the BAST and
// completes orders paid 3 hari kerja ago. It runs as the system; each
// order is one transaction. An order answered in between is skipped; a
// failing order does not stop the others (their errors are joined).
func (s *Service) RunTimers(ctx context.Context) (TimerStats, error) {
	ctx = auth.SystemContext(ctx)
	now := s.now()
	var st TimerStats
	timers := []timer{ // expiry first, so an expired order gets no reminder
		{&st.Expired, s.dueExpiries, s.expire},
		{&st.Reminded, s.dueReminders, s.remind},
		{&st.PaymentAlerts, s.duePaymentAlerts, s.alertPayment},
		{&st.Completed, s.dueCompletions, s.autoComplete},
	}
	var errs []error
	for _, t := range timers {
		ids, err := t.due(ctx, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, id := range ids {
			if ctx.Err() != nil { // shutting down: the next run takes the rest
				return st, errors.Join(append(errs, ctx.Err())...)
			}
			switch err := t.run(ctx, id); {
			case err == nil:
				*t.count++
			case errors.Is(err, errNotDue), errors.Is(err, apperr.Conflict):
			default:
				errs = append(errs, err)
			}
		}
	}
	return st, errors.Join(errs...)
}

// dueIDs returns the ids a candidate query finds.
func (s *Service) dueIDs(ctx context.Context, what, q string, args ...any) ([]int64, error) {
	rows, err := s.db.Query(ctx, q, append(args, timerBatch)...)
	if err != nil {
		return nil, fmt.Errorf("ordering: %s due: %w", what, postgres.Classify(err))
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("ordering: %s due: %w", what, postgres.Classify(err))
	}
	return ids, nil
}

func (s *Service) dueExpiries(ctx context.Context, now time.Time) ([]int64, error) {
	return s.dueIDs(ctx, "expiries", `SELECT id FROM orders
		WHERE deadline_at <= $1 AND state IN ('awaiting_ppk', 'awaiting_supplier') ORDER BY deadline_at, id LIMIT $2`, now)
}

func (s *Service) dueReminders(ctx context.Context, now time.Time) ([]int64, error) {
	return s.dueIDs(ctx, "reminders", `SELECT id FROM orders
		WHERE deadline_at > $1 AND deadline_at <= $2 AND reminded_at IS NULL AND state IN ('awaiting_ppk', 'awaiting_supplier')
		ORDER BY deadline_at, id LIMIT $3`, now, s.cal.AddWorkdays(ctx, now, 1))
}

func (s *Service) duePaymentAlerts(ctx context.Context, now time.Time) ([]int64, error) {
	return s.dueIDs(ctx, "payment alerts", `SELECT id FROM orders
		WHERE state = 'awaiting_payment' AND bast_at <= $1 AND payment_alerted_at IS NULL ORDER BY bast_at, id LIMIT $2`,
		paymentAlertFrom(now))
}

func (s *Service) dueCompletions(ctx context.Context, now time.Time) ([]int64, error) {
	return s.dueIDs(ctx, "completions", `SELECT id FROM orders
		WHERE state = 'paid' AND paid_at <= $1 ORDER BY paid_at, id LIMIT $2`, s.cal.AddWorkdays(ctx, now, -AutoCompleteWorkdays))
}

// paymentAlertFrom is the latest BAST time whose order is overdue at now.
func paymentAlertFrom(now time.Time) time.Time {
	return now.In(wib.Location).AddDate(0, 0, -PaymentAlertDays)
}

// expire ends order id when its deadline has passed: it releases the
// reserved stock and tells the buyer, the PPK and the supplier.
func (s *Service) expire(ctx context.Context, id int64) error {
	return s.step(ctx, id, "", "", []State{AwaitingPPK, AwaitingSupplier}, func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		if o.Deadline == nil || o.Deadline.After(now) {
			return change{}, errNotDue
		}
		reason := fmt.Sprintf("Tidak ada jawaban dalam %d hari kerja (batas %s).", ExpiryWorkdays, wib.DateTime(*o.Deadline))
		if err := endOrder(ctx, tx, o, Expired, reason, now); err != nil {
			return change{}, err
		}
		owners, err := supplierUserIDs(ctx, tx, o.SupplierID)
		if err != nil {
			return change{}, err
		}
		waiting := "PPK tidak menandatangani Surat Pesanan"
		if o.State == AwaitingSupplier {
			waiting = "penyedia tidak menjawab Surat Pesanan"
		}
		msg := fmt.Sprintf("Pesanan %s kedaluwarsa: %s dalam %d hari kerja (batas %s).", orderRef(o), waiting, ExpiryWorkdays, wib.DateTime(*o.Deadline))
		return change{To: Expired, Kind: "expired", Note: reason, Details: map[string]any{"deadline": *o.Deadline},
			Notify: []notify.Note{tell(ctx, "order.expired", msg, append([]int64{o.BuyerID, o.PPKID}, owners...)...)}}, nil
	})
}

// reminderDue reports whether at now the deadline is at most one hari kerja away.
func (s *Service) reminderDue(ctx context.Context, deadline *time.Time, now time.Time) bool {
	return deadline != nil && deadline.After(now) && !deadline.After(s.cal.AddWorkdays(ctx, now, 1))
}

// remind tells the party an order waits on, once, that it expires within
// one hari kerja.
func (s *Service) remind(ctx context.Context, id int64) error {
	return s.step(ctx, id, "", "", []State{AwaitingPPK, AwaitingSupplier}, func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		if o.RemindedAt != nil || !s.reminderDue(ctx, o.Deadline, now) {
			return change{}, errNotDue
		}
		if _, err := tx.Exec(ctx, `UPDATE orders SET reminded_at = $2 WHERE id = $1`, o.ID, now); err != nil {
			return change{}, fmt.Errorf("remind: %w", postgres.Classify(err))
		}
		users, awaited := []int64{o.PPKID}, "tanda tangan Anda pada Surat Pesanan"
		if o.State == AwaitingSupplier {
			var err error
			if users, err = supplierUserIDs(ctx, tx, o.SupplierID); err != nil {
				return change{}, err
			}
			awaited = "jawaban Anda atas Surat Pesanan"
		}
		deadline := wib.DateTime(*o.Deadline)
		msg := fmt.Sprintf("Pengingat: pesanan %s menunggu %s dan kedaluwarsa %s bila belum dijawab.", orderRef(o), awaited, deadline)
		return change{Kind: "reminder", Note: "Pengingat dikirim: batas " + deadline + ".", Details: map[string]any{"deadline": *o.Deadline},
			Notify: []notify.Note{tell(ctx, "order.reminder", msg, users...)}}, nil
	})
}

// alertPayment tells the OPD's treasurers and the PPK, once, that an
// order is still unpaid 14 days after its BAST.
func (s *Service) alertPayment(ctx context.Context, id int64) error {
	return s.step(ctx, id, "", "", []State{AwaitingPayment}, func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		if o.PaymentAlertedAt != nil || o.BASTAt == nil || o.BASTAt.After(paymentAlertFrom(now)) {
			return change{}, errNotDue
		}
		if _, err := tx.Exec(ctx, `UPDATE orders SET payment_alerted_at = $2 WHERE id = $1`, o.ID, now); err != nil {
			return change{}, fmt.Errorf("payment alert: %w", postgres.Classify(err))
		}
		treasurers, err := treasurerIDs(ctx, tx, o.OPDID)
		if err != nil {
			return change{}, err
		}
		amount := o.ReceivedTotal
		if amount == 0 {
			amount = o.Total
		}
		msg := fmt.Sprintf("Pembayaran pesanan %s sebesar %s belum dicatat %d hari setelah BAST ditandatangani (%s).",
			orderRef(o), rupiah.Format(amount), PaymentAlertDays, wib.Date(*o.BASTAt))
		return change{Kind: "payment_overdue", Note: fmt.Sprintf("Belum dibayar %d hari setelah BAST.", PaymentAlertDays),
			Notify: []notify.Note{tell(ctx, "order.payment_overdue", msg, append(treasurers, o.PPKID)...)}}, nil
	})
}

// autoComplete completes an order paid 3 hari kerja ago that the supplier
// has not confirmed.
func (s *Service) autoComplete(ctx context.Context, id int64) error {
	return s.step(ctx, id, "", "", []State{Paid}, func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		if o.PaidAt == nil || s.cal.WorkdaysBetween(ctx, *o.PaidAt, now) < AutoCompleteWorkdays {
			return change{}, errNotDue
		}
		ch, err := completePaid(ctx, tx, o, now)
		if err != nil {
			return change{}, err
		}
		owners, err := supplierUserIDs(ctx, tx, o.SupplierID)
		if err != nil {
			return change{}, err
		}
		ch.Kind = "auto_completed"
		ch.Note = fmt.Sprintf("Selesai otomatis: penyedia tidak mengonfirmasi pembayaran dalam %d hari kerja.", AutoCompleteWorkdays)
		msg := fmt.Sprintf("Pesanan %s selesai otomatis %d hari kerja setelah pembayaran dicatat.", orderRef(o), AutoCompleteWorkdays)
		ch.Notify = append(ch.Notify, tell(ctx, "order.completed", msg, owners...))
		return ch, nil
	})
}

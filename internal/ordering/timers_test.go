package ordering_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/blob"
	"lapak/internal/ordering"
	"lapak/internal/wib"
	"lapak/internal/workday"
)

// runTimers runs the timers of svc and returns what they did.
func runTimers(t *testing.T, svc *ordering.Service) ordering.TimerStats {
	t.Helper()
	st, err := svc.RunTimers(context.Background())
	if err != nil {
		t.Fatalf("RunTimers: %v", err)
	}
	return st
}

// wantTimerStats fails unless got is want.
func wantTimerStats(t *testing.T, got, want ordering.TimerStats) {
	t.Helper()
	if diff := cmp.Diff(got, want); diff != "" {
		t.Fatalf("timer stats (-got +want):\n%s", diff)
	}
}

// holidayService is an ordering service on f's database and clock whose
// calendar has holidays on the given WIB dates.
func (f *fixture) holidayService(t *testing.T, dates ...string) *ordering.Service {
	t.Helper()
	var days []time.Time
	for _, d := range dates {
		day, err := wib.ParseDate(d)
		if err != nil {
			t.Fatal(err)
		}
		days = append(days, day)
	}
	svc := ordering.NewService(f.db, workday.Fixed(days...), blob.NewLocal(t.TempDir()))
	svc.SetClock(func() time.Time { return f.clock })
	return svc
}

// systemEvents returns the kinds of order id's events written by the system.
func (f *fixture) systemEvents(t *testing.T, id int64) []string {
	t.Helper()
	rows, err := f.db.Query(context.Background(), `SELECT kind FROM order_events WHERE order_id = $1 AND user_id IS NULL ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, k)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return kinds
}

// An order waiting on the PPK or the supplier expires exactly at its
// deadline, not a second before; the buyer, the PPK and the supplier learn it.
func TestRunTimers_ExpiresAtTheDeadlineNotASecondBefore(t *testing.T) {
	t.Parallel()
	for _, state := range []ordering.State{ordering.AwaitingPPK, ordering.AwaitingSupplier} {
		t.Run(string(state), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			id := f.insertOrder(t, state)
			deadline := time.Date(2026, 11, 27, 10, 0, 0, 0, wib.Location) // a Friday
			f.exec(t, `UPDATE orders SET deadline_at = $2, reminded_at = $3 WHERE id = $1`, id, deadline, now)

			f.clock = deadline.Add(-time.Second)
			wantTimerStats(t, runTimers(t, f.svc), ordering.TimerStats{})
			if got := f.state(t, id); got != state {
				t.Fatalf("a second before the deadline: state %s, want %s", got, state)
			}

			f.clock = deadline
			wantTimerStats(t, runTimers(t, f.svc), ordering.TimerStats{Expired: 1})
			if got := f.state(t, id); got != ordering.Expired {
				t.Fatalf("at the deadline: state %s, want expired", got)
			}
			reason := f.text(t, `SELECT end_reason FROM orders WHERE id = $1`, id)
			if want := "Tidak ada jawaban dalam 3 hari kerja (batas Jumat, 27 November 2026 10.00 WIB)."; reason != want {
				t.Errorf("end reason %q, want %q", reason, want)
			}
			if n := f.count(t, `SELECT count(*) FROM orders WHERE id = $1 AND ended_at = $2 AND negotiation_turn IS NULL AND deadline_at IS NULL`, id, deadline); n != 1 {
				t.Error("ended_at is not the run's time, or the turn or the deadline is still set")
			}
			if diff := cmp.Diff(f.systemEvents(t, id), []string{"expired"}); diff != "" {
				t.Errorf("system events (-got +want):\n%s", diff)
			}
			if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'order.expired' AND entity_id = $1`, strconv.FormatInt(id, 10)); n != 1 {
				t.Errorf("%d audit entries, want 1", n)
			}
			for _, who := range []string{"pp", "ppk", "owner"} {
				if !f.notified(t, who, id, "order.expired") {
					t.Errorf("%s was not told the order expired", who)
				}
			}
		})
	}
}

// Expiry gives back the stock the order reserved at checkout; services and
// untracked goods have none.
func TestRunTimers_ExpiryReleasesStock(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.AwaitingSupplier, line{"kertas", 10}, line{"kopi", 2}, line{"catering", 5})
	f.exec(t, `UPDATE orders SET deadline_at = $2 WHERE id = $1`, id, now.Add(-time.Minute))
	wantTimerStats(t, runTimers(t, f.svc), ordering.TimerStats{Expired: 1})
	got := map[string]int64{"kertas": f.stock(t, "kertas"), "kopi": f.stock(t, "kopi"), "catering": f.stock(t, "catering")}
	want := map[string]int64{"kertas": 110, "kopi": 12, "catering": -1}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("stock after expiry (-got +want):\n%s", diff)
	}
}

// The party an order waits on is reminded once, when at most one hari
// kerja is left before the deadline.
func TestRunTimers_RemindsOnceOneWorkdayBefore(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		state        ordering.State
		awaited, not string
	}{
		{ordering.AwaitingPPK, "ppk", "owner"},
		{ordering.AwaitingSupplier, "owner", "ppk"},
	} {
		t.Run(string(tc.state), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			id := f.insertOrder(t, tc.state)
			deadline := time.Date(2026, 11, 30, 10, 0, 0, 0, wib.Location) // Monday; one hari kerja before is Friday 10.00
			f.exec(t, `UPDATE orders SET deadline_at = $2 WHERE id = $1`, id, deadline)

			f.clock = time.Date(2026, 11, 27, 9, 59, 59, 0, wib.Location)
			wantTimerStats(t, runTimers(t, f.svc), ordering.TimerStats{})

			f.clock = f.clock.Add(time.Second)
			wantTimerStats(t, runTimers(t, f.svc), ordering.TimerStats{Reminded: 1})
			if !f.notified(t, tc.awaited, id, "order.reminder") {
				t.Errorf("%s, who is awaited, got no reminder", tc.awaited)
			}
			if f.notified(t, tc.not, id, "order.reminder") {
				t.Errorf("%s, who is not awaited, got a reminder", tc.not)
			}
			msg := f.text(t, `SELECT message FROM notifications WHERE order_id = $1 AND kind = 'order.reminder' LIMIT 1`, id)
			if want := "kedaluwarsa Senin, 30 November 2026 10.00 WIB"; !strings.HasPrefix(msg, "Pengingat: pesanan") || !strings.Contains(msg, want) {
				t.Errorf("reminder %q lacks %q", msg, want)
			}

			f.clock = f.clock.Add(time.Hour)
			wantTimerStats(t, runTimers(t, f.svc), ordering.TimerStats{})
			if n := f.count(t, `SELECT count(*) FROM notifications WHERE order_id = $1 AND kind = 'order.reminder'`, id); n != 1 {
				t.Errorf("%d reminders, want 1", n)
			}
			if diff := cmp.Diff(f.systemEvents(t, id), []string{"reminder"}); diff != "" {
				t.Errorf("system events (-got +want):\n%s", diff)
			}
			if got := f.state(t, id); got != tc.state {
				t.Errorf("state %s after a reminder, want %s", got, tc.state)
			}
		})
	}
}

// A holiday is not a hari kerja: the deadline set when the PPK signs moves
// past it, and so do the reminder and the auto-completion.
func TestRunTimers_HolidayMovesTheDeadline(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	hol := f.holidayService(t, "2026-11-27") // the Friday after the fixture's Wednesday

	signed := f.insertOrder(t, ordering.AwaitingPPK)
	must(t, hol.SignSP(f.as("ppk"), signed, password, nil, formKey()))
	var deadline time.Time
	if err := f.db.QueryRow(context.Background(), `SELECT deadline_at FROM orders WHERE id = $1`, signed).Scan(&deadline); err != nil {
		t.Fatal(err)
	}
	// Wednesday 10.00 + Thursday, (Friday off), Monday, Tuesday.
	if want := time.Date(2026, 12, 1, 10, 0, 0, 0, wib.Location); !deadline.Equal(want) {
		t.Fatalf("deadline %s, want %s", wib.DateTime(deadline), wib.DateTime(want))
	}

	paid := f.insertOrder(t, ordering.Paid)
	f.exec(t, `UPDATE orders SET paid_at = $2 WHERE id = $1`, paid, now)

	// Friday 10.00, the holiday: a Monday deadline would be reminded now.
	f.clock = time.Date(2026, 11, 27, 10, 0, 0, 0, wib.Location)
	wantTimerStats(t, runTimers(t, hol), ordering.TimerStats{})
	// Monday 10.00: one hari kerja before Tuesday's deadline; without the
	// holiday the paid order would complete now, with it only two have passed.
	f.clock = time.Date(2026, 11, 30, 10, 0, 0, 0, wib.Location)
	wantTimerStats(t, runTimers(t, hol), ordering.TimerStats{Reminded: 1})
	// Tuesday 10.00: the deadline, and three hari kerja after payment.
	f.clock = time.Date(2026, 12, 1, 10, 0, 0, 0, wib.Location)
	wantTimerStats(t, runTimers(t, hol), ordering.TimerStats{Expired: 1, Completed: 1})
}

// Fourteen days after the BAST without a payment, the OPD's treasurers and
// the PPK are alerted, once.
func TestRunTimers_PaymentAlertAfter14Days(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.AwaitingPayment)
	bast := time.Date(2026, 11, 11, 15, 30, 0, 0, wib.Location)
	f.exec(t, `UPDATE orders SET bast_at = $2 WHERE id = $1`, id, bast)

	f.clock = bast.AddDate(0, 0, 14).Add(-time.Second)
	wantTimerStats(t, runTimers(t, f.svc), ordering.TimerStats{})
	f.clock = bast.AddDate(0, 0, 14)
	wantTimerStats(t, runTimers(t, f.svc), ordering.TimerStats{PaymentAlerts: 1})
	for _, who := range []string{"treasurer", "ppk"} {
		if !f.notified(t, who, id, "order.payment_overdue") {
			t.Errorf("%s was not alerted", who)
		}
	}
	if f.notified(t, "owner", id, "order.payment_overdue") {
		t.Error("the supplier got the treasurers' alert")
	}
	if n := f.count(t, `SELECT count(*) FROM orders WHERE id = $1 AND payment_alerted_at = $2 AND state = 'awaiting_payment'`, id, f.clock); n != 1 {
		t.Error("payment_alerted_at not set, or the state moved")
	}

	f.clock = f.clock.AddDate(0, 0, 1)
	wantTimerStats(t, runTimers(t, f.svc), ordering.TimerStats{})
	if diff := cmp.Diff(f.systemEvents(t, id), []string{"payment_overdue"}); diff != "" {
		t.Errorf("system events (-got +want):\n%s", diff)
	}
}

// A paid order the supplier does not confirm completes on its own three
// hari kerja after payment.
func TestRunTimers_AutoCompletesThreeWorkdaysAfterPayment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.Paid)
	f.exec(t, `UPDATE orders SET paid_at = $2 WHERE id = $1`, id, now) // Wednesday 10.00

	f.clock = time.Date(2026, 11, 30, 9, 59, 59, 0, wib.Location) // Monday, a second early
	wantTimerStats(t, runTimers(t, f.svc), ordering.TimerStats{})
	f.clock = time.Date(2026, 11, 30, 10, 0, 0, 0, wib.Location)
	wantTimerStats(t, runTimers(t, f.svc), ordering.TimerStats{Completed: 1})
	if got := f.state(t, id); got != ordering.Completed {
		t.Fatalf("state %s, want completed", got)
	}
	if n := f.count(t, `SELECT count(*) FROM orders WHERE id = $1 AND completed_at = $2`, id, f.clock); n != 1 {
		t.Error("completed_at is not the run's time")
	}
	if diff := cmp.Diff(f.systemEvents(t, id), []string{"auto_completed"}); diff != "" {
		t.Errorf("system events (-got +want):\n%s", diff)
	}
	for _, who := range []string{"ppk", "owner"} {
		if !f.notified(t, who, id, "order.completed") {
			t.Errorf("%s was not told the order completed", who)
		}
	}
}

// An order answered while the timers wait for its lock is skipped, not
// expired, and the run reports no error.
func TestRunTimers_OrderAnsweredInBetweenIsNotExpired(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	id := f.insertOrder(t, ordering.AwaitingSupplier)
	f.exec(t, `UPDATE orders SET deadline_at = $2 WHERE id = $1`, id, now.Add(-time.Minute))

	// The supplier's acceptance holds the order's lock...
	tx, err := f.db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT 1 FROM orders WHERE id = $1 FOR UPDATE`, id); err != nil {
		t.Fatal(err)
	}
	type result struct {
		st  ordering.TimerStats
		err error
	}
	done := make(chan result, 1)
	go func() {
		st, err := f.svc.RunTimers(ctx)
		done <- result{st, err}
	}()
	// ...while the timers, having picked the order, wait for it.
	for deadline := time.Now().Add(10 * time.Second); ; {
		if f.count(t, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the timers never waited for the order's lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := tx.Exec(ctx, `UPDATE orders SET state = 'processing', deadline_at = NULL, accepted_at = $2 WHERE id = $1`, id, now); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("RunTimers: %v", r.err)
	}
	wantTimerStats(t, r.st, ordering.TimerStats{})
	if got := f.state(t, id); got != ordering.Processing {
		t.Errorf("state %s, want processing", got)
	}
	if n := len(f.systemEvents(t, id)); n != 0 {
		t.Errorf("%d system events, want none", n)
	}
}

// The timers are idempotent: a second run at the same time finds nothing
// to do and writes nothing.
func TestRunTimers_SecondRunDoesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	expiring := f.insertOrder(t, ordering.AwaitingPPK)
	f.exec(t, `UPDATE orders SET deadline_at = $2 WHERE id = $1`, expiring, now.Add(-time.Hour))
	reminded := f.insertOrder(t, ordering.AwaitingSupplier)
	f.exec(t, `UPDATE orders SET deadline_at = $2 WHERE id = $1`, reminded, now.Add(2*time.Hour))
	unpaid := f.insertOrder(t, ordering.AwaitingPayment)
	f.exec(t, `UPDATE orders SET bast_at = $2 WHERE id = $1`, unpaid, now.AddDate(0, 0, -15))
	paid := f.insertOrder(t, ordering.Paid)
	f.exec(t, `UPDATE orders SET paid_at = $2 WHERE id = $1`, paid, now.AddDate(0, 0, -7))

	wantTimerStats(t, runTimers(t, f.svc), ordering.TimerStats{Expired: 1, Reminded: 1, PaymentAlerts: 1, Completed: 1})
	snapshot := func() []int64 {
		return []int64{
			f.count(t, `SELECT count(*) FROM order_events`),
			f.count(t, `SELECT count(*) FROM notifications`),
			f.count(t, `SELECT count(*) FROM audit_log`),
			f.count(t, `SELECT count(*) FROM outbox_emails`),
			f.count(t, `SELECT sum(stock) FROM listings`),
			f.count(t, `SELECT sum(version) FROM orders`),
		}
	}
	before := snapshot()
	wantTimerStats(t, runTimers(t, f.svc), ordering.TimerStats{})
	if diff := cmp.Diff(snapshot(), before); diff != "" {
		t.Errorf("the second run wrote (-after +before):\n%s", diff)
	}
}

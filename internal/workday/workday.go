// Package workday owns Lapak's working-day calendar (hari kerja): Saturdays
// and Sundays are never working days, nor are the national holidays and cuti
// bersama kept as data in the holidays table, which admins edit as the
// government decides them each year (the SKB 3 Menteri and its amendments).
//
// Calendar answers the arithmetic the order timers need (an order waiting more
// than 3 hari kerja expires) from an in-memory copy of the holiday set that is
// reloaded after edits and whenever it is older than its TTL. Service manages
// the holiday rows, with audit entries. Dates are calendar days in WIB.
// It knows nothing of HTTP or HTML.
package workday

import (
	"context"
	"fmt"
	"sync"
	"time"

	"lapak/internal/postgres"
	"lapak/internal/wib"
)

// DefaultTTL is how old the in-memory holiday set may grow before a call
// reloads it, so that edits made by another Lapak process are seen.
const DefaultTTL = 5 * time.Minute

const day = 24 * time.Hour

// civil is a calendar date as yyyymmdd.
type civil int32

func civilOf(t time.Time) civil {
	t = t.In(wib.Location)
	return civil(t.Year()*10000 + int(t.Month())*100 + t.Day())
}

// startOfDay returns midnight WIB at the start of t's WIB date.
func startOfDay(t time.Time) time.Time {
	t = t.In(wib.Location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, wib.Location)
}

// nextMidnight returns midnight WIB at the end of t's WIB date.
func nextMidnight(t time.Time) time.Time {
	s := startOfDay(t)
	return time.Date(s.Year(), s.Month(), s.Day()+1, 0, 0, 0, 0, wib.Location)
}

// Calendar is the working-day calendar. Its methods are safe for concurrent
// use. Working time is counted as a clock that runs only on working days:
// one working day is the 24 hours of a working date in WIB. So AddWorkdays
// from Friday 10.00 WIB, when the Monday after is a holiday, by one working
// day gives Tuesday 10.00 WIB; from a Saturday by three gives Thursday 00.00
// WIB, the end of Wednesday; and WorkdaysBetween(t, AddWorkdays(t, n)) == n.
type Calendar struct {
	db  postgres.DBTX // nil for a fixed calendar
	ttl time.Duration
	now func() time.Time

	mu     sync.RWMutex
	off    map[civil]string // holiday dates (WIB) to their names
	loaded time.Time        // when off was last loaded or a load last failed
	err    error            // the last reload's error, nil after a success

	reloading sync.Mutex
}

// NewCalendar loads the holiday set from db (normally the pool) and returns a
// Calendar that reloads it when it is older than DefaultTTL. It fails when the
// first load fails; later reload failures keep the last good set (see Err).
func NewCalendar(ctx context.Context, db postgres.DBTX) (*Calendar, error) {
	c := &Calendar{db: db, ttl: DefaultTTL, now: time.Now}
	if err := c.Reload(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Lazy returns a Calendar on db that loads the holiday set on first use
// rather than now, for servers that start before their database answers.
func Lazy(db postgres.DBTX) *Calendar {
	return &Calendar{db: db, ttl: DefaultTTL, now: time.Now}
}

// Fixed returns a Calendar whose only days off besides weekends are the WIB
// dates of holidays; it never reloads. For tests and tools.
func Fixed(holidays ...time.Time) *Calendar {
	c := &Calendar{off: map[civil]string{}, now: time.Now}
	for _, h := range holidays {
		c.off[civilOf(h)] = "hari libur"
	}
	return c
}

// Reload reads the holiday set from the database now.
func (c *Calendar) Reload(ctx context.Context) error {
	if c.db == nil {
		return nil
	}
	off, err := loadHolidays(ctx, c.db)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.loaded = c.now()
	if err != nil {
		c.err = err
		return err
	}
	c.off, c.err = off, nil
	return nil
}

// Err returns the error of the last reload, or nil when it succeeded: the
// calendar then still answers from the last good holiday set.
func (c *Calendar) Err() error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.err
}

func loadHolidays(ctx context.Context, db postgres.DBTX) (map[civil]string, error) {
	rows, err := db.Query(ctx, "SELECT date, name FROM holidays ORDER BY date, id")
	if err != nil {
		return nil, fmt.Errorf("workday: load holidays: %w", postgres.Classify(err))
	}
	defer rows.Close()
	off := map[civil]string{}
	for rows.Next() {
		var d time.Time
		var name string
		if err := rows.Scan(&d, &name); err != nil {
			return nil, fmt.Errorf("workday: load holidays: %w", err)
		}
		// A date column arrives as midnight UTC: its fields are the date itself.
		k := civil(d.Year()*10000 + int(d.Month())*100 + d.Day())
		if prev, ok := off[k]; ok {
			name = prev + "; " + name
		}
		off[k] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("workday: load holidays: %w", postgres.Classify(err))
	}
	return off, nil
}

// holidays returns the current holiday set, reloading it first when stale.
// Only one caller reloads at a time; the others use the set they have.
func (c *Calendar) holidays(ctx context.Context) map[civil]string {
	c.mu.RLock()
	off, stale := c.off, c.db != nil && c.now().Sub(c.loaded) > c.ttl
	c.mu.RUnlock()
	if off == nil && c.db != nil {
		// Never loaded (a Lazy calendar): every caller waits for the first load.
		c.reloading.Lock()
		defer c.reloading.Unlock()
		c.mu.RLock()
		off = c.off
		c.mu.RUnlock()
		if off == nil {
			_ = c.Reload(ctx)
			c.mu.RLock()
			off = c.off
			c.mu.RUnlock()
		}
		return off
	}
	if stale && c.reloading.TryLock() {
		defer c.reloading.Unlock()
		_ = c.Reload(ctx) // on failure the old set stays; Err reports it
		c.mu.RLock()
		off = c.off
		c.mu.RUnlock()
	}
	return off
}

func working(off map[civil]string, t time.Time) bool {
	switch t.In(wib.Location).Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	_, holiday := off[civilOf(t)]
	return !holiday
}

// IsWorkday reports whether t falls, in WIB, on a working day: not a
// Saturday or Sunday, and not a holiday or cuti bersama.
func (c *Calendar) IsWorkday(ctx context.Context, t time.Time) bool {
	return working(c.holidays(ctx), t)
}

// Holiday returns the name of the holiday on t's WIB date, if there is one
// (weekends are not holidays).
func (c *Calendar) Holiday(ctx context.Context, t time.Time) (string, bool) {
	name, ok := c.holidays(ctx)[civilOf(t)]
	return name, ok
}

// AddWorkdays returns, in WIB, the instant at which n working days have
// passed since from (the earliest such instant; for negative n, the latest
// instant n working days before from). Time on non-working days does not
// count: from a Saturday the clock starts on Monday at 00.00 WIB.
func (c *Calendar) AddWorkdays(ctx context.Context, from time.Time, n int) time.Time {
	off := c.holidays(ctx)
	cur := from.In(wib.Location)
	if n == 0 {
		return cur
	}
	if n > 0 {
		remaining := time.Duration(n) * day
		for {
			next := nextMidnight(cur)
			if working(off, cur) {
				avail := next.Sub(cur)
				if remaining <= avail {
					return cur.Add(remaining)
				}
				remaining -= avail
			}
			cur = next
		}
	}
	remaining := time.Duration(-n) * day
	for {
		// The day being counted backwards is the one holding the instant just before cur.
		start := startOfDay(cur.Add(-time.Nanosecond))
		if working(off, start) {
			avail := cur.Sub(start)
			if remaining <= avail {
				return cur.Add(-remaining)
			}
			remaining -= avail
		}
		cur = start
	}
}

// WorkdaysBetween returns how many whole working days passed from from to
// to: the working time between them in days, rounded down. It is negative
// when to is before from.
func (c *Calendar) WorkdaysBetween(ctx context.Context, from, to time.Time) int {
	if to.Before(from) {
		return -c.WorkdaysBetween(ctx, to, from)
	}
	off := c.holidays(ctx)
	var total time.Duration
	cur := from.In(wib.Location)
	for cur.Before(to) {
		end := nextMidnight(cur)
		if to.Before(end) {
			end = to
		}
		if working(off, cur) {
			total += end.Sub(cur)
		}
		cur = end
	}
	return int(total / day)
}

package workday

import (
	"context"
	"testing"
	"time"

	"lapak/internal/postgres/pgtest"
	"lapak/internal/wib"
)

// TestCalendar_ReloadsWhenStale checks that a calendar sees a holiday added
// by another process once its copy is older than the TTL, and keeps its last
// good copy when a reload fails.
func TestCalendar_ReloadsWhenStale(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	clock := time.Date(2026, 11, 27, 9, 0, 0, 0, wib.Location)
	c := &Calendar{db: db, ttl: time.Minute, now: func() time.Time { return clock }}
	if err := c.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 12, 31, 9, 0, 0, 0, wib.Location)
	if _, err := db.Exec(ctx, `INSERT INTO holidays (date, name, kind, legal_basis) VALUES ('2026-12-31', 'Uji', 'cuti_bersama', 'uji')`); err != nil {
		t.Fatal(err)
	}
	if !c.IsWorkday(ctx, day) {
		t.Fatal("a fresh copy should not see the new row yet")
	}
	clock = clock.Add(2 * time.Minute)
	if c.IsWorkday(ctx, day) {
		t.Fatal("a stale copy was not reloaded")
	}
	db.Close()
	clock = clock.Add(2 * time.Minute)
	if c.IsWorkday(ctx, day) {
		t.Error("after a failed reload the calendar lost its last good copy")
	}
	if c.Err() == nil {
		t.Error("Err() = nil after a failed reload")
	}
}

package audit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/wib"
)

// TestEntries_Filters: auditors narrow the trail by actor, entity (and one
// entity's id), action and period, and page through it with BeforeID; each
// filter combines with the others.
func TestEntries_Filters(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2026, 3, d, 10, 0, 0, 0, wib.Location) }
	rows := []struct {
		at                         time.Time
		actor, action, entity, eid string
	}{
		{day(1), "Rina Auditor", "flag.review", "order", "7"},
		{day(2), "Budi PPK", "order.sign", "order", "7"},
		{day(3), "Budi PPK", "order.sign", "order", "8"},
		{day(4), "Admin UKPBJ", "user.create", "user", "3"},
		{day(5), "Budi PPK", "user.login", "user", "5"},
	}
	for _, r := range rows {
		_, err := db.Exec(ctx, `INSERT INTO audit_log (at, actor_name, action, entity, entity_id) VALUES ($1, $2, $3, $4, $5)`,
			r.at, r.actor, r.action, r.entity, r.eid)
		if err != nil {
			t.Fatal(err)
		}
	}
	ids := mustIDs(t, ctx, db)
	tests := []struct {
		name   string
		filter audit.Filter
		want   []int64 // newest first
	}{
		{"everything", audit.Filter{}, []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"actor name, any case", audit.Filter{Actor: "budi"}, []int64{ids[4], ids[2], ids[1]}},
		{"one entity", audit.Filter{Entity: "order"}, []int64{ids[2], ids[1], ids[0]}},
		{"one order", audit.Filter{Entity: "order", EntityID: "7"}, []int64{ids[1], ids[0]}},
		{"action prefix", audit.Filter{Action: "user."}, []int64{ids[4], ids[3]}},
		{"period", audit.Filter{From: day(2), To: day(4)}, []int64{ids[2], ids[1]}},
		{"actor and action and period", audit.Filter{Actor: "Budi", Action: "order.", From: day(3)}, []int64{ids[2]}},
		{"next page", audit.Filter{BeforeID: ids[2], Limit: 1}, []int64{ids[1]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int64
			err := audit.EachEntry(auth.WithUser(ctx, auditor, ""), db, tt.filter, func(e audit.Listed) error {
				got = append(got, e.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("entries (-got +want):\n%s", diff)
			}
		})
	}

	t.Run("an error from the callback stops the walk", func(t *testing.T) {
		stop := errors.New("stop")
		n := 0
		err := audit.EachEntry(auth.WithUser(ctx, auditor, ""), db, audit.Filter{}, func(audit.Listed) error {
			n++
			return stop
		})
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("got %v after %d entries, want stop after 1", err, n)
		}
	})
	t.Run("others may not read", func(t *testing.T) {
		pp := &auth.User{ID: 5, Name: "PP", Grants: []auth.Grant{{Role: auth.RolePP}}}
		err := audit.EachEntry(auth.WithUser(ctx, pp, ""), db, audit.Filter{}, func(audit.Listed) error { return nil })
		if !errors.Is(err, apperr.Forbidden) {
			t.Errorf("got %v, want forbidden", err)
		}
	})
}

// mustIDs returns every entry's id in order.
func mustIDs(t *testing.T, ctx context.Context, db *pgxpool.Pool) []int64 {
	t.Helper()
	rows, err := db.Query(ctx, "SELECT id FROM audit_log ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// auditor is the actor that reads the trail in these tests.
var auditor = &auth.User{ID: 900, Name: "Auditor Inspektorat", Grants: []auth.Grant{{Role: auth.RoleAuditor}}}

// mustRecord records one entry per action as the system, each in its own
// committed transaction, and returns their ids in order.
func mustRecord(t *testing.T, db *pgxpool.Pool, actions ...string) []int64 {
	t.Helper()
	ctx := auth.SystemContext(context.Background())
	var ids []int64
	for i, a := range actions {
		err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
			return audit.Record(ctx, tx, audit.Entry{Action: a, Entity: "test", EntityID: fmt.Sprint(i), Details: map[string]int{"n": i}})
		})
		if err != nil {
			t.Fatalf("record %s: %v", a, err)
		}
	}
	rows, err := db.Query(context.Background(), "SELECT id FROM audit_log ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return ids[len(ids)-len(actions):]
}

// mustSealAll seals until nothing is left and returns how many were sealed.
func mustSealAll(t *testing.T, db *pgxpool.Pool) int {
	t.Helper()
	total := 0
	for {
		n, err := audit.Seal(context.Background(), db)
		if err != nil {
			t.Fatalf("Seal: %v", err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
}

func mustVerify(t *testing.T, db *pgxpool.Pool) audit.Report {
	t.Helper()
	rep, err := audit.Verify(context.Background(), db)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

// TestRecord_AttributesToActor: Record writes an unsealed row naming the
// actor of the context, with its roles and address.
func TestRecord_AttributesToActor(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	rina := &auth.User{ID: 42, Name: "Rina Marlina", Grants: []auth.Grant{{Role: auth.RoleAuditor}, {Role: auth.RoleAdmin}}}

	type logged struct {
		ActorID                                     *int64
		ActorName, ActorRole, Action, Entity, EntID string
		Details, IP                                 string
		Sealed                                      bool
	}
	id42 := int64(42)
	tests := []struct {
		name string
		ctx  context.Context
		want logged
	}{
		{"signed-in user", auth.WithUser(ctx, rina, "10.0.0.9"),
			logged{&id42, "Rina Marlina", "admin,auditor", "user.update", "user", "7", `{"name": "Siti"}`, "10.0.0.9", false}},
		{"system", auth.SystemContext(ctx),
			logged{nil, "sistem", "admin", "user.update", "user", "7", `{"name": "Siti"}`, "", false}},
		{"no actor at all", ctx,
			logged{nil, "sistem", "", "user.update", "user", "7", `{"name": "Siti"}`, "", false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var id int64
			err := pgx.BeginFunc(tt.ctx, db, func(tx pgx.Tx) error {
				if err := audit.Record(tt.ctx, tx, audit.Entry{Action: "user.update", Entity: "user", EntityID: "7",
					Details: map[string]string{"name": "Siti"}}); err != nil {
					return err
				}
				return tx.QueryRow(tt.ctx, "SELECT max(id) FROM audit_log").Scan(&id)
			})
			if err != nil {
				t.Fatalf("Record: %v", err)
			}
			var got logged
			err = db.QueryRow(ctx, `SELECT actor_id, actor_name, actor_role, action, entity, entity_id, details::text, ip, seq IS NOT NULL
				FROM audit_log WHERE id = $1`, id).Scan(&got.ActorID, &got.ActorName, &got.ActorRole, &got.Action,
				&got.Entity, &got.EntID, &got.Details, &got.IP, &got.Sealed)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("row mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

// TestSeal_ChainsInIDOrder: Seal links committed entries in id order, each
// to the hash of the one before, and Verify then counts them as sealed.
func TestSeal_ChainsInIDOrder(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	ids := mustRecord(t, db, "a.one", "a.two", "a.three", "a.four", "a.five")

	if got := mustVerify(t, db); got.Sealed != 0 || got.Unsealed != 5 || !got.OK() {
		t.Errorf("before sealing: got %+v, want 0 sealed, 5 unsealed, OK", got)
	}
	n, err := audit.Seal(ctx, db)
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	if n != 5 {
		t.Errorf("Seal sealed %d, want 5", n)
	}

	rows, err := db.Query(ctx, "SELECT id, seq, prev_hash, hash FROM audit_log ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	type link struct {
		ID, Seq    int64
		Prev, Hash []byte
	}
	chain, err := pgx.CollectRows(rows, pgx.RowToStructByPos[link])
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []int64
	for i, l := range chain {
		gotIDs = append(gotIDs, l.ID)
		if l.Seq != int64(i+1) {
			t.Errorf("entry %d: seq %d, want %d", l.ID, l.Seq, i+1)
		}
		if len(l.Hash) != 32 {
			t.Errorf("entry %d: hash of %d bytes, want 32", l.ID, len(l.Hash))
		}
		var want []byte
		if i > 0 {
			want = chain[i-1].Hash
		}
		if string(l.Prev) != string(want) {
			t.Errorf("entry %d: prev_hash %x, want the previous hash %x", l.ID, l.Prev, want)
		}
	}
	if diff := cmp.Diff(gotIDs, ids); diff != "" {
		t.Errorf("ids in seq order mismatch (-got +want):\n%s", diff)
	}

	if got := mustVerify(t, db); got.Sealed != 5 || got.Unsealed != 0 || !got.OK() {
		t.Errorf("after sealing: got %+v, want 5 sealed, 0 unsealed, OK", got)
	}
	if n, err := audit.Seal(ctx, db); err != nil || n != 0 {
		t.Errorf("Seal with nothing pending = %d, %v; want 0, nil", n, err)
	}
	mustRecord(t, db, "b.one", "b.two")
	if got := mustVerify(t, db); got.Sealed != 5 || got.Unsealed != 2 || !got.OK() {
		t.Errorf("after two more: got %+v, want 5 sealed, 2 unsealed, OK", got)
	}
	if n := mustSealAll(t, db); n != 2 {
		t.Errorf("second Seal sealed %d, want 2", n)
	}
	if got := mustVerify(t, db); got.Sealed != 7 || got.Unsealed != 0 || !got.OK() {
		t.Errorf("at the end: got %+v, want 7 sealed, 0 unsealed, OK", got)
	}
}

// TestRecord_RollsBackWithTransaction: an entry recorded in a transaction
// that rolls back never appears, so the trail holds only what happened.
func TestRecord_RollsBackWithTransaction(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := auth.SystemContext(context.Background())
	errAbort := errors.New("abort")
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := audit.Record(ctx, tx, audit.Entry{Action: "order.create", Entity: "order", EntityID: "1"}); err != nil {
			return err
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("BeginFunc = %v, want the abort error", err)
	}
	mustRecord(t, db, "order.other")

	if n := mustSealAll(t, db); n != 1 {
		t.Errorf("sealed %d, want 1", n)
	}
	list, err := audit.Entries(auth.WithUser(context.Background(), auditor, ""), db, audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range list {
		actions = append(actions, e.Action)
	}
	if diff := cmp.Diff(actions, []string{"order.other"}); diff != "" {
		t.Errorf("actions mismatch (-got +want):\n%s", diff)
	}
	if got := mustVerify(t, db); got.Sealed != 1 || got.Unsealed != 0 || !got.OK() {
		t.Errorf("Verify: got %+v, want 1 sealed, OK", got)
	}
}

// TestAuditLogGuard_AppendOnly: the table trigger refuses any change to a
// sealed row, any change to an entry's content, and every DELETE.
func TestAuditLogGuard_AppendOnly(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	mustRecord(t, db, "x.one", "x.two")
	mustSealAll(t, db)
	unsealed := mustRecord(t, db, "x.three")[0]

	tests := []struct {
		name string
		sql  string
	}{
		{"update details of a sealed row", "UPDATE audit_log SET details = '{\"n\": 99}' WHERE seq = 1"},
		{"reseal a sealed row", "UPDATE audit_log SET seq = 10, hash = '\\x00' WHERE seq = 2"},
		{"update actor of a sealed row", "UPDATE audit_log SET actor_name = 'orang lain' WHERE seq = 1"},
		{"update action of an unsealed row", fmt.Sprintf("UPDATE audit_log SET action = 'x.other' WHERE id = %d", unsealed)},
		{"delete a sealed row", "DELETE FROM audit_log WHERE seq = 2"},
		{"delete an unsealed row", fmt.Sprintf("DELETE FROM audit_log WHERE id = %d", unsealed)},
		{"delete everything", "DELETE FROM audit_log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Exec(ctx, tt.sql)
			var pgErr *pgconn.PgError
			if !errors.As(err, &pgErr) || pgErr.Message != "audit_log is append-only" {
				t.Errorf("got %v, want the append-only error", err)
			}
		})
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("got %d entries, want 3", n)
	}
	if got := mustVerify(t, db); got.Sealed != 2 || got.Unsealed != 1 || !got.OK() {
		t.Errorf("Verify: got %+v, want 2 sealed, 1 unsealed, OK", got)
	}
}

// TestVerify_FindsTampering: with the guard trigger switched off, changing or
// removing a sealed entry breaks the chain, and Verify names the first entry
// whose link no longer holds.
func TestVerify_FindsTampering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		sql      string // $1 is 3, the seq tampered with
		reported int64  // seq, before tampering, of the entry Verify must name
		brokenAt int64  // the seq Verify reports for it
	}{
		{"changed details", `UPDATE audit_log SET details = '{"n": 99}' WHERE seq = $1`, 3, 3},
		{"changed actor", `UPDATE audit_log SET actor_name = 'orang lain' WHERE seq = $1`, 3, 3},
		{"changed time", `UPDATE audit_log SET at = at - interval '1 day' WHERE seq = $1`, 3, 3},
		{"changed prev_hash", `UPDATE audit_log SET prev_hash = '\x00' WHERE seq = $1`, 3, 3},
		// A removed entry shows as a jump in seq at the entry after it.
		{"deleted row", `DELETE FROM audit_log WHERE seq = $1`, 4, 4},
		{"renumbered rows", `UPDATE audit_log SET seq = seq + 100 WHERE seq >= $1`, 3, 103},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := pgtest.New(t)
			ctx := context.Background()
			mustRecord(t, db, "y.one", "y.two", "y.three", "y.four", "y.five")
			mustSealAll(t, db)
			var wantID int64
			if err := db.QueryRow(ctx, "SELECT id FROM audit_log WHERE seq = $1", tt.reported).Scan(&wantID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(ctx, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_guard"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(ctx, tt.sql, 3); err != nil {
				t.Fatalf("tamper: %v", err)
			}
			got := mustVerify(t, db)
			if got.OK() {
				t.Fatalf("Verify = %+v, want a broken chain", got)
			}
			if got.BrokenID != wantID || *got.BrokenAt != tt.brokenAt || got.Sealed != 2 || got.Reason == "" {
				t.Errorf("Verify = {BrokenID: %d, BrokenAt: %d, Sealed: %d, Reason: %q}; want BrokenID %d at seq %d, 2 sealed before it, a reason",
					got.BrokenID, *got.BrokenAt, got.Sealed, got.Reason, wantID, tt.brokenAt)
			}
		})
	}
}

// TestSeal_ConcurrentWriters: entries committed by many writers while sealers
// run all end up in one gapless chain that verifies.
func TestSeal_ConcurrentWriters(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	const writers, each = 8, 50

	done := make(chan struct{})
	var sealedWhileWriting atomic.Int64
	var sealers sync.WaitGroup
	for range 2 {
		sealers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				n, err := audit.Seal(ctx, db)
				if err != nil {
					t.Errorf("Seal while writing: %v", err)
					return
				}
				sealedWhileWriting.Add(int64(n))
			}
		})
	}
	var ws sync.WaitGroup
	for w := range writers {
		ws.Go(func() {
			actor := &auth.User{ID: int64(100 + w), Name: fmt.Sprintf("Penulis %d", w), Grants: []auth.Grant{{Role: auth.RoleAdmin}}}
			wctx := auth.WithUser(ctx, actor, "10.0.0.1")
			for i := range each {
				err := pgx.BeginFunc(wctx, db, func(tx pgx.Tx) error {
					return audit.Record(wctx, tx, audit.Entry{Action: "load.write", Entity: "load", EntityID: fmt.Sprintf("%d-%d", w, i)})
				})
				if err != nil {
					t.Errorf("writer %d entry %d: %v", w, i, err)
					return
				}
			}
		})
	}
	ws.Wait()
	close(done)
	sealers.Wait()
	if sealedWhileWriting.Load() == 0 {
		t.Errorf("the sealers sealed nothing while the writers ran: the test did not overlap them")
	}
	mustSealAll(t, db)

	type stats struct{ Total, Sealed, Distinct, Min, Max int64 }
	var got stats
	err := db.QueryRow(ctx, `SELECT count(*), count(seq), count(DISTINCT seq), coalesce(min(seq), 0), coalesce(max(seq), 0) FROM audit_log`).
		Scan(&got.Total, &got.Sealed, &got.Distinct, &got.Min, &got.Max)
	if err != nil {
		t.Fatal(err)
	}
	want := stats{writers * each, writers * each, writers * each, 1, writers * each}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("chain stats mismatch (-got +want):\n%s", diff)
	}
	if rep := mustVerify(t, db); !rep.OK() || rep.Sealed != writers*each || rep.Unsealed != 0 {
		t.Errorf("Verify = %+v, want OK with %d sealed", rep, writers*each)
	}
}

// TestEntries_AuditorsOnly: only auditors and admins read the trail, and the
// action filter matches by prefix, newest first.
func TestEntries_AuditorsOnly(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	mustRecord(t, db, "user.create", "opd.create", "user.login", "supplier.create", "user.update")

	for _, r := range []auth.Role{auth.RolePP, auth.RolePPK, auth.RoleTreasurer, auth.RoleSupplier, auth.RoleKoperindag} {
		t.Run(string(r)+" is forbidden", func(t *testing.T) {
			ctx := auth.WithUser(context.Background(), &auth.User{ID: 5, Name: "Orang", Grants: []auth.Grant{{Role: r}}}, "")
			list, err := audit.Entries(ctx, db, audit.Filter{})
			if !errors.Is(err, apperr.Forbidden) || list != nil {
				t.Errorf("Entries = %d entries, %v; want none, forbidden", len(list), err)
			}
		})
	}
	t.Run("nobody signed in is forbidden", func(t *testing.T) {
		_, err := audit.Entries(context.Background(), db, audit.Filter{})
		if !errors.Is(err, apperr.Forbidden) {
			t.Errorf("got %v, want forbidden", err)
		}
	})

	admin := &auth.User{ID: 1, Name: "Admin", Grants: []auth.Grant{{Role: auth.RoleAdmin}}}
	tests := []struct {
		name   string
		reader *auth.User
		filter audit.Filter
		want   []string
	}{
		{"auditor, every action", auditor, audit.Filter{},
			[]string{"user.update", "supplier.create", "user.login", "opd.create", "user.create"}},
		{"auditor, user actions", auditor, audit.Filter{Action: "user."}, []string{"user.update", "user.login", "user.create"}},
		{"admin, opd actions", admin, audit.Filter{Action: "opd"}, []string{"opd.create"}},
		{"auditor, no match", auditor, audit.Filter{Action: "order."}, nil},
		{"auditor, limit", auditor, audit.Filter{Action: "user.", Limit: 2}, []string{"user.update", "user.login"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := audit.Entries(auth.WithUser(context.Background(), tt.reader, ""), db, tt.filter)
			if err != nil {
				t.Fatalf("Entries: %v", err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Action)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("actions mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

// Package audit owns the append-only audit trail. Domain packages call Record
// inside the transaction of every state change; Seal links committed entries
// into a SHA-256 hash chain afterwards, and Verify walks that chain.
// It knows nothing of HTTP; the actor comes from the context.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/postgres"
)

// Actor is who performed an action: a signed-in user, or the system (ID 0).
type Actor struct {
	ID    int64
	Name  string
	Roles []string
	IP    string
}

// HasRole reports whether the actor holds one of roles.
func (a Actor) HasRole(roles ...string) bool {
	for _, r := range roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
	}
	return false
}

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx; without one it is the system.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Name: "sistem"}
}

// Entry is one thing that happened to one entity.
type Entry struct {
	Action   string // e.g. "user.create", "opd.update"
	Entity   string // e.g. "user", "opd"
	EntityID string
	Details  any // marshalled to JSON; keep it free of secrets
}

// Record appends e, attributed to the actor in ctx, using db (normally the
// caller's transaction so the entry commits or rolls back with the change).
func Record(ctx context.Context, db postgres.DBTX, e Entry) error {
	args, err := entryArgs(ctx, e)
	if err != nil {
		return err
	}
	if _, err := db.Exec(ctx, insertEntry, args...); err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
}

// Queue adds Record's statement to b, for a caller that sends its writes
// in one round trip (the batch must be sent in the change's transaction).
func Queue(ctx context.Context, b *pgx.Batch, e Entry) error {
	args, err := entryArgs(ctx, e)
	if err != nil {
		return err
	}
	b.Queue(insertEntry, args...).Exec(func(pgconn.CommandTag) error { return nil })
	return nil
}

const insertEntry = `INSERT INTO audit_log (actor_id, actor_name, actor_role, action, entity, entity_id, details, ip)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`

// entryArgs are insertEntry's arguments for e by the actor in ctx.
func entryArgs(ctx context.Context, e Entry) ([]any, error) {
	a := ActorFrom(ctx)
	details := []byte("{}")
	if e.Details != nil {
		var err error
		if details, err = json.Marshal(e.Details); err != nil {
			return nil, fmt.Errorf("audit: marshal details: %w", err)
		}
	}
	var actorID *int64
	if a.ID != 0 {
		actorID = &a.ID
	}
	role := ""
	if len(a.Roles) > 0 {
		role = a.Roles[0]
		for _, r := range a.Roles[1:] {
			role += "," + r
		}
	}
	return []any{actorID, a.Name, role, e.Action, e.Entity, e.EntityID, details, a.IP}, nil
}

// row is an audit_log row as the chain hashes it.
type row struct {
	ID        int64
	At        time.Time
	ActorID   *int64
	ActorName string
	ActorRole string
	Action    string
	Entity    string
	EntityID  string
	Details   string
	IP        string
	Seq       *int64
	PrevHash  []byte
	Hash      []byte
}

const rowColumns = `id, at, actor_id, actor_name, actor_role, action, entity, entity_id, details::text, ip, seq, prev_hash, hash`

func scanRow(rows pgx.CollectableRow) (row, error) {
	var r row
	err := rows.Scan(&r.ID, &r.At, &r.ActorID, &r.ActorName, &r.ActorRole, &r.Action, &r.Entity,
		&r.EntityID, &r.Details, &r.IP, &r.Seq, &r.PrevHash, &r.Hash)
	return r, err
}

// chainHash is SHA-256 over the previous hash and every field of the row,
// each length-prefixed so that no two rows encode alike.
func chainHash(prev []byte, seq int64, r row) []byte {
	h := sha256.New()
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	actor := ""
	if r.ActorID != nil {
		actor = strconv.FormatInt(*r.ActorID, 10)
	}
	field(prev)
	field([]byte(strconv.FormatInt(seq, 10)))
	field([]byte(strconv.FormatInt(r.ID, 10)))
	field([]byte(r.At.UTC().Format(time.RFC3339Nano)))
	for _, s := range []string{actor, r.ActorName, r.ActorRole, r.Action, r.Entity, r.EntityID, r.Details, r.IP} {
		field([]byte(s))
	}
	return h.Sum(nil)
}

// Seal links up to 1000 committed, unsealed entries into the chain, in id
// order, and returns how many it sealed. Only one sealer works at a time
// (an advisory lock); others return 0 at once.
func Seal(ctx context.Context, db *pgxpool.Pool) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var got bool
		if err := tx.QueryRow(ctx, "SELECT pg_try_advisory_xact_lock(727002)").Scan(&got); err != nil || !got {
			return err
		}
		var lastSeq int64
		var lastHash []byte
		err := tx.QueryRow(ctx, "SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1").Scan(&lastSeq, &lastHash)
		if err != nil && err != pgx.ErrNoRows {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT "+rowColumns+" FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT 1000")
		if err != nil {
			return err
		}
		pending, err := pgx.CollectRows(rows, scanRow)
		if err != nil {
			return err
		}
		if len(pending) == 0 {
			return nil
		}
		// The links are computed here, in order, and sent in one round trip
		// (an update by primary key each: a plan that cannot go wrong).
		b := &pgx.Batch{}
		for _, r := range pending {
			lastSeq++
			h := chainHash(lastHash, lastSeq, r)
			b.Queue("UPDATE audit_log SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4", lastSeq, lastHash, h, r.ID)
			lastHash = h
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		n = len(pending)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("audit: seal: %w", postgres.Classify(err))
	}
	return n, nil
}

// RunSealer seals new entries every interval until ctx ends.
func RunSealer(ctx context.Context, db *pgxpool.Pool, every time.Duration, log *slog.Logger) {
	postgres.Every(ctx, every, log, "audit sealer", func(ctx context.Context) error {
		for {
			n, err := Seal(ctx, db)
			if err != nil || n < 1000 {
				return err
			}
		}
	})
}

// Report is the outcome of Verify.
type Report struct {
	Sealed   int64  // entries whose link was checked
	Unsealed int64  // committed entries not yet in the chain
	BrokenAt *int64 // seq of the first entry whose link does not hold, if any
	BrokenID int64  // its id
	Reason   string // why it broke, in English for operators
}

// OK reports whether the whole chain holds.
func (r Report) OK() bool { return r.BrokenAt == nil }

// Verify recomputes the chain from its first entry and reports the first
// broken link: an entry changed, removed or inserted after sealing.
func Verify(ctx context.Context, db postgres.DBTX) (Report, error) {
	var rep Report
	rows, err := db.Query(ctx, "SELECT "+rowColumns+" FROM audit_log WHERE seq IS NOT NULL ORDER BY seq")
	if err != nil {
		return rep, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()
	var prev []byte
	var want int64 = 1
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return rep, fmt.Errorf("audit: verify: %w", err)
		}
		broken := func(reason string) {
			seq := *r.Seq
			rep.BrokenAt, rep.BrokenID, rep.Reason = &seq, r.ID, reason
		}
		switch {
		case *r.Seq != want:
			broken(fmt.Sprintf("sequence jumps from %d to %d: entries were removed", want-1, *r.Seq))
		case string(r.PrevHash) != string(prev):
			broken("previous-hash link does not match the entry before it")
		case string(r.Hash) != string(chainHash(prev, *r.Seq, r)):
			broken("content does not match its hash: the entry was changed")
		}
		if rep.BrokenAt != nil {
			rows.Close()
			break
		}
		prev = r.Hash
		want++
		rep.Sealed++
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("audit: verify: %w", err)
	}
	if err := db.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE seq IS NULL").Scan(&rep.Unsealed); err != nil {
		return rep, fmt.Errorf("audit: verify: %w", err)
	}
	return rep, nil
}

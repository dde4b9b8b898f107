package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/postgres"
)

// Listed is an audit entry as auditors read it.
type Listed struct {
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
	Sealed    bool
}

// Filter selects audit entries; zero fields match everything.
type Filter struct {
	Actor    string // part of the actor's name
	Entity   string
	Action   string // prefix, e.g. "user." for every user action
	From, To time.Time
	BeforeID int64 // keyset pagination: entries older than this id
	Limit    int
}

// Entries lists entries newest first. Only auditors and admins may read the trail.
func Entries(ctx context.Context, db postgres.DBTX, f Filter) ([]Listed, error) {
	if !ActorFrom(ctx).HasRole("auditor", "admin") {
		return nil, apperr.E(apperr.Forbidden, "Hanya auditor dan admin yang dapat membaca jejak audit.")
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var from, to *time.Time
	if !f.From.IsZero() {
		from = &f.From
	}
	if !f.To.IsZero() {
		to = &f.To
	}
	rows, err := db.Query(ctx, `
		SELECT id, at, actor_id, actor_name, actor_role, action, entity, entity_id, details::text, ip, seq IS NOT NULL
		FROM audit_log
		WHERE ($1 = '' OR actor_name ILIKE '%' || $1 || '%')
		  AND ($2 = '' OR entity = $2)
		  AND ($3 = '' OR starts_with(action, $3))
		  AND ($4::timestamptz IS NULL OR at >= $4)
		  AND ($5::timestamptz IS NULL OR at < $5)
		  AND ($6 = 0 OR id < $6)
		ORDER BY id DESC
		LIMIT $7`, f.Actor, f.Entity, f.Action, from, to, f.BeforeID, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("audit: entries: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Listed, error) {
		var e Listed
		err := r.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.ActorRole, &e.Action, &e.Entity, &e.EntityID, &e.Details, &e.IP, &e.Sealed)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("audit: entries: %w", postgres.Classify(err))
	}
	return list, nil
}

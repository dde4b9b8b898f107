package audit

import (
	"context"
	"fmt"
	"time"

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
	EntityID string // with Entity: one entity's entries, e.g. order 42
	Action   string // prefix, e.g. "user." for every user action
	From, To time.Time
	BeforeID int64 // keyset pagination: entries older than this id
	Limit    int
}

// Entries lists entries newest first, at most f.Limit (50 when unset, at
// most 200). Only auditors and admins may read the trail.
func Entries(ctx context.Context, db postgres.DBTX, f Filter) ([]Listed, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var list []Listed
	err := EachEntry(ctx, db, f, func(e Listed) error {
		list = append(list, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// EachEntry calls fn with every entry f selects, newest first, reading them
// as it goes so that an export of the whole trail runs in constant memory.
// f.Limit 0 means no limit. An error from fn stops the walk and is
// returned. Only auditors and admins may read the trail.
func EachEntry(ctx context.Context, db postgres.DBTX, f Filter, fn func(Listed) error) error {
	if !ActorFrom(ctx).HasRole("auditor", "admin") {
		return apperr.E(apperr.Forbidden, "Hanya auditor dan admin yang dapat membaca jejak audit.")
	}
	var from, to *time.Time
	if !f.From.IsZero() {
		from = &f.From
	}
	if !f.To.IsZero() {
		to = &f.To
	}
	var limit *int
	if f.Limit > 0 {
		limit = &f.Limit
	}
	rows, err := db.Query(ctx, `
		SELECT id, at, actor_id, actor_name, actor_role, action, entity, entity_id, details::text, ip, seq IS NOT NULL
		FROM audit_log
		WHERE ($1 = '' OR actor_name ILIKE '%' || $1 || '%')
		  AND ($2 = '' OR entity = $2)
		  AND ($3 = '' OR entity_id = $3)
		  AND ($4 = '' OR starts_with(action, $4))
		  AND ($5::timestamptz IS NULL OR at >= $5)
		  AND ($6::timestamptz IS NULL OR at < $6)
		  AND ($7 = 0 OR id < $7)
		ORDER BY id DESC
		LIMIT $8`, f.Actor, f.Entity, f.EntityID, f.Action, from, to, f.BeforeID, limit)
	if err != nil {
		return fmt.Errorf("audit: entries: %w", postgres.Classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var e Listed
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.ActorRole, &e.Action, &e.Entity, &e.EntityID, &e.Details, &e.IP, &e.Sealed); err != nil {
			return fmt.Errorf("audit: entries: %w", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("audit: entries: %w", postgres.Classify(err))
	}
	return nil
}

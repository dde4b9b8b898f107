// Package reporting answers questions across domains for dashboards, red
// flags and exports. It may read every domain's tables; it writes only its
// own (the auditors' flag reviews and the spending facts its triggers keep).
package reporting

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/postgres"
)

// Overview is the headline numbers of the admin and Koperindag start pages.
type Overview struct {
	ActiveOPDs       int
	Users            int
	DisabledUsers    int
	SupplierAccounts int
	PendingMail      int
	AuditSealed      int64
	AuditUnsealed    int64
}

// Service answers reporting queries.
type Service struct{ db *pgxpool.Pool }

// NewService returns a Service.
func NewService(db *pgxpool.Pool) *Service { return &Service{db: db} }

// Overview returns headline numbers. Admins, Koperindag staff and auditors may read them.
func (s *Service) Overview(ctx context.Context) (Overview, error) {
	if !audit.ActorFrom(ctx).HasRole("admin", "koperindag", "auditor") {
		return Overview{}, apperr.E(apperr.Forbidden, "Anda tidak berhak melihat ringkasan ini.")
	}
	var o Overview
	err := s.db.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM opds WHERE active),
		(SELECT count(*) FROM users),
		(SELECT count(*) FROM users WHERE disabled_at IS NOT NULL),
		(SELECT count(DISTINCT user_id) FROM user_roles WHERE role = 'supplier'),
		(SELECT count(*) FROM outbox_emails WHERE sent_at IS NULL),
		(SELECT count(*) FROM audit_log WHERE seq IS NOT NULL),
		(SELECT count(*) FROM audit_log WHERE seq IS NULL)`).Scan(
		&o.ActiveOPDs, &o.Users, &o.DisabledUsers, &o.SupplierAccounts, &o.PendingMail, &o.AuditSealed, &o.AuditUnsealed)
	if err != nil {
		return Overview{}, fmt.Errorf("reporting: overview: %w", postgres.Classify(err))
	}
	return o, nil
}

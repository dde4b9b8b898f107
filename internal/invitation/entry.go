package invitation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/postgres"
)

// EntryStatus is where a registry entry stands with its invitation.
type EntryStatus string

// The statuses of a registry entry, in funnel order.
const (
	StatusNotInvited EntryStatus = "not_invited" // no open invitation
	StatusInvited    EntryStatus = "invited"     // an open, live code; not activated yet
	StatusExpired    EntryStatus = "expired"     // the open code expired unused
	StatusActivated  EntryStatus = "activated"   // tied to a supplier in Lapak
)

// EntryStatuses lists every status in funnel order.
var EntryStatuses = []EntryStatus{StatusNotInvited, StatusInvited, StatusExpired, StatusActivated}

// Label is the status's name for users.
func (s EntryStatus) Label() string {
	switch s {
	case StatusNotInvited:
		return "Belum diundang"
	case StatusInvited:
		return "Diundang, belum aktif"
	case StatusExpired:
		return "Kode kedaluwarsa"
	case StatusActivated:
		return "Sudah terdaftar di Lapak"
	}
	return string(s)
}

// Entry is a registry entry as the invitation pages show it.
type Entry struct {
	ID            int64
	BusinessName  string
	OwnerName     string
	Address       string
	Phone         string
	Email         string
	Sector        string
	KecamatanCode string
	KecamatanName string
	NagariCode    string
	NagariName    string
	SupplierID    int64
	Status        EntryStatus
	InvitedAt     *time.Time // of the open invitation
	ExpiresAt     *time.Time // of the open invitation
	Emailed       bool       // the open invitation was e-mailed
}

// EntryFilter selects registry entries; zero fields match everything.
type EntryFilter struct {
	Query         string // part of the business or owner name
	KecamatanCode string
	NagariCode    string
	Sector        string
	Status        EntryStatus
	Limit         int
	Offset        int
}

// StatusCounts counts registry entries by status.
type StatusCounts struct {
	NotInvited, Invited, Expired, Activated int
}

// Total is the number of entries counted.
func (c StatusCounts) Total() int { return c.NotInvited + c.Invited + c.Expired + c.Activated }

// Of returns the count of status st.
func (c StatusCounts) Of(st EntryStatus) int {
	switch st {
	case StatusNotInvited:
		return c.NotInvited
	case StatusInvited:
		return c.Invited
	case StatusExpired:
		return c.Expired
	case StatusActivated:
		return c.Activated
	}
	return c.Total()
}

// entryFrom is the registry with its open invitation (at most one: Issue
// revokes the earlier one) and the entry's status.
const entryFrom = ` FROM registry_entries e
	LEFT JOIN kecamatan k ON k.code = e.kecamatan_code
	LEFT JOIN nagari n ON n.code = e.nagari_code
	LEFT JOIN LATERAL (SELECT i.created_at, i.expires_at, i.emailed FROM invitations i
		WHERE i.registry_entry_id = e.id AND i.used_at IS NULL AND i.revoked_at IS NULL
		ORDER BY i.id DESC LIMIT 1) inv ON true
	CROSS JOIN LATERAL (SELECT CASE
		WHEN e.supplier_id IS NOT NULL THEN 'activated'
		WHEN inv.expires_at IS NULL THEN 'not_invited'
		WHEN inv.expires_at > now() THEN 'invited'
		ELSE 'expired' END AS status) st`

const entryColumns = `e.id, e.business_name, e.owner_name, e.address, coalesce(e.phone, ''), coalesce(e.email, ''), e.sector,
	coalesce(e.kecamatan_code, ''), coalesce(k.name, ''), coalesce(e.nagari_code, ''), coalesce(n.name, ''),
	coalesce(e.supplier_id, 0), st.status, inv.created_at, inv.expires_at, coalesce(inv.emailed, false)`

func scanEntry(row pgx.CollectableRow) (Entry, error) {
	var e Entry
	var status string
	err := row.Scan(&e.ID, &e.BusinessName, &e.OwnerName, &e.Address, &e.Phone, &e.Email, &e.Sector,
		&e.KecamatanCode, &e.KecamatanName, &e.NagariCode, &e.NagariName,
		&e.SupplierID, &status, &e.InvitedAt, &e.ExpiresAt, &e.Emailed)
	e.Status = EntryStatus(status)
	return e, err
}

// where returns the filter's condition (without the status when withStatus
// is false) and its arguments.
func (f EntryFilter) where(withStatus bool) (string, []any) {
	status := ""
	if withStatus {
		status = string(f.Status)
	}
	return ` WHERE ($1 = '' OR strpos(lower(e.business_name), lower($1)) > 0 OR strpos(lower(e.owner_name), lower($1)) > 0)
		AND ($2 = '' OR e.kecamatan_code = $2) AND ($3 = '' OR e.nagari_code = $3)
		AND ($4 = '' OR e.sector = $4) AND ($5 = '' OR st.status = $5)`,
		[]any{strings.TrimSpace(f.Query), f.KecamatanCode, f.NagariCode, f.Sector, status}
}

// Entries lists registry entries matching f, by kecamatan, nagari and name,
// and their total. Koperindag staff and admins may.
func (s *Service) Entries(ctx context.Context, f EntryFilter) ([]Entry, int, error) {
	if _, err := staff(ctx); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	where, args := f.where(true)
	var total int
	if err := s.db.QueryRow(ctx, "SELECT count(*)"+entryFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("invitation: count entries: %w", postgres.Classify(err))
	}
	rows, err := s.db.Query(ctx, "SELECT "+entryColumns+entryFrom+where+` ORDER BY k.name NULLS LAST, n.name NULLS LAST, e.business_name, e.id LIMIT $6 OFFSET $7`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("invitation: entries: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, scanEntry)
	if err != nil {
		return nil, 0, fmt.Errorf("invitation: entries: %w", postgres.Classify(err))
	}
	return list, total, nil
}

// Entry returns one registry entry. Koperindag staff and admins may.
func (s *Service) Entry(ctx context.Context, id int64) (Entry, error) {
	if _, err := staff(ctx); err != nil {
		return Entry{}, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+entryColumns+entryFrom+` WHERE e.id = $1`, id)
	if err != nil {
		return Entry{}, fmt.Errorf("invitation: entry %d: %w", id, postgres.Classify(err))
	}
	e, err := pgx.CollectExactlyOneRow(rows, scanEntry)
	if err != nil {
		return Entry{}, postgres.NotFound(err, "Data registri UMKM tidak ditemukan.")
	}
	return e, nil
}

// EntryCounts counts the entries matching f (whatever its Status) by
// status, for the numbers next to the status filter. Koperindag staff and
// admins may.
func (s *Service) EntryCounts(ctx context.Context, f EntryFilter) (StatusCounts, error) {
	if _, err := staff(ctx); err != nil {
		return StatusCounts{}, err
	}
	where, args := f.where(false)
	var c StatusCounts
	err := s.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE st.status = 'not_invited'), count(*) FILTER (WHERE st.status = 'invited'),
			count(*) FILTER (WHERE st.status = 'expired'), count(*) FILTER (WHERE st.status = 'activated')`+entryFrom+where, args...).
		Scan(&c.NotInvited, &c.Invited, &c.Expired, &c.Activated)
	if err != nil {
		return StatusCounts{}, fmt.Errorf("invitation: entry counts: %w", postgres.Classify(err))
	}
	return c, nil
}

// EntryIDs returns the ids of up to limit entries matching f that can be
// invited (not yet tied to a supplier), and how many match in all, for
// "invite everything the filter shows". Koperindag staff and admins may.
func (s *Service) EntryIDs(ctx context.Context, f EntryFilter, limit int) ([]int64, int, error) {
	if _, err := staff(ctx); err != nil {
		return nil, 0, err
	}
	where, args := f.where(true)
	where += " AND e.supplier_id IS NULL"
	var total int
	if err := s.db.QueryRow(ctx, "SELECT count(*)"+entryFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("invitation: count entry ids: %w", postgres.Classify(err))
	}
	rows, err := s.db.Query(ctx, "SELECT e.id"+entryFrom+where+" ORDER BY e.id LIMIT $6", append(args, limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("invitation: entry ids: %w", postgres.Classify(err))
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, 0, fmt.Errorf("invitation: entry ids: %w", postgres.Classify(err))
	}
	return ids, total, nil
}

// Sectors lists the sectors found in the registry, for the sector filter.
// Koperindag staff and admins may.
func (s *Service) Sectors(ctx context.Context) ([]string, error) {
	if _, err := staff(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT DISTINCT sector FROM registry_entries WHERE sector <> '' ORDER BY sector")
	if err != nil {
		return nil, fmt.Errorf("invitation: sectors: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("invitation: sectors: %w", postgres.Classify(err))
	}
	return list, nil
}

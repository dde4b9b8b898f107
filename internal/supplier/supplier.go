// Package supplier owns suppliers (penyedia): the local businesses that sell
// through Lapak, their onboarding status and, later, profiles and documents.
// It knows nothing of HTTP or HTML.
package supplier

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/postgres"
	"lapak/internal/validate"
)

// Status is where a supplier stands in onboarding.
type Status string

// Onboarding states.
const (
	StatusDraft     Status = "draft"
	StatusSubmitted Status = "submitted"
	StatusVerified  Status = "verified"
	StatusReturned  Status = "returned"
	StatusSuspended Status = "suspended"
)

// Label is the status's name for users.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "Draf"
	case StatusSubmitted:
		return "Menunggu verifikasi"
	case StatusVerified:
		return "Terverifikasi"
	case StatusReturned:
		return "Dikembalikan untuk perbaikan"
	case StatusSuspended:
		return "Dibekukan"
	}
	return string(s)
}

// Supplier is a local business.
type Supplier struct {
	ID            int64
	Name          string
	KecamatanCode string
	KecamatanName string
	NagariCode    string
	NagariName    string
	Status        Status
}

// Input is what is entered to create a supplier.
type Input struct {
	Name          string
	KecamatanCode string
	NagariCode    string
	Status        Status // draft when empty
}

// Service manages suppliers.
type Service struct{ db *pgxpool.Pool }

// NewService returns a Service.
func NewService(db *pgxpool.Pool) *Service { return &Service{db: db} }

// CreateSupplier adds a supplier. Koperindag staff and admins may.
func (s *Service) CreateSupplier(ctx context.Context, in Input) (Supplier, error) {
	if !audit.ActorFrom(ctx).HasRole("koperindag", "admin") {
		return Supplier{}, apperr.E(apperr.Forbidden, "Hanya petugas Koperindag dan admin yang dapat mendaftarkan usaha.")
	}
	in.Name = strings.TrimSpace(in.Name)
	errs := validate.Errors{}
	if n := len([]rune(in.Name)); n < 2 || n > 200 {
		errs.Add("name", "Nama usaha wajib diisi (2–200 huruf).")
	}
	if in.Status == "" {
		in.Status = StatusDraft
	}
	if err := errs.Err(); err != nil {
		return Supplier{}, err
	}
	var id int64
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO suppliers (name, kecamatan_code, nagari_code, status)
			VALUES ($1, nullif($2, ''), nullif($3, ''), $4) RETURNING id`, in.Name, in.KecamatanCode, in.NagariCode, string(in.Status)).Scan(&id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "supplier.create", Entity: "supplier", EntityID: strconv.FormatInt(id, 10), Details: in})
	})
	if err != nil {
		return Supplier{}, fmt.Errorf("supplier: create: %w", err)
	}
	return s.Supplier(ctx, id)
}

// Supplier returns one supplier.
func (s *Service) Supplier(ctx context.Context, id int64) (Supplier, error) {
	var sp Supplier
	var status string
	err := s.db.QueryRow(ctx, `SELECT s.id, s.name, coalesce(s.kecamatan_code, ''), coalesce(k.name, ''),
		coalesce(s.nagari_code, ''), coalesce(n.name, ''), s.status
		FROM suppliers s LEFT JOIN kecamatan k ON k.code = s.kecamatan_code LEFT JOIN nagari n ON n.code = s.nagari_code
		WHERE s.id = $1`, id).Scan(&sp.ID, &sp.Name, &sp.KecamatanCode, &sp.KecamatanName, &sp.NagariCode, &sp.NagariName, &status)
	if err != nil {
		return Supplier{}, postgres.NotFound(err, "Usaha tidak ditemukan.")
	}
	sp.Status = Status(status)
	return sp, nil
}

// Suppliers lists suppliers by name (for choosing one when granting a role).
func (s *Service) Suppliers(ctx context.Context, limit int) ([]Supplier, error) {
	rows, err := s.db.Query(ctx, `SELECT s.id, s.name, coalesce(s.kecamatan_code, ''), coalesce(k.name, ''), '', '', s.status
		FROM suppliers s LEFT JOIN kecamatan k ON k.code = s.kecamatan_code ORDER BY s.name LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("supplier: list: %w", postgres.Classify(err))
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Supplier, error) {
		var sp Supplier
		var status string
		err := r.Scan(&sp.ID, &sp.Name, &sp.KecamatanCode, &sp.KecamatanName, &sp.NagariCode, &sp.NagariName, &status)
		sp.Status = Status(status)
		return sp, err
	})
}

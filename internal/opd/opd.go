// Package opd manages the regency's agencies (OPD) that buy through Lapak.
// Admins create and edit them; everyone signed in may read them.
// It knows nothing of HTTP or HTML.
package opd

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/postgres"
	"lapak/internal/validate"
)

// Kinds lists the kinds of OPD, as stored.
var Kinds = []string{"sekretariat", "bagian", "badan", "dinas", "satuan", "rumah sakit", "puskesmas", "kecamatan", "lainnya"}

// OPD is one agency.
type OPD struct {
	ID         int64
	Code       string
	Name       string
	ShortName  string
	Kind       string
	LetterCode string // used in document numbers, e.g. DINKES
	Address    string
	Active     bool
	UserCount  int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Input is what an admin enters for an OPD.
type Input struct {
	Code, Name, ShortName, Kind, LetterCode, Address string
	Active                                           bool
}

// Service manages OPDs.
type Service struct{ db *pgxpool.Pool }

// NewService returns a Service.
func NewService(db *pgxpool.Pool) *Service { return &Service{db: db} }

const columns = `o.id, o.code, o.name, o.short_name, o.kind, o.letter_code, o.address, o.active, o.created_at, o.updated_at,
	(SELECT count(DISTINCT r.user_id) FROM user_roles r WHERE r.opd_id = o.id)`

func scan(row pgx.CollectableRow) (OPD, error) {
	var o OPD
	err := row.Scan(&o.ID, &o.Code, &o.Name, &o.ShortName, &o.Kind, &o.LetterCode, &o.Address, &o.Active, &o.CreatedAt, &o.UpdatedAt, &o.UserCount)
	return o, err
}

// OPDs lists every OPD by name; activeOnly leaves out retired ones.
func (s *Service) OPDs(ctx context.Context, activeOnly bool) ([]OPD, error) {
	rows, err := s.db.Query(ctx, "SELECT "+columns+" FROM opds o WHERE o.active OR NOT $1 ORDER BY o.name", activeOnly)
	if err != nil {
		return nil, fmt.Errorf("opd: list: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("opd: list: %w", postgres.Classify(err))
	}
	return list, nil
}

// OPD returns one OPD.
func (s *Service) OPD(ctx context.Context, id int64) (OPD, error) {
	rows, err := s.db.Query(ctx, "SELECT "+columns+" FROM opds o WHERE o.id = $1", id)
	if err != nil {
		return OPD{}, postgres.Classify(err)
	}
	o, err := pgx.CollectExactlyOneRow(rows, scan)
	if err != nil {
		return OPD{}, postgres.NotFound(err, "OPD tidak ditemukan.")
	}
	return o, nil
}

var (
	codeRe   = regexp.MustCompile(`^[A-Z0-9-]{2,20}$`)
	letterRe = regexp.MustCompile(`^[A-Z0-9.-]{2,20}$`)
)

func (in *Input) validate() error {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	in.Name = strings.TrimSpace(in.Name)
	in.ShortName = strings.TrimSpace(in.ShortName)
	in.LetterCode = strings.ToUpper(strings.TrimSpace(in.LetterCode))
	in.Address = strings.TrimSpace(in.Address)
	errs := validate.Errors{}
	if !codeRe.MatchString(in.Code) {
		errs.Add("code", "Kode OPD 2–20 huruf besar, angka atau tanda hubung, misalnya OPD-008.")
	}
	if n := len([]rune(in.Name)); n < 3 || n > 200 {
		errs.Add("name", "Nama OPD wajib diisi (3–200 huruf).")
	}
	errs.Check("short_name", validate.MaxLen(in.ShortName, 50))
	if !validKind(in.Kind) {
		errs.Add("kind", "Pilih jenis OPD.")
	}
	if !letterRe.MatchString(in.LetterCode) {
		errs.Add("letter_code", "Kode surat 2–20 huruf besar atau angka, misalnya DINKES (dipakai dalam nomor Surat Pesanan).")
	}
	errs.Check("address", validate.MaxLen(in.Address, 300))
	return errs.Err()
}

func validKind(k string) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

func requireAdmin(ctx context.Context) error {
	if !audit.ActorFrom(ctx).HasRole("admin") {
		return apperr.E(apperr.Forbidden, "Hanya admin yang dapat mengelola OPD.")
	}
	return nil
}

// CreateOPD adds an OPD. Only admins may.
func (s *Service) CreateOPD(ctx context.Context, in Input) (OPD, error) {
	if err := requireAdmin(ctx); err != nil {
		return OPD{}, err
	}
	if err := in.validate(); err != nil {
		return OPD{}, err
	}
	var id int64
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO opds (code, name, short_name, kind, letter_code, address, active)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			in.Code, in.Name, in.ShortName, in.Kind, in.LetterCode, in.Address, in.Active).Scan(&id)
		if err != nil {
			return duplicate(err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "opd.create", Entity: "opd", EntityID: strconv.FormatInt(id, 10), Details: in})
	})
	if err != nil {
		return OPD{}, fmt.Errorf("opd: create: %w", err)
	}
	return s.OPD(ctx, id)
}

// UpdateOPD changes an OPD. Only admins may.
func (s *Service) UpdateOPD(ctx context.Context, id int64, in Input) (OPD, error) {
	if err := requireAdmin(ctx); err != nil {
		return OPD{}, err
	}
	if err := in.validate(); err != nil {
		return OPD{}, err
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE opds SET code = $2, name = $3, short_name = $4, kind = $5, letter_code = $6,
			address = $7, active = $8, updated_at = now() WHERE id = $1`,
			id, in.Code, in.Name, in.ShortName, in.Kind, in.LetterCode, in.Address, in.Active)
		if err != nil {
			return duplicate(err)
		}
		if tag.RowsAffected() == 0 {
			return apperr.E(apperr.NotFound, "OPD tidak ditemukan.")
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "opd.update", Entity: "opd", EntityID: strconv.FormatInt(id, 10), Details: in})
	})
	if err != nil {
		return OPD{}, fmt.Errorf("opd: update %d: %w", id, err)
	}
	return s.OPD(ctx, id)
}

func duplicate(err error) error {
	err = postgres.Classify(err)
	if errors.Is(err, apperr.Conflict) {
		if strings.Contains(err.Error(), "opds_code_key") {
			return validate.Errors{"code": "Kode OPD ini sudah dipakai."}
		}
		return validate.Errors{"name": "Nama OPD ini sudah ada."}
	}
	return err
}

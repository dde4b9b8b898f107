package workday

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/postgres"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// Kind says whether a day off is a national holiday or a cuti bersama.
type Kind string

// Kinds of days off, as stored.
const (
	KindNational    Kind = "libur_nasional"
	KindCutiBersama Kind = "cuti_bersama"
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{KindNational, KindCutiBersama}

// Label is the kind's name for users.
func (k Kind) Label() string {
	switch k {
	case KindNational:
		return "Libur nasional"
	case KindCutiBersama:
		return "Cuti bersama"
	}
	return string(k)
}

// Holiday is one day off besides weekends.
type Holiday struct {
	ID         int64
	Date       time.Time // midnight WIB of the day
	Name       string
	Kind       Kind
	LegalBasis string // e.g. "SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025"
	Source     string // where the date was taken from
	Tentative  bool   // the date may still move (Islamic holidays, a year without SKB)
	Note       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Input is what an admin enters for a holiday. Date is "2026-12-24".
type Input struct {
	Date, Name, Kind, LegalBasis, Source, Note string
	Tentative                                  bool
}

// Year summarises the holidays of one year, so admins see which years are
// missing their SKB.
type Year struct {
	Year        int
	National    int
	CutiBersama int
	Tentative   int
}

// Complete reports whether the year has its cuti bersama entered: every
// SKB so far has had some, so a year without any lacks its SKB.
func (y Year) Complete() bool { return y.CutiBersama > 0 }

// Service manages the holiday rows. After a change it reloads cal, when
// given, so the calendar in this process sees the change at once.
type Service struct {
	db  *pgxpool.Pool
	cal *Calendar
}

// NewService returns a Service; cal may be nil.
func NewService(db *pgxpool.Pool, cal *Calendar) *Service { return &Service{db: db, cal: cal} }

const columns = `id, date, name, kind, legal_basis, source, tentative, note, created_at, updated_at`

func scan(row pgx.CollectableRow) (Holiday, error) {
	var h Holiday
	var d time.Time
	err := row.Scan(&h.ID, &d, &h.Name, &h.Kind, &h.LegalBasis, &h.Source, &h.Tentative, &h.Note, &h.CreatedAt, &h.UpdatedAt)
	h.Date = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, wib.Location)
	return h, err
}

func canRead(ctx context.Context) error {
	if !audit.ActorFrom(ctx).HasRole("admin", "auditor") {
		return apperr.E(apperr.Forbidden, "Hanya admin dan auditor yang dapat melihat daftar hari libur.")
	}
	return nil
}

func canEdit(ctx context.Context) error {
	if !audit.ActorFrom(ctx).HasRole("admin") {
		return apperr.E(apperr.Forbidden, "Hanya admin yang dapat mengubah hari libur.")
	}
	return nil
}

// Holidays lists the holidays of year by date. Admins and auditors may.
func (s *Service) Holidays(ctx context.Context, year int) ([]Holiday, error) {
	if err := canRead(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+columns+" FROM holidays WHERE extract(year FROM date) = $1 ORDER BY date, id", year)
	if err != nil {
		return nil, fmt.Errorf("workday: holidays %d: %w", year, postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("workday: holidays %d: %w", year, postgres.Classify(err))
	}
	return list, nil
}

// Years summarises every year that has holidays, plus from..to even when
// empty, in order. Admins and auditors may.
func (s *Service) Years(ctx context.Context, from, to int) ([]Year, error) {
	if err := canRead(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `
		SELECT y, count(h.id) FILTER (WHERE h.kind = 'libur_nasional'), count(h.id) FILTER (WHERE h.kind = 'cuti_bersama'),
			count(h.id) FILTER (WHERE h.tentative)
		FROM (SELECT DISTINCT extract(year FROM date)::int AS y FROM holidays UNION SELECT generate_series($1::int, $2::int)) years
		LEFT JOIN holidays h ON extract(year FROM h.date)::int = years.y
		GROUP BY y ORDER BY y`, from, to)
	if err != nil {
		return nil, fmt.Errorf("workday: years: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Year])
	if err != nil {
		return nil, fmt.Errorf("workday: years: %w", postgres.Classify(err))
	}
	return list, nil
}

// Holiday returns one holiday. Admins and auditors may.
func (s *Service) Holiday(ctx context.Context, id int64) (Holiday, error) {
	if err := canRead(ctx); err != nil {
		return Holiday{}, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+columns+" FROM holidays WHERE id = $1", id)
	if err != nil {
		return Holiday{}, postgres.Classify(err)
	}
	h, err := pgx.CollectExactlyOneRow(rows, scan)
	if err != nil {
		return Holiday{}, postgres.NotFound(err, "Hari libur tidak ditemukan.")
	}
	return h, nil
}

// values is an Input checked and normalised.
type values struct {
	date                                 time.Time
	name, kind, legalBasis, source, note string
	tentative                            bool
}

func (in Input) validate() (values, error) {
	errs := validate.Errors{}
	v := values{name: strings.TrimSpace(in.Name), kind: in.Kind, legalBasis: strings.TrimSpace(in.LegalBasis),
		source: strings.TrimSpace(in.Source), note: strings.TrimSpace(in.Note), tentative: in.Tentative}
	d, err := wib.ParseDate(in.Date)
	switch {
	case strings.TrimSpace(in.Date) == "":
		errs.Add("date", "Tanggal wajib diisi.")
	case err != nil:
		errs.Add("date", "Tanggal tidak valid. Pilih tanggal dari kalender.")
	case d.Year() < 2000 || d.Year() > 2100:
		errs.Add("date", "Tahun harus antara 2000 dan 2100.")
	}
	v.date = d
	if n := len([]rune(v.name)); n < 3 || n > 200 {
		errs.Add("name", "Nama hari libur wajib diisi (3–200 huruf), misalnya Hari Raya Natal.")
	}
	if v.kind != string(KindNational) && v.kind != string(KindCutiBersama) {
		errs.Add("kind", "Pilih jenis: libur nasional atau cuti bersama.")
	}
	if n := len([]rune(v.legalBasis)); n < 3 || n > 500 {
		errs.Add("legal_basis", "Dasar hukum wajib diisi, misalnya nomor SKB 3 Menteri tahun itu.")
	}
	errs.Check("source", validate.MaxLen(v.source, 1000))
	errs.Check("note", validate.MaxLen(v.note, 1000))
	return v, errs.Err()
}

func duplicate(err error) error {
	err = postgres.Classify(err)
	if errors.Is(err, apperr.Conflict) {
		return validate.Errors{"name": "Hari libur dengan nama ini sudah ada pada tanggal itu."}
	}
	return err
}

// CreateHoliday adds a day off. Only admins may.
func (s *Service) CreateHoliday(ctx context.Context, in Input) (Holiday, error) {
	if err := canEdit(ctx); err != nil {
		return Holiday{}, err
	}
	v, err := in.validate()
	if err != nil {
		return Holiday{}, err
	}
	var id int64
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO holidays (date, name, kind, legal_basis, source, tentative, note)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			wib.ISODate(v.date), v.name, v.kind, v.legalBasis, v.source, v.tentative, v.note).Scan(&id)
		if err != nil {
			return duplicate(err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "holiday.create", Entity: "holiday", EntityID: strconv.FormatInt(id, 10), Details: in})
	})
	if err != nil {
		return Holiday{}, fmt.Errorf("workday: create holiday: %w", err)
	}
	s.reload(ctx)
	return s.Holiday(ctx, id)
}

// UpdateHoliday changes a day off. Only admins may.
func (s *Service) UpdateHoliday(ctx context.Context, id int64, in Input) (Holiday, error) {
	if err := canEdit(ctx); err != nil {
		return Holiday{}, err
	}
	v, err := in.validate()
	if err != nil {
		return Holiday{}, err
	}
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var before Holiday
		rows, err := tx.Query(ctx, "SELECT "+columns+" FROM holidays WHERE id = $1 FOR UPDATE", id)
		if err != nil {
			return err
		}
		if before, err = pgx.CollectExactlyOneRow(rows, scan); err != nil {
			return postgres.NotFound(err, "Hari libur tidak ditemukan.")
		}
		_, err = tx.Exec(ctx, `UPDATE holidays SET date = $2, name = $3, kind = $4, legal_basis = $5, source = $6,
			tentative = $7, note = $8, updated_at = now() WHERE id = $1`,
			id, wib.ISODate(v.date), v.name, v.kind, v.legalBasis, v.source, v.tentative, v.note)
		if err != nil {
			return duplicate(err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "holiday.update", Entity: "holiday", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"before": map[string]any{"date": wib.ISODate(before.Date), "name": before.Name, "kind": before.Kind,
				"legal_basis": before.LegalBasis, "tentative": before.Tentative}, "after": in}})
	})
	if err != nil {
		return Holiday{}, fmt.Errorf("workday: update holiday %d: %w", id, err)
	}
	s.reload(ctx)
	return s.Holiday(ctx, id)
}

// DeleteHoliday removes a day off (it becomes a working day unless it falls
// on a weekend). Only admins may; the audit entry keeps what was removed.
func (s *Service) DeleteHoliday(ctx context.Context, id int64) error {
	if err := canEdit(ctx); err != nil {
		return err
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "DELETE FROM holidays WHERE id = $1 RETURNING "+columns, id)
		if err != nil {
			return err
		}
		h, err := pgx.CollectExactlyOneRow(rows, scan)
		if err != nil {
			return postgres.NotFound(err, "Hari libur tidak ditemukan.")
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "holiday.delete", Entity: "holiday", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"date": wib.ISODate(h.Date), "name": h.Name, "kind": h.Kind, "legal_basis": h.LegalBasis}})
	})
	if err != nil {
		return fmt.Errorf("workday: delete holiday %d: %w", id, err)
	}
	s.reload(ctx)
	return nil
}

// reload refreshes the calendar after a committed change; a failure leaves
// the calendar to retry after its TTL and is reported by its Err.
func (s *Service) reload(ctx context.Context) {
	if s.cal != nil {
		_ = s.cal.Reload(ctx)
	}
}

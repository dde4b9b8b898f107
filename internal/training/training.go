// Package training owns pembekalan: training sessions that Koperindag runs for
// suppliers, who is invited to each, and who attended. It knows nothing of
// HTTP or HTML.
package training

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/mail"
	"lapak/internal/postgres"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// Training is one session.
type Training struct {
	ID            int64
	Topic         string
	StartsAt      time.Time
	Place         string
	KecamatanCode string
	KecamatanName string
	Capacity      int // 0: no limit
	Invited       int
	Attended      int
}

// Participant is a supplier invited to a session.
type Participant struct {
	SupplierID   int64
	SupplierName string
	Kecamatan    string
	Attended     bool
}

// Input is what staff enter for a session; the date and time are typed as on
// an HTML form (2026-12-03 and 09:00, WIB).
type Input struct {
	Topic, Date, Time, Place, KecamatanCode, Capacity string
}

// Service manages trainings.
type Service struct{ db *pgxpool.Pool }

// NewService returns a Service.
func NewService(db *pgxpool.Pool) *Service { return &Service{db: db} }

func requireStaff(ctx context.Context, read bool) error {
	u := auth.UserFrom(ctx)
	if u.Has(auth.RoleKoperindag, auth.RoleAdmin) || (read && u.Has(auth.RoleAuditor)) {
		return nil
	}
	return apperr.E(apperr.Forbidden, "Hanya petugas Koperindag dan admin yang mengelola pembekalan.")
}

// CreateTraining adds a session. Koperindag staff and admins may.
func (s *Service) CreateTraining(ctx context.Context, in Input) (Training, error) {
	if err := requireStaff(ctx, false); err != nil {
		return Training{}, err
	}
	errs := validate.Errors{}
	in.Topic, in.Place = strings.TrimSpace(in.Topic), strings.TrimSpace(in.Place)
	if n := len([]rune(in.Topic)); n < 3 || n > 200 {
		errs.Add("topic", "Tulis topik pembekalan (3–200 huruf).")
	}
	if n := len([]rune(in.Place)); n < 2 || n > 200 {
		errs.Add("place", "Tulis tempat pembekalan.")
	}
	day, err := wib.ParseDate(in.Date)
	if err != nil {
		errs.Add("date", "Pilih tanggal pembekalan.")
	}
	hh, mm := 9, 0
	if in.Time != "" {
		if t, err := time.Parse("15:04", in.Time); err != nil {
			errs.Add("time", "Jam ditulis seperti 09:00.")
		} else {
			hh, mm = t.Hour(), t.Minute()
		}
	}
	capacity := 0
	if strings.TrimSpace(in.Capacity) != "" {
		if capacity, err = strconv.Atoi(strings.TrimSpace(in.Capacity)); err != nil || capacity < 1 || capacity > 10000 {
			errs.Add("capacity", "Kapasitas berupa angka 1 sampai 10.000, atau kosongkan.")
		}
	}
	if err := errs.Err(); err != nil {
		return Training{}, err
	}
	starts := time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, wib.Location)
	var capPtr *int
	if capacity > 0 {
		capPtr = &capacity
	}
	u := auth.UserFrom(ctx)
	var by *int64
	if u.ID != 0 {
		by = &u.ID
	}
	var id int64
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO trainings (topic, starts_at, place, kecamatan_code, capacity, created_by)
			VALUES ($1, $2, $3, nullif($4, ''), $5, $6) RETURNING id`, in.Topic, starts, in.Place, in.KecamatanCode, capPtr, by).Scan(&id)
		if err != nil {
			if apperr.KindOf(postgres.Classify(err)) == apperr.Invalid {
				return validate.Errors{"kecamatan": "Pilih kecamatan dari daftar."}
			}
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "training.create", Entity: "training", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"topic": in.Topic, "starts_at": starts, "place": in.Place}})
	})
	if err != nil {
		return Training{}, fmt.Errorf("training: create: %w", err)
	}
	return s.Training(ctx, id)
}

const columns = `t.id, t.topic, t.starts_at, t.place, coalesce(t.kecamatan_code, ''), coalesce(k.name, ''), coalesce(t.capacity, 0),
	(SELECT count(*) FROM training_participants p WHERE p.training_id = t.id),
	(SELECT count(*) FROM training_participants p WHERE p.training_id = t.id AND p.attended)`

func scan(row pgx.CollectableRow) (Training, error) {
	var t Training
	err := row.Scan(&t.ID, &t.Topic, &t.StartsAt, &t.Place, &t.KecamatanCode, &t.KecamatanName, &t.Capacity, &t.Invited, &t.Attended)
	return t, err
}

// Trainings lists sessions, newest first.
func (s *Service) Trainings(ctx context.Context) ([]Training, error) {
	if err := requireStaff(ctx, true); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+columns+" FROM trainings t LEFT JOIN kecamatan k ON k.code = t.kecamatan_code ORDER BY t.starts_at DESC LIMIT 200")
	if err != nil {
		return nil, fmt.Errorf("training: list: %w", postgres.Classify(err))
	}
	return pgx.CollectRows(rows, scan)
}

// Training returns one session.
func (s *Service) Training(ctx context.Context, id int64) (Training, error) {
	if err := requireStaff(ctx, true); err != nil {
		return Training{}, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+columns+" FROM trainings t LEFT JOIN kecamatan k ON k.code = t.kecamatan_code WHERE t.id = $1", id)
	if err != nil {
		return Training{}, postgres.Classify(err)
	}
	t, err := pgx.CollectExactlyOneRow(rows, scan)
	if err != nil {
		return Training{}, postgres.NotFound(err, "Pembekalan tidak ditemukan.")
	}
	return t, nil
}

// Participants lists the suppliers invited to session id.
func (s *Service) Participants(ctx context.Context, id int64) ([]Participant, error) {
	if err := requireStaff(ctx, true); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT s.id, s.name, coalesce(k.name, ''), p.attended FROM training_participants p
		JOIN suppliers s ON s.id = p.supplier_id LEFT JOIN kecamatan k ON k.code = s.kecamatan_code
		WHERE p.training_id = $1 ORDER BY s.name`, id)
	if err != nil {
		return nil, fmt.Errorf("training: participants: %w", postgres.Classify(err))
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Participant])
}

// InviteFilter selects the suppliers to invite.
type InviteFilter struct {
	KecamatanCode string
	Status        string // supplier status; empty: every status but suspended
	NotTrained    bool   // only suppliers that have not attended any session yet
}

// Invite adds the suppliers matching f to session id (those already invited
// stay as they are), e-mails those with an address, and returns how many were
// added. The session's capacity is respected.
func (s *Service) Invite(ctx context.Context, id int64, f InviteFilter) (int, error) {
	if err := requireStaff(ctx, false); err != nil {
		return 0, err
	}
	added := 0
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var t Training
		rows, err := tx.Query(ctx, "SELECT "+columns+" FROM trainings t LEFT JOIN kecamatan k ON k.code = t.kecamatan_code WHERE t.id = $1 FOR UPDATE OF t", id)
		if err != nil {
			return err
		}
		if t, err = pgx.CollectExactlyOneRow(rows, scan); err != nil {
			return postgres.NotFound(err, "Pembekalan tidak ditemukan.")
		}
		room := 1 << 30
		if t.Capacity > 0 {
			room = t.Capacity - t.Invited
			if room <= 0 {
				return apperr.E(apperr.Conflict, "Pembekalan ini sudah penuh.")
			}
		}
		rows, err = tx.Query(ctx, `INSERT INTO training_participants (training_id, supplier_id)
			SELECT $1, s.id FROM suppliers s
			WHERE ($2 = '' OR s.kecamatan_code = $2)
			  AND (($3 = '' AND s.status <> 'suspended') OR s.status = $3)
			  AND (NOT $4 OR NOT EXISTS (SELECT 1 FROM training_participants p WHERE p.supplier_id = s.id AND p.attended))
			  AND NOT EXISTS (SELECT 1 FROM training_participants p WHERE p.training_id = $1 AND p.supplier_id = s.id)
			ORDER BY s.id LIMIT $5
			RETURNING supplier_id`, id, f.KecamatanCode, f.Status, f.NotTrained, room)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		added = len(ids)
		if added == 0 {
			return nil
		}
		mails, err := tx.Query(ctx, `SELECT email, name FROM suppliers WHERE id = ANY($1) AND email IS NOT NULL`, ids)
		if err != nil {
			return err
		}
		type rcpt struct{ Email, Name string }
		list, err := pgx.CollectRows(mails, pgx.RowToStructByPos[rcpt])
		if err != nil {
			return err
		}
		for _, r := range list {
			body := fmt.Sprintf("Yth. %s,\n\nAnda diundang ke pembekalan Lapak oleh Dinas Koperindag Kabupaten Solok Selatan:\n\n"+
				"Topik : %s\nWaktu : %s\nTempat: %s\n\nPembekalan ini gratis. Sampai jumpa!", r.Name, t.Topic, wib.DateTime(t.StartsAt), t.Place)
			if err := mail.Enqueue(ctx, tx, mail.Message{To: r.Email, Subject: "Undangan pembekalan Lapak: " + t.Topic, Body: body}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "training.invite", Entity: "training", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"added": added, "filter": f}})
	})
	if err != nil {
		return 0, fmt.Errorf("training: invite: %w", err)
	}
	return added, nil
}

// RecordAttendance sets who attended session id: the suppliers in attended
// did, the other invited ones did not.
func (s *Service) RecordAttendance(ctx context.Context, id int64, attended []int64) error {
	if err := requireStaff(ctx, false); err != nil {
		return err
	}
	u := auth.UserFrom(ctx)
	var by *int64
	if u.ID != 0 {
		by = &u.ID
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE training_participants SET attended = (supplier_id = ANY($2)), recorded_by = $3
			WHERE training_id = $1`, id, attended, by)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.E(apperr.NotFound, "Pembekalan ini belum punya peserta undangan.")
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "training.attendance", Entity: "training", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"attended": len(attended)}})
	})
	if err != nil {
		return fmt.Errorf("training: attendance: %w", err)
	}
	return nil
}

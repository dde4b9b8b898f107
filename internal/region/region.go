// Package region holds the regency's administrative regions, kecamatan and
// nagari, as reference data keyed by Kemendagri codes. It is read-only at run time.
package region

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/postgres"
)

// Kecamatan is a district.
type Kecamatan struct {
	Code   string
	Name   string
	Nagari []Nagari
}

// Nagari is a village (desa) in West Sumatra.
type Nagari struct {
	Code          string
	KecamatanCode string
	Name          string
}

// Service reads regions.
type Service struct{ db *pgxpool.Pool }

// NewService returns a Service.
func NewService(db *pgxpool.Pool) *Service { return &Service{db: db} }

// Kecamatan lists every kecamatan with its nagari, by code.
func (s *Service) Kecamatan(ctx context.Context) ([]Kecamatan, error) {
	rows, err := s.db.Query(ctx, `SELECT k.code, k.name, n.code, n.name FROM kecamatan k
		LEFT JOIN nagari n ON n.kecamatan_code = k.code ORDER BY k.code, n.name`)
	if err != nil {
		return nil, fmt.Errorf("region: kecamatan: %w", postgres.Classify(err))
	}
	defer rows.Close()
	var out []Kecamatan
	for rows.Next() {
		var kc, kn string
		var nc, nn *string
		if err := rows.Scan(&kc, &kn, &nc, &nn); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Code != kc {
			out = append(out, Kecamatan{Code: kc, Name: kn})
		}
		if nc != nil {
			k := &out[len(out)-1]
			k.Nagari = append(k.Nagari, Nagari{Code: *nc, KecamatanCode: kc, Name: *nn})
		}
	}
	return out, rows.Err()
}

// UpsertKecamatan stores a kecamatan (reference data loading).
func UpsertKecamatan(ctx context.Context, db postgres.DBTX, code, name, bps string) error {
	_, err := db.Exec(ctx, `INSERT INTO kecamatan (code, name, bps_code) VALUES ($1, $2, $3)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, bps_code = EXCLUDED.bps_code`, code, name, bps)
	return postgres.Classify(err)
}

// UpsertNagari stores a nagari (reference data loading).
func UpsertNagari(ctx context.Context, db postgres.DBTX, code, kecamatanCode, name, bps string) error {
	_, err := db.Exec(ctx, `INSERT INTO nagari (code, kecamatan_code, name, bps_code) VALUES ($1, $2, $3, $4)
		ON CONFLICT (code) DO UPDATE SET kecamatan_code = EXCLUDED.kecamatan_code, name = EXCLUDED.name, bps_code = EXCLUDED.bps_code`,
		code, kecamatanCode, name, bps)
	return postgres.Classify(err)
}

// Counts returns how many kecamatan and nagari are stored.
func Counts(ctx context.Context, db postgres.DBTX) (kecamatan, nagari int, err error) {
	err = db.QueryRow(ctx, "SELECT (SELECT count(*) FROM kecamatan), (SELECT count(*) FROM nagari)").Scan(&kecamatan, &nagari)
	if err == pgx.ErrNoRows {
		err = nil
	}
	return kecamatan, nagari, postgres.Classify(err)
}

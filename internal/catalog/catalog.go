// Package catalog owns what suppliers sell: categories now; listings, prices
// and search as the catalog grows. It knows nothing of HTTP or HTML.
package catalog

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/postgres"
)

// Category is one node of the category tree.
type Category struct {
	ID          int64
	Code        string
	Name        string
	Kind        string // barang, jasa or campuran
	AccountCode string // related regional budget account (kode rekening), when known
}

// Service manages the catalog.
type Service struct{ db *pgxpool.Pool }

// NewService returns a Service.
func NewService(db *pgxpool.Pool) *Service { return &Service{db: db} }

// Categories lists the categories in display order.
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	rows, err := s.db.Query(ctx, "SELECT id, code, name, kind, account_code FROM categories ORDER BY position, name")
	if err != nil {
		return nil, fmt.Errorf("catalog: categories: %w", postgres.Classify(err))
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Category])
}

// UpsertCategory stores a top-level category by code (reference data loading).
func UpsertCategory(ctx context.Context, db postgres.DBTX, c Category, position int) error {
	_, err := db.Exec(ctx, `INSERT INTO categories (code, name, kind, account_code, position) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, account_code = EXCLUDED.account_code, position = EXCLUDED.position`,
		c.Code, c.Name, c.Kind, c.AccountCode, position)
	return postgres.Classify(err)
}

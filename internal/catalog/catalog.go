// Package catalog owns what suppliers sell: categories, listings with their
// photos and price history, the regency's standard unit prices (SSH), bulk
// price updates, moderation and search. Who may do what is decided here,
// from the user in the context. It knows nothing of HTTP or HTML.
package catalog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/postgres"
)

// Category is one node of the category tree.
type Category struct {
	ID          int64
	Code        string
	Name        string
	Kind        string // barang, jasa or campuran
	AccountCode string // related regional budget account (kode rekening), when known
	ParentID    int64  // 0 for a top-level category
	Position    int
	Listings    int // listings in it (admin list only)
}

// Service manages the catalog.
type Service struct {
	db  *pgxpool.Pool
	now func() time.Time

	summaries *ttlCache[summary]    // search counts and ranked candidates by query
	prices    *ttlCache[[]priced]   // broad searches' matches in price order
	words     *ttlCache[[]resolved] // typo corrections by query words
	refs      *ttlCache[references] // categories and kecamatan, for labels
}

// NewService returns a Service.
func NewService(db *pgxpool.Pool) *Service {
	return &Service{db: db, now: time.Now,
		summaries: newTTLCache[summary](time.Minute, 4000),
		prices:    newTTLCache[[]priced](time.Minute, 64),
		words:     newTTLCache[[]resolved](5*time.Minute, 4000),
		refs:      newTTLCache[references](time.Minute, 1),
	}
}

// Categories lists the categories in display order.
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	rows, err := s.db.Query(ctx, `SELECT id, code, name, kind, account_code, coalesce(parent_id, 0), position, 0
		FROM categories ORDER BY position, name`)
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

// forget drops cached search answers after a change this process made, so
// its own users see the change at once; other processes see it within a
// minute (search results themselves are always checked live).
func (s *Service) forget() {
	s.summaries.clear()
	s.prices.clear()
	s.refs.clear()
}

// CacheStats reports hits and misses of the search summary cache.
func (s *Service) CacheStats() (hits, misses uint64) { return s.summaries.stats() }

func isNotFound(err error) bool { return errors.Is(err, apperr.NotFound) }

package catalog

import (
	"context"
	"fmt"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/postgres"
	"lapak/internal/supplier"
)

// Store returns what a supplier's public store shows about the supplier:
// name, status, scale, kecamatan and what it sells. Anyone may read a
// verified supplier's store; its people and staff may read any.
func (s *Service) Store(ctx context.Context, supplierID int64) (supplier.Supplier, error) {
	var sp supplier.Supplier
	var status, scale string
	err := s.db.QueryRow(ctx, `SELECT s.id, s.name, s.status, s.scale, s.pkp, coalesce(k.name, ''), s.products
		FROM suppliers s LEFT JOIN kecamatan k ON k.code = s.kecamatan_code WHERE s.id = $1`, supplierID).
		Scan(&sp.ID, &sp.Name, &status, &scale, &sp.PKP, &sp.KecamatanName, &sp.Products)
	if err != nil {
		return sp, fmt.Errorf("catalog: store %d: %w", supplierID, postgres.NotFound(err, "Toko ini tidak ada."))
	}
	sp.Status, sp.Scale = supplier.Status(status), supplier.Scale(scale)
	u := auth.UserFrom(ctx)
	if sp.Status != supplier.StatusVerified && !CanManage(u, supplierID) && !canSeeAll(u) {
		return supplier.Supplier{}, apperr.E(apperr.NotFound, "Toko ini tidak ada atau sedang tidak dibuka.")
	}
	return sp, nil
}

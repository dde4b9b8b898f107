package registry

import (
	"context"
	"fmt"

	"lapak/internal/apperr"
	"lapak/internal/postgres"
)

// LinkSupplier ties registry entry entryID to supplier supplierID, using db
// (normally the caller's transaction: activating an invitation or an assisted
// registration). Linking an entry again to the same supplier does nothing. It
// returns NotFound when the entry does not exist and Conflict when the entry
// is already tied to another supplier, or the supplier to another entry.
func LinkSupplier(ctx context.Context, db postgres.DBTX, entryID, supplierID int64) error {
	tag, err := db.Exec(ctx, `UPDATE registry_entries SET supplier_id = $2, updated_at = now()
		WHERE id = $1 AND (supplier_id IS NULL OR supplier_id = $2)`, entryID, supplierID)
	if err != nil {
		err = postgres.Classify(err)
		if apperr.KindOf(err) == apperr.Conflict {
			return apperr.Wrap(apperr.Conflict, "Usaha ini sudah terhubung dengan data registri lain.", err)
		}
		return fmt.Errorf("registry: link entry %d to supplier %d: %w", entryID, supplierID, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var exists bool
	if err := db.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM registry_entries WHERE id = $1)", entryID).Scan(&exists); err != nil {
		return fmt.Errorf("registry: link entry %d: %w", entryID, postgres.Classify(err))
	}
	if !exists {
		return apperr.E(apperr.NotFound, "Data registri UMKM tidak ditemukan.")
	}
	return apperr.E(apperr.Conflict, "Data registri ini sudah terhubung dengan usaha lain di Lapak.")
}

package server

import (
	"net/http"

	"lapak/internal/auth"
	"lapak/internal/reporting"
	"lapak/web"
)

// handleDashboard shows the start page, with a part for each role held.
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := auth.UserFrom(ctx)
	var d web.Dashboard
	for _, g := range u.Grants {
		if g.Role.NeedsOPD() && d.OPD == nil {
			o, err := s.opds.OPD(ctx, g.OPDID)
			if err != nil {
				return err
			}
			d.OPD = &o
			if d.Colleagues, err = s.auth.OPDMembers(ctx, g.OPDID); err != nil {
				return err
			}
		}
		if g.Role == auth.RoleSupplier && d.Supplier == nil {
			sp, err := s.suppliers.Supplier(ctx, g.SupplierID)
			if err != nil {
				return err
			}
			d.Supplier = &sp
		}
	}
	if u.Has(auth.RolePP, auth.RolePPK, auth.RoleTreasurer, auth.RoleSupplier) {
		n, err := s.orders.Waiting(ctx)
		if err != nil {
			return err
		}
		d.Orders, d.Waiting = true, n
	}
	if u.Has(auth.RoleAdmin, auth.RoleKoperindag, auth.RoleAuditor) {
		o, err := reporting.NewService(s.db).Overview(ctx)
		if err != nil {
			return err
		}
		d.Overview = &o
	}
	return s.render(w, r, http.StatusOK, web.DashboardPage(s.page(r, "Beranda"), d))
}

package supplier

import "lapak/internal/auth"

// Member reports whether u works for supplier id (holds the supplier role for it).
func Member(u *auth.User, id int64) bool {
	if u == nil {
		return false
	}
	for _, g := range u.Grants {
		if g.Role == auth.RoleSupplier && g.SupplierID == id {
			return true
		}
	}
	return false
}

// CanView reports whether u may see supplier id's full profile and documents:
// its own people, Koperindag staff, admins and auditors.
func CanView(u *auth.User, id int64) bool {
	return Member(u, id) || u.Has(auth.RoleKoperindag, auth.RoleAdmin, auth.RoleAuditor)
}

// CanEdit reports whether u may change supplier id's profile and documents:
// its own people, and Koperindag staff registering on an owner's behalf.
func CanEdit(u *auth.User, id int64) bool {
	return Member(u, id) || u.Has(auth.RoleKoperindag)
}

// CanReview reports whether u may verify, send back, suspend or reinstate suppliers.
func CanReview(u *auth.User) bool { return u.Has(auth.RoleKoperindag, auth.RoleAdmin) }

// Package auth owns accounts: users, their roles, passwords, sign-in with
// throttling, password resets, and the signed-in user carried in the context.
// Authorization decisions about accounts are made here, not in handlers.
// It knows nothing of HTTP or HTML.
package auth

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/audit"
)

// Role is a code name of a role (DESIGN.md section 1).
type Role string

// The roles of Lapak.
const (
	RolePP         Role = "pp"
	RolePPK        Role = "ppk"
	RoleTreasurer  Role = "treasurer"
	RoleSupplier   Role = "supplier"
	RoleKoperindag Role = "koperindag"
	RoleAdmin      Role = "admin"
	RoleAuditor    Role = "auditor"
	RolePimpinan   Role = "pimpinan" // the regent's office: reads the spending dashboards only
)

// Roles lists every role in display order.
var Roles = []Role{RolePP, RolePPK, RoleTreasurer, RoleSupplier, RoleKoperindag, RoleAdmin, RoleAuditor, RolePimpinan}

// Label is the role's name for users.
func (r Role) Label() string {
	switch r {
	case RolePP:
		return "Pejabat Pengadaan (PP)"
	case RolePPK:
		return "Pejabat Pembuat Komitmen (PPK)"
	case RoleTreasurer:
		return "Bendahara Pengeluaran"
	case RoleSupplier:
		return "Penyedia (UMKM)"
	case RoleKoperindag:
		return "Petugas Koperindag"
	case RoleAdmin:
		return "Admin (UKPBJ)"
	case RoleAuditor:
		return "Auditor"
	case RolePimpinan:
		return "Pimpinan daerah"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// NeedsOPD reports whether the role is tied to an OPD.
func (r Role) NeedsOPD() bool { return r == RolePP || r == RolePPK || r == RoleTreasurer }

// Grant is one role held by a user, with the OPD or supplier it is tied to.
type Grant struct {
	Role         Role
	OPDID        int64 // for pp, ppk, treasurer
	OPDName      string
	SupplierID   int64 // for supplier
	SupplierName string
}

// User is an account.
type User struct {
	ID                 int64
	Name               string
	Email              string // "" when none
	Phone              string // +62..., "" when none
	NIP                string
	Grants             []Grant
	MustChangePassword bool
	SessionVersion     int
	DisabledAt         *time.Time
	DisabledReason     string
	LastLoginAt        *time.Time
	CreatedAt          time.Time
	System             bool // the system itself (command line, seeding), never a person
}

// Has reports whether u holds any of roles.
func (u *User) Has(roles ...Role) bool {
	if u == nil {
		return false
	}
	for _, g := range u.Grants {
		if slices.Contains(roles, g.Role) {
			return true
		}
	}
	return false
}

// Grant returns u's grant of role r, if any.
func (u *User) Grant(r Role) (Grant, bool) {
	for _, g := range u.Grants {
		if g.Role == r {
			return g, true
		}
	}
	return Grant{}, false
}

// RoleList returns u's roles in display order.
func (u *User) RoleList() []Role {
	var out []Role
	for _, r := range Roles {
		if u.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

// Disabled reports whether the account is disabled.
func (u *User) Disabled() bool { return u.DisabledAt != nil }

// Login returns the e-mail, else the phone number: what the user signs in with.
func (u *User) Login() string {
	if u.Email != "" {
		return u.Email
	}
	return u.Phone
}

// Actor returns u as the audit trail records it.
func (u *User) Actor(ip string) audit.Actor {
	a := audit.Actor{ID: u.ID, Name: u.Name, IP: ip}
	for _, r := range u.RoleList() {
		a.Roles = append(a.Roles, string(r))
	}
	return a
}

type userKey struct{}

// WithUser returns ctx carrying the signed-in user u (also as the audit actor).
func WithUser(ctx context.Context, u *User, ip string) context.Context {
	ctx = context.WithValue(ctx, userKey{}, u)
	return audit.WithActor(ctx, u.Actor(ip))
}

// UserFrom returns the signed-in user of ctx, or nil.
func UserFrom(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}

// SystemContext returns ctx acting as the system, with every permission; for
// the command line and seeding only.
func SystemContext(ctx context.Context) context.Context {
	return WithUser(ctx, &User{Name: "sistem", System: true, Grants: []Grant{{Role: RoleAdmin}}}, "")
}

// Service manages accounts.
type Service struct {
	db      *pgxpool.Pool
	baseURL string
	log     *slog.Logger
	now     func() time.Time
}

// NewService returns a Service; baseURL prefixes links in e-mails.
func NewService(db *pgxpool.Pool, baseURL string, log *slog.Logger) *Service {
	return &Service{db: db, baseURL: baseURL, log: log, now: time.Now}
}

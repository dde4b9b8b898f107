package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/postgres"
	"lapak/internal/validate"
)

// UserInput is what an admin enters to create or edit an account.
type UserInput struct {
	Name     string
	Email    string
	Phone    string
	NIP      string
	Password string // only when creating; the user must change it at first sign-in
	Grants   []Grant
}

// UserFilter selects accounts; zero fields match everything.
type UserFilter struct {
	Query  string // part of name, e-mail or phone
	Role   Role
	OPDID  int64
	Limit  int
	Offset int
}

const userColumns = `u.id, u.name, coalesce(u.email, ''), coalesce(u.phone, ''), coalesce(u.nip, ''),
	u.must_change_password, u.session_version, u.disabled_at, u.disabled_reason, u.last_login_at, u.created_at,
	coalesce((SELECT json_agg(json_build_object('role', r.role, 'opd_id', coalesce(r.opd_id, 0), 'opd_name', coalesce(o.name, ''),
		'supplier_id', coalesce(r.supplier_id, 0), 'supplier_name', coalesce(s.name, '')) ORDER BY r.role)
		FROM user_roles r LEFT JOIN opds o ON o.id = r.opd_id LEFT JOIN suppliers s ON s.id = r.supplier_id
		WHERE r.user_id = u.id), '[]')`

type grantJSON struct {
	Role         Role   `json:"role"`
	OPDID        int64  `json:"opd_id"`
	OPDName      string `json:"opd_name"`
	SupplierID   int64  `json:"supplier_id"`
	SupplierName string `json:"supplier_name"`
}

func scanUser(row pgx.CollectableRow) (*User, error) {
	var u User
	var grants []grantJSON
	if err := row.Scan(&u.ID, &u.Name, &u.Email, &u.Phone, &u.NIP, &u.MustChangePassword, &u.SessionVersion,
		&u.DisabledAt, &u.DisabledReason, &u.LastLoginAt, &u.CreatedAt, &grants); err != nil {
		return nil, err
	}
	for _, g := range grants {
		u.Grants = append(u.Grants, Grant(g))
	}
	return &u, nil
}

// userByID loads any account; callers check permission.
func userByID(ctx context.Context, db postgres.DBTX, id int64) (*User, error) {
	rows, err := db.Query(ctx, "SELECT "+userColumns+" FROM users u WHERE u.id = $1", id)
	if err != nil {
		return nil, postgres.Classify(err)
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if err != nil {
		return nil, postgres.NotFound(err, "Akun tidak ditemukan.")
	}
	return u, nil
}

// SessionUser loads the account behind a session. It returns Unauthenticated
// when the account is gone, disabled, or its credentials changed since.
func (s *Service) SessionUser(ctx context.Context, id int64, version int) (*User, error) {
	u, err := userByID(ctx, s.db, id)
	if errors.Is(err, apperr.NotFound) {
		return nil, apperr.E(apperr.Unauthenticated, "")
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled() || u.SessionVersion != version {
		return nil, apperr.E(apperr.Unauthenticated, "Sesi Anda telah berakhir. Silakan masuk lagi.")
	}
	return u, nil
}

// canManage reports whether the actor may read or change account target:
// admins any account; Koperindag staff only accounts that are purely suppliers'.
func canManage(actor, target *User) bool {
	if actor.Has(RoleAdmin) {
		return true
	}
	if actor.Has(RoleKoperindag) && target != nil {
		for _, g := range target.Grants {
			if g.Role != RoleSupplier {
				return false
			}
		}
		return len(target.Grants) > 0
	}
	return false
}

// User returns one account. Admins may read any; Koperindag staff supplier
// accounts; anyone their own.
func (s *Service) User(ctx context.Context, id int64) (*User, error) {
	actor := UserFrom(ctx)
	if actor == nil {
		return nil, apperr.E(apperr.Unauthenticated, "")
	}
	u, err := userByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if actor.ID != u.ID && !canManage(actor, u) {
		return nil, apperr.E(apperr.Forbidden, "Anda tidak berhak melihat akun ini.")
	}
	return u, nil
}

// Users lists accounts matching f and the total count. Admins see every
// account; Koperindag staff see supplier accounts only.
func (s *Service) Users(ctx context.Context, f UserFilter) ([]*User, int, error) {
	actor := UserFrom(ctx)
	if !actor.Has(RoleAdmin, RoleKoperindag) {
		return nil, 0, apperr.E(apperr.Forbidden, "Anda tidak berhak melihat daftar akun.")
	}
	onlySuppliers := !actor.Has(RoleAdmin)
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	where := `WHERE ($1 = '' OR u.name ILIKE '%' || $1 || '%' OR u.email ILIKE '%' || $1 || '%' OR u.phone LIKE '%' || $1 || '%')
		AND ($2 = '' OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $2))
		AND ($3 = 0 OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.opd_id = $3))
		AND (NOT $4 OR (EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id)
			AND NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role <> 'supplier')))`
	args := []any{strings.TrimSpace(f.Query), string(f.Role), f.OPDID, onlySuppliers}
	var total int
	if err := s.db.QueryRow(ctx, "SELECT count(*) FROM users u "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("auth: count users: %w", postgres.Classify(err))
	}
	rows, err := s.db.Query(ctx, "SELECT "+userColumns+" FROM users u "+where+" ORDER BY u.name, u.id LIMIT $5 OFFSET $6",
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("auth: users: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, scanUser)
	if err != nil {
		return nil, 0, fmt.Errorf("auth: users: %w", postgres.Classify(err))
	}
	return list, total, nil
}

// validateUser checks in and returns it normalised with field errors.
func validateUser(in UserInput, creating bool) (UserInput, validate.Errors) {
	errs := validate.Errors{}
	in.Name = strings.TrimSpace(in.Name)
	if err := validate.Required(in.Name); err != nil {
		errs.Add("name", "Nama wajib diisi.")
	} else if len([]rune(in.Name)) < 2 || len([]rune(in.Name)) > 120 {
		errs.Add("name", "Nama harus 2 sampai 120 huruf.")
	}
	if strings.TrimSpace(in.Email) != "" {
		e, err := validate.Email(in.Email)
		errs.Check("email", err)
		in.Email = e
	} else {
		in.Email = ""
	}
	if strings.TrimSpace(in.Phone) != "" {
		p, err := validate.Phone(in.Phone)
		errs.Check("phone", err)
		in.Phone = p
	} else {
		in.Phone = ""
	}
	if in.Email == "" && in.Phone == "" && !errs.Has("email") && !errs.Has("phone") {
		errs.Add("email", "Isi e-mail atau nomor HP: salah satunya dipakai untuk masuk.")
	}
	if strings.TrimSpace(in.NIP) != "" {
		n, err := validate.NIP(in.NIP)
		errs.Check("nip", err)
		in.NIP = n
	} else {
		in.NIP = ""
	}
	if creating {
		errs.Check("password", validate.Password(in.Password))
	}
	if len(in.Grants) == 0 {
		errs.Add("roles", "Pilih paling sedikit satu peran.")
	}
	seen := map[Role]bool{}
	for _, g := range in.Grants {
		switch {
		case !g.Role.Valid():
			errs.Add("roles", "Peran tidak dikenal.")
		case seen[g.Role]:
			errs.Add("roles", "Satu peran hanya boleh dipilih sekali.")
		case g.Role.NeedsOPD() && g.OPDID == 0:
			errs.Add("opd", "Peran "+g.Role.Label()+" harus terikat pada satu OPD: pilih OPD-nya.")
		case g.Role == RoleSupplier && g.SupplierID == 0:
			errs.Add("supplier", "Peran penyedia harus terikat pada satu usaha: pilih usahanya.")
		}
		seen[g.Role] = true
	}
	return in, errs
}

// CreateUser creates an account. Only admins (and the system) may; the user
// must change the given password at first sign-in unless created by the system.
func (s *Service) CreateUser(ctx context.Context, in UserInput) (*User, error) {
	actor := UserFrom(ctx)
	if !actor.Has(RoleAdmin) {
		return nil, apperr.E(apperr.Forbidden, "Hanya admin yang dapat membuat akun.")
	}
	var id int64
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		id, err = InsertUser(ctx, tx, in, !actor.System)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("auth: create user: %w", err)
	}
	return userByID(ctx, s.db, id)
}

// InsertUser validates in and creates the account inside the caller's
// transaction, with an audit entry. It checks no permission: callers do (the
// onboarding flows call it when an owner activates an invitation or registers).
// mustChange makes the user set a new password at first sign-in.
func InsertUser(ctx context.Context, tx postgres.DBTX, in UserInput, mustChange bool) (int64, error) {
	in, errs := validateUser(in, true)
	if err := errs.Err(); err != nil {
		return 0, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO users (name, email, phone, nip, password_hash, must_change_password)
		VALUES ($1, nullif($2, ''), nullif($3, ''), nullif($4, ''), $5, $6) RETURNING id`,
		in.Name, in.Email, in.Phone, in.NIP, hash, mustChange).Scan(&id)
	if err != nil {
		return 0, duplicateLogin(err)
	}
	if err := writeGrants(ctx, tx, id, in.Grants); err != nil {
		return 0, err
	}
	err = audit.Record(ctx, tx, audit.Entry{Action: "user.create", Entity: "user", EntityID: strconv.FormatInt(id, 10),
		Details: map[string]any{"name": in.Name, "email": in.Email, "phone": in.Phone, "roles": grantNames(in.Grants)}})
	return id, err
}

// UpdateUser changes an account's details and roles. Only admins may.
func (s *Service) UpdateUser(ctx context.Context, id int64, in UserInput) (*User, error) {
	actor := UserFrom(ctx)
	if !actor.Has(RoleAdmin) {
		return nil, apperr.E(apperr.Forbidden, "Hanya admin yang dapat mengubah akun.")
	}
	in, errs := validateUser(in, false)
	if actor.ID == id {
		if _, ok := (&User{Grants: in.Grants}).Grant(RoleAdmin); !ok {
			errs.Add("roles", "Anda tidak dapat mencabut peran admin dari akun Anda sendiri.")
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET name = $2, email = nullif($3, ''), phone = nullif($4, ''), nip = nullif($5, ''), updated_at = now()
			WHERE id = $1`, id, in.Name, in.Email, in.Phone, in.NIP)
		if err != nil {
			return duplicateLogin(err)
		}
		if tag.RowsAffected() == 0 {
			return apperr.E(apperr.NotFound, "Akun tidak ditemukan.")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM user_roles WHERE user_id = $1", id); err != nil {
			return err
		}
		if err := writeGrants(ctx, tx, id, in.Grants); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "user.update", Entity: "user", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"name": in.Name, "email": in.Email, "phone": in.Phone, "roles": grantNames(in.Grants)}})
	})
	if err != nil {
		return nil, fmt.Errorf("auth: update user %d: %w", id, err)
	}
	return userByID(ctx, s.db, id)
}

// SetDisabled disables (with a reason) or re-enables an account. Only admins
// may, and not their own account. Disabling ends the account's sessions.
func (s *Service) SetDisabled(ctx context.Context, id int64, disabled bool, reason string) error {
	actor := UserFrom(ctx)
	if !actor.Has(RoleAdmin) {
		return apperr.E(apperr.Forbidden, "Hanya admin yang dapat menonaktifkan akun.")
	}
	if actor.ID == id {
		return apperr.E(apperr.Invalid, "Anda tidak dapat menonaktifkan akun Anda sendiri.")
	}
	reason = strings.TrimSpace(reason)
	if disabled && reason == "" {
		return validate.Errors{"reason": "Tulis alasan penonaktifan."}
	}
	if err := validate.MaxLen(reason, 300); err != nil {
		return validate.Errors{"reason": err.Error()}
	}
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET
			disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END,
			disabled_reason = CASE WHEN $2 THEN $3 ELSE '' END,
			session_version = session_version + CASE WHEN $2 THEN 1 ELSE 0 END,
			updated_at = now()
			WHERE id = $1`, id, disabled, reason)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.E(apperr.NotFound, "Akun tidak ditemukan.")
		}
		if disabled {
			if _, err := tx.Exec(ctx, "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL", id); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "user", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"reason": reason}})
	})
	if err != nil {
		return fmt.Errorf("auth: set disabled %d: %w", id, err)
	}
	return nil
}

func writeGrants(ctx context.Context, tx postgres.DBTX, userID int64, grants []Grant) error {
	for _, g := range grants {
		var opdID, supplierID *int64
		if g.Role.NeedsOPD() {
			opdID = &g.OPDID
		}
		if g.Role == RoleSupplier {
			supplierID = &g.SupplierID
		}
		_, err := tx.Exec(ctx, "INSERT INTO user_roles (user_id, role, opd_id, supplier_id) VALUES ($1, $2, $3, $4)",
			userID, string(g.Role), opdID, supplierID)
		if err != nil {
			if errors.Is(postgres.Classify(err), apperr.Invalid) {
				return validate.Errors{"roles": "OPD atau usaha yang dipilih tidak ada."}
			}
			return err
		}
	}
	return nil
}

func duplicateLogin(err error) error {
	err = postgres.Classify(err)
	if errors.Is(err, apperr.Conflict) {
		if strings.Contains(err.Error(), "users_email_key") {
			return validate.Errors{"email": "E-mail ini sudah dipakai akun lain."}
		}
		if strings.Contains(err.Error(), "users_phone_key") {
			return validate.Errors{"phone": "Nomor HP ini sudah dipakai akun lain."}
		}
	}
	return err
}

func grantNames(gs []Grant) []string {
	var out []string
	for _, g := range gs {
		out = append(out, string(g.Role))
	}
	return out
}

// OPDMembers lists the active accounts holding a role in OPD opdID. Members of
// that OPD, admins and auditors may read it.
func (s *Service) OPDMembers(ctx context.Context, opdID int64) ([]*User, error) {
	actor := UserFrom(ctx)
	member := false
	for _, g := range actor.grants() {
		member = member || (g.OPDID == opdID && g.Role.NeedsOPD())
	}
	if !member && !actor.Has(RoleAdmin, RoleAuditor) {
		return nil, apperr.E(apperr.Forbidden, "Anda tidak berhak melihat anggota OPD ini.")
	}
	rows, err := s.db.Query(ctx, "SELECT "+userColumns+` FROM users u WHERE u.disabled_at IS NULL
		AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.opd_id = $1) ORDER BY u.name`, opdID)
	if err != nil {
		return nil, fmt.Errorf("auth: opd members: %w", postgres.Classify(err))
	}
	return pgx.CollectRows(rows, scanUser)
}

func (u *User) grants() []Grant {
	if u == nil {
		return nil
	}
	return u.Grants
}

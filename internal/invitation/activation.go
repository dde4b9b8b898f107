package invitation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/postgres"
	"lapak/internal/registry"
	"lapak/internal/supplier"
	"lapak/internal/validate"
)

// Throttling of wrong activation codes: at most MaxWrongCodes unknown codes
// from one IP address within ThrottleWindow.
const (
	ThrottleWindow = 15 * time.Minute
	MaxWrongCodes  = 20
)

// Messages about a code that users must see word for word.
const (
	MsgCodeUsed    = "Kode aktivasi ini sudah dipakai. Jika Anda yang memakainya, silakan masuk dengan nomor HP atau e-mail dan kata sandi Anda."
	MsgCodeExpired = "Kode aktivasi ini sudah kedaluwarsa; minta kode baru ke petugas Koperindag."
	MsgCodeRevoked = "Kode aktivasi ini sudah diganti dengan kode yang lebih baru. Pakai kode pada surat atau pesan terakhir yang Anda terima, atau minta kode baru ke petugas Koperindag."
	MsgCodeUnknown = "Kode tidak dikenal. Periksa kembali kode pada surat atau pesan WhatsApp Anda."
	MsgCodeEmpty   = "Isi kode aktivasi dari surat atau pesan WhatsApp Anda."
	MsgCodeShape   = "Kode aktivasi terdiri dari 8 huruf dan angka, misalnya ABCD-2345."
)

// ActivationInput is what an owner enters to activate an invitation.
type ActivationInput struct {
	Name     string // the owner's name, for the account
	Phone    string // sign-in with phone and/or e-mail: at least one
	Email    string
	Password string
	Confirm  string
	IP       string
}

// Account is the account an activation or registration created, with what a
// session needs to sign it in.
type Account struct {
	UserID         int64
	SupplierID     int64
	Name           string
	SessionVersion int
}

// Preview is what the activation form shows about a live code, so the owner
// sees whose invitation it is; the contact details prefill the form.
type Preview struct {
	BusinessName string
	OwnerName    string
	Phone        string
	Email        string
	ExpiresAt    time.Time
}

// codeState is what the database knows of a code.
type codeState struct {
	id         int64
	entryID    int64
	supplierID int64
	used       bool
	revoked    bool
	expired    bool
}

// lookup finds the invitation behind a normalised code; ok is false when none.
func lookup(ctx context.Context, db postgres.DBTX, code string) (codeState, bool, error) {
	var c codeState
	err := db.QueryRow(ctx, `SELECT id, coalesce(registry_entry_id, 0), coalesce(supplier_id, 0),
			used_at IS NOT NULL, revoked_at IS NOT NULL, expires_at <= now()
		FROM invitations WHERE code_hash = $1`, codeHash(code)).
		Scan(&c.id, &c.entryID, &c.supplierID, &c.used, &c.revoked, &c.expired)
	if errors.Is(err, pgx.ErrNoRows) {
		return codeState{}, false, nil
	}
	if err != nil {
		return codeState{}, false, postgres.Classify(err)
	}
	return c, true, nil
}

// problem is the message for a code that exists but cannot be used, or "".
func (c codeState) problem() string {
	switch {
	case c.used:
		return MsgCodeUsed
	case c.revoked:
		return MsgCodeRevoked
	case c.expired:
		return MsgCodeExpired
	}
	return ""
}

// checkCode finds a live invitation for code as typed. Unknown codes count
// against ip; a field error on "code" explains any problem, and TooMany comes
// when ip has guessed wrong too often.
func (s *Service) checkCode(ctx context.Context, code, ip string) (codeState, error) {
	c := normalizeCode(code)
	switch {
	case strings.TrimSpace(code) == "":
		return codeState{}, validate.Errors{"code": MsgCodeEmpty}
	case len(c) != codeLen:
		return codeState{}, validate.Errors{"code": MsgCodeShape}
	}
	if err := s.checkThrottle(ctx, ip); err != nil {
		return codeState{}, err
	}
	st, ok, err := lookup(ctx, s.db, c)
	if err != nil {
		return codeState{}, fmt.Errorf("invitation: look up code: %w", err)
	}
	if !ok {
		if err := s.fail(ctx, ip); err != nil {
			return codeState{}, err
		}
		return codeState{}, validate.Errors{"code": MsgCodeUnknown}
	}
	if msg := st.problem(); msg != "" {
		return codeState{}, validate.Errors{"code": msg}
	}
	return st, nil
}

func throttleKey(ip string) string { return "activation:" + ip }

func (s *Service) checkThrottle(ctx context.Context, ip string) error {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE identifier = $1 AND at > now() - $2::interval`,
		throttleKey(ip), ThrottleWindow.String()).Scan(&n)
	if err != nil {
		return fmt.Errorf("invitation: throttle: %w", postgres.Classify(err))
	}
	if n >= MaxWrongCodes {
		return apperr.E(apperr.TooMany, fmt.Sprintf("Terlalu banyak kode aktivasi yang salah dari jaringan Anda. Demi keamanan, coba lagi dalam %d menit.",
			int(ThrottleWindow.Minutes())))
	}
	return nil
}

// fail records a wrong code. Like wrong reset codes, it also counts toward
// the IP address's limit of failed sign-ins.
func (s *Service) fail(ctx context.Context, ip string) error {
	if _, err := s.db.Exec(ctx, "INSERT INTO login_failures (identifier, ip) VALUES ($1, $2)", throttleKey(ip), ip); err != nil {
		return fmt.Errorf("invitation: record failure: %w", postgres.Classify(err))
	}
	return nil
}

// Preview checks a code as typed in a link or a form, without using it, and
// tells whose invitation it is. Problems come as a field error on "code";
// unknown codes are throttled as in Activate. Anyone may call it.
func (s *Service) Preview(ctx context.Context, code, ip string) (Preview, error) {
	st, err := s.checkCode(ctx, code, ip)
	if err != nil {
		return Preview{}, err
	}
	var p Preview
	err = s.db.QueryRow(ctx, `SELECT coalesce(sp.name, e.business_name, ''), coalesce(nullif(sp.owner_name, ''), e.owner_name, ''),
			coalesce(sp.phone, e.phone, ''), coalesce(sp.email, e.email, ''), i.expires_at
		FROM invitations i
		LEFT JOIN registry_entries e ON e.id = i.registry_entry_id
		LEFT JOIN suppliers sp ON sp.id = i.supplier_id
		WHERE i.id = $1`, st.id).Scan(&p.BusinessName, &p.OwnerName, &p.Phone, &p.Email, &p.ExpiresAt)
	if err != nil {
		return Preview{}, fmt.Errorf("invitation: preview %d: %w", st.id, postgres.Classify(err))
	}
	return p, nil
}

// validateOwner checks the account part of an activation or registration:
// name, a phone or e-mail to sign in with (phone required when phoneRequired),
// and the password twice. It returns the contact details normalised.
func validateOwner(errs validate.Errors, name, phone, email, password, confirm string, phoneRequired bool) (string, string) {
	name = strings.TrimSpace(name)
	if n := len([]rune(name)); n < 2 || n > 120 {
		errs.Add("name", "Isi nama Anda (2 sampai 120 huruf).")
	}
	if strings.TrimSpace(phone) != "" {
		p, err := validate.Phone(phone)
		errs.Check("phone", err)
		phone = p
	} else {
		phone = ""
		if phoneRequired {
			errs.Add("phone", "Isi nomor HP Anda: nomor ini dipakai untuk masuk ke Lapak.")
		}
	}
	if strings.TrimSpace(email) != "" {
		e, err := validate.Email(email)
		errs.Check("email", err)
		email = e
	} else {
		email = ""
	}
	if phone == "" && email == "" && !errs.Has("phone") && !errs.Has("email") {
		errs.Add("phone", "Isi nomor HP atau e-mail: salah satunya dipakai untuk masuk ke Lapak.")
	}
	errs.Check("password", validate.Password(password))
	if password != confirm {
		errs.Add("confirm", "Ulangi kata sandi persis sama.")
	}
	return phone, email
}

// Messages for a phone number or e-mail that already has an account.
const (
	MsgPhoneTaken = "Nomor HP ini sudah dipakai akun lain di Lapak. Jika itu akun Anda, silakan masuk, atau atur ulang kata sandi bila lupa."
	MsgEmailTaken = "E-mail ini sudah dipakai akun lain di Lapak. Jika itu akun Anda, silakan masuk, atau atur ulang kata sandi bila lupa."
)

// checkLoginFree adds field errors when phone or email already belongs to an account.
func checkLoginFree(ctx context.Context, db postgres.DBTX, errs validate.Errors, phone, email string) error {
	var phoneTaken, emailTaken bool
	err := db.QueryRow(ctx, `SELECT
		$1 <> '' AND EXISTS (SELECT 1 FROM users WHERE phone = $1),
		$2 <> '' AND EXISTS (SELECT 1 FROM users WHERE email = $2)`, phone, email).Scan(&phoneTaken, &emailTaken)
	if err != nil {
		return postgres.Classify(err)
	}
	if phoneTaken {
		errs.Add("phone", MsgPhoneTaken)
	}
	if emailTaken {
		errs.Add("email", MsgEmailTaken)
	}
	return nil
}

// insertOwner creates the owner's supplier account inside tx and returns its
// id; a phone or e-mail taken meanwhile becomes the field error above.
func insertOwner(ctx context.Context, tx pgx.Tx, name, phone, email, password string, supplierID int64) (int64, error) {
	id, err := auth.InsertUser(ctx, tx, auth.UserInput{Name: name, Phone: phone, Email: email, Password: password,
		Grants: []auth.Grant{{Role: auth.RoleSupplier, SupplierID: supplierID}}}, false)
	if fe, ok := validate.AsErrors(err); ok {
		if fe.Has("phone") && phone != "" {
			return 0, validate.Errors{"phone": MsgPhoneTaken}
		}
		if fe.Has("email") && email != "" {
			return 0, validate.Errors{"email": MsgEmailTaken}
		}
	}
	return id, err
}

// asOwner returns ctx acting as the new account, for the audit entries that
// follow its creation.
func asOwner(ctx context.Context, userID int64, name, ip string) context.Context {
	return audit.WithActor(ctx, audit.Actor{ID: userID, Name: name, Roles: []string{string(auth.RoleSupplier)}, IP: ip})
}

// Activate turns a live code into an account. In one transaction it uses the
// code up, creates the supplier from the registry entry (unless the
// invitation already names one: an assisted registration), creates the
// owner's account tied to it with the password they chose, links the entry,
// and records it all. Anyone may call it. Problems with the code come as a
// field error on "code" (MsgCodeUsed, MsgCodeExpired, MsgCodeRevoked,
// MsgCodeUnknown); unknown codes are throttled per IP (TooMany). Of two
// people using one code at once, exactly one succeeds.
func (s *Service) Activate(ctx context.Context, code string, in ActivationInput) (Account, error) {
	errs := validate.Errors{}
	if _, err := s.checkCode(ctx, code, in.IP); err != nil {
		fe, ok := validate.AsErrors(err)
		if !ok {
			return Account{}, err
		}
		errs.Add("code", fe["code"])
	}
	in.Name = strings.TrimSpace(in.Name)
	in.Phone, in.Email = validateOwner(errs, in.Name, in.Phone, in.Email, in.Password, in.Confirm, false)
	if !errs.Has("phone") && !errs.Has("email") {
		if err := checkLoginFree(ctx, s.db, errs, in.Phone, in.Email); err != nil {
			return Account{}, fmt.Errorf("invitation: activate: %w", err)
		}
	}
	if err := errs.Err(); err != nil {
		return Account{}, err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: in.Name, IP: in.IP})
	var acc Account
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		// Locks go entry first, then invitation, as in Issue and
		// AssistedRegister, so that these never deadlock one another.
		st, found, err := lookup(ctx, tx, normalizeCode(code))
		if err != nil {
			return err
		}
		if found && st.entryID != 0 {
			if _, err := tx.Exec(ctx, "SELECT 1 FROM registry_entries WHERE id = $1 FOR UPDATE", st.entryID); err != nil {
				return err
			}
		}
		// The conditional update is the claim: a second activation of the same
		// code waits for the first to commit, then finds the code used.
		var invID, entryID, supplierID int64
		err = tx.QueryRow(ctx, `UPDATE invitations SET used_at = now()
			WHERE code_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
			RETURNING id, coalesce(registry_entry_id, 0), coalesce(supplier_id, 0)`, codeHash(code)).Scan(&invID, &entryID, &supplierID)
		if errors.Is(err, pgx.ErrNoRows) {
			st, ok, lerr := lookup(ctx, tx, normalizeCode(code))
			if lerr != nil {
				return lerr
			}
			if msg := st.problem(); ok && msg != "" {
				return validate.Errors{"code": msg}
			}
			return validate.Errors{"code": MsgCodeUnknown}
		}
		if err != nil {
			return err
		}
		created := supplierID == 0
		if created {
			if supplierID, err = s.supplierFromEntry(ctx, tx, entryID, in); err != nil {
				return err
			}
		}
		userID, err := insertOwner(ctx, tx, in.Name, in.Phone, in.Email, in.Password, supplierID)
		if err != nil {
			return err
		}
		if entryID != 0 {
			if err := registry.LinkSupplier(ctx, tx, entryID, supplierID); err != nil {
				return err
			}
		}
		acc = Account{UserID: userID, SupplierID: supplierID, Name: in.Name}
		if err := tx.QueryRow(ctx, "SELECT session_version FROM users WHERE id = $1", userID).Scan(&acc.SessionVersion); err != nil {
			return err
		}
		return audit.Record(asOwner(ctx, userID, in.Name, in.IP), tx, audit.Entry{Action: "invitation.activate", Entity: "invitation",
			EntityID: strconv.FormatInt(invID, 10), Details: map[string]any{"supplier_id": supplierID, "user_id": userID,
				"registry_entry_id": entryID, "supplier_created": created}})
	})
	if err != nil {
		return Account{}, fmt.Errorf("invitation: activate: %w", err)
	}
	return acc, nil
}

// supplierFromEntry creates the supplier of an invitation from its registry
// entry, which it locks; the owner's contact fills in what the entry lacks.
func (s *Service) supplierFromEntry(ctx context.Context, tx pgx.Tx, entryID int64, in ActivationInput) (int64, error) {
	var sp supplier.Input
	var linked, nibTaken bool
	err := tx.QueryRow(ctx, `SELECT e.business_name, e.owner_name, coalesce(e.kecamatan_code, ''), coalesce(e.nagari_code, ''),
			coalesce(e.phone, ''), coalesce(e.email, ''), coalesce(e.nib, ''), e.supplier_id IS NOT NULL,
			e.nib IS NOT NULL AND EXISTS (SELECT 1 FROM suppliers s WHERE s.nib = e.nib)
		FROM registry_entries e WHERE e.id = $1 FOR UPDATE`, entryID).
		Scan(&sp.Name, &sp.OwnerName, &sp.KecamatanCode, &sp.NagariCode, &sp.Phone, &sp.Email, &sp.NIB, &linked, &nibTaken)
	if err != nil {
		return 0, postgres.NotFound(err, "Data usaha untuk undangan ini tidak ditemukan. Hubungi petugas Koperindag.")
	}
	if linked {
		return 0, apperr.E(apperr.Conflict, "Usaha ini sudah terdaftar di Lapak. Hubungi petugas Koperindag bila Anda belum punya akun.")
	}
	if nibTaken {
		// Another supplier claims this NIB; verification sorts it out, and the
		// owner is not kept from signing up meanwhile.
		sp.NIB = ""
	}
	if sp.OwnerName == "" {
		sp.OwnerName = in.Name
	}
	if sp.Phone == "" {
		sp.Phone = in.Phone
	}
	if sp.Email == "" {
		sp.Email = in.Email
	}
	sp.Origin, sp.Status = supplier.OriginInvitation, supplier.StatusDraft
	id, err := supplier.InsertSupplier(ctx, tx, sp)
	if fe, ok := validate.AsErrors(err); ok {
		// The registry's data did not pass the supplier's checks: not the
		// owner's doing, and not a field of the activation form.
		return 0, apperr.Wrap(apperr.Invalid, "Data usaha Anda di registri Koperindag belum lengkap atau tidak sah. Hubungi petugas Koperindag.", fe)
	}
	return id, err
}

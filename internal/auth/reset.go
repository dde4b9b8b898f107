package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/mail"
	"lapak/internal/postgres"
	"lapak/internal/validate"
)

// Lifetimes of reset secrets.
const (
	ResetLinkTTL = time.Hour
	ResetCodeTTL = 72 * time.Hour
)

func secretHash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// RequestPasswordReset e-mails a one-time reset link when email belongs to an
// active account. It says nothing about whether it did, so the form cannot be
// used to find out who has an account; at most 3 links an hour go out per account.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	e, err := validate.Email(email)
	if err != nil {
		return validate.Errors{"email": err.Error()}
	}
	var id int64
	var name string
	err = s.db.QueryRow(ctx, "SELECT id, name FROM users WHERE email = $1 AND disabled_at IS NULL", e).Scan(&id, &name)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: reset request: %w", postgres.Classify(err))
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var recent int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM password_resets WHERE user_id = $1 AND kind = 'link'
			AND created_at > now() - interval '1 hour'`, id).Scan(&recent); err != nil {
			return err
		}
		if recent >= 3 {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO password_resets (user_id, kind, secret_hash, expires_at) VALUES ($1, 'link', $2, $3)`,
			id, secretHash(token), s.now().Add(ResetLinkTTL)); err != nil {
			return err
		}
		body := fmt.Sprintf("Yth. %s,\n\nKami menerima permintaan untuk mengatur ulang kata sandi akun Lapak Anda.\n"+
			"Buka tautan berikut dalam %d menit untuk membuat kata sandi baru:\n\n%s/password/reset/%s\n\n"+
			"Tautan hanya dapat dipakai satu kali. Jika Anda tidak memintanya, abaikan e-mail ini; kata sandi Anda tidak berubah.\n\n"+
			"Lapak — e-Marketplace Pengadaan Kabupaten Solok Selatan", name, int(ResetLinkTTL.Minutes()), s.baseURL, token)
		if err := mail.Enqueue(ctx, tx, mail.Message{To: e, Subject: "Atur ulang kata sandi Lapak", Body: body}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "user.password_reset_request", Entity: "user", EntityID: strconv.FormatInt(id, 10)})
	})
	if err != nil {
		return fmt.Errorf("auth: reset request: %w", err)
	}
	return nil
}

// CheckResetLink reports whether token is a live reset link, without using it.
func (s *Service) CheckResetLink(ctx context.Context, token string) error {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM password_resets WHERE secret_hash = $1 AND kind = 'link'
		AND used_at IS NULL AND expires_at > now())`, secretHash(token)).Scan(&ok)
	if err != nil {
		return postgres.Classify(err)
	}
	if !ok {
		return errInvalidLink
	}
	return nil
}

var errInvalidLink = apperr.E(apperr.NotFound, "Tautan atur ulang kata sandi ini tidak berlaku: sudah dipakai atau kedaluwarsa. Minta tautan baru.")

// ResetPassword sets a new password with a one-time link token.
func (s *Service) ResetPassword(ctx context.Context, token, password, confirm string) error {
	if err := checkNewPassword(password, confirm); err != nil {
		return err
	}
	return s.setPassword(ctx, 0, password, "user.password_reset", func(tx pgx.Tx) (int64, error) {
		var userID int64
		err := tx.QueryRow(ctx, `UPDATE password_resets p SET used_at = now() FROM users u
			WHERE p.user_id = u.id AND u.disabled_at IS NULL
			  AND p.secret_hash = $1 AND p.kind = 'link' AND p.used_at IS NULL AND p.expires_at > now() RETURNING p.user_id`,
			secretHash(token)).Scan(&userID)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, errInvalidLink
		}
		return userID, err
	})
}

func checkNewPassword(password, confirm string) error {
	errs := validate.Errors{}
	errs.Check("password", validate.Password(password))
	if password != confirm {
		errs.Add("confirm", "Ulangi kata sandi baru persis sama.")
	}
	return errs.Err()
}

// codeAlphabet leaves out letters and digits that are easily confused (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

func newCode() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	out := make([]byte, 8)
	for i, x := range b {
		out[i] = codeAlphabet[int(x)%len(codeAlphabet)]
	}
	return string(out[:4]) + "-" + string(out[4:]), nil
}

func normalizeCode(s string) string {
	s = strings.ToUpper(s)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(codeAlphabet, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// IssueResetCode creates a one-time reset code for an account whose owner has
// no e-mail, to be handed over in person or by phone; earlier codes stop
// working. Admins may issue one for any account, Koperindag staff for supplier
// accounts. The code is returned once and only its hash is kept.
func (s *Service) IssueResetCode(ctx context.Context, userID int64) (string, time.Time, error) {
	actor := UserFrom(ctx)
	if !actor.Has(RoleAdmin, RoleKoperindag) {
		return "", time.Time{}, apperr.E(apperr.Forbidden, "Anda tidak berhak menerbitkan kode reset.")
	}
	target, err := userByID(ctx, s.db, userID)
	if err != nil {
		return "", time.Time{}, err
	}
	if !canManage(actor, target) {
		return "", time.Time{}, apperr.E(apperr.Forbidden, "Petugas Koperindag hanya dapat menerbitkan kode reset untuk akun penyedia.")
	}
	if actor.ID == target.ID {
		return "", time.Time{}, apperr.E(apperr.Invalid, "Untuk akun Anda sendiri, ubah kata sandi di halaman Akun.")
	}
	code, err := newCode()
	if err != nil {
		return "", time.Time{}, err
	}
	expires := s.now().Add(ResetCodeTTL)
	var issuer *int64
	if !actor.System {
		issuer = &actor.ID
	}
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND kind = 'code' AND used_at IS NULL", userID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO password_resets (user_id, kind, secret_hash, issued_by, expires_at) VALUES ($1, 'code', $2, $3, $4)`,
			userID, secretHash(normalizeCode(code)), issuer, expires); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "user.reset_code_issue", Entity: "user", EntityID: strconv.FormatInt(userID, 10)})
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: issue reset code %d: %w", userID, err)
	}
	return code, expires, nil
}

// CodeReset is what an owner types to reset a password with a code.
type CodeReset struct {
	Login    string // phone number or e-mail
	Code     string
	Password string
	Confirm  string
	IP       string
}

// ResetPasswordWithCode sets a new password with a code from IssueResetCode.
// Wrong codes count as failed sign-ins, so guessing is throttled the same way.
func (s *Service) ResetPasswordWithCode(ctx context.Context, in CodeReset) error {
	errs := validate.Errors{}
	if strings.TrimSpace(in.Login) == "" {
		errs.Add("login", "Isi nomor HP atau e-mail akun Anda.")
	}
	if normalizeCode(in.Code) == "" {
		errs.Add("code", "Isi kode reset dari petugas.")
	}
	if err := checkNewPassword(in.Password, in.Confirm); err != nil {
		fe, _ := validate.AsErrors(err)
		for k, v := range fe {
			errs.Add(k, v)
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	login, _ := normalizeLogin(in.Login)
	if login == "" {
		login = strings.ToLower(strings.TrimSpace(in.Login))
	}
	var id int64
	err := s.db.QueryRow(ctx, "SELECT id FROM users WHERE email = $1 OR phone = $1", login).Scan(&id)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return postgres.Classify(err)
	}
	// Wrong codes are counted apart from wrong passwords, so an owner whose
	// account was locked by someone guessing can still use the code staff gave.
	key := "code:" + throttleKey(id, login)
	if err := s.checkThrottle(ctx, key, in.IP); err != nil {
		return err
	}
	errBadCode := errors.New("bad code")
	err = s.setPassword(ctx, 0, in.Password, "user.password_reset_code", func(tx pgx.Tx) (int64, error) {
		var userID int64
		err := tx.QueryRow(ctx, `UPDATE password_resets p SET used_at = now()
			FROM users u
			WHERE p.user_id = u.id AND (u.email = $1 OR u.phone = $1) AND u.disabled_at IS NULL
			  AND p.secret_hash = $2 AND p.kind = 'code' AND p.used_at IS NULL AND p.expires_at > now()
			RETURNING u.id`, login, secretHash(normalizeCode(in.Code))).Scan(&userID)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, errBadCode
		}
		return userID, err
	})
	if errors.Is(err, errBadCode) {
		if ferr := s.fail(ctx, key, in.IP); apperr.KindOf(ferr) != apperr.Unauthenticated {
			return ferr
		}
		return validate.Errors{"code": "Kode reset salah, sudah dipakai, atau kedaluwarsa. Minta kode baru kepada petugas."}
	}
	return err
}

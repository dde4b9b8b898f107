package auth

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
	"lapak/internal/postgres"
	"lapak/internal/validate"
)

// Throttling limits: failures within ThrottleWindow per account and per IP.
const (
	ThrottleWindow     = 15 * time.Minute
	MaxAccountFailures = 10
	MaxIPFailures      = 20
)

// Credentials are what a person types to sign in.
type Credentials struct {
	Login    string // e-mail or phone number
	Password string
	IP       string
}

// normalizeLogin turns what was typed into the stored form of an e-mail or
// phone number; ok is false when it can be neither.
func normalizeLogin(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if validate.LooksLikeEmail(s) {
		e, err := validate.Email(s)
		return e, err == nil
	}
	p, err := validate.Phone(s)
	return p, err == nil
}

// Login checks credentials and returns the user. Repeated failures lock the
// account (MaxAccountFailures) and the IP address (MaxIPFailures) for
// ThrottleWindow, with TooMany; a wrong pair gives Unauthenticated.
func (s *Service) Login(ctx context.Context, c Credentials) (*User, error) {
	if strings.TrimSpace(c.Login) == "" || c.Password == "" {
		return nil, validate.Errors{"login": "Isi e-mail atau nomor HP dan kata sandi."}
	}
	login, _ := normalizeLogin(c.Login)
	if login == "" {
		login = strings.ToLower(strings.TrimSpace(c.Login))
	}
	var id int64
	var hash string
	err := s.db.QueryRow(ctx, "SELECT id, password_hash FROM users WHERE email = $1 OR phone = $1", login).Scan(&id, &hash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("auth: login: %w", postgres.Classify(err))
	}
	key := throttleKey(id, login)
	if err := s.checkThrottle(ctx, key, c.IP); err != nil {
		return nil, err
	}
	if id == 0 {
		_, _ = CheckPassword(dummyHash, c.Password)
		return nil, s.fail(ctx, key, c.IP)
	}
	ok, err := CheckPassword(hash, c.Password)
	if err != nil {
		return nil, fmt.Errorf("auth: login %d: %w", id, err)
	}
	if !ok {
		return nil, s.fail(ctx, key, c.IP)
	}
	u, err := userByID(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if u.Disabled() {
		return nil, apperr.E(apperr.Forbidden, "Akun Anda dinonaktifkan. Hubungi admin UKPBJ atau petugas Koperindag.")
	}
	ctx = WithUser(ctx, u, c.IP)
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE users SET last_login_at = now() WHERE id = $1", id); err != nil {
			return err
		}
		// A success ends the run of failures for this account.
		if _, err := tx.Exec(ctx, "DELETE FROM login_failures WHERE identifier = $1", key); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "user.login", Entity: "user", EntityID: strconv.FormatInt(id, 10)})
	})
	if err != nil {
		return nil, fmt.Errorf("auth: login %d: %w", id, err)
	}
	return u, nil
}

// throttleKey names what failures are counted against: the account when one
// matches (so its e-mail and phone share one count), else what was typed.
func throttleKey(userID int64, login string) string {
	if userID != 0 {
		return "user:" + strconv.FormatInt(userID, 10)
	}
	return login
}

func (s *Service) checkThrottle(ctx context.Context, login, ip string) error {
	var byAccount, byIP int
	err := s.db.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM login_failures WHERE identifier = $1 AND at > now() - $3::interval),
		(SELECT count(*) FROM login_failures WHERE ip = $2 AND at > now() - $3::interval)`,
		login, ip, ThrottleWindow.String()).Scan(&byAccount, &byIP)
	if err != nil {
		return fmt.Errorf("auth: throttle: %w", postgres.Classify(err))
	}
	if byAccount >= MaxAccountFailures {
		return apperr.E(apperr.TooMany, fmt.Sprintf("Terlalu banyak percobaan masuk yang gagal untuk akun ini. Demi keamanan, akun dikunci sementara: coba lagi dalam %d menit, atau minta kode reset kata sandi.", int(ThrottleWindow.Minutes())))
	}
	if byIP >= MaxIPFailures {
		return apperr.E(apperr.TooMany, fmt.Sprintf("Terlalu banyak percobaan masuk yang gagal dari jaringan Anda. Coba lagi dalam %d menit.", int(ThrottleWindow.Minutes())))
	}
	return nil
}

func (s *Service) fail(ctx context.Context, login, ip string) error {
	if _, err := s.db.Exec(ctx, "INSERT INTO login_failures (identifier, ip) VALUES ($1, $2)", login, ip); err != nil {
		return fmt.Errorf("auth: record failure: %w", postgres.Classify(err))
	}
	return apperr.E(apperr.Unauthenticated, "E-mail/nomor HP atau kata sandi salah.")
}

// ChangePassword sets a new password for the signed-in user after checking the
// current one. Other sessions of the account end.
func (s *Service) ChangePassword(ctx context.Context, current, next, confirm string) error {
	u := UserFrom(ctx)
	if u == nil || u.System {
		return apperr.E(apperr.Unauthenticated, "")
	}
	var hash string
	if err := s.db.QueryRow(ctx, "SELECT password_hash FROM users WHERE id = $1", u.ID).Scan(&hash); err != nil {
		return postgres.NotFound(err, "Akun tidak ditemukan.")
	}
	errs := validate.Errors{}
	if ok, _ := CheckPassword(hash, current); !ok {
		errs.Add("current", "Kata sandi sekarang salah.")
	}
	errs.Check("password", validate.Password(next))
	if next != confirm {
		errs.Add("confirm", "Ulangi kata sandi baru persis sama.")
	}
	if next == current && next != "" {
		errs.Add("password", "Kata sandi baru harus berbeda dari yang sekarang.")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.setPassword(ctx, u.ID, next, "user.password_change", nil)
}

// setPassword stores a new hash, bumps the session version, and records action,
// in one transaction with claim, which finds the account (e.g. by using up a
// reset secret) when userID is 0.
func (s *Service) setPassword(ctx context.Context, userID int64, password, action string, claim func(tx pgx.Tx) (int64, error)) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if claim != nil {
			if userID, err = claim(tx); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, must_change_password = false,
			session_version = session_version + 1, updated_at = now() WHERE id = $1`, userID, hash); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL", userID); err != nil {
			return err
		}
		// A new password ends any lock from earlier guessing.
		if _, err := tx.Exec(ctx, "DELETE FROM login_failures WHERE identifier = $1", throttleKey(userID, "")); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "user", EntityID: strconv.FormatInt(userID, 10)})
	})
	if err != nil {
		return fmt.Errorf("auth: set password %d: %w", userID, err)
	}
	return nil
}

// Cleanup removes failures, resets and sessions that no longer matter.
func (s *Service) Cleanup(ctx context.Context) error {
	_, err := s.db.Exec(ctx, `
		DELETE FROM login_failures WHERE at < now() - interval '1 day';
		DELETE FROM password_resets WHERE expires_at < now() - interval '30 days';
		DELETE FROM sessions WHERE expiry < now();`)
	return postgres.Classify(err)
}

// ConfirmPassword checks the signed-in user's password again before an act
// that counts as a signature (the SP, the BAST). A wrong password counts
// towards the same lock as a failed sign-in, so db must not be a
// transaction that may roll back: call it before the act's transaction.
func ConfirmPassword(ctx context.Context, db postgres.DBTX, password string) error {
	u := UserFrom(ctx)
	if u == nil || u.System {
		return apperr.E(apperr.Unauthenticated, "")
	}
	if password == "" {
		return validate.Errors{"password": "Masukkan kata sandi Anda untuk menandatangani."}
	}
	key := throttleKey(u.ID, "")
	var hash string
	var failures int
	err := db.QueryRow(ctx, `SELECT password_hash,
		(SELECT count(*) FROM login_failures WHERE identifier = $2 AND at > now() - $3::interval)
		FROM users WHERE id = $1`, u.ID, key, ThrottleWindow.String()).Scan(&hash, &failures)
	if err != nil {
		return postgres.NotFound(err, "Akun tidak ditemukan.")
	}
	if failures >= MaxAccountFailures {
		return apperr.E(apperr.TooMany, fmt.Sprintf("Terlalu banyak kata sandi salah. Demi keamanan, penandatanganan dikunci sementara: coba lagi dalam %d menit.", int(ThrottleWindow.Minutes())))
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return fmt.Errorf("auth: confirm password of %d: %w", u.ID, err)
	}
	if !ok {
		if _, err := db.Exec(ctx, "INSERT INTO login_failures (identifier, ip) VALUES ($1, $2)", key, audit.ActorFrom(ctx).IP); err != nil {
			return fmt.Errorf("auth: record failure: %w", postgres.Classify(err))
		}
		return validate.Errors{"password": "Kata sandi salah. Dokumen belum ditandatangani."}
	}
	return nil
}

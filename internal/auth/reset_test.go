package auth_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/validate"
)

// outboxMail is a queued e-mail.
type outboxMail struct{ To, Subject, Body string }

func outbox(t *testing.T, f *fixture) []outboxMail {
	t.Helper()
	rows, err := f.db.Query(context.Background(), "SELECT to_address, subject, body FROM outbox_emails ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxMail
	for rows.Next() {
		var m outboxMail
		if err := rows.Scan(&m.To, &m.Subject, &m.Body); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var resetLinkRe = regexp.MustCompile(regexp.QuoteMeta(baseURL) + `/password/reset/([A-Za-z0-9_-]+)`)

// TestRequestPasswordReset_QueuesOneLink: a reset request for an active
// account queues exactly one e-mail with a reset link to that address.
func TestRequestPasswordReset_QueuesOneLink(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mustCreate(t, auth.UserInput{Name: "Siti Aminah", Email: "siti@test.id",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})

	if err := f.svc.RequestPasswordReset(context.Background(), " Siti@Test.id "); err != nil {
		t.Fatalf("RequestPasswordReset: %v", err)
	}
	got := outbox(t, f)
	if len(got) != 1 {
		t.Fatalf("got %d e-mails, want 1: %+v", len(got), got)
	}
	if got[0].To != "siti@test.id" {
		t.Errorf("To = %q, want %q", got[0].To, "siti@test.id")
	}
	if !resetLinkRe.MatchString(got[0].Body) {
		t.Errorf("body has no %s/password/reset/ link:\n%s", baseURL, got[0].Body)
	}
}

// TestRequestPasswordReset_SaysNothing: unknown and disabled accounts get no
// e-mail and the caller learns nothing; only a malformed address is an error.
func TestRequestPasswordReset_SaysNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.mustUser(t, auth.RoleAdmin)
	off := f.mustCreate(t, auth.UserInput{Name: "Tutup", Email: "tutup@test.id",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})
	if err := f.svc.SetDisabled(as(admin), off.ID, true, "Usaha tutup"); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"tidak-ada@test.id", "tutup@test.id"} {
		if err := f.svc.RequestPasswordReset(context.Background(), email); err != nil {
			t.Errorf("RequestPasswordReset(%q) = %v, want nil", email, err)
		}
	}
	if got := outbox(t, f); len(got) != 0 {
		t.Errorf("got %d e-mails, want none: %+v", len(got), got)
	}

	err := f.svc.RequestPasswordReset(context.Background(), "bukan-email")
	got := fieldErrors(t, "malformed address", err)
	if diff := cmp.Diff(got, validate.Errors{"email": "Alamat e-mail tidak valid. Contoh: nama@contoh.go.id."}); diff != "" {
		t.Errorf("field errors mismatch (-got +want):\n%s", diff)
	}
}

// TestRequestPasswordReset_AtMostThreeAnHour: at most 3 links an hour go out
// per account, silently.
func TestRequestPasswordReset_AtMostThreeAnHour(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mustCreate(t, auth.UserInput{Name: "Siti Aminah", Email: "siti@test.id",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})
	for i := range 5 {
		if err := f.svc.RequestPasswordReset(context.Background(), "siti@test.id"); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	if got := len(outbox(t, f)); got != 3 {
		t.Errorf("got %d e-mails, want 3", got)
	}
}

// TestResetPassword_LinkWorksOnce: the token e-mailed in the link sets a new
// password once; a second use is refused.
func TestResetPassword_LinkWorksOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.mustCreate(t, auth.UserInput{Name: "Siti Aminah", Email: "siti@test.id",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})
	ctx := context.Background()
	if err := f.svc.RequestPasswordReset(ctx, "siti@test.id"); err != nil {
		t.Fatal(err)
	}
	mails := outbox(t, f)
	if len(mails) != 1 {
		t.Fatalf("got %d e-mails, want 1", len(mails))
	}
	m := resetLinkRe.FindStringSubmatch(mails[0].Body)
	if m == nil {
		t.Fatalf("no reset link in body:\n%s", mails[0].Body)
	}
	token := m[1]
	const next = "sandi-baru-yang-panjang"

	if err := f.svc.CheckResetLink(ctx, token); err != nil {
		t.Errorf("CheckResetLink before use: %v", err)
	}
	wantKind(t, "CheckResetLink with a made-up token", f.svc.CheckResetLink(ctx, token+"x"), apperr.NotFound)

	// A refused attempt does not use the link up.
	err := f.svc.ResetPassword(ctx, token, next, next+"x")
	if fe := fieldErrors(t, "mismatched confirmation", err); !fe.Has("confirm") {
		t.Errorf("got %v, want a confirm error", fe)
	}
	if err := f.svc.ResetPassword(ctx, token, next, next); err != nil {
		t.Fatalf("ResetPassword: %v", err)
	}
	wantKind(t, "second ResetPassword", f.svc.ResetPassword(ctx, token, "sandi-lain-lagi-ya", "sandi-lain-lagi-ya"), apperr.NotFound)
	wantKind(t, "CheckResetLink after use", f.svc.CheckResetLink(ctx, token), apperr.NotFound)

	got, err := f.svc.Login(ctx, auth.Credentials{Login: "siti@test.id", Password: next, IP: "10.1.1.1"})
	if err != nil {
		t.Fatalf("Login with the new password: %v", err)
	}
	if got.SessionVersion != u.SessionVersion+1 {
		t.Errorf("SessionVersion = %d, want %d: old sessions must end", got.SessionVersion, u.SessionVersion+1)
	}
	_, err = f.svc.Login(ctx, auth.Credentials{Login: "siti@test.id", Password: testPassword, IP: "10.1.1.1"})
	wantKind(t, "Login with the old password", err, apperr.Unauthenticated)
}

// TestIssueResetCode_WhoMay: admins issue codes for anyone, Koperindag staff
// only for accounts that are purely suppliers', nobody else at all.
func TestIssueResetCode_WhoMay(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	users := map[string]*auth.User{}
	for _, r := range auth.Roles {
		users[string(r)] = f.mustUser(t, r)
	}
	users["supplier2"] = f.mustUser(t, auth.RoleSupplier)
	users["supplier+ppk"] = f.mustUser(t, auth.RoleSupplier, auth.RolePPK)

	tests := []struct {
		actor, target string
		want          *apperr.Kind
	}{
		{"admin", "ppk", nil},
		{"admin", "supplier", nil},
		{"admin", "koperindag", nil},
		{"admin", "admin", apperr.Invalid}, // own account: change it on the account page
		{"koperindag", "supplier", nil},
		{"koperindag", "ppk", apperr.Forbidden},
		{"koperindag", "supplier+ppk", apperr.Forbidden},
		{"koperindag", "admin", apperr.Forbidden},
		{"koperindag", "koperindag", apperr.Forbidden},
		{"pp", "supplier", apperr.Forbidden},
		{"ppk", "supplier", apperr.Forbidden},
		{"treasurer", "supplier", apperr.Forbidden},
		{"auditor", "supplier", apperr.Forbidden},
		{"supplier", "supplier2", apperr.Forbidden},
	}
	for _, tt := range tests {
		t.Run(tt.actor+" for "+tt.target, func(t *testing.T) {
			t.Parallel()
			code, expires, err := f.svc.IssueResetCode(as(users[tt.actor]), users[tt.target].ID)
			wantKind(t, "IssueResetCode", err, tt.want)
			if err != nil {
				if code != "" {
					t.Errorf("refused IssueResetCode returned code %q", code)
				}
				return
			}
			if !regexp.MustCompile(`^[A-Z2-9]{4}-[A-Z2-9]{4}$`).MatchString(code) {
				t.Errorf("code %q is not of the form XXXX-XXXX", code)
			}
			if expires.IsZero() {
				t.Errorf("expires is zero")
			}
		})
	}
	t.Run("system for anyone", func(t *testing.T) {
		t.Parallel()
		if _, _, err := f.svc.IssueResetCode(f.sys, users["admin"].ID); err != nil {
			t.Errorf("IssueResetCode as system: %v", err)
		}
	})
	t.Run("missing account", func(t *testing.T) {
		t.Parallel()
		_, _, err := f.svc.IssueResetCode(as(users["admin"]), 999999)
		wantKind(t, "IssueResetCode", err, apperr.NotFound)
	})
}

// TestResetPasswordWithCode_WorksOnce: a code works once, typed in any case
// with or without its dash, and ends the account's old sessions.
func TestResetPasswordWithCode_WorksOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	kop := f.mustUser(t, auth.RoleKoperindag)
	ctx := context.Background()

	tests := []struct {
		name   string
		format func(code string) string
	}{
		{"as issued", func(c string) string { return c }},
		{"lower case", strings.ToLower},
		{"without dash", func(c string) string { return strings.ReplaceAll(c, "-", "") }},
		{"lower case without dash, spaced", func(c string) string {
			return " " + strings.ToLower(c[:4]) + " " + strings.ToLower(c[5:]) + " "
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			phone := fmt.Sprintf("0812 5555 %04d", i)
			u := f.mustCreate(t, auth.UserInput{Name: "Buyung " + tt.name, Phone: phone,
				Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})
			code, _, err := f.svc.IssueResetCode(as(kop), u.ID)
			if err != nil {
				t.Fatalf("IssueResetCode: %v", err)
			}
			next := "sandi-baru-" + fmt.Sprint(i) + "-panjang"
			in := auth.CodeReset{Login: phone, Code: tt.format(code), Password: next, Confirm: next, IP: "10.1.1.1"}
			if err := f.svc.ResetPasswordWithCode(ctx, in); err != nil {
				t.Fatalf("ResetPasswordWithCode(%q): %v", in.Code, err)
			}
			got, err := f.svc.Login(ctx, auth.Credentials{Login: phone, Password: next, IP: "10.1.1.1"})
			if err != nil {
				t.Fatalf("Login with the new password: %v", err)
			}
			if got.SessionVersion != u.SessionVersion+1 {
				t.Errorf("SessionVersion = %d, want %d", got.SessionVersion, u.SessionVersion+1)
			}
			in.Password, in.Confirm = "dan-sekali-lagi", "dan-sekali-lagi"
			err = f.svc.ResetPasswordWithCode(ctx, in)
			if fe := fieldErrors(t, "second use", err); !fe.Has("code") {
				t.Errorf("second use: got %v, want a code error", fe)
			}
		})
	}
}

// TestResetPasswordWithCode_NewCodeReplacesOld: issuing a code makes the
// earlier one stop working.
func TestResetPasswordWithCode_NewCodeReplacesOld(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.mustUser(t, auth.RoleAdmin)
	u := f.mustCreate(t, auth.UserInput{Name: "Buyung", Phone: "0812 7777 8888",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})
	old, _, err := f.svc.IssueResetCode(as(admin), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := f.svc.IssueResetCode(as(admin), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	const next = "sandi-baru-yang-panjang"
	in := auth.CodeReset{Login: "0812 7777 8888", Code: old, Password: next, Confirm: next, IP: "10.1.1.1"}
	if fe := fieldErrors(t, "old code", f.svc.ResetPasswordWithCode(context.Background(), in)); !fe.Has("code") {
		t.Errorf("old code: got %v, want a code error", fe)
	}
	in.Code = code
	if err := f.svc.ResetPasswordWithCode(context.Background(), in); err != nil {
		t.Errorf("new code: %v", err)
	}
}

// TestResetPasswordWithCode_WrongCodesAreThrottled: wrong codes are field
// errors and are counted, so after MaxAccountFailures of them even the right
// code is refused for a while. They are counted apart from wrong passwords:
// code guessing does not lock the owner out of signing in, and (see
// TestResetPasswordWithCode_UnlocksAccount) password guessing does not stop
// the owner from using a code.
func TestResetPasswordWithCode_WrongCodesAreThrottled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.mustUser(t, auth.RoleAdmin)
	u := f.mustCreate(t, auth.UserInput{Name: "Buyung", Phone: "0812 7777 8888",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})
	code, _, err := f.svc.IssueResetCode(as(admin), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const next = "sandi-baru-yang-panjang"
	wrong := "ZZZZ-ZZZZ"
	if code == wrong {
		wrong = "YYYY-YYYY"
	}
	want := validate.Errors{"code": "Kode reset salah, sudah dipakai, atau kedaluwarsa. Minta kode baru kepada petugas."}
	for i := range auth.MaxAccountFailures {
		err := f.svc.ResetPasswordWithCode(ctx, auth.CodeReset{Login: "+62 812 7777 8888", Code: wrong,
			Password: next, Confirm: next, IP: fmt.Sprintf("10.4.0.%d", i)})
		if diff := cmp.Diff(fieldErrors(t, fmt.Sprintf("wrong code %d", i+1), err), want); diff != "" {
			t.Errorf("wrong code %d: field errors mismatch (-got +want):\n%s", i+1, diff)
		}
	}
	err = f.svc.ResetPasswordWithCode(ctx, auth.CodeReset{Login: "081277778888", Code: code,
		Password: next, Confirm: next, IP: "10.5.0.1"})
	wantKind(t, "right code after 10 wrong ones", err, apperr.TooMany)
	if _, err = f.svc.Login(ctx, auth.Credentials{Login: "081277778888", Password: testPassword, IP: "10.5.0.1"}); err != nil {
		t.Errorf("Login after 10 wrong codes: got %v, want the password to still work", err)
	}
}

// TestResetPasswordWithCode_UnlocksAccount: an account locked by password
// guessing can be recovered with a code from staff, and the new password
// works at once, as the lock message promises.
func TestResetPasswordWithCode_UnlocksAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.mustUser(t, auth.RoleAdmin)
	u := f.mustCreate(t, auth.UserInput{Name: "Upik", Phone: "0812 6666 5555",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})
	ctx := context.Background()
	for i := range auth.MaxAccountFailures {
		_, _ = f.svc.Login(ctx, auth.Credentials{Login: "081266665555", Password: "salah", IP: fmt.Sprintf("10.6.0.%d", i)})
	}
	_, err := f.svc.Login(ctx, auth.Credentials{Login: "081266665555", Password: testPassword, IP: "10.6.1.1"})
	wantKind(t, "login while locked", err, apperr.TooMany)
	code, _, err := f.svc.IssueResetCode(as(admin), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	const next = "sandi-pemulihan-panjang"
	if err := f.svc.ResetPasswordWithCode(ctx, auth.CodeReset{Login: "081266665555", Code: code, Password: next, Confirm: next, IP: "10.6.1.2"}); err != nil {
		t.Fatalf("code reset while locked: %v", err)
	}
	if _, err := f.svc.Login(ctx, auth.Credentials{Login: "081266665555", Password: next, IP: "10.6.1.3"}); err != nil {
		t.Errorf("login with the new password: got %v, want success", err)
	}
}

// TestResetPasswordWithCode_Validation: missing fields are reported together
// before any code is checked.
func TestResetPasswordWithCode_Validation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	err := f.svc.ResetPasswordWithCode(context.Background(), auth.CodeReset{Login: " ", Code: "-", Password: "pendek", Confirm: "lain"})
	got := fieldErrors(t, "ResetPasswordWithCode", err)
	want := validate.Errors{
		"login":    "Isi nomor HP atau e-mail akun Anda.",
		"code":     "Isi kode reset dari petugas.",
		"password": "Kata sandi minimal 10 karakter.",
		"confirm":  "Ulangi kata sandi baru persis sama.",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("field errors mismatch (-got +want):\n%s", diff)
	}
}

package auth_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/validate"
)

// TestLogin_AnyFormat: people sign in with their e-mail in any case or their
// phone number in any common format.
func TestLogin_AnyFormat(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.mustCreate(t, auth.UserInput{Name: "Siti Aminah", Email: "siti@test.id", Phone: "0812-0000-0001",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})
	phoneOnly := f.mustCreate(t, auth.UserInput{Name: "Buyung", Phone: "0812 7777 8888",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})

	tests := []struct {
		name  string
		login string
		want  int64
	}{
		{"e-mail", "siti@test.id", u.ID},
		{"e-mail in capitals with spaces", "  SITI@Test.ID ", u.ID},
		{"phone with dashes", "0812-0000-0001", u.ID},
		{"phone international with spaces", "+62 812 0000 0001", u.ID},
		{"phone without plus", "6281200000001", u.ID},
		{"phone-only account", "081277778888", phoneOnly.ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := f.svc.Login(context.Background(), auth.Credentials{Login: tt.login, Password: testPassword, IP: "10.1.1.1"})
			if err != nil {
				t.Fatalf("Login(%q): %v", tt.login, err)
			}
			if got.ID != tt.want {
				t.Errorf("Login(%q) = account %d, want %d", tt.login, got.ID, tt.want)
			}
		})
	}
}

// TestLogin_WrongPasswordSaysNothingMore: a wrong password and an unknown
// account fail alike, so the form does not reveal who has an account.
func TestLogin_WrongPasswordSaysNothingMore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mustCreate(t, auth.UserInput{Name: "Siti Aminah", Email: "siti@test.id", Phone: "0812-0000-0001",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})
	ctx := context.Background()

	_, errWrong := f.svc.Login(ctx, auth.Credentials{Login: "siti@test.id", Password: "bukan-sandinya", IP: "10.1.1.1"})
	wantKind(t, "wrong password", errWrong, apperr.Unauthenticated)
	for _, login := range []string{"orang@test.id", "0812-9999-9999", "bukan apa-apa"} {
		_, err := f.svc.Login(ctx, auth.Credentials{Login: login, Password: testPassword, IP: "10.1.1.1"})
		wantKind(t, "unknown "+login, err, apperr.Unauthenticated)
		if got, want := apperr.Message(err), apperr.Message(errWrong); got != want || got == "" {
			t.Errorf("unknown %q: message %q, want %q as for a wrong password", login, got, want)
		}
	}

	_, err := f.svc.Login(ctx, auth.Credentials{Login: " ", Password: testPassword})
	got := fieldErrors(t, "empty login", err)
	if diff := cmp.Diff(got, validate.Errors{"login": "Isi e-mail atau nomor HP dan kata sandi."}); diff != "" {
		t.Errorf("field errors mismatch (-got +want):\n%s", diff)
	}
}

// TestLogin_AccountLockedAfterTenFailures: after MaxAccountFailures wrong
// passwords the account is locked (TooMany) even for the right password, from
// any address, whether the guesses used its e-mail or its phone number.
func TestLogin_AccountLockedAfterTenFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mustCreate(t, auth.UserInput{Name: "Siti Aminah", Email: "siti@test.id", Phone: "0812-0000-0001",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})
	ctx := context.Background()
	formats := []string{"siti@test.id", "0812-0000-0001", "+62 812 0000 0001", "SITI@test.id", "081200000001"}
	for i := range auth.MaxAccountFailures {
		c := auth.Credentials{Login: formats[i%len(formats)], Password: "tebakan-" + fmt.Sprint(i), IP: fmt.Sprintf("10.2.0.%d", i)}
		_, err := f.svc.Login(ctx, c)
		wantKind(t, fmt.Sprintf("failure %d", i+1), err, apperr.Unauthenticated)
	}
	for _, login := range []string{"siti@test.id", "0812-0000-0001"} {
		_, err := f.svc.Login(ctx, auth.Credentials{Login: login, Password: testPassword, IP: "10.3.0.1"})
		wantKind(t, "right password by "+login+" after 10 failures", err, apperr.TooMany)
	}
}

// TestLogin_SuccessResetsFailures: a successful sign-in before the limit
// starts the account's count of failures again, whichever login it used.
func TestLogin_SuccessResetsFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mustCreate(t, auth.UserInput{Name: "Siti Aminah", Email: "siti@test.id", Phone: "0812-0000-0001",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})
	ctx := context.Background()
	fail := func(login string, n int) {
		t.Helper()
		for i := range n {
			_, err := f.svc.Login(ctx, auth.Credentials{Login: login, Password: "salah-lagi-" + fmt.Sprint(i), IP: "10.1.1.1"})
			wantKind(t, "wrong password", err, apperr.Unauthenticated)
		}
	}
	login := func(what, login string) {
		t.Helper()
		_, err := f.svc.Login(ctx, auth.Credentials{Login: login, Password: testPassword, IP: "10.1.1.1"})
		wantKind(t, what, err, nil)
	}
	fail("siti@test.id", auth.MaxAccountFailures-1)
	login("right password after 9 failures", "0812-0000-0001")
	fail("0812-0000-0001", 1) // the 10th failure overall, but the first since the success
	login("right password after the count restarted", "siti@test.id")
}

// TestLogin_IPLockedAfterTwentyFailures: MaxIPFailures failures from one
// address, spread over different accounts, lock that address only.
func TestLogin_IPLockedAfterTwentyFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mustCreate(t, auth.UserInput{Name: "Siti Aminah", Email: "siti@test.id",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})
	ctx := context.Background()
	const ip = "10.66.6.6"
	for i := range auth.MaxIPFailures {
		_, err := f.svc.Login(ctx, auth.Credentials{Login: fmt.Sprintf("orang%d@test.id", i), Password: testPassword, IP: ip})
		wantKind(t, fmt.Sprintf("failure %d", i+1), err, apperr.Unauthenticated)
	}
	_, err := f.svc.Login(ctx, auth.Credentials{Login: "siti@test.id", Password: testPassword, IP: ip})
	wantKind(t, "right password from the locked address", err, apperr.TooMany)
	_, err = f.svc.Login(ctx, auth.Credentials{Login: "siti@test.id", Password: testPassword, IP: "10.1.1.1"})
	wantKind(t, "right password from another address", err, nil)
}

// TestLogin_DisabledAccount: a disabled account cannot sign in, and its
// existing sessions end.
func TestLogin_DisabledAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.mustUser(t, auth.RoleAdmin)
	u := f.mustCreate(t, auth.UserInput{Name: "Siti Aminah", Email: "siti@test.id",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleSupplier)}})
	ctx := context.Background()

	signedIn, err := f.svc.Login(ctx, auth.Credentials{Login: "siti@test.id", Password: testPassword, IP: "10.1.1.1"})
	if err != nil {
		t.Fatalf("Login before disabling: %v", err)
	}
	if _, err := f.svc.SessionUser(ctx, u.ID, signedIn.SessionVersion); err != nil {
		t.Fatalf("SessionUser before disabling: %v", err)
	}
	if err := f.svc.SetDisabled(as(admin), u.ID, true, "Usaha tutup"); err != nil {
		t.Fatalf("SetDisabled: %v", err)
	}

	_, err = f.svc.Login(ctx, auth.Credentials{Login: "siti@test.id", Password: testPassword, IP: "10.1.1.1"})
	wantKind(t, "Login while disabled", err, apperr.Forbidden)
	_, err = f.svc.SessionUser(ctx, u.ID, signedIn.SessionVersion)
	wantKind(t, "SessionUser with the old version", err, apperr.Unauthenticated)
	_, err = f.svc.SessionUser(ctx, u.ID, signedIn.SessionVersion+1)
	wantKind(t, "SessionUser with the current version", err, apperr.Unauthenticated)
	_, err = f.svc.SessionUser(ctx, 999999, 1)
	wantKind(t, "SessionUser of a missing account", err, apperr.Unauthenticated)

	if err := f.svc.SetDisabled(as(admin), u.ID, false, ""); err != nil {
		t.Fatalf("SetDisabled(false): %v", err)
	}
	if _, err := f.svc.Login(ctx, auth.Credentials{Login: "siti@test.id", Password: testPassword, IP: "10.1.1.1"}); err != nil {
		t.Errorf("Login after enabling again: %v", err)
	}
}

// TestChangePassword: the current password must be right and the new one
// valid; a change ends other sessions and replaces the old password.
func TestChangePassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const next = "sandi-baru-yang-panjang"

	tests := []struct {
		name                   string
		current, next, confirm string
		want                   validate.Errors
	}{
		{"wrong current password", "bukan-sandinya", next, next,
			validate.Errors{"current": "Kata sandi sekarang salah."}},
		{"weak new password", testPassword, "pendek", "pendek",
			validate.Errors{"password": "Kata sandi minimal 10 karakter."}},
		{"confirmation differs", testPassword, next, next + "x",
			validate.Errors{"confirm": "Ulangi kata sandi baru persis sama."}},
		{"same as current", testPassword, testPassword, testPassword,
			validate.Errors{"password": "Kata sandi baru harus berbeda dari yang sekarang."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := f.mustUser(t, auth.RolePP)
			err := f.svc.ChangePassword(as(u), tt.current, tt.next, tt.confirm)
			got := fieldErrors(t, "ChangePassword", err)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("field errors mismatch (-got +want):\n%s", diff)
			}
			// Nothing changed: the session still holds.
			if _, err := f.svc.SessionUser(context.Background(), u.ID, u.SessionVersion); err != nil {
				t.Errorf("SessionUser after refused change: %v", err)
			}
		})
	}

	t.Run("success", func(t *testing.T) {
		t.Parallel()
		u := f.mustUser(t, auth.RolePP)
		ctx := context.Background()
		if err := f.svc.ChangePassword(as(u), testPassword, next, next); err != nil {
			t.Fatalf("ChangePassword: %v", err)
		}
		_, err := f.svc.SessionUser(ctx, u.ID, u.SessionVersion)
		wantKind(t, "SessionUser with the old version", err, apperr.Unauthenticated)
		got, err := f.svc.SessionUser(ctx, u.ID, u.SessionVersion+1)
		if err != nil {
			t.Fatalf("SessionUser with the new version: %v", err)
		}
		if got.SessionVersion != u.SessionVersion+1 {
			t.Errorf("SessionVersion = %d, want %d", got.SessionVersion, u.SessionVersion+1)
		}
		_, err = f.svc.Login(ctx, auth.Credentials{Login: u.Email, Password: testPassword, IP: "10.1.1.1"})
		wantKind(t, "Login with the old password", err, apperr.Unauthenticated)
		_, err = f.svc.Login(ctx, auth.Credentials{Login: u.Email, Password: next, IP: "10.1.1.1"})
		wantKind(t, "Login with the new password", err, nil)
	})

	t.Run("system has no password", func(t *testing.T) {
		t.Parallel()
		err := f.svc.ChangePassword(f.sys, testPassword, next, next)
		wantKind(t, "ChangePassword as system", err, apperr.Unauthenticated)
	})
}

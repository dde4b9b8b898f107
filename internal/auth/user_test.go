package auth_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/validate"
)

// TestCreateUser_Validation: bad input and taken logins come back as field
// errors with their messages, never as internal errors.
func TestCreateUser_Validation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	taken := f.mustCreate(t, auth.UserInput{Name: "Sudah Ada", Email: "ada@test.id", Phone: "0812-0000-0009",
		Password: testPassword, Grants: []auth.Grant{f.grant(auth.RoleAuditor)}})

	tests := []struct {
		name   string
		change func(in *auth.UserInput)
		want   validate.Errors
	}{
		{"name required", func(in *auth.UserInput) { in.Name = "  " },
			validate.Errors{"name": "Nama wajib diisi."}},
		{"name too short", func(in *auth.UserInput) { in.Name = "A" },
			validate.Errors{"name": "Nama harus 2 sampai 120 huruf."}},
		{"e-mail or phone required", func(in *auth.UserInput) { in.Email, in.Phone = "", " " },
			validate.Errors{"email": "Isi e-mail atau nomor HP: salah satunya dipakai untuk masuk."}},
		{"bad e-mail", func(in *auth.UserInput) { in.Email = "bukan-email" },
			validate.Errors{"email": "Alamat e-mail tidak valid. Contoh: nama@contoh.go.id."}},
		{"bad phone", func(in *auth.UserInput) { in.Phone = "12345" },
			validate.Errors{"phone": "Nomor HP tidak valid. Contoh: 0812 3456 7890."}},
		{"bad NIP", func(in *auth.UserInput) { in.NIP = "12345" },
			validate.Errors{"nip": "NIP harus 18 angka."}},
		{"short password", func(in *auth.UserInput) { in.Password = "pendek" },
			validate.Errors{"password": "Kata sandi minimal 10 karakter."}},
		{"repeated password", func(in *auth.UserInput) { in.Password = "aaaaaaaaaaaa" },
			validate.Errors{"password": "Kata sandi tidak boleh hanya berisi satu karakter yang diulang-ulang."}},
		{"no role", func(in *auth.UserInput) { in.Grants = nil },
			validate.Errors{"roles": "Pilih paling sedikit satu peran."}},
		{"unknown role", func(in *auth.UserInput) { in.Grants = []auth.Grant{{Role: "raja"}} },
			validate.Errors{"roles": "Peran tidak dikenal."}},
		{"OPD role without OPD", func(in *auth.UserInput) { in.Grants = []auth.Grant{{Role: auth.RolePPK}} },
			validate.Errors{"opd": "Peran Pejabat Pembuat Komitmen (PPK) harus terikat pada satu OPD: pilih OPD-nya."}},
		{"supplier role without supplier", func(in *auth.UserInput) { in.Grants = []auth.Grant{{Role: auth.RoleSupplier}} },
			validate.Errors{"supplier": "Peran penyedia harus terikat pada satu usaha: pilih usahanya."}},
		{"OPD that does not exist", func(in *auth.UserInput) { in.Grants = []auth.Grant{{Role: auth.RolePP, OPDID: 999999}} },
			validate.Errors{"roles": "OPD atau usaha yang dipilih tidak ada."}},
		{"duplicate e-mail in another case", func(in *auth.UserInput) { in.Email = " ADA@Test.ID " },
			validate.Errors{"email": "E-mail ini sudah dipakai akun lain."}},
		{"duplicate phone in another format", func(in *auth.UserInput) { in.Phone = "+62 812 0000 0009" },
			validate.Errors{"phone": "Nomor HP ini sudah dipakai akun lain."}},
	}
	t.Run("cases", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				in := f.input(auth.RoleAdmin)
				tt.change(&in)
				u, err := f.svc.CreateUser(f.sys, in)
				if u != nil {
					t.Errorf("CreateUser returned user %d, want none", u.ID)
				}
				got := fieldErrors(t, "CreateUser", err)
				if diff := cmp.Diff(got, tt.want); diff != "" {
					t.Errorf("field errors mismatch (-got +want):\n%s", diff)
				}
			})
		}
	})
	// Nothing of the failed attempts was stored.
	var n int
	if err := f.db.QueryRow(context.Background(), "SELECT count(*) FROM users WHERE id <> $1", taken.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("got %d stray accounts, want 0", n)
	}
}

// TestCreateUser_OnlyAdmins: only admins and the system create accounts; an
// admin's new user must change the password, the system's need not.
func TestCreateUser_OnlyAdmins(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	actors := map[auth.Role]*auth.User{}
	for _, r := range []auth.Role{auth.RoleAdmin, auth.RoleKoperindag, auth.RolePP, auth.RoleAuditor, auth.RoleSupplier} {
		actors[r] = f.mustUser(t, r)
	}
	tests := []struct {
		name       string
		ctx        context.Context
		want       *apperr.Kind
		mustChange bool
	}{
		{"system", f.sys, nil, false},
		{"admin", as(actors[auth.RoleAdmin]), nil, true},
		{"koperindag", as(actors[auth.RoleKoperindag]), apperr.Forbidden, false},
		{"pp", as(actors[auth.RolePP]), apperr.Forbidden, false},
		{"auditor", as(actors[auth.RoleAuditor]), apperr.Forbidden, false},
		{"supplier", as(actors[auth.RoleSupplier]), apperr.Forbidden, false},
		{"nobody signed in", context.Background(), apperr.Forbidden, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u, err := f.svc.CreateUser(tt.ctx, f.input(auth.RoleSupplier))
			wantKind(t, "CreateUser", err, tt.want)
			if err != nil {
				return
			}
			if u.MustChangePassword != tt.mustChange {
				t.Errorf("MustChangePassword = %v, want %v", u.MustChangePassword, tt.mustChange)
			}
		})
	}
}

// TestUpdateUser_AdminKeepsOwnAdminRole: an admin cannot lock themselves out by
// removing their own admin role, but may change their other details.
func TestUpdateUser_AdminKeepsOwnAdminRole(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	in := f.input(auth.RoleAdmin)
	admin := f.mustCreate(t, in)
	ctx := as(admin)

	in.Grants = []auth.Grant{f.grant(auth.RoleAuditor)}
	_, err := f.svc.UpdateUser(ctx, admin.ID, in)
	got := fieldErrors(t, "UpdateUser without admin", err)
	want := validate.Errors{"roles": "Anda tidak dapat mencabut peran admin dari akun Anda sendiri."}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("field errors mismatch (-got +want):\n%s", diff)
	}

	in.Name = "Admin Baru"
	in.Grants = []auth.Grant{f.grant(auth.RoleAdmin), f.grant(auth.RoleAuditor)}
	u, err := f.svc.UpdateUser(ctx, admin.ID, in)
	if err != nil {
		t.Fatalf("UpdateUser keeping admin: %v", err)
	}
	if diff := cmp.Diff(u.RoleList(), []auth.Role{auth.RoleAdmin, auth.RoleAuditor}); diff != "" {
		t.Errorf("roles mismatch (-got +want):\n%s", diff)
	}
	if u.Name != "Admin Baru" {
		t.Errorf("Name = %q, want %q", u.Name, "Admin Baru")
	}

	// Another admin may take the role away.
	other := f.mustUser(t, auth.RoleAdmin)
	in.Grants = []auth.Grant{f.grant(auth.RoleAuditor)}
	if _, err := f.svc.UpdateUser(as(other), admin.ID, in); err != nil {
		t.Errorf("UpdateUser by another admin: %v", err)
	}
	// Non-admins may not edit accounts.
	kop := f.mustUser(t, auth.RoleKoperindag)
	_, err = f.svc.UpdateUser(as(kop), admin.ID, in)
	wantKind(t, "UpdateUser by koperindag", err, apperr.Forbidden)
}

// TestSetDisabled_Rules: disabling needs an admin, a reason and another account.
func TestSetDisabled_Rules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.mustUser(t, auth.RoleAdmin)
	kop := f.mustUser(t, auth.RoleKoperindag)
	target := f.mustUser(t, auth.RoleSupplier)

	tests := []struct {
		name      string
		ctx       context.Context
		id        int64
		reason    string
		want      *apperr.Kind    // when not field errors
		wantField validate.Errors // when field errors
	}{
		{"koperindag is forbidden", as(kop), target.ID, "Usaha tutup", apperr.Forbidden, nil},
		{"own account", as(admin), admin.ID, "Cuti", apperr.Invalid, nil},
		{"reason required", as(admin), target.ID, "", nil, validate.Errors{"reason": "Tulis alasan penonaktifan."}},
		{"blank reason", as(admin), target.ID, "   ", nil, validate.Errors{"reason": "Tulis alasan penonaktifan."}},
		{"reason too long", as(admin), target.ID, strings.Repeat("x", 301), nil, validate.Errors{"reason": "Panjang maksimal 300 karakter."}},
		{"unknown account", as(admin), 999999, "Usaha tutup", apperr.NotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := f.svc.SetDisabled(tt.ctx, tt.id, true, tt.reason)
			if tt.wantField != nil {
				got := fieldErrors(t, "SetDisabled", err)
				if diff := cmp.Diff(got, tt.wantField); diff != "" {
					t.Errorf("field errors mismatch (-got +want):\n%s", diff)
				}
				return
			}
			wantKind(t, "SetDisabled", err, tt.want)
		})
	}
	// None of the refused calls disabled anything.
	for _, u := range []*auth.User{admin, target} {
		got, err := f.svc.User(f.sys, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Disabled() {
			t.Errorf("account %d disabled after refused calls", u.ID)
		}
	}

	if err := f.svc.SetDisabled(as(admin), target.ID, true, "  Usaha tutup "); err != nil {
		t.Fatalf("SetDisabled: %v", err)
	}
	got, err := f.svc.User(f.sys, target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Disabled() || got.DisabledReason != "Usaha tutup" {
		t.Errorf("after disabling: Disabled() = %v, reason %q; want true, %q", got.Disabled(), got.DisabledReason, "Usaha tutup")
	}
	if err := f.svc.SetDisabled(as(admin), target.ID, false, ""); err != nil {
		t.Fatalf("SetDisabled(false): %v", err)
	}
	if got, _ := f.svc.User(f.sys, target.ID); got.Disabled() || got.DisabledReason != "" {
		t.Errorf("after enabling: Disabled() = %v, reason %q; want false, empty", got.Disabled(), got.DisabledReason)
	}
}

// TestUsers_KoperindagSeesOnlySupplierAccounts: Koperindag staff list pure
// supplier accounts only; admins list all; others are forbidden.
func TestUsers_KoperindagSeesOnlySupplierAccounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.mustUser(t, auth.RoleAdmin)
	kop := f.mustUser(t, auth.RoleKoperindag)
	pp := f.mustUser(t, auth.RolePP)
	sup := f.mustUser(t, auth.RoleSupplier)
	mixed := f.mustUser(t, auth.RoleSupplier, auth.RolePPK)

	ids := func(list []*auth.User) []int64 {
		var out []int64
		for _, u := range list {
			out = append(out, u.ID)
		}
		slices.Sort(out)
		return out
	}
	sorted := func(ids ...int64) []int64 { slices.Sort(ids); return ids }

	tests := []struct {
		name      string
		actor     *auth.User
		want      []int64
		wantTotal int
	}{
		{"koperindag", kop, []int64{sup.ID}, 1},
		{"admin", admin, sorted(admin.ID, kop.ID, pp.ID, sup.ID, mixed.ID), 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, total, err := f.svc.Users(as(tt.actor), auth.UserFilter{})
			if err != nil {
				t.Fatalf("Users: %v", err)
			}
			if diff := cmp.Diff(ids(list), tt.want); diff != "" {
				t.Errorf("ids mismatch (-got +want):\n%s", diff)
			}
			if total != tt.wantTotal {
				t.Errorf("total = %d, want %d", total, tt.wantTotal)
			}
		})
	}
	t.Run("koperindag filtering by another role", func(t *testing.T) {
		list, total, err := f.svc.Users(as(kop), auth.UserFilter{Role: auth.RolePPK})
		if err != nil {
			t.Fatalf("Users: %v", err)
		}
		if len(list) != 0 || total != 0 {
			t.Errorf("got %d accounts (total %d), want none", len(list), total)
		}
	})
	for _, u := range []*auth.User{pp, sup, mixed} {
		_, _, err := f.svc.Users(as(u), auth.UserFilter{})
		wantKind(t, "Users as "+u.Name, err, apperr.Forbidden)
	}
	// Koperindag may read a supplier account but not the mixed one.
	if _, err := f.svc.User(as(kop), sup.ID); err != nil {
		t.Errorf("User(supplier) as koperindag: %v", err)
	}
	if _, err := f.svc.User(as(kop), mixed.ID); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("User(mixed) as koperindag: got %v, want forbidden", err)
	}
}

// TestHashPassword: hashes are salted argon2id PHC strings that CheckPassword
// accepts for the right password only.
func TestHashPassword(t *testing.T) {
	t.Parallel()
	h1, err := auth.HashPassword("kata-sandi-benar")
	if err != nil {
		t.Fatal(err)
	}
	h2, err := auth.HashPassword("kata-sandi-benar")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not start with the argon2id parameters", h1)
	}
	if h1 == h2 {
		t.Errorf("two hashes of one password are equal (%q): not salted", h1)
	}
	tests := []struct {
		name     string
		hash     string
		password string
		want     bool
		wantErr  bool
	}{
		{"right password", h1, "kata-sandi-benar", true, false},
		{"right password, other salt", h2, "kata-sandi-benar", true, false},
		{"wrong password", h1, "kata-sandi-salah", false, false},
		{"empty password", h1, "", false, false},
		{"bcrypt hash", "$2a$10$abcdefghijklmnopqrstuv", "kata-sandi-benar", false, true},
		{"garbage", "plain", "plain", false, true},
		{"other argon2 version", strings.Replace(h1, "v=19", "v=16", 1), "kata-sandi-benar", false, true},
		{"bad salt", strings.Join(append(strings.Split(h1, "$")[:4], "!!", strings.Split(h1, "$")[5]), "$"), "kata-sandi-benar", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := auth.CheckPassword(tt.hash, tt.password)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("CheckPassword = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

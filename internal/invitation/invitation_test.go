package invitation_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/invitation"
)

var codeRe = regexp.MustCompile(`^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}$`)

// TestIssue_ReissueRevokes: every entry gets a well-formed code and a link;
// an e-mail goes to entries with an address; inviting again replaces the
// open code; linked and unknown entries are skipped and reported; the batch
// is audited with its count.
func TestIssue_ReissueRevokes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.mustEntry(t, entry{Name: "Kopi Sangir", Owner: "Rahmat", Phone: "+6281200000001", Email: "kopi@test.id"})
	b := f.mustEntry(t, entry{Name: "Rendang Bu Ani", Owner: "Ani"})
	linked := f.mustEntry(t, entry{Name: "Sudah Ada"})
	var supID int64
	if err := f.db.QueryRow(context.Background(), "INSERT INTO suppliers (name) VALUES ('Sudah Ada') RETURNING id").Scan(&supID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(context.Background(), "UPDATE registry_entries SET supplier_id = $1 WHERE id = $2", supID, linked); err != nil {
		t.Fatal(err)
	}

	batch, err := f.svc.Issue(f.staff, []int64{a, b, linked, 999999, a})
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if len(batch.Issued) != 2 {
		t.Fatalf("got %d issued, want 2", len(batch.Issued))
	}
	var skipped []int64
	for _, s := range batch.Skipped {
		skipped = append(skipped, s.EntryID)
		if s.Reason == "" {
			t.Errorf("skipped %d has no reason", s.EntryID)
		}
	}
	if diff := cmp.Diff([]int64{linked, 999999}, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	byEntry := map[int64]invitation.Issued{}
	for _, iss := range batch.Issued {
		byEntry[iss.EntryID] = iss
		if !codeRe.MatchString(iss.Code) {
			t.Errorf("code %q is not XXXX-XXXX from the unambiguous alphabet", iss.Code)
		}
		if want := baseURL + "/activate?code=" + iss.Code; iss.URL != want {
			t.Errorf("URL = %q, want %q", iss.URL, want)
		}
		if d := time.Until(iss.ExpiresAt); d < invitation.TTL-time.Minute || d > invitation.TTL {
			t.Errorf("expires in %v, want %v", d, invitation.TTL)
		}
	}
	first := byEntry[a]
	if !first.Emailed || byEntry[b].Emailed {
		t.Errorf("emailed = %v, %v; want true for the entry with an e-mail only", first.Emailed, byEntry[b].Emailed)
	}
	var to, body string
	if err := f.db.QueryRow(context.Background(), "SELECT to_address, body FROM outbox_emails").Scan(&to, &body); err != nil {
		t.Fatalf("outbox: %v", err)
	}
	if to != "kopi@test.id" || !strings.Contains(body, first.Code) || !strings.Contains(body, first.URL) {
		t.Errorf("e-mail to %q lacks the code or link:\n%s", to, body)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'invitation.issue' AND (details->>'count')::int = 2`); n != 1 {
		t.Errorf("got %d batch audit entries with count 2, want 1", n)
	}

	again := f.mustIssue(t, a)
	if again.Code == first.Code {
		t.Fatal("re-issuing gave the same code")
	}
	if n := f.count(t, "SELECT count(*) FROM invitations WHERE registry_entry_id = $1 AND revoked_at IS NULL AND used_at IS NULL", a); n != 1 {
		t.Errorf("entry has %d open invitations, want 1", n)
	}
	_, err = f.svc.Preview(context.Background(), first.Code, "10.2.2.2")
	if got := fieldError(t, "preview revoked code", err, "code"); got != invitation.MsgCodeRevoked {
		t.Errorf("revoked code: got %q, want %q", got, invitation.MsgCodeRevoked)
	}
	p, err := f.svc.Preview(context.Background(), strings.ToLower(strings.ReplaceAll(again.Code, "-", " ")), "10.2.2.2")
	if err != nil {
		t.Fatalf("preview new code typed in lower case: %v", err)
	}
	if p.BusinessName != "Kopi Sangir" || p.OwnerName != "Rahmat" || p.Phone != "+6281200000001" {
		t.Errorf("preview = %+v", p)
	}

	// Reprinting gives the live code back, and nothing for the revoked one.
	list, err := f.svc.Reprint(f.staff, []string{first.Code, again.Code})
	if err != nil {
		t.Fatalf("Reprint: %v", err)
	}
	if len(list) != 1 || list[0].Code != again.Code || list[0].BusinessName != "Kopi Sangir" {
		t.Errorf("Reprint = %+v, want only the live code", list)
	}
}

// TestIssue_Validation: nothing chosen, or too many at once, is a field error.
func TestIssue_Validation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if got := fieldError(t, "empty", func() error { _, err := f.svc.Issue(f.staff, nil); return err }(), "entry"); got == "" {
		t.Error("no message for an empty selection")
	}
	ids := make([]int64, invitation.MaxBatch+1)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	_, err := f.svc.Issue(f.staff, ids)
	if got := fieldError(t, "too many", err, "entry"); !strings.Contains(got, "2.000") {
		t.Errorf("too many: got %q, want the limit 2.000 named", got)
	}
}

// TestIssue_CodesHashed: the database keeps the SHA-256 of each code, never
// the code itself, not even in the audit trail.
func TestIssue_CodesHashed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.mustEntry(t, entry{Name: "Keripik Balado"})
	iss := f.mustIssue(t, id)
	var hash []byte
	if err := f.db.QueryRow(context.Background(), "SELECT code_hash FROM invitations WHERE id = $1", iss.ID).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256([]byte(strings.ReplaceAll(iss.Code, "-", "")))
	if !bytes.Equal(hash, want[:]) {
		t.Errorf("code_hash = %x, want SHA-256 of the code %x", hash, want)
	}
	plain := strings.ReplaceAll(iss.Code, "-", "")
	for _, q := range []string{
		"SELECT count(*) FROM invitations i WHERE position(convert_to($1, 'UTF8') in i.code_hash) > 0 OR i::text LIKE '%' || $1 || '%'",
		"SELECT count(*) FROM audit_log a WHERE a::text LIKE '%' || $1 || '%'",
	} {
		for _, c := range []string{iss.Code, plain} {
			if n := f.count(t, q, c); n != 0 {
				t.Errorf("%s with %q: found the plaintext code in %d rows", q, c, n)
			}
		}
	}
}

// TestActivate_CreatesSupplierUserAndLink: a live code creates the supplier
// from the registry entry, the owner's account tied to it, links the entry
// and uses the code, all at once; the owner can then sign in, and the code
// cannot be used again.
func TestActivate_CreatesSupplierUserAndLink(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.mustEntry(t, entry{Name: "Kopi Sangir Jaya", Owner: "Rahmat Hidayat", Phone: "+6281211112222",
		NIB: "1234567890123", Kecamatan: kecSungaiPagu, Nagari: nagKotoBaru, Sector: "Makanan"})
	iss := f.mustIssue(t, id)
	in := f.owner()
	in.Name, in.Email = "Rahmat Hidayat", " Rahmat@Test.ID "
	acc, err := f.svc.Activate(context.Background(), iss.Code, in)
	if err != nil {
		t.Fatalf("Activate: %v", err)
	}
	if acc.UserID == 0 || acc.SupplierID == 0 || acc.SessionVersion == 0 || acc.Name != "Rahmat Hidayat" {
		t.Fatalf("account = %+v", acc)
	}
	type supplierRow struct{ Name, Owner, Kec, Nag, Phone, NIB, Origin, Status string }
	var got supplierRow
	err = f.db.QueryRow(context.Background(), `SELECT name, owner_name, kecamatan_code, nagari_code, phone, nib, origin, status
		FROM suppliers WHERE id = $1`, acc.SupplierID).Scan(&got.Name, &got.Owner, &got.Kec, &got.Nag, &got.Phone, &got.NIB, &got.Origin, &got.Status)
	if err != nil {
		t.Fatal(err)
	}
	want := supplierRow{"Kopi Sangir Jaya", "Rahmat Hidayat", kecSungaiPagu, nagKotoBaru, "+6281211112222", "1234567890123", "invitation", "draft"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("supplier (-want +got):\n%s", diff)
	}
	if n := f.count(t, "SELECT count(*) FROM registry_entries WHERE id = $1 AND supplier_id = $2", id, acc.SupplierID); n != 1 {
		t.Error("registry entry not linked to the new supplier")
	}
	if n := f.count(t, "SELECT count(*) FROM invitations WHERE id = $1 AND used_at IS NOT NULL", iss.ID); n != 1 {
		t.Error("invitation not marked used")
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'invitation.activate' AND actor_id = $1 AND ip = '10.1.1.1'`, acc.UserID); n != 1 {
		t.Error("no audit entry for the activation by the new account")
	}

	u, err := f.auth.Login(context.Background(), auth.Credentials{Login: in.Phone, Password: testPassword, IP: "10.1.1.1"})
	if err != nil {
		t.Fatalf("login with the new account: %v", err)
	}
	if g, ok := u.Grant(auth.RoleSupplier); !ok || g.SupplierID != acc.SupplierID || u.MustChangePassword || u.Email != "rahmat@test.id" {
		t.Errorf("user = %+v, want a supplier of %d with e-mail rahmat@test.id who needs no new password", u, acc.SupplierID)
	}

	second := f.owner()
	_, err = f.svc.Activate(context.Background(), iss.Code, second)
	if got := fieldError(t, "second use", err, "code"); got != invitation.MsgCodeUsed {
		t.Errorf("second use: got %q, want %q", got, invitation.MsgCodeUsed)
	}
	if n := f.count(t, "SELECT count(*) FROM suppliers WHERE origin = 'invitation'"); n != 1 {
		t.Errorf("got %d invited suppliers, want 1", n)
	}
}

// TestActivate_OneTransaction: when any step fails (here the account, made
// to fail by a trigger), nothing remains: no supplier, no link, code unused.
func TestActivate_OneTransaction(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.mustEntry(t, entry{Name: "Tenun Alam Surambi"})
	iss := f.mustIssue(t, id)
	_, err := f.db.Exec(context.Background(), `
		CREATE FUNCTION fail_user() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'test: no accounts today'; END $$;
		CREATE TRIGGER fail_user BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION fail_user();`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Activate(context.Background(), iss.Code, f.owner()); err == nil {
		t.Fatal("Activate succeeded, want the account's failure")
	}
	for q, want := range map[string]int{
		"SELECT count(*) FROM suppliers":                                                            0,
		"SELECT count(*) FROM registry_entries WHERE supplier_id IS NOT NULL":                       0,
		"SELECT count(*) FROM invitations WHERE used_at IS NULL":                                    1,
		"SELECT count(*) FROM audit_log WHERE action IN ('supplier.create', 'invitation.activate')": 0,
	} {
		if n := f.count(t, q); n != want {
			t.Errorf("%s = %d, want %d", q, n, want)
		}
	}
	if _, err := f.db.Exec(context.Background(), "DROP TRIGGER fail_user ON users"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Activate(context.Background(), iss.Code, f.owner()); err != nil {
		t.Errorf("Activate after the failure was fixed: %v", err)
	}
}

// TestActivate_CodeProblems: expired, unknown, empty and malformed codes, and
// an account that already exists, each get their own message; field errors of
// the form come with them.
func TestActivate_CodeProblems(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	expired := f.mustIssue(t, f.mustEntry(t, entry{}))
	if _, err := f.db.Exec(context.Background(), "UPDATE invitations SET expires_at = now() - interval '1 day' WHERE id = $1", expired.ID); err != nil {
		t.Fatal(err)
	}
	live := f.mustIssue(t, f.mustEntry(t, entry{}))
	taken := f.owner()
	if _, err := f.svc.Activate(context.Background(), live.Code, taken); err != nil {
		t.Fatal(err)
	}
	other := f.mustIssue(t, f.mustEntry(t, entry{}))

	tests := []struct {
		name  string
		code  string
		in    func(in *invitation.ActivationInput)
		field string
		want  string
	}{
		{"expired", expired.Code, nil, "code", invitation.MsgCodeExpired},
		{"unknown", "ABCD-2345", nil, "code", invitation.MsgCodeUnknown},
		{"empty", " ", nil, "code", invitation.MsgCodeEmpty},
		{"too short", "ABC", nil, "code", invitation.MsgCodeShape},
		{"phone has an account", other.Code, func(in *invitation.ActivationInput) { in.Phone = taken.Phone }, "phone", invitation.MsgPhoneTaken},
		{"no phone or e-mail", other.Code, func(in *invitation.ActivationInput) { in.Phone = "" }, "phone", "Isi nomor HP atau e-mail: salah satunya dipakai untuk masuk ke Lapak."},
		{"passwords differ", other.Code, func(in *invitation.ActivationInput) { in.Confirm = "lain sama sekali" }, "confirm", "Ulangi kata sandi persis sama."},
		{"field errors with a bad code", "ABCD-2345", func(in *invitation.ActivationInput) { in.Name = "" }, "name", "Isi nama Anda (2 sampai 120 huruf)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := f.owner()
			if tt.in != nil {
				tt.in(&in)
			}
			_, err := f.svc.Activate(context.Background(), tt.code, in)
			if got := fieldError(t, tt.name, err, tt.field); got != tt.want {
				t.Errorf("%s: got %q, want %q", tt.field, got, tt.want)
			}
		})
	}
	if n := f.count(t, "SELECT count(*) FROM invitations WHERE id = $1 AND used_at IS NULL", other.ID); n != 1 {
		t.Error("a failed activation used the code up")
	}
}

// TestActivate_Concurrent: two people using one code at the same moment:
// exactly one gets the account, the other is told the code is used.
func TestActivate_Concurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for round := range 5 {
		iss := f.mustIssue(t, f.mustEntry(t, entry{}))
		ins := []invitation.ActivationInput{f.owner(), f.owner()}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 2 {
			wg.Go(func() {
				<-start
				_, errs[i] = f.svc.Activate(context.Background(), iss.Code, ins[i])
			})
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			if got := fieldError(t, "loser", err, "code"); got != invitation.MsgCodeUsed {
				t.Errorf("round %d: loser got %q, want %q", round, got, invitation.MsgCodeUsed)
			}
		}
		if ok != 1 {
			t.Errorf("round %d: %d activations succeeded, want exactly 1 (%v)", round, ok, errs)
		}
	}
	if n := f.count(t, "SELECT count(*) FROM suppliers"); n != 5 {
		t.Errorf("got %d suppliers, want 5", n)
	}
	if n := f.count(t, "SELECT count(*) FROM user_roles WHERE role = 'supplier'"); n != 5 {
		t.Errorf("got %d supplier accounts, want 5", n)
	}
}

// TestActivate_Throttled: after MaxWrongCodes unknown codes from one IP
// address, even a right code from it waits; other addresses are not held up.
func TestActivate_Throttled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	iss := f.mustIssue(t, f.mustEntry(t, entry{}))
	in := f.owner()
	in.IP = "10.6.6.6"
	for i := range invitation.MaxWrongCodes {
		_, err := f.svc.Activate(context.Background(), "ZZZZ-ZZZ"+string(codeChar(i)), in)
		if got := fieldError(t, "wrong code", err, "code"); got != invitation.MsgCodeUnknown {
			t.Fatalf("wrong code %d: got %q, want %q", i+1, got, invitation.MsgCodeUnknown)
		}
	}
	_, err := f.svc.Activate(context.Background(), iss.Code, in)
	wantKind(t, "right code after too many wrong ones", err, apperr.TooMany)
	_, err = f.svc.Preview(context.Background(), iss.Code, in.IP)
	wantKind(t, "preview after too many wrong ones", err, apperr.TooMany)

	in.IP = "10.7.7.7"
	if _, err := f.svc.Activate(context.Background(), iss.Code, in); err != nil {
		t.Errorf("right code from another address: %v", err)
	}
}

// codeChar is the i-th character of the code alphabet, for distinct wrong codes.
func codeChar(i int) byte { return "ABCDEFGHJKMNPQRSTUVWXYZ23456789"[i%31] }

// TestRegister: a business not in the registry registers itself: a draft
// supplier of origin "self" and its owner's account.
func TestRegister(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	valid := func() invitation.RegistrationInput {
		return invitation.RegistrationInput{BusinessName: "Kerajinan Bambu Sako", OwnerName: "Yusnita", Phone: "0812 7000 1111",
			KecamatanCode: kecSangir, NagariCode: nagLubukGadang, Password: testPassword, Confirm: testPassword, IP: "10.3.3.3"}
	}
	acc, err := f.svc.Register(context.Background(), valid())
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	var origin, status, phone string
	if err := f.db.QueryRow(context.Background(), "SELECT origin, status, phone FROM suppliers WHERE id = $1", acc.SupplierID).
		Scan(&origin, &status, &phone); err != nil {
		t.Fatal(err)
	}
	if origin != "self" || status != "draft" || phone != "+6281270001111" {
		t.Errorf("supplier origin %q status %q phone %q, want self, draft, +6281270001111", origin, status, phone)
	}
	u, err := f.auth.Login(context.Background(), auth.Credentials{Login: "081270001111", Password: testPassword})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if g, ok := u.Grant(auth.RoleSupplier); !ok || g.SupplierID != acc.SupplierID || u.Name != "Yusnita" {
		t.Errorf("user = %+v", u)
	}

	if _, err := f.auth.CreateUser(auth.SystemContext(context.Background()), auth.UserInput{Name: "Punya E-mail",
		Email: "ada@test.id", Password: testPassword, Grants: []auth.Grant{{Role: auth.RoleKoperindag}}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		edit  func(in *invitation.RegistrationInput)
		field string
		want  string
	}{
		{"phone required", func(in *invitation.RegistrationInput) { in.Phone = "" }, "phone", "Isi nomor HP Anda: nomor ini dipakai untuk masuk ke Lapak."},
		{"phone has an account", func(in *invitation.RegistrationInput) { in.Phone = "+62 812-7000-1111" }, "phone", invitation.MsgPhoneTaken},
		{"e-mail has an account", func(in *invitation.RegistrationInput) { in.Phone, in.Email = "081270002222", "ADA@test.id" }, "email", invitation.MsgEmailTaken},
		{"business name", func(in *invitation.RegistrationInput) { in.BusinessName = "K" }, "business_name", "Isi nama usaha (2 sampai 200 huruf)."},
		{"owner name", func(in *invitation.RegistrationInput) { in.OwnerName = "" }, "owner_name", "Isi nama pemilik usaha (2 sampai 120 huruf)."},
		{"kecamatan required", func(in *invitation.RegistrationInput) { in.KecamatanCode, in.NagariCode = "", "" }, "kecamatan", "Pilih kecamatan tempat usaha berada."},
		{"unknown kecamatan", func(in *invitation.RegistrationInput) { in.KecamatanCode, in.NagariCode = "99.99", "" }, "kecamatan", "Pilih kecamatan dari daftar."},
		{"nagari elsewhere", func(in *invitation.RegistrationInput) { in.NagariCode = nagKotoBaru }, "nagari", "Nagari ini tidak berada di kecamatan yang dipilih. Periksa kembali kecamatan dan nagari."},
		{"short password", func(in *invitation.RegistrationInput) { in.Password, in.Confirm = "pendek", "pendek" }, "password", "Kata sandi minimal 10 karakter."},
		{"passwords differ", func(in *invitation.RegistrationInput) { in.Confirm = "yang lain lagi ya" }, "confirm", "Ulangi kata sandi persis sama."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid()
			in.Phone = "0812 7000 9999"
			tt.edit(&in)
			_, err := f.svc.Register(context.Background(), in)
			if got := fieldError(t, tt.name, err, tt.field); got != tt.want {
				t.Errorf("%s: got %q, want %q", tt.field, got, tt.want)
			}
		})
	}
	// Only the nagari given: its kecamatan is taken.
	in := valid()
	in.Phone, in.KecamatanCode, in.NagariCode = "081270003333", "", nagKotoBaru
	acc, err = f.svc.Register(context.Background(), in)
	if err != nil {
		t.Fatalf("register with a nagari only: %v", err)
	}
	if n := f.count(t, "SELECT count(*) FROM suppliers WHERE id = $1 AND kecamatan_code = $2", acc.SupplierID, kecSungaiPagu); n != 1 {
		t.Error("kecamatan not taken from the nagari")
	}
}

// TestRegister_RateLimited: at most MaxRegistrations an hour from one IP
// address; another address is not held up.
func TestRegister_RateLimited(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	reg := func(i int, ip string) error {
		_, err := f.svc.Register(context.Background(), invitation.RegistrationInput{BusinessName: "Usaha Nomor Satu", OwnerName: "Pemilik",
			Phone: "0812800000" + string(rune('0'+i/10)) + string(rune('0'+i%10)), KecamatanCode: kecSangir,
			Password: testPassword, Confirm: testPassword, IP: ip})
		return err
	}
	for i := range invitation.MaxRegistrations {
		if err := reg(i, "10.4.4.4"); err != nil {
			t.Fatalf("registration %d: %v", i+1, err)
		}
	}
	err := reg(10, "10.4.4.4")
	wantKind(t, "one registration too many", err, apperr.TooMany)
	if msg := apperr.Message(err); !strings.Contains(msg, "satu jam") {
		t.Errorf("message %q does not say when to try again", msg)
	}
	if err := reg(11, "10.5.5.5"); err != nil {
		t.Errorf("registration from another address: %v", err)
	}
}

// TestAssistedRegister_ThenActivate: staff register a business from its
// registry entry in the field; the entry's earlier code stops working; the
// owner's activation then creates only the account, tied to that supplier.
func TestAssistedRegister_ThenActivate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.mustEntry(t, entry{Name: "Gula Aren Pak Datuk", Owner: "Datuk Rajo", Address: "Jorong Koto", NIB: "9876543210123"})
	earlier := f.mustIssue(t, id)

	iss, err := f.svc.AssistedRegister(f.staff, invitation.AssistedInput{BusinessName: "Gula Aren Pak Datuk", OwnerName: "Datuk Rajo",
		Phone: "0812 3333 4444", KecamatanCode: kecSangir, NagariCode: nagLubukGadang, RegistryEntryID: id})
	if err != nil {
		t.Fatalf("AssistedRegister: %v", err)
	}
	if iss.SupplierID == 0 || !codeRe.MatchString(iss.Code) || iss.KecamatanName != "Sangir" || iss.Address != "Jorong Koto" {
		t.Fatalf("issued = %+v", iss)
	}
	if !strings.HasPrefix(iss.WhatsAppURL(), "https://wa.me/6281233334444?text=") {
		t.Errorf("WhatsApp link %q", iss.WhatsAppURL())
	}
	var origin, nib string
	if err := f.db.QueryRow(context.Background(), "SELECT origin, nib FROM suppliers WHERE id = $1", iss.SupplierID).Scan(&origin, &nib); err != nil {
		t.Fatal(err)
	}
	if origin != "assisted" || nib != "9876543210123" {
		t.Errorf("origin %q, nib %q; want assisted and the registry's NIB", origin, nib)
	}
	if n := f.count(t, "SELECT count(*) FROM registry_entries WHERE id = $1 AND supplier_id = $2", id, iss.SupplierID); n != 1 {
		t.Error("entry not linked to the assisted supplier")
	}
	_, err = f.svc.Activate(context.Background(), earlier.Code, f.owner())
	if got := fieldError(t, "earlier code", err, "code"); got != invitation.MsgCodeRevoked {
		t.Errorf("earlier code: got %q, want %q", got, invitation.MsgCodeRevoked)
	}
	_, err = f.svc.AssistedRegister(f.staff, invitation.AssistedInput{BusinessName: "Gula Aren Lagi", OwnerName: "Datuk Rajo",
		KecamatanCode: kecSangir, RegistryEntryID: id})
	if got := fieldError(t, "entry registered twice", err, "entry"); got == "" {
		t.Error("registering a linked entry again gave no message on entry")
	}

	p, err := f.svc.Preview(context.Background(), iss.Code, "10.1.1.1")
	if err != nil || p.BusinessName != "Gula Aren Pak Datuk" || p.Phone != "+6281233334444" {
		t.Errorf("Preview = %+v, %v", p, err)
	}
	suppliersBefore := f.count(t, "SELECT count(*) FROM suppliers")
	in := f.owner()
	in.Name, in.Phone = "Datuk Rajo", "081233334444"
	acc, err := f.svc.Activate(context.Background(), iss.Code, in)
	if err != nil {
		t.Fatalf("owner activation: %v", err)
	}
	if acc.SupplierID != iss.SupplierID {
		t.Errorf("account tied to supplier %d, want the assisted %d", acc.SupplierID, iss.SupplierID)
	}
	if n := f.count(t, "SELECT count(*) FROM suppliers"); n != suppliersBefore {
		t.Errorf("activation created a supplier: %d, want %d", n, suppliersBefore)
	}
	if n := f.count(t, "SELECT count(*) FROM user_roles WHERE role = 'supplier' AND supplier_id = $1 AND user_id = $2", iss.SupplierID, acc.UserID); n != 1 {
		t.Error("the owner's account is not tied to the assisted supplier")
	}
}

// TestEntries_StatusAndFilters: the selection helpers count and filter by
// place, sector and status.
func TestEntries_StatusAndFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.mustEntry(t, entry{Name: "Kopi A", Sector: "Makanan"})
	b := f.mustEntry(t, entry{Name: "Kopi B", Sector: "Makanan"})
	c := f.mustEntry(t, entry{Name: "Tenun C", Sector: "Kriya", Kecamatan: kecSungaiPagu, Nagari: nagKotoBaru})
	d := f.mustEntry(t, entry{Name: "Tenun D", Sector: "Kriya"})
	f.mustIssue(t, b)
	exp := f.mustIssue(t, c)
	if _, err := f.db.Exec(context.Background(), "UPDATE invitations SET expires_at = now() - interval '1 hour' WHERE id = $1", exp.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Activate(context.Background(), f.mustIssue(t, d).Code, f.owner()); err != nil {
		t.Fatal(err)
	}
	counts, err := f.svc.EntryCounts(f.staff, invitation.EntryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(invitation.StatusCounts{NotInvited: 1, Invited: 1, Expired: 1, Activated: 1}, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	tests := []struct {
		name string
		f    invitation.EntryFilter
		want []int64
	}{
		{"all", invitation.EntryFilter{}, []int64{a, b, d, c}}, // Sangir before Sungai Pagu
		{"not invited", invitation.EntryFilter{Status: invitation.StatusNotInvited}, []int64{a}},
		{"invited", invitation.EntryFilter{Status: invitation.StatusInvited}, []int64{b}},
		{"expired", invitation.EntryFilter{Status: invitation.StatusExpired}, []int64{c}},
		{"activated", invitation.EntryFilter{Status: invitation.StatusActivated}, []int64{d}},
		{"kecamatan", invitation.EntryFilter{KecamatanCode: kecSungaiPagu}, []int64{c}},
		{"nagari", invitation.EntryFilter{NagariCode: nagLubukGadang}, []int64{a, b, d}},
		{"sector", invitation.EntryFilter{Sector: "Kriya"}, []int64{d, c}},
		{"name", invitation.EntryFilter{Query: "kopi"}, []int64{a, b}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, total, err := f.svc.Entries(f.staff, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, e := range list {
				got = append(got, e.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || total != len(tt.want) {
				t.Errorf("total %d; ids (-want +got):\n%s", total, diff)
			}
		})
	}
	ids, total, err := f.svc.EntryIDs(f.staff, invitation.EntryFilter{}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || len(ids) != 2 {
		t.Errorf("EntryIDs: %v of %d, want 2 of the 3 that are not yet suppliers", ids, total)
	}
	sectors, err := f.svc.Sectors(f.staff)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Kriya", "Makanan"}, sectors); diff != "" {
		t.Errorf("sectors (-want +got):\n%s", diff)
	}
}

// TestAuthorization: only Koperindag staff and admins invite, list the
// registry, register businesses in the field and reprint letters.
func TestAuthorization(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.mustEntry(t, entry{})
	calls := map[string]func(ctx context.Context) error{
		"Issue":   func(ctx context.Context) error { _, err := f.svc.Issue(ctx, []int64{id}); return err },
		"Entries": func(ctx context.Context) error { _, _, err := f.svc.Entries(ctx, invitation.EntryFilter{}); return err },
		"Counts": func(ctx context.Context) error {
			_, err := f.svc.EntryCounts(ctx, invitation.EntryFilter{})
			return err
		},
		"Entry":   func(ctx context.Context) error { _, err := f.svc.Entry(ctx, id); return err },
		"Reprint": func(ctx context.Context) error { _, err := f.svc.Reprint(ctx, []string{"ABCD-2345"}); return err },
		"AssistedRegister": func(ctx context.Context) error {
			_, err := f.svc.AssistedRegister(ctx, invitation.AssistedInput{BusinessName: "Usaha", OwnerName: "Pemilik", KecamatanCode: kecSangir})
			return err
		},
	}
	for name, call := range calls {
		wantKind(t, name+" as pp", call(f.pp), apperr.Forbidden)
		wantKind(t, name+" as nobody", call(context.Background()), apperr.Unauthenticated)
	}
	if n := f.count(t, "SELECT count(*) FROM invitations"); n != 0 {
		t.Errorf("got %d invitations, want none", n)
	}
}

// TestWhatsAppURL: the link opens a chat with the owner's number holding the
// invitation text, code and link included; no phone, no link.
func TestWhatsAppURL(t *testing.T) {
	t.Parallel()
	iss := invitation.Issued{Invitee: invitation.Invitee{BusinessName: "Kopi Sangir", OwnerName: "Rahmat", Phone: "+6281200001111"},
		Code: "ABCD-2345", URL: baseURL + "/activate?code=ABCD-2345", ExpiresAt: time.Date(2026, 7, 11, 12, 0, 0, 0, time.UTC)}
	link := iss.WhatsAppURL()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != "wa.me" || u.Path != "/6281200001111" || strings.Contains(u.RawQuery, "+") {
		t.Errorf("link %q, want wa.me/6281200001111 with %%20 for spaces", link)
	}
	text := u.Query().Get("text")
	for _, want := range []string{"Rahmat", "Kopi Sangir", "ABCD-2345", iss.URL, "11 Juli 2026", "Rp200 juta"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	iss.Phone = ""
	if got := iss.WhatsAppURL(); got != "" {
		t.Errorf("without a phone: %q, want no link", got)
	}
}

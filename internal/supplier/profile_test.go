package supplier_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/supplier"
	"lapak/internal/validate"
)

type fixture struct {
	db  *pgxpool.Pool
	svc *supplier.Service
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	if err := demo.SeedReference(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, svc: supplier.NewService(db)}
}

// as returns a context acting as a user holding role (tied to supplierID for suppliers).
func as(role auth.Role, id int64, supplierID int64) context.Context {
	u := &auth.User{ID: id, Name: string(role), Grants: []auth.Grant{{Role: role, SupplierID: supplierID}}}
	return auth.WithUser(context.Background(), u, "127.0.0.1")
}

func (f *fixture) mustSupplier(t *testing.T) supplier.Supplier {
	t.Helper()
	sp, err := f.svc.CreateSupplier(auth.SystemContext(context.Background()), supplier.Input{Name: "Kopi Sangir Jaya", KecamatanCode: "13.11.01"})
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

var completeProfile = supplier.Profile{
	Name: "Kopi Sangir Jaya", OwnerName: "Syafrizal", LegalForm: "perorangan", NIB: "9120001234567", NPWP: "01.234.567.8-901.000",
	ScaleBasis: "modal", Amount: "Rp 150.000.000", Address: "Jorong Pasar, Lubuk Gadang", KecamatanCode: "13.11.01",
	NagariCode: "13.11.01.2001", Phone: "0812-0000-0001", BankName: "Bank Nagari", BankAccountNo: "1234 5678 90",
	BankAccount: "Syafrizal", Products: "Kopi bubuk robusta Solok Selatan",
}

// addDocs stands in for uploads: rows for every required document kind.
func (f *fixture) addDocs(t *testing.T, id int64, kinds ...string) {
	t.Helper()
	for i, k := range kinds {
		_, err := f.db.Exec(context.Background(), `INSERT INTO supplier_documents (supplier_id, kind, blob_key, filename, content_type, size_bytes, sha256)
			VALUES ($1, $2, $3, 'x.jpg', 'image/jpeg', 10, repeat('a', 64))`, id, k, "test/"+k+string(rune('a'+i))+t.Name())
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestClassify_PP7Of2021(t *testing.T) {
	tests := []struct {
		basis  string
		amount int64
		want   supplier.Scale
	}{
		{"modal", 1_000_000_000, supplier.ScaleMikro},
		{"modal", 1_000_000_001, supplier.ScaleKecil},
		{"modal", 5_000_000_000, supplier.ScaleKecil},
		{"modal", 10_000_000_000, supplier.ScaleMenengah},
		{"modal", 10_000_000_001, supplier.ScaleBesar},
		{"penjualan", 2_000_000_000, supplier.ScaleMikro},
		{"penjualan", 15_000_000_000, supplier.ScaleKecil},
		{"penjualan", 50_000_000_000, supplier.ScaleMenengah},
		{"penjualan", 50_000_000_001, supplier.ScaleBesar},
	}
	for _, tt := range tests {
		if got := supplier.Classify(tt.basis, tt.amount); got != tt.want {
			t.Errorf("Classify(%s, %d) = %s, want %s", tt.basis, tt.amount, got, tt.want)
		}
	}
}

func TestUpdateProfile_ValidatesAndNormalises(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sp := f.mustSupplier(t)
	owner := as(auth.RoleSupplier, 0, sp.ID)

	bad := completeProfile
	bad.NIB, bad.NPWP, bad.Amount, bad.NagariCode, bad.Phone, bad.BankAccountNo = "123", "12", "satu juta", "13.11.02.2001", "12", "12ab"
	bad.PKP, bad.PP55 = true, true
	_, err := f.svc.UpdateProfile(owner, sp.ID, bad)
	fields, ok := validate.AsErrors(err)
	if !ok {
		t.Fatalf("got %v, want field errors", err)
	}
	var got []string
	for k := range fields {
		got = append(got, k)
	}
	want := []string{"amount", "bank_account_no", "nagari", "nib", "npwp", "phone", "pp55"}
	if diff := cmp.Diff(sortStrings(got), want); diff != "" {
		t.Errorf("fields (-got +want):\n%s", diff)
	}

	saved, err := f.svc.UpdateProfile(owner, sp.ID, completeProfile)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Phone != "+6281200000001" || saved.NPWP != "012345678901000" || saved.Capital != 150_000_000 ||
		saved.Scale != supplier.ScaleMikro || saved.BankAccountNo != "1234567890" || saved.NagariName != "Lubuk Gadang" {
		t.Errorf("saved %+v", saved)
	}
}

func TestUpdateProfile_WhoMay(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sp := f.mustSupplier(t)
	tests := []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"owner", as(auth.RoleSupplier, 0, sp.ID), nil},
		{"koperindag in the field", as(auth.RoleKoperindag, 0, 0), nil},
		{"another supplier", as(auth.RoleSupplier, 0, sp.ID+1000), apperr.Forbidden},
		{"ppk", as(auth.RolePPK, 0, 0), apperr.Forbidden},
		{"auditor", as(auth.RoleAuditor, 0, 0), apperr.Forbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.UpdateProfile(tt.ctx, sp.ID, completeProfile)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := f.svc.Supplier(as(auth.RoleSupplier, 0, sp.ID+1000), sp.ID); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("another supplier reads the profile: got %v, want forbidden", err)
	}
}

// The verification flow: an incomplete profile cannot be submitted; a complete
// one is returned once with a reason, fixed, resubmitted and verified; a
// verified supplier changing its bank account is checked again.
func TestVerificationFlow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sp := f.mustSupplier(t)
	owner := as(auth.RoleSupplier, 0, sp.ID)
	staff := as(auth.RoleKoperindag, 0, 0)

	err := f.svc.Submit(owner, sp.ID)
	if !errors.Is(err, apperr.Invalid) || !errors.Is(err, supplier.ErrIncomplete) {
		t.Fatalf("submit empty: got %v, want incomplete", err)
	}
	if _, err := f.svc.UpdateProfile(owner, sp.ID, completeProfile); err != nil {
		t.Fatal(err)
	}
	f.addDocs(t, sp.ID, "ktp", "nib", "npwp", "bank_book", "non_pkp")
	if missing, _ := f.svc.Completeness(owner, sp.ID); len(missing) != 0 {
		t.Fatalf("still missing %v", missing)
	}
	if err := f.svc.Submit(owner, sp.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdateProfile(owner, sp.ID, completeProfile); !errors.Is(err, apperr.Conflict) {
		t.Errorf("edit while under review: got %v, want conflict", err)
	}
	cur, _ := f.svc.Supplier(staff, sp.ID)
	if err := f.svc.Decide(owner, sp.ID, cur.Version, supplier.DecisionVerify, ""); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("owner verifies itself: got %v, want forbidden", err)
	}
	if err := f.svc.Decide(staff, sp.ID, cur.Version, supplier.DecisionReturn, ""); err == nil {
		t.Error("return without a reason was accepted")
	}
	if err := f.svc.Decide(staff, sp.ID, cur.Version, supplier.DecisionReturn, "Foto KTP buram, unggah ulang."); err != nil {
		t.Fatal(err)
	}
	got, _ := f.svc.Supplier(owner, sp.ID)
	if got.Status != supplier.StatusReturned || got.ReviewNote != "Foto KTP buram, unggah ulang." {
		t.Fatalf("after return: %s %q", got.Status, got.ReviewNote)
	}
	if err := f.svc.Submit(owner, sp.ID); err != nil {
		t.Fatal(err)
	}
	cur, _ = f.svc.Supplier(staff, sp.ID)
	if err := f.svc.Decide(staff, sp.ID, cur.Version, supplier.DecisionVerify, ""); err != nil {
		t.Fatal(err)
	}
	changed := completeProfile
	changed.BankAccountNo = "9999999999"
	after, err := f.svc.UpdateProfile(owner, sp.ID, changed)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != supplier.StatusSubmitted {
		t.Errorf("bank account change: status %s, want submitted again", after.Status)
	}
	var n int
	_ = f.db.QueryRow(context.Background(), "SELECT count(*) FROM audit_log WHERE entity = 'supplier' AND entity_id = $1", itoa(sp.ID)).Scan(&n)
	if n < 7 {
		t.Errorf("audit entries for the supplier: %d, want every step recorded", n)
	}
}

// Two staff deciding on one supplier at once: exactly one decision wins and
// the other is told the data changed.
func TestDecide_ConcurrentReviewersOneWins(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sp := f.mustSupplier(t)
	owner := as(auth.RoleSupplier, 0, sp.ID)
	if _, err := f.svc.UpdateProfile(owner, sp.ID, completeProfile); err != nil {
		t.Fatal(err)
	}
	f.addDocs(t, sp.ID, "ktp", "nib", "npwp", "bank_book", "non_pkp")
	if err := f.svc.Submit(owner, sp.ID); err != nil {
		t.Fatal(err)
	}
	cur, _ := f.svc.Supplier(owner, sp.ID)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	decisions := []supplier.Decision{supplier.DecisionVerify, supplier.DecisionReturn}
	for i := range 2 {
		wg.Go(func() {
			errs[i] = f.svc.Decide(as(auth.RoleKoperindag, 0, 0), sp.ID, cur.Version, decisions[i], "Periksa NPWP.")
		})
	}
	wg.Wait()
	wins, conflicts := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case errors.Is(err, apperr.Conflict):
			conflicts++
		default:
			t.Errorf("unexpected %v", err)
		}
	}
	if wins != 1 || conflicts != 1 {
		t.Errorf("got %d wins and %d conflicts, want 1 and 1", wins, conflicts)
	}
}

func TestDecide_SuspendAndReinstate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sp := f.mustSupplier(t)
	staff := as(auth.RoleAdmin, 0, 0)
	if err := f.svc.Decide(staff, sp.ID, sp.Version, supplier.DecisionSuspend, "NIB dicabut OSS."); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdateProfile(as(auth.RoleSupplier, 0, sp.ID), sp.ID, completeProfile); !errors.Is(err, apperr.Conflict) {
		t.Errorf("suspended supplier edits: got %v, want conflict", err)
	}
	cur, _ := f.svc.Supplier(staff, sp.ID)
	if err := f.svc.Decide(staff, sp.ID, cur.Version, supplier.DecisionReinstate, "NIB aktif kembali."); err != nil {
		t.Fatal(err)
	}
	cur, _ = f.svc.Supplier(staff, sp.ID)
	if cur.Status != supplier.StatusDraft || cur.SuspendedReason != "" {
		t.Errorf("after reinstating a never-verified supplier: %s %q", cur.Status, cur.SuspendedReason)
	}
}

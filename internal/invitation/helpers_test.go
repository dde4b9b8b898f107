package invitation_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/invitation"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// baseURL prefixes activation links in the fixture service.
const baseURL = "https://lapak.test"

// testPassword is what owners choose in these tests.
const testPassword = "kopi sangir paling enak"

// Places from the reference data.
const (
	kecSangir      = "13.11.01"
	nagLubukGadang = "13.11.01.2001"
	kecSungaiPagu  = "13.11.02"
	nagKotoBaru    = "13.11.02.2002"
)

// fixture is an invitation.Service on a fresh database with reference data,
// a Koperindag officer and a procurement official.
type fixture struct {
	db    *pgxpool.Pool
	svc   *invitation.Service
	auth  *auth.Service
	staff context.Context // signed in as the Koperindag officer
	pp    context.Context // signed in as a PP
	n     atomic.Int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	ctx := context.Background()
	if err := demo.SeedReference(ctx, db); err != nil {
		t.Fatalf("seed reference: %v", err)
	}
	f := &fixture{db: db, svc: invitation.NewService(db, baseURL),
		auth: auth.NewService(db, baseURL, slog.New(slog.NewTextHandler(io.Discard, nil)))}
	sys := auth.SystemContext(ctx)
	officer, err := f.auth.CreateUser(sys, auth.UserInput{Name: "Petugas Koperindag", Email: "petugas@test.id",
		Password: testPassword, Grants: []auth.Grant{{Role: auth.RoleKoperindag}}})
	if err != nil {
		t.Fatalf("create officer: %v", err)
	}
	var opdID int64
	if err := db.QueryRow(ctx, "SELECT id FROM opds ORDER BY id LIMIT 1").Scan(&opdID); err != nil {
		t.Fatalf("find opd: %v", err)
	}
	pp, err := f.auth.CreateUser(sys, auth.UserInput{Name: "Pejabat Pengadaan", Email: "pp@test.id",
		Password: testPassword, Grants: []auth.Grant{{Role: auth.RolePP, OPDID: opdID}}})
	if err != nil {
		t.Fatalf("create pp: %v", err)
	}
	f.staff = auth.WithUser(ctx, officer, "10.0.0.9")
	f.pp = auth.WithUser(ctx, pp, "10.0.0.8")
	return f
}

// entry is a registry row as the tests insert it.
type entry struct {
	Name, Owner, Phone, Email, NIB, Address, Kecamatan, Nagari, Sector string
}

// mustEntry inserts a registry entry with SQL (the registry package has its
// own importer; these tests need only rows) and returns its id.
func (f *fixture) mustEntry(t *testing.T, e entry) int64 {
	t.Helper()
	if e.Name == "" {
		e.Name = fmt.Sprintf("Usaha Contoh %d", f.n.Add(1))
	}
	if e.Kecamatan == "" && e.Nagari == "" {
		e.Kecamatan, e.Nagari = kecSangir, nagLubukGadang
	}
	var id int64
	err := f.db.QueryRow(context.Background(), `INSERT INTO registry_entries
		(business_name, owner_name, phone, email, nib, address, kecamatan_code, nagari_code, sector, match_name)
		VALUES ($1, $2, nullif($3, ''), nullif($4, ''), nullif($5, ''), $6, nullif($7, ''), nullif($8, ''), $9, lower($1))
		RETURNING id`, e.Name, e.Owner, e.Phone, e.Email, e.NIB, e.Address, e.Kecamatan, e.Nagari, e.Sector).Scan(&id)
	if err != nil {
		t.Fatalf("insert registry entry %q: %v", e.Name, err)
	}
	return id
}

// mustIssue invites one entry and returns its invitation.
func (f *fixture) mustIssue(t *testing.T, entryID int64) invitation.Issued {
	t.Helper()
	b, err := f.svc.Issue(f.staff, []int64{entryID})
	if err != nil {
		t.Fatalf("issue %d: %v", entryID, err)
	}
	if len(b.Issued) != 1 {
		t.Fatalf("issue %d: got %d issued, %+v skipped; want 1 issued", entryID, len(b.Issued), b.Skipped)
	}
	return b.Issued[0]
}

// owner returns valid activation input with a unique phone number.
func (f *fixture) owner() invitation.ActivationInput {
	return invitation.ActivationInput{Name: "Siti Aminah", Phone: fmt.Sprintf("0813%08d", f.n.Add(1)),
		Password: testPassword, Confirm: testPassword, IP: "10.1.1.1"}
}

// count runs a count query.
func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// kindName names err's kind for messages.
func kindName(err error) string {
	if err == nil {
		return "nil"
	}
	if _, ok := validate.AsErrors(err); ok {
		return "field errors"
	}
	if k := apperr.KindOf(err); k != nil {
		return k.Error()
	}
	return "internal"
}

// wantKind fails t unless err is of kind want.
func wantKind(t *testing.T, what string, err error, want *apperr.Kind) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got %v (%s), want %s", what, err, kindName(err), want.Error())
	}
}

// fieldError returns the message on field in err, failing t when err has no field errors.
func fieldError(t *testing.T, what string, err error, field string) string {
	t.Helper()
	fe, ok := validate.AsErrors(err)
	if !ok {
		t.Fatalf("%s: got %v (%s), want field errors", what, err, kindName(err))
	}
	return fe[field]
}

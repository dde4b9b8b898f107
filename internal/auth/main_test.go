package auth_test

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
	"lapak/internal/postgres/pgtest"
	"lapak/internal/supplier"
	"lapak/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testPassword is the password of every fixture account.
const testPassword = "rahasia-yang-panjang"

// baseURL prefixes the links in e-mails the fixture service sends.
const baseURL = "https://lapak.test"

// fixture is an auth.Service on a fresh database with reference data, one OPD
// and one supplier to tie roles to.
type fixture struct {
	db    *pgxpool.Pool
	svc   *auth.Service
	sys   context.Context
	opdID int64
	supID int64
	n     atomic.Int64 // numbers fixture accounts
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	ctx := context.Background()
	if err := demo.SeedReference(ctx, db); err != nil {
		t.Fatalf("seed reference: %v", err)
	}
	f := &fixture{
		db:  db,
		svc: auth.NewService(db, baseURL, slog.New(slog.NewTextHandler(io.Discard, nil))),
		sys: auth.SystemContext(ctx),
	}
	if err := db.QueryRow(ctx, "SELECT id FROM opds ORDER BY id LIMIT 1").Scan(&f.opdID); err != nil {
		t.Fatalf("find opd: %v", err)
	}
	sp, err := supplier.NewService(db).CreateSupplier(f.sys, supplier.Input{Name: "Kopi Sangir Jaya"})
	if err != nil {
		t.Fatalf("create supplier: %v", err)
	}
	f.supID = sp.ID
	return f
}

// grant returns a valid grant of role r, tied to the fixture's OPD or supplier.
func (f *fixture) grant(r auth.Role) auth.Grant {
	g := auth.Grant{Role: r}
	if r.NeedsOPD() {
		g.OPDID = f.opdID
	}
	if r == auth.RoleSupplier {
		g.SupplierID = f.supID
	}
	return g
}

// input returns a valid UserInput holding roles, with a unique e-mail and phone.
func (f *fixture) input(roles ...auth.Role) auth.UserInput {
	n := f.n.Add(1)
	in := auth.UserInput{
		Name:     fmt.Sprintf("Pengguna %d", n),
		Email:    fmt.Sprintf("pengguna%d@test.id", n),
		Phone:    fmt.Sprintf("0813%08d", n),
		Password: testPassword,
	}
	for _, r := range roles {
		in.Grants = append(in.Grants, f.grant(r))
	}
	return in
}

// mustCreate creates the account in as the system.
func (f *fixture) mustCreate(t *testing.T, in auth.UserInput) *auth.User {
	t.Helper()
	u, err := f.svc.CreateUser(f.sys, in)
	if err != nil {
		t.Fatalf("create user %q: %v", in.Name, err)
	}
	return u
}

// mustUser creates an account holding roles, signing in with testPassword.
func (f *fixture) mustUser(t *testing.T, roles ...auth.Role) *auth.User {
	t.Helper()
	return f.mustCreate(t, f.input(roles...))
}

// as returns a context acting as u from a fixed address.
func as(u *auth.User) context.Context {
	return auth.WithUser(context.Background(), u, "10.0.0.1")
}

// kindName names err's apperr kind for messages: "nil", "internal" or the kind.
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

// wantKind fails t unless err is of kind want (nil meaning no error).
func wantKind(t *testing.T, what string, err error, want *apperr.Kind) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Errorf("%s: got error %v (%s), want nil", what, err, kindName(err))
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s: got %v (%s), want %s", what, err, kindName(err), want.Error())
	}
}

// fieldErrors returns the field errors in err, failing t when there are none.
func fieldErrors(t *testing.T, what string, err error) validate.Errors {
	t.Helper()
	fe, ok := validate.AsErrors(err)
	if !ok {
		t.Fatalf("%s: got %v (%s), want field errors", what, err, kindName(err))
	}
	return fe
}

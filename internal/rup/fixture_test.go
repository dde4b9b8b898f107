package rup_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/rules/rulestest"
	"lapak/internal/rup"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// fixture is a database with reference data, two OPDs and one account per
// role (OPD roles in DINKES, plus a PP of the other OPD).
type fixture struct {
	db     *pgxpool.Pool
	ledger *rulestest.Ledger
	svc    *rup.Service
	opd    int64 // DINKES
	other  int64 // another OPD
	users  map[string]*auth.User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	ctx := context.Background()
	if err := demo.SeedReference(ctx, db); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, ledger: &rulestest.Ledger{}, users: map[string]*auth.User{}}
	f.svc = rup.NewService(db, f.ledger)
	if err := db.QueryRow(ctx, "SELECT id FROM opds WHERE letter_code = 'DINKES'").Scan(&f.opd); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, "SELECT id FROM opds WHERE letter_code <> 'DINKES' ORDER BY id LIMIT 1").Scan(&f.other); err != nil {
		t.Fatal(err)
	}
	var sup int64
	if err := db.QueryRow(ctx, "INSERT INTO suppliers (name, kecamatan_code, status) VALUES ('Toko Uji', '13.11.01', 'verified') RETURNING id").Scan(&sup); err != nil {
		t.Fatal(err)
	}
	accounts := svcAuth(db)
	sys := auth.SystemContext(ctx)
	add := func(key string, nip string, grants ...auth.Grant) {
		u, err := accounts.CreateUser(sys, auth.UserInput{Name: "Pengguna " + key, Email: key + "@uji.id", NIP: nip,
			Password: "rahasia-yang-panjang", Grants: grants})
		if err != nil {
			t.Fatalf("create %s: %v", key, err)
		}
		f.users[key] = u
	}
	add("pp", "", auth.Grant{Role: auth.RolePP, OPDID: f.opd})
	add("ppk", "198001012006041001", auth.Grant{Role: auth.RolePPK, OPDID: f.opd})
	add("ppk2", "198502022010012002", auth.Grant{Role: auth.RolePPK, OPDID: f.opd})
	add("treasurer", "", auth.Grant{Role: auth.RoleTreasurer, OPDID: f.opd})
	add("pp-other", "", auth.Grant{Role: auth.RolePP, OPDID: f.other})
	add("ppk-other", "197001012000031003", auth.Grant{Role: auth.RolePPK, OPDID: f.other})
	add("supplier", "", auth.Grant{Role: auth.RoleSupplier, SupplierID: sup})
	add("koperindag", "", auth.Grant{Role: auth.RoleKoperindag})
	add("admin", "", auth.Grant{Role: auth.RoleAdmin})
	add("auditor", "", auth.Grant{Role: auth.RoleAuditor})
	return f
}

func svcAuth(db *pgxpool.Pool) *auth.Service {
	return auth.NewService(db, "http://lapak.test", slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// as returns a context signed in as the fixture account key.
func (f *fixture) as(key string) context.Context {
	u, ok := f.users[key]
	if !ok {
		panic("no fixture user " + key)
	}
	return auth.WithUser(context.Background(), u, "127.0.0.1")
}

// mustPackage creates a package of DINKES as its PP.
func (f *fixture) mustPackage(t *testing.T, kode string, pagu int64) rup.Package {
	t.Helper()
	p, err := f.svc.CreatePackage(f.as("pp"), rup.Input{KodeRUP: kode, Name: "Belanja paket " + kode, Pagu: fmt.Sprint(pagu),
		FundingSource: "APBD", AccountCode: "5.1.02.01.01.0024", FiscalYear: "2026"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

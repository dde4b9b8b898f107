package rules_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/rules"
	"lapak/internal/rules/rulestest"
	"lapak/internal/wib"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// now is when the fixture's orders are checked: Friday 27 November 2026, 10.00 WIB.
var now = time.Date(2026, 11, 27, 10, 0, 0, 0, wib.Location)

// fixture is a database with reference data, suppliers in every state,
// RUP packages, and a fake ledger of live orders.
type fixture struct {
	db     *pgxpool.Pool
	ledger *rulestest.Ledger
	engine *rules.Engine
	opd    int64 // DINKES
	other  int64
	atk    int64 // category ATK
	mamin  int64 // category makan-minum
	sup    map[string]int64
	pkg    map[string]int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	ctx := context.Background()
	if err := demo.SeedReference(ctx, db); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, ledger: &rulestest.Ledger{}, sup: map[string]int64{}, pkg: map[string]int64{}}
	f.engine = rules.NewEngine(f.ledger)
	scan := func(q string, dst *int64, args ...any) {
		t.Helper()
		if err := db.QueryRow(ctx, q, args...).Scan(dst); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	scan("SELECT id FROM opds WHERE letter_code = 'DINKES'", &f.opd)
	scan("SELECT id FROM opds WHERE letter_code <> 'DINKES' ORDER BY id LIMIT 1", &f.other)
	scan("SELECT id FROM categories WHERE code = 'KAT01'", &f.atk)
	scan("SELECT id FROM categories WHERE code = 'KAT12'", &f.mamin)
	for _, s := range []struct {
		key, name, kec, status, scale, reason string
	}{
		{"ok", "Kopi Sangir Jaya", "13.11.01", "verified", "mikro", ""},
		{"menengah", "CV Sungai Pagu Mandiri", "13.11.02", "verified", "menengah", ""},
		{"draft", "Warung Draf", "13.11.01", "draft", "mikro", ""},
		{"submitted", "Toko Menunggu", "13.11.01", "submitted", "kecil", ""},
		{"suspended", "Toko Beku", "13.11.01", "suspended", "mikro", "NIB tidak aktif"},
		{"besar", "PT Besar Sekali", "13.11.01", "verified", "besar", ""},
		{"noscale", "Usaha Tanpa Skala", "13.11.01", "verified", "", ""},
		{"nowhere", "Usaha Tanpa Alamat", "", "verified", "kecil", ""},
	} {
		var id int64
		scan(`INSERT INTO suppliers (name, kecamatan_code, status, scale, suspended_reason) VALUES ($1, nullif($2, ''), $3, $4, $5) RETURNING id`,
			&id, s.name, s.kec, s.status, s.scale, s.reason)
		f.sup[s.key] = id
	}
	for _, p := range []struct {
		key, kode string
		opd       int64
		pagu      int64
		year      int
		active    bool
	}{
		{"big", "41230001", f.opd, 500_000_000, 2026, true},
		{"small", "41230002", f.opd, 50_000_000, 2026, true},
		{"inactive", "41230003", f.opd, 50_000_000, 2026, false},
		{"lastyear", "41230004", f.opd, 50_000_000, 2025, true},
		{"other", "41230005", f.other, 50_000_000, 2026, true},
	} {
		var id int64
		scan(`INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, fiscal_year, active) VALUES ($1, $2, $3, $4, 'APBD', $5, $6) RETURNING id`,
			&id, p.opd, p.kode, "Paket "+p.key, p.pagu, p.year, p.active)
		f.pkg[p.key] = id
	}
	return f
}

// candidate is an order of DINKES from the eligible supplier on the big
// package: one ATK line of total rupiah.
func (f *fixture) candidate(total int64) rules.Candidate {
	return rules.Candidate{OPDID: f.opd, PackageID: f.pkg["big"], SupplierID: f.sup["ok"], At: now,
		Lines: []rules.Line{{CategoryID: f.atk, Label: "Kertas HVS A4", Total: total}}}
}

func (f *fixture) check(t *testing.T, c rules.Candidate) rules.Outcome {
	t.Helper()
	o, err := f.engine.Check(context.Background(), f.db, c)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func result(t *testing.T, o rules.Outcome, code rules.Code) rules.Result {
	t.Helper()
	r, ok := o.Result(code)
	if !ok {
		t.Fatalf("no result for %s", code)
	}
	return r
}

// as returns a context acting as a user holding role.
func as(role auth.Role) context.Context {
	u := &auth.User{Name: "Pengguna " + string(role), Grants: []auth.Grant{{Role: role}}}
	return auth.WithUser(context.Background(), u, "127.0.0.1")
}

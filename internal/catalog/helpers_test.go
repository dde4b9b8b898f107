package catalog_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/auth"
	"lapak/internal/catalog"
	"lapak/internal/demo"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/supplier"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type fixture struct {
	t   *testing.T
	db  *pgxpool.Pool
	svc *catalog.Service
	sup *supplier.Service
	cat map[string]int64 // category ids by code
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	ctx := context.Background()
	if err := demo.SeedReference(ctx, db); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, svc: catalog.NewService(db), sup: supplier.NewService(db), cat: map[string]int64{}}
	rows, err := db.Query(ctx, `SELECT code, id FROM categories`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			t.Fatal(err)
		}
		f.cat[code] = id
	}
	return f
}

// as returns a context acting as a user holding role (tied to supplierID for suppliers).
func as(role auth.Role, userID, supplierID int64) context.Context {
	u := &auth.User{ID: userID, Name: string(role), Grants: []auth.Grant{{Role: role, SupplierID: supplierID}}}
	return auth.WithUser(context.Background(), u, "127.0.0.1")
}

// visitor is the context of someone not signed in.
var visitor = context.Background()

// mustSupplier adds a supplier with a status, scale and PKP flag, in a kecamatan.
func (f *fixture) mustSupplier(name string, status supplier.Status, scale supplier.Scale, pkp bool, kec string) int64 {
	f.t.Helper()
	ctx := context.Background()
	sp, err := f.sup.CreateSupplier(auth.SystemContext(ctx), supplier.Input{Name: name, KecamatanCode: kec, Status: status})
	if err != nil {
		f.t.Fatal(err)
	}
	// The profile form is the supplier package's business; set what search needs directly.
	if _, err := f.db.Exec(ctx, `UPDATE suppliers SET scale = $2, pkp = $3 WHERE id = $1`, sp.ID, string(scale), pkp); err != nil {
		f.t.Fatal(err)
	}
	return sp.ID
}

// input returns a valid listing form for goods in category code.
func (f *fixture) input(title, price, category string) catalog.ListingInput {
	return catalog.ListingInput{Kind: "goods", Title: title, CategoryID: itoa(f.cat[category]), Unit: "buah", Price: price,
		MinOrder: "1", Stock: "100", LeadTimeDays: "2", ServedAll: true, Origin: "national"}
}

// mustListing creates a listing as the supplier's owner and publishes it.
func (f *fixture) mustListing(supplierID int64, in catalog.ListingInput, publish bool) catalog.Listing {
	f.t.Helper()
	ctx := as(auth.RoleSupplier, 0, supplierID)
	l, err := f.svc.CreateListing(ctx, supplierID, in)
	if err != nil {
		f.t.Fatalf("create %q: %v", in.Title, err)
	}
	if publish {
		if err := f.svc.PublishListing(ctx, l.ID); err != nil {
			f.t.Fatalf("publish %q: %v", in.Title, err)
		}
	}
	return l
}

func itoa(n int64) string {
	const digits = "0123456789"
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{digits[n%10]}, b...)
	}
	return string(b)
}

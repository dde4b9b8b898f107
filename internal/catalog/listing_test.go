package catalog_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/catalog"
	"lapak/internal/supplier"
	"lapak/internal/validate"
)

func TestService_CreateListing_Prices(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.mustSupplier("Toko Sangir Jaya", supplier.StatusVerified, supplier.ScaleMikro, false, "13.11.01")
	ctx := as(auth.RoleSupplier, 0, sup)
	tests := []struct {
		price   string
		want    int64
		message string
	}{
		{"Rp 1.250.000", 1250000, ""},
		{"1250000", 1250000, ""},
		{"1.250.000,00", 1250000, ""},
		{"rp1.250.000,-", 1250000, ""},
		{"", 0, "Harga wajib diisi."},
		{"0", 0, "Harga harus lebih dari Rp0."},
		{"-5.000", 0, "Harga tidak boleh negatif."},
		{"1.250.000,50", 0, "Harga harus dalam rupiah penuh (tanpa sen)."},
		{"Rp 2.000.000.000.000", 0, "Harga terlalu besar (lebih dari Rp1 triliun)."},
		{"seratus ribu", 0, "Harga tidak valid. Contoh: 1.250.000."},
	}
	for _, tc := range tests {
		t.Run(tc.price, func(t *testing.T) {
			l, err := f.svc.CreateListing(ctx, sup, f.input("Kertas HVS A4", tc.price, "KAT03"))
			if tc.message == "" {
				if err != nil {
					t.Fatalf("got error %v", err)
				}
				if l.Price != tc.want {
					t.Errorf("price = %d, want %d", l.Price, tc.want)
				}
				return
			}
			fields, ok := validate.AsErrors(err)
			if !ok {
				t.Fatalf("got %v, want field errors", err)
			}
			if got := fields["price"]; got != tc.message {
				t.Errorf("message %q, want %q", got, tc.message)
			}
		})
	}
}

func TestService_CreateListing_Invalid(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.mustSupplier("Toko Sangir Jaya", supplier.StatusVerified, supplier.ScaleMikro, false, "13.11.01")
	in := catalog.ListingInput{Kind: "barang", Title: "ab", CategoryID: "999999", Unit: "", Price: "5000", MinOrder: "0",
		Stock: "banyak", LeadTimeDays: "400", Served: []string{"99.99.99"}, Origin: "mars", SSHCode: "TIDAK-ADA"}
	_, err := f.svc.CreateListing(as(auth.RoleSupplier, 0, sup), sup, in)
	fields, ok := validate.AsErrors(err)
	if !ok {
		t.Fatalf("got %v, want field errors", err)
	}
	var got []string
	for k := range fields {
		got = append(got, k)
	}
	want := []string{"category_id", "kind", "lead_time_days", "min_order", "origin", "served", "ssh_code", "stock", "title", "unit"}
	if diff := cmp.Diff(sortStrings(got), want); diff != "" {
		t.Errorf("fields with errors (-got +want):\n%s", diff)
	}
}

// HTML in a title is stored as typed; templates escape it (see the HTTP tests).
func TestService_CreateListing_KeepsMarkupAsText(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.mustSupplier("Toko Sangir Jaya", supplier.StatusVerified, supplier.ScaleMikro, false, "13.11.01")
	l := f.mustListing(sup, f.input(`<script>alert("x")</script> Map`, "3000", "KAT01"), false)
	if l.Title != `<script>alert("x")</script> Map` {
		t.Errorf("title = %q", l.Title)
	}
}

func TestService_UpdateListing_VersionConflict(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.mustSupplier("Toko Sangir Jaya", supplier.StatusVerified, supplier.ScaleMikro, false, "13.11.01")
	ctx := as(auth.RoleSupplier, 0, sup)
	l := f.mustListing(sup, f.input("Map plastik", "3000", "KAT01"), false)
	// Two tabs open the form on the same version.
	tab1, tab2 := catalog.InputFrom(l), catalog.InputFrom(l)
	tab1.Price = "3.500"
	saved, err := f.svc.UpdateListing(ctx, l.ID, l.Version, tab1)
	if err != nil {
		t.Fatal(err)
	}
	tab2.Title = "Map plastik kancing"
	_, err = f.svc.UpdateListing(ctx, l.ID, l.Version, tab2)
	if !errors.Is(err, catalog.ErrListingChanged) {
		t.Fatalf("second tab: got %v, want ErrListingChanged", err)
	}
	now, err := f.svc.Listing(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if now.Title != "Map plastik" || now.Price != 3500 || now.Version != saved.Version {
		t.Errorf("after the refused save: %q %d v%d, want the first tab's save", now.Title, now.Price, now.Version)
	}
	// Told, the second tab saves on the new version.
	if _, err := f.svc.UpdateListing(ctx, l.ID, now.Version, tab2); err != nil {
		t.Fatalf("save on the new version: %v", err)
	}
	hist, err := f.svc.PriceHistory(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	var prices []int64
	for _, h := range hist {
		prices = append(prices, h.Price)
	}
	if diff := cmp.Diff(prices, []int64{3000, 3500, 3000}); diff != "" {
		t.Errorf("price history (-got +want):\n%s", diff)
	}
}

func TestService_PublishRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		status supplier.Status
		want   error
	}{
		{supplier.StatusVerified, nil},
		{supplier.StatusDraft, apperr.Forbidden},
		{supplier.StatusSubmitted, apperr.Forbidden},
		{supplier.StatusReturned, apperr.Forbidden},
	}
	for _, tc := range tests {
		t.Run(string(tc.status), func(t *testing.T) {
			sup := f.mustSupplier("Usaha "+string(tc.status), tc.status, supplier.ScaleMikro, false, "13.11.01")
			ctx := as(auth.RoleSupplier, 0, sup)
			l := f.mustListing(sup, f.input("Map plastik", "3000", "KAT01"), false) // a draft is always allowed
			err := f.svc.PublishListing(ctx, l.ID)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("publish: got %v, want %v", err, tc.want)
			}
			got, _ := f.svc.Listing(ctx, l.ID)
			if want := map[bool]catalog.Status{true: catalog.StatusPublished, false: catalog.StatusDraft}[tc.want == nil]; got.Status != want {
				t.Errorf("status %s, want %s", got.Status, want)
			}
		})
	}
}

func TestService_Authorization(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mine := f.mustSupplier("Toko Sangir Jaya", supplier.StatusVerified, supplier.ScaleMikro, false, "13.11.01")
	other := f.mustSupplier("Toko Lain", supplier.StatusVerified, supplier.ScaleMikro, false, "13.11.02")
	l := f.mustListing(mine, f.input("Map plastik", "3000", "KAT01"), true)
	draft := f.mustListing(mine, f.input("Map draf", "3000", "KAT01"), false)
	intruder := as(auth.RoleSupplier, 0, other)
	pp := as(auth.RolePP, 0, 0)
	koperindag := as(auth.RoleKoperindag, 0, 0)
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"another supplier creates for mine", func() error {
			_, err := f.svc.CreateListing(intruder, mine, f.input("X produk", "1", "KAT01"))
			return err
		}(), apperr.Forbidden},
		{"another supplier edits", func() error {
			_, err := f.svc.UpdateListing(intruder, l.ID, l.Version, catalog.InputFrom(l))
			return err
		}(), apperr.Forbidden},
		{"another supplier hides", f.svc.HideListing(intruder, l.ID), apperr.Forbidden},
		{"another supplier publishes", f.svc.PublishListing(intruder, draft.ID), apperr.Forbidden},
		{"another supplier duplicates", func() error { _, err := f.svc.DuplicateListing(intruder, l.ID); return err }(), apperr.Forbidden},
		{"another supplier opens the edit form", func() error { _, err := f.svc.ListingForEdit(intruder, l.ID); return err }(), apperr.Forbidden},
		{"another supplier lists mine", func() error { _, err := f.svc.SupplierListings(intruder, mine); return err }(), apperr.Forbidden},
		{"another supplier downloads mine", func() error { _, err := f.svc.BulkSheet(intruder, mine); return err }(), apperr.Forbidden},
		{"a visitor sees a draft", func() error { _, err := f.svc.Listing(visitor, draft.ID); return err }(), apperr.NotFound},
		{"another supplier sees a draft", func() error { _, err := f.svc.Listing(intruder, draft.ID); return err }(), apperr.NotFound},
		{"a PP takes down", f.svc.TakeDown(pp, l.ID, "Tidak pantas"), apperr.Forbidden},
		{"a supplier takes down", f.svc.TakeDown(intruder, l.ID, "Saingan"), apperr.Forbidden},
		{"Koperindag takes down without a reason", f.svc.TakeDown(koperindag, l.ID, "  "), apperr.Invalid},
		{"a PP edits categories", func() error {
			_, err := f.svc.CreateCategory(pp, catalog.CategoryInput{Code: "KAT99", Name: "X", Kind: "barang"})
			return err
		}(), apperr.Forbidden},
		{"Koperindag imports SSH", func() error {
			_, err := f.svc.PreviewSSHImport(koperindag, "x.csv", nil, catalog.SSHDefaults{})
			return err
		}(), apperr.Forbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, tc.want) {
				if tc.want == apperr.Invalid {
					if _, ok := validate.AsErrors(tc.err); ok {
						return
					}
				}
				t.Errorf("got %v, want %v", tc.err, tc.want)
			}
		})
	}
}

func TestService_TakeDown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.mustSupplier("Toko Sangir Jaya", supplier.StatusVerified, supplier.ScaleMikro, false, "13.11.01")
	owner := as(auth.RoleSupplier, 0, sup)
	l := f.mustListing(sup, f.input("Kopi bubuk palsu", "50000", "KAT17"), true)
	if err := f.svc.TakeDown(as(auth.RoleKoperindag, 0, 0), l.ID, "Label halal tidak sah."); err != nil {
		t.Fatal(err)
	}
	if res, _ := f.svc.Search(visitor, catalog.Query{Text: "kopi"}); len(res.Cards) != 0 {
		t.Errorf("a taken-down listing is still found")
	}
	got, err := f.svc.Listing(owner, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != catalog.StatusTakenDown || got.TakedownReason != "Label halal tidak sah." {
		t.Errorf("the supplier sees %s %q", got.Status, got.TakedownReason)
	}
	if err := f.svc.PublishListing(owner, l.ID); !errors.Is(err, apperr.Conflict) {
		t.Errorf("republishing a taken-down listing: got %v, want Conflict", err)
	}
	if err := f.svc.RestoreListing(as(auth.RoleAdmin, 0, 0), l.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.PublishListing(owner, l.ID); err != nil {
		t.Errorf("publishing after restore: %v", err)
	}
}

func TestService_DuplicateListing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.mustSupplier("Toko Sangir Jaya", supplier.StatusVerified, supplier.ScaleMikro, false, "13.11.01")
	ctx := as(auth.RoleSupplier, 0, sup)
	l := f.mustListing(sup, f.input("Map plastik", "3000", "KAT01"), true)
	d, err := f.svc.DuplicateListing(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.ID == l.ID || d.Status != catalog.StatusDraft || d.Title != "Salinan Map plastik" || d.Price != 3000 || d.SupplierID != sup {
		t.Errorf("copy: %+v", d)
	}
}

func TestSplitPrice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		price       int64
		pkp         bool
		before, ppn int64
	}{
		{111000, true, 100000, 11000},
		{55000, true, 49550, 5450},
		{1, true, 1, 0},
		{55000, false, 55000, 0},
	}
	for _, tc := range tests {
		got := catalog.SplitPrice(tc.price, tc.pkp)
		if got.Before != tc.before || got.PPN != tc.ppn || got.Before+got.PPN != tc.price {
			t.Errorf("SplitPrice(%d, %v) = %+v, want before %d PPN %d", tc.price, tc.pkp, got, tc.before, tc.ppn)
		}
	}
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

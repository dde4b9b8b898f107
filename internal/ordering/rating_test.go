package ordering_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/apperr"
	"lapak/internal/ordering"
	"lapak/internal/validate"
)

// storeRating stores a rating of order id straight into order_ratings, as the
// designated PPK of the fixture: for tests of the averages.
func (f *fixture) storeRating(t *testing.T, id int64, onTime, asDescribed, communication int) {
	t.Helper()
	_, err := f.db.Exec(context.Background(), `INSERT INTO order_ratings (order_id, supplier_id, on_time, as_described, communication, user_id)
		SELECT id, supplier_id, $2, $3, $4, ppk_user_id FROM orders WHERE id = $1`, id, onTime, asDescribed, communication)
	if err != nil {
		t.Fatal(err)
	}
}

func TestRate_OnceByDesignatedPPK(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.Completed)
	in := ordering.RatingInput{OnTime: 5, AsDescribed: 4, Communication: 3, Comment: "Barang sesuai, pengiriman tepat waktu."}
	if err := f.svc.Rate(f.as("ppk"), id, in); err != nil {
		t.Fatal(err)
	}
	d, err := f.svc.Get(f.as("ppk"), id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Rating == nil || d.Rating.OnTime != 5 || d.Rating.AsDescribed != 4 || d.Rating.Communication != 3 ||
		d.Rating.Comment != in.Comment || d.Rating.UserName != "PPK Dinkes" {
		t.Fatalf("rating = %+v", d.Rating)
	}
	if d.Can(ordering.ActRate) {
		t.Error("a rated order still offers rating")
	}
	last := d.Events[len(d.Events)-1]
	if last.Kind != "rate" || last.To != ordering.Completed {
		t.Errorf("last event = %+v, want kind rate staying completed", last)
	}
	var notes int
	if err := f.db.QueryRow(context.Background(), `SELECT count(*) FROM notifications WHERE user_id = $1 AND order_id = $2 AND kind = 'order.rated'`,
		f.users["owner"].ID, id).Scan(&notes); err != nil {
		t.Fatal(err)
	}
	if notes != 1 {
		t.Errorf("supplier owner got %d rating notifications, want 1", notes)
	}

	err = f.svc.Rate(f.as("ppk"), id, in)
	if !errors.Is(err, apperr.Conflict) || apperr.Message(err) != "Pesanan ini sudah dinilai." {
		t.Errorf("second rating: err = %v, want Conflict \"Pesanan ini sudah dinilai.\"", err)
	}
}

func TestRate_Refused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	completed := f.insertOrder(t, ordering.Completed)
	processing := f.insertOrder(t, ordering.Processing)
	good := ordering.RatingInput{OnTime: 4, AsDescribed: 4, Communication: 4}
	for _, tc := range []struct {
		name  string
		user  string
		order int64
		want  *apperr.Kind
	}{
		{"a PP of the OPD may not rate", "pp", completed, apperr.Forbidden},
		{"another PPK of the OPD may not rate", "ppk2", completed, apperr.Forbidden},
		{"the supplier may not rate itself", "owner", completed, apperr.Forbidden},
		{"another OPD does not see the order", "other_ppk", completed, apperr.NotFound},
		{"an order still processing cannot be rated", "ppk", processing, apperr.Conflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := f.svc.Rate(f.as(tc.user), tc.order, good)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	var n int
	if err := f.db.QueryRow(context.Background(), `SELECT count(*) FROM order_ratings`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d ratings stored by refused attempts", n)
	}
}

func TestRate_ScoresOneToFiveAndShortComment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.Completed)
	err := f.svc.Rate(f.as("ppk"), id, ordering.RatingInput{OnTime: 0, AsDescribed: 6, Communication: 3, Comment: strings.Repeat("a", 1001)})
	fields, ok := validate.AsErrors(err)
	if !ok {
		t.Fatalf("err = %v, want validate.Errors", err)
	}
	for _, field := range []string{"on_time", "as_described", "comment"} {
		if !fields.Has(field) {
			t.Errorf("no message for %s: %v", field, fields)
		}
	}
	if fields.Has("communication") {
		t.Errorf("a valid score is refused: %v", fields)
	}
	// A comment of exactly 1000 characters (not bytes) is accepted.
	if err := f.svc.Rate(f.as("ppk"), id, ordering.RatingInput{OnTime: 1, AsDescribed: 1, Communication: 1, Comment: strings.Repeat("é", 1000)}); err != nil {
		t.Fatal(err)
	}
}

func TestSupplierRating_Averages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	kopi := f.insertOrder(t, ordering.Completed, line{"kopi", 1})
	kertas := f.insertOrder(t, ordering.Completed, line{"kertas", 1})
	f.insertOrder(t, ordering.Completed, line{"kopi", 3}) // not rated
	f.storeRating(t, kopi, 5, 4, 3)
	f.storeRating(t, kertas, 4, 4, 5)

	approx := cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })
	got, err := ordering.SupplierRating(ctx, f.db, f.sup["ok"])
	if err != nil {
		t.Fatal(err)
	}
	want := ordering.RatingSummary{Count: 2, OnTime: 4.5, AsDescribed: 4, Communication: 4, Overall: 12.5 / 3}
	if diff := cmp.Diff(got, want, approx); diff != "" {
		t.Errorf("supplier rating (-got +want):\n%s", diff)
	}

	got, err = ordering.ListingRating(ctx, f.db, f.listing["kopi"])
	if err != nil {
		t.Fatal(err)
	}
	want = ordering.RatingSummary{Count: 1, OnTime: 5, AsDescribed: 4, Communication: 3, Overall: 4}
	if diff := cmp.Diff(got, want, approx); diff != "" {
		t.Errorf("listing rating counts only orders with the listing (-got +want):\n%s", diff)
	}

	got, err = ordering.SupplierRating(ctx, f.db, f.sup["pkp"])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, ordering.RatingSummary{}); diff != "" {
		t.Errorf("a supplier without ratings is not the zero summary (-got +want):\n%s", diff)
	}

	all, err := ordering.SupplierRatings(ctx, f.db, []int64{f.sup["ok"], f.sup["pkp"]})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[f.sup["ok"]].Count != 2 || all[f.sup["pkp"]].Count != 0 {
		t.Errorf("supplier ratings = %+v, want only the rated supplier", all)
	}
}

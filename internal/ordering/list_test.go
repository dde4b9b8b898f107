package ordering_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/apperr"
	"lapak/internal/ordering"
)

// moveOrder gives order id to the other OPD (on its package) or to the PKP
// supplier, as the keys say: insertOrder only makes DINKES orders of the
// non-PKP supplier.
func (f *fixture) moveOrder(t *testing.T, id int64, otherOPD, pkpSupplier bool) {
	t.Helper()
	if otherOPD {
		f.exec(t, `UPDATE orders SET opd_id = $2, rup_package_id = $3, buyer_user_id = $4, ppk_user_id = $5 WHERE id = $1`,
			id, f.otherOPD, f.pkg["other"], f.users["other_pp"].ID, f.users["other_ppk"].ID)
	}
	if pkpSupplier {
		f.exec(t, `UPDATE orders SET supplier_id = $2 WHERE id = $1`, id, f.sup["pkp"])
	}
}

// setPlacedAt sets when order id was placed.
func (f *fixture) setPlacedAt(t *testing.T, id int64, at time.Time) {
	t.Helper()
	f.exec(t, `UPDATE orders SET placed_at = $2 WHERE id = $1`, id, at)
}

func summaryIDs(list []ordering.Summary) []int64 {
	out := []int64{}
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

func TestList_ScopeFollowsWhoAsks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dinkes := f.insertOrder(t, ordering.Processing)
	dinkesPKP := f.insertOrder(t, ordering.Negotiating)
	f.moveOrder(t, dinkesPKP, false, true)
	other := f.insertOrder(t, ordering.AwaitingPPK)
	f.moveOrder(t, other, true, false)
	f.setPlacedAt(t, dinkes, now.Add(-3*time.Hour))
	f.setPlacedAt(t, dinkesPKP, now.Add(-2*time.Hour))
	f.setPlacedAt(t, other, now.Add(-time.Hour))

	for _, tc := range []struct {
		user  string
		scope string
		want  []int64
	}{
		{"pp", ordering.ScopeOPD, []int64{dinkesPKP, dinkes}},
		{"treasurer", ordering.ScopeOPD, []int64{dinkesPKP, dinkes}},
		{"other_ppk", ordering.ScopeOPD, []int64{other}},
		{"owner", ordering.ScopeSupplier, []int64{other, dinkes}},
		{"pkp_owner", ordering.ScopeSupplier, []int64{dinkesPKP}}, // negotiating orders included: suppliers negotiate
		{"auditor", ordering.ScopeAll, []int64{other, dinkesPKP, dinkes}},
	} {
		t.Run(tc.user, func(t *testing.T) {
			page, err := f.svc.List(f.as(tc.user), ordering.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(summaryIDs(page.Orders), tc.want); diff != "" {
				t.Errorf("orders newest first (-got +want):\n%s", diff)
			}
			if page.Scope != tc.scope || page.Total != len(tc.want) || page.Page != 1 || page.Pages != 1 {
				t.Errorf("page = scope %q, total %d, page %d of %d", page.Scope, page.Total, page.Page, page.Pages)
			}
		})
	}

	if _, err := f.svc.List(f.as("koperindag"), ordering.Filter{}); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("Koperindag: err = %v, want Forbidden", err)
	}
	if _, err := f.svc.List(f.as("pp"), ordering.Filter{State: "lost"}); !errors.Is(err, apperr.Invalid) {
		t.Errorf("unknown state: err = %v, want Invalid", err)
	}
}

func TestList_SummaryShowsNamesAndRUP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.insertOrder(t, ordering.AwaitingSupplier)
	f.exec(t, `UPDATE orders SET deadline_at = $2, flagged = true WHERE id = $1`, id, now.Add(72*time.Hour))
	page, err := f.svc.List(f.as("ppk"), ordering.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Orders) != 1 {
		t.Fatalf("orders = %+v", page.Orders)
	}
	got := page.Orders[0]
	if got.ID != id || got.State != ordering.AwaitingSupplier || got.SPNumber == "" || got.OPDName == "" ||
		got.SupplierName != "Kopi Sangir Jaya" || got.KodeRUP != "51230001" || got.PackageName != "Belanja paket big" ||
		got.Total != 740_000 || !got.PlacedAt.Equal(now) || got.Deadline == nil || !got.Flagged {
		t.Errorf("summary = %+v", got)
	}
}

func TestList_CountsPerStateAndStateFilter(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, st := range []ordering.State{ordering.Processing, ordering.Processing, ordering.Completed, ordering.Cancelled} {
		f.insertOrder(t, st)
	}
	other := f.insertOrder(t, ordering.Processing)
	f.moveOrder(t, other, true, false) // not in DINKES's counts

	page, err := f.svc.List(f.as("pp"), ordering.Filter{State: ordering.Processing})
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := map[ordering.State]int{ordering.Processing: 2, ordering.Completed: 1, ordering.Cancelled: 1}
	if diff := cmp.Diff(page.Counts, wantCounts); diff != "" {
		t.Errorf("counts (-got +want):\n%s", diff)
	}
	if page.Total != 2 || len(page.Orders) != 2 {
		t.Errorf("processing tab: total %d, %d orders; want 2", page.Total, len(page.Orders))
	}
	for _, o := range page.Orders {
		if o.State != ordering.Processing {
			t.Errorf("order %d in state %s on the processing tab", o.ID, o.State)
		}
	}
}

func TestList_QueryMatchesSPSupplierOrKodeRUP(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mine := f.insertOrder(t, ordering.Processing)
	f.exec(t, `UPDATE orders SET sp_number = '027/SP/DINKES/XI/2026' WHERE id = $1`, mine)
	pkp := f.insertOrder(t, ordering.AwaitingPPK)
	f.moveOrder(t, pkp, false, true)
	other := f.insertOrder(t, ordering.AwaitingPPK)
	f.moveOrder(t, other, true, false)

	for _, tc := range []struct {
		name, user, query string
		want              []int64
	}{
		{"SP number, any case", "auditor", "027/sp/dinkes", []int64{mine}},
		{"supplier name", "auditor", "sungai pagu", []int64{pkp}},
		{"Kode RUP", "auditor", "51230001", []int64{pkp, mine}},
		{"Kode RUP of another OPD's package, for that OPD", "auditor", "51230003", []int64{other}},
		{"Kode RUP of another OPD's package stays out of scope", "pp", "51230003", []int64{}},
		{"spaces around are ignored", "auditor", "  Sungai  ", []int64{pkp}},
		{"a percent sign is not a wildcard", "auditor", "%", []int64{}},
		{"an underscore is not a wildcard", "auditor", "5123000_", []int64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, err := f.svc.List(f.as(tc.user), ordering.Filter{Query: tc.query})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(summaryIDs(page.Orders), tc.want); diff != "" {
				t.Errorf("orders (-got +want):\n%s", diff)
			}
			if page.Total != len(tc.want) {
				t.Errorf("total = %d, want %d", page.Total, len(tc.want))
			}
		})
	}
}

func TestList_Pagination(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var made []int64
	for i := range 30 {
		id := f.insertOrder(t, ordering.Completed, line{"kertas", 1})
		f.setPlacedAt(t, id, now.Add(-time.Duration(i)*time.Minute))
		made = append(made, id) // newest first
	}
	for _, tc := range []struct {
		name     string
		page     int
		wantPage int
		want     []int64
	}{
		{"first page", 1, 1, made[:25]},
		{"no page means the first", 0, 1, made[:25]},
		{"last page", 2, 2, made[25:]},
		{"past the end shows the last page", 9, 2, made[25:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page, err := f.svc.List(f.as("ppk"), ordering.Filter{Page: tc.page})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 30 || page.Pages != 2 || page.Page != tc.wantPage {
				t.Errorf("total %d, page %d of %d; want 30, %d of 2", page.Total, page.Page, page.Pages, tc.wantPage)
			}
			if diff := cmp.Diff(summaryIDs(page.Orders), tc.want); diff != "" {
				t.Errorf("orders (-got +want):\n%s", diff)
			}
		})
	}
}

func TestWaiting_CountsWhatAwaitsTheUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.insertOrder(t, ordering.AwaitingPPK)      // PPK signs
	f.insertOrder(t, ordering.Received)         // PPK signs the BAST
	f.insertOrder(t, ordering.Shipped)          // PPK or PP inspects
	f.insertOrder(t, ordering.AwaitingSupplier) // supplier answers
	f.insertOrder(t, ordering.Processing)       // supplier ships
	f.insertOrder(t, ordering.Negotiating)      // supplier's turn
	invoiced := f.insertOrder(t, ordering.AwaitingPayment)
	f.exec(t, `UPDATE orders SET invoiced_at = $2 WHERE id = $1`, invoiced, now) // treasurer pays
	f.insertOrder(t, ordering.AwaitingPayment)                                   // supplier invoices
	f.insertOrder(t, ordering.Completed)                                         // waits on no one
	otherPPK := f.insertOrder(t, ordering.AwaitingPPK)
	f.exec(t, `UPDATE orders SET ppk_user_id = $2 WHERE id = $1`, otherPPK, f.users["ppk2"].ID)

	for _, tc := range []struct {
		user string
		want int
	}{
		{"ppk", 3},       // awaiting_ppk, received, shipped (not ppk2's order)
		{"ppk2", 1},      // the order naming them
		{"pp", 1},        // the shipment to inspect
		{"treasurer", 1}, // the invoiced order
		{"owner", 4},     // awaiting_supplier, processing, negotiating on its turn, the invoice to send
		{"pkp_owner", 0},
		{"auditor", 0},
	} {
		t.Run(tc.user, func(t *testing.T) {
			got, err := f.svc.Waiting(f.as(tc.user))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("waiting = %d, want %d", got, tc.want)
			}
		})
	}
}

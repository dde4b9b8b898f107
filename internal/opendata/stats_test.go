package opendata_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/opendata"
	"lapak/internal/wib"
)

// TestSummary_CountsPaidOrdersByWhatWasReceived checks the transparency
// totals: paid orders only (the open and cancelled ones are not), valued at
// what the BAST says was received (incl. PPN), by OPD, kecamatan of the
// supplier and category, as the reporting rollups hold them.
func TestSummary_CountsPaidOrdersByWhatWasReceived(t *testing.T) {
	t.Parallel()
	db, seed := seeded(t)
	svc := opendata.NewService(db, site)
	ctx := context.Background()

	all, err := svc.Summary(ctx, opendata.StatsFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// other_year 200.000 + plain 740.000 + negotiated 31.635.000 + partial 2.100.000 (of 2.600.000) + services 3.620.000
	if all.Orders != 5 || all.Value != 38_295_000 || all.Suppliers != 2 {
		t.Errorf("all years: %d orders, %d, %d suppliers; want 5, 38.295.000, 2", all.Orders, all.Value, all.Suppliers)
	}
	y, err := svc.Summary(ctx, opendata.StatsFilter{Year: 2026, OPDID: seed.OPD})
	if err != nil {
		t.Fatal(err)
	}
	if y.Orders != 4 || y.Value != 38_095_000 {
		t.Errorf("2026 DINKES: %d orders, %d; want 4, 38.095.000", y.Orders, y.Value)
	}
	groups := func(gs []opendata.Group) []string {
		var out []string
		for _, g := range gs {
			out = append(out, fmt.Sprintf("%s:%d:%d", g.Label, g.Orders, g.Value))
		}
		return out
	}
	if diff := cmp.Diff(groups(y.ByKecamatan), []string{"Sungai Pagu:1:31635000", "Sangir:3:6460000"}); diff != "" {
		t.Errorf("by kecamatan (-got +want):\n%s", diff)
	}
	// Lines: laptop 31.635.000 (ATK); kertas 500.000 + 1.500.000 received (SSH-linked, ATK);
	// kopi 240.000 + 600.000 + 120.000 and catering 3.500.000 (makan-minum).
	var cats []string
	for _, g := range y.ByCategory {
		cats = append(cats, fmt.Sprintf("%d:%d", g.Orders, g.Value))
	}
	if diff := cmp.Diff(cats, []string{"3:33635000", "3:4460000"}); diff != "" {
		t.Errorf("by category (-got +want):\n%s", diff)
	}
	if len(y.ByOPD) != 1 || y.ByOPD[0].Key != fmt.Sprint(seed.OPD) {
		t.Errorf("by OPD %v", y.ByOPD)
	}
	none, err := svc.Summary(ctx, opendata.StatsFilter{Year: 2021})
	if err != nil || none.Orders != 0 || none.Value != 0 || len(none.ByOPD) != 0 {
		t.Errorf("empty year: %+v, %v", none, err)
	}
}

// TestOrders_PublicList lists completed orders last paid first, paged,
// with the items summarised and no people; the open and cancelled orders
// are not listed.
func TestOrders_PublicList(t *testing.T) {
	t.Parallel()
	db, seed := seeded(t)
	svc := opendata.NewService(db, site)
	list, err := svc.Orders(context.Background(), opendata.StatsFilter{Year: 2026, Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Orders) != 4 || list.More {
		t.Fatalf("list of %d, more %v; want the 4 completed in 2026 and no more", len(list.Orders), list.More)
	}
	first := list.Orders[0]
	if first.ID != seed.Orders["services"] || first.OCID != site.OCID(first.ID) || first.Supplier != "Kopi Sangir Jaya" || first.Kecamatan != "Sangir" {
		t.Errorf("first %+v, want the services order (paid last)", first)
	}
	if first.Items != "Nasi kotak rapat (100 kotak); Kopi Arabika Sangir 1 kg (1 kg)" || first.MoreItems != 0 || first.Value != 3_620_000 {
		t.Errorf("items %q (+%d), value %d", first.Items, first.MoreItems, first.Value)
	}
	if got := wib.ISODate(first.CompletedAt) + " " + first.PaidOn.Format(time.DateOnly); got != "2026-11-23 2026-11-20" {
		t.Errorf("completed and paid %s, want 2026-11-23 2026-11-20", got)
	}
	for _, o := range list.Orders {
		if strings.Contains(o.Items+o.OPD+o.Supplier, "Siti") {
			t.Errorf("personal name in %+v", o)
		}
	}
	page2, err := svc.Orders(context.Background(), opendata.StatsFilter{Year: 2026, Page: 2})
	if err != nil || len(page2.Orders) != 0 || page2.Page != 2 {
		t.Errorf("page 2: %+v, %v", page2, err)
	}
}

// TestYears runs from the first completion to now, newest first.
func TestYears(t *testing.T) {
	t.Parallel()
	db, _ := seeded(t)
	got, err := opendata.NewService(db, site).Years(context.Background(), time.Date(2027, 2, 1, 0, 0, 0, 0, wib.Location))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, []int{2027, 2026, 2025}); diff != "" {
		t.Errorf("years (-got +want):\n%s", diff)
	}
}

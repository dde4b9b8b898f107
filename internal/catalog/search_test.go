package catalog_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/catalog"
	"lapak/internal/supplier"
)

// searchFixture is a small catalog: two verified suppliers in different
// kecamatan, one small (kecil), with listings whose titles test stemming,
// typos and filters.
type searchFixture struct {
	*fixture
	a, b int64            // suppliers
	id   map[string]int64 // listing ids by short name
}

func newSearchFixture(t *testing.T) *searchFixture {
	t.Helper()
	f := &searchFixture{fixture: newFixture(t), id: map[string]int64{}}
	f.a = f.mustSupplier("Toko Sangir Jaya", supplier.StatusVerified, supplier.ScaleMikro, true, "13.11.01")
	f.b = f.mustSupplier("Kopi Pagu Saiyo", supplier.StatusVerified, supplier.ScaleKecil, false, "13.11.02")
	ctx := context.Background()
	sys := auth.SystemContext(ctx)
	for _, it := range []catalog.SSHItem{
		{Code: "SSH-KERTAS-A4", Description: "Kertas HVS A4 70 gram", Unit: "rim", Ceiling: 60000, Year: 2026},
		{Code: "SSH-KERTAS-F4", Description: "Kertas HVS F4 80 gram", Unit: "rim", Ceiling: 60000, Year: 2026},
	} {
		if _, err := catalog.InsertSSHItem(sys, f.db, it); err != nil {
			t.Fatal(err)
		}
	}
	add := func(name string, sup int64, in catalog.ListingInput) {
		f.id[name] = f.mustListing(sup, in, true).ID
	}
	hvs := f.input("Kertas HVS A4 70 gram Sinar Dunia", "Rp 55.000", "KAT03")
	hvs.Unit, hvs.SSHCode = "rim", "ssh-kertas-a4"
	add("hvs-a4", f.a, hvs)
	f4 := f.input("Kertas HVS F4 80 gram", "62.000", "KAT03")
	f4.Unit, f4.SSHCode, f4.ServedAll, f4.Served = "rim", "SSH-KERTAS-F4", false, []string{"13.11.02"}
	add("hvs-f4", f.a, f4)
	add("map", f.a, f.input("Map plastik kancing", "3000", "KAT01"))
	add("penggaris", f.a, f.input("Penggaris mika 40 cm", "7.500", "KAT01"))
	add("pembersih", f.a, f.input("Pembersih lantai wangi 800 ml", "18000", "KAT04"))
	kopi := f.input("Kopi bubuk robusta Solok Selatan", "120.000", "KAT17")
	kopi.Origin, kopi.Unit = "local", "kg"
	add("kopi", f.b, kopi)
	nasi := f.input("Nasi kotak rapat lauk ayam", "30.000", "KAT12")
	nasi.Kind, nasi.Unit = "services", "orang/kali"
	add("nasi", f.b, nasi)
	tenda := f.input("Sewa tenda 4 x 6 meter", "450.000", "KAT16")
	tenda.Kind, tenda.Unit = "services", "unit/hari"
	add("tenda", f.b, tenda)
	// A draft and a hidden listing are never found.
	f.mustListing(f.a, f.input("Kertas karton draf", "9000", "KAT03"), false)
	hidden := f.mustListing(f.a, f.input("Kertas origami tersembunyi", "8000", "KAT03"), true)
	if err := f.svc.HideListing(as(auth.RoleSupplier, 0, f.a), hidden.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

// names returns the short names of the results, in order.
func (f *searchFixture) names(res catalog.Results) []string {
	byID := map[int64]string{}
	for n, id := range f.id {
		byID[id] = n
	}
	var out []string
	for _, c := range res.Cards {
		out = append(out, byID[c.ID])
	}
	return out
}

func (f *searchFixture) search(q catalog.Query) catalog.Results {
	f.t.Helper()
	res, err := f.svc.Search(visitor, q)
	if err != nil {
		f.t.Fatalf("search %+v: %v", q, err)
	}
	return res
}

func TestSearch_Words(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	tests := []struct {
		name      string
		q         string
		want      []string // in order; results with equal rank are ordered by newest first
		sorted    bool     // compare as sets
		corrected string
		relaxed   bool
	}{
		{name: "plain word", q: "kertas", want: []string{"hvs-f4", "hvs-a4"}, sorted: true},
		{name: "stemming and stopwords: pembelian kertas", q: "pembelian kertas", want: []string{"hvs-f4", "hvs-a4"}, sorted: true},
		{name: "stemming: garis finds penggaris", q: "garis", want: []string{"penggaris"}},
		{name: "stemming: pembersihan finds pembersih", q: "pembersihan lantai", want: []string{"pembersih"}},
		{name: "suffix -nya", q: "kopinya", want: []string{"kopi"}},
		{name: "capitals and punctuation", q: "KERTAS, HVS!!", want: []string{"hvs-f4", "hvs-a4"}, sorted: true},
		{name: "typo in a word", q: "kerta hvs", want: []string{"hvs-f4", "hvs-a4"}, sorted: true, corrected: "kertas hvs"},
		{name: "typo: penggaris", q: "pengaris mika", want: []string{"penggaris"}, corrected: "penggaris mika"},
		{name: "words glued together", q: "kertas hvs a4 80gram", want: []string{"hvs-a4", "hvs-f4", "tenda"}, relaxed: true},
		{name: "last word still being typed", q: "sinar dun", want: []string{"hvs-a4"}},
		{name: "start of a word", q: "pemb", want: []string{"pembersih"}},
		{name: "category name", q: "mamin", want: []string{"nasi"}},
		{name: "SSH description", q: "70 gram", want: []string{"hvs-a4"}},
		{name: "some words unknown", q: "kertas xyzzyq", want: []string{"hvs-f4", "hvs-a4"}, sorted: true, relaxed: true},
		{name: "nothing like it", q: "helikopter", want: nil},
		{name: "draft and hidden are not found", q: "karton origami", want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := f.search(catalog.Query{Text: tc.q})
			got := f.names(res)
			want := tc.want
			if tc.sorted {
				got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
			}
			if tc.name == "words glued together" && len(got) == 3 {
				// Both papers have five of the six words; their order is a tie.
				got = append(slices.Sorted(slices.Values(got[:2])), got[2])
			}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("results (-got +want):\n%s", diff)
			}
			if res.Corrected != tc.corrected {
				t.Errorf("corrected = %q, want %q", res.Corrected, tc.corrected)
			}
			if res.Relaxed != tc.relaxed {
				t.Errorf("relaxed = %v, want %v", res.Relaxed, tc.relaxed)
			}
			if res.Total != len(tc.want) {
				t.Errorf("total = %d, want %d", res.Total, len(tc.want))
			}
		})
	}
}

func TestSearch_Filters(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	tests := []struct {
		name string
		q    catalog.Query
		want []string // by price, cheapest first
	}{
		{"kecamatan served", catalog.Query{Text: "kertas", Kecamatan: "13.11.01"}, []string{"hvs-a4"}},
		{"kecamatan served, the other", catalog.Query{Text: "kertas", Kecamatan: "13.11.02"}, []string{"hvs-a4", "hvs-f4"}},
		{"price range", catalog.Query{MinPrice: 5000, MaxPrice: 60000}, []string{"penggaris", "pembersih", "nasi", "hvs-a4"}},
		{"supplier scale", catalog.Query{Scale: supplier.ScaleKecil}, []string{"nasi", "kopi", "tenda"}},
		{"local products", catalog.Query{LocalOnly: true}, []string{"kopi"}},
		{"within SSH ceiling", catalog.Query{SSHOnly: true}, []string{"hvs-a4"}},
		{"category", catalog.Query{CategoryID: f.cat["KAT01"]}, []string{"map", "penggaris"}},
		{"category and words", catalog.Query{CategoryID: f.cat["KAT03"], Text: "hvs"}, []string{"hvs-a4", "hvs-f4"}},
		{"filters with no match", catalog.Query{LocalOnly: true, Text: "kertas"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Sort = catalog.SortPriceAsc
			if diff := cmp.Diff(f.names(f.search(tc.q)), tc.want); diff != "" {
				t.Errorf("results (-got +want):\n%s", diff)
			}
		})
	}
}

func TestSearch_Facets(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	res := f.search(catalog.Query{Text: "kertas"})
	count := func(values []catalog.FacetValue, value string) int {
		for _, v := range values {
			if v.Value == value {
				return v.Count
			}
		}
		return 0
	}
	got := map[string]int{
		"Kertas & cover": count(res.Facets.Categories, itoa(f.cat["KAT03"])),
		"ATK":            count(res.Facets.Categories, itoa(f.cat["KAT01"])),
		"Sangir":         count(res.Facets.Kecamatan, "13.11.01"),
		"Sungai Pagu":    count(res.Facets.Kecamatan, "13.11.02"),
		"mikro":          count(res.Facets.Scales, "mikro"),
		"kecil":          count(res.Facets.Scales, "kecil"),
		"local":          res.Facets.Local,
		"ssh":            res.Facets.SSH,
	}
	want := map[string]int{"Kertas & cover": 2, "ATK": 0, "Sangir": 1, "Sungai Pagu": 2, "mikro": 2, "kecil": 0, "local": 0, "ssh": 1}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("facet counts (-got +want):\n%s", diff)
	}
}

func TestSearch_SortAndPages(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	byPrice := []string{"map", "penggaris", "pembersih", "nasi", "hvs-a4", "hvs-f4", "kopi", "tenda"}
	newest := []string{"tenda", "nasi", "kopi", "pembersih", "penggaris", "map", "hvs-f4", "hvs-a4"}
	tests := []struct {
		sort catalog.Sort
		want []string
	}{
		{catalog.SortPriceAsc, byPrice},
		{catalog.SortPriceDesc, reversed(byPrice)},
		{catalog.SortNewest, newest},
		{catalog.SortRelevance, newest}, // without words, relevance is newest first
	}
	for _, tc := range tests {
		t.Run(string(tc.sort), func(t *testing.T) {
			var got []string
			q := catalog.Query{Sort: tc.sort, Limit: 3}
			for page := 1; ; page++ {
				res := f.search(q)
				if len(res.Cards) > 3 {
					t.Fatalf("page %d has %d results, want at most 3", page, len(res.Cards))
				}
				got = append(got, f.names(res)...)
				if res.Next == "" {
					break
				}
				if page > 5 {
					t.Fatal("pages never end")
				}
				q.After = res.Next
			}
			if diff := cmp.Diff(got, tc.want); diff != "" {
				t.Errorf("all pages (-got +want):\n%s", diff)
			}
		})
	}
	t.Run("relevance pages", func(t *testing.T) {
		q := catalog.Query{Text: "kertas hvs gram", Limit: 1}
		first := f.search(q)
		q.After = first.Next
		second := f.search(q)
		got := slices.Sorted(slices.Values(append(f.names(first), f.names(second)...)))
		if diff := cmp.Diff(got, []string{"hvs-a4", "hvs-f4"}); diff != "" || second.Next != "" {
			t.Errorf("pages (-got +want):\n%s\nsecond page cursor %q, want none", diff, second.Next)
		}
	})
	t.Run("a forged cursor gives the first page", func(t *testing.T) {
		res := f.search(catalog.Query{Sort: catalog.SortPriceAsc, After: "p'; DROP TABLE listings; --", Limit: 2})
		if diff := cmp.Diff(f.names(res), byPrice[:2]); diff != "" {
			t.Errorf("(-got +want):\n%s", diff)
		}
	})
}

func TestSearch_OddQueries(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	all := []string{"tenda", "nasi", "kopi", "pembersih", "penggaris", "map", "hvs-f4", "hvs-a4"}
	tests := []struct {
		name    string
		q       string
		want    []string
		cut     bool
		ignored bool
	}{
		{name: "empty", q: "", want: all},
		{name: "spaces", q: "    ", want: all},
		{name: "punctuation only", q: "!!! ??? ... ---", want: all, ignored: true},
		{name: "stopwords only", q: "yang dan untuk", want: all, ignored: true},
		{name: "over 200 characters", q: strings.Repeat("kopi ", 60), want: []string{"kopi"}, cut: true},
		{name: "one very long word", q: strings.Repeat("x", 5000), want: nil, cut: true},
		{name: "SQL and tsquery syntax", q: "kertas' & !(hvs | :*) ; DROP TABLE listings", want: []string{"hvs-f4", "hvs-a4"}},
		{name: "HTML", q: "<script>alert(1)</script> kopi", want: []string{"kopi"}},
		{name: "not UTF-8", q: "kopi \xff\xfe", want: []string{"kopi"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := f.search(catalog.Query{Text: tc.q})
			got, want := f.names(res), tc.want
			if tc.name == "SQL and tsquery syntax" {
				got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
			}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("results (-got +want):\n%s", diff)
			}
			if res.Cut != tc.cut || res.Ignored != tc.ignored {
				t.Errorf("cut = %v, ignored = %v; want %v, %v", res.Cut, res.Ignored, tc.cut, tc.ignored)
			}
		})
	}
}

// A suspended supplier's listings leave search at once, even for queries
// whose results were cached a moment before.
func TestSearch_SuspendedSupplierVanishes(t *testing.T) {
	t.Parallel()
	f := newSearchFixture(t)
	before := f.names(f.search(catalog.Query{Text: "kopi nasi tenda"}))
	if len(before) != 3 {
		t.Fatalf("before suspension got %v", before)
	}
	sp, err := f.sup.Supplier(auth.SystemContext(context.Background()), f.b)
	if err != nil {
		t.Fatal(err)
	}
	reviewer := as(auth.RoleKoperindag, 0, 0)
	if err := f.sup.Decide(reviewer, f.b, sp.Version, supplier.DecisionSuspend, "Izin usaha dicabut."); err != nil {
		t.Fatal(err)
	}
	for _, q := range []catalog.Query{{Text: "kopi nasi tenda"}, {Text: "kopi"}, {Sort: catalog.SortPriceAsc}, {Scale: supplier.ScaleKecil}} {
		for _, name := range f.names(f.search(q)) {
			if name == "kopi" || name == "nasi" || name == "tenda" {
				t.Errorf("search %+v still shows %s of the suspended supplier", q, name)
			}
		}
	}
	if _, err := f.svc.Listing(visitor, f.id["kopi"]); !isNotFound(err) {
		t.Errorf("listing page of a suspended supplier: got %v, want NotFound", err)
	}
	// Reinstated, it is back.
	sp, _ = f.sup.Supplier(auth.SystemContext(context.Background()), f.b)
	if err := f.sup.Decide(reviewer, f.b, sp.Version, supplier.DecisionReinstate, "Izin sudah diperbarui."); err != nil {
		t.Fatal(err)
	}
	if got := f.names(f.search(catalog.Query{Text: "robusta"})); !slices.Equal(got, []string{"kopi"}) {
		t.Errorf("after reinstatement got %v", got)
	}
}

// The stopwords in Go and in the database are the same list, and Go
// normalizes text as the database does.
func TestWords_MatchDatabase(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var sqlStop []string
	if err := f.db.QueryRow(context.Background(), `SELECT catalog_stopwords()`).Scan(&sqlStop); err != nil {
		t.Fatal(err)
	}
	for _, w := range sqlStop {
		if !catalog.Stopword(w) {
			t.Errorf("%q is a stopword in the database only", w)
		}
	}
	words, _ := catalog.Words(strings.Join(sqlStop, " "))
	if len(words) != 0 {
		t.Errorf("Words of the stopwords = %v, want none", words)
	}
	for _, s := range []string{"Kertas HVS A4 80gram", "u/ kertas/kain", "HD-50 ab12cd", "Rp1.250.000,-", "  É café ",
		"oleh-oleh KHAS Solok", "0,5 x 10", "ÀÉÎ ñ ß ø", "tab\there\nnewline"} {
		var sql string
		if err := f.db.QueryRow(context.Background(), `SELECT catalog_normalize($1)`, s).Scan(&sql); err != nil {
			t.Fatal(err)
		}
		if got, want := catalog.Normalize(s), strings.Fields(sql); !slices.Equal(got, want) {
			t.Errorf("Normalize(%q) = %q, database gives %q", s, got, want)
		}
	}
}

func isNotFound(err error) bool { return errors.Is(err, apperr.NotFound) }

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

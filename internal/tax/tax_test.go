package tax_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"lapak/internal/apperr"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/tax"
	"lapak/internal/wib"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// rates2026 are the rates the seed puts in force from 1 January 2025.
var rates2026 = tax.Rates{
	PPN:       tax.Rate{Code: tax.CodePPN, Num: 12, Den: 100},
	PPNDPP:    tax.Rate{Code: tax.CodePPNDPP, Num: 11, Den: 12},
	PPh22:     tax.Rate{Code: tax.CodePPh22, Num: 15, Den: 1000},
	PPh23:     tax.Rate{Code: tax.CodePPh23, Num: 2, Den: 100},
	PP55:      tax.Rate{Code: tax.CodePP55, Num: 5, Den: 1000},
	Threshold: tax.Rate{Code: tax.CodeThreshold, Num: 2_000_000, Den: 1},
}

// totals is the part of a Breakdown the worked examples state.
type totals struct {
	Gross, DPP, DPPNilaiLain, PPN, PPNCollected, PPh22, PPh23, PP55, Withheld, Net int64
	BelowThreshold                                                                 bool
}

func totalsOf(b tax.Breakdown) totals {
	return totals{b.Gross, b.DPP, b.DPPNilaiLain, b.PPN, b.PPNCollected, b.PPh22, b.PPh23, b.PP55, b.Withheld, b.Net, b.BelowThreshold}
}

var (
	pkp    = tax.Supplier{PKP: true}
	nonPKP = tax.Supplier{}
	pp55   = tax.Supplier{PP55: true}
)

func goods(qty, price int64) tax.Line { return tax.Line{Kind: tax.Goods, Qty: qty, UnitPrice: price} }
func services(qty, price int64) tax.Line {
	return tax.Line{Kind: tax.Services, Qty: qty, UnitPrice: price}
}

// TestCompute_WorkedExamples are the examples the kuitansi and payment
// screens will show, in rupiah.
func TestCompute_WorkedExamples(t *testing.T) {
	tests := []struct {
		name  string
		order tax.Order
		want  totals
	}{
		{
			name:  "barang PKP Rp1.110.000 termasuk PPN: DPP Rp1.000.000, PPN Rp110.000 tidak dipungut bendahara (di bawah Rp2 juta)",
			order: tax.Order{Supplier: pkp, Lines: []tax.Line{goods(10, 111_000)}},
			want: totals{Gross: 1_110_000, DPP: 1_000_000, DPPNilaiLain: 916_667, PPN: 110_000, Net: 1_110_000,
				BelowThreshold: true},
		},
		{
			name:  "barang PKP Rp2.220.000: PPN Rp220.000 dipungut, PPh 22 1,5% Rp30.000, penyedia terima Rp1.970.000",
			order: tax.Order{Supplier: pkp, Lines: []tax.Line{goods(2, 1_110_000)}},
			want: totals{Gross: 2_220_000, DPP: 2_000_000, DPPNilaiLain: 1_833_333, PPN: 220_000, PPNCollected: 220_000,
				PPh22: 30_000, Withheld: 250_000, Net: 1_970_000},
		},
		{
			name:  "barang PKP tepat Rp2.000.000: tidak ada PPN atau PPh 22 yang dipungut",
			order: tax.Order{Supplier: pkp, Lines: []tax.Line{goods(1, 2_000_000)}},
			want: totals{Gross: 2_000_000, DPP: 1_801_802, DPPNilaiLain: 1_651_652, PPN: 198_198, Net: 2_000_000,
				BelowThreshold: true},
		},
		{
			name:  "barang PKP Rp2.000.001: satu rupiah di atas batas, PPN Rp198.198 dan PPh 22 Rp27.027 dipungut",
			order: tax.Order{Supplier: pkp, Lines: []tax.Line{goods(1, 2_000_001)}},
			want: totals{Gross: 2_000_001, DPP: 1_801_803, DPPNilaiLain: 1_651_653, PPN: 198_198, PPNCollected: 198_198,
				PPh22: 27_027, Withheld: 225_225, Net: 1_774_776},
		},
		{
			name:  "barang bukan PKP Rp2.000.100: PPh 22 Rp30.001,50 dibulatkan ke atas menjadi Rp30.002",
			order: tax.Order{Supplier: nonPKP, Lines: []tax.Line{goods(1, 2_000_100)}},
			want:  totals{Gross: 2_000_100, DPP: 2_000_100, PPh22: 30_002, Withheld: 30_002, Net: 1_970_098},
		},
		{
			name:  "barang bukan PKP Rp1.500.000 yang ditandai dipecah: PPh 22 Rp22.500 tetap dipungut",
			order: tax.Order{Supplier: nonPKP, Lines: []tax.Line{goods(3, 500_000)}, Split: true},
			want:  totals{Gross: 1_500_000, DPP: 1_500_000, PPh22: 22_500, Withheld: 22_500, Net: 1_477_500},
		},
		{
			name:  "jasa bukan PKP Rp5.000.000: PPh 23 2% Rp100.000, penyedia terima Rp4.900.000",
			order: tax.Order{Supplier: nonPKP, Lines: []tax.Line{services(1, 5_000_000)}},
			want:  totals{Gross: 5_000_000, DPP: 5_000_000, PPh23: 100_000, Withheld: 100_000, Net: 4_900_000},
		},
		{
			name:  "jasa bukan PKP Rp1.000.000: PPh 23 Rp20.000 dipotong walau di bawah Rp2 juta",
			order: tax.Order{Supplier: nonPKP, Lines: []tax.Line{services(1, 1_000_000)}},
			want:  totals{Gross: 1_000_000, DPP: 1_000_000, PPh23: 20_000, Withheld: 20_000, Net: 980_000, BelowThreshold: true},
		},
		{
			name:  "jasa PKP Rp5.550.000: PPN Rp550.000 dipungut, PPh 23 Rp100.000",
			order: tax.Order{Supplier: pkp, Lines: []tax.Line{services(50, 111_000)}},
			want: totals{Gross: 5_550_000, DPP: 5_000_000, DPPNilaiLain: 4_583_333, PPN: 550_000, PPNCollected: 550_000,
				PPh23: 100_000, Withheld: 650_000, Net: 4_900_000},
		},
		{
			name:  "barang PP 55/2022 Rp10.000.000: PPh final 0,5% Rp50.000 menggantikan PPh 22",
			order: tax.Order{Supplier: pp55, Lines: []tax.Line{goods(100, 100_000)}},
			want:  totals{Gross: 10_000_000, DPP: 10_000_000, PP55: 50_000, Withheld: 50_000, Net: 9_950_000},
		},
		{
			name:  "barang PP 55/2022 Rp1.500.000: tidak dipungut di bawah Rp2 juta",
			order: tax.Order{Supplier: pp55, Lines: []tax.Line{goods(1, 1_500_000)}},
			want:  totals{Gross: 1_500_000, DPP: 1_500_000, Net: 1_500_000, BelowThreshold: true},
		},
		{
			name:  "jasa PP 55/2022 Rp1.500.000: PPh final Rp7.500 menggantikan PPh 23",
			order: tax.Order{Supplier: pp55, Lines: []tax.Line{services(1, 1_500_000)}},
			want:  totals{Gross: 1_500_000, DPP: 1_500_000, PP55: 7_500, Withheld: 7_500, Net: 1_492_500, BelowThreshold: true},
		},
		{
			name:  "campuran PKP: barang Rp1.110.000 dan jasa Rp1.110.000, jumlah Rp2.220.000 di atas batas",
			order: tax.Order{Supplier: pkp, Lines: []tax.Line{goods(1, 1_110_000), services(1, 1_110_000)}},
			want: totals{Gross: 2_220_000, DPP: 2_000_000, DPPNilaiLain: 1_833_334, PPN: 220_000, PPNCollected: 220_000,
				PPh22: 15_000, PPh23: 20_000, Withheld: 255_000, Net: 1_965_000},
		},
		{
			name:  "batas Rp200.000.000 barang PKP: DPP Rp180.180.180, PPN Rp19.819.820, PPh 22 Rp2.702.703",
			order: tax.Order{Supplier: pkp, Lines: []tax.Line{goods(1, 200_000_000)}},
			want: totals{Gross: 200_000_000, DPP: 180_180_180, DPPNilaiLain: 165_165_165, PPN: 19_819_820, PPNCollected: 19_819_820,
				PPh22: 2_702_703, Withheld: 22_522_523, Net: 177_477_477},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tax.Compute(rates2026, tt.order)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(totalsOf(b), tt.want); diff != "" {
				t.Errorf("totals (-got +want):\n%s", diff)
			}
			// Invariants of every breakdown.
			if b.DPP+b.PPN != b.Gross {
				t.Errorf("DPP %d + PPN %d != gross %d", b.DPP, b.PPN, b.Gross)
			}
			if b.Gross-b.Withheld != b.Net {
				t.Errorf("gross %d - withheld %d != net %d", b.Gross, b.Withheld, b.Net)
			}
			var sum int64
			for _, l := range b.Lines {
				sum += l.Net
			}
			if sum != b.Net {
				t.Errorf("lines' net sum %d != order net %d", sum, b.Net)
			}
		})
	}
}

func TestComputeLine_RoundsHalfUpPerLine(t *testing.T) {
	c := tax.Collection{PPN: true, PPh22: true}
	tests := []struct {
		name                string
		line                tax.Line
		wantDPP, wantPPN    int64
		wantPPh22, wantPP23 int64
	}{
		{"Rp111 PKP: DPP Rp100, PPN Rp11", goods(1, 111), 100, 11, 2, 0},                  // 1,5 -> 2
		{"Rp100 PKP: DPP Rp90,09 dibulatkan Rp90, PPN Rp10", goods(1, 100), 90, 10, 1, 0}, // 1,35 -> 1
		{"Rp1 PKP: DPP Rp0,90 dibulatkan Rp1, PPN Rp0", goods(1, 1), 1, 0, 0, 0},
		{"jasa Rp25 PKP: DPP Rp22,52 dibulatkan Rp23, PPh 23 Rp0,46 dibulatkan Rp0", services(1, 25), 23, 2, 0, 0},
		{"jasa Rp75 PKP: DPP Rp67,57 dibulatkan Rp68, PPh 23 Rp1,36 dibulatkan Rp1", services(1, 75), 68, 7, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tax.ComputeLine(rates2026, pkp, tt.line, c)
			if err != nil {
				t.Fatal(err)
			}
			if got.DPP != tt.wantDPP || got.PPN != tt.wantPPN || got.PPh22 != tt.wantPPh22 || got.PPh23 != tt.wantPP23 {
				t.Errorf("got DPP %d PPN %d PPh22 %d PPh23 %d, want %d %d %d %d",
					got.DPP, got.PPN, got.PPh22, got.PPh23, tt.wantDPP, tt.wantPPN, tt.wantPPh22, tt.wantPP23)
			}
		})
	}
}

func TestGrossFromDPP(t *testing.T) {
	tests := []struct {
		name string
		pkp  bool
		dpp  int64
		want int64
	}{
		{"harga sebelum pajak Rp1.000.000 dari PKP menjadi Rp1.110.000", true, 1_000_000, 1_110_000},
		{"harga sebelum pajak Rp1.000.000 dari bukan PKP tetap Rp1.000.000", false, 1_000_000, 1_000_000},
		{"harga sebelum pajak Rp15 dari PKP: PPN Rp1,65 dibulatkan Rp2", true, 15, 17},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tax.GrossFromDPP(rates2026, tt.pkp, tt.dpp)
			if got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
			if tt.pkp && tax.DPPFromGross(rates2026, got) != tt.dpp {
				t.Errorf("DPPFromGross(%d) = %d, want back %d", got, tax.DPPFromGross(rates2026, got), tt.dpp)
			}
		})
	}
}

func TestCompute_Invalid(t *testing.T) {
	tests := []struct {
		name  string
		order tax.Order
	}{
		{"tanpa baris", tax.Order{}},
		{"jumlah nol", tax.Order{Lines: []tax.Line{goods(0, 1000)}}},
		{"harga negatif", tax.Order{Lines: []tax.Line{goods(1, -1)}}},
		{"jenis tidak dikenal", tax.Order{Lines: []tax.Line{{Kind: "sewa", Qty: 1, UnitPrice: 1}}}},
		{"melewati Rp1 triliun", tax.Order{Lines: []tax.Line{goods(1_000_000, 1_000_001)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tax.Compute(rates2026, tt.order); !errors.Is(err, apperr.Invalid) {
				t.Errorf("got %v, want Invalid", err)
			}
		})
	}
}

// TestLoadRates reads the seeded table: 12% on 11/12 from 2025, 11% on the
// price before, and the same rates and threshold otherwise.
func TestLoadRates(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	ignore := cmpopts.IgnoreFields(tax.Rate{}, "ID", "EffectiveFrom", "LegalBasis", "Note")
	got, err := tax.LoadRates(ctx, db, time.Date(2026, 11, 27, 10, 0, 0, 0, wib.Location))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, rates2026, ignore); diff != "" {
		t.Errorf("rates on 27 Nov 2026 (-got +want):\n%s", diff)
	}
	for _, r := range got.List() {
		if r.LegalBasis == "" {
			t.Errorf("%s has no legal basis", r.Code)
		}
	}
	// 31 December 2024 23.30 WIB: still 11% on the whole price.
	old, err := tax.LoadRates(ctx, db, time.Date(2024, 12, 31, 16, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if old.PPN.Num != 11 || old.PPNDPP.Num != old.PPNDPP.Den {
		t.Errorf("rates on 31 Dec 2024: PPN %s on %s, want 11%% on the price", old.PPN, old.PPNDPP)
	}
	b, err := tax.Compute(old, tax.Order{Supplier: pkp, Lines: []tax.Line{goods(1, 1_110_000)}})
	if err != nil {
		t.Fatal(err)
	}
	if b.DPP != 1_000_000 || b.DPPNilaiLain != 1_000_000 || b.PPN != 110_000 {
		t.Errorf("2024 breakdown of Rp1.110.000: DPP %d, DPP nilai lain %d, PPN %d", b.DPP, b.DPPNilaiLain, b.PPN)
	}
	if _, err := tax.LoadRates(ctx, db, time.Date(2021, 1, 1, 0, 0, 0, 0, wib.Location)); err == nil {
		t.Error("LoadRates before any row is in force: got no error")
	}
	hist, err := tax.History(ctx, db)
	if err != nil || len(hist) != 8 {
		t.Errorf("History: %d rows, %v; want 8", len(hist), err)
	}
}

func TestRate_String(t *testing.T) {
	for _, tt := range []struct {
		r    tax.Rate
		want string
	}{
		{rates2026.PPN, "12%"},
		{rates2026.PPNDPP, "11/12"},
		{rates2026.PPh22, "1,5%"},
		{rates2026.PP55, "0,5%"},
		{rates2026.Threshold, "Rp2.000.000"},
		{tax.Rate{Code: tax.CodePPNDPP, Num: 1, Den: 1}, "harga jual"},
	} {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.r.Code, got, tt.want)
		}
	}
}

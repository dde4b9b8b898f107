package rupiah

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTerbilang(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "nol"},
		{1, "satu"},
		{2, "dua"},
		{9, "sembilan"},
		{10, "sepuluh"},
		{11, "sebelas"},
		{12, "dua belas"},
		{15, "lima belas"},
		{19, "sembilan belas"},
		{20, "dua puluh"},
		{21, "dua puluh satu"},
		{45, "empat puluh lima"},
		{99, "sembilan puluh sembilan"},
		{100, "seratus"},
		{101, "seratus satu"},
		{110, "seratus sepuluh"},
		{111, "seratus sebelas"},
		{115, "seratus lima belas"},
		{200, "dua ratus"},
		{999, "sembilan ratus sembilan puluh sembilan"},
		{1000, "seribu"},
		{1001, "seribu satu"},
		{1011, "seribu sebelas"},
		{1100, "seribu seratus"},
		{1999, "seribu sembilan ratus sembilan puluh sembilan"},
		{2000, "dua ribu"},
		{10_000, "sepuluh ribu"},
		{11_000, "sebelas ribu"},
		{100_000, "seratus ribu"},
		{101_000, "seratus satu ribu"},
		{111_111, "seratus sebelas ribu seratus sebelas"},
		{999_999, "sembilan ratus sembilan puluh sembilan ribu sembilan ratus sembilan puluh sembilan"},
		{1_000_000, "satu juta"},
		{1_001_000, "satu juta seribu"},
		{1_250_000, "satu juta dua ratus lima puluh ribu"},
		{2_000_011, "dua juta sebelas"},
		{10_000_000, "sepuluh juta"},
		{200_000_000, "dua ratus juta"},
		{1_000_000_000, "satu miliar"},
		{1_000_001_000, "satu miliar seribu"},
		{2_500_000_000, "dua miliar lima ratus juta"},
		{999_999_999_999, "sembilan ratus sembilan puluh sembilan miliar sembilan ratus sembilan puluh sembilan juta sembilan ratus sembilan puluh sembilan ribu sembilan ratus sembilan puluh sembilan"},
		{1_000_000_000_000, "satu triliun"},
		{1_000_000_000_001, "satu triliun satu"},
		{3_000_500_000_000, "tiga triliun lima ratus juta"},
		{1_000_000_000_000_000, "seribu triliun"},
		{12_345_000_000_000_000, "dua belas ribu tiga ratus empat puluh lima triliun"},
		{-1, "minus satu"},
		{-1_250_000, "minus satu juta dua ratus lima puluh ribu"},
		{math.MaxInt64, "sembilan juta dua ratus dua puluh tiga ribu tiga ratus tujuh puluh dua triliun tiga puluh enam miliar delapan ratus lima puluh empat juta tujuh ratus tujuh puluh lima ribu delapan ratus tujuh"},
		{math.MinInt64, "minus sembilan juta dua ratus dua puluh tiga ribu tiga ratus tujuh puluh dua triliun tiga puluh enam miliar delapan ratus lima puluh empat juta tujuh ratus tujuh puluh lima ribu delapan ratus delapan"},
	}
	for _, tt := range tests {
		t.Run(FormatPlain(tt.in), func(t *testing.T) {
			got := Terbilang(tt.in)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("Terbilang(%d) mismatch (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

func TestTerbilangRupiah(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "nol rupiah"},
		{1000, "seribu rupiah"},
		{1_250_000, "satu juta dua ratus lima puluh ribu rupiah"},
		{-500, "minus lima ratus rupiah"},
	}
	for _, tt := range tests {
		t.Run(FormatPlain(tt.in), func(t *testing.T) {
			got := TerbilangRupiah(tt.in)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("TerbilangRupiah(%d) mismatch (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

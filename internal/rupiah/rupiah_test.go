package rupiah

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		name      string
		in        int64
		want      string
		wantPlain string
	}{
		{"zero", 0, "Rp0", "0"},
		{"one", 1, "Rp1", "1"},
		{"three digits", 999, "Rp999", "999"},
		{"thousand", 1000, "Rp1.000", "1.000"},
		{"ten thousand", 12_345, "Rp12.345", "12.345"},
		{"hundred thousand", 100_000, "Rp100.000", "100.000"},
		{"example", 1_250_000, "Rp1.250.000", "1.250.000"},
		{"triliun", Max, "Rp1.000.000.000.000", "1.000.000.000.000"},
		{"negative", -1_250_000, "-Rp1.250.000", "-1.250.000"},
		{"negative small", -5, "-Rp5", "-5"},
		{"max int64", math.MaxInt64, "Rp9.223.372.036.854.775.807", "9.223.372.036.854.775.807"},
		{"min int64", math.MinInt64, "-Rp9.223.372.036.854.775.808", "-9.223.372.036.854.775.808"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(Format(tt.in), tt.want); diff != "" {
				t.Errorf("Format(%d) mismatch (-got +want):\n%s", tt.in, diff)
			}
			if diff := cmp.Diff(FormatPlain(tt.in), tt.wantPlain); diff != "" {
				t.Errorf("FormatPlain(%d) mismatch (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int64
		wantErr error
	}{
		{"rp space dots", "Rp 1.250.000", 1_250_000, nil},
		{"rp dots", "Rp1.250.000", 1_250_000, nil},
		{"plain", "1250000", 1_250_000, nil},
		{"zero decimals", "1.250.000,00", 1_250_000, nil},
		{"one zero decimal", "1.250.000,0", 1_250_000, nil},
		{"dash suffix", "1.250.000,-", 1_250_000, nil},
		{"rp dash suffix", "Rp 1.250.000,-", 1_250_000, nil},
		{"dot dash suffix", "1.250.000.-", 1_250_000, nil},
		{"lower rp dot", "rp. 1.250.000", 1_250_000, nil},
		{"upper rp dot no space", "RP.1.250.000", 1_250_000, nil},
		{"idr", "IDR 1.250.000", 1_250_000, nil},
		{"spaces as separators", " 1 250 000 ", 1_250_000, nil},
		{"nbsp", "Rp\u00a01.250.000", 1_250_000, nil},
		{"plain with zero decimals", "1250000,00", 1_250_000, nil},
		{"commas thousands", "1,250,000", 1_250_000, nil},
		{"single comma group", "1,250", 1_250, nil},
		{"commas with dot decimals", "1,250,000.00", 1_250_000, nil},
		{"rp commas", "Rp 1,250,000", 1_250_000, nil},
		{"single dot group", "1.250", 1_250, nil},
		{"zero", "0", 0, nil},
		{"rp zero", "Rp0", 0, nil},
		{"leading zeros", "0001000", 1_000, nil},
		{"minus zero", "-0", 0, nil},
		{"exactly max", "Rp1.000.000.000.000", Max, nil},
		{"max plain", "1000000000000", Max, nil},

		{"empty", "", 0, ErrEmpty},
		{"spaces", "   ", 0, ErrEmpty},
		{"rp only", "Rp", 0, ErrEmpty},
		{"rp dot only", "Rp. ", 0, ErrEmpty},

		{"cents", "1.250.000,50", 0, ErrCents},
		{"one cent", "1.250.000,01", 0, ErrCents},
		{"single digit cents", "10,5", 0, ErrCents},
		{"comma two digits", "1,25", 0, ErrCents},
		{"english cents", "1,250,000.50", 0, ErrCents},

		{"negative", "-1.250.000", 0, ErrNegative},
		{"negative after rp", "Rp -1.250.000", 0, ErrNegative},
		{"negative before rp", "-Rp1.250.000", 0, ErrNegative},
		{"unicode minus", "\u22121.000", 0, ErrNegative},
		{"negative huge", "-99999999999999999999999", 0, ErrNegative},

		{"above max", "1.000.000.000.001", 0, ErrTooLarge},
		{"way above max", "Rp 5.000.000.000.000", 0, ErrTooLarge},
		{"int64 overflow", "9223372036854775808", 0, ErrTooLarge},
		{"many digits", "123456789012345678901234567890", 0, ErrTooLarge},

		{"letters", "seratus ribu", 0, ErrInvalid},
		{"digits and letters", "100rb", 0, ErrInvalid},
		{"letter inside", "1.2a0.000", 0, ErrInvalid},
		{"bad dot group", "1.25", 0, ErrInvalid},
		{"dot group too long", "1.2500", 0, ErrInvalid},
		{"first dot group too long", "1250.000", 0, ErrInvalid},
		{"dot decimals", "1250.00", 0, ErrInvalid},
		{"three decimals", "1250,000", 0, ErrInvalid},
		{"two commas bad groups", "1,25,000", 0, ErrInvalid},
		{"mixed separators", "1.250,000", 0, ErrInvalid},
		{"trailing dot", "1.250.", 0, ErrInvalid},
		{"leading comma", ",50", 0, ErrInvalid},
		{"double minus", "--1000", 0, ErrInvalid},
		{"plus sign", "+1000", 0, ErrInvalid},
		{"dollar", "$1,000", 0, ErrInvalid},
		{"scientific", "1e6", 0, ErrInvalid},
		{"dash alone", "-", 0, ErrEmpty},
		{"suffix only", ",-", 0, ErrEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("Parse(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("Parse(%q) mismatch (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseFormatRoundTrip(t *testing.T) {
	for _, n := range []int64{0, 1, 999, 1000, 1_250_000, 987_654_321, Max} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			for _, s := range []string{Format(n), FormatPlain(n)} {
				got, err := Parse(s)
				if err != nil {
					t.Fatalf("Parse(%q) error: %v", s, err)
				}
				if diff := cmp.Diff(got, n); diff != "" {
					t.Errorf("Parse(%q) mismatch (-got +want):\n%s", s, diff)
				}
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	got := []string{
		ErrEmpty.Error(),
		ErrInvalid.Error(),
		ErrCents.Error(),
		ErrNegative.Error(),
		ErrTooLarge.Error(),
	}
	want := []string{
		"Harga wajib diisi.",
		"Harga tidak valid. Contoh: 1.250.000.",
		"Harga harus dalam rupiah penuh (tanpa sen).",
		"Harga tidak boleh negatif.",
		"Harga terlalu besar (lebih dari Rp1 triliun).",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("messages mismatch (-got +want):\n%s", diff)
	}
}

func TestErrorsIsThroughWrapping(t *testing.T) {
	_, err := Parse("1.250.000,50")
	wrapped := fmt.Errorf("harga: %w", err)
	if !errors.Is(wrapped, ErrCents) {
		t.Errorf("errors.Is(%v, ErrCents) = false, want true", wrapped)
	}
}

package validate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRequired(t *testing.T) {
	const msg = "Kolom ini wajib diisi."
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"text", "Budi", ""},
		{"padded text", "  a  ", ""},
		{"empty", "", msg},
		{"spaces", "   ", msg},
		{"whitespace mix", "\t\n\u00a0", msg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errText(Required(tt.in))
			if diff := cmp.Diff(got, tt.wantErr); diff != "" {
				t.Errorf("Required(%q) mismatch (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

func TestMaxLen(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		n       int
		wantErr string
	}{
		{"empty", "", 0, ""},
		{"under", "abc", 5, ""},
		{"exact", "abcde", 5, ""},
		{"over", "abcdef", 5, "Panjang maksimal 5 karakter."},
		{"runes not bytes", "éééé", 4, ""},
		{"runes over", "ééééé", 4, "Panjang maksimal 4 karakter."},
		{"zero limit", "a", 0, "Panjang maksimal 0 karakter."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errText(MaxLen(tt.in, tt.n))
			if diff := cmp.Diff(got, tt.wantErr); diff != "" {
				t.Errorf("MaxLen(%q, %d) mismatch (-got +want):\n%s", tt.in, tt.n, diff)
			}
		})
	}
}

func TestPassword(t *testing.T) {
	const (
		short  = "Kata sandi minimal 10 karakter."
		long   = "Kata sandi maksimal 128 karakter."
		repeat = "Kata sandi tidak boleh hanya berisi satu karakter yang diulang-ulang."
	)
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"ok", "rahasia-lapak", ""},
		{"exactly 10", "abcdefghij", ""},
		{"exactly 128", strings.Repeat("ab", 64), ""},
		{"10 runes multibyte", "ééééééééém", ""},
		{"empty", "", short},
		{"9 chars", "abcdefghi", short},
		{"9 runes but 18 bytes", "ééééééééé", short},
		{"129 chars", strings.Repeat("ab", 64) + "c", long},
		{"repeated ascii", "aaaaaaaaaa", repeat},
		{"repeated multibyte", "éééééééééé", repeat},
		{"repeated space", "          ", repeat},
		{"almost repeated", "aaaaaaaaab", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errText(Password(tt.in))
			if diff := cmp.Diff(got, tt.wantErr); diff != "" {
				t.Errorf("Password(%q) mismatch (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

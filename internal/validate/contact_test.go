package validate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPhone(t *testing.T) {
	const bad = "Nomor HP tidak valid. Contoh: 0812 3456 7890."
	runStringCases(t, Phone, []stringCase{
		{"local dashed", "0812-3456-7890", "+6281234567890", ""},
		{"local spaced", "0812 3456 7890", "+6281234567890", ""},
		{"local plain", "081234567890", "+6281234567890", ""},
		{"e164 spaced", "+62 812 3456 7890", "+6281234567890", ""},
		{"e164 plain", "+6281234567890", "+6281234567890", ""},
		{"country code no plus", "6281234567890", "+6281234567890", ""},
		{"no prefix", "81234567890", "+6281234567890", ""},
		{"plus62 with trunk zero", "+62 0812 3456 7890", "+6281234567890", ""},
		{"dots", "0812.3456.7890", "+6281234567890", ""},
		{"padded", "  0812-3456-7890\n", "+6281234567890", ""},
		{"landline padang", "(0751) 123456", "+62751123456", ""},
		{"landline jakarta", "(021) 2345-6789", "+622123456789", ""},
		{"shortest", "0751 12345", "+6275112345", ""},
		{"longest", "0812 3456 7890 12", "+628123456789012", ""},
		{"empty", "", "", "Nomor HP wajib diisi."},
		{"spaces", "   ", "", "Nomor HP wajib diisi."},
		{"too short", "0812 345", "", bad},
		{"too long", "0812 3456 7890 1234", "", bad},
		{"letters", "0812-3456-78ab", "", bad},
		{"other country", "+65 8123 4567", "", bad},
		{"plus in middle", "0812+34567890", "", bad},
		{"double trunk zero", "00812 3456 7890", "", bad},
		{"starts with 1", "1234567890", "", bad},
		{"only plus", "+", "", bad},
		{"only plus62", "+62", "", bad},
		{"slash", "0812/3456/7890", "", bad},
	})
}

func TestEmail(t *testing.T) {
	const bad = "Alamat e-mail tidak valid. Contoh: nama@contoh.go.id."
	long := strings.Repeat("a", 62) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 60) + ".id"
	runStringCases(t, Email, []stringCase{
		{"simple", "budi@example.com", "budi@example.com", ""},
		{"trim and lower", "  Budi.Santoso@Dinkes.Go.ID ", "budi.santoso@dinkes.go.id", ""},
		{"plus tag", "budi+lapak@example.co.id", "budi+lapak@example.co.id", ""},
		{"hyphen domain", "a@pemkab-agam.go.id", "a@pemkab-agam.go.id", ""},
		{"254 chars", long, long, ""},
		{"empty", "", "", "Alamat e-mail wajib diisi."},
		{"spaces", "  ", "", "Alamat e-mail wajib diisi."},
		{"too long", "a" + long, "", "Alamat e-mail terlalu panjang (maksimal 254 karakter)."},
		{"no at", "budi.example.com", "", bad},
		{"no domain dot", "budi@localhost", "", bad},
		{"no local part", "@example.com", "", bad},
		{"two ats", "budi@@example.com", "", bad},
		{"display name", "Budi <budi@example.com>", "", bad},
		{"angle brackets", "<budi@example.com>", "", bad},
		{"space inside", "bu di@example.com", "", bad},
		{"trailing dot", "budi@example.com.", "", bad},
		{"leading dot domain", "budi@.example.com", "", bad},
		{"double dot domain", "budi@example..com", "", bad},
		{"hyphen label edge", "budi@-example.com", "", bad},
		{"numeric tld", "budi@10.0.0.1", "", bad},
		{"one letter tld", "budi@example.c", "", bad},
		{"domain literal", "budi@[10.0.0.1]", "", bad},
		{"underscore domain", "budi@my_host.com", "", bad},
		{"local part too long", strings.Repeat("a", 65) + "@example.com", "", bad},
	})
	if n := len(long); n != 254 {
		t.Fatalf("test fixture has %d chars, want 254", n)
	}
}

func TestLooksLikeEmail(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"email", "budi@example.com", true},
		{"bare at", "@", true},
		{"phone", "0812 3456 7890", false},
		{"e164", "+6281234567890", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LooksLikeEmail(tt.in)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("LooksLikeEmail(%q) mismatch (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

func TestLocalPhone(t *testing.T) {
	for in, want := range map[string]string{
		"+6281234567890": "0812 3456 7890",
		"+62751123456":   "0751 1234 56",
		"+6281200000001": "0812 0000 0001",
		"":               "",
		"0812":           "0812",
	} {
		if got := LocalPhone(in); got != want {
			t.Errorf("LocalPhone(%q) = %q, want %q", in, got, want)
		}
		if in != "" && len(in) > 6 {
			if back, err := Phone(LocalPhone(in)); err != nil || back != in {
				t.Errorf("Phone(LocalPhone(%q)) = %q, %v; want the same number back", in, back, err)
			}
		}
	}
}

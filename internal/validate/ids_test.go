package validate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stringCase is a table row for helpers returning (string, error).
type stringCase struct {
	name    string
	in      string
	want    string
	wantErr string
}

func runStringCases(t *testing.T, fn func(string) (string, error), tests []stringCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fn(tt.in)
			if diff := cmp.Diff(errText(err), tt.wantErr); diff != "" {
				t.Errorf("error mismatch for %q (-got +want):\n%s", tt.in, diff)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("value mismatch for %q (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

func TestNIK(t *testing.T) {
	const (
		length   = "NIK harus 16 angka."
		province = "Kode provinsi pada NIK tidak valid."
		day      = "Tanggal lahir pada NIK tidak valid."
		month    = "Bulan lahir pada NIK tidak valid."
	)
	runStringCases(t, NIK, []stringCase{
		{"man plain", "1371021505850002", "1371021505850002", ""},
		{"woman day plus 40", "3201014512900001", "3201014512900001", ""},
		{"spaces", " 1371 0215 0585 0002 ", "1371021505850002", ""},
		{"dots and dashes", "13.71.02-150585-0002", "1371021505850002", ""},
		{"tab and nbsp", "1371021505850002\t\u00a0", "1371021505850002", ""},
		{"province 11", "1101010101000001", "1101010101000001", ""},
		{"province 96", "9601017112000001", "9601017112000001", ""},
		{"day 31", "1371023112850002", "1371023112850002", ""},
		{"day 41", "1371024112850002", "1371024112850002", ""},
		{"day 71", "1371027112850002", "1371027112850002", ""},
		{"empty", "", "", "NIK wajib diisi."},
		{"only spaces", "   ", "", "NIK wajib diisi."},
		{"too short", "137102150585000", "", length},
		{"too long", "13710215058500021", "", length},
		{"letters", "13710215058500O2", "", length},
		{"all zeros", "0000000000000000", "", "NIK tidak valid."},
		{"province 10", "1071021505850002", "", province},
		{"province 97", "9771021505850002", "", province},
		{"province 00", "0071021505850002", "", province},
		{"day 00", "1371020005850002", "", day},
		{"day 32", "1371023205850002", "", day},
		{"day 40", "1371024005850002", "", day},
		{"day 72", "1371027205850002", "", day},
		{"month 00", "1371021500850002", "", month},
		{"month 13", "1371021513850002", "", month},
	})
}

func TestNIB(t *testing.T) {
	runStringCases(t, NIB, []stringCase{
		{"plain", "9120001234567", "9120001234567", ""},
		{"spaces", " 912 0001 234 567 ", "9120001234567", ""},
		{"empty", "", "", "NIB wajib diisi."},
		{"too short", "912000123456", "", "NIB harus 13 angka."},
		{"too long", "91200012345678", "", "NIB harus 13 angka."},
		{"dashes not allowed", "912-0001234567", "", "NIB harus 13 angka."},
		{"letters", "91200012345A7", "", "NIB harus 13 angka."},
		{"all zeros", "0000000000000", "", "NIB tidak valid."},
	})
}

func TestNPWP(t *testing.T) {
	const length = "NPWP harus 15 atau 16 angka."
	runStringCases(t, NPWP, []stringCase{
		{"formatted 15", "01.234.567.8-901.000", "012345678901000", ""},
		{"plain 15", "012345678901000", "012345678901000", ""},
		{"plain 16", "0123456789012345", "0123456789012345", ""},
		{"grouped 16", "0123 4567 8901 2345", "0123456789012345", ""},
		{"padded", "  01.234.567.8-901.000 ", "012345678901000", ""},
		{"empty", "", "", "NPWP wajib diisi."},
		{"punctuation only", ".-.", "", "NPWP wajib diisi."},
		{"14 digits", "01.234.567.8-901.00", "", length},
		{"17 digits", "01234567890123456", "", length},
		{"letters", "01.234.567.8-901.00A", "", length},
		{"slash", "01/234/567/8-901.000", "", length},
		{"all zeros", "00.000.000.0-000.000", "", "NPWP tidak valid."},
	})
}

func TestFormatNPWP(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"15 digits", "012345678901000", "01.234.567.8-901.000"},
		{"16 digits", "0123456789012345", "0123 4567 8901 2345"},
		{"empty", "", ""},
		{"14 digits unchanged", "01234567890100", "01234567890100"},
		{"already formatted unchanged", "01.234.567.8-901.000", "01.234.567.8-901.000"},
		{"non digits unchanged", "01234567890100A", "01234567890100A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FormatNPWP(tt.in)
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("FormatNPWP(%q) mismatch (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

func TestNPWPRoundTrip(t *testing.T) {
	for _, in := range []string{"012345678901000", "0123456789012345"} {
		t.Run(in, func(t *testing.T) {
			got, err := NPWP(FormatNPWP(in))
			if err != nil {
				t.Fatalf("NPWP(FormatNPWP(%q)) error: %v", in, err)
			}
			if diff := cmp.Diff(got, in); diff != "" {
				t.Errorf("round trip mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestNIP(t *testing.T) {
	const (
		length = "NIP harus 18 angka."
		birth  = "Tanggal lahir pada NIP tidak valid."
		appt   = "Bulan pengangkatan pada NIP tidak valid."
		gender = "Kode jenis kelamin pada NIP harus 1 atau 2."
	)
	runStringCases(t, NIP, []stringCase{
		{"plain", "198001012005011001", "198001012005011001", ""},
		{"spaced", "19800101 200501 1 001", "198001012005011001", ""},
		{"woman", "198512312010122003", "198512312010122003", ""},
		{"leap day", "200002292022061001", "200002292022061001", ""},
		{"year 1940", "194001012005011001", "194001012005011001", ""},
		{"year 2010", "201012312030121001", "201012312030121001", ""},
		{"empty", "", "", "NIP wajib diisi."},
		{"17 digits", "19800101200501100", "", length},
		{"19 digits", "1980010120050110011", "", length},
		{"dots", "19800101.200501.1.001", "", length},
		{"year 1939", "193912312005011001", "", birth},
		{"year 2011", "201101012030011001", "", birth},
		{"month 13", "198013012005011001", "", birth},
		{"day 00", "198001002005011001", "", birth},
		{"feb 30", "198002302005011001", "", birth},
		{"feb 29 non leap", "198102292005011001", "", birth},
		{"appointment month 00", "198001012005001001", "", appt},
		{"appointment month 13", "198001012005131001", "", appt},
		{"gender 0", "198001012005010001", "", gender},
		{"gender 3", "198001012005013001", "", gender},
	})
}

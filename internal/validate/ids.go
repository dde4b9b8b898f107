package validate

import (
	"strings"
	"time"
	"unicode"
)

var (
	errNIKEmpty    = message("NIK wajib diisi.")
	errNIKLength   = message("NIK harus 16 angka.")
	errNIKInvalid  = message("NIK tidak valid.")
	errNIKProvince = message("Kode provinsi pada NIK tidak valid.")
	errNIKDay      = message("Tanggal lahir pada NIK tidak valid.")
	errNIKMonth    = message("Bulan lahir pada NIK tidak valid.")

	errNIBEmpty   = message("NIB wajib diisi.")
	errNIBLength  = message("NIB harus 13 angka.")
	errNIBInvalid = message("NIB tidak valid.")

	errNPWPEmpty   = message("NPWP wajib diisi.")
	errNPWPLength  = message("NPWP harus 15 atau 16 angka.")
	errNPWPInvalid = message("NPWP tidak valid.")

	errNIPEmpty       = message("NIP wajib diisi.")
	errNIPLength      = message("NIP harus 18 angka.")
	errNIPBirth       = message("Tanggal lahir pada NIP tidak valid.")
	errNIPAppointment = message("Bulan pengangkatan pada NIP tidak valid.")
	errNIPGender      = message("Kode jenis kelamin pada NIP harus 1 atau 2.")
)

// NIK validates a 16-digit Nomor Induk Kependudukan and returns its digits.
// Spaces, dots and dashes are ignored. The province code (digits 1-2) must
// be 11..96, the birth day (digits 7-8) 01..31, or 41..71 for women, and
// the birth month (digits 9-10) 01..12.
func NIK(s string) (string, error) {
	d := strip(s, ".-")
	switch {
	case d == "":
		return "", errNIKEmpty
	case len(d) != 16 || !allDigits(d):
		return "", errNIKLength
	case allZeros(d):
		return "", errNIKInvalid
	}
	if p := num(d[0:2]); p < 11 || p > 96 {
		return "", errNIKProvince
	}
	if day := num(d[6:8]); !(day >= 1 && day <= 31 || day >= 41 && day <= 71) {
		return "", errNIKDay
	}
	if m := num(d[8:10]); m < 1 || m > 12 {
		return "", errNIKMonth
	}
	return d, nil
}

// NIB validates a 13-digit Nomor Induk Berusaha and returns its digits.
// Spaces are ignored.
func NIB(s string) (string, error) {
	d := strip(s, "")
	switch {
	case d == "":
		return "", errNIBEmpty
	case len(d) != 13 || !allDigits(d):
		return "", errNIBLength
	case allZeros(d):
		return "", errNIBInvalid
	}
	return d, nil
}

// NPWP validates a taxpayer number, either formatted ("01.234.567.8-901.000")
// or plain, and returns its 15 or 16 digits.
func NPWP(s string) (string, error) {
	d := strip(s, ".-")
	switch {
	case d == "":
		return "", errNPWPEmpty
	case len(d) != 15 && len(d) != 16 || !allDigits(d):
		return "", errNPWPLength
	case allZeros(d):
		return "", errNPWPInvalid
	}
	return d, nil
}

// FormatNPWP formats NPWP digits for display: 15 digits as
// "01.234.567.8-901.000" and 16 digits as "0123 4567 8901 2345". Any other
// input is returned unchanged.
func FormatNPWP(digits string) string {
	if !allDigits(digits) {
		return digits
	}
	switch len(digits) {
	case 15:
		d := digits
		return d[0:2] + "." + d[2:5] + "." + d[5:8] + "." + d[8:9] + "-" + d[9:12] + "." + d[12:15]
	case 16:
		d := digits
		return d[0:4] + " " + d[4:8] + " " + d[8:12] + " " + d[12:16]
	}
	return digits
}

// NIP validates an 18-digit civil-servant number and returns its digits.
// Spaces are ignored. Digits 1-8 must be a real birth date yyyymmdd with a
// year in 1940..2010, digits 9-14 the appointment yyyymm with month 01..12,
// and digit 15 the gender code 1 or 2.
func NIP(s string) (string, error) {
	d := strip(s, "")
	switch {
	case d == "":
		return "", errNIPEmpty
	case len(d) != 18 || !allDigits(d):
		return "", errNIPLength
	}
	y, m, day := num(d[0:4]), num(d[4:6]), num(d[6:8])
	if y < 1940 || y > 2010 || !validDate(y, m, day) {
		return "", errNIPBirth
	}
	if am := num(d[12:14]); am < 1 || am > 12 {
		return "", errNIPAppointment
	}
	if g := d[14]; g != '1' && g != '2' {
		return "", errNIPGender
	}
	return d, nil
}

// strip removes white space and any rune in extra from s.
func strip(s, extra string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune(extra, r) {
			return -1
		}
		return r
	}, s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func allZeros(s string) bool {
	return strings.Trim(s, "0") == ""
}

// num converts a short all-digit string to an int.
func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Year() == y && int(t.Month()) == m && t.Day() == d
}

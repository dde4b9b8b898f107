// Package rupiah owns money handling for Lapak. Amounts are whole rupiah
// held in int64 and never in floating point. The package formats amounts
// for display ("Rp1.250.000"), parses what users type into price fields and
// spells amounts out in Indonesian words (terbilang) for official letters.
package rupiah

import (
	"regexp"
	"strings"
	"unicode"
)

// Max is the largest amount Parse accepts: Rp1 triliun.
const Max int64 = 1_000_000_000_000

// Error is an error whose text is a complete Indonesian sentence that is
// safe to show to users.
type Error string

// Error returns the message.
func (e Error) Error() string { return string(e) }

// Errors returned by Parse.
const (
	// ErrEmpty reports an empty price field.
	ErrEmpty Error = "Harga wajib diisi."
	// ErrInvalid reports text that is not a rupiah amount.
	ErrInvalid Error = "Harga tidak valid. Contoh: 1.250.000."
	// ErrCents reports a non-zero fraction of a rupiah.
	ErrCents Error = "Harga harus dalam rupiah penuh (tanpa sen)."
	// ErrNegative reports a negative amount.
	ErrNegative Error = "Harga tidak boleh negatif."
	// ErrTooLarge reports an amount above Max.
	ErrTooLarge Error = "Harga terlalu besar (lebih dari Rp1 triliun)."
)

// Format returns n as "Rp1.250.000", "-Rp1.250.000" or "Rp0".
func Format(n int64) string {
	if n < 0 {
		return "-Rp" + group(abs(n))
	}
	return "Rp" + group(uint64(n))
}

// FormatPlain returns n with thousands dots and no currency, as "1.250.000"
// or "-1.250.000".
func FormatPlain(n int64) string {
	if n < 0 {
		return "-" + group(abs(n))
	}
	return group(uint64(n))
}

// abs returns |n| as uint64, which also holds -math.MinInt64.
func abs(n int64) uint64 {
	if n < 0 {
		return -uint64(n)
	}
	return uint64(n)
}

// group writes u in decimal with a dot between groups of three digits.
func group(u uint64) string {
	var buf [32]byte
	i := len(buf)
	for d := 0; ; d++ {
		if d > 0 && d%3 == 0 {
			i--
			buf[i] = '.'
		}
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	return string(buf[i:])
}

var (
	// indonesian: dots between thousands, optional comma decimals.
	indonesian = regexp.MustCompile(`^(\d+|\d{1,3}(?:\.\d{3})+)(?:,(\d{1,2}))?$`)
	// english: commas between thousands, optional dot decimals.
	english = regexp.MustCompile(`^(\d{1,3}(?:,\d{3})+)(?:\.(\d{1,2}))?$`)
)

// Parse reads a whole-rupiah amount as users type it: "Rp 1.250.000",
// "rp. 1.250.000", "1250000", "1.250.000,00", "1.250.000,-",
// " 1 250 000 " and "1,250,000". A comma is read as a thousands separator
// only when the text looks like ^\d{1,3}(,\d{3})+$ (optionally followed by
// ".00"); otherwise it starts decimals, which must be zero. Amounts must be
// between 0 and Max. Errors are of type Error.
func Parse(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" {
		return 0, ErrEmpty
	}
	t, neg := cutMinus(t)
	for _, p := range []string{"rp.", "rp", "idr"} {
		if rest, ok := strings.CutPrefix(t, p); ok {
			t = strings.TrimLeftFunc(rest, unicode.IsSpace)
			break
		}
	}
	if !neg {
		t, neg = cutMinus(t)
	}
	for _, suf := range []string{",-", ".-"} {
		if rest, ok := strings.CutSuffix(t, suf); ok {
			t = rest
			break
		}
	}
	t = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, t)
	if t == "" {
		return 0, ErrEmpty
	}

	var whole, frac string
	if m := english.FindStringSubmatch(t); m != nil {
		whole, frac = strings.ReplaceAll(m[1], ",", ""), m[2]
	} else if m := indonesian.FindStringSubmatch(t); m != nil {
		whole, frac = strings.ReplaceAll(m[1], ".", ""), m[2]
	} else {
		return 0, ErrInvalid
	}
	if strings.Trim(frac, "0") != "" {
		return 0, ErrCents
	}

	whole = strings.TrimLeft(whole, "0")
	var n int64
	for i := 0; i < len(whole); i++ {
		n = n*10 + int64(whole[i]-'0')
		if n > Max {
			if neg {
				return 0, ErrNegative
			}
			return 0, ErrTooLarge
		}
	}
	if neg && n != 0 {
		return 0, ErrNegative
	}
	return n, nil
}

// cutMinus removes one leading minus sign (ASCII or U+2212) and the space
// after it from t, and reports whether there was one.
func cutMinus(t string) (string, bool) {
	for _, m := range []string{"-", "\u2212"} {
		if rest, ok := strings.CutPrefix(t, m); ok {
			return strings.TrimLeftFunc(rest, unicode.IsSpace), true
		}
	}
	return t, false
}

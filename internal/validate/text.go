package validate

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Password length limits, counted in characters (runes).
const (
	minPassword = 10
	maxPassword = 128
)

var (
	errRequired       = message("Kolom ini wajib diisi.")
	errPasswordShort  = message(fmt.Sprintf("Kata sandi minimal %d karakter.", minPassword))
	errPasswordLong   = message(fmt.Sprintf("Kata sandi maksimal %d karakter.", maxPassword))
	errPasswordRepeat = message("Kata sandi tidak boleh hanya berisi satu karakter yang diulang-ulang.")
)

// Required returns an error when s is empty or only white space.
func Required(s string) error {
	if strings.TrimSpace(s) == "" {
		return errRequired
	}
	return nil
}

// MaxLen returns an error when s has more than n characters (runes).
func MaxLen(s string, n int) error {
	if utf8.RuneCountInString(s) > n {
		return message(fmt.Sprintf("Panjang maksimal %d karakter.", n))
	}
	return nil
}

// Password returns an error unless s has 10 to 128 characters (runes) and
// is not one character repeated.
func Password(s string) error {
	n := utf8.RuneCountInString(s)
	switch {
	case n < minPassword:
		return errPasswordShort
	case n > maxPassword:
		return errPasswordLong
	}
	first, _ := utf8.DecodeRuneInString(s)
	if strings.Trim(s, string(first)) == "" {
		return errPasswordRepeat
	}
	return nil
}

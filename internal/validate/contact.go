package validate

import (
	"net/mail"
	"strings"
	"unicode"
)

var (
	errPhoneEmpty = message("Nomor HP wajib diisi.")
	errPhone      = message("Nomor HP tidak valid. Contoh: 0812 3456 7890.")

	errEmailEmpty   = message("Alamat e-mail wajib diisi.")
	errEmailTooLong = message("Alamat e-mail terlalu panjang (maksimal 254 karakter).")
	errEmail        = message("Alamat e-mail tidak valid. Contoh: nama@contoh.go.id.")
)

// Phone validates an Indonesian mobile or landline number and returns it in
// E.164 form ("+62..."). It accepts "0812-3456-7890", "+62 812 3456 7890",
// "62812...", "812..." and "(0751) 123456"; the national part after 62 must
// have 8 to 13 digits.
func Phone(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", errPhoneEmpty
	}
	var b strings.Builder
	for i, r := range t {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case unicode.IsSpace(r), r == '-', r == '.', r == '(', r == ')':
		default:
			return "", errPhone
		}
	}
	d := b.String()
	var national string
	switch {
	case strings.HasPrefix(d, "+62"):
		national = strings.TrimPrefix(d[3:], "0")
	case strings.HasPrefix(d, "+"):
		return "", errPhone
	case strings.HasPrefix(d, "62"):
		national = strings.TrimPrefix(d[2:], "0")
	case strings.HasPrefix(d, "0"):
		national = d[1:]
	default:
		national = d
	}
	if len(national) < 8 || len(national) > 13 || national[0] < '2' || national[0] > '9' {
		return "", errPhone
	}
	return "+62" + national, nil
}

// Email validates an e-mail address and returns it trimmed and lowercased.
// The address must be a bare addr-spec (no display name), at most 254
// characters, with a dotted domain name.
func Email(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" {
		return "", errEmailEmpty
	}
	if len(e) > 254 {
		return "", errEmailTooLong
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Name != "" || a.Address != e {
		return "", errEmail
	}
	at := strings.LastIndexByte(e, '@')
	if at < 1 || at > 64 || !validDomain(e[at+1:]) {
		return "", errEmail
	}
	return e, nil
}

// LooksLikeEmail reports whether s contains "@", so a login box can accept
// either an e-mail address or a phone number.
func LooksLikeEmail(s string) bool {
	return strings.Contains(s, "@")
}

// validDomain reports whether d is a lowercase DNS name with at least two
// labels and a top-level label that is not numeric.
func validDomain(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return len(tld) >= 2 && !allDigits(tld)
}

// LocalPhone shows a stored +62 number as Indonesians write it: "0812 3456 7890".
// Anything else is returned unchanged.
func LocalPhone(e164 string) string {
	if !strings.HasPrefix(e164, "+62") || len(e164) < 6 {
		return e164
	}
	d := "0" + e164[3:]
	var b strings.Builder
	for i, r := range d {
		if i == 4 || (i > 4 && (i-4)%4 == 0) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

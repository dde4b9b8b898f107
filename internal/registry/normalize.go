package registry

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// cleanCell trims a cell, turns non-breaking spaces and line breaks into
// spaces, collapses runs of spaces, drops the apostrophe spreadsheet users
// type to keep numbers as text ('1311...), and repairs UTF-8 text that was
// once decoded as Windows-1252 ("JosÃ©" → "José").
func cleanCell(s string) string {
	if s == "" {
		return ""
	}
	s = repairMojibake(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u200b' || r == '\ufeff' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	out := b.String()
	if len(out) > 1 && out[0] == '\'' {
		out = out[1:]
	}
	return out
}

// repairMojibake undoes one round of UTF-8 bytes misread as Windows-1252,
// which shows as "Ã©" for "é". It changes s only when the result is valid
// UTF-8, so ordinary text passes through.
func repairMojibake(s string) string {
	if !strings.ContainsAny(s, "ÃÂâ") {
		return s
	}
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil || !utf8.Valid(b) || len(b) == len(s) {
		return s
	}
	return string(b)
}

// blank reports whether a cell means "nothing here": empty, a dash, or a
// phrase like "belum ada" that lists use for missing numbers.
func blank(s string) bool {
	switch strings.ToLower(strings.Trim(s, " .")) {
	case "", "-", "--", "–", "—", "0", "n/a", "na", "nihil", "tidak ada", "belum ada", "tidak punya",
		"belum punya", "belum", "tidak", "kosong", "null", "none", "x":
		return true
	}
	return false
}

// foldAccents removes accents: "José" → "Jose".
func foldAccents(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// words lower-cases s, folds accents, drops dots and apostrophes (so "C.V."
// becomes "cv") and splits on everything else that is not a letter or digit.
func words(s string) []string {
	s = strings.ToLower(foldAccents(s))
	s = strings.Map(func(r rune) rune {
		switch r {
		case '.', '\'', '’', '`', '´':
			return -1
		}
		return r
	}, s)
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// legalPrefixes are words in front of a business name that say what kind of
// business it is rather than which one.
var legalPrefixes = map[string]bool{
	"pt": true, "cv": true, "ud": true, "pd": true, "fa": true, "firma": true, "toko": true, "tk": true,
}

// MatchName is the form of a business name used to recognise a business with
// neither NIB nor NIK: lower case, accents and punctuation removed, legal
// prefixes ("CV", "UD", "PT", "Toko", also "Usaha Dagang") stripped, single spaces.
// "CV. Kopi Janggut" and "KOPI  JANGGUT" both give "kopi janggut".
func MatchName(name string) string {
	w := words(name)
	rest := w
	for len(rest) > 1 {
		switch {
		case legalPrefixes[rest[0]]:
			rest = rest[1:]
			continue
		case len(rest) > 2 && (rest[0] == "usaha" || rest[0] == "perusahaan") && rest[1] == "dagang":
			rest = rest[2:]
			continue
		}
		break
	}
	if len(rest) == 0 {
		rest = w
	}
	return strings.Join(rest, " ")
}

// parseScale reads a scale as lists write it: "Mikro", "Usaha Mikro",
// "MIKRO", "UMi", "Kecil (UK)", "menengah". ok is false for anything else.
func parseScale(s string) (Scale, bool) {
	if blank(s) {
		return "", true
	}
	w := strings.Join(words(s), " ")
	switch {
	case strings.Contains(w, "mikro"), strings.Contains(w, "micro"), w == "umi", w == "um", w == "usaha mikro":
		return ScaleMikro, true
	case strings.Contains(w, "menengah"), strings.Contains(w, "medium"), w == "umen", w == "um2":
		return ScaleMenengah, true
	case strings.Contains(w, "kecil"), strings.Contains(w, "small"), w == "uk":
		return ScaleKecil, true
	}
	return "", false
}

// minangSpellings maps Minangkabau spellings of place words to the ones the
// Kemendagri names use, so "Pauah Duo" (BPS) finds Pauh Duo.
var minangSpellings = map[string]string{
	"pauah": "pauh", "lubuak": "lubuk", "pasia": "pasir", "aia": "air", "tangah": "tengah",
	"muaro": "muara", "labuah": "labuh", "pasa": "pasar", "sei": "sungai", "sg": "sungai",
	"sungei": "sungai", "kampuang": "kampung", "ateh": "atas", "dua": "duo", "gadiang": "gading",
}

// placeKey is the form of a kecamatan or nagari name used for matching:
// without "Kec."/"Kecamatan"/"Nagari"/"Desa" in front, Minang spellings
// folded, and no spaces ("Kec. SUNGAI PAGU" → "sungaipagu").
func placeKey(s string) string {
	w := words(s)
	for len(w) > 1 {
		switch w[0] {
		case "kec", "kecamatan", "nagari", "kenagarian", "desa", "kelurahan", "kel":
			w = w[1:]
			continue
		}
		break
	}
	for i, x := range w {
		if y, ok := minangSpellings[x]; ok {
			w[i] = y
		}
	}
	return strings.Join(w, "")
}

// initials returns the first letters of a name's words ("Koto Parik Gadang
// Diateh" → "kpgd"), for the abbreviations kecamatan go by.
func initials(s string) string {
	var b strings.Builder
	for _, x := range words(s) {
		b.WriteString(x[:1])
	}
	return b.String()
}

// levenshtein is the edit distance between a and b (bytes; keys are ASCII).
func levenshtein(a, b string) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// digitsOnly returns the digits of s when s has nothing but digits, dots,
// spaces and dashes; else "".
func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '.' || r == ' ' || r == '-':
		default:
			return ""
		}
	}
	return b.String()
}

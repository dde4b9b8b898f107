package catalog

import (
	"strings"
	"unicode/utf8"
)

// Limits on what a search query may hold.
const (
	MaxQueryLen  = 200 // characters read from a query; the rest is ignored
	maxWords     = 10  // words searched for
	maxWordLen   = 40  // characters of one word
	minPrefixLen = 3   // the last word is also read as the start of a longer word from this length
)

// stopwords are words that carry no meaning in a catalog search. Keep this
// list equal to catalog_stopwords() in migrations/000020 (a test checks).
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`ada adalah agar akan anda antara apa apabila atau bagaimana bagi bahwa
		beberapa belanja beli belum berbagai bisa boleh butuh cari dalam dan dapat dari
		demikian dengan di dia dibeli dijual harga harus hanya hingga ia ingin ini itu
		jika juga jual kalau kami kamu karena ke kepada kita lagi maka membeli mencari
		menjual mereka mohon murah namun nya pada para pembelian pengadaan penjualan per
		perlu pula saja sangat saya se sebagai sedang sehingga semua seperti serta
		sesuai setiap sudah supaya tanpa tapi telah tentang terhadap termurah tersebut
		tetapi tidak tolong untuk yaitu yakni yang`) {
		stopwords[w] = true
	}
}

// Stopword reports whether w (lower case) is ignored by search.
func Stopword(w string) bool { return stopwords[w] }

// Normalize does what catalog_normalize() does in the database: lower case,
// everything but a-z and 0-9 becomes a space, and letters are separated from
// digits ("A4" is "a 4", "80gram" is "80 gram"). It returns the words.
func Normalize(s string) []string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	prev := byte(' ') // class of the last byte written: 'a' letter, '0' digit, ' ' space
	for _, r := range strings.ToLower(s) {
		var c byte
		switch {
		case r >= 'a' && r <= 'z':
			c = 'a'
		case r >= '0' && r <= '9':
			c = '0'
		default:
			if prev != ' ' {
				b.WriteByte(' ')
				prev = ' '
			}
			continue
		}
		if prev != ' ' && prev != c {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prev = c
	}
	return strings.Fields(b.String())
}

// Words returns the words of a search query that are searched for: the
// query cut to MaxQueryLen characters, normalized, without stopwords, each
// word cut to 40 characters, at most 10 words. cut reports whether the query
// was longer than MaxQueryLen.
func Words(q string) (words []string, cut bool) {
	if utf8.RuneCountInString(q) > MaxQueryLen {
		q = string([]rune(q)[:MaxQueryLen])
		cut = true
	}
	for _, w := range Normalize(q) {
		if stopwords[w] {
			continue
		}
		if len(w) > maxWordLen {
			w = w[:maxWordLen]
		}
		words = append(words, w)
		if len(words) == maxWords {
			break
		}
	}
	return words, cut
}

package document

import (
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"

	"lapak/internal/wib"
)

// cp1252 maps the runes above ASCII that Windows-1252, the encoding of the
// PDF core fonts, can show to their byte. It is read once from fpdf's own
// table (UnicodeTranslatorFromDescriptor("")): that translator is slow to
// build for every document and, sharing a buffer, unsafe to share between
// goroutines, so we keep only its table.
var cp1252 = sync.OnceValue(func() map[rune]byte {
	tr := fpdf.New("P", "mm", "A4", "").UnicodeTranslatorFromDescriptor("")
	m := make(map[rune]byte, 128)
	// Every rune Windows-1252 holds is at most U+2122 (the trade mark sign).
	for r := rune(0x80); r <= 0x2122; r++ {
		if s := tr(string(r)); len(s) == 1 && s[0] >= 0x80 {
			m[r] = s[0]
		}
	}
	return m
})

// encode converts s to Windows-1252 for the core fonts. Runes it cannot show
// (emoji, other scripts) become "?", combining marks are dropped (their base
// letter stays), and control characters become spaces unless keepNewlines
// keeps "\n" for MultiCell.
func encode(s string, keepNewlines bool) string {
	m := cp1252()
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		case r < 0x80:
			b.WriteByte(byte(r))
		case r == utf8.RuneError:
			b.WriteByte('?')
		case unicode.Is(unicode.Mn, r):
		default:
			if c, ok := m[r]; ok {
				b.WriteByte(c)
			} else {
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}

// capitalize returns s with its first letter in upper case, as a sentence
// starts: "satu juta rupiah" becomes "Satu juta rupiah".
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// placeDate returns the place and date line above the signatures, as
// "Padang Aro, 27 November 2026" (the date in WIB); only the date when place
// is empty, and "" when the date is zero.
func placeDate(place string, t time.Time) string {
	if t.IsZero() {
		return place
	}
	date := longDate(t)
	if place == "" {
		return date
	}
	return place + ", " + date
}

// longDate returns t in WIB as "27 November 2026".
func longDate(t time.Time) string {
	t = t.In(wib.Location)
	return strconv.Itoa(t.Day()) + " " + wib.Month(t.Month()) + " " + strconv.Itoa(t.Year())
}

// signedLine is the note in an electronically signed block.
func signedLine(t time.Time) string {
	return "Ditandatangani secara elektronik di Lapak, " + wib.DateTime(t)
}

// partyLabels names the two parties as the kind's document does: From is
// the party that issues the document or acts first (the PPK who orders, the
// supplier who hands over or bills, the treasurer who pays), To the other.
func (k Kind) partyLabels() (from, to string) {
	switch k {
	case SP:
		return "Pemesan", "Penyedia"
	case BAST:
		return "PIHAK PERTAMA", "PIHAK KEDUA"
	case Invoice:
		return "Dari", "Kepada"
	case Kuitansi:
		return "Pembayar", "Penerima"
	}
	return "Pihak pertama", "Pihak kedua"
}

// PartyLabels returns the headings of d.From and d.To as the document
// shows them, e.g. "Pemesan" and "Penyedia" on a Surat Pesanan.
func (d Data) PartyLabels() (from, to string) { return d.Kind.partyLabels() }

// PlaceDate returns the line above the signatures, e.g.
// "Padang Aro, 27 November 2026".
func (d Data) PlaceDate() string { return placeDate(d.Place, d.Date) }

// TerbilangLine returns "Terbilang: Satu juta rupiah", or "" when d has no
// terbilang.
func (d Data) TerbilangLine() string {
	if strings.TrimSpace(d.Terbilang) == "" {
		return ""
	}
	return "Terbilang: " + capitalize(strings.TrimSpace(d.Terbilang))
}

// SignedNote returns the electronic signature note of s, or "" when s is
// not signed.
func (s Signature) SignedNote() string {
	if s.SignedAt.IsZero() {
		return ""
	}
	return signedLine(s.SignedAt)
}

// Footnote is the authenticity note every page of a document carries.
const Footnote = "Dokumen ini dibuat oleh Lapak; keaslian dapat diperiksa dengan kode SHA-256 yang tercatat pada pesanan."

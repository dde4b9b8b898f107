package rupiah

import "strings"

var ones = [...]string{"", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"}

// Terbilang spells n in lowercase Indonesian words, as written on
// contracts and payment letters: 1250000 is "satu juta dua ratus lima puluh
// ribu", 0 is "nol" and negative amounts start with "minus". Amounts of
// 1000 triliun and above are spelled as multiples of triliun ("seribu
// triliun").
func Terbilang(n int64) string {
	if n == 0 {
		return "nol"
	}
	w := words(abs(n), nil)
	if n < 0 {
		w = append([]string{"minus"}, w...)
	}
	return strings.Join(w, " ")
}

// TerbilangRupiah is Terbilang followed by "rupiah", as in "satu juta dua
// ratus lima puluh ribu rupiah".
func TerbilangRupiah(n int64) string {
	return Terbilang(n) + " rupiah"
}

// words appends the words for u (u > 0) to w.
func words(u uint64, w []string) []string {
	const (
		ribu    = 1_000
		juta    = 1_000_000
		miliar  = 1_000_000_000
		triliun = 1_000_000_000_000
	)
	if u >= triliun {
		w = append(words(u/triliun, w), "triliun")
		u %= triliun
	}
	for _, s := range []struct {
		size uint64
		name string
	}{{miliar, "miliar"}, {juta, "juta"}} {
		if g := u / s.size; g > 0 {
			w = append(hundreds(g, w), s.name)
			u %= s.size
		}
	}
	if g := u / ribu; g == 1 {
		w = append(w, "seribu")
	} else if g > 1 {
		w = append(hundreds(g, w), "ribu")
	}
	return hundreds(u%ribu, w)
}

// hundreds appends the words for u (u < 1000) to w; zero adds nothing.
func hundreds(u uint64, w []string) []string {
	switch h := u / 100; {
	case h == 1:
		w = append(w, "seratus")
	case h > 1:
		w = append(w, ones[h], "ratus")
	}
	switch r := u % 100; {
	case r == 0:
	case r < 10:
		w = append(w, ones[r])
	case r == 10:
		w = append(w, "sepuluh")
	case r == 11:
		w = append(w, "sebelas")
	case r < 20:
		w = append(w, ones[r-10], "belas")
	default:
		w = append(w, ones[r/10], "puluh")
		if r%10 != 0 {
			w = append(w, ones[r%10])
		}
	}
	return w
}

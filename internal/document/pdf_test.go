package document

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lapak/internal/rupiah"
)

// Every kind renders a valid one-page PDF that states the document's number,
// its total and the total in words: what the signers agreed to must be
// readable in the file whose hash is stored.
func TestPDF_EveryKindShowsNumberTotalAndTerbilang(t *testing.T) {
	for _, k := range Kinds {
		t.Run(string(k), func(t *testing.T) {
			d := sample(k)
			pdf, err := PDF(d)
			if err != nil {
				t.Fatal(err)
			}
			keep(t, string(k), pdf)
			got := parse(t, pdf)
			if len(got.pages) != 1 {
				t.Errorf("pages = %d, want 1", len(got.pages))
			}
			text := flat(got.text())
			var notes []string
			for _, s := range d.Signers {
				notes = append(notes, s.Name)
				if note := s.SignedNote(); note != "" {
					notes = append(notes, note)
				}
			}
			for _, want := range append(notes,
				d.Regency, d.OPDName, k.Title(), "Nomor: "+d.Number,
				rupiah.Format(d.Total), "Terbilang: "+capitalize(d.Terbilang),
				"Padang Aro, 27 November 2026", "Halaman 1 dari 1", Footnote,
				"Kopi Sangir bubuk 250 g, café robusta ’Solok Selatan’", "Nasi kotak rendang – paket rapat",
			) {
				if !strings.Contains(text, want) {
					t.Errorf("PDF text lacks %q\ntext: %s", want, text)
				}
			}
		})
	}
}

// The kuitansi shows the taxes collected and withheld, what the supplier
// receives and the notice that this is no tax advice.
func TestPDF_KuitansiShowsTaxBreakdown(t *testing.T) {
	d := sample(Kuitansi)
	pdf, err := PDF(d)
	if err != nil {
		t.Fatal(err)
	}
	text := flat(parse(t, pdf).text())
	for _, want := range []string{
		"Dasar Pengenaan Pajak (DPP)", "Rp3.350.000", "PPN dipungut bendahara", "Rp368.500",
		"PPh Pasal 22 dipotong", "Rp50.250", "Jumlah diterima penyedia", "Rp3.299.750", "bukan nasihat pajak",
		"Pembayar", "Penerima",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("kuitansi lacks %q", want)
		}
	}
}

// The same Data gives the same bytes and hash, wherever its time was
// decoded: the stored SHA-256 must match when the document is opened again.
func TestPDF_Deterministic(t *testing.T) {
	for _, k := range Kinds {
		d := sample(k)
		first, err := PDF(d)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond / time.Duration(len(Kinds))) // a clock leaking in would show
		again := d
		again.Date = d.Date.UTC()
		second, err := PDF(again)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, second) {
			t.Errorf("%s: two renderings differ", k)
		}
		if Hash(first) != Hash(second) || len(Hash(first)) != 64 {
			t.Errorf("%s: hashes %s and %s", k, Hash(first), Hash(second))
		}
	}
}

// An undated document still renders the same bytes twice: fpdf would
// otherwise stamp the current time into the metadata.
func TestPDF_DeterministicWithoutDate(t *testing.T) {
	d := sample(SP)
	d.Date = time.Time{}
	first, err := PDF(d)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	second, err := PDF(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("two renderings of an undated document differ")
	}
}

// Sixty lines flow onto three pages: each continuation page repeats the
// table header, every line appears once, and every page is numbered
// "Halaman X dari 3".
func TestPDF_ManyLinesFlowOntoPages(t *testing.T) {
	d := sample(SP)
	d.Lines = manyLines(60)
	d.Taxes = Taxes{}
	d.Total = 60 * 20_000
	d.Terbilang = rupiah.TerbilangRupiah(d.Total)
	pdf, err := PDF(d)
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "sixty-lines", pdf)
	got := parse(t, pdf)
	if len(got.pages) != 3 {
		t.Fatalf("pages = %d, want 3", len(got.pages))
	}
	for i, page := range got.pages {
		if want := fmt.Sprintf("Halaman %d dari 3", i+1); !strings.Contains(page, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
		if !strings.Contains(page, "\nUraian\n") {
			t.Errorf("page %d lacks the table header", i+1)
		}
	}
	all := got.text() + "\n"
	for n := 1; n <= 60; n++ {
		if c := strings.Count(all, fmt.Sprintf("\nBarang nomor %d\n", n)); c != 1 {
			t.Errorf("line %d appears %d times", n, c)
		}
	}
	last := flat(got.pages[2])
	for _, want := range []string{rupiah.Format(d.Total), "Terbilang: Satu juta dua ratus ribu rupiah", "Pejabat Pembuat Komitmen"} {
		if !strings.Contains(last, want) {
			t.Errorf("last page lacks %q", want)
		}
	}
}

// A line whose description is longer than a page is split across pages
// instead of running off the paper.
func TestPDF_RowTallerThanAPageIsSplit(t *testing.T) {
	d := sample(SP)
	words := make([]string, 1500)
	for i := range words {
		words[i] = fmt.Sprintf("kata%d", i)
	}
	d.Lines[1].Description = strings.Join(words, " ")
	pdf, err := PDF(d)
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "long-row", pdf)
	got := parse(t, pdf)
	if len(got.pages) < 3 {
		t.Fatalf("pages = %d, want at least 3", len(got.pages))
	}
	text := flat(got.text())
	for _, w := range []string{"kata0 ", "kata750 ", "kata1499"} {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q", w)
		}
	}
}

// Characters the core fonts cannot show (emoji, other scripts, control
// characters) are replaced, never a panic or a broken file; those of
// Windows-1252 are kept.
func TestPDF_CharactersOutsideCP1252AreReplaced(t *testing.T) {
	d := sample(Invoice)
	d.To.Name = "Warung Kopi ☕ Mak Itam 😀"
	d.Lines[0].Description = "Kue 月饼\ttradisional\x00 «spesial» – Rp5.000 €"
	d.Paragraphs = append(d.Paragraphs, "Catatan:\nbaris kedua 🙂")
	pdf, err := PDF(d)
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "outside-cp1252", pdf)
	text := flat(parse(t, pdf).text())
	for _, want := range []string{"Warung Kopi ? Mak Itam ?", "Kue ?? tradisional «spesial» – Rp5.000 €", "baris kedua ?"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q\ntext: %s", want, text)
		}
	}
}

// An empty document (no lines, parties, taxes or signers) still renders.
func TestPDF_EmptyData(t *testing.T) {
	pdf, err := PDF(Data{Kind: SP})
	if err != nil {
		t.Fatal(err)
	}
	if got := parse(t, pdf); len(got.pages) != 1 {
		t.Errorf("pages = %d, want 1", len(got.pages))
	}
}

// keep writes pdf to $DOCUMENT_PDF_DIR/name.pdf when that variable is set,
// to look at the rendering by eye.
func keep(t *testing.T, name string, pdf []byte) {
	t.Helper()
	dir := os.Getenv("DOCUMENT_PDF_DIR")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		name, in string
		keep     bool
		want     string
	}{
		{"ASCII unchanged", "Rp1.250.000 (DPP)", false, "Rp1.250.000 (DPP)"},
		{"Latin-1 letter", "café", false, "caf\xe9"},
		{"typographic marks", "– ’ “ ” €", false, "\x96 \x92 \x93 \x94 \x80"},
		{"emoji replaced", "kopi ☕!", false, "kopi ?!"},
		{"combining accent dropped", "cafe\u0301", false, "cafe"},
		{"newline kept for paragraphs", "a\nb", true, "a\nb"},
		{"newline becomes a space in cells", "a\nb\tc", false, "a b c"},
		{"invalid UTF-8", "a\xffb", false, "a?b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(encode(tt.in, tt.keep), tt.want); diff != "" {
				t.Errorf("encode(%q) (-got +want):\n%s", tt.in, diff)
			}
		})
	}
}

func TestData_Sums(t *testing.T) {
	tests := []struct {
		name string
		d    Data
		want []Sum
	}{
		{"no taxes: the total", Data{Total: 1_500_000}, []Sum{{"Jumlah", 1_500_000, true}}},
		{"non-PKP with DPP only: gross total", Data{Total: 1_500_000, Taxes: Taxes{Gross: 1_500_000}},
			[]Sum{{"Jumlah", 1_500_000, true}}},
		{"PKP: DPP, PPN, gross", sample(SP), []Sum{
			{"Dasar Pengenaan Pajak (DPP)", 3_350_000, false}, {"PPN", 368_500, false}, {"Jumlah termasuk PPN", 3_718_500, true}}},
		{"kuitansi: taxes and net", sample(Kuitansi), []Sum{
			{"Dasar Pengenaan Pajak (DPP)", 3_350_000, false}, {"PPN", 368_500, false}, {"Jumlah termasuk PPN", 3_718_500, true},
			{"PPN dipungut bendahara", 368_500, false}, {"PPh Pasal 22 dipotong", 50_250, false},
			{"Jumlah diterima penyedia", 3_299_750, true}}},
		{"total not among the taxes: shown apart", Data{Total: 900, Taxes: Taxes{DPP: 1000, Gross: 1000}}, []Sum{
			{"Dasar Pengenaan Pajak (DPP)", 1000, false}, {"Jumlah", 1000, true}, {"Nilai dokumen", 900, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.d.Sums(), tt.want); diff != "" {
				t.Errorf("Sums (-got +want):\n%s", diff)
			}
		})
	}
}

func TestData_Lines(t *testing.T) {
	d := sample(SP)
	if diff := cmp.Diff(d.PlaceDate(), "Padang Aro, 27 November 2026"); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(d.TerbilangLine(), "Terbilang: Tiga juta tujuh ratus delapan belas ribu lima ratus rupiah"); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff(d.Signers[1].SignedNote(), "Ditandatangani secara elektronik di Lapak, Jumat, 27 November 2026 10.15 WIB"); diff != "" {
		t.Error(diff)
	}
	if got := (Signature{}).SignedNote(); got != "" {
		t.Errorf("unsigned note = %q, want none", got)
	}
}

// BenchmarkPDF renders a one-page Surat Pesanan with three lines.
func BenchmarkPDF(b *testing.B) {
	d := sample(SP)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PDF(d); err != nil {
			b.Fatal(err)
		}
	}
}

package document

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"lapak/internal/rupiah"
	"lapak/internal/wib"
)

// signedAt is when the sample documents were signed: Friday 27 November
// 2026, 10.15 WIB.
var signedAt = time.Date(2026, time.November, 27, 10, 15, 0, 0, wib.Location)

// sampleLines are three lines of a catering order at prices before tax.
func sampleLines() []Line {
	lines := []Line{
		{No: 1, Description: "Nasi kotak rendang – paket rapat (nasi, rendang, sayur, kerupuk, buah dan air mineral 600 ml)",
			Unit: "kotak", Qty: 50, UnitPrice: 35_000},
		{No: 2, Description: "Snack kotak isi tiga kue tradisional", Unit: "kotak", Qty: 50, UnitPrice: 15_000},
		{No: 3, Description: "Kopi Sangir bubuk 250 g, café robusta ’Solok Selatan’", Unit: "bungkus", Qty: 10, UnitPrice: 85_000},
	}
	for i := range lines {
		lines[i].Total = lines[i].Qty * lines[i].UnitPrice
	}
	return lines
}

// sample returns a realistic document of kind k from a PKP supplier: DPP
// Rp3.350.000, PPN Rp368.500, gross Rp3.718.500; the kuitansi also shows
// the PPN collected and PPh 22 withheld.
func sample(k Kind) Data {
	d := Data{
		Kind:       k,
		Number:     "027/" + strings.ToUpper(map[Kind]string{SP: "SP", BAST: "BAST", Invoice: "INV", Kuitansi: "KW"}[k]) + "/DINKES/XI/2026",
		Date:       signedAt,
		Place:      "Padang Aro",
		Regency:    "PEMERINTAH KABUPATEN SOLOK SELATAN",
		OPDName:    "DINAS KESEHATAN",
		OPDAddress: "Jl. Lintas Sumatera Km 5, Padang Aro, Kabupaten Solok Selatan, Sumatera Barat 27779",
		Fields: []Field{
			{"Kode RUP", "48213577"},
			{"Nama paket", "Belanja makanan dan minuman rapat koordinasi posyandu triwulan IV"},
			{"Kode rekening", "5.1.02.01.01.0052"},
			{"Sumber dana", "APBD Kabupaten Solok Selatan Tahun Anggaran 2026"},
		},
		From: Party{Name: "dr. Rina Marlina, M.Kes.", Role: "Pejabat Pembuat Komitmen", Org: "Dinas Kesehatan",
			Address: "Jl. Lintas Sumatera Km 5, Padang Aro", ID: "NIP 19800101 200501 2 001"},
		To: Party{Name: "CV Kopi Sangir Jaya", Role: "Penyedia", Org: "Usaha kecil",
			Address: "Jl. Raya Muara Labuh No. 12, Sangir", ID: "NPWP 01.234.567.8-201.000"},
		Lines: sampleLines(),
		Taxes: Taxes{DPP: 3_350_000, PPN: 368_500, Gross: 3_718_500},
		Total: 3_718_500,
		Paragraphs: []string{
			"Penyedia wajib mengirimkan barang ke alamat pemesan paling lambat tanggal 4 Desember 2026.",
			"Pembayaran dilakukan setelah Berita Acara Serah Terima ditandatangani oleh kedua belah pihak.",
		},
		Signers: []Signature{
			{Caption: "Penyedia", Name: "Yusuf Chaniago", ID: "NIK 1311012001850003", SignedAt: signedAt.Add(2 * time.Hour)},
			{Caption: "Pejabat Pembuat Komitmen", Name: "dr. Rina Marlina, M.Kes.", ID: "NIP 19800101 200501 2 001", SignedAt: signedAt},
		},
	}
	switch k {
	case BAST:
		d.Taxes = Taxes{}
		d.Fields = append(d.Fields, Field{"Surat Pesanan", "027/SP/DINKES/XI/2026 tanggal 20 November 2026"})
		d.Paragraphs = []string{"Pada hari ini, Jumat tanggal dua puluh tujuh bulan November tahun dua ribu dua puluh enam, " +
			"PIHAK KEDUA telah menyerahkan barang kepada PIHAK PERTAMA dalam keadaan baik dan jumlah yang cukup."}
	case Invoice:
		d.From, d.To = d.To, Party{Name: "Dinas Kesehatan", Role: "Pemesan", Address: "Jl. Lintas Sumatera Km 5, Padang Aro"}
		d.Signers = d.Signers[:1]
	case Kuitansi:
		d.Taxes.PPNCollected = 368_500
		d.Taxes.PPh22 = 50_250
		d.Taxes.Net = 3_299_750
		d.Taxes.Notice = "Rincian pajak dihitung Lapak menurut tabel tarif yang berlaku pada tanggal pembayaran; bukan nasihat pajak."
		d.Fields = append(d.Fields, Field{"Untuk pembayaran", "Belanja makanan dan minuman rapat sesuai SP 027/SP/DINKES/XI/2026"})
		d.Paragraphs = nil
		d.From = Party{Name: "Nofrita Sari, S.E.", Role: "Bendahara Pengeluaran", Org: "Dinas Kesehatan", ID: "NIP 19870505 201001 2 004"}
		d.Signers = []Signature{
			{Caption: "Setuju dibayar, Pejabat Pembuat Komitmen", Name: "dr. Rina Marlina, M.Kes.", ID: "NIP 19800101 200501 2 001"},
			{Caption: "Lunas dibayar, Bendahara Pengeluaran", Name: "Nofrita Sari, S.E.", ID: "NIP 19870505 201001 2 004", SignedAt: signedAt},
			{Caption: "Yang menerima, CV Kopi Sangir Jaya", Name: "Yusuf Chaniago", ID: "NIK 1311012001850003"},
		}
	}
	d.Terbilang = rupiah.TerbilangRupiah(d.Total)
	return d
}

// manyLines returns n one-line rows.
func manyLines(n int) []Line {
	lines := make([]Line, n)
	for i := range lines {
		lines[i] = Line{No: i + 1, Description: "Barang nomor " + strconv.Itoa(i+1), Unit: "buah", Qty: 2, UnitPrice: 10_000, Total: 20_000}
	}
	return lines
}

// rendered is a parsed PDF: the text shown on each of its pages.
type rendered struct {
	pages []string
}

// text returns the text of all pages.
func (r rendered) text() string { return strings.Join(r.pages, "\n") }

// parse checks pdf's structure with readPDF (pdfcpu_test.go validates it
// fully when built with -tags pdfcpu) and extracts each page's text.
func parse(t *testing.T, pdf []byte) rendered {
	t.Helper()
	contents, err := readPDF(pdf)
	if err != nil {
		t.Fatalf("read PDF: %v", err)
	}
	var out rendered
	for _, c := range contents {
		out.pages = append(out.pages, showText(c))
	}
	return out
}

// showText returns the strings a content stream shows with Tj, one a line,
// decoded from Windows-1252.
func showText(content []byte) string {
	var lines []string
	for i := 0; i < len(content); i++ {
		if content[i] != '(' {
			continue
		}
		s, end := pdfString(content, i+1)
		i = end
		if strings.HasPrefix(strings.TrimLeft(string(content[end+1:min(end+6, len(content))]), " "), "Tj") {
			lines = append(lines, decode1252(s))
		}
	}
	return strings.Join(lines, "\n")
}

// pdfString reads a literal string starting after its "(" at i and returns
// it unescaped with the index of its closing ")".
func pdfString(c []byte, i int) ([]byte, int) {
	var s []byte
	depth := 0
	for ; i < len(c); i++ {
		switch ch := c[i]; ch {
		case '\\':
			i++
			if i >= len(c) {
				return s, i
			}
			switch e := c[i]; e {
			case 'n':
				s = append(s, '\n')
			case 'r':
				s = append(s, '\r')
			case 't':
				s = append(s, '\t')
			default:
				if e >= '0' && e <= '7' {
					v := 0
					for k := 0; k < 3 && i < len(c) && c[i] >= '0' && c[i] <= '7'; k++ {
						v = v*8 + int(c[i]-'0')
						i++
					}
					i--
					s = append(s, byte(v))
				} else {
					s = append(s, e)
				}
			}
		case '(':
			depth++
			s = append(s, ch)
		case ')':
			if depth == 0 {
				return s, i
			}
			depth--
			s = append(s, ch)
		default:
			s = append(s, ch)
		}
	}
	return s, i
}

// decode1252 converts Windows-1252 bytes to UTF-8.
func decode1252(b []byte) string {
	back := make(map[byte]rune, 128)
	for r, c := range cp1252() {
		back[c] = r
	}
	var sb strings.Builder
	for _, c := range b {
		if c < 0x80 {
			sb.WriteByte(c)
		} else if r, ok := back[c]; ok {
			sb.WriteRune(r)
		} else {
			sb.WriteRune('\uFFFD')
		}
	}
	return sb.String()
}

// flat joins lines with spaces, so text wrapped by MultiCell reads as one.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

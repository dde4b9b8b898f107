package invitation

import (
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"
)

// The letterhead of invitation letters.
const (
	letterheadGov   = "PEMERINTAH KABUPATEN SOLOK SELATAN"
	letterheadDinas = "DINAS PERINDUSTRIAN, PERDAGANGAN, KOPERASI DAN UKM"
	letterheadPlace = "Padang Aro, Kabupaten Solok Selatan, Sumatera Barat"
	letterPlace     = "Padang Aro"
)

// The fixed paragraphs of a letter.
const (
	letterIntro = "Pemerintah Kabupaten Solok Selatan mengajak usaha Bapak/Ibu bergabung di Lapak, e-marketplace tempat " +
		"kantor-kantor pemerintah daerah (OPD) membeli barang dan jasa langsung dari UMKM setempat."
	letterRule = "Menurut Peraturan Bupati Solok Selatan, pembelian barang dan jasa oleh pemerintah daerah sampai Rp200 juta " +
		"dilakukan kepada UMKM lokal melalui e-marketplace. Usaha yang sudah terdaftar dan diverifikasi di Lapak dapat menerima " +
		"pesanan dari OPD. Pendaftaran tidak dipungut biaya."
	letterWarning = "Kode ini hanya untuk usaha Bapak/Ibu dan hanya dapat dipakai satu kali. Jangan berikan kode atau kata sandi " +
		"kepada siapa pun; petugas tidak pernah memintanya."
	letterContact = "Butuh bantuan? Datang ke kantor Dinas Perindustrian, Perdagangan, Koperasi dan UKM di Padang Aro pada hari " +
		"kerja, atau tanyakan kepada petugas Koperindag yang menyerahkan surat ini. Petugas juga dapat membantu mendaftarkan " +
		"usaha Anda langsung di tempat."
)

// letterSteps are the steps to activate, numbered on the letter.
var letterSteps = []string{
	"Pindai kode QR dengan kamera HP, atau buka alamat aktivasi di peramban (browser), lalu masukkan kode aktivasi.",
	"Isi nama dan nomor HP Anda, lalu buat kata sandi sendiri.",
	"Lengkapi profil usaha: alamat, produk atau jasa, dan rekening bank.",
	"Unggah dokumen: KTP pemilik, NIB dari OSS, NPWP bila ada, dan foto usaha. Petugas Koperindag akan memeriksanya.",
}

// Page geometry in millimetres (A4). Every block has a fixed place, so that
// long names or addresses never push the letter onto a second page.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 20.0
	textW        = pageW - 2*margin
	addresseeY   = 56.0 // "Kepada Yth." and the addressee, 6 lines at most
	bodyY        = 90.0 // "Dengan hormat," and the two paragraphs
	boxY, boxH   = 131.0, 52.0
	qrSize       = 44.0
	boxTextW     = textW - qrSize - 14
)

// WriteLetters writes one A4 page per invitation to w as a PDF: the
// regency's letterhead, the date (in WIB), the business and its owner, what
// Lapak is and why it matters, the code in large type with its QR code and
// link, the steps, and whom to ask. date is the letters' date. Nothing is
// written when a letter cannot be made.
//
// What all letters share is drawn once, as a form every page reuses; each
// page adds only its addressee, code, link and QR code, about 2 kB once
// compressed. fpdf holds the document until it is complete, so the whole
// registry (9.782 letters, 18 MB) takes about 200 MB of memory for a few
// seconds; the web pages ask for at most MaxBatch letters at once.
func WriteLetters(w io.Writer, list []Issued, date time.Time) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Undangan bergabung di Lapak", true)
	pdf.SetAuthor(Sender, true)
	pdf.SetCreator("Lapak", false)
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	pdf.SetCatalogSort(true)
	pdf.SetMargins(margin, margin, margin)
	// A letter is exactly one page: text never flows onto another.
	pdf.SetAutoPageBreak(false, 0)
	// The shared form uses the document's font list: register every font first.
	for _, f := range [][2]string{{"Helvetica", ""}, {"Helvetica", "B"}, {"Helvetica", "I"}, {"Courier", ""}, {"Courier", "B"}} {
		pdf.SetFont(f[0], f[1], 10)
	}
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	shared := pdf.CreateTemplate(func(t *fpdf.Tpl) {
		letterShared(&t.Fpdf, tr, letterPlace+", "+letterDate(date))
	})
	qr := qrCodes(list, pdf.GetConversionRatio())
	defer qr.stop()
	for i := range list {
		path, err := qr.next()
		if err != nil {
			return fmt.Errorf("invitation: letter %d: QR code: %w", i+1, err)
		}
		pdf.AddPage()
		pdf.UseTemplate(shared)
		if err := letterOwn(pdf, tr, &list[i], path); err != nil {
			return fmt.Errorf("invitation: letter %d: %w", i+1, err)
		}
	}
	if len(list) == 0 {
		pdf.AddPage()
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("invitation: write letters: %w", err)
	}
	return nil
}

// letterShared draws what every letter of a batch shows.
func letterShared(pdf *fpdf.Fpdf, tr func(string) string, dated string) {
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("Helvetica", "B", 13)
	pdf.SetXY(margin, 16)
	pdf.CellFormat(textW, 6, tr(letterheadGov), "", 1, "C", false, 0, "")
	pdf.SetFont("Helvetica", "B", 12)
	pdf.CellFormat(textW, 6, tr(letterheadDinas), "", 1, "C", false, 0, "")
	pdf.SetFont("Helvetica", "", 9.5)
	pdf.CellFormat(textW, 5, tr(letterheadPlace), "", 1, "C", false, 0, "")
	pdf.SetLineWidth(0.8)
	pdf.Line(margin, 35, pageW-margin, 35)
	pdf.SetLineWidth(0.2)
	pdf.Line(margin, 36.2, pageW-margin, 36.2)

	pdf.SetFont("Helvetica", "", 10.5)
	pdf.SetXY(margin, 40)
	pdf.CellFormat(textW, 5, tr(dated), "", 1, "R", false, 0, "")
	pdf.CellFormat(textW, 5, tr("Perihal: Undangan bergabung di Lapak, e-Marketplace Pengadaan Kabupaten Solok Selatan"), "", 1, "L", false, 0, "")
	pdf.SetXY(margin, addresseeY)
	pdf.CellFormat(textW, 5, tr("Kepada Yth."), "", 1, "L", false, 0, "")

	pdf.SetXY(margin, bodyY)
	pdf.CellFormat(textW, 5, tr("Dengan hormat,"), "", 1, "L", false, 0, "")
	pdf.Ln(1)
	pdf.MultiCell(textW, 5, tr(letterIntro), "", "J", false)
	pdf.Ln(1.5)
	pdf.MultiCell(textW, 5, tr(letterRule), "", "J", false)

	pdf.SetFillColor(238, 244, 240)
	pdf.SetDrawColor(11, 107, 58)
	pdf.SetLineWidth(0.4)
	pdf.Rect(margin, boxY, textW, boxH, "FD")
	pdf.SetFillColor(255, 255, 255)
	pdf.Rect(pageW-margin-qrSize-4, boxY+(boxH-qrSize)/2, qrSize, qrSize, "F")
	pdf.SetFont("Helvetica", "", 10.5)
	pdf.SetXY(margin+5, boxY+4)
	pdf.CellFormat(boxTextW, 5, tr("Kode aktivasi Anda:"), "", 2, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.SetXY(margin+5, boxY+30)
	pdf.CellFormat(boxTextW, 5, tr("Alamat aktivasi:"), "", 2, "L", false, 0, "")

	pdf.SetXY(margin, boxY+boxH+5)
	pdf.SetFont("Helvetica", "B", 10.5)
	pdf.CellFormat(textW, 5, tr("Cara mengaktifkan akun usaha Anda:"), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10.5)
	for n, step := range letterSteps {
		y := pdf.GetY() + 0.5
		pdf.SetXY(margin, y)
		pdf.CellFormat(6, 5, fmt.Sprintf("%d.", n+1), "", 0, "L", false, 0, "")
		pdf.SetXY(margin+6, y)
		pdf.MultiCell(textW-6, 5, tr(step), "", "L", false)
	}
	pdf.Ln(2)
	pdf.SetFont("Helvetica", "I", 10)
	pdf.MultiCell(textW, 4.8, tr(letterWarning), "", "L", false)
	pdf.Ln(2)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(textW, 4.8, tr(letterContact), "", "L", false)

	pdf.SetXY(pageW/2, 258)
	pdf.SetFont("Helvetica", "", 10.5)
	pdf.CellFormat(textW/2, 5, tr("Hormat kami,"), "", 2, "L", false, 0, "")
	pdf.MultiCell(textW/2, 5, tr(Sender), "", "L", false)
}

// letterOwn draws what is particular to one letter: the addressee, the code,
// its expiry and link, and the QR code.
func letterOwn(pdf *fpdf.Fpdf, tr func(string) string, iss *Issued, qrPath string) error {
	pdf.SetTextColor(0, 0, 0)
	pdf.SetXY(margin, addresseeY+5)
	pdf.SetFont("Helvetica", "B", 10.5)
	addressee := "Bapak/Ibu Pemilik" // the business's name follows on the next line
	if iss.OwnerName != "" {
		addressee = iss.salutation()
	}
	pdf.CellFormat(textW, 5, fit(pdf, tr(addressee), textW), "", 1, "L", false, 0, "")
	pdf.CellFormat(textW, 5, fit(pdf, tr(iss.BusinessName), textW), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10.5)
	if iss.Address != "" {
		lines := pdf.SplitLines([]byte(tr(iss.Address)), textW)
		if len(lines) > 2 {
			lines = lines[:2]
			lines[1] = []byte(fit(pdf, string(lines[1])+" ...", textW))
		}
		for _, l := range lines {
			pdf.CellFormat(textW, 5, string(l), "", 1, "L", false, 0, "")
		}
	}
	var region []string
	if iss.NagariName != "" {
		region = append(region, "Nagari "+iss.NagariName)
	}
	if iss.KecamatanName != "" {
		region = append(region, "Kecamatan "+iss.KecamatanName)
	}
	if len(region) > 0 {
		pdf.CellFormat(textW, 5, fit(pdf, tr(strings.Join(region, ", ")), textW), "", 1, "L", false, 0, "")
	}

	pdf.SetXY(margin+5, boxY+9)
	pdf.SetFont("Courier", "B", 30)
	pdf.CellFormat(boxTextW, 14, iss.Code, "", 2, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.CellFormat(boxTextW, 5, tr("Berlaku sampai "+letterDate(iss.ExpiresAt)+"."), "", 2, "L", false, 0, "")
	pdf.SetXY(margin+5, boxY+35)
	pdf.SetFont("Courier", "", 9)
	pdf.MultiCell(boxTextW, 4.2, iss.URL, "", "L", false)
	pdf.RawWriteStr(qrPath)
	return pdf.Error()
}

// fit shortens s (already in the PDF's encoding) with "..." until it fits in
// width w in the current font.
func fit(pdf *fpdf.Fpdf, s string, w float64) string {
	if pdf.GetStringWidth(s) <= w {
		return s
	}
	for len(s) > 0 && pdf.GetStringWidth(s+"...") > w {
		s = s[:len(s)-1]
	}
	return strings.TrimRight(s, " ") + "..."
}

// qrPipeline makes the letters' QR codes on every core while the pages are
// drawn in order on one: the QR codes are most of the work.
type qrPipeline struct {
	results []chan qrResult
	ahead   chan struct{} // bounds how many QR codes wait, so memory stays small
	done    chan struct{}
	i       int
}

type qrResult struct {
	path string
	err  error
}

// qrCodes starts making the QR codes of list's links, in points at k points
// per millimetre.
func qrCodes(list []Issued, k float64) *qrPipeline {
	p := &qrPipeline{results: make([]chan qrResult, len(list)), ahead: make(chan struct{}, 4*runtime.GOMAXPROCS(0)),
		done: make(chan struct{})}
	for i := range p.results {
		p.results[i] = make(chan qrResult, 1)
	}
	go func() {
		for i := range list {
			select {
			case p.ahead <- struct{}{}:
			case <-p.done:
				return
			}
			go func() {
				path, err := qrPath(list[i].URL, pageW-margin-qrSize-4, boxY+(boxH-qrSize)/2, qrSize, k)
				p.results[i] <- qrResult{path, err}
			}()
		}
	}()
	return p
}

// next returns the next letter's QR code.
func (p *qrPipeline) next() (string, error) {
	r := <-p.results[p.i]
	p.i++
	<-p.ahead
	return r.path, r.err
}

// stop ends the pipeline early; QR codes being made finish on their own.
func (p *qrPipeline) stop() { close(p.done) }

// qrPath returns the page content that draws the QR code of content as black
// modules, size millimetres wide with its top left at (x, y), at k points per
// millimetre. Vector squares print sharply at any size and cost far less than
// an image per page.
func qrPath(content string, x, y, size, k float64) (string, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return "", err
	}
	bits := q.Bitmap() // with the quiet zone the standard asks for
	n := len(bits)
	if n == 0 {
		return "", nil
	}
	cell := size / float64(n) * k
	// One path of horizontal runs in module units, filled once: a matrix maps
	// modules to points (origin at the page's bottom left), and q/Q keep the
	// black fill to this path, as fpdf tracks colours itself.
	var b strings.Builder
	b.Grow(n * n)
	fmt.Fprintf(&b, "q 0 g %.4f 0 0 %.4f %.2f %.2f cm\n", cell, cell, x*k, (pageH-y-size)*k)
	for r, row := range bits {
		for c := 0; c < n; {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < n && row[c] {
				c++
			}
			b.WriteString(strconv.Itoa(start))
			b.WriteByte(' ')
			b.WriteString(strconv.Itoa(n - 1 - r))
			b.WriteByte(' ')
			b.WriteString(strconv.Itoa(c - start))
			b.WriteString(" 1 re\n")
		}
	}
	b.WriteString("f Q\n")
	return b.String(), nil
}

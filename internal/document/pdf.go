package document

import (
	"bytes"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"

	"lapak/internal/wib"
)

// Page geometry in millimetres (A4 portrait).
const (
	pageW, pageH = 210.0, 297.0
	margin       = 20.0
	topMargin    = 15.0
	contTop      = 20.0 // where text starts on pages after the first
	textW        = pageW - 2*margin
	bottomLimit  = 22.0 // the footer's band at the foot of every page
	lineH        = 5.0
)

// noDate stands in for a missing d.Date in the PDF's metadata, so that even
// an undated document renders the same bytes every time.
var noDate = time.Date(2000, time.January, 1, 0, 0, 0, 0, wib.Location)

// PDF renders d as a PDF, the same bytes every time for the same d: an A4
// letter with the regency letterhead, the title and number, the header
// fields, the parties, the lines table (flowing onto more pages with its
// header repeated), the totals and taxes, the amount in words, the
// paragraphs and the signature blocks, and on every page a footer with the
// page number and the authenticity note.
//
// Only the core font Helvetica is used, in Windows-1252: characters outside
// it are replaced. Content streams are left uncompressed: a one-page
// document is ~10 KB, PostgreSQL compresses it when stored, and a zlib
// writer per page would cost more than the rest of the rendering. The
// output depends only on d, this file and the fpdf version; ordering still
// stores the signed bytes with their hash, so a later release that renders
// differently never changes a signed document.
func PDF(d Data) ([]byte, error) {
	r := newRenderer(d)
	r.pdf.AddPage()
	r.letterhead()
	r.title()
	r.fields()
	r.parties()
	r.table()
	r.sums()
	r.terbilang()
	r.paragraphs()
	r.signatures()
	var buf bytes.Buffer
	buf.Grow(16 << 10)
	if err := r.pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("document: render %s %q: %w", d.Kind, d.Number, err)
	}
	return buf.Bytes(), nil
}

// renderer draws one document.
type renderer struct {
	pdf *fpdf.Fpdf
	d   Data
}

// newRenderer sets up an A4 document with fixed metadata, the running
// header of continuation pages and the footer.
func newRenderer(d Data) *renderer {
	pdf := fpdf.New("P", "mm", "A4", "")
	r := &renderer{pdf: pdf, d: d}
	date := noDate
	if !d.Date.IsZero() {
		date = d.Date.In(wib.Location)
	}
	pdf.SetCreationDate(date)
	pdf.SetModificationDate(date)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(false)
	pdf.SetProducer("Lapak", false)
	pdf.SetCreator("Lapak", false)
	pdf.SetTitle(d.Kind.Label()+" "+d.Number, true)
	if d.OPDName != "" {
		pdf.SetAuthor(d.OPDName, true)
	}
	pdf.SetLang("id-ID")
	pdf.SetMargins(margin, topMargin, margin)
	pdf.SetAutoPageBreak(true, bottomLimit)
	pdf.AliasNbPages("{nb}")
	pdf.SetHeaderFunc(r.runningHeader)
	pdf.SetFooterFunc(r.footer)
	return r
}

// text converts s for a one-line cell.
func (r *renderer) text(s string) string { return encode(s, false) }

// font sets the font: style "", "B", "I" or "BI" and size in points.
func (r *renderer) font(style string, size float64) { r.pdf.SetFont("Helvetica", style, size) }

// ink sets the text colour to black, or to a dark grey for secondary text.
func (r *renderer) ink(muted bool) {
	if muted {
		r.pdf.SetTextColor(75, 85, 99)
		return
	}
	r.pdf.SetTextColor(0, 0, 0)
}

// room reports whether h millimetres still fit above the footer.
func (r *renderer) room(h float64) bool {
	_, ph := r.pdf.GetPageSize()
	return r.pdf.GetY()+h <= ph-bottomLimit
}

// keep starts a new page unless h millimetres fit on this one.
func (r *renderer) keep(h float64) {
	if !r.room(h) {
		r.pdf.AddPage()
	}
}

// runningHeader names the document at the top of pages after the first.
func (r *renderer) runningHeader() {
	if r.pdf.PageNo() <= 1 {
		return
	}
	r.font("", 8)
	r.ink(true)
	r.pdf.SetXY(margin, 10)
	r.pdf.CellFormat(textW, 4, r.text(r.d.Kind.Label()+" Nomor: "+r.d.Number), "", 0, "L", false, 0, "")
	r.pdf.SetDrawColor(150, 150, 150)
	r.pdf.SetLineWidth(0.2)
	r.pdf.Line(margin, 15, pageW-margin, 15)
	r.pdf.SetDrawColor(0, 0, 0)
	r.ink(false)
	r.pdf.SetXY(margin, contTop)
}

// footer writes the authenticity note and "Halaman X dari Y".
func (r *renderer) footer() {
	y := pageH - 17
	r.pdf.SetDrawColor(150, 150, 150)
	r.pdf.SetLineWidth(0.2)
	r.pdf.Line(margin, y, pageW-margin, y)
	r.pdf.SetDrawColor(0, 0, 0)
	r.ink(true)
	r.font("I", 7)
	r.pdf.SetXY(margin, y+1.5)
	r.pdf.MultiCell(textW-34, 3.2, r.text(Footnote), "", "L", false)
	r.font("", 8)
	// Left-aligned: the width of the "{nb}" alias is not the width of the
	// number that replaces it.
	r.pdf.SetXY(pageW-margin-30, y+1.5)
	r.pdf.CellFormat(30, 3.2, fmt.Sprintf("Halaman %d dari {nb}", r.pdf.PageNo()), "", 0, "L", false, 0, "")
	r.ink(false)
}

// letterhead writes the regency, the OPD and its address over a double rule.
func (r *renderer) letterhead() {
	d := r.d
	r.pdf.SetXY(margin, topMargin)
	r.font("B", 13)
	r.pdf.MultiCell(textW, 6, r.text(d.Regency), "", "C", false)
	r.font("B", 12)
	r.pdf.MultiCell(textW, 6, r.text(d.OPDName), "", "C", false)
	r.font("", 9.5)
	r.pdf.MultiCell(textW, 4.5, r.text(d.OPDAddress), "", "C", false)
	y := r.pdf.GetY() + 2
	r.pdf.SetLineWidth(0.8)
	r.pdf.Line(margin, y, pageW-margin, y)
	r.pdf.SetLineWidth(0.2)
	r.pdf.Line(margin, y+1.2, pageW-margin, y+1.2)
	r.pdf.SetY(y + 6)
}

// title writes the kind's heading, underlined, and the number.
func (r *renderer) title() {
	r.font("BU", 12.5)
	r.pdf.MultiCell(textW, 6, r.text(r.d.Kind.Title()), "", "C", false)
	r.font("", 10.5)
	r.pdf.MultiCell(textW, 5.5, r.text("Nomor: "+r.d.Number), "", "C", false)
	r.pdf.Ln(4)
}

// fields writes the header fields as "label : value" rows.
func (r *renderer) fields() {
	const labelW, colonW = 48.0, 4.0
	r.font("", 10)
	for _, f := range r.d.Fields {
		value := r.pdf.SplitLines([]byte(r.text(f.Value)), textW-labelW-colonW)
		r.keep(float64(max(len(value), 1)) * lineH)
		y := r.pdf.GetY()
		r.pdf.SetXY(margin, y)
		r.pdf.CellFormat(labelW, lineH, r.text(f.Label), "", 0, "L", false, 0, "")
		r.pdf.CellFormat(colonW, lineH, ":", "", 0, "L", false, 0, "")
		r.pdf.MultiCell(textW-labelW-colonW, lineH, r.text(f.Value), "", "L", false)
	}
	if len(r.d.Fields) > 0 {
		r.pdf.Ln(3)
	}
}

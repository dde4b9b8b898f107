package document

import (
	"strconv"

	"lapak/internal/rupiah"
)

// column is one column of the lines table.
type column struct {
	head  string
	width float64
	align string // "L", "C" or "R"
}

// columns of the lines table; their widths add up to textW.
var columns = []column{
	{"No", 9, "C"},
	{"Uraian", 63, "L"},
	{"Satuan", 18, "L"},
	{"Volume", 17, "R"},
	{"Harga satuan", 30, "R"},
	{"Jumlah", 33, "R"},
}

// Table geometry in millimetres.
const (
	cellLineH = 4.5 // a line of text in a row
	cellPad   = 1.2 // above and below a row's text
	headH     = 7.0
	sumH      = 6.0
)

// table writes the lines table. A row that does not fit goes to the next
// page, under the repeated header; a row taller than a page is split.
func (r *renderer) table() {
	r.keep(headH + cellLineH + 2*cellPad)
	r.pdf.Ln(2)
	r.tableHeader()
	for i, l := range r.d.Lines {
		no := l.No
		if no == 0 {
			no = i + 1
		}
		r.row([]string{strconv.Itoa(no), l.Description, l.Unit, rupiah.FormatPlain(l.Qty),
			rupiah.Format(l.UnitPrice), rupiah.Format(l.Total)})
	}
}

// tableHeader writes the table's header row.
func (r *renderer) tableHeader() {
	r.font("B", 9)
	r.pdf.SetFillColor(231, 238, 233)
	r.pdf.SetX(margin)
	for _, c := range columns {
		r.pdf.CellFormat(c.width, headH, c.head, "1", 0, "C", true, 0, "")
	}
	r.pdf.Ln(headH)
}

// row writes one table row whose cells wrap onto as many lines as needed.
func (r *renderer) row(cells []string) {
	r.font("", 9)
	lines := make([][][]byte, len(columns))
	n := 1
	for i, c := range columns {
		lines[i] = r.pdf.SplitLines([]byte(encode(cells[i], true)), c.width)
		n = max(n, len(lines[i]))
	}
	_, ph := r.pdf.GetPageSize()
	perPage := int((ph - bottomLimit - contTop - headH - 2*cellPad) / cellLineH)
	for start := 0; start < n; {
		fit := int((ph - bottomLimit - r.pdf.GetY() - 2*cellPad) / cellLineH)
		rest := n - start
		if rest > fit && (fit < 3 || (start == 0 && rest <= perPage)) {
			r.pdf.AddPage()
			r.tableHeader()
			r.font("", 9)
			continue
		}
		end := min(n, start+fit)
		r.rowPart(lines, start, end)
		start = end
	}
}

// rowPart draws lines [start, end) of a row's cells with their borders.
func (r *renderer) rowPart(lines [][][]byte, start, end int) {
	y := r.pdf.GetY()
	h := float64(end-start)*cellLineH + 2*cellPad
	x := margin
	for i, c := range columns {
		r.pdf.Rect(x, y, c.width, h, "D")
		for j := start; j < end && j < len(lines[i]); j++ {
			r.pdf.SetXY(x, y+cellPad+float64(j-start)*cellLineH)
			r.pdf.CellFormat(c.width, cellLineH, string(lines[i][j]), "", 0, c.align, false, 0, "")
		}
		x += c.width
	}
	r.pdf.SetXY(margin, y+h)
}

// sums writes the totals under the table, aligned on the Jumlah column, and
// the tax notice in small type.
func (r *renderer) sums() {
	amountW := columns[len(columns)-1].width
	for _, s := range r.d.Sums() {
		r.keep(sumH)
		style := ""
		if s.Strong {
			style = "B"
		}
		r.font(style, 9)
		r.pdf.SetX(margin)
		r.pdf.CellFormat(textW-amountW, sumH, r.text(s.Label), "1", 0, "R", false, 0, "")
		r.pdf.CellFormat(amountW, sumH, rupiah.Format(s.Amount), "1", 1, "R", false, 0, "")
	}
	if r.d.Taxes.Notice != "" {
		r.pdf.Ln(1)
		r.font("I", 7.5)
		r.ink(true)
		r.pdf.MultiCell(textW, 3.5, encode(r.d.Taxes.Notice, true), "", "L", false)
		r.ink(false)
	}
}

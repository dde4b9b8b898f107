package document

// styled is a piece of text and the font style it is written in.
type styled struct {
	style string
	size  float64
	text  string
}

// Geometry of the party and signature blocks in millimetres.
const (
	blockGap   = 8.0  // between two side-by-side blocks
	blockLineH = 4.8  // a line of a party block
	signSpace  = 20.0 // room for a wet signature or the electronic note
)

// partyBlock lists what the block of party p shows under its heading.
func partyBlock(heading string, p Party) []styled {
	out := []styled{{"B", 10, heading}}
	for _, s := range []styled{{"B", 10, p.Name}, {"", 9.5, p.Role}, {"", 9.5, p.Org},
		{"", 9.5, p.Address}, {"", 9.5, p.ID}} {
		if s.text != "" {
			out = append(out, s)
		}
	}
	return out
}

// height returns the height of a block of width w at line height lh.
func (r *renderer) height(block []styled, w, lh float64) float64 {
	var h float64
	for _, s := range block {
		r.font(s.style, s.size)
		h += float64(max(len(r.pdf.SplitLines([]byte(encode(s.text, true)), w)), 1)) * lh
	}
	return h
}

// draw writes a block at (x, y) in width w, each piece aligned as align.
func (r *renderer) draw(block []styled, x, y, w, lh float64, align string) {
	r.pdf.SetXY(x, y)
	for _, s := range block {
		r.font(s.style, s.size)
		r.pdf.SetX(x)
		r.pdf.MultiCell(w, lh, encode(s.text, true), "", align, false)
	}
}

// parties writes the two parties side by side.
func (r *renderer) parties() {
	if r.d.From == (Party{}) && r.d.To == (Party{}) {
		return
	}
	fromLabel, toLabel := r.d.PartyLabels()
	colW := (textW - blockGap) / 2
	from, to := partyBlock(fromLabel, r.d.From), partyBlock(toLabel, r.d.To)
	h := max(r.height(from, colW, blockLineH), r.height(to, colW, blockLineH))
	r.keep(h)
	y := r.pdf.GetY()
	r.draw(from, margin, y, colW, blockLineH, "L")
	r.draw(to, margin+colW+blockGap, y, colW, blockLineH, "L")
	r.pdf.SetXY(margin, y+h+3)
}

// terbilang writes the amount in words.
func (r *renderer) terbilang() {
	line := r.d.TerbilangLine()
	if line == "" {
		return
	}
	r.pdf.Ln(3)
	r.font("I", 10)
	r.pdf.SetX(margin)
	r.pdf.MultiCell(textW, lineH, r.text(line), "", "L", false)
}

// paragraphs writes the document's paragraphs, justified.
func (r *renderer) paragraphs() {
	r.font("", 10)
	for _, p := range r.d.Paragraphs {
		r.pdf.Ln(2)
		r.pdf.SetX(margin)
		r.pdf.MultiCell(textW, lineH, encode(p, true), "", "J", false)
	}
}

// signatures writes the place and date, then the signature blocks side by
// side; a single block stands on the right half, as in a letter. The whole
// group stays on one page.
func (r *renderer) signatures() {
	n := len(r.d.Signers)
	if n == 0 {
		return
	}
	colW, x0 := (textW-blockGap*float64(n-1))/float64(n), margin
	if n == 1 {
		colW, x0 = textW/2, margin+textW/2
	}
	captionH := 0.0
	for _, s := range r.d.Signers {
		captionH = max(captionH, r.height([]styled{{"", 10, s.Caption}}, colW, lineH))
	}
	// The place and date stand over the last block, or at the right margin
	// when that block is too narrow for them.
	r.font("", 10)
	place := r.text(r.d.PlaceDate())
	placeX, placeW, placeAlign := x0+float64(n-1)*(colW+blockGap), colW, "C"
	if r.pdf.GetStringWidth(place)+2 > colW {
		placeX, placeW, placeAlign = margin, textW, "R"
	}
	placeH := 0.0
	if place != "" {
		placeH = float64(len(r.pdf.SplitLines([]byte(place), placeW)))*lineH + 1
	}
	r.pdf.Ln(6)
	r.keep(placeH + captionH + signSpace + 2*lineH)
	y := r.pdf.GetY()
	if place != "" {
		r.pdf.SetXY(placeX, y)
		r.pdf.MultiCell(placeW, lineH, place, "", placeAlign, false)
		y += placeH
	}
	for i, s := range r.d.Signers {
		r.signature(s, x0+float64(i)*(colW+blockGap), y, colW, captionH)
	}
	r.pdf.SetXY(margin, y+captionH+signSpace+2*lineH)
}

// signature writes one signature block at (x, y) in width w.
func (r *renderer) signature(s Signature, x, y, w, captionH float64) {
	r.draw([]styled{{"", 10, s.Caption}}, x, y, w, lineH, "C")
	if note := s.SignedNote(); note != "" {
		r.ink(true)
		r.draw([]styled{{"I", 7.5, note}}, x+4, y+captionH+5, w-8, 3.4, "C")
		r.ink(false)
	}
	r.font("BU", 10)
	r.pdf.SetXY(x, y+captionH+signSpace)
	r.pdf.CellFormat(w, lineH, fitWidth(r, r.text(s.Name), w), "", 2, "C", false, 0, "")
	if s.ID != "" {
		r.font("", 9.5)
		r.pdf.SetX(x)
		r.pdf.CellFormat(w, lineH, fitWidth(r, r.text(s.ID), w), "", 2, "C", false, 0, "")
	}
}

// fitWidth shortens s (already encoded) with "..." until it fits in width w
// in the current font.
func fitWidth(r *renderer, s string, w float64) string {
	w -= 2 // the cell's inner margins
	if r.pdf.GetStringWidth(s) <= w {
		return s
	}
	for len(s) > 0 && r.pdf.GetStringWidth(s+"...") > w {
		s = s[:len(s)-1]
	}
	return s + "..."
}

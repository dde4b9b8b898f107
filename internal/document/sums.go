package document

// Sum is one line of the totals under a document's table, e.g.
// {"PPN", 110000, false}.
type Sum struct {
	Label  string
	Amount int64
	Strong bool // a total rather than a part
}

// HasTaxes reports whether t holds any amount.
func (t Taxes) HasTaxes() bool {
	return t.DPP != 0 || t.PPN != 0 || t.Gross != 0 || t.PPNCollected != 0 ||
		t.PPh22 != 0 || t.PPh23 != 0 || t.PP55 != 0 || t.Net != 0
}

// Sums returns the totals block, shared by the PDF and the HTML page: only
// "Jumlah" without taxes; otherwise DPP, PPN and the gross amount, then
// (on a kuitansi) the taxes collected or withheld and the net amount, zero
// amounts left out. The document's Total always appears.
func (d Data) Sums() []Sum {
	t := d.Taxes
	if !t.HasTaxes() {
		return []Sum{{Label: "Jumlah", Amount: d.Total, Strong: true}}
	}
	var out []Sum
	add := func(label string, amount int64, strong bool) {
		if amount != 0 {
			out = append(out, Sum{Label: label, Amount: amount, Strong: strong})
		}
	}
	add("Dasar Pengenaan Pajak (DPP)", t.DPP, false)
	add("PPN", t.PPN, false)
	if t.PPN != 0 {
		add("Jumlah termasuk PPN", t.Gross, true)
	} else {
		add("Jumlah", t.Gross, true)
	}
	add("PPN dipungut bendahara", t.PPNCollected, false)
	add("PPh Pasal 22 dipotong", t.PPh22, false)
	add("PPh Pasal 23 dipotong", t.PPh23, false)
	add("PPh final (PP 55/2022) dipotong", t.PP55, false)
	add("Jumlah diterima penyedia", t.Net, true)
	for _, s := range out {
		if s.Amount == d.Total {
			return out
		}
	}
	return append(out, Sum{Label: "Nilai dokumen", Amount: d.Total, Strong: true})
}

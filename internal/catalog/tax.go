package catalog

// PPN is charged at 12% on a tax base (DPP) of 11/12 of the price before
// tax, 11% in effect (DESIGN.md 3.6, PMK 131/2024). The order and payment
// screens compute taxes from the tax_rates table; a listing only shows how
// its price splits, so this effective rate is enough here.
const (
	ppnNum = 11
	ppnDen = 100
)

// TaxSplit is how a listing's price divides into the price before tax and PPN.
type TaxSplit struct {
	Price  int64 // what the buyer pays per unit
	Before int64 // price before PPN (harga sebelum pajak)
	PPN    int64 // 0 for suppliers that are not PKP
	PKP    bool
}

// SplitPrice splits a price that includes PPN when the supplier is PKP.
func SplitPrice(price int64, pkp bool) TaxSplit {
	if !pkp {
		return TaxSplit{Price: price, Before: price}
	}
	// before = price × 100/111, rounded to the nearest rupiah.
	before := (price*ppnDen*2 + (ppnDen + ppnNum)) / ((ppnDen + ppnNum) * 2)
	return TaxSplit{Price: price, Before: before, PPN: price - before, PKP: true}
}

// Package tax computes the taxes of a purchase by a regency OPD from a UMKM
// (DESIGN.md section 3.6): the price before tax (DPP), PPN, PPh 22 on goods,
// PPh 23 on services or the PP 55/2022 final tax instead, and what the
// supplier receives after the treasurer's collections. The rates are data in
// the tax_rates table, each with the date it takes effect and its legal
// basis; LoadRates reads those in force on a date, and the computation
// functions are pure. Amounts are whole rupiah in int64.
//
// Rounding: every amount derived from a rate is rounded to the nearest whole
// rupiah, half a rupiah up, once per order line; order totals are the sums of
// the lines, so a kuitansi always adds up. PPN is what remains of the line's
// gross price after its DPP, so DPP + PPN is exactly what the buyer pays. The
// Directorate General of Taxes' own applications (e-Faktur, e-Bupot) may
// differ by a rupiah per line; the treasurer's filed figures prevail.
//
// The figures help officials; they are not tax advice (see Notice). The
// package knows nothing of orders, HTTP or HTML.
package tax

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/postgres"
	"lapak/internal/wib"
)

// Notice is the sentence every screen showing a tax breakdown carries.
const Notice = "Perhitungan pajak ini adalah alat bantu berdasarkan tabel tarif Lapak, bukan nasihat pajak. Bendahara tetap memastikan pemotongan dan pemungutan sesuai ketentuan yang berlaku."

// Code names a row kind of the rate table.
type Code string

// The codes of the rate table.
const (
	CodePPN       Code = "ppn"               // PPN rate on the DPP
	CodePPNDPP    Code = "ppn_dpp"           // the PPN base as a fraction of the price (11/12 since 2025)
	CodePPh22     Code = "pph22"             // PPh 22 on goods, collected by the treasurer
	CodePPh23     Code = "pph23"             // PPh 23 on services, withheld by the treasurer
	CodePP55      Code = "pp55"              // PP 55/2022 final tax, instead of PPh 22/23
	CodeThreshold Code = "collect_threshold" // payments up to this amount: no PPN or PPh 22 collected
)

// Rate is one row of the rate table: an exact fraction Num/Den, or for
// CodeThreshold an amount in rupiah (Num, with Den 1).
type Rate struct {
	ID            int64
	Code          Code
	Num, Den      int64
	EffectiveFrom time.Time
	LegalBasis    string
	Note          string
}

// String shows the rate for users: "1,5%", "11/12", or "Rp2.000.000".
func (r Rate) String() string {
	switch r.Code {
	case CodeThreshold:
		return "Rp" + groupThousands(r.Num)
	case CodePPNDPP:
		if r.Num == r.Den {
			return "harga jual"
		}
		return fmt.Sprintf("%d/%d", r.Num, r.Den)
	}
	// percent = Num*100/Den, shown with up to 2 decimals and a decimal comma.
	hundredths := new(big.Int).Mul(big.NewInt(r.Num), big.NewInt(10000))
	hundredths.Quo(hundredths, big.NewInt(r.Den))
	h := hundredths.Int64()
	s := groupThousands(h / 100)
	if frac := h % 100; frac != 0 {
		s += "," + strings.TrimRight(fmt.Sprintf("%02d", frac), "0")
	}
	return s + "%"
}

func groupThousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Rates is the set of rates in force on one date.
type Rates struct {
	PPN, PPNDPP, PPh22, PPh23, PP55, Threshold Rate
}

// List returns the rates in display order.
func (r Rates) List() []Rate {
	return []Rate{r.PPN, r.PPNDPP, r.PPh22, r.PPh23, r.PP55, r.Threshold}
}

// LoadRates reads the rates in force on the WIB date of on. It fails when a
// kind of rate has no row in force yet.
func LoadRates(ctx context.Context, db postgres.DBTX, on time.Time) (Rates, error) {
	q, args := RatesQuery(on)
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return Rates{}, fmt.Errorf("tax: load rates: %w", postgres.Classify(err))
	}
	return ScanRates(rows, on)
}

// RatesQuery is LoadRates's query for day on, for a caller that sends it
// in a batch with others; ScanRates reads its rows.
func RatesQuery(on time.Time) (string, []any) {
	return `SELECT DISTINCT ON (code) id, code, numerator, denominator, effective_from, legal_basis, note
		FROM tax_rates WHERE effective_from <= $1::date ORDER BY code, effective_from DESC`, []any{wib.ISODate(on)}
}

// ScanRates reads the rows of RatesQuery(on) and closes them.
func ScanRates(rows pgx.Rows, on time.Time) (Rates, error) {
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Rate])
	if err != nil {
		return Rates{}, fmt.Errorf("tax: load rates: %w", postgres.Classify(err))
	}
	var r Rates
	byCode := map[Code]*Rate{CodePPN: &r.PPN, CodePPNDPP: &r.PPNDPP, CodePPh22: &r.PPh22, CodePPh23: &r.PPh23,
		CodePP55: &r.PP55, CodeThreshold: &r.Threshold}
	for _, x := range list {
		if p, ok := byCode[x.Code]; ok {
			*p = x
		}
	}
	for code, p := range byCode {
		if p.Den == 0 {
			return Rates{}, fmt.Errorf("tax: no %s rate in force on %s", code, wib.ISODate(on))
		}
	}
	return r, nil
}

// History lists every row of the rate table, newest first per code.
func History(ctx context.Context, db postgres.DBTX) ([]Rate, error) {
	rows, err := db.Query(ctx, `SELECT id, code, numerator, denominator, effective_from, legal_basis, note
		FROM tax_rates ORDER BY code, effective_from DESC`)
	if err != nil {
		return nil, fmt.Errorf("tax: history: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Rate])
	if err != nil {
		return nil, fmt.Errorf("tax: history: %w", postgres.Classify(err))
	}
	return list, nil
}

// Kind says whether a line is goods (barang: PPh 22) or services (jasa: PPh 23).
type Kind string

// Kinds of line.
const (
	Goods    Kind = "barang"
	Services Kind = "jasa"
)

// Supplier is the tax status of the supplier of an order.
type Supplier struct {
	PKP  bool // VAT-registered: its prices include PPN
	PP55 bool // holds a PP 55/2022 certificate: 0,5% final instead of PPh 22/23
}

// Line is one order line: Qty units at UnitPrice, the price per unit the
// buyer pays, which includes PPN when the supplier is PKP.
type Line struct {
	Kind      Kind
	Qty       int64
	UnitPrice int64
}

// Order is what the taxes of one payment are computed on. Split marks a
// payment that is part of a split purchase: the threshold does not apply.
type Order struct {
	Supplier Supplier
	Lines    []Line
	Split    bool
}

// Collection says what the treasurer collects on a payment.
type Collection struct {
	PPN   bool // the treasurer collects the PPN (else the PKP supplier remits it itself)
	PPh22 bool // PPh 22 (or PP 55 final on goods) is collected
}

// CollectionFor decides the collection for a payment of gross rupiah
// (including PPN): neither PPN nor PPh 22 is collected when it is at most
// the threshold and not split. PPh 23 has no threshold.
func CollectionFor(r Rates, gross int64, split bool) Collection {
	above := split || gross > r.Threshold.Num
	return Collection{PPN: above, PPh22: above}
}

// LineTax is the tax breakdown of one line.
type LineTax struct {
	Line
	Gross        int64 // Qty × UnitPrice: what the buyer pays for the line
	DPP          int64 // the price before PPN (harga jual), base of PPh
	DPPNilaiLain int64 // the PPN base: DPP × 11/12 since 2025; 0 without PPN
	PPN          int64 // Gross − DPP for a PKP supplier, else 0
	PPh22        int64 // goods, when collected, not PP 55
	PPh23        int64 // services, not PP 55
	PP55         int64 // PP 55/2022 final tax, in place of PPh 22/23
	Net          int64 // what the supplier receives for the line
}

// Breakdown is the tax breakdown of an order: its lines and their sums.
type Breakdown struct {
	Lines          []LineTax
	Collection     Collection
	Gross          int64 // what the buyer pays
	DPP            int64
	DPPNilaiLain   int64
	PPN            int64 // the PPN included in Gross
	PPNCollected   int64 // PPN the treasurer collects (PPN, or 0 below the threshold)
	PPh22          int64
	PPh23          int64
	PP55           int64
	Withheld       int64 // PPNCollected + PPh22 + PPh23 + PP55
	Net            int64 // Gross − Withheld: what the supplier receives
	BelowThreshold bool  // no PPN or PPh 22 collected: at most the threshold, not split
	Rates          Rates
}

// maxAmount bounds any line's gross price: Rp1 triliun.
const maxAmount int64 = 1_000_000_000_000

// mulDivRound returns x·num/den rounded half up, for x ≥ 0 and den > 0,
// exactly (no overflow whatever the rate table holds).
func mulDivRound(x, num, den int64) int64 {
	n := new(big.Int).Mul(big.NewInt(x), big.NewInt(num))
	n.Mul(n, big.NewInt(2))
	n.Add(n, big.NewInt(den))
	d := new(big.Int).Mul(big.NewInt(den), big.NewInt(2))
	return n.Quo(n, d).Int64()
}

// DPPFromGross returns the price before PPN of a gross price that includes
// PPN at r: gross / (1 + PPN × PPNDPP), rounded half up.
func DPPFromGross(r Rates, gross int64) int64 {
	// gross · (pd·fd) / (pd·fd + pn·fn), with PPN pn/pd and its base fn/fd.
	base := r.PPN.Den * r.PPNDPP.Den
	return mulDivRound(gross, base, base+r.PPN.Num*r.PPNDPP.Num)
}

// GrossFromDPP returns what a buyer pays for a price before PPN: the price
// itself for a non-PKP supplier, else the price plus its PPN (rounded half
// up). Negotiation is on prices before tax; this turns an agreed price into
// a Line's UnitPrice.
func GrossFromDPP(r Rates, pkp bool, dpp int64) int64 {
	if !pkp {
		return dpp
	}
	return dpp + mulDivRound(dpp, r.PPN.Num*r.PPNDPP.Num, r.PPN.Den*r.PPNDPP.Den)
}

// ComputeLine returns the breakdown of one line for a supplier under c.
// It returns apperr.Invalid for a line without a known kind, a quantity
// below one, a negative price, or a gross above Rp1 triliun.
func ComputeLine(r Rates, s Supplier, l Line, c Collection) (LineTax, error) {
	if l.Kind != Goods && l.Kind != Services {
		return LineTax{}, apperr.E(apperr.Invalid, "Jenis baris pesanan harus barang atau jasa.")
	}
	if l.Qty < 1 || l.UnitPrice < 0 || (l.UnitPrice > 0 && l.Qty > maxAmount/l.UnitPrice) {
		return LineTax{}, apperr.E(apperr.Invalid, "Jumlah atau harga baris pesanan tidak valid.")
	}
	t := LineTax{Line: l, Gross: l.Qty * l.UnitPrice}
	t.DPP = t.Gross
	if s.PKP {
		t.DPP = DPPFromGross(r, t.Gross)
		t.PPN = t.Gross - t.DPP
		t.DPPNilaiLain = mulDivRound(t.DPP, r.PPNDPP.Num, r.PPNDPP.Den)
	}
	switch {
	case s.PP55 && (l.Kind == Services || c.PPh22):
		t.PP55 = mulDivRound(t.DPP, r.PP55.Num, r.PP55.Den)
	case l.Kind == Goods && c.PPh22:
		t.PPh22 = mulDivRound(t.DPP, r.PPh22.Num, r.PPh22.Den)
	case l.Kind == Services:
		t.PPh23 = mulDivRound(t.DPP, r.PPh23.Num, r.PPh23.Den)
	}
	t.Net = t.Gross - t.PPh22 - t.PPh23 - t.PP55
	if c.PPN {
		t.Net -= t.PPN
	}
	return t, nil
}

// Compute returns the breakdown of an order: the collection is decided on
// its whole gross payment, then each line is computed and summed. It returns
// apperr.Invalid for an order without lines or with an invalid line.
func Compute(r Rates, o Order) (Breakdown, error) {
	if len(o.Lines) == 0 {
		return Breakdown{}, apperr.E(apperr.Invalid, "Pesanan belum berisi barang atau jasa.")
	}
	var gross int64
	for _, l := range o.Lines {
		if l.Qty < 1 || l.UnitPrice < 0 || (l.UnitPrice > 0 && l.Qty > maxAmount/l.UnitPrice) {
			return Breakdown{}, apperr.E(apperr.Invalid, "Jumlah atau harga baris pesanan tidak valid.")
		}
		gross += l.Qty * l.UnitPrice
		if gross > maxAmount {
			return Breakdown{}, apperr.E(apperr.Invalid, "Nilai pesanan terlalu besar.")
		}
	}
	b := Breakdown{Collection: CollectionFor(r, gross, o.Split), Rates: r}
	b.BelowThreshold = !b.Collection.PPN
	for _, l := range o.Lines {
		t, err := ComputeLine(r, o.Supplier, l, b.Collection)
		if err != nil {
			return Breakdown{}, err
		}
		b.Lines = append(b.Lines, t)
		b.Gross += t.Gross
		b.DPP += t.DPP
		b.DPPNilaiLain += t.DPPNilaiLain
		b.PPN += t.PPN
		b.PPh22 += t.PPh22
		b.PPh23 += t.PPh23
		b.PP55 += t.PP55
		b.Net += t.Net
	}
	if b.Collection.PPN {
		b.PPNCollected = b.PPN
	}
	b.Withheld = b.PPNCollected + b.PPh22 + b.PPh23 + b.PP55
	return b, nil
}

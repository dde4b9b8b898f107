package opendata

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"lapak/internal/rupiah"
	"lapak/internal/wib"
)

// The local schemes of identifiers and classifications (docs/opendata.md).
const (
	opdScheme      = "X-LAPAK-OPD"  // the regency's OPD codes as Lapak keeps them
	supplierPrefix = "X-LAPAK-SUP"  // Lapak's supplier numbers (party ids only)
	sshScheme      = "X-SSH-SOLSEL" // the regency's Standar Satuan Harga codes
	categoryScheme = "x_LAPAK"      // Lapak's catalog categories
	treasuryID     = "X-LAPAK-KAS-NEGARA"
	region         = "Sumatera Barat"
	country        = "Indonesia"
	methodDetails  = "E-purchasing e-marketplace UMKM (Lapak)"
)

// stamp formats t as an OCDS date-time in WIB.
func stamp(t time.Time) string { return t.In(wib.Location).Format(time.RFC3339) }

// dayStamp formats a YYYY-MM-DD date as midnight WIB; "" when unreadable.
func dayStamp(day string) string {
	t, err := wib.ParseDate(day)
	if err != nil {
		return ""
	}
	return stamp(t)
}

func stampPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return stamp(*t)
}

// buildRelease maps a completed order to its OCDS release.
func buildRelease(site Site, o orderRow) Release {
	ocid := site.OCID(o.ID)
	buyer := OrgRef{ID: opdScheme + "-" + o.OPDCode, Name: o.OPDName}
	supplier := OrgRef{ID: supplierPrefix + "-" + strconv.FormatInt(o.SupplierID, 10), Name: o.SupplierName}
	awardID := ocid + "-award"
	r := Release{
		OCID:           ocid,
		ID:             ocid + "-" + o.CompletedAt.UTC().Format("20060102T150405Z"),
		Date:           stamp(o.CompletedAt),
		Tag:            []string{"planning", "tender", "award", "contract", "implementation"},
		InitiationType: "tender",
		Language:       "id",
		Parties:        parties(o, buyer, supplier),
		Buyer:          buyer,
		Planning: &Planning{Budget: Budget{ID: o.KodeRUP, Project: o.PackageName,
			Description: fmt.Sprintf("Paket RUP %s, %s tahun anggaran %d", o.KodeRUP, o.Funding, o.FiscalYear)}},
		Tender: tender(ocid, o, buyer),
		Awards: []Award{{
			ID:          awardID,
			Description: negotiationNote(o),
			Status:      "active",
			Date:        stampPtr(o.SignedAt),
			Value:       idr(o.Total),
			Suppliers:   []OrgRef{supplier},
			Items:       items(o.Lines, false),
		}},
		Contracts: []Contract{contract(o, awardID, buyer, supplier)},
	}
	return r
}

// parties lists the OPD (buyer, procuring entity and payer), the supplier
// (supplier and payee) and, when taxes were withheld, the state treasury.
func parties(o orderRow, buyer, supplier OrgRef) []Organization {
	opd := Organization{ID: buyer.ID, Name: buyer.Name, Roles: []string{"buyer", "procuringEntity", "payer"},
		Identifier: &Identifier{Scheme: opdScheme, ID: o.OPDCode, LegalName: o.OPDName},
		Address:    &Address{StreetAddress: o.OPDAddress, Locality: "Kabupaten Solok Selatan", Region: region, CountryName: country}}
	sup := Organization{ID: supplier.ID, Name: supplier.Name, Roles: []string{"supplier", "payee"},
		Address: &Address{Locality: o.Kecamatan, Region: region, CountryName: country}}
	if o.Kecamatan != "" {
		sup.Address.Locality = "Kecamatan " + o.Kecamatan + ", Kabupaten Solok Selatan"
	}
	if scale := partyScale(o.SupplierScale); scale != "" {
		sup.Details = map[string]any{"scale": scale}
	}
	out := []Organization{opd, sup}
	if p := o.Payment; p != nil && p.Gross != p.Net {
		out = append(out, Organization{ID: treasuryID, Name: treasuryName, Roles: []string{"payee"},
			Address: &Address{CountryName: country}})
	}
	return out
}

const treasuryName = "Kas Negara (pajak yang dipungut dan dipotong bendahara)"

// partyScale maps the PP 7/2021 business scale to the partyScale codelist.
func partyScale(s string) string {
	switch s {
	case "mikro":
		return "micro"
	case "kecil", "menengah":
		return "sme"
	case "besar":
		return "large"
	}
	return ""
}

// tender is the catalog offer: the lines at list prices, before negotiation.
func tender(ocid string, o orderRow, buyer OrgRef) Tender {
	main, extra := categories(o.Lines)
	return Tender{
		ID:                              ocid + "-tender",
		Title:                           o.PackageName,
		Description:                     "Pesanan langsung dari katalog UMKM lokal; nilai tender adalah harga katalog sebelum negosiasi.",
		Status:                          "complete",
		ProcuringEntity:                 buyer,
		Items:                           items(o.Lines, true),
		Value:                           idr(listTotal(o.Lines)),
		ProcurementMethod:               "direct",
		ProcurementMethodDetails:        methodDetails,
		MainProcurementCategory:         main,
		AdditionalProcurementCategories: extra,
	}
}

// categories returns goods or services by the larger value, and the other
// when the order has both.
func categories(lines []lineRow) (main string, extra []string) {
	var goods, services int64
	for _, l := range lines {
		if l.Kind == "services" {
			services += l.Total
		} else {
			goods += l.Total
		}
	}
	main, other := "goods", "services"
	if services > goods {
		main, other = "services", "goods"
	}
	if goods > 0 && services > 0 {
		extra = []string{other}
	}
	return main, extra
}

func listTotal(lines []lineRow) int64 {
	var n int64
	for _, l := range lines {
		n += l.Qty * l.ListPrice
	}
	return n
}

// negotiated reports whether the agreed prices differ from the list prices
// or offers were made.
func negotiated(o orderRow) bool {
	if o.Offers > 0 {
		return true
	}
	for _, l := range o.Lines {
		if l.UnitPrice != l.ListPrice {
			return true
		}
	}
	return false
}

// negotiationNote says whether and how far the price was negotiated.
func negotiationNote(o orderRow) string {
	if !negotiated(o) {
		return "Dipesan pada harga katalog, tanpa negosiasi."
	}
	return fmt.Sprintf("Harga disepakati melalui negosiasi (%d tawaran): %s, dari harga katalog %s.",
		o.Offers, rupiah.Format(o.Total), rupiah.Format(listTotal(o.Lines)))
}

// items lists the lines as OCDS items, at list prices or at agreed prices.
func items(lines []lineRow, atList bool) []Item {
	out := make([]Item, 0, len(lines))
	for _, l := range lines {
		price := l.UnitPrice
		if atList {
			price = l.ListPrice
		}
		it := Item{ID: strconv.Itoa(l.Position), Description: l.Title, Quantity: l.Qty,
			Unit: &Unit{Name: l.Unit, Value: idr(price)}}
		cat := Classification{Scheme: categoryScheme, ID: l.CatCode, Description: l.CatName}
		switch {
		case l.SSHCode != "":
			it.Classification = &Classification{Scheme: sshScheme, ID: l.SSHCode, Description: l.SSHDesc}
			if l.CatCode != "" {
				it.AdditionalClassifications = []Classification{cat}
			}
		case l.CatCode != "":
			it.Classification = &cat
		}
		out = append(out, it)
	}
	return out
}

// contract is the Surat Pesanan: terminated, as it was fulfilled and paid.
func contract(o orderRow, awardID string, buyer, supplier OrgRef) Contract {
	signed := o.AcceptedAt
	if signed == nil {
		signed = o.SignedAt
	}
	c := Contract{
		ID:          o.SPNumber,
		AwardID:     awardID,
		Title:       "Surat Pesanan " + o.SPNumber,
		Description: receiptNote(o),
		Status:      "terminated",
		Period:      &Period{StartDate: stampPtr(signed), EndDate: stamp(o.CompletedAt)},
		Value:       idr(o.Total),
		Items:       items(o.Lines, false),
		DateSigned:  stampPtr(signed),
	}
	impl := &Implementation{
		Transactions: transactions(o, buyer, supplier),
		Milestones:   milestones(o),
	}
	for _, d := range o.Documents {
		doc := document(d)
		if d.Kind == "sp" {
			c.Documents = append(c.Documents, doc)
		} else {
			impl.Documents = append(impl.Documents, doc)
		}
	}
	c.Implementation = impl
	return c
}

// receiptNote says what the BAST states was received.
func receiptNote(o orderRow) string {
	if o.ReceivedTotal == nil || *o.ReceivedTotal >= o.Total {
		return "Diterima lengkap menurut BAST."
	}
	return fmt.Sprintf("Diterima sebagian menurut BAST: senilai %s dari nilai kontrak %s; pembayaran atas yang diterima.",
		rupiah.Format(*o.ReceivedTotal), rupiah.Format(o.Total))
}

var documentKinds = map[string]struct{ typ, title string }{
	"sp":       {"contractSigned", "Surat Pesanan"},
	"bast":     {"completionCertificate", "Berita Acara Serah Terima"},
	"kuitansi": {"financialProgressReport", "Kuitansi pembayaran"},
}

// document describes a signed document without a link: the files hold
// names and signatures of people and are not published.
func document(d documentRow) Document {
	k := documentKinds[d.Kind]
	return Document{ID: d.Kind, DocumentType: k.typ, Title: k.title + " " + d.Number, DatePublished: stamp(d.At),
		Description: "Dokumen ditandatangani secara elektronik di Lapak; salinan dapat diminta melalui PPID Kabupaten Solok Selatan.",
		Format:      "application/pdf", Language: "id"}
}

// transactions splits the payment: the net to the supplier, and each tax
// the treasurer collected or withheld, paid to the state treasury. Their
// sum is the gross paid for what was received.
func transactions(o orderRow, buyer, supplier OrgRef) []Transaction {
	p := o.Payment
	if p == nil {
		return nil
	}
	date := stamp(p.PaidOn)
	treasury := OrgRef{ID: treasuryID, Name: treasuryName}
	out := []Transaction{{ID: "pembayaran-neto", Date: date, Value: idr(p.Net), Payer: buyer, Payee: supplier}}
	for _, t := range []struct {
		id     string
		amount int64
	}{{"ppn-dipungut", p.PPN}, {"pph22-dipotong", p.PPh22}, {"pph23-dipotong", p.PPh23}, {"pph-final-pp55-dipotong", p.PP55}} {
		if t.amount > 0 {
			out = append(out, Transaction{ID: t.id, Date: date, Value: idr(t.amount), Payer: buyer, Payee: treasury})
		}
	}
	return out
}

// milestones lists each shipment and each inspection with its quantities.
func milestones(o orderRow) []Milestone {
	lines := map[int64]lineRow{}
	for _, l := range o.Lines {
		lines[l.ID] = l
	}
	var out []Milestone
	for i, s := range o.Shipments {
		out = append(out, Milestone{ID: fmt.Sprintf("pengiriman-%d", i+1), Title: fmt.Sprintf("Pengiriman ke-%d", i+1),
			Type: "delivery", Status: "met", DateMet: dayStamp(s.On), Description: "Dikirim: " + quantities(s.Lines, lines) + "."})
	}
	for i, in := range o.Inspections {
		m := Milestone{ID: fmt.Sprintf("pemeriksaan-%d", i+1), Title: fmt.Sprintf("Pemeriksaan ke-%d", i+1),
			Type: "delivery", Status: "met", DateMet: dayStamp(in.On)}
		m.Description = "Diterima: " + quantities(in.Lines, lines) + "."
		if !in.OK {
			m.Status = "partiallyMet"
			m.Description += " Pemeriksa mencatat kekurangan (fungsi, jumlah atau waktu)."
		}
		if in.Complete {
			m.Description += " Pengiriman ditutup."
		}
		out = append(out, m)
	}
	return out
}

// quantities writes "10 rim Kertas HVS A4 (butir 1); ..." in line order.
func quantities(qs []quantityRow, lines map[int64]lineRow) string {
	var parts []string
	for _, q := range qs {
		l, ok := lines[q.Line]
		if !ok || q.Qty == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%d %s %s (butir %d)", q.Qty, l.Unit, l.Title, l.Position))
	}
	if len(parts) == 0 {
		return "tidak ada"
	}
	return strings.Join(parts, "; ")
}

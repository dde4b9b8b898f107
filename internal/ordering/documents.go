package ordering

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/document"
	"lapak/internal/postgres"
	"lapak/internal/rules"
	"lapak/internal/rup"
	"lapak/internal/rupiah"
	"lapak/internal/tax"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// The letterhead and the place every document of the regency names.
const (
	regency = "PEMERINTAH KABUPATEN SOLOK SELATAN"
	place   = "Padang Aro"
)

// roman returns month m in Roman numerals, as document numbers write it.
func roman(m time.Month) string { return wib.RomanMonth(m) }

// nextNumberQuery advances the gapless counter ($1 scope, $2 year, $3 kind)
// and returns it. It runs in the signing transaction: a rolled-back signing
// gives its number back, and a concurrent one waits on the row.
const nextNumberQuery = `INSERT INTO document_counters (scope, year, kind, last) VALUES ($1, $2, $3, 1)
	ON CONFLICT (scope, year, kind) DO UPDATE SET last = document_counters.last + 1 RETURNING last`

// docReads is what issuing a document of an order reads, in one round
// trip: its number (the counter advanced), the order's document details,
// the tax rates in force on a day, and the supplier's accounts to tell.
type docReads struct {
	number string
	info   docInfo
	rates  tax.Rates
	owners []int64
}

// readForDocument advances n's counter for the WIB year of at and reads the
// rest of docReads for o, with the tax rates in force on ratesOn.
func readForDocument(ctx context.Context, tx pgx.Tx, o *Order, n numbering, at, ratesOn time.Time) (docReads, error) {
	var r docReads
	at = at.In(wib.Location)
	b := &pgx.Batch{}
	b.Queue(nextNumberQuery, n.scope, at.Year(), n.kind).QueryRow(func(row pgx.Row) error {
		var seq int
		if err := row.Scan(&seq); err != nil {
			return fmt.Errorf("next %s number of %s/%d: %w", n.kind, n.scope, at.Year(), err)
		}
		r.number = fmt.Sprintf("%03d/%s/%s/%s/%d", seq, n.label, n.code, roman(at.Month()), at.Year())
		return nil
	})
	b.Queue(docInfoQuery, o.ID).QueryRow(func(row pgx.Row) error {
		var err error
		r.info, err = scanDocInfo(row)
		return err
	})
	q, args := tax.RatesQuery(ratesOn)
	b.Queue(q, args...).Query(func(rows pgx.Rows) error {
		var err error
		r.rates, err = tax.ScanRates(rows, ratesOn)
		return err
	})
	b.Queue(supplierUsersQuery, o.SupplierID).Query(func(rows pgx.Rows) error {
		var err error
		r.owners, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return docReads{}, fmt.Errorf("ordering: %s of order %d: %w", n.kind, o.ID, postgres.Classify(err))
	}
	return r, nil
}

// numbering names a document's counter and how its number reads.
type numbering struct {
	scope string // "opd:<id>" or "supplier:<id>"
	kind  string // the counter kind, e.g. "sp"
	label string // the middle of the number, e.g. "SP"
	code  string // who issues it, e.g. "DINKES" or a supplier id
}

func opdNumbering(o *Order, kind document.Kind, label string) numbering {
	return numbering{scope: fmt.Sprintf("opd:%d", o.OPDID), kind: string(kind), label: label, code: o.OPDLetterCode}
}

func supplierNumbering(o *Order, kind document.Kind, label string) numbering {
	id := fmt.Sprint(o.SupplierID)
	return numbering{scope: "supplier:" + id, kind: string(kind), label: label, code: id}
}

// issueDocument stores a signed document of o: its content as JSON, its
// PDF and the PDF's SHA-256. The PDF is rendered from the content as read
// back from JSON, so the print view and the PDF show the same thing; the
// bytes themselves are kept, so the document stays exactly as signed even
// when a later release renders differently.
func issueDocument(ctx context.Context, tx postgres.DBTX, o *Order, kind document.Kind, data document.Data, signerID int64) error {
	content, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("ordering: encode %s of order %d: %w", kind, o.ID, err)
	}
	var stored document.Data
	if err := json.Unmarshal(content, &stored); err != nil {
		return fmt.Errorf("ordering: decode %s of order %d: %w", kind, o.ID, err)
	}
	pdf, err := document.PDF(stored)
	if err != nil {
		return fmt.Errorf("ordering: render %s of order %d: %w", kind, o.ID, err)
	}
	var signer *int64
	if signerID != 0 {
		signer = &signerID
	}
	sum := document.Hash(pdf)
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO order_documents (order_id, kind, number, content, pdf, pdf_sha256, renderer, signed_by, signed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, o.ID, kind, data.Number, content, pdf, sum, document.Renderer(), signer, data.Date).
		Exec(func(pgconn.CommandTag) error { return nil })
	// The hash goes into the audit chain too, where changing it is detected.
	err = audit.Queue(ctx, b, audit.Entry{Action: "order.document", Entity: "order", EntityID: strconv.FormatInt(o.ID, 10),
		Details: map[string]any{"kind": kind, "number": data.Number, "pdf_sha256": sum}})
	if err != nil {
		return err
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("ordering: store %s of order %d: %w", kind, o.ID, postgres.Classify(err))
	}
	return nil
}

// Document returns a signed document of an order as signed and its PDF as
// signed, checking that the PDF still matches the stored hash. Anyone who may see
// the order may open its documents; apperr.NotFound "Dokumen belum ada."
// when the document was not issued yet.
func (s *Service) Document(ctx context.Context, orderID int64, kind document.Kind) (document.Data, []byte, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return document.Data{}, nil, apperr.E(apperr.Unauthenticated, "")
	}
	o, err := loadOrder(ctx, s.db, orderID, false)
	if err != nil {
		return document.Data{}, nil, err
	}
	if err := can(u, o, ActView); err != nil {
		return document.Data{}, nil, err
	}
	var content, pdf []byte
	var sum, renderer string
	err = s.db.QueryRow(ctx, `SELECT content, pdf, pdf_sha256, renderer FROM order_documents WHERE order_id = $1 AND kind = $2`,
		orderID, kind).Scan(&content, &pdf, &sum, &renderer)
	if err != nil {
		return document.Data{}, nil, fmt.Errorf("ordering: %s of order %d: %w", kind, orderID, postgres.NotFound(err, "Dokumen belum ada."))
	}
	var d document.Data
	if err := json.Unmarshal(content, &d); err != nil {
		return document.Data{}, nil, fmt.Errorf("ordering: decode %s of order %d: %w", kind, orderID, err)
	}
	if renderer == document.Renderer() {
		// Rendered by this very code: the content must give the same bytes.
		again, err := document.PDF(d)
		if err != nil {
			return document.Data{}, nil, fmt.Errorf("ordering: render %s of order %d: %w", kind, orderID, err)
		}
		if !bytes.Equal(again, pdf) {
			return document.Data{}, nil, fmt.Errorf("ordering: %s of order %d: its content no longer renders to the signed PDF", kind, orderID)
		}
	}
	if got := document.Hash(pdf); got != sum {
		return document.Data{}, nil, fmt.Errorf("ordering: %s of order %d no longer matches its signature: pdf sha256 %s, stored %s", kind, orderID, got, sum)
	}
	return d, pdf, nil
}

// docInfo is what documents name beyond the order row: the package's
// budget line, the PPK's NIP and the supplier as a party.
type docInfo struct {
	fundingSource, accountCode string
	ppkNIP                     string
	supplier                   document.Party
	supplierSigner             string // the owner's name, else the supplier's
	bank                       string // "BRI 0123 a.n. X", "" when unknown
}

// docInfoQuery reads the document details of order $1.
const docInfoQuery = `SELECT p.funding_source, p.account_code, coalesce(k.nip, ''), s.name, s.address, coalesce(s.npwp, ''),
		s.owner_name, s.bank_name, s.bank_account_no, s.bank_account_name
	FROM orders o JOIN rup_packages p ON p.id = o.rup_package_id JOIN suppliers s ON s.id = o.supplier_id
	JOIN users k ON k.id = o.ppk_user_id WHERE o.id = $1`

func scanDocInfo(row pgx.Row) (docInfo, error) {
	var info docInfo
	var npwp, owner, bankName, bankNo, bankHolder string
	if err := row.Scan(&info.fundingSource, &info.accountCode, &info.ppkNIP,
		&info.supplier.Name, &info.supplier.Address, &npwp, &owner, &bankName, &bankNo, &bankHolder); err != nil {
		return docInfo{}, err
	}
	info.supplier.Role = "Penyedia"
	if npwp != "" {
		info.supplier.ID = "NPWP " + validate.FormatNPWP(npwp)
	}
	info.supplierSigner = info.supplier.Name
	if owner != "" {
		info.supplierSigner = owner
	}
	if bankName != "" && bankNo != "" {
		info.bank = bankName + " " + bankNo
		if bankHolder != "" {
			info.bank += " a.n. " + bankHolder
		}
	}
	return info, nil
}

// userNIP returns a user's NIP, "" when none is recorded.
func userNIP(ctx context.Context, db postgres.DBTX, userID int64) (string, error) {
	var nip string
	err := db.QueryRow(ctx, `SELECT coalesce(nip, '') FROM users WHERE id = $1`, userID).Scan(&nip)
	if err != nil {
		return "", fmt.Errorf("ordering: nip of user %d: %w", userID, postgres.Classify(err))
	}
	return nip, nil
}

// nipLabel shows an 18-digit NIP as officials write it: "NIP 19800101 200501 1 001".
func nipLabel(nip string) string {
	if len(nip) != 18 {
		if nip == "" {
			return ""
		}
		return "NIP " + nip
	}
	return "NIP " + nip[0:8] + " " + nip[8:14] + " " + nip[14:15] + " " + nip[15:18]
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// baseData returns the parts every document of o shares.
func baseData(o *Order, kind document.Kind, number string, at time.Time) document.Data {
	return document.Data{Kind: kind, Number: number, Date: at, Place: place, Regency: regency,
		OPDName: o.OPDName, OPDAddress: o.OPDAddress}
}

func ppkParty(o *Order, info docInfo) document.Party {
	return document.Party{Name: o.PPKName, Role: "Pejabat Pembuat Komitmen", Org: o.OPDName, Address: o.OPDAddress, ID: nipLabel(info.ppkNIP)}
}

func packageFields(o *Order, info docInfo) []document.Field {
	return []document.Field{
		{Label: "Kode RUP", Value: o.KodeRUP},
		{Label: "Nama paket", Value: o.PackageName},
		{Label: "Kode rekening", Value: orDash(info.accountCode)},
		{Label: "Sumber dana", Value: rup.FundingSource(info.fundingSource).Label()},
	}
}

// splitFlagged reports whether the rules flagged o as part of a split
// purchase: then the tax threshold does not apply.
func splitFlagged(o *Order) bool {
	r, ok := o.Outcome.Result(rules.Split)
	return ok && r.Flagged
}

func taxKind(kind string) tax.Kind {
	if kind == "services" {
		return tax.Services
	}
	return tax.Goods
}

// taxOrder returns o as the tax computation sees it, on the ordered
// quantities or on the received ones, with the lines it kept (a line
// nothing of which was received is left out).
func taxOrder(o *Order, received bool) (tax.Order, []Line) {
	t := tax.Order{Supplier: tax.Supplier{PKP: o.SupplierPKP, PP55: o.SupplierPP55}, Split: splitFlagged(o)}
	var kept []Line
	for _, l := range o.Lines {
		q := l.Qty
		if received {
			q = l.ReceivedQty
		}
		if q <= 0 {
			continue
		}
		t.Lines = append(t.Lines, tax.Line{Kind: taxKind(l.Kind), Qty: q, UnitPrice: l.UnitPrice})
		kept = append(kept, l)
	}
	return t, kept
}

// docLines returns the table and the tax breakdown of o's ordered (or
// received) quantities at rates r. A line states its agreed price before
// tax and its DPP, so the lines add up to the DPP of the breakdown.
func docLines(r tax.Rates, o *Order, received bool) ([]document.Line, tax.Breakdown, error) {
	t, kept := taxOrder(o, received)
	b, err := tax.Compute(r, t)
	if err != nil {
		return nil, tax.Breakdown{}, fmt.Errorf("ordering: taxes of order %d: %w", o.ID, err)
	}
	lines := make([]document.Line, len(kept))
	for i, l := range kept {
		lines[i] = document.Line{No: i + 1, Description: l.Title, Unit: l.Unit, Qty: b.Lines[i].Qty,
			UnitPrice: l.UnitDPP, Total: b.Lines[i].DPP}
	}
	return lines, b, nil
}

// amount fills the lines, the taxes shown on a contract (DPP, PPN, gross)
// and the total in figures and words.
func amount(d *document.Data, lines []document.Line, b tax.Breakdown) {
	d.Lines = lines
	d.Taxes = document.Taxes{DPP: b.DPP, PPN: b.PPN, Gross: b.Gross}
	d.Total = b.Gross
	d.Terbilang = rupiah.TerbilangRupiah(b.Gross)
}

var justificationLabels = map[rules.Code]string{
	rules.Split:      "Pemeriksaan pemecahan paket",
	rules.SSHCeiling: "Harga di atas Standar Satuan Harga",
}

// spData builds the Surat Pesanan of o, signed by its PPK at at.
func spData(o *Order, info docInfo, r tax.Rates, at time.Time) (document.Data, error) {
	lines, b, err := docLines(r, o, false)
	if err != nil {
		return document.Data{}, err
	}
	d := baseData(o, document.SP, o.SPNumber, at)
	d.Fields = append(packageFields(o, info),
		document.Field{Label: "Tanggal barang/jasa dibutuhkan", Value: wib.Date(o.RequestedDate)},
		document.Field{Label: "Alamat pengiriman", Value: o.Address})
	d.From, d.To = ppkParty(o, info), info.supplier
	amount(&d, lines, b)
	d.Paragraphs = []string{
		fmt.Sprintf("Dengan Surat Pesanan ini, Pejabat Pembuat Komitmen %s memesan barang/jasa di bawah ini kepada %s melalui e-marketplace Lapak, dengan harga yang telah disepakati.",
			o.OPDName, info.supplier.Name),
		fmt.Sprintf("Barang/jasa diserahkan di %s paling lambat %s. Pembayaran dilakukan setelah Berita Acara Serah Terima ditandatangani, sebesar nilai barang/jasa yang diterima.",
			o.Address, wib.Date(o.RequestedDate)),
	}
	for _, code := range rules.Codes {
		if text := o.Justifications[code]; text != "" && justificationLabels[code] != "" {
			d.Paragraphs = append(d.Paragraphs, fmt.Sprintf("Alasan tertulis (%s): %s", justificationLabels[code], text))
		}
	}
	if o.Notes != "" {
		d.Paragraphs = append(d.Paragraphs, "Catatan: "+o.Notes)
	}
	d.Signers = []document.Signature{
		{Caption: "Pejabat Pembuat Komitmen", Name: o.PPKName, ID: nipLabel(info.ppkNIP), SignedAt: at},
		{Caption: "Penyedia", Name: info.supplierSigner},
	}
	return d, nil
}

// inspectionNote is one inspection as the BAST reports it.
type inspectionNote struct {
	on                          time.Time
	fungsiOK, jumlahOK, waktuOK bool
	notes, by                   string
}

func loadInspectionNotes(ctx context.Context, db postgres.DBTX, orderID int64) ([]inspectionNote, error) {
	rows, err := db.Query(ctx, `SELECT i.inspected_on, i.fungsi_ok, i.jumlah_ok, i.waktu_ok, i.notes, u.name
		FROM order_inspections i JOIN users u ON u.id = i.user_id WHERE i.order_id = $1 ORDER BY i.id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("ordering: inspections of %d: %w", orderID, postgres.Classify(err))
	}
	defer rows.Close()
	var out []inspectionNote
	for rows.Next() {
		var n inspectionNote
		if err := rows.Scan(&n.on, &n.fungsiOK, &n.jumlahOK, &n.waktuOK, &n.notes, &n.by); err != nil {
			return nil, fmt.Errorf("ordering: inspections of %d: %w", orderID, err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ordering: inspections of %d: %w", orderID, postgres.Classify(err))
	}
	return out, nil
}

func verdictWord(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

// paragraph states one inspection's results in a sentence.
func (n inspectionNote) paragraph() string {
	p := fmt.Sprintf("Pemeriksaan tanggal %s oleh %s: fungsi %s, jumlah %s, waktu penyerahan %s.", wib.Date(n.on), n.by,
		verdictWord(n.fungsiOK, "baik", "tidak sesuai"), verdictWord(n.jumlahOK, "sesuai", "tidak sesuai"),
		verdictWord(n.waktuOK, "tepat waktu", "terlambat"))
	if n.notes != "" {
		p += " Catatan: " + n.notes
	}
	return p
}

// bastData builds the BAST of o for what was received, signed by its PPK at at.
func bastData(o *Order, info docInfo, r tax.Rates, inspections []inspectionNote, at time.Time) (document.Data, error) {
	lines, b, err := docLines(r, o, true)
	if err != nil {
		return document.Data{}, err
	}
	d := baseData(o, document.BAST, "", at)
	spDate := ""
	if o.SignedAt != nil {
		spDate = wib.Date(*o.SignedAt)
	}
	d.Fields = append([]document.Field{
		{Label: "Nomor Surat Pesanan", Value: o.SPNumber},
		{Label: "Tanggal Surat Pesanan", Value: orDash(spDate)},
	}, append(packageFields(o, info), document.Field{Label: "Tempat serah terima", Value: o.Address})...)
	d.From, d.To = info.supplier, ppkParty(o, info)
	amount(&d, lines, b)
	d.Paragraphs = []string{fmt.Sprintf("Pada hari ini, %s, Penyedia %s telah menyerahkan dan Pejabat Pembuat Komitmen %s telah menerima barang/jasa di bawah ini berdasarkan Surat Pesanan nomor %s tanggal %s, dalam jumlah yang tercantum.",
		wib.Date(at), info.supplier.Name, o.OPDName, o.SPNumber, orDash(spDate))}
	for _, n := range inspections {
		d.Paragraphs = append(d.Paragraphs, n.paragraph())
	}
	for _, l := range o.Lines {
		if l.ReceivedQty < l.Qty {
			d.Paragraphs = append(d.Paragraphs, fmt.Sprintf("Tidak diterima: %s, %d dari %d %s yang dipesan; tidak dibayar.",
				l.Title, l.Qty-l.ReceivedQty, l.Qty, l.Unit))
		}
	}
	d.Paragraphs = append(d.Paragraphs, fmt.Sprintf("Pembayaran kepada Penyedia dilakukan sebesar nilai barang/jasa yang diterima, %s.", rupiah.Format(b.Gross)))
	d.Signers = []document.Signature{
		{Caption: "Penyedia, yang menyerahkan", Name: info.supplierSigner},
		{Caption: "Pejabat Pembuat Komitmen, yang menerima", Name: o.PPKName, ID: nipLabel(info.ppkNIP), SignedAt: at},
	}
	return d, nil
}

// issuedNumber returns the number of o's document of kind, "" when none.
func issuedNumber(ctx context.Context, db postgres.DBTX, orderID int64, kind document.Kind) (string, error) {
	var n string
	err := db.QueryRow(ctx, `SELECT coalesce((SELECT number FROM order_documents WHERE order_id = $1 AND kind = $2), '')`, orderID, kind).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("ordering: %s number of %d: %w", kind, orderID, postgres.Classify(err))
	}
	return n, nil
}

// invoiceData builds the supplier's invoice for what was received, signed
// by signer (a person of the supplier) at at.
func invoiceData(o *Order, info docInfo, r tax.Rates, bast, signer string, at time.Time) (document.Data, error) {
	lines, b, err := docLines(r, o, true)
	if err != nil {
		return document.Data{}, err
	}
	d := baseData(o, document.Invoice, "", at)
	d.Fields = append([]document.Field{
		{Label: "Nomor Surat Pesanan", Value: o.SPNumber},
		{Label: "Nomor BAST", Value: orDash(bast)},
	}, packageFields(o, info)...)
	if info.bank != "" {
		d.Fields = append(d.Fields, document.Field{Label: "Rekening pembayaran", Value: info.bank})
	}
	d.From = info.supplier
	d.To = document.Party{Name: o.OPDName, Role: "Pemesan", Address: o.OPDAddress}
	amount(&d, lines, b)
	d.Paragraphs = []string{fmt.Sprintf("Tagihan atas barang/jasa yang telah diserahkan dan diterima sesuai BAST nomor %s, sebesar %s (%s).",
		orDash(bast), rupiah.Format(b.Gross), rupiah.TerbilangRupiah(b.Gross))}
	d.Signers = []document.Signature{{Caption: "Penyedia, " + info.supplier.Name, Name: signer, SignedAt: at}}
	return d, nil
}

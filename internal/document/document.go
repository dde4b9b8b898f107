// Package document renders the signed documents of an order — Surat
// Pesanan, BAST, invoice and kuitansi — from their content as signed: a PDF
// with the regency letterhead that is byte-for-byte reproducible from the
// same Data (so its stored SHA-256 can be checked later), and the data the
// print-ready HTML page shows. It knows nothing of orders' tables or HTTP.
package document

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"time"
)

// Kind is a document's kind.
type Kind string

// The kinds of document.
const (
	SP       Kind = "sp"       // Surat Pesanan
	BAST     Kind = "bast"     // Berita Acara Serah Terima
	Invoice  Kind = "invoice"  // the supplier's invoice (tagihan)
	Kuitansi Kind = "kuitansi" // the receipt of payment
)

// Kinds lists the kinds in the order of the flow.
var Kinds = []Kind{SP, BAST, Invoice, Kuitansi}

// Title returns the heading of the kind, e.g. "SURAT PESANAN".
func (k Kind) Title() string {
	switch k {
	case SP:
		return "SURAT PESANAN"
	case BAST:
		return "BERITA ACARA SERAH TERIMA BARANG/JASA"
	case Invoice:
		return "INVOICE / TAGIHAN"
	case Kuitansi:
		return "KUITANSI"
	}
	return string(k)
}

// Label returns the kind's short name, e.g. "Surat Pesanan".
func (k Kind) Label() string {
	switch k {
	case SP:
		return "Surat Pesanan"
	case BAST:
		return "BAST"
	case Invoice:
		return "Invoice"
	case Kuitansi:
		return "Kuitansi"
	}
	return string(k)
}

// Party is a person or body named on a document.
type Party struct {
	Name    string // e.g. "CV Kopi Sangir Jaya" or an official's name
	Role    string // e.g. "Pejabat Pembuat Komitmen", "Penyedia"
	Org     string // e.g. the OPD's name
	Address string
	ID      string // e.g. "NIP 19800101 200501 1 001" or "NPWP ..."; "" when none
}

// Line is one line of a document's table.
type Line struct {
	No          int
	Description string
	Unit        string
	Qty         int64
	UnitPrice   int64 // per unit, as the document states it (before tax when Taxes shows PPN)
	Total       int64
}

// Taxes is the tax breakdown a document shows; zero values are left out.
type Taxes struct {
	DPP          int64
	PPN          int64
	Gross        int64 // what the buyer pays
	PPNCollected int64
	PPh22        int64
	PPh23        int64
	PP55         int64
	Net          int64 // what the supplier receives
	Notice       string
}

// Field is a labelled value in the document's header block, e.g.
// {"Kode RUP", "12345678"}.
type Field struct{ Label, Value string }

// Data is everything a document shows, as signed. It is stored as JSON with
// the order and rendered again whenever the document is opened.
type Data struct {
	Kind       Kind
	Number     string    // e.g. "027/SP/DINKES/XI/2026"
	Date       time.Time // the signing date (WIB)
	Place      string    // e.g. "Padang Aro"
	Regency    string    // e.g. "PEMERINTAH KABUPATEN SOLOK SELATAN"
	OPDName    string
	OPDAddress string
	Fields     []Field // Kode RUP, package, account code, references to earlier documents...
	From, To   Party   // first and second party (e.g. PPK and supplier)
	Lines      []Line
	Taxes      Taxes
	Total      int64  // the amount the document is about
	Terbilang  string // Total in words, e.g. "satu juta rupiah"
	Paragraphs []string
	Signers    []Signature // left to right
}

// Signature is a signature block: who signed (or must sign) and when.
type Signature struct {
	Caption  string // e.g. "Pejabat Pembuat Komitmen"
	Name     string
	ID       string    // NIP or NIK; "" when none
	SignedAt time.Time // zero when not (yet) signed electronically
}

// layoutVersion counts changes to the PDF layout: raise it with any change
// to pdf*.go that alters the bytes rendered for the same Data.
const layoutVersion = 1

// Renderer names the code that renders PDFs now: the layout version and the
// Go release (kept in the name to be safe). A document stored with the
// current Renderer must re-render to exactly its stored bytes.
func Renderer() string {
	return fmt.Sprintf("lapak-pdf/%d %s", layoutVersion, runtime.Version())
}

// Hash returns the lowercase hex SHA-256 of a rendered PDF.
func Hash(pdf []byte) string {
	sum := sha256.Sum256(pdf)
	return hex.EncodeToString(sum[:])
}

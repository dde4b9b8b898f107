package opendata

// The OCDS 1.1 types Lapak publishes: only the fields it fills, named as
// in the release schema. Optional fields are omitted when empty, as the
// schema prefers an absent field to an empty one.

// Package is an OCDS release package without its releases, which are
// streamed one by one (see Export).
type Package struct {
	URI           string    `json:"uri"`
	Version       string    `json:"version"`
	PublishedDate string    `json:"publishedDate"`
	Publisher     Publisher `json:"publisher"`
	License       string    `json:"license"`
	// PublicationPolicy links to the page that explains what is published.
	PublicationPolicy string `json:"publicationPolicy,omitempty"`
}

// Publisher names who publishes the data.
type Publisher struct {
	Name string `json:"name"`
}

// Links holds the paging links of a release package (the OCDS API
// guidance's links.next and links.prev).
type Links struct {
	Next string `json:"next,omitempty"`
	Prev string `json:"prev,omitempty"`
}

// Release is one OCDS release: everything known about one completed order.
type Release struct {
	OCID           string         `json:"ocid"`
	ID             string         `json:"id"`
	Date           string         `json:"date"`
	Tag            []string       `json:"tag"`
	InitiationType string         `json:"initiationType"`
	Language       string         `json:"language"`
	Parties        []Organization `json:"parties"`
	Buyer          OrgRef         `json:"buyer"`
	Planning       *Planning      `json:"planning,omitempty"`
	Tender         Tender         `json:"tender"`
	Awards         []Award        `json:"awards"`
	Contracts      []Contract     `json:"contracts"`
}

// Organization is a party to the contracting process.
type Organization struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Identifier *Identifier    `json:"identifier,omitempty"`
	Address    *Address       `json:"address,omitempty"`
	Roles      []string       `json:"roles"`
	Details    map[string]any `json:"details,omitempty"`
}

// OrgRef refers to a party by id and name.
type OrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Identifier is an organization's identifier in a scheme.
type Identifier struct {
	Scheme    string `json:"scheme"`
	ID        string `json:"id"`
	LegalName string `json:"legalName,omitempty"`
}

// Address is a postal address; Lapak gives only coarse places for businesses.
type Address struct {
	StreetAddress string `json:"streetAddress,omitempty"`
	Locality      string `json:"locality,omitempty"`
	Region        string `json:"region,omitempty"`
	CountryName   string `json:"countryName,omitempty"`
}

// Planning holds the budget line (the RUP package) the order was charged to.
type Planning struct {
	Budget Budget `json:"budget"`
}

// Budget names the budget line.
type Budget struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	Project     string `json:"project,omitempty"`
}

// Value is an amount of money in whole rupiah.
type Value struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// idr returns amount in rupiah.
func idr(amount int64) *Value { return &Value{Amount: amount, Currency: "IDR"} }

// Tender is the procurement method: a direct e-purchase from a catalog.
type Tender struct {
	ID                              string   `json:"id"`
	Title                           string   `json:"title"`
	Description                     string   `json:"description,omitempty"`
	Status                          string   `json:"status"`
	ProcuringEntity                 OrgRef   `json:"procuringEntity"`
	Items                           []Item   `json:"items,omitempty"`
	Value                           *Value   `json:"value,omitempty"`
	ProcurementMethod               string   `json:"procurementMethod"`
	ProcurementMethodDetails        string   `json:"procurementMethodDetails"`
	MainProcurementCategory         string   `json:"mainProcurementCategory,omitempty"`
	AdditionalProcurementCategories []string `json:"additionalProcurementCategories,omitempty"`
}

// Award is the decision to buy from the supplier at the agreed prices.
type Award struct {
	ID          string   `json:"id"`
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	Status      string   `json:"status"`
	Date        string   `json:"date,omitempty"`
	Value       *Value   `json:"value,omitempty"`
	Suppliers   []OrgRef `json:"suppliers"`
	Items       []Item   `json:"items,omitempty"`
}

// Contract is the Surat Pesanan and what followed it.
type Contract struct {
	ID             string          `json:"id"`
	AwardID        string          `json:"awardID"`
	Title          string          `json:"title,omitempty"`
	Description    string          `json:"description,omitempty"`
	Status         string          `json:"status"`
	Period         *Period         `json:"period,omitempty"`
	Value          *Value          `json:"value,omitempty"`
	Items          []Item          `json:"items,omitempty"`
	DateSigned     string          `json:"dateSigned,omitempty"`
	Documents      []Document      `json:"documents,omitempty"`
	Implementation *Implementation `json:"implementation,omitempty"`
}

// Period is a span of time.
type Period struct {
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
}

// Item is a line of the order.
type Item struct {
	ID                        string           `json:"id"`
	Description               string           `json:"description,omitempty"`
	Classification            *Classification  `json:"classification,omitempty"`
	AdditionalClassifications []Classification `json:"additionalClassifications,omitempty"`
	Quantity                  int64            `json:"quantity"`
	Unit                      *Unit            `json:"unit,omitempty"`
}

// Classification places an item in a scheme (see docs/opendata.md).
type Classification struct {
	Scheme      string `json:"scheme"`
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
}

// Unit is the unit an item is counted in, with its price.
type Unit struct {
	Name  string `json:"name"`
	Value *Value `json:"value,omitempty"`
}

// Document describes a signed document; Lapak never links to the file.
type Document struct {
	ID            string `json:"id"`
	DocumentType  string `json:"documentType"`
	Title         string `json:"title"`
	Description   string `json:"description,omitempty"`
	DatePublished string `json:"datePublished,omitempty"`
	Format        string `json:"format,omitempty"`
	Language      string `json:"language,omitempty"`
}

// Implementation holds deliveries, inspections, payments and their documents.
type Implementation struct {
	Transactions []Transaction `json:"transactions,omitempty"`
	Milestones   []Milestone   `json:"milestones,omitempty"`
	Documents    []Document    `json:"documents,omitempty"`
}

// Transaction is one transfer of money.
type Transaction struct {
	ID    string `json:"id"`
	Date  string `json:"date,omitempty"`
	Value *Value `json:"value"`
	Payer OrgRef `json:"payer"`
	Payee OrgRef `json:"payee"`
}

// Milestone is a shipment or an inspection.
type Milestone struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
	Status      string `json:"status"`
	DateMet     string `json:"dateMet,omitempty"`
}

package ordering

// Stubs of the ordering API, each replaced by its owner (see the file named
// in its comment); delete a stub when its real function lands.

import (
	"context"
	"errors"
	"time"

	"lapak/internal/document"
	"lapak/internal/rules"
	"lapak/internal/tax"
)

var errNotBuilt = errors.New("ordering: not built yet")

// ---- cart.go, checkout.go, negotiate.go ----

// CartItem is one listing in a cart.
type CartItem struct {
	ListingID  int64
	Title      string
	Unit       string
	Kind       string
	Price      int64 // current listing price per unit (incl. PPN for PKP)
	Qty        int64
	MinOrder   int64
	Stock      *int64 // nil for services or untracked
	SSHCeiling int64  // 0 when not linked
	Total      int64
	Available  bool   // still published and the supplier still verified
	Problem    string // why it cannot be ordered now, in Bahasa Indonesia; "" when fine
}

// Cart is a buyer's items from one supplier: one order at checkout.
type Cart struct {
	SupplierID   int64
	SupplierName string
	Items        []CartItem
	Total        int64
}

// AddToCart adds qty of listing to the signed-in buyer's cart (PP or PPK;
// an existing line grows).
func (s *Service) AddToCart(ctx context.Context, listingID int64, qty int64) error { return errNotBuilt }

// SetCartQty sets the quantity of a listing in the cart; 0 removes it.
func (s *Service) SetCartQty(ctx context.Context, listingID int64, qty int64) error { return errNotBuilt }

// Carts returns the signed-in buyer's carts, one per supplier.
func (s *Service) Carts(ctx context.Context) ([]Cart, error) { return nil, errNotBuilt }

// CartCount returns how many lines the signed-in buyer's carts hold (for the header).
func (s *Service) CartCount(ctx context.Context) (int, error) { return 0, errNotBuilt }

// PackageChoice is a RUP package a buyer may charge an order to.
type PackageChoice struct {
	ID           int64
	KodeRUP      string
	Name         string
	Pagu         int64
	Remaining    int64
	FiscalYear   int
	PPKUserID    int64
	FundingLabel string
}

// PPKChoice is a PPK of the buyer's OPD who may sign.
type PPKChoice struct {
	ID   int64
	Name string
}

// CheckoutInput is the checkout form.
type CheckoutInput struct {
	SupplierID     int64
	PackageID      int64
	PPKUserID      int64
	Address        string
	RequestedDate  time.Time // a date (WIB)
	Notes          string
	Negotiate      bool // start a negotiation instead of agreeing at list prices
	Justifications map[rules.Code]string
	Key            string // the form's idempotency key
}

// Checkout is what the checkout page shows: the cart, the choices, and
// (once a package is picked) the rule outcomes and taxes of the order as it
// would be placed.
type Checkout struct {
	Cart     Cart
	Packages []PackageChoice
	PPKs     []PPKChoice
	Input    CheckoutInput
	Outcome  *rules.Outcome  // nil until a package is chosen
	Taxes    *tax.Breakdown  // nil when the cart is empty
	Address  string          // the OPD's address, the default delivery address
}

// PrepareCheckout returns the checkout page for the buyer's cart of a
// supplier, evaluating the rules for in when in.PackageID is set.
func (s *Service) PrepareCheckout(ctx context.Context, in CheckoutInput) (Checkout, error) {
	return Checkout{}, errNotBuilt
}

// PlaceOrder checks out the buyer's cart of in.SupplierID: it re-checks the
// rules under locks, reserves stock and writes the order, or returns the
// order already placed with in.Key. It returns the order id.
func (s *Service) PlaceOrder(ctx context.Context, in CheckoutInput) (int64, error) { return 0, errNotBuilt }

// Offer is one offer of a negotiation.
type Offer struct {
	ID        int64
	Round     int
	Side      Side
	UserName  string
	Prices    map[int64]int64 // line id → unit price before tax
	Total     int64           // order total at these prices incl. PPN
	Note      string
	CreatedAt time.Time
}

// MakeOffer records the signed-in party's offer of unit prices before tax
// per line (line id → price) and passes the turn.
func (s *Service) MakeOffer(ctx context.Context, orderID int64, prices map[int64]int64, note, key string) error {
	return errNotBuilt
}

// AcceptOffer agrees to the other party's latest offer: the order goes to the PPK.
func (s *Service) AcceptOffer(ctx context.Context, orderID int64, key string) error { return errNotBuilt }

// EndNegotiation ends the negotiation at the supplier's latest prices.
func (s *Service) EndNegotiation(ctx context.Context, orderID int64, key string) error { return errNotBuilt }

// Offers returns the negotiation history of an order, oldest first.
func (s *Service) Offers(ctx context.Context, orderID int64) ([]Offer, error) { return nil, errNotBuilt }

// ---- flow.go ----

// Cancel withdraws an order before its SP is signed (PP or PPK of the OPD).
func (s *Service) Cancel(ctx context.Context, orderID int64, reason, key string) error { return errNotBuilt }

// SignSP signs the Surat Pesanan: the designated PPK re-enters the
// password; the rules are checked again under locks; the SP gets its number.
func (s *Service) SignSP(ctx context.Context, orderID int64, password string, justifications map[rules.Code]string, key string) error {
	return errNotBuilt
}

// RejectByPPK refuses to sign, with a reason.
func (s *Service) RejectByPPK(ctx context.Context, orderID int64, reason, key string) error { return errNotBuilt }

// AcceptSP is the supplier accepting the signed SP.
func (s *Service) AcceptSP(ctx context.Context, orderID int64, key string) error { return errNotBuilt }

// RejectBySupplier is the supplier rejecting the SP, with a reason.
func (s *Service) RejectBySupplier(ctx context.Context, orderID int64, reason, key string) error {
	return errNotBuilt
}

// ShipmentInput is one shipment: quantities per line id.
type ShipmentInput struct {
	Qty       map[int64]int64
	ShippedOn time.Time
	Note      string
}

// Ship records a (possibly partial) shipment.
func (s *Service) Ship(ctx context.Context, orderID int64, in ShipmentInput, key string) error { return errNotBuilt }

// Photo is an uploaded inspection photo, already processed by internal/upload.
type Photo struct {
	Data          []byte // JPEG
	Width, Height int
}

// InspectionInput is the PPK's (or PP's) inspection of what arrived.
type InspectionInput struct {
	Received    map[int64]int64 // line id → quantity received now
	InspectedOn time.Time
	FungsiOK    bool
	JumlahOK    bool
	WaktuOK     bool
	Notes       string
	Photos      []Photo
	Complete    bool // close the delivery: the BAST covers what was received
}

// Inspect records an inspection; a complete one moves the order to received.
func (s *Service) Inspect(ctx context.Context, orderID int64, in InspectionInput, key string) error {
	return errNotBuilt
}

// SignBAST signs the BAST for what was received (designated PPK, password).
func (s *Service) SignBAST(ctx context.Context, orderID int64, password, key string) error { return errNotBuilt }

// SendInvoice is the supplier issuing its invoice after the BAST.
func (s *Service) SendInvoice(ctx context.Context, orderID int64, key string) error { return errNotBuilt }

// PaymentInput is the treasurer's payment record.
type PaymentInput struct {
	PaidOn    time.Time
	Method    string // up, kkpd, sp2d
	Reference string
}

// RecordPayment records the payment with its taxes and issues the kuitansi.
func (s *Service) RecordPayment(ctx context.Context, orderID int64, in PaymentInput, key string) error {
	return errNotBuilt
}

// ConfirmPayment is the supplier confirming the money arrived: completed.
func (s *Service) ConfirmPayment(ctx context.Context, orderID int64, key string) error { return errNotBuilt }

// RatingInput is the PPK's rating of the supplier after completion (1–5 each).
type RatingInput struct {
	OnTime, AsDescribed, Communication int
	Comment                            string
}

// Rate records the PPK's rating of a completed order.
func (s *Service) Rate(ctx context.Context, orderID int64, in RatingInput) error { return errNotBuilt }

// Document returns a signed document of an order as signed and its PDF,
// checking that the PDF still matches the stored hash.
func (s *Service) Document(ctx context.Context, orderID int64, kind document.Kind) (document.Data, []byte, error) {
	return document.Data{}, nil, errNotBuilt
}

// ---- timers.go ----

// TimerStats counts what one run of the timers did.
type TimerStats struct {
	Expired, Reminded, PaymentAlerts, Completed int
}

// RunTimers expires orders past their deadline, sends reminders one hari
// kerja before, alerts on payments missing 14 days after the BAST. It runs
// as the system.
func (s *Service) RunTimers(ctx context.Context) (TimerStats, error) { return TimerStats{}, errNotBuilt }

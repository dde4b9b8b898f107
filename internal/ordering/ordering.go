// Package ordering owns orders: the cart, checkout under the rules engine,
// negotiation, the flow from the Surat Pesanan to payment (DESIGN.md section
// 2), the signed documents, the timers and the ratings. Every transition is
// one transaction that also writes an order event, an audit entry and the
// notifications it causes; authorization is checked here for every action
// (access.go), not only hidden in the pages. It knows nothing of HTTP or HTML.
// See docs/ordering.md.
package ordering

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/blob"
	"lapak/internal/postgres"
	"lapak/internal/rules"
	"lapak/internal/workday"
)

// State is an order's state code (DESIGN.md section 2).
type State string

// The states of an order.
const (
	Negotiating        State = "negotiating"
	AwaitingPPK        State = "awaiting_ppk"
	AwaitingSupplier   State = "awaiting_supplier"
	Processing         State = "processing"
	Shipped            State = "shipped"
	Received           State = "received"
	AwaitingPayment    State = "awaiting_payment"
	Paid               State = "paid"
	Completed          State = "completed"
	Cancelled          State = "cancelled"
	RejectedByPPK      State = "rejected_by_ppk"
	RejectedBySupplier State = "rejected_by_supplier"
	Expired            State = "expired"
)

// States lists every state in flow order, side exits last.
var States = []State{Negotiating, AwaitingPPK, AwaitingSupplier, Processing, Shipped, Received, AwaitingPayment,
	Paid, Completed, Cancelled, RejectedByPPK, RejectedBySupplier, Expired}

var stateLabels = map[State]string{
	Negotiating:        "Negosiasi",
	AwaitingPPK:        "Menunggu tanda tangan PPK",
	AwaitingSupplier:   "Menunggu jawaban penyedia",
	Processing:         "Diproses penyedia",
	Shipped:            "Dikirim",
	Received:           "Diterima, menunggu BAST",
	AwaitingPayment:    "Menunggu pembayaran",
	Paid:               "Dibayar",
	Completed:          "Selesai",
	Cancelled:          "Dibatalkan",
	RejectedByPPK:      "Ditolak PPK",
	RejectedBySupplier: "Ditolak penyedia",
	Expired:            "Kedaluwarsa",
}

// Label returns the state's name in Bahasa Indonesia.
func (s State) Label() string {
	if l, ok := stateLabels[s]; ok {
		return l
	}
	return string(s)
}

// Ended reports whether the order left the flow by a side exit.
func (s State) Ended() bool {
	return s == Cancelled || s == RejectedByPPK || s == RejectedBySupplier || s == Expired
}

// Live reports whether an order in this state holds budget on its package
// (see docs/rules.md): every state except the side exits.
func (s State) Live() bool { return !s.Ended() }

// Open reports whether the order still waits for someone: live and not completed.
func (s State) Open() bool { return s.Live() && s != Completed }

// Timed reports whether the state expires after 3 hari kerja without an answer.
func (s State) Timed() bool { return s == AwaitingPPK || s == AwaitingSupplier }

// Side is a party of a negotiation.
type Side string

// The parties.
const (
	Buyer        Side = "buyer"
	SupplierSide Side = "supplier"
)

// ExpiryWorkdays is how many hari kerja an order waits on the PPK or the
// supplier before it expires.
const ExpiryWorkdays = 3

// Line is one line of an order.
type Line struct {
	ID          int64
	Position    int
	ListingID   int64
	Title, Unit string
	Kind        string // goods or services
	CategoryID  int64  // 0 when none
	SSHItemID   int64  // 0 when not linked
	SSHCeiling  int64  // unit ceiling of the SSH item; 0 when not linked
	Qty         int64
	ListPrice   int64 // listing price per unit at checkout (incl. PPN for PKP)
	UnitDPP     int64 // agreed price per unit before tax
	UnitPrice   int64 // what the buyer pays per unit
	Total       int64 // Qty × UnitPrice
	ShippedQty  int64
	ReceivedQty int64
}

// Order is an order with its lines and the names pages show.
type Order struct {
	ID, OPDID, SupplierID, PackageID, BuyerID, PPKID int64
	State                                            State
	CheckoutKey                                      string
	Address                                          string
	RequestedDate                                    time.Time
	Notes                                            string
	SupplierPKP, SupplierPP55                        bool
	Total                                            int64 // contract value incl. PPN at the agreed prices
	ReceivedTotal                                    int64 // value of what was received (set at the BAST)
	Turn                                             Side  // whose move it is while negotiating
	Outcome                                          rules.Outcome
	VersionIDs                                       []int64
	Flagged                                          bool
	Justifications                                   map[rules.Code]string
	SupplierAlert                                    string
	SPNumber                                         string
	Deadline, RemindedAt, PaymentAlertedAt           *time.Time
	EndReason                                        string
	PlacedAt                                         time.Time
	AgreedAt, SignedAt, AcceptedAt, ShippedAt        *time.Time
	ReceivedAt, BASTAt, InvoicedAt, PaidAt           *time.Time
	CompletedAt, EndedAt                             *time.Time
	Version                                          int
	UpdatedAt                                        time.Time

	OPDName, OPDLetterCode, OPDAddress string
	SupplierName                       string
	KodeRUP, PackageName               string
	BuyerName, PPKName                 string

	Lines []Line
}

// Service carries out ordering for the user in the context.
type Service struct {
	db     *pgxpool.Pool
	engine *rules.Engine
	cal    *workday.Calendar
	blobs  blob.Store
	now    func() time.Time
}

// NewService returns the ordering service; cal decides the hari kerja of the
// timers and blobs stores inspection photos.
func NewService(db *pgxpool.Pool, cal *workday.Calendar, blobs blob.Store) *Service {
	return &Service{db: db, engine: rules.NewEngine(Ledger{}), cal: cal, blobs: blobs, now: time.Now}
}

// SetClock replaces the service's clock (tests and the demo seed travel in time).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

const orderColumns = `o.id, o.opd_id, o.supplier_id, o.rup_package_id, o.buyer_user_id, o.ppk_user_id, o.state, o.checkout_key,
	o.delivery_address, o.requested_date, o.notes, o.supplier_pkp, o.supplier_pp55, o.total, coalesce(o.received_total, 0),
	coalesce(o.negotiation_turn, ''), o.rule_outcome, o.rule_version_ids, o.flagged, o.justifications, o.supplier_alert,
	coalesce(o.sp_number, ''), o.deadline_at, o.reminded_at, o.payment_alerted_at, o.end_reason, o.placed_at,
	o.agreed_at, o.signed_at, o.accepted_at, o.shipped_at, o.received_at, o.bast_at, o.invoiced_at, o.paid_at,
	o.completed_at, o.ended_at, o.version, o.updated_at,
	d.name, d.letter_code, d.address, s.name, p.kode_rup, p.name, b.name, k.name`

const orderFrom = ` FROM orders o
	JOIN opds d ON d.id = o.opd_id
	JOIN suppliers s ON s.id = o.supplier_id
	JOIN rup_packages p ON p.id = o.rup_package_id
	JOIN users b ON b.id = o.buyer_user_id
	JOIN users k ON k.id = o.ppk_user_id`

func scanOrder(row pgx.CollectableRow) (*Order, error) { return scanOrderAnd(row) }

// scanOrderAnd scans a row of orderColumns followed by more columns into
// more.
func scanOrderAnd(row pgx.CollectableRow, more ...any) (*Order, error) {
	var o Order
	var outcome, justs []byte
	var turn string
	dest := []any{&o.ID, &o.OPDID, &o.SupplierID, &o.PackageID, &o.BuyerID, &o.PPKID, &o.State, &o.CheckoutKey,
		&o.Address, &o.RequestedDate, &o.Notes, &o.SupplierPKP, &o.SupplierPP55, &o.Total, &o.ReceivedTotal,
		&turn, &outcome, &o.VersionIDs, &o.Flagged, &justs, &o.SupplierAlert,
		&o.SPNumber, &o.Deadline, &o.RemindedAt, &o.PaymentAlertedAt, &o.EndReason, &o.PlacedAt,
		&o.AgreedAt, &o.SignedAt, &o.AcceptedAt, &o.ShippedAt, &o.ReceivedAt, &o.BASTAt, &o.InvoicedAt, &o.PaidAt,
		&o.CompletedAt, &o.EndedAt, &o.Version, &o.UpdatedAt,
		&o.OPDName, &o.OPDLetterCode, &o.OPDAddress, &o.SupplierName, &o.KodeRUP, &o.PackageName, &o.BuyerName, &o.PPKName}
	if err := row.Scan(append(dest, more...)...); err != nil {
		return nil, err
	}
	o.Turn = Side(turn)
	if err := json.Unmarshal(outcome, &o.Outcome); err != nil {
		return nil, fmt.Errorf("rule outcome: %w", err)
	}
	if err := json.Unmarshal(justs, &o.Justifications); err != nil {
		return nil, fmt.Errorf("justifications: %w", err)
	}
	return &o, nil
}

// loadOrder reads order id with its lines (one round trip), checking no
// permission; lock takes FOR NO KEY UPDATE on the order row (db must then
// be a transaction).
func loadOrder(ctx context.Context, db postgres.DBTX, id int64, lock bool) (*Order, error) {
	b := &pgx.Batch{}
	o := queueLoadOrder(b, id, lock)
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			return nil, err
		}
		return nil, fmt.Errorf("ordering: load %d: %w", id, postgres.Classify(err))
	}
	return *o, nil
}

// queueLoadOrder adds loadOrder's two statements to b; the order is in the
// result once b has been sent and closed without error.
func queueLoadOrder(b *pgx.Batch, id int64, lock bool) **Order {
	q := "SELECT " + orderColumns + orderFrom + " WHERE o.id = $1"
	if lock {
		q += " FOR NO KEY UPDATE OF o"
	}
	var o *Order
	b.Queue(q, id).Query(func(rows pgx.Rows) error {
		var err error
		if o, err = pgx.CollectExactlyOneRow(rows, scanOrder); err != nil {
			return postgres.NotFound(err, "Pesanan tidak ditemukan.")
		}
		return nil
	})
	b.Queue(linesQuery, id).Query(func(rows pgx.Rows) error {
		var err error
		o.Lines, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Line])
		return err
	})
	return &o
}

// lockOrder locks order id for a transition and reads it with its lines,
// and whether the form with key ("" for none) was already carried out, in
// one round trip. The statements run one after the other, each with a
// fresh snapshot, so the key check after the lock sees a twin submission
// that committed while this one waited.
func lockOrder(ctx context.Context, tx pgx.Tx, id int64, key string) (o *Order, done bool, err error) {
	b := &pgx.Batch{}
	b.Queue("SELECT "+orderColumns+orderFrom+" WHERE o.id = $1 FOR NO KEY UPDATE OF o", id).Query(func(rows pgx.Rows) error {
		var err error
		if o, err = pgx.CollectExactlyOneRow(rows, scanOrder); err != nil {
			return postgres.NotFound(err, "Pesanan tidak ditemukan.")
		}
		return nil
	})
	if key != "" {
		b.Queue(`SELECT EXISTS (SELECT 1 FROM order_events WHERE order_id = $1 AND key = $2)`, id, key).QueryRow(func(row pgx.Row) error {
			return row.Scan(&done)
		})
	}
	b.Queue(linesQuery, id).Query(func(rows pgx.Rows) error {
		var err error
		o.Lines, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Line])
		return err
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, false, fmt.Errorf("ordering: lock %d: %w", id, postgres.Classify(err))
	}
	return o, done, nil
}

// linesQuery reads an order's lines ($1) in their order.
const linesQuery = `SELECT id, position, listing_id, title, unit, kind, coalesce(category_id, 0), coalesce(ssh_item_id, 0),
	coalesce(ssh_ceiling, 0), qty, list_price, unit_dpp, unit_price, total, shipped_qty, received_qty
	FROM order_lines WHERE order_id = $1 ORDER BY position`

// Candidate returns the order as the rules engine checks it: its lines at
// the agreed prices, its SSH excess per unit, and its justifications.
func (o *Order) Candidate(at time.Time, lock bool) rules.Candidate {
	c := rules.Candidate{OrderID: o.ID, OPDID: o.OPDID, PackageID: o.PackageID, SupplierID: o.SupplierID,
		At: at, Lock: lock, Justifications: o.Justifications}
	for _, l := range o.Lines {
		rl := rules.Line{CategoryID: l.CategoryID, Label: l.Title, Total: l.Total, SSHCeiling: l.SSHCeiling}
		if l.SSHCeiling > 0 && l.UnitPrice > l.SSHCeiling {
			rl.SSHExcess = l.UnitPrice - l.SSHCeiling
		}
		c.Lines = append(c.Lines, rl)
	}
	return c
}

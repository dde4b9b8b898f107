package ordering

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/blob"
	"lapak/internal/document"
	"lapak/internal/postgres"
	"lapak/internal/rules"
	"lapak/internal/tax"
)

// Shipment is one recorded shipment.
type Shipment struct {
	ID        int64
	ShippedOn time.Time
	Note      string
	UserName  string
	Qty       map[int64]int64 // line id → quantity
	CreatedAt time.Time
}

// Inspection is one recorded inspection.
type Inspection struct {
	ID                          int64
	InspectedOn                 time.Time
	FungsiOK, JumlahOK, WaktuOK bool
	Notes                       string
	Complete                    bool
	UserName                    string
	Received                    map[int64]int64 // line id → quantity received in this inspection
	PhotoKeys                   []string        // blob keys of JPEG photos
	CreatedAt                   time.Time
}

// Payment is the treasurer's payment record.
type Payment struct {
	PaidOn                                       time.Time
	Method, Reference                            string
	Gross, PPNCollected, PPh22, PPh23, PP55, Net int64
	UserName                                     string
	RecordedAt                                   time.Time
}

// MethodLabel names a payment method.
func MethodLabel(m string) string {
	switch m {
	case "up":
		return "Uang Persediaan (UP) tunai"
	case "kkpd":
		return "Kartu Kredit Pemerintah Daerah (KKPD)"
	case "sp2d":
		return "Transfer (SP2D LS)"
	}
	return m
}

// Rating is the PPK's rating of a completed order.
type Rating struct {
	OnTime, AsDescribed, Communication int
	Comment                            string
	UserName                           string
	CreatedAt                          time.Time
}

// DocumentRef is a signed document of an order.
type DocumentRef struct {
	Kind     document.Kind
	Number   string
	SHA256   string
	SignedBy string
	SignedAt time.Time
}

// Detail is everything the order page shows.
type Detail struct {
	*Order
	Events      []Event
	Offers      []Offer
	Shipments   []Shipment
	Inspections []Inspection
	Payment     *Payment
	Rating      *Rating
	Documents   []DocumentRef
	Versions    []rules.Version // the rule versions the order was checked under
	Taxes       *tax.Breakdown  // on the received quantities once received, else on the order
	Actions     []Action        // what the signed-in user can do now
}

// Can reports whether the page should offer action a.
func (d *Detail) Can(a Action) bool {
	for _, x := range d.Actions {
		if x == a {
			return true
		}
	}
	return false
}

// Get returns order id for the signed-in user with everything the order
// page shows, read from one snapshot so its parts agree. Someone who may
// not see the order gets apperr.NotFound.
func (s *Service) Get(ctx context.Context, id int64) (*Detail, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return nil, apperr.E(apperr.Unauthenticated, "")
	}
	var d *Detail
	err := pgx.BeginTxFunc(ctx, s.db, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		o, err := loadOrder(ctx, tx, id, false)
		if err != nil {
			return err
		}
		if err := can(u, o, ActView); err != nil {
			return err
		}
		d = &Detail{Order: o}
		return s.fill(ctx, tx, d)
	})
	if err != nil {
		return nil, postgres.Classify(err)
	}
	d.Actions = Available(u, d.Order, d.Rating != nil)
	return d, nil
}

// fill reads everything of d but its order: the timeline, documents, rule
// versions, offers, fulfilment, rating and taxes.
func (s *Service) fill(ctx context.Context, db postgres.DBTX, d *Detail) error {
	var err error
	if d.Events, err = events(ctx, db, d.ID); err != nil {
		return err
	}
	if d.Documents, err = documentRefs(ctx, db, d.ID); err != nil {
		return err
	}
	if len(d.VersionIDs) > 0 {
		if d.Versions, err = rules.Versions(ctx, db, d.VersionIDs); err != nil {
			return err
		}
	}
	if d.Offers, err = loadOffers(ctx, db, d.ID); err != nil {
		return err
	}
	if d.Shipments, err = shipments(ctx, db, d.ID); err != nil {
		return err
	}
	if d.Inspections, err = inspections(ctx, db, d.ID); err != nil {
		return err
	}
	if err := d.loadPayment(ctx, db); err != nil {
		return err
	}
	if err := d.loadRating(ctx, db); err != nil {
		return err
	}
	on := s.now()
	if d.Payment != nil {
		on = d.Payment.PaidOn
	}
	return d.computeTaxes(ctx, db, on)
}

// Photo opens an inspection photo of order orderID for the signed-in user,
// who must be able to see the order; a key that is not a photo of one of
// its inspections is apperr.NotFound. The caller closes the reader.
func (s *Service) Photo(ctx context.Context, orderID int64, key string) (io.ReadCloser, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return nil, apperr.E(apperr.Unauthenticated, "")
	}
	o, err := loadOrder(ctx, s.db, orderID, false)
	if err != nil {
		return nil, err
	}
	if err := can(u, o, ActView); err != nil {
		return nil, err
	}
	notFound := apperr.E(apperr.NotFound, "Foto tidak ditemukan.")
	if !blob.ValidKey(key) {
		return nil, notFound
	}
	var ok bool
	if err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM order_inspection_photos p
		JOIN order_inspections i ON i.id = p.inspection_id WHERE i.order_id = $1 AND p.blob_key = $2)`, orderID, key).Scan(&ok); err != nil {
		return nil, fmt.Errorf("ordering: photo of order %d: %w", orderID, postgres.Classify(err))
	}
	if !ok {
		return nil, notFound
	}
	r, err := s.blobs.Open(ctx, key)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("ordering: photo of order %d: %w", orderID, err)
	}
	return r, nil
}

func shipments(ctx context.Context, db postgres.DBTX, orderID int64) ([]Shipment, error) {
	rows, err := db.Query(ctx, `SELECT s.id, s.shipped_on, s.note, u.name,
		coalesce((SELECT jsonb_object_agg(l.line_id, l.qty) FROM order_shipment_lines l WHERE l.shipment_id = s.id), '{}'),
		s.created_at
		FROM order_shipments s JOIN users u ON u.id = s.user_id WHERE s.order_id = $1 ORDER BY s.id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("ordering: shipments of %d: %w", orderID, postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Shipment])
	if err != nil {
		return nil, fmt.Errorf("ordering: shipments of %d: %w", orderID, postgres.Classify(err))
	}
	return list, nil
}

func inspections(ctx context.Context, db postgres.DBTX, orderID int64) ([]Inspection, error) {
	rows, err := db.Query(ctx, `SELECT i.id, i.inspected_on, i.fungsi_ok, i.jumlah_ok, i.waktu_ok, i.notes, i.complete, u.name,
		coalesce((SELECT jsonb_object_agg(l.line_id, l.qty) FROM order_inspection_lines l WHERE l.inspection_id = i.id), '{}'),
		coalesce((SELECT array_agg(p.blob_key ORDER BY p.id) FROM order_inspection_photos p WHERE p.inspection_id = i.id), '{}'),
		i.created_at
		FROM order_inspections i JOIN users u ON u.id = i.user_id WHERE i.order_id = $1 ORDER BY i.id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("ordering: inspections of %d: %w", orderID, postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Inspection])
	if err != nil {
		return nil, fmt.Errorf("ordering: inspections of %d: %w", orderID, postgres.Classify(err))
	}
	return list, nil
}

// loadPayment sets d.Payment, which stays nil before the order is paid.
func (d *Detail) loadPayment(ctx context.Context, db postgres.DBTX) error {
	rows, err := db.Query(ctx, `SELECT p.paid_on, p.method, p.reference, p.gross, p.ppn_collected, p.pph22, p.pph23, p.pp55, p.net,
		u.name, p.recorded_at
		FROM order_payments p JOIN users u ON u.id = p.user_id WHERE p.order_id = $1`, d.ID)
	if err != nil {
		return fmt.Errorf("ordering: payment of %d: %w", d.ID, postgres.Classify(err))
	}
	p, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByPos[Payment])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ordering: payment of %d: %w", d.ID, postgres.Classify(err))
	}
	d.Payment = p
	return nil
}

// loadRating sets d.Rating, which stays nil before the PPK rates the order.
func (d *Detail) loadRating(ctx context.Context, db postgres.DBTX) error {
	rows, err := db.Query(ctx, `SELECT r.on_time, r.as_described, r.communication, r.comment, u.name, r.created_at
		FROM order_ratings r JOIN users u ON u.id = r.user_id WHERE r.order_id = $1`, d.ID)
	if err != nil {
		return fmt.Errorf("ordering: rating of %d: %w", d.ID, postgres.Classify(err))
	}
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByPos[Rating])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ordering: rating of %d: %w", d.ID, postgres.Classify(err))
	}
	d.Rating = r
	return nil
}

// taxKinds maps a line's kind to the tax package's.
var taxKinds = map[string]tax.Kind{"goods": tax.Goods, "services": tax.Services}

// computeTaxes sets d.Taxes, the breakdown under the rates in force on on:
// on the received quantities once the delivery is closed (received or
// later), else on the ordered ones. It stays nil when nothing was received.
// A flagged order counts as split: the collection threshold does not apply.
func (d *Detail) computeTaxes(ctx context.Context, db postgres.DBTX, on time.Time) error {
	o := d.Order
	delivered := o.State == Received || o.State == AwaitingPayment || o.State == Paid || o.State == Completed
	t := tax.Order{Supplier: tax.Supplier{PKP: o.SupplierPKP, PP55: o.SupplierPP55}, Split: o.Flagged}
	for _, l := range o.Lines {
		qty := l.Qty
		if delivered {
			qty = l.ReceivedQty
		}
		if qty > 0 {
			t.Lines = append(t.Lines, tax.Line{Kind: taxKinds[l.Kind], Qty: qty, UnitPrice: l.UnitPrice})
		}
	}
	if len(t.Lines) == 0 {
		return nil
	}
	rates, err := tax.LoadRates(ctx, db, on)
	if err != nil {
		return fmt.Errorf("ordering: taxes of %d: %w", o.ID, err)
	}
	b, err := tax.Compute(rates, t)
	if err != nil {
		return fmt.Errorf("ordering: taxes of %d: %w", o.ID, err)
	}
	d.Taxes = &b
	return nil
}

func documentRefs(ctx context.Context, db postgres.DBTX, orderID int64) ([]DocumentRef, error) {
	rows, err := db.Query(ctx, `SELECT d.kind, d.number, d.pdf_sha256, coalesce(u.name, ''), d.signed_at
		FROM order_documents d LEFT JOIN users u ON u.id = d.signed_by WHERE d.order_id = $1 ORDER BY d.id`, orderID)
	if err != nil {
		return nil, fmt.Errorf("ordering: documents of %d: %w", orderID, postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[DocumentRef])
	if err != nil {
		return nil, fmt.Errorf("ordering: documents of %d: %w", orderID, postgres.Classify(err))
	}
	return list, nil
}

package ordering

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
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

// Get returns order id for the signed-in user with everything the order page shows.
func (s *Service) Get(ctx context.Context, id int64) (*Detail, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return nil, apperr.E(apperr.Unauthenticated, "")
	}
	o, err := loadOrder(ctx, s.db, id, false)
	if err != nil {
		return nil, err
	}
	if err := can(u, o, ActView); err != nil {
		return nil, err
	}
	d := &Detail{Order: o}
	if d.Events, err = events(ctx, s.db, id); err != nil {
		return nil, err
	}
	if d.Documents, err = documentRefs(ctx, s.db, id); err != nil {
		return nil, err
	}
	if len(o.VersionIDs) > 0 {
		if d.Versions, err = rules.Versions(ctx, s.db, o.VersionIDs); err != nil {
			return nil, err
		}
	}
	// TODO(flow helper): offers, shipments, inspections, payment, rating, taxes.
	d.Actions = Available(u, o, d.Rating != nil)
	return d, nil
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

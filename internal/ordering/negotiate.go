package ordering

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/notify"
	"lapak/internal/postgres"
	"lapak/internal/rupiah"
	"lapak/internal/supplier"
	"lapak/internal/tax"
	"lapak/internal/validate"
)

// maxOfferNote bounds an offer's note, as the schema does.
const maxOfferNote = 1000

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

// sideName names a party for users.
func sideName(s Side) string {
	if s == SupplierSide {
		return "Penyedia"
	}
	return "OPD pemesan"
}

// otherSide returns the other party.
func otherSide(s Side) Side {
	if s == SupplierSide {
		return Buyer
	}
	return SupplierSide
}

// negotiator returns the side the signed-in user negotiates for on order
// id and the action that side takes; step then checks the person and the
// state. Someone of the order's supplier is its supplier side; anyone else
// is checked as the buyer side.
func (s *Service) negotiator(ctx context.Context, id int64) (Side, Action, error) {
	var supplierID int64
	err := s.db.QueryRow(ctx, `SELECT supplier_id FROM orders WHERE id = $1`, id).Scan(&supplierID)
	if err != nil {
		return "", "", fmt.Errorf("ordering: order %d: %w", id, postgres.NotFound(err, "Pesanan tidak ditemukan."))
	}
	if supplier.Member(auth.UserFrom(ctx), supplierID) {
		return SupplierSide, ActSupplierOffer, nil
	}
	return Buyer, ActBuyerOffer, nil
}

// turnRefusal says that it is the other party's move.
func turnRefusal(turn Side) error {
	if turn == SupplierSide {
		return apperr.E(apperr.Conflict, "Sekarang giliran penyedia menjawab penawaran. Tunggu jawabannya.")
	}
	return apperr.E(apperr.Conflict, "Sekarang giliran OPD pemesan menjawab penawaran. Tunggu jawabannya.")
}

// MakeOffer records the signed-in party's offer of unit prices before tax
// per line (line id → price) and passes the turn. Lines left out keep the
// price on the table; every price must be above zero and at most the
// current ask (validate.Errors on "price_<line id>", "prices" and "note").
// A supplier's offer becomes the new ask: the lines and the order total
// change with it. Out of turn is apperr.Conflict.
func (s *Service) MakeOffer(ctx context.Context, orderID int64, prices map[int64]int64, note, key string) error {
	side, act, err := s.negotiator(ctx, orderID)
	if err != nil {
		return err
	}
	return s.step(ctx, orderID, key, act, []State{Negotiating}, func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		if o.Turn != side {
			return change{}, turnRefusal(o.Turn)
		}
		if err := checkOffer(o, prices, note); err != nil {
			return change{}, err
		}
		rates, err := tax.LoadRates(ctx, tx, now)
		if err != nil {
			return change{}, fmt.Errorf("tax rates: %w", err)
		}
		full := offerPrices(o, prices)
		total := offerTotal(o, rates, full)
		round, err := insertOffer(ctx, tx, o.ID, side, auth.UserFrom(ctx).ID, full, total, note, now)
		if err != nil {
			return change{}, err
		}
		if side == SupplierSide {
			if err := applyPrices(ctx, tx, o, rates, full); err != nil {
				return change{}, err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE orders SET negotiation_turn = $2 WHERE id = $1`, o.ID, otherSide(side)); err != nil {
			return change{}, fmt.Errorf("pass turn: %w", postgres.Classify(err))
		}
		to, err := s.counterparty(ctx, tx, o, side)
		if err != nil {
			return change{}, err
		}
		return change{Kind: "offer", Note: note, Details: map[string]any{"round": round, "side": side, "total": total, "prices": full},
			Notify: []notify.Note{{UserIDs: to, Kind: "order.offer",
				Message: fmt.Sprintf("%s mengajukan penawaran %s untuk pesanan %s (ronde %d). Giliran Anda menjawab.",
					sideName(side), rupiah.Format(total), orderLabel(o), round)}}}, nil
	})
}

// orderLabel names an order in notifications.
func orderLabel(o *Order) string {
	return fmt.Sprintf("#%d %s – %s", o.ID, o.OPDName, o.SupplierName)
}

// checkOffer validates an offer against the lines' current asks.
func checkOffer(o *Order, prices map[int64]int64, note string) error {
	errs := validate.Errors{}
	if len(prices) == 0 {
		errs.Add("prices", "Isi harga penawaran (sebelum pajak) untuk paling sedikit satu barang atau jasa.")
	}
	ask := map[int64]Line{}
	for _, l := range o.Lines {
		ask[l.ID] = l
	}
	for id, p := range prices {
		l, ok := ask[id]
		field := "price_" + strconv.FormatInt(id, 10)
		switch {
		case !ok:
			errs.Add("prices", "Penawaran menyebut barang yang tidak ada pada pesanan ini. Muat ulang halaman lalu coba lagi.")
		case p <= 0:
			errs.Add(field, "Harga penawaran harus lebih dari Rp0.")
		case p > l.UnitDPP:
			errs.Add(field, fmt.Sprintf("Harga penawaran %s paling tinggi %s per %s (harga yang sedang ditawarkan, sebelum pajak).",
				l.Title, rupiah.Format(l.UnitDPP), l.Unit))
		}
	}
	errs.Check("note", validate.MaxLen(note, maxOfferNote))
	return errs.Err()
}

// offerPrices completes an offer with the current ask of the lines it
// leaves out.
func offerPrices(o *Order, prices map[int64]int64) map[int64]int64 {
	full := make(map[int64]int64, len(o.Lines))
	for _, l := range o.Lines {
		full[l.ID] = l.UnitDPP
		if p, ok := prices[l.ID]; ok {
			full[l.ID] = p
		}
	}
	return full
}

// offerTotal is the order total including PPN at prices before tax.
func offerTotal(o *Order, rates tax.Rates, prices map[int64]int64) int64 {
	var total int64
	for _, l := range o.Lines {
		total += l.Qty * tax.GrossFromDPP(rates, o.SupplierPKP, prices[l.ID])
	}
	return total
}

// insertOffer stores an offer as the next round and returns its round.
func insertOffer(ctx context.Context, tx pgx.Tx, orderID int64, side Side, userID int64, prices map[int64]int64, total int64, note string, now time.Time) (int, error) {
	var round int
	err := tx.QueryRow(ctx, `INSERT INTO order_offers (order_id, round, side, user_id, prices, total, note, created_at)
		SELECT $1, coalesce(max(round), 0) + 1, $2, $3, $4, $5, $6, $7 FROM order_offers WHERE order_id = $1
		RETURNING round`, orderID, side, userID, prices, total, note, now).Scan(&round)
	if err != nil {
		return 0, fmt.Errorf("insert offer: %w", postgres.Classify(err))
	}
	return round, nil
}

// applyPrices makes prices before tax the lines' agreed prices and
// updates the order total.
func applyPrices(ctx context.Context, tx pgx.Tx, o *Order, rates tax.Rates, prices map[int64]int64) error {
	var total int64
	for i := range o.Lines {
		l := &o.Lines[i]
		l.UnitDPP = prices[l.ID]
		l.UnitPrice = tax.GrossFromDPP(rates, o.SupplierPKP, l.UnitDPP)
		l.Total = l.Qty * l.UnitPrice
		total += l.Total
		if _, err := tx.Exec(ctx, `UPDATE order_lines SET unit_dpp = $2, unit_price = $3, total = $4 WHERE id = $1`,
			l.ID, l.UnitDPP, l.UnitPrice, l.Total); err != nil {
			return fmt.Errorf("update line %d: %w", l.ID, postgres.Classify(err))
		}
	}
	o.Total = total
	if _, err := tx.Exec(ctx, `UPDATE orders SET total = $2 WHERE id = $1`, o.ID, total); err != nil {
		return fmt.Errorf("update total: %w", postgres.Classify(err))
	}
	return nil
}

// counterparty returns the users to tell about side's move: the supplier's
// people, or the buyer who placed the order.
func (s *Service) counterparty(ctx context.Context, tx pgx.Tx, o *Order, side Side) ([]int64, error) {
	if side == SupplierSide {
		return []int64{o.BuyerID}, nil
	}
	return supplierUserIDs(ctx, tx, o.SupplierID)
}

// AcceptOffer agrees to the other party's latest offer: the order goes to
// the PPK. The buyer accepts the supplier's ask as it stands; the supplier
// accepting the buyer's offer makes its prices the agreed ones. Only the
// party whose turn it is may (apperr.Conflict otherwise).
func (s *Service) AcceptOffer(ctx context.Context, orderID int64, key string) error {
	side, act, err := s.negotiator(ctx, orderID)
	if err != nil {
		return err
	}
	return s.step(ctx, orderID, key, act, []State{Negotiating}, func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		if o.Turn != side {
			return change{}, turnRefusal(o.Turn)
		}
		if side == SupplierSide {
			if err := s.applyBuyerOffer(ctx, tx, o, now); err != nil {
				return change{}, err
			}
		}
		return s.agree(ctx, tx, o, side, now, "agree", fmt.Sprintf("%s menerima penawaran terakhir.", sideName(side)))
	})
}

// applyBuyerOffer makes the buyer's latest offer the agreed prices.
func (s *Service) applyBuyerOffer(ctx context.Context, tx pgx.Tx, o *Order, now time.Time) error {
	offers, err := loadOffers(ctx, tx, o.ID)
	if err != nil {
		return err
	}
	if len(offers) == 0 || offers[len(offers)-1].Side != Buyer {
		return apperr.E(apperr.Conflict, "Belum ada penawaran dari OPD pemesan untuk diterima.")
	}
	rates, err := tax.LoadRates(ctx, tx, now)
	if err != nil {
		return fmt.Errorf("tax rates: %w", err)
	}
	return applyPrices(ctx, tx, o, rates, offerPrices(o, offers[len(offers)-1].Prices))
}

// agree ends the negotiation at the order's current prices: the order
// waits for the PPK, who is told, and so is the other party.
func (s *Service) agree(ctx context.Context, tx pgx.Tx, o *Order, side Side, now time.Time, kind, note string) (change, error) {
	// Turn and state change in one statement: the schema wants no turn
	// outside a negotiation.
	if _, err := tx.Exec(ctx, `UPDATE orders SET state = 'awaiting_ppk', negotiation_turn = NULL, agreed_at = $2 WHERE id = $1`, o.ID, now); err != nil {
		return change{}, fmt.Errorf("agree: %w", postgres.Classify(err))
	}
	to, err := s.counterparty(ctx, tx, o, side)
	if err != nil {
		return change{}, err
	}
	return change{To: AwaitingPPK, Kind: kind, Note: note, Details: map[string]any{"side": side, "total": o.Total},
		Notify: []notify.Note{
			{UserIDs: to, Kind: "order.agreed", Message: fmt.Sprintf("Negosiasi pesanan %s selesai pada %s. Pesanan menunggu tanda tangan PPK.",
				orderLabel(o), rupiah.Format(o.Total))},
			{UserIDs: []int64{o.PPKID}, Kind: "order.awaiting_ppk", Message: fmt.Sprintf("Pesanan menunggu tanda tangan Anda: %s, %s setelah negosiasi (Kode RUP %s).",
				orderLabel(o), rupiah.Format(o.Total), o.KodeRUP)},
		}}, nil
}

// EndNegotiation ends the negotiation at the current ask (the supplier's
// latest prices, the list prices when it has made no offer); either party
// may, whoever's turn it is.
func (s *Service) EndNegotiation(ctx context.Context, orderID int64, key string) error {
	side, act, err := s.negotiator(ctx, orderID)
	if err != nil {
		return err
	}
	return s.step(ctx, orderID, key, act, []State{Negotiating}, func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		return s.agree(ctx, tx, o, side, now, "end_negotiation",
			fmt.Sprintf("%s mengakhiri negosiasi; disepakati harga terakhir penyedia.", sideName(side)))
	})
}

// Offers returns the negotiation history of an order, oldest first, to
// those who may see the order.
func (s *Service) Offers(ctx context.Context, orderID int64) ([]Offer, error) {
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
	return loadOffers(ctx, s.db, orderID)
}

// loadOffers reads the offers of an order, oldest first, checking no permission.
func loadOffers(ctx context.Context, db postgres.DBTX, orderID int64) ([]Offer, error) {
	rows, err := db.Query(ctx, `SELECT f.id, f.round, f.side, u.name, f.prices, f.total, f.note, f.created_at
		FROM order_offers f JOIN users u ON u.id = f.user_id WHERE f.order_id = $1 ORDER BY f.round`, orderID)
	if err != nil {
		return nil, fmt.Errorf("ordering: offers of %d: %w", orderID, postgres.Classify(err))
	}
	offers, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Offer, error) {
		var f Offer
		var prices []byte
		if err := row.Scan(&f.ID, &f.Round, &f.Side, &f.UserName, &prices, &f.Total, &f.Note, &f.CreatedAt); err != nil {
			return f, err
		}
		if err := json.Unmarshal(prices, &f.Prices); err != nil {
			return f, fmt.Errorf("prices of offer %d: %w", f.ID, err)
		}
		return f, nil
	})
	if err != nil {
		return nil, fmt.Errorf("ordering: offers of %d: %w", orderID, postgres.Classify(err))
	}
	return offers, nil
}

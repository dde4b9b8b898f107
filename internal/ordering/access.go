package ordering

import (
	"slices"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/supplier"
)

// Action is something a person does to an order; can decides who may.
type Action string

// The actions on an order.
const (
	ActView           Action = "view"
	ActBuyerOffer     Action = "buyer_offer"     // negotiate for the OPD (PP or PPK of the OPD)
	ActSupplierOffer  Action = "supplier_offer"  // negotiate for the supplier
	ActCancel         Action = "cancel"          // the OPD withdraws before the SP (PP or PPK)
	ActSign           Action = "sign"            // the designated PPK signs the SP
	ActRejectPPK      Action = "reject_ppk"      // the designated PPK refuses to sign
	ActAccept         Action = "accept"          // the supplier accepts the SP
	ActRejectSupplier Action = "reject_supplier" // the supplier rejects it
	ActShip           Action = "ship"            // the supplier records a shipment
	ActInspect        Action = "inspect"         // the PPK, or a PP of the OPD as inspector
	ActSignBAST       Action = "sign_bast"       // the designated PPK
	ActInvoice        Action = "invoice"         // the supplier
	ActPay            Action = "pay"             // a treasurer of the OPD
	ActConfirmPayment Action = "confirm_payment" // the supplier confirms it was paid
	ActRate           Action = "rate"            // the designated PPK, after completion
)

// opdRole reports whether u holds one of roles for the order's OPD.
func opdRole(u *auth.User, opdID int64, roles ...auth.Role) bool {
	for _, g := range u.Grants {
		if g.OPDID == opdID {
			for _, r := range roles {
				if g.Role == r {
					return true
				}
			}
		}
	}
	return false
}

// designatedPPK reports whether u is the PPK the order names, still PPK of its OPD.
func designatedPPK(u *auth.User, o *Order) bool {
	return u.ID == o.PPKID && opdRole(u, o.OPDID, auth.RolePPK)
}

// Allowed reports whether u may take action a on o as a person, whatever
// the order's state (the state is checked by each transition).
func Allowed(u *auth.User, o *Order, a Action) bool {
	if u == nil || u.Disabled() {
		return false
	}
	switch a {
	case ActView:
		return opdRole(u, o.OPDID, auth.RolePP, auth.RolePPK, auth.RoleTreasurer) ||
			supplier.Member(u, o.SupplierID) || u.Has(auth.RoleAdmin, auth.RoleAuditor)
	case ActBuyerOffer, ActCancel:
		return opdRole(u, o.OPDID, auth.RolePP, auth.RolePPK)
	case ActInspect:
		return designatedPPK(u, o) || opdRole(u, o.OPDID, auth.RolePP)
	case ActSign, ActRejectPPK, ActSignBAST, ActRate:
		return designatedPPK(u, o)
	case ActSupplierOffer, ActAccept, ActRejectSupplier, ActShip, ActInvoice, ActConfirmPayment:
		return supplier.Member(u, o.SupplierID)
	case ActPay:
		return opdRole(u, o.OPDID, auth.RoleTreasurer)
	}
	return false
}

var refusals = map[Action]string{
	ActView:           "Anda tidak berhak melihat pesanan ini.",
	ActBuyerOffer:     "Hanya PP atau PPK dari OPD pemesan yang dapat bernegosiasi atas nama OPD.",
	ActSupplierOffer:  "Hanya penyedia pesanan ini yang dapat mengajukan harga penawaran.",
	ActCancel:         "Hanya PP atau PPK dari OPD pemesan yang dapat membatalkan pesanan.",
	ActSign:           "Hanya PPK yang ditunjuk pada pesanan ini yang dapat menandatangani Surat Pesanan.",
	ActRejectPPK:      "Hanya PPK yang ditunjuk pada pesanan ini yang dapat menolaknya.",
	ActAccept:         "Hanya penyedia pesanan ini yang dapat menerima Surat Pesanan.",
	ActRejectSupplier: "Hanya penyedia pesanan ini yang dapat menolak Surat Pesanan.",
	ActShip:           "Hanya penyedia pesanan ini yang dapat mencatat pengiriman.",
	ActInspect:        "Hanya PPK pesanan ini atau PP dari OPD pemesan yang dapat mencatat pemeriksaan barang.",
	ActSignBAST:       "Hanya PPK yang ditunjuk pada pesanan ini yang dapat menandatangani BAST.",
	ActInvoice:        "Hanya penyedia pesanan ini yang dapat mengirim tagihan.",
	ActPay:            "Hanya bendahara OPD pemesan yang dapat mencatat pembayaran.",
	ActConfirmPayment: "Hanya penyedia pesanan ini yang dapat mengonfirmasi pembayaran diterima.",
	ActRate:           "Hanya PPK yang ditunjuk pada pesanan ini yang dapat memberi penilaian.",
}

// can returns nil when u may take a on o, else apperr.Forbidden with the reason
// (apperr.NotFound when u may not even see the order).
func can(u *auth.User, o *Order, a Action) error {
	if u == nil {
		return apperr.E(apperr.Unauthenticated, "")
	}
	if !Allowed(u, o, ActView) {
		return apperr.E(apperr.NotFound, "Pesanan tidak ditemukan.")
	}
	if Allowed(u, o, a) {
		return nil
	}
	return apperr.E(apperr.Forbidden, refusals[a])
}

// actionStates lists the states each action may be taken in; transitions
// pass it to step, pages use Available. Finer conditions (whose turn it is,
// whether an invoice was sent) are checked by the transition itself and by
// Available.
var actionStates = map[Action][]State{
	ActBuyerOffer:     {Negotiating},
	ActSupplierOffer:  {Negotiating},
	ActCancel:         {Negotiating, AwaitingPPK},
	ActSign:           {AwaitingPPK},
	ActRejectPPK:      {AwaitingPPK},
	ActAccept:         {AwaitingSupplier},
	ActRejectSupplier: {AwaitingSupplier},
	ActShip:           {Processing, Shipped},
	ActInspect:        {Shipped},
	ActSignBAST:       {Received},
	ActInvoice:        {AwaitingPayment},
	ActPay:            {AwaitingPayment},
	ActConfirmPayment: {Paid},
	ActRate:           {Completed},
}

// Available returns the actions u can take on o now, in the order pages
// offer them.
func Available(u *auth.User, o *Order, rated bool) []Action {
	var out []Action
	for _, a := range []Action{ActSign, ActRejectPPK, ActBuyerOffer, ActSupplierOffer, ActAccept, ActRejectSupplier, ActShip,
		ActInspect, ActSignBAST, ActInvoice, ActPay, ActConfirmPayment, ActRate, ActCancel} {
		if !Allowed(u, o, a) || !slices.Contains(actionStates[a], o.State) {
			continue
		}
		switch a {
		case ActBuyerOffer:
			if o.Turn != Buyer {
				continue
			}
		case ActSupplierOffer:
			if o.Turn != SupplierSide {
				continue
			}
		case ActShip:
			if !o.hasUnshipped() {
				continue
			}
		case ActInvoice:
			if o.InvoicedAt != nil {
				continue
			}
		case ActPay:
			if o.InvoicedAt == nil {
				continue
			}
		case ActRate:
			if rated {
				continue
			}
		}
		out = append(out, a)
	}
	return out
}

func (o *Order) hasUnshipped() bool {
	for _, l := range o.Lines {
		if l.ShippedQty < l.Qty {
			return true
		}
	}
	return false
}

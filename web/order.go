package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"

	"lapak/internal/auth"
	"lapak/internal/document"
	"lapak/internal/notify"
	"lapak/internal/ordering"
	"lapak/internal/rules"
	"lapak/internal/rupiah"
	"lapak/internal/wib"
)

// NewFormKey returns a fresh idempotency key for a form: 16 random bytes in
// hex. The domain carries out a form with a given key at most once, so a
// double click or a retried request does nothing twice.
func NewFormKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (it aborts the program instead)
	return hex.EncodeToString(b[:])
}

// keyOf returns the key a form posted, or a fresh one.
func keyOf(f Form) string {
	if k := f.Get("key"); k != "" {
		return k
	}
	return NewFormKey()
}

// CartView is what the cart page shows: the buyer's carts, one per supplier.
type CartView struct {
	Carts []ordering.Cart
	Form  Form // a quantity as typed (CartQtyField) and its error
}

// CartQtyField names the quantity input of a listing on the cart page, and
// the key of its error.
func CartQtyField(listingID int64) string { return "qty_" + i64(listingID) }

func (v CartView) qty(it ordering.CartItem) string {
	if s, ok := v.Form.Values[CartQtyField(it.ListingID)]; ok && len(s) > 0 {
		return s[0]
	}
	return i64(it.Qty)
}

// CheckoutView is the checkout form of one supplier's cart.
type CheckoutView struct {
	Checkout ordering.Checkout
	Form     Form // package_id, ppk_user_id, requested_date, address, notes, negotiate, justification_<rule>, key
}

// JustificationField names the justification textarea of a rule.
func JustificationField(c rules.Code) string { return "justification_" + string(c) }

func (v CheckoutView) key() string { return keyOf(v.Form) }

func checkoutPath(supplierID int64) templ.SafeURL {
	return templ.SafeURL("/checkout/" + i64(supplierID))
}

func packageOptions(list []ordering.PackageChoice) []Option {
	out := []Option{{"", "— pilih paket RUP —"}}
	for _, p := range list {
		out = append(out, Option{i64(p.ID), p.KodeRUP + " — " + p.Name + " (sisa pagu " + money(p.Remaining) + ")"})
	}
	return out
}

func ppkOptions(list []ordering.PPKChoice) []Option {
	out := []Option{{"", "— pilih PPK —"}}
	for _, p := range list {
		out = append(out, Option{i64(p.ID), p.Name})
	}
	return out
}

var ruleNames = map[rules.Code]string{
	rules.Ceiling:          "Batas nilai pesanan",
	rules.EligibleSupplier: "Penyedia yang berhak",
	rules.PackageBudget:    "Pagu paket RUP",
	rules.Split:            "Deteksi pemecahan paket",
	rules.SSHCeiling:       "Harga wajar (SSH)",
}

func ruleName(c rules.Code) string {
	if n, ok := ruleNames[c]; ok {
		return n
	}
	return string(c)
}

func verdictClass(v rules.Verdict) string {
	switch v {
	case rules.Pass:
		return "badge ok"
	case rules.NeedsJustification:
		return "badge warn"
	}
	return "badge off"
}

// needingJustification returns the results that ask for a written justification.
func needingJustification(o *rules.Outcome) []rules.Result {
	if o == nil {
		return nil
	}
	var out []rules.Result
	for _, r := range o.Results {
		if r.Verdict == rules.NeedsJustification {
			out = append(out, r)
		}
	}
	return out
}

func orderPath(id int64) string { return "/orders/" + i64(id) }

func orderURL(id int64, rest string) templ.SafeURL {
	return templ.SafeURL(orderPath(id) + rest)
}

// OrderView is what the order page shows: the order with everything around
// it, and the forms of the actions the user can take now. When a form was
// refused, Active names it and Form holds what was typed and the errors.
type OrderView struct {
	D      *ordering.Detail
	User   *auth.User
	Active string // the form that was posted and refused ("sign", "ship", ...); "" when none
	Form   Form
	Today  time.Time
}

// form returns the values of form name: as posted when it was refused,
// else its defaults.
func (v OrderView) form(name string) Form {
	if name == v.Active {
		return v.Form
	}
	f := NewForm()
	today := wib.ISODate(v.Today)
	o := v.D.Order
	switch name {
	case "offer":
		for _, l := range o.Lines {
			f.Values.Set(offerField(l.ID), i64(l.UnitDPP))
		}
	case "ship":
		f.Values.Set("shipped_on", today)
		for _, l := range o.Lines {
			f.Values.Set(shipField(l.ID), i64(max(l.Qty-l.ShippedQty, 0)))
		}
	case "inspect":
		f.Values.Set("inspected_on", today)
		for _, l := range o.Lines {
			f.Values.Set(receiveField(l.ID), i64(max(l.ShippedQty-l.ReceivedQty, 0)))
		}
	case "pay":
		f.Values.Set("paid_on", today)
	case "sign":
		for code, text := range o.Justifications {
			f.Values.Set(JustificationField(code), text)
		}
	}
	return f
}

// key returns the idempotency key of form name.
func (v OrderView) key(name string) string {
	if name == v.Active {
		return keyOf(v.Form)
	}
	return NewFormKey()
}

// offerField names the price input of an order line in the offer form.
func offerField(lineID int64) string { return "price_" + i64(lineID) }

// shipField names the quantity input of an order line in the shipment form.
func shipField(lineID int64) string { return "ship_" + i64(lineID) }

// receiveField names the quantity input of an order line in the inspection form.
func receiveField(lineID int64) string { return "recv_" + i64(lineID) }

// negotiator reports whether the user speaks for a party of the negotiation.
func (v OrderView) negotiator() bool {
	o := v.D.Order
	return o.State == ordering.Negotiating &&
		(ordering.Allowed(v.User, o, ordering.ActBuyerOffer) || ordering.Allowed(v.User, o, ordering.ActSupplierOffer))
}

// canAcceptOffer reports whether the party whose turn it is has an offer of
// the other party to accept.
func (v OrderView) canAcceptOffer() bool {
	if !v.D.Can(ordering.ActBuyerOffer) && !v.D.Can(ordering.ActSupplierOffer) || len(v.D.Offers) == 0 {
		return false
	}
	return v.D.Offers[len(v.D.Offers)-1].Side != v.D.Turn
}

// actionable reports whether the page has any form for the user.
func (v OrderView) actionable() bool { return len(v.D.Actions) > 0 || v.negotiator() }

func sideLabel(s ordering.Side) string {
	if s == ordering.SupplierSide {
		return "Penyedia"
	}
	return "OPD"
}

var eventLabels = map[string]string{
	"checkout":                         "Pesanan dibuat",
	"offer":                            "Penawaran harga",
	"agree":                            "Penawaran diterima",
	"end_negotiation":                  "Negosiasi diakhiri",
	string(ordering.ActCancel):         "Dibatalkan OPD",
	string(ordering.ActSign):           "Surat Pesanan ditandatangani PPK",
	string(ordering.ActRejectPPK):      "Ditolak PPK",
	string(ordering.ActAccept):         "Surat Pesanan diterima penyedia",
	string(ordering.ActRejectSupplier): "Ditolak penyedia",
	string(ordering.ActShip):           "Pengiriman dicatat",
	string(ordering.ActInspect):        "Pemeriksaan barang dicatat",
	string(ordering.ActSignBAST):       "BAST ditandatangani",
	string(ordering.ActInvoice):        "Tagihan dikirim",
	string(ordering.ActPay):            "Pembayaran dicatat",
	string(ordering.ActConfirmPayment): "Pembayaran dikonfirmasi penyedia",
	string(ordering.ActRate):           "Penilaian diberikan",
	"expired":                          "Kedaluwarsa tanpa jawaban",
	"reminder":                         "Pengingat dikirim",
	"payment_overdue":                  "Pembayaran terlambat",
	"auto_completed":                   "Selesai otomatis",
}

// eventLabel names an event of the timeline.
func eventLabel(e ordering.Event) string {
	if l, ok := eventLabels[e.Kind]; ok {
		return l
	}
	if e.From != e.To && e.To != "" {
		return "Status menjadi " + e.To.Label()
	}
	return strings.ReplaceAll(e.Kind, "_", " ")
}

func documentURL(id int64, k document.Kind, pdf bool) templ.SafeURL {
	s := orderPath(id) + "/documents/" + string(k)
	if pdf {
		s += ".pdf"
	}
	return templ.SafeURL(s)
}

func inspectionPhotoURL(id int64, key string) templ.SafeURL {
	return templ.SafeURL(orderPath(id) + "/photos/" + key)
}

func okText(ok bool) string {
	if ok {
		return "Sesuai"
	}
	return "Tidak sesuai"
}

func paymentMethodOptions() []Option {
	out := []Option{{"", "— pilih cara bayar —"}}
	for _, m := range []string{"up", "kkpd", "sp2d"} {
		out = append(out, Option{m, ordering.MethodLabel(m)})
	}
	return out
}

// stateClass is the badge class of a state.
func stateClass(s ordering.State) string {
	switch {
	case s.Ended():
		return "badge off"
	case s == ordering.Completed || s == ordering.Paid:
		return "badge ok"
	case s.Timed():
		return "badge warn"
	}
	return "badge"
}

func dateOnly(t time.Time) string { return wib.Date(t) }

func thousands64(n int64) string { return rupiah.FormatPlain(n) }

// OrderListView is one page of the order list with its tab and search.
type OrderListView struct {
	List  ordering.ListPage
	State string // the tab: a state code, or "all"
	Query string
}

// orderTab is one state tab of the order list.
type orderTab struct {
	State, Label string
	Count        int
}

// tabs returns "all" and every state that has orders or is the current tab.
func (v OrderListView) tabs() []orderTab {
	total := 0
	for _, n := range v.List.Counts {
		total += n
	}
	out := []orderTab{{"all", "Semua", total}}
	for _, s := range ordering.States {
		n := v.List.Counts[s]
		if n == 0 && string(s) != v.State {
			continue
		}
		out = append(out, orderTab{string(s), s.Label(), n})
	}
	return out
}

// URL returns the list's address for a tab and page, keeping the search.
func (v OrderListView) URL(state string, page int) templ.SafeURL {
	q := url.Values{}
	q.Set("state", state)
	if v.Query != "" {
		q.Set("q", v.Query)
	}
	if page > 1 {
		q.Set("page", itoa(page))
	}
	return templ.SafeURL("/orders?" + q.Encode())
}

// OrderTitle names an order: its SP number once it has one.
func OrderTitle(id int64, spNumber string) string {
	if spNumber != "" {
		return "Pesanan " + spNumber
	}
	return "Pesanan #" + i64(id)
}

func orderName(id int64, spNumber string) string {
	if spNumber != "" {
		return spNumber
	}
	return "#" + i64(id)
}

func shortDate(t time.Time) string { return wib.ShortDate(t) }

// describedAs lists the ids describing input id of an action form.
func describedAs(f Form, id, name, hint string) string {
	var ids []string
	if hint != "" {
		ids = append(ids, id+"-hint")
	}
	if f.Err(name) != "" {
		ids = append(ids, id+"-error")
	}
	return strings.Join(ids, " ")
}

func unreadCount(list []notify.Notification) int {
	n := 0
	for _, x := range list {
		if x.ReadAt == nil {
			n++
		}
	}
	return n
}

// safeLink keeps a notification's link on this site.
func safeLink(link string) string {
	if strings.HasPrefix(link, "/") && !strings.HasPrefix(link, "//") && !strings.HasPrefix(link, "/\\") {
		return link
	}
	return "/notifications"
}

// oneDecimal writes x with one decimal and a decimal comma ("4,3").
func oneDecimal(x float64) string {
	tenths := int64(x*10 + 0.5)
	return i64(tenths/10) + "," + i64(tenths%10)
}

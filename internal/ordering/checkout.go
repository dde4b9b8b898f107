package ordering

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/notify"
	"lapak/internal/postgres"
	"lapak/internal/rules"
	"lapak/internal/rup"
	"lapak/internal/rupiah"
	"lapak/internal/tax"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

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

// CheckoutInput is the checkout form. PlaceOrder reports its mistakes as
// validate.Errors on the fields supplier_id, package_id, ppk_user_id,
// address, requested_date, notes, justifications and key.
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
	Outcome  *rules.Outcome // nil until a package is chosen
	Taxes    *tax.Breakdown // nil when the cart is empty
	Address  string         // the OPD's address, the default delivery address
}

// Limits of the checkout form.
const (
	minAddress       = 5
	maxAddress       = 500
	maxNotes         = 2000
	maxJustification = 2000
)

// PrepareCheckout returns the checkout page for the buyer's cart of a
// supplier, evaluating the rules for in when in.PackageID is set (without
// locks: PlaceOrder checks again). Empty choices in in get their defaults:
// the OPD's address and the package's PPK. Only PP and PPK may
// (apperr.Forbidden).
func (s *Service) PrepareCheckout(ctx context.Context, in CheckoutInput) (Checkout, error) {
	u, opd, err := cartBuyer(ctx)
	if err != nil {
		return Checkout{}, err
	}
	now := s.now()
	co := Checkout{Cart: Cart{SupplierID: in.SupplierID}}
	carts, err := loadCarts(ctx, s.db, u.ID, opd, in.SupplierID)
	if err != nil {
		return Checkout{}, err
	}
	if len(carts) == 1 && in.SupplierID != 0 {
		co.Cart = carts[0]
	}
	if co.Packages, err = packageChoices(ctx, s.db, opd, now); err != nil {
		return Checkout{}, err
	}
	if co.PPKs, err = ppkChoices(ctx, s.db, opd); err != nil {
		return Checkout{}, err
	}
	if err := s.db.QueryRow(ctx, `SELECT address FROM opds WHERE id = $1`, opd).Scan(&co.Address); err != nil {
		return Checkout{}, fmt.Errorf("ordering: address of opd %d: %w", opd, postgres.Classify(err))
	}
	co.Input = checkoutDefaults(in, co)
	if len(co.Cart.Items) == 0 {
		return co, nil
	}
	lines := cartLines(co.Cart, tax.Rates{}, false)
	if in.PackageID != 0 {
		o := &Order{OPDID: opd, PackageID: in.PackageID, SupplierID: in.SupplierID, Justifications: in.Justifications, Lines: lines}
		out, err := s.engine.Check(ctx, s.db, o.Candidate(now, false))
		if err != nil && !errors.Is(err, apperr.Invalid) {
			return Checkout{}, fmt.Errorf("ordering: prepare checkout: %w", err)
		}
		if err == nil {
			co.Outcome = &out
		}
	}
	if co.Taxes, err = cartTaxes(ctx, s.db, co.Cart, co.Outcome, now); err != nil {
		return Checkout{}, err
	}
	return co, nil
}

// checkoutDefaults fills the empty choices of the form: the OPD's address and the
// chosen package's PPK when still a PPK of the OPD.
func checkoutDefaults(in CheckoutInput, co Checkout) CheckoutInput {
	if strings.TrimSpace(in.Address) == "" {
		in.Address = co.Address
	}
	if in.PPKUserID == 0 && in.PackageID != 0 {
		for _, p := range co.Packages {
			if p.ID == in.PackageID && slices.ContainsFunc(co.PPKs, func(k PPKChoice) bool { return k.ID == p.PPKUserID }) {
				in.PPKUserID = p.PPKUserID
			}
		}
	}
	return in
}

// cartTaxes computes the tax breakdown of the cart at its current prices;
// nil when it cannot be computed (an order too large, which the page shows).
func cartTaxes(ctx context.Context, db postgres.DBTX, c Cart, out *rules.Outcome, now time.Time) (*tax.Breakdown, error) {
	rates, err := tax.LoadRates(ctx, db, now)
	if err != nil {
		return nil, fmt.Errorf("ordering: tax rates: %w", err)
	}
	o := tax.Order{Supplier: tax.Supplier{PKP: c.SupplierPKP, PP55: c.SupplierPP55}}
	if out != nil {
		r, _ := out.Result(rules.Split)
		o.Split = r.Flagged
	}
	for _, it := range c.Items {
		o.Lines = append(o.Lines, tax.Line{Kind: taxKind(it.Kind), Qty: it.Qty, UnitPrice: it.Price})
	}
	b, err := tax.Compute(rates, o)
	if errors.Is(err, apperr.Invalid) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ordering: taxes: %w", err)
	}
	return &b, nil
}

// cartLines turns cart items into order lines at the listing prices; with
// pkp the price before tax is derived at rates.
func cartLines(c Cart, rates tax.Rates, pkp bool) []Line {
	lines := make([]Line, len(c.Items))
	for i, it := range c.Items {
		dpp := it.Price
		if pkp {
			dpp = tax.DPPFromGross(rates, it.Price)
		}
		lines[i] = Line{Position: i + 1, ListingID: it.ListingID, Title: it.Title, Unit: it.Unit, Kind: it.Kind,
			CategoryID: it.CategoryID, SSHItemID: it.SSHItemID, SSHCeiling: it.SSHCeiling, Qty: it.Qty,
			ListPrice: it.Price, UnitDPP: dpp, UnitPrice: it.Price, Total: it.Qty * it.Price}
	}
	return lines
}

// packageChoices returns the OPD's active packages of the fiscal year of
// now (WIB), with what their live orders leave of the pagu.
func packageChoices(ctx context.Context, db postgres.DBTX, opd int64, now time.Time) ([]PackageChoice, error) {
	rows, err := db.Query(ctx, `SELECT id, kode_rup, name, pagu, 0::bigint, fiscal_year, coalesce(ppk_user_id, 0), funding_source
		FROM rup_packages WHERE opd_id = $1 AND active AND fiscal_year = $2 ORDER BY kode_rup`, opd, now.In(wib.Location).Year())
	if err != nil {
		return nil, fmt.Errorf("ordering: packages of opd %d: %w", opd, postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[PackageChoice])
	if err != nil {
		return nil, fmt.Errorf("ordering: packages of opd %d: %w", opd, postgres.Classify(err))
	}
	for i := range list {
		p := &list[i]
		p.FundingLabel = rup.FundingSource(p.FundingLabel).Label()
		if p.Remaining, err = rup.Remaining(ctx, db, p.ID, Ledger{}); err != nil {
			return nil, fmt.Errorf("ordering: packages of opd %d: %w", opd, err)
		}
	}
	return list, nil
}

// ppkChoices returns the PPKs of the OPD whose accounts are active.
func ppkChoices(ctx context.Context, db postgres.DBTX, opd int64) ([]PPKChoice, error) {
	rows, err := db.Query(ctx, `SELECT u.id, u.name FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE r.role = 'ppk' AND r.opd_id = $1 AND u.disabled_at IS NULL ORDER BY u.name, u.id`, opd)
	if err != nil {
		return nil, fmt.Errorf("ordering: ppks of opd %d: %w", opd, postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[PPKChoice])
	if err != nil {
		return nil, fmt.Errorf("ordering: ppks of opd %d: %w", opd, postgres.Classify(err))
	}
	return list, nil
}

// PlaceOrder checks out the buyer's cart of in.SupplierID: it re-checks the
// rules under locks, reserves stock and writes the order, or returns the
// order already placed with in.Key. It returns the order id. Form mistakes
// are validate.Errors (see CheckoutInput); a refusal by the rules, an item
// no longer orderable or short stock is apperr.Conflict, and nothing is
// written.
func (s *Service) PlaceOrder(ctx context.Context, in CheckoutInput) (int64, error) {
	u, opd, err := cartBuyer(ctx)
	if err != nil {
		return 0, err
	}
	if id, ok, err := orderByKey(ctx, s.db, u.ID, in.Key); err != nil || ok {
		return id, err
	}
	in = trimInput(in)
	now := s.now()
	if err := validateCheckout(ctx, s.db, opd, in, now); err != nil {
		return 0, err
	}
	var id int64
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		id, err = s.placeOrder(ctx, tx, u, opd, in, now)
		return err
	})
	if errors.Is(err, apperr.Conflict) {
		// A double submit that lost the race on the unique checkout key.
		if prev, ok, kerr := orderByKey(ctx, s.db, u.ID, in.Key); kerr == nil && ok {
			return prev, nil
		}
	}
	if err != nil {
		return 0, fmt.Errorf("ordering: place order with supplier %d: %w", in.SupplierID, err)
	}
	return id, nil
}

// orderByKey finds the order the user placed with a checkout key.
func orderByKey(ctx context.Context, db postgres.DBTX, userID int64, key string) (int64, bool, error) {
	if key == "" {
		return 0, false, nil
	}
	var id int64
	err := db.QueryRow(ctx, `SELECT id FROM orders WHERE buyer_user_id = $1 AND checkout_key = $2`, userID, key).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("ordering: order by checkout key: %w", postgres.Classify(err))
	}
	return id, true, nil
}

// trimInput trims the free text of the form and drops empty justifications.
func trimInput(in CheckoutInput) CheckoutInput {
	in.Address = strings.TrimSpace(in.Address)
	in.Notes = strings.TrimSpace(in.Notes)
	justs := map[rules.Code]string{}
	for code, text := range in.Justifications {
		if text = strings.TrimSpace(text); text != "" {
			justs[code] = text
		}
	}
	in.Justifications = justs
	return in
}

// wibDate returns midnight WIB of t's WIB date.
func wibDate(t time.Time) time.Time {
	y, m, d := t.In(wib.Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, wib.Location)
}

// validateCheckout checks the form against the buyer's OPD.
func validateCheckout(ctx context.Context, db postgres.DBTX, opd int64, in CheckoutInput, now time.Time) error {
	errs := validate.Errors{}
	if in.SupplierID <= 0 {
		errs.Add("supplier_id", "Pilih keranjang penyedia yang akan dipesan.")
	}
	if err := checkPackageField(ctx, db, opd, in.PackageID, errs); err != nil {
		return err
	}
	if err := checkPPKField(ctx, db, opd, in.PPKUserID, errs); err != nil {
		return err
	}
	switch n := utf8.RuneCountInString(in.Address); {
	case n < minAddress:
		errs.Add("address", fmt.Sprintf("Isi alamat pengiriman, minimal %d karakter.", minAddress))
	case n > maxAddress:
		errs.Add("address", fmt.Sprintf("Alamat pengiriman maksimal %d karakter.", maxAddress))
	}
	today := wibDate(now)
	switch d := wibDate(in.RequestedDate); {
	case in.RequestedDate.IsZero():
		errs.Add("requested_date", "Isi tanggal barang atau jasa dibutuhkan.")
	case d.Before(today):
		errs.Add("requested_date", "Tanggal kebutuhan tidak boleh sebelum hari ini.")
	case d.After(today.AddDate(1, 0, 0)):
		errs.Add("requested_date", "Tanggal kebutuhan paling lambat satu tahun dari hari ini.")
	}
	errs.Check("notes", validate.MaxLen(in.Notes, maxNotes))
	for _, text := range in.Justifications {
		errs.Check("justifications", validate.MaxLen(text, maxJustification))
	}
	if len(in.Key) < 8 || len(in.Key) > 100 {
		errs.Add("key", "Formulir tidak valid. Muat ulang halaman lalu coba lagi.")
	}
	return errs.Err()
}

// checkPackageField requires a package of the buyer's OPD; the rules
// engine judges the rest (active, fiscal year, pagu).
func checkPackageField(ctx context.Context, db postgres.DBTX, opd, id int64, errs validate.Errors) error {
	if id <= 0 {
		errs.Add("package_id", "Pilih paket RUP (Kode RUP) yang menanggung belanja ini.")
		return nil
	}
	var owner int64
	err := db.QueryRow(ctx, `SELECT opd_id FROM rup_packages WHERE id = $1`, id).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && owner != opd) {
		errs.Add("package_id", "Paket RUP ini bukan milik OPD Anda. Pilih paket RUP OPD Anda sendiri.")
		return nil
	}
	if err != nil {
		return fmt.Errorf("ordering: package %d: %w", id, postgres.Classify(err))
	}
	return nil
}

// checkPPKField requires an active PPK of the buyer's OPD.
func checkPPKField(ctx context.Context, db postgres.DBTX, opd, id int64, errs validate.Errors) error {
	if id <= 0 {
		errs.Add("ppk_user_id", "Pilih PPK yang akan menandatangani Surat Pesanan.")
		return nil
	}
	var ok bool
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE r.user_id = $1 AND r.role = 'ppk' AND r.opd_id = $2 AND u.disabled_at IS NULL)`, id, opd).Scan(&ok)
	if err != nil {
		return fmt.Errorf("ordering: ppk %d: %w", id, postgres.Classify(err))
	}
	if !ok {
		errs.Add("ppk_user_id", "Orang yang dipilih bukan PPK aktif di OPD Anda. Pilih PPK dari daftar.")
	}
	return nil
}

// placeOrder writes the order in tx. It serialises on the OPD row (the first
// lock the rules engine takes, so the lock order stays OPD, package,
// supplier, listings), returns the order already placed with the key, and
// otherwise checks, reserves and writes.
func (s *Service) placeOrder(ctx context.Context, tx pgx.Tx, u *auth.User, opd int64, in CheckoutInput, now time.Time) (int64, error) {
	// One round trip: the OPD's lock, then (under it) the order already
	// placed with this key, the cart and the tax rates.
	var existing int64
	var carts []Cart
	var rates tax.Rates
	b := &pgx.Batch{}
	b.Queue("SELECT 1 FROM opds WHERE id = $1 FOR NO KEY UPDATE", opd).Exec(func(pgconn.CommandTag) error { return nil })
	b.Queue(`SELECT id FROM orders WHERE buyer_user_id = $1 AND checkout_key = $2`, u.ID, in.Key).Query(func(rows pgx.Rows) error {
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if len(ids) > 0 {
			existing = ids[0]
		}
		return err
	})
	cq, cargs := cartsQuery(u.ID, opd, in.SupplierID)
	b.Queue(cq, cargs...).Query(func(rows pgx.Rows) error {
		var err error
		carts, err = collectCarts(rows)
		return err
	})
	rq, rargs := tax.RatesQuery(now)
	b.Queue(rq, rargs...).Query(func(rows pgx.Rows) error {
		var err error
		rates, err = tax.ScanRates(rows, now)
		return err
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return 0, fmt.Errorf("checkout: %w", postgres.Classify(err))
	}
	if existing != 0 {
		return existing, nil
	}
	if len(carts) != 1 || len(carts[0].Items) == 0 {
		return 0, apperr.E(apperr.Conflict, "Keranjang Anda untuk penyedia ini kosong. Tambahkan barang atau jasa lebih dulu.")
	}
	cart := carts[0]
	o := &Order{OPDID: opd, PackageID: in.PackageID, SupplierID: cart.SupplierID, Justifications: in.Justifications,
		Lines: cartLines(cart, rates, cart.SupplierPKP)}
	// The OPD row is locked above.
	cand := o.Candidate(now, true)
	cand.OPDLocked = true
	out, err := s.engine.Check(ctx, tx, cand)
	if err != nil {
		return 0, err
	}
	if !out.Allowed() {
		return 0, ruleRefusal(out)
	}
	changed, err := lockListings(ctx, tx, &cart)
	if err != nil {
		return 0, err
	}
	if changed {
		// A price changed between the first read and the lock: the rules
		// judge the prices the order is written with.
		o.Lines = cartLines(cart, rates, cart.SupplierPKP)
		cand = o.Candidate(now, true)
		cand.OPDLocked = true
		if out, err = s.engine.Check(ctx, tx, cand); err != nil {
			return 0, err
		}
		if !out.Allowed() {
			return 0, ruleRefusal(out)
		}
	}
	if err := reserveStock(ctx, tx, cart); err != nil {
		return 0, err
	}
	id, err := s.insertOrder(ctx, tx, u, opd, in, cart, o.Lines, out, now)
	if err != nil {
		return 0, err
	}
	// The cart emptied and the order read back as stored, in one round trip.
	b = &pgx.Batch{}
	b.Queue(`DELETE FROM cart_items WHERE user_id = $1 AND listing_id = ANY($2)`, u.ID, listingIDs(cart)).Exec(func(pgconn.CommandTag) error { return nil })
	stored := queueLoadOrder(b, id, false)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return 0, fmt.Errorf("checkout: %w", postgres.Classify(err))
	}
	placed := *stored
	return id, s.record(ctx, tx, placed, u, "checkout", in.Key, now, checkoutChange(placed, out))
}

// checkoutChange is the checkout's event and its notification: the PPK
// signs next, or, when negotiating, nobody is told yet (the buyer offers first).
func checkoutChange(o *Order, out rules.Outcome) change {
	ch := change{Kind: "checkout", inserted: true, Details: map[string]any{"total": o.Total, "lines": len(o.Lines), "flagged": out.Flagged(),
		"negotiate": o.State == Negotiating}}
	if o.State == AwaitingPPK {
		ch.Notify = []notify.Note{{UserIDs: []int64{o.PPKID}, Kind: "order.awaiting_ppk",
			Message: fmt.Sprintf("Pesanan baru menunggu tanda tangan Anda: %s, %s, dipesan %s (Kode RUP %s).",
				o.SupplierName, rupiah.Format(o.Total), o.BuyerName, o.KodeRUP)}}
	}
	return ch
}

// refusalLabels names the rules that may need a written justification.
var refusalLabels = map[rules.Code]string{
	rules.Split:      "dugaan pemecahan paket",
	rules.SSHCeiling: "harga di atas SSH",
}

// ruleRefusal is the Conflict of an order the rules do not allow: the refusals'
// messages and the justifications still missing.
func ruleRefusal(out rules.Outcome) error {
	var parts []string
	for _, r := range out.Results {
		if r.Verdict == rules.Refuse {
			parts = append(parts, r.Message)
		}
	}
	var missing []string
	for _, r := range out.Unjustified() {
		label := refusalLabels[r.Rule]
		if label == "" {
			label = string(r.Rule)
		}
		missing = append(missing, label)
	}
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("Tulis alasan (minimal %d karakter) untuk: %s.", rules.MinJustification, strings.Join(missing, ", ")))
	}
	return apperr.E(apperr.Conflict, "Pesanan tidak dapat dibuat. "+strings.Join(parts, " "))
}

// lockListings locks the cart's listings (in id order, after the engine's
// locks), refreshes the cart's prices and stock from them and refuses items
// that can no longer be ordered; changed reports a price that moved.
func lockListings(ctx context.Context, tx pgx.Tx, c *Cart) (changed bool, err error) {
	rows, err := tx.Query(ctx, `SELECT id, price, stock, status = 'published' AND supplier_active, min_order
		FROM listings WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE`, listingIDs(*c))
	if err != nil {
		return false, fmt.Errorf("lock listings: %w", postgres.Classify(err))
	}
	type locked struct {
		price, minOrder int64
		stock           *int64
		ok              bool
	}
	now := map[int64]locked{}
	for rows.Next() {
		var id int64
		var l locked
		var stock *int32
		if err := rows.Scan(&id, &l.price, &stock, &l.ok, &l.minOrder); err != nil {
			rows.Close()
			return false, fmt.Errorf("lock listings: %w", err)
		}
		if stock != nil {
			n := int64(*stock)
			l.stock = &n
		}
		now[id] = l
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("lock listings: %w", postgres.Classify(err))
	}
	for i := range c.Items {
		it := &c.Items[i]
		l, found := now[it.ListingID]
		if !found || !l.ok {
			return false, apperr.E(apperr.Conflict, it.Title+" tidak dapat dipesan lagi: tidak ditayangkan atau penyedianya tidak aktif. Hapus dari keranjang lalu coba lagi.")
		}
		if it.Qty < l.minOrder {
			return false, apperr.E(apperr.Conflict, fmt.Sprintf("Pesanan minimal %d %s untuk %s. Ubah jumlahnya di keranjang.", l.minOrder, it.Unit, it.Title))
		}
		changed = changed || l.price != it.Price
		it.Price, it.Stock, it.MinOrder = l.price, l.stock, l.minOrder
		it.Total = it.Qty * it.Price
	}
	return changed, nil
}

// reserveStock takes the ordered quantities of tracked goods off the stock,
// never below zero.
func reserveStock(ctx context.Context, tx pgx.Tx, c Cart) error {
	// One update per listing (each must take its quantity), in one round trip.
	b := &pgx.Batch{}
	for _, it := range c.Items {
		if it.Kind != "goods" || it.Stock == nil {
			continue
		}
		b.Queue(`UPDATE listings SET stock = stock - $2 WHERE id = $1 AND stock >= $2`, it.ListingID, it.Qty).Exec(func(tag pgconn.CommandTag) error {
			if tag.RowsAffected() == 0 {
				return apperr.E(apperr.Conflict, fmt.Sprintf("Stok %s tidak cukup: tersisa %d %s.", it.Title, *it.Stock, it.Unit))
			}
			return nil
		})
	}
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		if apperr.KindOf(err) != nil {
			return err
		}
		return fmt.Errorf("reserve stock: %w", postgres.Classify(err))
	}
	return nil
}

func listingIDs(c Cart) []int64 {
	ids := make([]int64, len(c.Items))
	for i, it := range c.Items {
		ids[i] = it.ListingID
	}
	return ids
}

// insertOrder writes the order row and its lines and returns the order id.
func (s *Service) insertOrder(ctx context.Context, tx pgx.Tx, u *auth.User, opd int64, in CheckoutInput, c Cart, lines []Line, out rules.Outcome, now time.Time) (int64, error) {
	state, turn, deadline := AwaitingPPK, any(nil), any(nil)
	if in.Negotiate {
		state, turn = Negotiating, string(Buyer)
	} else {
		deadline = s.cal.AddWorkdays(ctx, now, ExpiryWorkdays)
	}
	var total int64
	for _, l := range lines {
		total += l.Total
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO orders (opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key,
		delivery_address, requested_date, notes, supplier_pkp, supplier_pp55, total, negotiation_turn, rule_outcome, rule_version_ids,
		flagged, justifications, deadline_at, placed_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)
		RETURNING id`,
		opd, c.SupplierID, in.PackageID, u.ID, in.PPKUserID, state, in.Key,
		in.Address, wib.ISODate(in.RequestedDate), in.Notes, c.SupplierPKP, c.SupplierPP55, total, turn, out, out.VersionIDs(),
		out.Flagged(), in.Justifications, deadline, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert order: %w", postgres.Classify(err))
	}
	// One statement for every line: one round trip, and the statement
	// triggers on order_lines (red flags) run once per order.
	n := len(lines)
	pos, qty := make([]int32, n), make([]int64, n)
	listing, cat, ssh, ceiling := make([]int64, n), make([]*int64, n), make([]*int64, n), make([]*int64, n)
	listPrice, dpp, price, lineTotal := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	title, unit, kind := make([]string, n), make([]string, n), make([]string, n)
	for i, l := range lines {
		pos[i], qty[i], listing[i] = int32(l.Position), l.Qty, l.ListingID
		cat[i], ssh[i], ceiling[i] = nilIfZero(l.CategoryID), nilIfZero(l.SSHItemID), nilIfZero(l.SSHCeiling)
		listPrice[i], dpp[i], price[i], lineTotal[i] = l.ListPrice, l.UnitDPP, l.UnitPrice, l.Total
		title[i], unit[i], kind[i] = l.Title, l.Unit, l.Kind
	}
	_, err = tx.Exec(ctx, `INSERT INTO order_lines (order_id, position, listing_id, title, unit, kind, category_id, ssh_item_id, ssh_ceiling,
			qty, list_price, unit_dpp, unit_price, total)
		SELECT $1, * FROM unnest($2::smallint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[],
			$10::int[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[])`,
		id, pos, listing, title, unit, kind, cat, ssh, ceiling, qty, listPrice, dpp, price, lineTotal)
	if err != nil {
		return 0, fmt.Errorf("insert lines: %w", postgres.Classify(err))
	}
	return id, nil
}

// nilIfZero returns nil for 0, for nullable columns.
func nilIfZero(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

package ordering

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/postgres"
	"lapak/internal/validate"
)

// MaxCartLines is how many listings one cart (one supplier's items, one
// order at checkout) may hold.
const MaxCartLines = 50

// maxLineQty bounds a cart or order line's quantity, as the schema does.
const maxLineQty = 100_000_000

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

	CategoryID int64 // 0 when none
	SSHItemID  int64 // 0 when not linked
}

// Cart is a buyer's items from one supplier: one order at checkout.
type Cart struct {
	SupplierID   int64
	SupplierName string
	Items        []CartItem
	Total        int64

	SupplierPKP, SupplierPP55 bool // the supplier's tax status now
}

// Orderable reports whether every item of the cart can be ordered as it stands.
func (c Cart) Orderable() bool {
	for _, it := range c.Items {
		if it.Problem != "" {
			return false
		}
	}
	return len(c.Items) > 0
}

// errNotBuyer refuses cart and checkout to everyone but the OPD's buyers.
var errNotBuyer = apperr.E(apperr.Forbidden, "Hanya PP atau PPK yang dapat memesan.")

// cartBuyer returns the signed-in user and the OPD their pp or ppk grant is for:
// the OPD their cart and orders are for.
func cartBuyer(ctx context.Context) (*auth.User, int64, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return nil, 0, apperr.E(apperr.Unauthenticated, "")
	}
	if u.Disabled() {
		return nil, 0, errNotBuyer
	}
	for _, g := range u.Grants {
		if (g.Role == auth.RolePP || g.Role == auth.RolePPK) && g.OPDID != 0 {
			return u, g.OPDID, nil
		}
	}
	return nil, 0, errNotBuyer
}

// qtyProblem says why the item's quantity cannot be ordered now, or "".
func (it *CartItem) qtyProblem() string {
	switch {
	case it.Qty < it.MinOrder:
		return fmt.Sprintf("Pesanan minimal %d %s untuk %s.", it.MinOrder, it.Unit, it.Title)
	case it.Stock != nil && *it.Stock == 0:
		return fmt.Sprintf("Stok %s habis.", it.Title)
	case it.Stock != nil && it.Qty > *it.Stock:
		return fmt.Sprintf("Stok %s tidak cukup: tersisa %d %s.", it.Title, *it.Stock, it.Unit)
	}
	return ""
}

// cartRow is a cart item as read with its listing and supplier.
type cartRow struct {
	item                      CartItem
	supplierID                int64
	supplierName              string
	supplierPKP, supplierPP55 bool
	published, active         bool
}

const cartQuery = `SELECT c.listing_id, l.title, l.unit, l.kind, l.price, c.qty, l.min_order, l.stock, coalesce(l.ssh_ceiling, 0),
	l.category_id, coalesce(l.ssh_item_id, 0), l.status = 'published', l.supplier_active,
	s.id, s.name, s.pkp, s.pp55
	FROM cart_items c JOIN listings l ON l.id = c.listing_id JOIN suppliers s ON s.id = l.supplier_id
	WHERE c.user_id = $1 AND c.opd_id = $2`

// loadCarts reads the user's cart items for opdID, of one supplier when
// supplierID is not 0, grouped by supplier (by name), items in the order
// they were added.
func loadCarts(ctx context.Context, db postgres.DBTX, userID, opdID, supplierID int64) ([]Cart, error) {
	q, args := cartsQuery(userID, opdID, supplierID)
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("ordering: carts of user %d: %w", userID, postgres.Classify(err))
	}
	carts, err := collectCarts(rows)
	if err != nil {
		return nil, fmt.Errorf("ordering: carts of user %d: %w", userID, postgres.Classify(err))
	}
	return carts, nil
}

// cartsQuery is loadCarts's query, for a caller that sends it in a batch;
// collectCarts reads its rows.
func cartsQuery(userID, opdID, supplierID int64) (string, []any) {
	q := cartQuery
	args := []any{userID, opdID}
	if supplierID != 0 {
		q += " AND l.supplier_id = $3"
		args = append(args, supplierID)
	}
	return q + " ORDER BY s.name, s.id, c.added_at, c.listing_id", args
}

// collectCarts reads the rows of cartsQuery into carts and closes them.
func collectCarts(rows pgx.Rows) ([]Cart, error) {
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (cartRow, error) {
		var r cartRow
		var stock *int32
		it := &r.item
		err := row.Scan(&it.ListingID, &it.Title, &it.Unit, &it.Kind, &it.Price, &it.Qty, &it.MinOrder, &stock, &it.SSHCeiling,
			&it.CategoryID, &it.SSHItemID, &r.published, &r.active, &r.supplierID, &r.supplierName, &r.supplierPKP, &r.supplierPP55)
		if stock != nil {
			n := int64(*stock)
			it.Stock = &n
		}
		return r, err
	})
	if err != nil {
		return nil, err
	}
	var carts []Cart
	for _, r := range list {
		if n := len(carts); n == 0 || carts[n-1].SupplierID != r.supplierID {
			carts = append(carts, Cart{SupplierID: r.supplierID, SupplierName: r.supplierName, SupplierPKP: r.supplierPKP, SupplierPP55: r.supplierPP55})
		}
		c := &carts[len(carts)-1]
		it := r.item
		it.Total = it.Qty * it.Price
		it.Available = r.published && r.active
		switch {
		case !r.published:
			it.Problem = it.Title + " tidak lagi ditayangkan penyedia. Hapus dari keranjang."
		case !r.active:
			it.Problem = r.supplierName + " sedang tidak dapat menerima pesanan (belum terverifikasi atau dibekukan Koperindag)."
		default:
			it.Problem = it.qtyProblem()
		}
		c.Items = append(c.Items, it)
		c.Total += it.Total
	}
	return carts, nil
}

// Carts returns the signed-in buyer's carts, one per supplier, marking the
// items that cannot be ordered now. Only PP and PPK have carts
// (apperr.Forbidden for others).
func (s *Service) Carts(ctx context.Context) ([]Cart, error) {
	u, opd, err := cartBuyer(ctx)
	if err != nil {
		return nil, err
	}
	return loadCarts(ctx, s.db, u.ID, opd, 0)
}

// CartCount returns how many lines the signed-in buyer's carts hold (for
// the header); 0 for users who do not buy.
func (s *Service) CartCount(ctx context.Context) (int, error) {
	u, opd, err := cartBuyer(ctx)
	if errors.Is(err, apperr.Forbidden) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM cart_items WHERE user_id = $1 AND opd_id = $2`, u.ID, opd).Scan(&n); err != nil {
		return 0, fmt.Errorf("ordering: cart count of user %d: %w", u.ID, postgres.Classify(err))
	}
	return n, nil
}

// listingForCart is what the cart needs to know of a listing.
type listingForCart struct {
	supplierID        int64
	title, unit       string
	minOrder          int64
	stock             *int64
	published, active bool
}

func loadListingForCart(ctx context.Context, db postgres.DBTX, id int64) (listingForCart, error) {
	l, err := scanListingForCart(db.QueryRow(ctx, listingForCartQuery, id))
	if err != nil {
		return l, fmt.Errorf("ordering: listing %d: %w", id, postgres.NotFound(err, "Barang atau jasa tidak ditemukan."))
	}
	return l, nil
}

// listingForCartQuery reads listing $1 as the cart needs it.
const listingForCartQuery = `SELECT supplier_id, title, unit, min_order, stock, status = 'published', supplier_active
	FROM listings WHERE id = $1`

func scanListingForCart(row pgx.Row) (listingForCart, error) {
	var l listingForCart
	var stock *int32
	if err := row.Scan(&l.supplierID, &l.title, &l.unit, &l.minOrder, &stock, &l.published, &l.active); err != nil {
		return l, err
	}
	if stock != nil {
		n := int64(*stock)
		l.stock = &n
	}
	return l, nil
}

// orderable refuses a listing that cannot be ordered now.
func (l listingForCart) orderable() error {
	if !l.published {
		return apperr.E(apperr.Conflict, l.title+" tidak sedang ditayangkan dan tidak dapat dipesan.")
	}
	if !l.active {
		return apperr.E(apperr.Conflict, l.title+" tidak dapat dipesan: penyedianya belum terverifikasi atau sedang dibekukan Koperindag.")
	}
	return nil
}

// checkQty returns the field error of qty units of l in a cart, or nil.
func (l listingForCart) checkQty(qty int64) error {
	switch {
	case qty < 1:
		return validate.Errors{"qty": "Jumlah minimal 1."}
	case qty > maxLineQty:
		return validate.Errors{"qty": "Jumlah terlalu besar."}
	case qty < l.minOrder:
		return validate.Errors{"qty": fmt.Sprintf("Pesanan minimal %d %s untuk %s.", l.minOrder, l.unit, l.title)}
	case l.stock != nil && *l.stock == 0:
		return validate.Errors{"qty": fmt.Sprintf("Stok %s habis.", l.title)}
	case l.stock != nil && qty > *l.stock:
		return validate.Errors{"qty": fmt.Sprintf("Stok %s tersisa %d %s; kurangi jumlahnya.", l.title, *l.stock, l.unit)}
	}
	return nil
}

// AddToCart adds qty of listing to the signed-in buyer's cart (PP or PPK;
// an existing line grows). Only published listings of verified suppliers
// can be added, at least their minimum order and at most their stock
// (validate.Errors on "qty"), and at most MaxCartLines per supplier.
func (s *Service) AddToCart(ctx context.Context, listingID int64, qty int64) error {
	return s.AddToCartOnce(ctx, listingID, qty, "")
}

// AddToCartOnce is AddToCart for a form with idempotency key: the same form
// sent twice (a double click) adds its quantity once.
func (s *Service) AddToCartOnce(ctx context.Context, listingID int64, qty int64, key string) error {
	u, opd, err := cartBuyer(ctx)
	if err != nil {
		return err
	}
	if err := checkKey(key); err != nil {
		return err
	}
	if qty < 1 || qty > maxLineQty {
		return validate.Errors{"qty": "Isi jumlah antara 1 dan 100.000.000."}
	}
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		// The listing, the cart's line (locked) and the number of lines
		// for the listing's supplier, in one round trip.
		var l listingForCart
		var have int64
		var lastKey string
		var lines int
		b := &pgx.Batch{}
		b.Queue(listingForCartQuery, listingID).QueryRow(func(row pgx.Row) error {
			var err error
			if l, err = scanListingForCart(row); err != nil {
				return fmt.Errorf("ordering: listing %d: %w", listingID, postgres.NotFound(err, "Barang atau jasa tidak ditemukan."))
			}
			return nil
		})
		b.Queue(`SELECT qty, last_key FROM cart_items WHERE user_id = $1 AND listing_id = $2 FOR UPDATE`, u.ID, listingID).QueryRow(func(row pgx.Row) error {
			if err := row.Scan(&have, &lastKey); err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			return nil
		})
		b.Queue(`SELECT count(*) FROM cart_items WHERE user_id = $1 AND supplier_id = (SELECT supplier_id FROM listings WHERE id = $2)`,
			u.ID, listingID).QueryRow(func(row pgx.Row) error { return row.Scan(&lines) })
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return postgres.Classify(err)
		}
		if err := l.orderable(); err != nil {
			return err
		}
		if key != "" && lastKey == key {
			return nil // this form was already added
		}
		if have == 0 && lines >= MaxCartLines {
			return cartFull()
		}
		if err := l.checkQty(have + qty); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO cart_items (user_id, listing_id, supplier_id, opd_id, qty, last_key) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (user_id, listing_id) DO UPDATE SET qty = EXCLUDED.qty, opd_id = EXCLUDED.opd_id, last_key = EXCLUDED.last_key, updated_at = now()`,
			u.ID, listingID, l.supplierID, opd, have+qty, key)
		return postgres.Classify(err)
	})
	if err != nil {
		return fmt.Errorf("ordering: add listing %d to cart: %w", listingID, err)
	}
	return nil
}

// cartFull refuses a line beyond MaxCartLines for one supplier.
func cartFull() error {
	return apperr.E(apperr.Conflict, fmt.Sprintf("Keranjang untuk penyedia ini sudah berisi %d barang/jasa, batas satu pesanan. Pesan dulu isinya, lalu tambahkan sisanya ke keranjang baru.", MaxCartLines))
}

// SetCartQty sets the quantity of a listing in the signed-in buyer's cart;
// 0 removes it. The quantity is checked like AddToCart's.
func (s *Service) SetCartQty(ctx context.Context, listingID int64, qty int64) error {
	u, _, err := cartBuyer(ctx)
	if err != nil {
		return err
	}
	if qty < 0 || qty > maxLineQty {
		return validate.Errors{"qty": "Isi jumlah antara 0 dan 100.000.000."}
	}
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if qty == 0 {
			_, err := tx.Exec(ctx, `DELETE FROM cart_items WHERE user_id = $1 AND listing_id = $2`, u.ID, listingID)
			return postgres.Classify(err)
		}
		var have int64
		err := tx.QueryRow(ctx, `SELECT qty FROM cart_items WHERE user_id = $1 AND listing_id = $2 FOR UPDATE`, u.ID, listingID).Scan(&have)
		if err != nil {
			return postgres.NotFound(err, "Barang atau jasa ini tidak ada di keranjang Anda.")
		}
		l, err := loadListingForCart(ctx, tx, listingID)
		if err != nil {
			return err
		}
		if err := l.orderable(); err != nil {
			return err
		}
		if err := l.checkQty(qty); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE cart_items SET qty = $3, updated_at = now() WHERE user_id = $1 AND listing_id = $2`, u.ID, listingID, qty)
		return postgres.Classify(err)
	})
	if err != nil {
		return fmt.Errorf("ordering: set cart quantity of listing %d: %w", listingID, err)
	}
	return nil
}

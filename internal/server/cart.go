package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/ordering"
	"lapak/internal/rules"
	"lapak/internal/validate"
	"lapak/internal/wib"
	"lapak/web"
)

// registerCartRoutes adds the cart and checkout pages, for PP and PPK (the
// domain checks again).
func (s *Server) registerCartRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RolePP, auth.RolePPK))
		r.Get("/cart", s.h(s.handleCartShow))
		r.Post("/cart", s.h(s.handleCartAdd))
		r.Post("/cart/{id}", s.h(s.handleCartUpdate))
		r.Get("/checkout/{id}", s.h(s.handleCheckoutForm))
		r.Post("/checkout/{id}", s.h(s.handleCheckoutSubmit))
	})
}

// formErrors adds err to f when it is the user's to fix: field errors, or
// an Invalid or Conflict with a message (under the key "form"). ok is false
// for any other error, which serveError renders.
func formErrors(f web.Form, err error) (web.Form, bool) {
	if f, ok := withErrors(f, err); ok {
		return f, true
	}
	if (errors.Is(err, apperr.Invalid) || errors.Is(err, apperr.Conflict)) && apperr.Message(err) != "" {
		f.Errors["form"] = apperr.Message(err)
		return f, true
	}
	return f, false
}

// parseQty reads a quantity typed by a person: a whole number from 0.
func parseQty(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ".", "")
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}

const msgQty = "Isi jumlah dengan bilangan bulat, misalnya 10."

// handleCartAdd adds a listing to the buyer's cart from its page.
func (s *Server) handleCartAdd(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	listingID, err := strconv.ParseInt(r.PostForm.Get("listing_id"), 10, 64)
	if err != nil || listingID <= 0 {
		return apperr.E(apperr.Invalid, "Produk tidak dikenali. Buka lagi halaman produknya, lalu coba lagi.")
	}
	qty, ok := parseQty(r.PostForm.Get("qty"))
	if !ok || qty == 0 {
		return s.cartAddRefused(w, r, listingID, msgQty)
	}
	err = s.orders.AddToCartOnce(r.Context(), listingID, qty, r.PostForm.Get("key"))
	if f, ok := formErrors(web.NewForm(), err); ok {
		return s.cartAddRefused(w, r, listingID, strings.Join(sortedValues(f.Errors), " "))
	}
	if err != nil {
		return err
	}
	s.flash(r, "Ditambahkan ke keranjang.")
	return redirect(w, r, "/cart")
}

// cartAddRefused shows the listing page again with why the item was not added.
func (s *Server) cartAddRefused(w http.ResponseWriter, r *http.Request, listingID int64, msg string) error {
	v, err := s.listingView(r, listingID, web.NewForm())
	if err != nil {
		return err
	}
	p := s.page(r, v.Listing.Title)
	p.Flash, p.FlashErr = msg, true
	return s.render(w, r, http.StatusUnprocessableEntity, web.ListingPage(p, v))
}

// renderCart shows the buyer's carts with f's quantities and errors.
func (s *Server) renderCart(w http.ResponseWriter, r *http.Request, status int, f web.Form) error {
	carts, err := s.orders.Carts(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, status, web.CartPage(s.page(r, "Keranjang"), web.CartView{Carts: carts, Form: f}))
}

// handleCartShow shows the buyer's carts.
func (s *Server) handleCartShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderCart(w, r, http.StatusOK, web.NewForm())
}

// handleCartUpdate changes a listing's quantity in the cart; 0 removes it.
func (s *Server) handleCartUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := web.NewForm()
	field := web.CartQtyField(id)
	f.Values.Set(field, r.PostForm.Get("qty"))
	qty, ok := parseQty(r.PostForm.Get("qty"))
	if !ok {
		f.Errors[field] = msgQty
		return s.renderCart(w, r, http.StatusUnprocessableEntity, f)
	}
	err = s.orders.SetCartQty(r.Context(), id, qty)
	if refused, ok := formErrors(web.NewForm(), err); ok {
		f.Errors[field] = strings.Join(sortedValues(refused.Errors), " ")
		return s.renderCart(w, r, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	if qty == 0 {
		s.flash(r, "Barang dihapus dari keranjang.")
	} else {
		s.flash(r, "Jumlah di keranjang diubah.")
	}
	return redirect(w, r, "/cart")
}

// checkoutInput reads the checkout form; errors are the fields the
// handler could not read (the domain checks the rest).
func checkoutInput(f web.Form, supplierID int64) (ordering.CheckoutInput, validate.Errors) {
	errs := validate.Errors{}
	in := ordering.CheckoutInput{SupplierID: supplierID, Address: strings.TrimSpace(f.Get("address")),
		Notes: strings.TrimSpace(f.Get("notes")), Negotiate: f.Get("negotiate") == "1", Key: f.Get("key")}
	in.PackageID, _ = strconv.ParseInt(f.Get("package_id"), 10, 64)
	in.PPKUserID, _ = strconv.ParseInt(f.Get("ppk_user_id"), 10, 64)
	if s := f.Get("requested_date"); s != "" {
		d, err := wib.ParseDate(s)
		if err != nil {
			errs["requested_date"] = "Tanggal dibutuhkan tidak terbaca. Pilih tanggal dari kalender."
		}
		in.RequestedDate = d
	}
	for _, c := range rules.Codes {
		if text := strings.TrimSpace(f.Get(web.JustificationField(c))); text != "" {
			if in.Justifications == nil {
				in.Justifications = map[rules.Code]string{}
			}
			in.Justifications[c] = text
		}
	}
	return in, errs
}

// renderCheckout prepares the checkout of in and shows it with f.
func (s *Server) renderCheckout(w http.ResponseWriter, r *http.Request, status int, in ordering.CheckoutInput, f web.Form) error {
	c, err := s.orders.PrepareCheckout(r.Context(), in)
	if fields, ok := validate.AsErrors(err); ok && in.PackageID != 0 {
		// A half-filled form cannot be checked: say what is missing and
		// show the form without the rules.
		for k, v := range fields {
			f.Errors[k] = v
		}
		status = http.StatusUnprocessableEntity
		in.PackageID = 0
		c, err = s.orders.PrepareCheckout(r.Context(), in)
	}
	if err != nil {
		return err
	}
	// The domain's defaults: the OPD's address (unless the user emptied it
	// and is being told so) and the chosen package's PPK.
	if f.Get("address") == "" && !f.Invalid() {
		f.Values.Set("address", c.Input.Address)
	}
	if f.Get("ppk_user_id") == "" && c.Input.PPKUserID != 0 {
		f.Values.Set("ppk_user_id", strconv.FormatInt(c.Input.PPKUserID, 10))
	}
	if f.Get("key") == "" {
		f.Values.Set("key", web.NewFormKey())
	}
	title := "Pemesanan"
	if c.Cart.SupplierName != "" {
		title += " ke " + c.Cart.SupplierName
	}
	return s.render(w, r, status, web.CheckoutPage(s.page(r, title), web.CheckoutView{Checkout: c, Form: f}))
}

// handleCheckoutForm shows the checkout form of one supplier's cart.
func (s *Server) handleCheckoutForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderCheckout(w, r, http.StatusOK, ordering.CheckoutInput{SupplierID: id}, web.NewForm())
}

// handleCheckoutSubmit either checks the rules for the form as filled
// (action=check) or places the order (action=place).
func (s *Server) handleCheckoutSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	f := formFrom(r)
	in, errs := checkoutInput(f, id)
	if len(errs) > 0 {
		f, _ = withErrors(f, errs)
		return s.renderCheckout(w, r, http.StatusUnprocessableEntity, in, f)
	}
	if f.Get("action") != "place" {
		return s.renderCheckout(w, r, http.StatusOK, in, f)
	}
	orderID, err := s.orders.PlaceOrder(r.Context(), in)
	if f, ok := formErrors(f, err); ok {
		return s.renderCheckout(w, r, http.StatusUnprocessableEntity, in, f)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Pesanan terkirim. Lihat statusnya di halaman ini.")
	return redirect(w, r, "/orders/"+strconv.FormatInt(orderID, 10))
}

package server

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/document"
	"lapak/internal/ordering"
	"lapak/internal/rules"
	"lapak/internal/rupiah"
	"lapak/internal/upload"
	"lapak/internal/validate"
	"lapak/internal/wib"
	"lapak/web"
)

// maxInspectionPhotos is how many photos one inspection may carry.
const maxInspectionPhotos = 5

// maxInspectBody caps an inspection form: five photos and the fields.
const maxInspectBody = maxInspectionPhotos*upload.MaxSize + 1<<20

// registerOrderingRoutes adds the cart, checkout, order and notification
// pages. The role groups keep out whom no order concerns; the domain checks
// every action against the order itself (ordering/access.go).
func (s *Server) registerOrderingRoutes(r chi.Router) {
	s.registerCartRoutes(r)
	s.registerOrderRoutes(r)
	s.registerNotificationRoutes(r)
}

// registerOrderRoutes adds the order list, the order page, its documents
// and one POST per action.
func (s *Server) registerOrderRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RolePP, auth.RolePPK, auth.RoleTreasurer, auth.RoleSupplier, auth.RoleAdmin, auth.RoleAuditor))
		r.Get("/orders", s.h(s.handleOrderList))
		r.Get("/orders/{id}", s.h(s.handleOrderShow))
		r.Get("/orders/{id}/documents/{kind}", s.h(s.handleOrderDocument))
		r.Get("/orders/{id}/photos/{key}", s.h(s.handleOrderPhoto))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RolePP, auth.RolePPK, auth.RoleSupplier))
		r.Post("/orders/{id}/offer", s.h(s.handleOrderOffer))
		r.Post("/orders/{id}/accept-offer", s.h(s.handleOrderAcceptOffer))
		r.Post("/orders/{id}/end-negotiation", s.h(s.handleOrderEndNegotiation))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RolePP, auth.RolePPK))
		r.Post("/orders/{id}/cancel", s.h(s.handleOrderCancel))
		r.With(withBodyLimit(maxInspectBody)).Post("/orders/{id}/inspect", s.h(s.handleOrderInspect))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RolePPK))
		r.Post("/orders/{id}/sign", s.h(s.handleOrderSign))
		r.Post("/orders/{id}/reject", s.h(s.handleOrderReject))
		r.Post("/orders/{id}/bast", s.h(s.handleOrderBAST))
		r.Post("/orders/{id}/rate", s.h(s.handleOrderRate))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RoleSupplier))
		r.Post("/orders/{id}/accept", s.h(s.handleOrderAccept))
		r.Post("/orders/{id}/decline", s.h(s.handleOrderDecline))
		r.Post("/orders/{id}/ship", s.h(s.handleOrderShip))
		r.Post("/orders/{id}/invoice", s.h(s.handleOrderInvoice))
		r.Post("/orders/{id}/confirm-payment", s.h(s.handleOrderConfirmPayment))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RoleTreasurer))
		r.Post("/orders/{id}/pay", s.h(s.handleOrderPay))
	})
}

// handleOrderList lists the orders the user may see, one state tab at a
// time; a treasurer starts on the orders waiting for payment.
func (s *Server) handleOrderList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	v := web.OrderListView{State: strings.TrimSpace(q.Get("state")), Query: strings.TrimSpace(q.Get("q"))}
	u := auth.UserFrom(ctx)
	if v.State == "" {
		v.State = "all"
		if u.Has(auth.RoleTreasurer) && !u.Has(auth.RolePP, auth.RolePPK, auth.RoleSupplier) {
			v.State = string(ordering.AwaitingPayment)
		}
	}
	f := ordering.Filter{Query: v.Query}
	if v.State != "all" {
		if !slices.Contains(ordering.States, ordering.State(v.State)) {
			return apperr.E(apperr.NotFound, "Status pesanan tidak dikenal.")
		}
		f.State = ordering.State(v.State)
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	list, err := s.orders.List(ctx, f)
	if err != nil {
		return err
	}
	v.List = list
	title := "Pesanan"
	if list.Scope == ordering.ScopeSupplier {
		title = "Pesanan masuk"
	}
	return s.render(w, r, http.StatusOK, web.OrderListPage(s.page(r, title), v))
}

// renderOrder shows order id; when a form was refused, active names it and
// f carries what was typed and the errors.
func (s *Server) renderOrder(w http.ResponseWriter, r *http.Request, status int, id int64, active string, f web.Form) error {
	ctx := r.Context()
	d, err := s.orders.Get(ctx, id)
	if err != nil {
		return err
	}
	v := web.OrderView{D: d, User: auth.UserFrom(ctx), Active: active, Form: f, Today: time.Now()}
	return s.render(w, r, status, web.OrderPage(s.page(r, web.OrderTitle(d.ID, d.SPNumber)), v))
}

// handleOrderShow shows an order with the actions the user can take now.
func (s *Server) handleOrderShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderOrder(w, r, http.StatusOK, id, "", web.NewForm())
}

// orderAct carries out the action form name of the order in the URL with
// do, then redirects to the order with done as the flash. A mistake the
// user can fix shows the order again with the form as typed and its errors
// (422); a conflict (the rules refuse, or the order moved on meanwhile)
// shows the order as it is now with the reason (409).
func (s *Server) orderAct(w http.ResponseWriter, r *http.Request, name, done string, do func(ctx context.Context, id int64, f web.Form) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if r.PostForm == nil {
		if err := parseForm(r); err != nil {
			return err
		}
	}
	f := formFrom(r)
	f.Values.Del("password")
	err = do(r.Context(), id, f)
	if f, ok := formErrors(f, err); ok {
		status := http.StatusUnprocessableEntity
		if errors.Is(err, apperr.Conflict) {
			status = http.StatusConflict
		}
		return s.renderOrder(w, r, status, id, name, f)
	}
	if err != nil {
		return err
	}
	s.flash(r, done)
	return redirect(w, r, "/orders/"+strconv.FormatInt(id, 10))
}

// justifications reads the justification_<rule> fields of a form.
func justifications(f web.Form) map[rules.Code]string {
	out := map[rules.Code]string{}
	for _, c := range rules.Codes {
		if text := strings.TrimSpace(f.Get(web.JustificationField(c))); text != "" {
			out[c] = text
		}
	}
	return out
}

// handleOrderSign is the designated PPK signing the Surat Pesanan.
func (s *Server) handleOrderSign(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	password := r.PostForm.Get("password")
	return s.orderAct(w, r, "sign", "Surat Pesanan ditandatangani dan dikirim ke penyedia.", func(ctx context.Context, id int64, f web.Form) error {
		return s.orders.SignSP(ctx, id, password, justifications(f), f.Get("key"))
	})
}

// handleOrderReject is the designated PPK refusing to sign.
func (s *Server) handleOrderReject(w http.ResponseWriter, r *http.Request) error {
	return s.orderAct(w, r, "reject", "Pesanan ditolak.", func(ctx context.Context, id int64, f web.Form) error {
		return s.orders.RejectByPPK(ctx, id, strings.TrimSpace(f.Get("reason")), f.Get("key"))
	})
}

// handleOrderCancel is the OPD withdrawing an order before the SP.
func (s *Server) handleOrderCancel(w http.ResponseWriter, r *http.Request) error {
	return s.orderAct(w, r, "cancel", "Pesanan dibatalkan.", func(ctx context.Context, id int64, f web.Form) error {
		return s.orders.Cancel(ctx, id, strings.TrimSpace(f.Get("reason")), f.Get("key"))
	})
}

// handleOrderOffer records a party's offer of prices before tax per line.
func (s *Server) handleOrderOffer(w http.ResponseWriter, r *http.Request) error {
	return s.orderAct(w, r, "offer", "Penawaran terkirim.", func(ctx context.Context, id int64, f web.Form) error {
		prices, errs := linePrices(f)
		if len(errs) > 0 {
			return errs
		}
		return s.orders.MakeOffer(ctx, id, prices, strings.TrimSpace(f.Get("note")), f.Get("key"))
	})
}

// linePrices reads the price_<line> fields as whole rupiah.
func linePrices(f web.Form) (map[int64]int64, validate.Errors) {
	prices, errs := map[int64]int64{}, validate.Errors{}
	for name := range f.Values {
		lineID, ok := lineField(name, "price_")
		if !ok {
			continue
		}
		n, err := rupiah.Parse(f.Get(name))
		if err != nil {
			errs[name] = "Isi harga dalam rupiah, misalnya 45.000."
			continue
		}
		prices[lineID] = n
	}
	return prices, errs
}

// lineQuantities reads the <prefix><line> fields as whole quantities; empty means 0.
func lineQuantities(f web.Form, prefix string) (map[int64]int64, validate.Errors) {
	qty, errs := map[int64]int64{}, validate.Errors{}
	for name := range f.Values {
		lineID, ok := lineField(name, prefix)
		if !ok {
			continue
		}
		if strings.TrimSpace(f.Get(name)) == "" {
			qty[lineID] = 0
			continue
		}
		n, ok := parseQty(f.Get(name))
		if !ok {
			errs[name] = msgQty
			continue
		}
		qty[lineID] = n
	}
	return qty, errs
}

// lineField returns the line id of a field named prefix + id.
func lineField(name, prefix string) (int64, bool) {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}

// formDate reads a date field; "" is the zero time, left to the domain to refuse.
func formDate(f web.Form, name string, errs validate.Errors) time.Time {
	s := strings.TrimSpace(f.Get(name))
	if s == "" {
		return time.Time{}
	}
	d, err := wib.ParseDate(s)
	if err != nil {
		errs[name] = "Tanggal tidak terbaca. Pilih tanggal dari kalender."
	}
	return d
}

// handleOrderAcceptOffer agrees to the other party's latest offer.
func (s *Server) handleOrderAcceptOffer(w http.ResponseWriter, r *http.Request) error {
	return s.orderAct(w, r, "accept-offer", "Penawaran diterima. Pesanan menunggu tanda tangan PPK.", func(ctx context.Context, id int64, f web.Form) error {
		return s.orders.AcceptOffer(ctx, id, f.Get("key"))
	})
}

// handleOrderEndNegotiation ends the negotiation at the supplier's latest prices.
func (s *Server) handleOrderEndNegotiation(w http.ResponseWriter, r *http.Request) error {
	return s.orderAct(w, r, "end-negotiation", "Negosiasi diakhiri. Pesanan menunggu tanda tangan PPK.", func(ctx context.Context, id int64, f web.Form) error {
		return s.orders.EndNegotiation(ctx, id, f.Get("key"))
	})
}

// handleOrderAccept is the supplier accepting the signed SP.
func (s *Server) handleOrderAccept(w http.ResponseWriter, r *http.Request) error {
	return s.orderAct(w, r, "accept", "Surat Pesanan diterima. Siapkan pengirimannya.", func(ctx context.Context, id int64, f web.Form) error {
		return s.orders.AcceptSP(ctx, id, f.Get("key"))
	})
}

// handleOrderDecline is the supplier rejecting the SP.
func (s *Server) handleOrderDecline(w http.ResponseWriter, r *http.Request) error {
	return s.orderAct(w, r, "decline", "Surat Pesanan ditolak.", func(ctx context.Context, id int64, f web.Form) error {
		return s.orders.RejectBySupplier(ctx, id, strings.TrimSpace(f.Get("reason")), f.Get("key"))
	})
}

// handleOrderShip records a shipment.
func (s *Server) handleOrderShip(w http.ResponseWriter, r *http.Request) error {
	return s.orderAct(w, r, "ship", "Pengiriman dicatat.", func(ctx context.Context, id int64, f web.Form) error {
		qty, errs := lineQuantities(f, "ship_")
		in := ordering.ShipmentInput{Qty: qty, ShippedOn: formDate(f, "shipped_on", errs), Note: strings.TrimSpace(f.Get("note"))}
		if len(errs) > 0 {
			return errs
		}
		return s.orders.Ship(ctx, id, in, f.Get("key"))
	})
}

// handleOrderInspect records an inspection with up to five photos.
func (s *Server) handleOrderInspect(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = r.ParseMultipartForm(8 << 20)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		f := web.NewForm()
		f.Errors["photos"] = "Foto terlalu besar: paling banyak 5 foto, masing-masing paling besar 10 MB."
		return s.renderOrder(w, r, http.StatusRequestEntityTooLarge, id, "inspect", f)
	case errors.Is(err, http.ErrNotMultipart):
		if err := parseForm(r); err != nil {
			return err
		}
	case err != nil:
		return apperr.Wrap(apperr.Invalid, msgUploadBroken, err)
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	return s.orderAct(w, r, "inspect", "Pemeriksaan dicatat.", func(ctx context.Context, id int64, f web.Form) error {
		received, errs := lineQuantities(f, "recv_")
		in := ordering.InspectionInput{Received: received, InspectedOn: formDate(f, "inspected_on", errs),
			FungsiOK: f.Get("fungsi") == "1", JumlahOK: f.Get("jumlah") == "1", WaktuOK: f.Get("waktu") == "1",
			Notes: strings.TrimSpace(f.Get("notes")), Complete: f.Get("complete") == "1"}
		photos, err := inspectionPhotos(ctx, r)
		if err != nil {
			if msg := apperr.Message(err); errors.Is(err, apperr.Invalid) && msg != "" {
				errs["photos"] = msg
			} else {
				return err
			}
		}
		if len(errs) > 0 {
			return errs
		}
		in.Photos = photos
		return s.orders.Inspect(ctx, id, in, f.Get("key"))
	})
}

// inspectionPhotos checks and cleans the uploaded photos of an inspection.
func inspectionPhotos(ctx context.Context, r *http.Request) ([]ordering.Photo, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var files []*multipart.FileHeader
	for _, fh := range r.MultipartForm.File["photos"] {
		if fh.Filename != "" && fh.Size > 0 {
			files = append(files, fh)
		}
	}
	if len(files) > maxInspectionPhotos {
		return nil, apperr.E(apperr.Invalid, "Paling banyak 5 foto untuk satu pemeriksaan.")
	}
	var out []ordering.Photo
	for _, fh := range files {
		file, err := fh.Open()
		if err != nil {
			return nil, apperr.Wrap(apperr.Invalid, msgUploadBroken, err)
		}
		p, err := upload.Process(ctx, file)
		file.Close()
		if err != nil {
			return nil, err
		}
		if p.ContentType != upload.JPEG {
			return nil, apperr.E(apperr.Invalid, "Berkas "+fh.Filename+" bukan foto. Unggah foto JPEG, PNG atau WebP.")
		}
		out = append(out, ordering.Photo{Data: p.Data, Width: p.Width, Height: p.Height})
	}
	return out, nil
}

// handleOrderBAST is the designated PPK signing the BAST.
func (s *Server) handleOrderBAST(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	password := r.PostForm.Get("password")
	return s.orderAct(w, r, "bast", "BAST ditandatangani. Penyedia dapat mengirim tagihan.", func(ctx context.Context, id int64, f web.Form) error {
		return s.orders.SignBAST(ctx, id, password, f.Get("key"))
	})
}

// handleOrderInvoice is the supplier sending its invoice.
func (s *Server) handleOrderInvoice(w http.ResponseWriter, r *http.Request) error {
	return s.orderAct(w, r, "invoice", "Tagihan terkirim ke bendahara OPD.", func(ctx context.Context, id int64, f web.Form) error {
		return s.orders.SendInvoice(ctx, id, f.Get("key"))
	})
}

// handleOrderPay is the treasurer recording the payment.
func (s *Server) handleOrderPay(w http.ResponseWriter, r *http.Request) error {
	return s.orderAct(w, r, "pay", "Pembayaran dicatat. Kuitansi dibuat.", func(ctx context.Context, id int64, f web.Form) error {
		errs := validate.Errors{}
		in := ordering.PaymentInput{PaidOn: formDate(f, "paid_on", errs), Method: f.Get("method"), Reference: strings.TrimSpace(f.Get("reference"))}
		if len(errs) > 0 {
			return errs
		}
		return s.orders.RecordPayment(ctx, id, in, f.Get("key"))
	})
}

// handleOrderConfirmPayment is the supplier confirming the money arrived.
func (s *Server) handleOrderConfirmPayment(w http.ResponseWriter, r *http.Request) error {
	return s.orderAct(w, r, "confirm-payment", "Pembayaran dikonfirmasi. Pesanan selesai.", func(ctx context.Context, id int64, f web.Form) error {
		return s.orders.ConfirmPayment(ctx, id, f.Get("key"))
	})
}

// handleOrderRate records the PPK's rating of the supplier.
func (s *Server) handleOrderRate(w http.ResponseWriter, r *http.Request) error {
	return s.orderAct(w, r, "rate", "Terima kasih, penilaian disimpan.", func(ctx context.Context, id int64, f web.Form) error {
		score := func(name string) int {
			n, _ := strconv.Atoi(f.Get(name))
			return n
		}
		in := ordering.RatingInput{OnTime: score("on_time"), AsDescribed: score("as_described"), Communication: score("communication"),
			Comment: strings.TrimSpace(f.Get("comment"))}
		return s.orders.Rate(ctx, id, in)
	})
}

// documentKind reads {kind} of a document URL: "sp" for the print view,
// "sp.pdf" for the PDF.
func documentKind(r *http.Request) (document.Kind, bool, error) {
	name, pdf := strings.CutSuffix(chi.URLParam(r, "kind"), ".pdf")
	k := document.Kind(name)
	if !slices.Contains(document.Kinds, k) {
		return "", false, apperr.E(apperr.NotFound, "Dokumen tidak ditemukan.")
	}
	return k, pdf, nil
}

// handleOrderDocument shows a signed document as signed: the print view, or
// its PDF as an attachment named after its number.
func (s *Server) handleOrderDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	kind, pdf, err := documentKind(r)
	if err != nil {
		return err
	}
	d, file, err := s.orders.Document(r.Context(), id, kind)
	if err != nil {
		return err
	}
	if !pdf {
		href := "/orders/" + strconv.FormatInt(id, 10) + "/documents/" + string(kind) + ".pdf"
		return s.render(w, r, http.StatusOK, web.OrderDocument(d, document.Hash(file), href))
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": documentFilename(kind, d.Number)}))
	h.Set("Content-Length", strconv.Itoa(len(file)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(file)
	return nil
}

// documentFilename names a document's PDF after its number, kind first:
// 027/SP/DINKES/XI/2026 becomes SP-027-DINKES-XI-2026.pdf.
func documentFilename(kind document.Kind, number string) string {
	parts := strings.FieldsFunc(number, func(r rune) bool { return r == '/' || r == '\\' || r == ' ' })
	if len(parts) >= 2 {
		parts[0], parts[1] = parts[1], parts[0]
	}
	name := strings.Join(parts, "-")
	if name == "" {
		name = strings.ToUpper(string(kind))
	}
	return name + ".pdf"
}

// handleOrderPhoto sends an inspection photo to someone who may see the order.
func (s *Server) handleOrderPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := s.orders.Photo(r.Context(), id, chi.URLParam(r, "key"))
	if err != nil {
		return err
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", "image/jpeg")
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	h.Set("Content-Security-Policy", "default-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	if _, err := io.Copy(w, f); err != nil && r.Context().Err() == nil {
		s.log.Warn("send inspection photo", "request_id", requestIDFrom(r.Context()), "order_id", id, "err", err)
	}
	return nil
}

package ordering

// The order flow after checkout (DESIGN.md section 2): cancelling and
// rejecting, the PPK signing the Surat Pesanan, the supplier accepting and
// shipping, the inspection and the BAST. Payment is in payment.go, the
// documents' content and numbers in documents.go.

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/blob"
	"lapak/internal/document"
	"lapak/internal/notify"
	"lapak/internal/postgres"
	"lapak/internal/rules"
	"lapak/internal/rupiah"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// The length of a reason for cancelling or rejecting, in characters.
const (
	minReason = 5
	maxReason = 1000
)

// maxPhotos is how many photos one inspection may carry.
const maxPhotos = 10

// ShipmentInput is one shipment: quantities per line id.
type ShipmentInput struct {
	Qty       map[int64]int64
	ShippedOn time.Time
	Note      string
}

// Photo is an uploaded inspection photo, already processed by internal/upload.
type Photo struct {
	Data          []byte // JPEG
	Width, Height int
}

// InspectionInput is the PPK's (or PP's) inspection of what arrived.
type InspectionInput struct {
	Received    map[int64]int64 // line id → quantity received now
	InspectedOn time.Time
	FungsiOK    bool
	JumlahOK    bool
	WaktuOK     bool
	Notes       string
	Photos      []Photo
	Complete    bool // close the delivery: the BAST covers what was received
}

// orderRef names an order in messages: its SP number once signed.
func orderRef(o *Order) string {
	if o.SPNumber != "" {
		return fmt.Sprintf("#%d (SP %s)", o.ID, o.SPNumber)
	}
	return fmt.Sprintf("#%d", o.ID)
}

// clip shortens s to n characters for a notification.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// tell returns a notification for users, leaving out whoever acts (no one
// is told of their own act).
func tell(ctx context.Context, kind, msg string, users ...int64) notify.Note {
	var actor int64
	if u := auth.UserFrom(ctx); u != nil {
		actor = u.ID
	}
	var to []int64
	for _, id := range users {
		if id != actor {
			to = append(to, id)
		}
	}
	return notify.Note{UserIDs: to, Kind: kind, Message: msg}
}

// treasurerIDs returns the active treasurers of an OPD.
func treasurerIDs(ctx context.Context, db postgres.DBTX, opdID int64) ([]int64, error) {
	rows, err := db.Query(ctx, `SELECT r.user_id FROM user_roles r JOIN users u ON u.id = r.user_id
		WHERE r.role = 'treasurer' AND r.opd_id = $1 AND u.disabled_at IS NULL ORDER BY r.user_id`, opdID)
	if err != nil {
		return nil, fmt.Errorf("ordering: treasurers of OPD %d: %w", opdID, postgres.Classify(err))
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("ordering: treasurers of OPD %d: %w", opdID, postgres.Classify(err))
	}
	return ids, nil
}

// afterToday reports whether the WIB date of t is after the WIB date of now.
func afterToday(t, now time.Time) bool { return wib.ISODate(t) > wib.ISODate(now) }

// checkReason validates the reason of a side exit and returns it trimmed.
func checkReason(reason string) (string, error) {
	r := strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(r); {
	case n < minReason:
		return "", validate.Errors{"reason": fmt.Sprintf("Tuliskan alasannya, paling sedikit %d karakter.", minReason)}
	case n > maxReason:
		return "", validate.Errors{"reason": "Alasan paling panjang 1.000 karakter."}
	}
	return r, nil
}

// releaseStock gives back the stock an order's goods lines reserved at
// checkout, for listings that track stock; it locks those listings in id
// order so concurrent releases and reservations cannot deadlock.
func releaseStock(ctx context.Context, tx postgres.DBTX, o *Order) error {
	_, err := tx.Exec(ctx, `WITH r AS (
			SELECT listing_id, sum(qty) AS qty FROM order_lines WHERE order_id = $1 AND kind = 'goods' GROUP BY listing_id),
		locked AS (
			SELECT id FROM listings WHERE id IN (SELECT listing_id FROM r) AND stock IS NOT NULL ORDER BY id FOR NO KEY UPDATE)
		UPDATE listings l SET stock = least(l.stock + r.qty, 100000000)
		FROM r WHERE l.id = r.listing_id AND l.id IN (SELECT id FROM locked)`, o.ID)
	if err != nil {
		return fmt.Errorf("ordering: release stock of order %d: %w", o.ID, postgres.Classify(err))
	}
	return nil
}

// endOrder takes the locked order o out of the flow by a side exit (to):
// its stock goes back and the reason and time are recorded. The caller's
// change must move it to the same state.
func endOrder(ctx context.Context, tx postgres.DBTX, o *Order, to State, reason string, now time.Time) error {
	if err := releaseStock(ctx, tx, o); err != nil {
		return err
	}
	// The state moves here too: an order leaving a negotiation loses its turn,
	// which the table only allows outside the negotiating state.
	_, err := tx.Exec(ctx, `UPDATE orders SET state = $2, negotiation_turn = NULL, end_reason = $3, ended_at = $4 WHERE id = $1`,
		o.ID, to, reason, now)
	if err != nil {
		return fmt.Errorf("ordering: end order %d: %w", o.ID, postgres.Classify(err))
	}
	return nil
}

// sideExit is a way out of the flow before the supplier accepts.
type sideExit struct {
	act        Action
	to         State
	message    string // for the notification: the order's reference, then who acted
	toSupplier bool   // tell the supplier's people
	users      func(o *Order) []int64
}

var (
	cancelExit = sideExit{ActCancel, Cancelled, "Pesanan %s dibatalkan oleh %s.", true,
		func(o *Order) []int64 { return []int64{o.PPKID} }}
	ppkRejectExit = sideExit{ActRejectPPK, RejectedByPPK, "Pesanan %s ditolak oleh PPK %s.", true,
		func(o *Order) []int64 { return []int64{o.BuyerID} }}
	supplierRejectExit = sideExit{ActRejectSupplier, RejectedBySupplier, "Surat Pesanan %s ditolak oleh penyedia (%s).", false,
		func(o *Order) []int64 { return []int64{o.BuyerID, o.PPKID} }}
)

// exit carries out a side exit: the reason is checked, the order ended
// and the others concerned are told, with the reason.
func (s *Service) exit(ctx context.Context, orderID int64, reason, key string, e sideExit) error {
	return s.step(ctx, orderID, key, e.act, actionStates[e.act], func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		r, err := checkReason(reason)
		if err != nil {
			return change{}, err
		}
		if err := endOrder(ctx, tx, o, e.to, r, now); err != nil {
			return change{}, err
		}
		users := e.users(o)
		if e.toSupplier {
			owners, err := supplierUserIDs(ctx, tx, o.SupplierID)
			if err != nil {
				return change{}, err
			}
			users = append(users, owners...)
		}
		msg := fmt.Sprintf(e.message, orderRef(o), auth.UserFrom(ctx).Name) + " Alasan: " + clip(r, 300)
		return change{To: e.to, Note: r, Notify: []notify.Note{tell(ctx, "order."+string(e.to), msg, users...)}}, nil
	})
}

// Cancel withdraws an order before its SP is signed (PP or PPK of the OPD,
// reason of 5–1000 characters): its stock goes back, the PPK and the
// supplier are told.
func (s *Service) Cancel(ctx context.Context, orderID int64, reason, key string) error {
	return s.exit(ctx, orderID, reason, key, cancelExit)
}

// RejectByPPK is the designated PPK refusing to sign, with a reason: its
// stock goes back, the buyer and the supplier are told.
func (s *Service) RejectByPPK(ctx context.Context, orderID int64, reason, key string) error {
	return s.exit(ctx, orderID, reason, key, ppkRejectExit)
}

// RejectBySupplier is the supplier rejecting the SP, with a reason: its
// stock goes back, the buyer and the PPK are told.
func (s *Service) RejectBySupplier(ctx context.Context, orderID int64, reason, key string) error {
	return s.exit(ctx, orderID, reason, key, supplierRejectExit)
}

// precheck runs, before an act that does work outside its transaction (a
// password check, photo uploads), the checks step will repeat under lock:
// done is true when the form with key was already carried out; otherwise
// the signed-in user must be allowed act on the order in its current state.
func (s *Service) precheck(ctx context.Context, orderID int64, key string, act Action) (done bool, err error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return false, apperr.E(apperr.Unauthenticated, "")
	}
	if err := checkKey(key); err != nil {
		return false, err
	}
	// The order and its key are read in one statement, so from one
	// snapshot: a twin submission is either finished or not yet begun.
	rows, err := s.db.Query(ctx, "SELECT "+orderColumns+`, EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.key = $2)`+
		orderFrom+" WHERE o.id = $1", orderID, key)
	if err != nil {
		return false, fmt.Errorf("ordering: %s order %d: %w", act, orderID, postgres.Classify(err))
	}
	o, err := pgx.CollectExactlyOneRow(rows, func(row pgx.CollectableRow) (*Order, error) {
		return scanOrderAnd(row, &done)
	})
	if err != nil {
		return false, postgres.NotFound(err, "Pesanan tidak ditemukan.")
	}
	if done {
		return true, nil
	}
	if err := can(u, o, act); err != nil {
		return false, fmt.Errorf("ordering: %s order %d: %w", act, orderID, err)
	}
	if !slices.Contains(actionStates[act], o.State) {
		return false, fmt.Errorf("ordering: %s order %d: %w", act, orderID, stateRefusal(o))
	}
	return false, nil
}

// confirmSigner checks before a signing that the signed-in user may sign
// now and re-entered the right password (outside the transaction, so a
// wrong password counts even though nothing is signed). A replayed form
// needs no password: done is true and nothing is left to do.
func (s *Service) confirmSigner(ctx context.Context, orderID int64, key string, act Action, password string) (done bool, err error) {
	if done, err := s.precheck(ctx, orderID, key, act); done || err != nil {
		return done, err
	}
	if err := auth.ConfirmPassword(ctx, s.db, password); err != nil {
		return false, fmt.Errorf("ordering: %s order %d: %w", act, orderID, err)
	}
	return false, nil
}

// SignSP signs the Surat Pesanan: the designated PPK re-enters the
// password; the rules are checked again under locks with the agreed prices
// and the justifications given now (apperr.Conflict with the rules' reasons
// when they refuse, and nothing changes); the SP gets the OPD's next number
// and its document is stored; the supplier is told.
func (s *Service) SignSP(ctx context.Context, orderID int64, password string, justifications map[rules.Code]string, key string) error {
	if done, err := s.confirmSigner(ctx, orderID, key, ActSign, password); done || err != nil {
		return err
	}
	return s.step(ctx, orderID, key, ActSign, actionStates[ActSign], func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		return s.signSP(ctx, tx, o, justifications, now)
	})
}

// mergeJustifications adds to o's justifications those given now that are
// long enough to count.
func mergeJustifications(o *Order, given map[rules.Code]string) {
	if o.Justifications == nil {
		o.Justifications = map[rules.Code]string{}
	}
	for code, text := range given {
		if text = strings.TrimSpace(text); utf8.RuneCountInString(text) >= rules.MinJustification {
			o.Justifications[code] = text
		}
	}
}

// signRefusal says why the rules do not let the SP be signed.
func signRefusal(out rules.Outcome) error {
	var msgs []string
	for _, r := range out.Results {
		if r.Verdict == rules.Refuse || (r.Verdict == rules.NeedsJustification && !r.Justified) {
			msgs = append(msgs, r.Message)
		}
	}
	if len(out.Unjustified()) > 0 {
		msgs = append(msgs, fmt.Sprintf("Alasan tertulis paling sedikit %d karakter.", rules.MinJustification))
	}
	return apperr.E(apperr.Conflict, "Surat Pesanan tidak dapat ditandatangani: "+strings.Join(msgs, " "))
}

// signSP signs the SP of the locked order o: rules, number, document.
func (s *Service) signSP(ctx context.Context, tx pgx.Tx, o *Order, justifications map[rules.Code]string, now time.Time) (change, error) {
	mergeJustifications(o, justifications)
	out, err := s.engine.Check(ctx, tx, o.Candidate(now, true))
	if err != nil {
		return change{}, err
	}
	if !out.Allowed() {
		return change{}, signRefusal(out)
	}
	o.Outcome, o.Flagged = out, out.Flagged()
	at := docTime(now)
	r, err := readForDocument(ctx, tx, o, opdNumbering(o, document.SP, "SP"), at, at)
	if err != nil {
		return change{}, err
	}
	o.SPNumber, o.SignedAt = r.number, &at
	set := map[string]any{"rule_outcome": out, "rule_version_ids": out.VersionIDs(), "flagged": o.Flagged,
		"justifications": o.Justifications, "sp_number": o.SPNumber, "signed_at": at}
	data, err := spData(o, r.info, r.rates, at)
	if err != nil {
		return change{}, err
	}
	if err := issueDocument(ctx, tx, o, document.SP, data, auth.UserFrom(ctx).ID); err != nil {
		return change{}, err
	}
	owners := r.owners
	msg := fmt.Sprintf("Surat Pesanan %s dari %s telah ditandatangani PPK. Terima atau tolak dalam %d hari kerja.",
		o.SPNumber, o.OPDName, ExpiryWorkdays)
	return change{To: AwaitingSupplier, Set: set, Note: "Surat Pesanan " + o.SPNumber,
		Details: map[string]any{"sp_number": o.SPNumber, "flagged": o.Flagged, "rule_version_ids": out.VersionIDs()},
		Notify:  []notify.Note{tell(ctx, "order.signed", msg, owners...)}}, nil
}

// docTime is the signing time a document states: WIB, whole seconds.
func docTime(now time.Time) time.Time { return now.In(wib.Location).Truncate(time.Second) }

// AcceptSP is the supplier accepting the signed SP: the order is in
// process; the buyer and the PPK are told.
func (s *Service) AcceptSP(ctx context.Context, orderID int64, key string) error {
	return s.step(ctx, orderID, key, ActAccept, actionStates[ActAccept], func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		msg := fmt.Sprintf("%s menerima Surat Pesanan %s dan sedang memprosesnya.", o.SupplierName, o.SPNumber)
		return change{To: Processing, Set: map[string]any{"accepted_at": now}, Notify: []notify.Note{tell(ctx, "order.accepted", msg, o.BuyerID, o.PPKID)}}, nil
	})
}

// lineByID returns o's line id.
func (o *Order) lineByID(id int64) (Line, bool) {
	i := slices.IndexFunc(o.Lines, func(l Line) bool { return l.ID == id })
	if i < 0 {
		return Line{}, false
	}
	return o.Lines[i], true
}

// checkLineIDs records an error when qty names a line o does not have.
func checkLineIDs(errs validate.Errors, field string, o *Order, qty map[int64]int64) {
	for id := range qty {
		if _, ok := o.lineByID(id); !ok {
			errs.Add(field, "Formulir menyebut baris yang tidak ada pada pesanan ini. Muat ulang halaman lalu coba lagi.")
		}
	}
}

// checkShipment validates a shipment against what remains to ship.
func checkShipment(o *Order, in ShipmentInput, now time.Time) error {
	errs := validate.Errors{}
	switch {
	case in.ShippedOn.IsZero():
		errs.Add("shipped_on", "Isi tanggal pengiriman.")
	case afterToday(in.ShippedOn, now):
		errs.Add("shipped_on", "Tanggal pengiriman tidak boleh setelah hari ini.")
	}
	errs.Check("note", validate.MaxLen(in.Note, 1000))
	checkLineIDs(errs, "qty", o, in.Qty)
	var total int64
	for _, l := range o.Lines {
		q := in.Qty[l.ID]
		field := fmt.Sprintf("qty_%d", l.ID)
		switch left := l.Qty - l.ShippedQty; {
		case q < 0:
			errs.Add(field, fmt.Sprintf("%s: jumlah tidak boleh negatif.", l.Title))
		case q > left:
			errs.Add(field, fmt.Sprintf("%s: paling banyak %d %s lagi yang dapat dikirim (dipesan %d, sudah dikirim %d).",
				l.Title, left, l.Unit, l.Qty, l.ShippedQty))
		}
		total += max(q, 0)
	}
	if total == 0 && len(errs) == 0 {
		errs.Add("qty", "Isi jumlah yang dikirim untuk paling sedikit satu barang/jasa.")
	}
	return errs.Err()
}

// Ship records a (possibly partial) shipment by the supplier: quantities
// per line, at most what remains to ship, shipped on a day not in the
// future. The PPK and the buyer are told.
func (s *Service) Ship(ctx context.Context, orderID int64, in ShipmentInput, key string) error {
	return s.step(ctx, orderID, key, ActShip, actionStates[ActShip], func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		if err := checkShipment(o, in, now); err != nil {
			return change{}, err
		}
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO order_shipments (order_id, shipped_on, note, user_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			o.ID, wib.ISODate(in.ShippedOn), strings.TrimSpace(in.Note), auth.UserFrom(ctx).ID, now).Scan(&id)
		if err != nil {
			return change{}, fmt.Errorf("ordering: shipment of %d: %w", o.ID, postgres.Classify(err))
		}
		qty := map[string]int64{}
		for _, l := range o.Lines {
			q := in.Qty[l.ID]
			if q == 0 {
				continue
			}
			if _, err := tx.Exec(ctx, `WITH s AS (INSERT INTO order_shipment_lines (shipment_id, line_id, qty) VALUES ($1, $2, $3))
				UPDATE order_lines SET shipped_qty = shipped_qty + $3 WHERE id = $2`, id, l.ID, q); err != nil {
				return change{}, fmt.Errorf("ordering: shipment of %d: %w", o.ID, postgres.Classify(err))
			}
			qty[fmt.Sprint(l.ID)] = q
		}
		var set map[string]any
		if o.ShippedAt == nil {
			set = map[string]any{"shipped_at": now}
		}
		msg := fmt.Sprintf("%s mengirim barang/jasa pesanan %s pada %s. Periksa saat barang tiba.", o.SupplierName, orderRef(o), wib.Date(in.ShippedOn))
		return change{To: Shipped, Kind: "ship", Set: set, Note: strings.TrimSpace(in.Note), Details: map[string]any{"shipment_id": id, "qty": qty},
			Notify: []notify.Note{tell(ctx, "order.shipped", msg, o.PPKID, o.BuyerID)}}, nil
	})
}

// checkInspectionInput validates what can be checked without the order.
func checkInspectionInput(in InspectionInput, now time.Time) error {
	errs := validate.Errors{}
	switch {
	case in.InspectedOn.IsZero():
		errs.Add("inspected_on", "Isi tanggal pemeriksaan.")
	case afterToday(in.InspectedOn, now):
		errs.Add("inspected_on", "Tanggal pemeriksaan tidak boleh setelah hari ini.")
	}
	errs.Check("notes", validate.MaxLen(in.Notes, 2000))
	if len(in.Photos) > maxPhotos {
		errs.Add("photos", fmt.Sprintf("Paling banyak %d foto untuk satu pemeriksaan.", maxPhotos))
	}
	for _, p := range in.Photos {
		if len(p.Data) == 0 {
			errs.Add("photos", "Foto kosong; unggah ulang fotonya.")
		}
	}
	return errs.Err()
}

// checkReceived validates the received quantities against what was
// shipped and not yet received, and a closing inspection against nothing
// received at all.
func checkReceived(o *Order, in InspectionInput) error {
	errs := validate.Errors{}
	checkLineIDs(errs, "received", o, in.Received)
	var total int64
	for _, l := range o.Lines {
		q := in.Received[l.ID]
		field := fmt.Sprintf("received_%d", l.ID)
		switch left := l.ShippedQty - l.ReceivedQty; {
		case q < 0:
			errs.Add(field, fmt.Sprintf("%s: jumlah tidak boleh negatif.", l.Title))
		case q > left:
			errs.Add(field, fmt.Sprintf("%s: paling banyak %d %s yang dapat diterima (dikirim %d, sudah diterima %d).",
				l.Title, left, l.Unit, l.ShippedQty, l.ReceivedQty))
		}
		total += l.ReceivedQty + max(q, 0)
	}
	if in.Complete && total == 0 && len(errs) == 0 {
		errs.Add("complete", "Belum ada barang/jasa yang diterima, jadi pemeriksaan belum dapat ditutup.")
	}
	return errs.Err()
}

// storePhotos stores the inspection photos before the transaction and
// returns their keys; on failure it removes what it stored.
func (s *Service) storePhotos(ctx context.Context, photos []Photo) ([]string, error) {
	keys := make([]string, 0, len(photos))
	for _, p := range photos {
		key := blob.NewKey()
		if err := s.blobs.Put(ctx, key, bytes.NewReader(p.Data)); err != nil {
			s.dropPhotos(ctx, keys)
			return nil, fmt.Errorf("ordering: store inspection photo: %w", err)
		}
		keys = append(keys, key)
	}
	return keys, nil
}

// dropPhotos deletes stored photos no inspection refers to: all of them
// when the transaction failed, and those of a replayed form.
func (s *Service) dropPhotos(ctx context.Context, keys []string) {
	if len(keys) == 0 {
		return
	}
	ctx = context.WithoutCancel(ctx)
	var used []string
	rows, err := s.db.Query(ctx, `SELECT blob_key FROM order_inspection_photos WHERE blob_key = ANY($1)`, keys)
	if err == nil {
		used, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return // keep the files rather than lose a photo an inspection may hold
	}
	for _, k := range keys {
		if !slices.Contains(used, k) {
			_ = s.blobs.Delete(ctx, k) // a leftover file harms nothing
		}
	}
}

// Inspect records an inspection by the PPK or a PP of the OPD: what was
// received per line (at most what was shipped and not yet received), the
// fungsi/jumlah/waktu results, notes and photos. A complete inspection
// closes the delivery (at least one unit received in all) and moves the
// order to received; otherwise it stays shipped.
func (s *Service) Inspect(ctx context.Context, orderID int64, in InspectionInput, key string) error {
	if done, err := s.precheck(ctx, orderID, key, ActInspect); done || err != nil {
		return err
	}
	if err := checkInspectionInput(in, s.now()); err != nil {
		return fmt.Errorf("ordering: inspect order %d: %w", orderID, err)
	}
	keys, err := s.storePhotos(ctx, in.Photos)
	if err != nil {
		return err
	}
	err = s.step(ctx, orderID, key, ActInspect, actionStates[ActInspect], func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		return s.inspect(ctx, tx, o, in, keys, now)
	})
	s.dropPhotos(ctx, keys)
	return err
}

// inspect records the inspection in on the locked order o; the form was
// checked and its photos stored under keys before.
func (s *Service) inspect(ctx context.Context, tx pgx.Tx, o *Order, in InspectionInput, keys []string, now time.Time) (change, error) {
	if err := checkReceived(o, in); err != nil {
		return change{}, err
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO order_inspections (order_id, inspected_on, fungsi_ok, jumlah_ok, waktu_ok, notes, complete, user_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, o.ID, wib.ISODate(in.InspectedOn), in.FungsiOK, in.JumlahOK, in.WaktuOK,
		strings.TrimSpace(in.Notes), in.Complete, auth.UserFrom(ctx).ID, now).Scan(&id)
	if err != nil {
		return change{}, fmt.Errorf("ordering: inspection of %d: %w", o.ID, postgres.Classify(err))
	}
	received := map[string]int64{}
	var value int64 // of everything received so far
	for i, l := range o.Lines {
		q := in.Received[l.ID]
		o.Lines[i].ReceivedQty += q
		value += o.Lines[i].ReceivedQty * l.UnitPrice
		if q == 0 {
			continue
		}
		if _, err := tx.Exec(ctx, `WITH i AS (INSERT INTO order_inspection_lines (inspection_id, line_id, qty) VALUES ($1, $2, $3))
			UPDATE order_lines SET received_qty = received_qty + $3 WHERE id = $2`, id, l.ID, q); err != nil {
			return change{}, fmt.Errorf("ordering: inspection of %d: %w", o.ID, postgres.Classify(err))
		}
		received[fmt.Sprint(l.ID)] = q
	}
	for i, k := range keys {
		if _, err := tx.Exec(ctx, `INSERT INTO order_inspection_photos (inspection_id, blob_key, width, height, created_at) VALUES ($1, $2, $3, $4, $5)`,
			id, k, in.Photos[i].Width, in.Photos[i].Height, now); err != nil {
			return change{}, fmt.Errorf("ordering: inspection photo of %d: %w", o.ID, postgres.Classify(err))
		}
	}
	ch := change{Kind: "inspect", Note: strings.TrimSpace(in.Notes),
		Details: map[string]any{"inspection_id": id, "received": received, "complete": in.Complete,
			"fungsi_ok": in.FungsiOK, "jumlah_ok": in.JumlahOK, "waktu_ok": in.WaktuOK, "photos": len(keys)}}
	owners, err := supplierUserIDs(ctx, tx, o.SupplierID)
	if err != nil {
		return change{}, err
	}
	if !in.Complete {
		msg := fmt.Sprintf("Kiriman pesanan %s telah diperiksa %s; pengiriman belum ditutup.", orderRef(o), wib.Date(in.InspectedOn))
		ch.Notify = []notify.Note{tell(ctx, "order.inspected", msg, owners...)}
		return ch, nil
	}
	ch.Set = map[string]any{"received_at": now, "received_total": value}
	ch.To, ch.Details["received_total"] = Received, value
	msg := fmt.Sprintf("Pemeriksaan pesanan %s selesai: diterima senilai %s. BAST menunggu tanda tangan PPK.", orderRef(o), rupiah.Format(value))
	ch.Notify = []notify.Note{tell(ctx, "order.received", msg, append(owners, o.PPKID)...)}
	return ch, nil
}

// SignBAST signs the BAST for what was received: the designated PPK
// re-enters the password; the BAST gets the OPD's next number and its
// document is stored; the supplier and the OPD's treasurers are told.
func (s *Service) SignBAST(ctx context.Context, orderID int64, password, key string) error {
	if done, err := s.confirmSigner(ctx, orderID, key, ActSignBAST, password); done || err != nil {
		return err
	}
	return s.step(ctx, orderID, key, ActSignBAST, actionStates[ActSignBAST], func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		return s.signBAST(ctx, tx, o, now)
	})
}

// signBAST signs the BAST of the locked order o: number, document.
func (s *Service) signBAST(ctx context.Context, tx pgx.Tx, o *Order, now time.Time) (change, error) {
	at := docTime(now)
	r, err := readForDocument(ctx, tx, o, opdNumbering(o, document.BAST, "BAST"), at, at)
	if err != nil {
		return change{}, err
	}
	notes, err := loadInspectionNotes(ctx, tx, o.ID)
	if err != nil {
		return change{}, err
	}
	data, err := bastData(o, r.info, r.rates, notes, at)
	if err != nil {
		return change{}, err
	}
	data.Number = r.number
	if err := issueDocument(ctx, tx, o, document.BAST, data, auth.UserFrom(ctx).ID); err != nil {
		return change{}, err
	}
	owners, number := r.owners, r.number
	treasurers, err := treasurerIDs(ctx, tx, o.OPDID)
	if err != nil {
		return change{}, err
	}
	toSupplier := fmt.Sprintf("BAST %s pesanan %s telah ditandatangani PPK senilai %s. Silakan kirim tagihan.", number, orderRef(o), rupiah.Format(data.Total))
	toTreasurer := fmt.Sprintf("BAST %s pesanan %s (%s) telah ditandatangani senilai %s; pembayaran menunggu tagihan penyedia.",
		number, orderRef(o), o.SupplierName, rupiah.Format(data.Total))
	return change{To: AwaitingPayment, Kind: "sign_bast", Set: map[string]any{"bast_at": at}, Note: "BAST " + number, Details: map[string]any{"bast_number": number, "total": data.Total},
		Notify: []notify.Note{tell(ctx, "order.bast_signed", toSupplier, owners...), tell(ctx, "order.bast_signed", toTreasurer, treasurers...)}}, nil
}

package reporting

// Red flags for auditors: patterns in orders that deserve a look (issue 6,
// DESIGN.md section 6). Flags follow the data: the kinds that belong to one
// order are kept in order_flags by database triggers as orders are placed,
// signed, delivered and ended (migration 000059); repeat pairs, which depend
// on the period, are counted on every read. What auditors store is their
// review of a flag on an order (table flag_reviews, the one table this
// package writes).

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/postgres"
	"lapak/internal/rupiah"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// FlagKind is a kind of red flag.
type FlagKind string

// The kinds of red flag.
const (
	FlagSplit          FlagKind = "split"           // the split rule flagged the order at checkout or signing
	FlagRepeatPair     FlagKind = "repeat_pair"     // one supplier takes most of a PPK's orders
	FlagFastOrder      FlagKind = "fast_order"      // ordered within an hour of the listing's creation
	FlagPrice          FlagKind = "price"           // above the SSH ceiling or far above the listing's price history
	FlagFastCompletion FlagKind = "fast_completion" // completed implausibly fast
)

// Thresholds of the flags. They are deliberately simple, so that an auditor
// can explain a flag to the official concerned.
const (
	RepeatMinOrders    = 5  // a PPK needs at least this many orders in the period to be looked at
	RepeatSharePercent = 60 // a supplier with more than this share of them is flagged
	FastOrderWindow    = time.Hour
	// A unit price above PriceHistoryNum/PriceHistoryDen (1,5) times the
	// listing's median earlier price is flagged; a fraction, so rupiah stay integers.
	PriceHistoryNum, PriceHistoryDen = 3, 2
	FastBASTWindow                   = time.Hour
	FastCompleteWindow               = 24 * time.Hour
)

// FlagInfo describes a kind of flag for auditors.
type FlagInfo struct {
	Kind        FlagKind
	Label       string
	Description string
}

// FlagKinds lists every kind of flag, in the order pages show them.
var FlagKinds = []FlagInfo{
	{FlagSplit, "Indikasi pemecahan paket",
		"Pesanan yang ditandai aturan pemecahan paket (Perpres 16/2018 pasal 20) saat checkout atau tanda tangan SP, dengan alasan tertulis pembeli."},
	{FlagRepeatPair, "PPK dan penyedia yang sama berulang",
		fmt.Sprintf("Satu penyedia menerima lebih dari %d%% pesanan seorang PPK dalam periode ini (PPK dengan sedikitnya %d pesanan).", RepeatSharePercent, RepeatMinOrders)},
	{FlagFastOrder, "Dipesan segera setelah produk dibuat",
		"Pesanan yang dibuat kurang dari satu jam setelah produknya didaftarkan penyedia."},
	{FlagPrice, "Harga di atas kewajaran",
		"Harga satuan di atas pagu SSH, atau lebih dari 1,5 kali median riwayat harga produk itu sebelum pesanan."},
	{FlagFastCompletion, "Selesai terlalu cepat",
		"Barang dengan SP ditandatangani sampai BAST kurang dari satu jam, atau pesanan yang selesai kurang dari satu hari setelah dibuat."},
}

// Info returns the description of k; ok is false for an unknown kind.
func (k FlagKind) Info() (FlagInfo, bool) {
	for _, f := range FlagKinds {
		if f.Kind == k {
			return f, true
		}
	}
	return FlagInfo{}, false
}

// Review states a flag list can be filtered by.
const (
	ReviewAny      = ""
	ReviewOpen     = "open"
	ReviewReviewed = "reviewed"
)

// Limits of the period filter.
const (
	FlagMaxPeriodYears = 3
	flagMinYear        = 2000
	flagMaxYear        = 2100
)

// FlagFilter selects the orders flags are computed on: live orders placed in
// [From, To), and by review state.
type FlagFilter struct {
	From, To time.Time // WIB midnights; To is the day after the last day
	Review   string    // ReviewAny, ReviewOpen or ReviewReviewed
}

// LastDay returns the last day of the period, as the user entered it.
func (f FlagFilter) LastDay() time.Time { return f.To.AddDate(0, 0, -1) }

// ParseFlagFilter reads a period given as dates ("2026-01-31", as HTML date
// inputs send them) and a review state. An empty "to" is today; an empty
// "from" is a year before "to". Mistakes come back as validate.Errors for
// the fields from, to and review.
func ParseFlagFilter(from, to, review string, now time.Time) (FlagFilter, error) {
	errs := validate.Errors{}
	n := now.In(wib.Location)
	last := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, wib.Location)
	if strings.TrimSpace(to) != "" {
		t, problem := parseFlagDate(to)
		if problem != "" {
			errs.Add("to", "Tanggal akhir "+problem)
		}
		last = t
	}
	first := last.AddDate(-1, 0, 1)
	if strings.TrimSpace(from) != "" {
		t, problem := parseFlagDate(from)
		if problem != "" {
			errs.Add("from", "Tanggal awal "+problem)
		}
		first = t
	}
	if len(errs) == 0 {
		switch {
		case last.Before(first):
			errs.Add("to", "Tanggal akhir tidak boleh sebelum tanggal awal.")
		case !first.AddDate(FlagMaxPeriodYears, 0, 0).After(last):
			errs.Add("from", fmt.Sprintf("Periode paling panjang %d tahun. Persempit rentang tanggalnya.", FlagMaxPeriodYears))
		}
	}
	switch review {
	case ReviewAny, ReviewOpen, ReviewReviewed:
	default:
		errs.Add("review", "Pilihan status pemeriksaan tidak dikenal.")
	}
	if len(errs) > 0 {
		return FlagFilter{}, errs
	}
	return FlagFilter{From: first, To: last.AddDate(0, 0, 1), Review: review}, nil
}

// parseFlagDate reads one date of a period; what it says on failure
// completes a sentence that starts with the field's name.
func parseFlagDate(s string) (time.Time, string) {
	t, err := wib.ParseDate(s)
	if err != nil {
		return time.Time{}, "tidak valid. Gunakan format tahun-bulan-tanggal, misalnya 2026-01-31."
	}
	if t.Year() < flagMinYear || t.Year() > flagMaxYear {
		return time.Time{}, fmt.Sprintf("harus di antara tahun %d dan %d.", flagMinYear, flagMaxYear)
	}
	return t, ""
}

// FlagSummary is the number of orders carrying one kind of flag.
type FlagSummary struct {
	FlagInfo
	Count    int // orders with the flag in the period
	Reviewed int // of which an auditor has reviewed
}

// Open is how many flagged orders still wait for review.
func (s FlagSummary) Open() int { return s.Count - s.Reviewed }

// FlagReview is an auditor's review of a flag on an order.
type FlagReview struct {
	Note       string
	ReviewedBy string // the auditor's name
	ReviewedAt time.Time
}

// FlaggedOrder is an order carrying a flag, with why.
type FlaggedOrder struct {
	OrderID       int64
	SPNumber      string // "" before the SP is signed
	State         string // code; see ordering.State
	PlacedAt      time.Time
	Total         int64
	OPD           string
	Supplier      string
	PPK           string
	Reason        string // why the order is flagged, for auditors
	Justification string // what the buyer wrote, when the rule asked for it
	Review        *FlagReview
}

// flagReaders may read red flags; only auditors review them.
var flagReaders = []string{"auditor", "admin"}

// Flags counts the orders carrying each kind of flag in the period (the
// filter's review state is ignored: the counts show both). Auditors and
// admins may.
func (s *Service) Flags(ctx context.Context, f FlagFilter) ([]FlagSummary, error) {
	if !audit.ActorFrom(ctx).HasRole(flagReaders...) {
		return nil, apperr.E(apperr.Forbidden, "Hanya auditor dan admin yang dapat melihat tanda bahaya.")
	}
	out := make([]FlagSummary, len(FlagKinds))
	err := s.flagRead(ctx, func(tx pgx.Tx) error {
		for i, info := range FlagKinds {
			var err error
			if out[i], err = flagSummary(ctx, tx, info, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FlagSummary counts the orders carrying flag kind in the period, and the
// reviewed ones among them. Auditors and admins may; an unknown kind is
// apperr.NotFound.
func (s *Service) FlagSummary(ctx context.Context, kind FlagKind, f FlagFilter) (FlagSummary, error) {
	if !audit.ActorFrom(ctx).HasRole(flagReaders...) {
		return FlagSummary{}, apperr.E(apperr.Forbidden, "Hanya auditor dan admin yang dapat melihat tanda bahaya.")
	}
	info, ok := kind.Info()
	if !ok {
		return FlagSummary{}, apperr.E(apperr.NotFound, "Jenis tanda bahaya tidak dikenal.")
	}
	var sum FlagSummary
	err := s.flagRead(ctx, func(tx pgx.Tx) error {
		var err error
		sum, err = flagSummary(ctx, tx, info, f)
		return err
	})
	return sum, err
}

func flagSummary(ctx context.Context, db postgres.DBTX, info FlagInfo, f FlagFilter) (FlagSummary, error) {
	sum := FlagSummary{FlagInfo: info}
	q := `WITH ` + flagHits(info.Kind) + `
		SELECT count(*), count(r.order_id)
		FROM hits h LEFT JOIN flag_reviews r ON r.order_id = h.order_id AND r.kind = $3`
	if err := db.QueryRow(ctx, q, f.From, f.To, info.Kind).Scan(&sum.Count, &sum.Reviewed); err != nil {
		return FlagSummary{}, fmt.Errorf("reporting: count %s flags: %w", info.Kind, postgres.Classify(err))
	}
	return sum, nil
}

// flagRead runs fn in a read-only transaction without JIT compilation: on
// these queries PostgreSQL's JIT spends seconds compiling what runs in
// milliseconds.
func (s *Service) flagRead(ctx context.Context, fn func(tx pgx.Tx) error) error {
	if err := s.drain(ctx); err != nil {
		return err
	}
	return pgx.BeginTxFunc(ctx, s.db, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
			return fmt.Errorf("reporting: flags: %w", postgres.Classify(err))
		}
		return fn(tx)
	})
}

// Matching is how many flagged orders the filter's review state selects.
func (s FlagSummary) Matching(review string) int {
	switch review {
	case ReviewReviewed:
		return s.Reviewed
	case ReviewOpen:
		return s.Open()
	}
	return s.Count
}

// FlaggedOrders lists the orders carrying flag kind in the period, newest
// first, at most limit of them (0: all). Auditors and admins may; an unknown
// kind is apperr.NotFound.
func (s *Service) FlaggedOrders(ctx context.Context, kind FlagKind, f FlagFilter, limit int) ([]FlaggedOrder, error) {
	if !audit.ActorFrom(ctx).HasRole(flagReaders...) {
		return nil, apperr.E(apperr.Forbidden, "Hanya auditor dan admin yang dapat melihat tanda bahaya.")
	}
	if _, ok := kind.Info(); !ok {
		return nil, apperr.E(apperr.NotFound, "Jenis tanda bahaya tidak dikenal.")
	}
	var list []FlaggedOrder
	err := s.flagRead(ctx, func(tx pgx.Tx) error {
		var err error
		list, err = flaggedOrders(ctx, tx, kind, f, 0, limit)
		return err
	})
	return list, err
}

// flaggedOrders runs the list query, for one order when orderID is not 0.
func flaggedOrders(ctx context.Context, db postgres.DBTX, kind FlagKind, f FlagFilter, orderID int64, limit int) ([]FlaggedOrder, error) {
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	// The page of hits is chosen first (newest first, by review state),
	// then only its orders are read with their names.
	q := `WITH ` + flagHits(kind) + `
		SELECT o.id, coalesce(o.sp_number, ''), o.state, o.placed_at, o.total, opd.name, s.name, ppk.name,
			h.label, h.n1, h.n2, h.n3, h.n4, h.justification, h.note, coalesce(ru.name, ''), h.reviewed_at
		FROM (SELECT h.*, r.note, r.reviewed_by, r.reviewed_at
			FROM hits h LEFT JOIN flag_reviews r ON r.order_id = h.order_id AND r.kind = $3
			WHERE ($4::bigint = 0 OR h.order_id = $4)
			  AND ($5 = '' OR ($5 = 'reviewed') = (r.order_id IS NOT NULL))
			ORDER BY h.placed_at DESC, h.order_id DESC
			LIMIT $6) h
		JOIN orders o ON o.id = h.order_id
		JOIN opds opd ON opd.id = o.opd_id
		JOIN suppliers s ON s.id = o.supplier_id
		JOIN users ppk ON ppk.id = o.ppk_user_id
		LEFT JOIN users ru ON ru.id = h.reviewed_by
		ORDER BY h.placed_at DESC, h.order_id DESC`
	rows, err := db.Query(ctx, q, f.From, f.To, kind, orderID, f.Review, lim)
	if err != nil {
		return nil, fmt.Errorf("reporting: %s flags: %w", kind, postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (FlaggedOrder, error) {
		var o FlaggedOrder
		var h flagFacts
		var note, reviewer *string
		var at *time.Time
		err := r.Scan(&o.OrderID, &o.SPNumber, &o.State, &o.PlacedAt, &o.Total, &o.OPD, &o.Supplier, &o.PPK,
			&h.label, &h.n1, &h.n2, &h.n3, &h.n4, &o.Justification, &note, &reviewer, &at)
		if note != nil && at != nil {
			o.Review = &FlagReview{Note: *note, ReviewedBy: *reviewer, ReviewedAt: *at}
		}
		o.Reason = h.reason(kind)
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("reporting: %s flags: %w", kind, postgres.Classify(err))
	}
	return list, nil
}

// flagFacts are what a kind's query found about an order; reason turns them
// into a sentence.
type flagFacts struct {
	label          string
	n1, n2, n3, n4 int64
}

func (h flagFacts) reason(kind FlagKind) string {
	switch kind {
	case FlagSplit:
		if h.label == "" {
			return "Ditandai aturan pemecahan paket."
		}
		return h.label
	case FlagRepeatPair:
		return fmt.Sprintf("%s menerima %d dari %d pesanan PPK ini dalam periode ini (%d%%).", h.label, h.n1, h.n2, h.n1*100/max(h.n2, 1))
	case FlagFastOrder:
		return fmt.Sprintf("Dipesan %s setelah produk “%s” didaftarkan.", flagMinutes(h.n1), h.label)
	case FlagPrice:
		return flagPriceReason(h)
	case FlagFastCompletion:
		var parts []string
		if h.n1 >= 0 {
			parts = append(parts, "SP ditandatangani sampai BAST dalam "+flagMinutes(h.n1))
		}
		if h.n2 >= 0 {
			parts = append(parts, "dipesan sampai selesai dalam "+flagMinutes(h.n2))
		}
		return flagUpperFirst(strings.Join(parts, "; ")) + "."
	}
	return ""
}

// flagPriceReason explains a price flag: n1 the unit price, n2 the SSH ceiling,
// n3 the median of the listing's earlier prices (0: none), n4 the lines flagged.
func flagPriceReason(h flagFacts) string {
	var parts []string
	if h.n2 > 0 && h.n1 > h.n2 {
		parts = append(parts, "di atas pagu SSH "+rupiah.Format(h.n2))
	}
	if h.n3 > 0 && h.n1*PriceHistoryDen > h.n3*PriceHistoryNum {
		parts = append(parts, fmt.Sprintf("%s kali median riwayat harganya (%s)", flagRatio(h.n1, h.n3), rupiah.Format(h.n3)))
	}
	s := fmt.Sprintf("“%s” %s per satuan, %s.", h.label, rupiah.Format(h.n1), strings.Join(parts, " dan "))
	if h.n4 > 1 {
		s += fmt.Sprintf(" Ada %d baris pesanan seperti ini.", h.n4)
	}
	return s
}

// flagRatio writes a/b with one decimal, Indonesian style: "1,8".
func flagRatio(a, b int64) string {
	tenths := (a*10 + b/2) / b
	return fmt.Sprintf("%d,%d", tenths/10, tenths%10)
}

// flagMinutes writes a duration given in minutes in words.
func flagMinutes(n int64) string {
	switch {
	case n < 1:
		return "kurang dari 1 menit"
	case n < 60:
		return fmt.Sprintf("%d menit", n)
	case n%60 == 0:
		return fmt.Sprintf("%d jam", n/60)
	}
	return fmt.Sprintf("%d jam %d menit", n/60, n%60)
}

func flagUpperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// flagHits returns the CTE "hits" (order_id, placed_at, label, n1..n4,
// justification) of kind over the orders placed in [$1, $2).
func flagHits(kind FlagKind) string {
	return `hits (order_id, placed_at, label, n1, n2, n3, n4, justification) AS (` + flagQueries[kind] + `)`
}

// flagPeriod selects, on orders o, the live orders placed in [$1, $2): the
// ones that ended without a purchase (cancelled, rejected, expired) are
// left out.
const flagPeriod = `o.placed_at >= $1 AND o.placed_at < $2 AND ` + flagLive

// flagLive selects, on orders o, the orders that did not end without a
// purchase; the partial indexes of migration 000059 have the same condition.
const flagLive = `o.state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired')`

// flagQueries select each kind's hits; see flagHits and flagFacts.reason.
// The kinds that are a property of one order are read from order_flags,
// which triggers keep (migration 000059): a period is one range of its
// index. Repeat pairs depend on the period, so they are counted here.
var flagQueries = map[FlagKind]string{
	FlagSplit:          flagStored(FlagSplit),
	FlagFastOrder:      flagStored(FlagFastOrder),
	FlagPrice:          flagStored(FlagPrice),
	FlagFastCompletion: flagStored(FlagFastCompletion),
	// n1: the pair's orders, n2: the PPK's orders; see flagHotPairs.
	FlagRepeatPair: `
		SELECT o.id, o.placed_at, s.name, hot.n, hot.tot, 0::bigint, 0::bigint, ''
		FROM (` + flagHotPairs + `) hot
		JOIN suppliers s ON s.id = hot.supplier_id
		JOIN orders o ON o.ppk_user_id = hot.ppk_user_id AND o.supplier_id = hot.supplier_id AND ` + flagPeriod,
}

// flagHotPairs selects the PPK-supplier pairs (ppk_user_id, supplier_id, n,
// tot) where the supplier has more than RepeatSharePercent of the PPK's live
// orders placed in [$1, $2), n of tot, the PPK having at least
// RepeatMinOrders. A supplier with more than that share of a period has
// more than it in some part of the period: so the candidates are, for each
// whole month of the period, each PPK's leading supplier (from the monthly
// counts flag_ppk_months and flag_pair_months, kept by triggers), and the
// leading pairs of the days before the first and after the last whole
// month (from the index on placed_at); each candidate is then counted
// exactly. A year of 330.000 orders reads a few thousand rows, not all.
var flagHotPairs = `
	SELECT c.ppk_user_id, c.supplier_id, n.n, tot.n AS tot
	FROM (
		SELECT pm.ppk_user_id, top.supplier_id
		FROM (` + flagSpan + `) span
		JOIN flag_ppk_months pm ON pm.month >= span.m1 AND pm.month < span.m2
		CROSS JOIN LATERAL (SELECT x.supplier_id, x.orders FROM flag_pair_months x
			WHERE x.ppk_user_id = pm.ppk_user_id AND x.month = pm.month ORDER BY x.orders DESC LIMIT 1) top
		WHERE top.orders * 100 > pm.orders * ` + flagShare + `
		UNION
		SELECT e.ppk_user_id, e.supplier_id FROM (
			SELECT d.ppk_user_id, d.supplier_id, count(*) AS n, sum(count(*)) OVER (PARTITION BY d.ppk_user_id) AS tot
			FROM (
				SELECT o.ppk_user_id, o.supplier_id FROM (` + flagSpan + `) span
				JOIN orders o ON o.placed_at >= $1 AND o.placed_at < least(span.e1, $2) AND ` + flagLive + `
				UNION ALL
				SELECT o.ppk_user_id, o.supplier_id FROM (` + flagSpan + `) span
				JOIN orders o ON o.placed_at >= span.e2 AND o.placed_at < $2 AND ` + flagLive + `) d
			GROUP BY 1, 2) e
		WHERE e.n * 100 > e.tot * ` + flagShare + `) c
	CROSS JOIN LATERAL (SELECT count(*) AS n FROM orders o
		WHERE o.ppk_user_id = c.ppk_user_id AND o.supplier_id = c.supplier_id AND ` + flagPeriod + `) n
	CROSS JOIN LATERAL (SELECT count(*) AS n FROM orders o WHERE o.ppk_user_id = c.ppk_user_id AND ` + flagPeriod + `) tot
	WHERE tot.n >= ` + flagMin + ` AND n.n * 100 > tot.n * ` + flagShare + `
	OFFSET 0` // a fence: the pairs are counted once each, not once per order of theirs

// flagSpan splits the period [$1, $2) into whole months [m1, m2) and the
// days before (from $1 to e1) and after (from e2 to $2) them; with no whole
// month, m1 ≥ m2 and the days before are the whole period.
const flagSpan = `
	SELECT m1, m2, m1::timestamp AT TIME ZONE 'Asia/Jakarta' AS e1, greatest(m1, m2)::timestamp AT TIME ZONE 'Asia/Jakarta' AS e2
	FROM (SELECT CASE WHEN f = date_trunc('month', f)::date THEN f ELSE (date_trunc('month', f) + interval '1 month')::date END AS m1,
			date_trunc('month', t)::date AS m2
		FROM (SELECT ($1::timestamptz AT TIME ZONE 'Asia/Jakarta')::date AS f, ($2::timestamptz AT TIME ZONE 'Asia/Jakarta')::date AS t) d) m`

// The repeat-pair thresholds, as SQL.
var (
	flagShare = fmt.Sprint(RepeatSharePercent)
	flagMin   = fmt.Sprint(RepeatMinOrders)
)

// flagStored selects the hits of kind kept in order_flags for the orders
// placed in [$1, $2).
func flagStored(kind FlagKind) string {
	return `
		SELECT f.order_id, f.placed_at, f.label, f.n1, f.n2, f.n3, f.n4, f.justification
		FROM order_flags f WHERE f.kind = '` + string(kind) + `' AND f.placed_at >= $1 AND f.placed_at < $2`
}

// ReviewFlag records that the signed-in auditor reviewed flag kind on an
// order, with a note (5 to 2000 characters), and writes an audit entry.
// Only auditors may (apperr.Forbidden); the order must carry the flag in
// the period of f (apperr.Conflict otherwise, or when already reviewed); a
// bad note is validate.Errors{"note": ...}.
func (s *Service) ReviewFlag(ctx context.Context, kind FlagKind, orderID int64, note string, f FlagFilter) (FlagReview, error) {
	actor := audit.ActorFrom(ctx)
	if !actor.HasRole("auditor") || actor.ID == 0 {
		return FlagReview{}, apperr.E(apperr.Forbidden, "Hanya auditor yang dapat menandai tanda bahaya sudah diperiksa.")
	}
	info, ok := kind.Info()
	if !ok {
		return FlagReview{}, apperr.E(apperr.NotFound, "Jenis tanda bahaya tidak dikenal.")
	}
	note = strings.TrimSpace(note)
	if n := utf8.RuneCountInString(note); n < 5 || n > 2000 {
		return FlagReview{}, validate.Errors{"note": "Tulis catatan pemeriksaan 5 sampai 2.000 karakter."}
	}
	var rev FlagReview
	if err := s.drain(ctx); err != nil {
		return FlagReview{}, err
	}
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		rev, err = reviewFlag(ctx, tx, info, orderID, note, f)
		return err
	})
	if err != nil {
		return FlagReview{}, fmt.Errorf("reporting: review %s flag on order %d: %w", kind, orderID, err)
	}
	return rev, nil
}

// reviewFlag does ReviewFlag's work in tx, the order row locked so that two
// auditors reviewing at once get one review and one clear refusal (FOR NO
// KEY UPDATE: it does not block the review's own foreign key check).
func reviewFlag(ctx context.Context, tx pgx.Tx, info FlagInfo, orderID int64, note string, f FlagFilter) (FlagReview, error) {
	if _, err := tx.Exec(ctx, "SET LOCAL jit = off"); err != nil {
		return FlagReview{}, postgres.Classify(err)
	}
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM orders WHERE id = $1 FOR NO KEY UPDATE`, orderID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return FlagReview{}, apperr.E(apperr.NotFound, "Pesanan tidak ditemukan.")
	}
	if err != nil {
		return FlagReview{}, postgres.Classify(err)
	}
	all := f
	all.Review = ReviewAny
	found, err := flaggedOrders(ctx, tx, info.Kind, all, orderID, 1)
	if err != nil {
		return FlagReview{}, err
	}
	if len(found) == 0 {
		return FlagReview{}, apperr.E(apperr.Conflict, fmt.Sprintf("Pesanan ini tidak bertanda “%s” pada periode %s–%s.",
			info.Label, wib.ShortDate(f.From), wib.ShortDate(f.LastDay())))
	}
	if r := found[0].Review; r != nil {
		return FlagReview{}, apperr.E(apperr.Conflict, fmt.Sprintf("Tanda “%s” pada pesanan ini sudah diperiksa oleh %s pada %s.",
			info.Label, r.ReviewedBy, wib.DateTime(r.ReviewedAt)))
	}
	actor := audit.ActorFrom(ctx)
	rev := FlagReview{Note: note, ReviewedBy: actor.Name}
	err = tx.QueryRow(ctx, `INSERT INTO flag_reviews (order_id, kind, note, reviewed_by) VALUES ($1, $2, $3, $4) RETURNING reviewed_at`,
		orderID, info.Kind, note, actor.ID).Scan(&rev.ReviewedAt)
	if err != nil {
		return FlagReview{}, postgres.Classify(err)
	}
	err = audit.Record(ctx, tx, audit.Entry{Action: "flag.review", Entity: "order", EntityID: fmt.Sprint(orderID),
		Details: map[string]any{"kind": info.Kind, "note": note, "reason": found[0].Reason}})
	if err != nil {
		return FlagReview{}, err
	}
	return rev, nil
}

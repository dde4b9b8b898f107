package reporting_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/reporting"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// flagDay is the fixture's reference day: orders are placed around it.
var flagDay = time.Date(2026, 6, 15, 9, 0, 0, 0, wib.Location)

// flagFixture is a database with reference data, one OPD's RUP package,
// suppliers, listings with a price history, and officials; each test adds
// the orders it is about with order.
type flagFixture struct {
	db       *pgxpool.Pool
	svc      *reporting.Service
	opd, pkg int64
	sup      map[string]int64
	listing  map[string]int64
	users    map[string]*auth.User
	ppks     int // officials made by newPPK so far
}

func newFlagFixture(t *testing.T) *flagFixture {
	t.Helper()
	ctx := context.Background()
	f := &flagFixture{db: pgtest.New(t), sup: map[string]int64{}, listing: map[string]int64{}, users: map[string]*auth.User{}}
	f.svc = reporting.NewService(f.db)
	if err := demo.SeedReference(ctx, f.db); err != nil {
		t.Fatal(err)
	}
	f.scan(t, &f.opd, `SELECT id FROM opds WHERE letter_code = 'DINKES'`)
	for _, u := range []struct{ key, role string }{{"auditor", "auditor"}, {"auditor2", "auditor"}, {"admin", "admin"}, {"pp", "pp"}, {"koperindag", "koperindag"}, {"ppk", "ppk"}} {
		f.users[u.key] = f.user(t, u.key, u.role)
	}
	f.scan(t, &f.pkg, `INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, fiscal_year, ppk_user_id)
		VALUES ($1, '51230001', 'Belanja uji', 1000000000, 'APBD', 2026, $2) RETURNING id`, f.opd, f.users["ppk"].ID)
	for _, key := range []string{"x", "y"} {
		var id int64
		f.scan(t, &id, `INSERT INTO suppliers (name, kecamatan_code, status, scale) VALUES ($1, '13.11.01', 'verified', 'mikro') RETURNING id`, "Toko "+strings.ToUpper(key))
		f.sup[key] = id
	}
	old := flagDay.AddDate(-1, 0, 0)
	for _, l := range []struct {
		key, kind, title string
		created          time.Time
		history          []int64 // earlier prices, a day apart, before flagDay
	}{
		{"kertas", "goods", "Kertas HVS A4", old, nil},
		{"baru", "goods", "Toner printer", flagDay.Add(-30 * time.Minute), nil},
		{"hampir", "goods", "Map arsip", flagDay.Add(-61 * time.Minute), nil},
		{"riwayat", "goods", "Tinta cetak", old, []int64{40_000, 40_000, 50_000}},
		{"turun", "goods", "Kursi lipat", old, []int64{100_000}},
		{"jasa", "services", "Servis AC", old, nil},
	} {
		var id int64
		f.scan(t, &id, `INSERT INTO listings (supplier_id, kind, title, category_id, unit, price, status, published_at, created_at)
			VALUES ($1, $2, $3, (SELECT min(id) FROM categories), 'buah', 50000, 'published', $4, $4) RETURNING id`, f.sup["x"], l.kind, l.title, l.created)
		for i, p := range l.history {
			f.exec(t, `INSERT INTO listing_prices (listing_id, price, source, changed_at) VALUES ($1, $2, 'edit', $3)`, id, p, flagDay.AddDate(0, 0, -10+i))
		}
		f.listing[l.key] = id
	}
	// A price change after the orders must not count as their history.
	f.exec(t, `INSERT INTO listing_prices (listing_id, price, source, changed_at) VALUES ($1, 10000, 'edit', $2)`, f.listing["turun"], flagDay.AddDate(0, 1, 0))
	return f
}

func (f *flagFixture) scan(t *testing.T, dst *int64, q string, args ...any) {
	t.Helper()
	if err := f.db.QueryRow(context.Background(), q, args...).Scan(dst); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (f *flagFixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := f.db.Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// user adds an account with role (of the fixture OPD where the role needs one).
func (f *flagFixture) user(t *testing.T, key, role string) *auth.User {
	t.Helper()
	var id int64
	f.scan(t, &id, `INSERT INTO users (name, email, password_hash) VALUES ($1, $2, 'x') RETURNING id`, "Pengguna "+key, key+"@uji.test")
	var opd *int64
	if auth.Role(role).NeedsOPD() {
		opd = &f.opd
	}
	f.exec(t, `INSERT INTO user_roles (user_id, role, opd_id) VALUES ($1, $2, $3)`, id, role, opd)
	return &auth.User{ID: id, Name: "Pengguna " + key, Grants: []auth.Grant{{Role: auth.Role(role), OPDID: f.opd}}}
}

// newPPK adds a PPK of its own, so that an order's PPK has no other orders
// unless a test gives it some (the repeat-pair flag counts per PPK).
func (f *flagFixture) newPPK(t *testing.T) int64 {
	t.Helper()
	f.ppks++
	return f.user(t, fmt.Sprintf("ppk%d", f.ppks), "ppk").ID
}

func (f *flagFixture) as(key string) context.Context {
	return auth.WithUser(context.Background(), f.users[key], "127.0.0.1")
}

// flagLine is an order line: a fixture listing at a unit price, with an SSH ceiling or 0.
type flagLine struct {
	listing    string
	price, ssh int64
}

// flagOrder is an order as a test writes it; zero fields take defaults:
// supplier x, a PPK of its own, completed, placed at flagDay, one line of
// kertas at Rp50.000, signed an hour after placing, BAST and completion days later.
type flagOrder struct {
	supplier      string
	ppk           int64
	state         string
	placed        time.Time
	lines         []flagLine
	split         string // the split rule's message; flags the order
	justification string
	signed, bast  time.Duration // after placed
	completed     time.Duration // after placed
}

func (f *flagFixture) order(t *testing.T, o flagOrder) int64 {
	t.Helper()
	if o.supplier == "" {
		o.supplier = "x"
	}
	if o.ppk == 0 {
		o.ppk = f.newPPK(t)
	}
	if o.state == "" {
		o.state = "completed"
	}
	if o.placed.IsZero() {
		o.placed = flagDay
	}
	if len(o.lines) == 0 {
		o.lines = []flagLine{{"kertas", 50_000, 0}}
	}
	if o.signed == 0 {
		o.signed = time.Hour
	}
	if o.bast == 0 {
		o.bast = 5 * 24 * time.Hour
	}
	if o.completed == 0 {
		o.completed = 10 * 24 * time.Hour
	}
	results := []map[string]any{{"rule": "ceiling", "verdict": "pass", "message": "Di bawah batas."}}
	just := map[string]string{}
	if o.split != "" {
		results = append(results, map[string]any{"rule": "split", "verdict": "justify", "message": o.split, "flagged": true})
		just["split"] = o.justification
	}
	outcome, _ := json.Marshal(map[string]any{"results": results})
	justJSON, _ := json.Marshal(just)
	var sp, reason, ended, signed, bast, completed any
	switch o.state {
	case "cancelled", "expired", "rejected_by_ppk":
		reason, ended = "alasan uji", o.placed.Add(time.Hour)
	default:
		sp = fmt.Sprintf("%d/SP/DINKES/VI/2026", time.Now().UnixNano())
		signed, bast = o.placed.Add(o.signed), o.placed.Add(o.bast)
		if o.state == "completed" {
			completed = o.placed.Add(o.completed)
		}
	}
	var id int64
	f.scan(t, &id, `INSERT INTO orders (opd_id, supplier_id, rup_package_id, buyer_user_id, ppk_user_id, state, checkout_key,
		delivery_address, requested_date, supplier_pkp, supplier_pp55, total, rule_outcome, flagged, justifications,
		sp_number, end_reason, ended_at, placed_at, signed_at, bast_at, completed_at)
		VALUES ($1, $2, $3, $4, $4, $5, $6, 'Jl. Pemuda No. 1, Padang Aro', '2026-07-01', false, false, 0, $7, $8, $9,
		$10, coalesce($11, ''), $12, $13, $14, $15, $16) RETURNING id`,
		f.opd, f.sup[o.supplier], f.pkg, o.ppk, o.state, fmt.Sprintf("flag-%d", time.Now().UnixNano()), outcome, o.split != "", justJSON,
		sp, reason, ended, o.placed, signed, bast, completed)
	for i, l := range o.lines {
		var ssh *int64
		if l.ssh > 0 {
			ssh = &l.ssh
		}
		f.exec(t, `INSERT INTO order_lines (order_id, position, listing_id, title, unit, kind, qty, list_price, unit_dpp, unit_price, total, ssh_ceiling)
			SELECT $1, $2, id, title, unit, kind, 1, price, $3, $3, $3, $4 FROM listings WHERE id = $5`, id, i+1, l.price, ssh, f.listing[l.listing])
	}
	f.exec(t, `UPDATE orders SET total = (SELECT sum(total) FROM order_lines WHERE order_id = $1) WHERE id = $1`, id)
	return id
}

// period is the fixture's period filter: the whole of 2026.
func period(t *testing.T, review string) reporting.FlagFilter {
	t.Helper()
	p, err := reporting.ParseFlagFilter("2026-01-01", "2026-12-31", review, flagDay)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// flagged returns the ids of the orders carrying kind in the fixture period, and their reasons.
func (f *flagFixture) flagged(t *testing.T, kind reporting.FlagKind, review string) ([]int64, map[int64]reporting.FlaggedOrder) {
	t.Helper()
	list, err := f.svc.FlaggedOrders(f.as("auditor"), kind, period(t, review), 0)
	if err != nil {
		t.Fatalf("FlaggedOrders(%s): %v", kind, err)
	}
	ids := []int64{}
	by := map[int64]reporting.FlaggedOrder{}
	for _, o := range list {
		ids = append(ids, o.OrderID)
		by[o.OrderID] = o
	}
	return ids, by
}

// TestFlags_EachKind builds, for every kind of flag, orders that must carry
// it and orders just on the other side of its threshold, and checks the
// list of each kind and the reason auditors read.
func TestFlags_EachKind(t *testing.T) {
	t.Parallel()
	f := newFlagFixture(t)
	splitMsg := "Pesanan OPD ini pada kategori ATK dalam 30 hari berjumlah Rp210.000.000, melewati batas Rp200.000.000."
	split := f.order(t, flagOrder{split: splitMsg, justification: "Kebutuhan ujian susulan yang baru ditetapkan Dinas."})
	f.order(t, flagOrder{split: splitMsg, justification: "Dibatalkan sebelum SP.", state: "cancelled"})     // no purchase
	f.order(t, flagOrder{split: splitMsg, justification: "Tahun lalu.", placed: flagDay.AddDate(-1, 0, 0)}) // outside the period
	plain := f.order(t, flagOrder{})

	// Repeat pairs: PPK a has 5 orders, 4 from x (80%); PPK b has 5 orders,
	// 3 from x (exactly 60%: not more); PPK c has only 4 orders, all from x.
	a, b, c := f.newPPK(t), f.newPPK(t), f.newPPK(t)
	var pairA []int64
	for i := range 5 {
		sup := "x"
		if i == 4 {
			sup = "y"
		}
		id := f.order(t, flagOrder{ppk: a, supplier: sup, placed: flagDay.AddDate(0, 0, -i)})
		if sup == "x" {
			pairA = append([]int64{id}, pairA...)
		}
	}
	for i := range 5 {
		sup := "x"
		if i >= 3 {
			sup = "y"
		}
		f.order(t, flagOrder{ppk: b, supplier: sup})
	}
	for range 4 {
		f.order(t, flagOrder{ppk: c})
	}

	fastOrder := f.order(t, flagOrder{lines: []flagLine{{"kertas", 50_000, 0}, {"baru", 50_000, 0}}})
	f.order(t, flagOrder{lines: []flagLine{{"hampir", 50_000, 0}}}) // 61 minutes

	aboveSSH := f.order(t, flagOrder{lines: []flagLine{{"kertas", 50_000, 50_000}, {"kertas", 60_000, 50_000}, {"kertas", 70_000, 50_000}}})
	f.order(t, flagOrder{lines: []flagLine{{"kertas", 50_000, 50_000}}})                  // at the ceiling
	aboveHistory := f.order(t, flagOrder{lines: []flagLine{{"riwayat", 61_000, 0}}})      // median 40.000
	f.order(t, flagOrder{lines: []flagLine{{"riwayat", 60_000, 0}}})                      // exactly 1,5 ×
	f.order(t, flagOrder{lines: []flagLine{{"turun", 120_000, 0}}})                       // the later price of 10.000 does not count
	f.order(t, flagOrder{lines: []flagLine{{"kertas", 500_000, 0}}, state: "processing"}) // no history, no SSH

	fastBAST := f.order(t, flagOrder{signed: time.Hour, bast: time.Hour + 30*time.Minute})
	f.order(t, flagOrder{lines: []flagLine{{"jasa", 50_000, 0}}, signed: time.Hour, bast: time.Hour + 30*time.Minute}) // services
	fastDone := f.order(t, flagOrder{signed: time.Hour, bast: 10 * time.Hour, completed: 20 * time.Hour})
	f.order(t, flagOrder{signed: time.Hour, bast: 3 * time.Hour, completed: 25 * time.Hour})

	tests := []struct {
		kind    reporting.FlagKind
		want    []int64 // newest first
		reasons map[int64]string
	}{
		{reporting.FlagSplit, []int64{split}, map[int64]string{split: splitMsg}},
		{reporting.FlagRepeatPair, pairA, map[int64]string{pairA[0]: "Toko X menerima 4 dari 5 pesanan PPK ini dalam periode ini (80%)."}},
		{reporting.FlagFastOrder, []int64{fastOrder}, map[int64]string{fastOrder: "Dipesan 30 menit setelah produk “Toner printer” didaftarkan."}},
		{reporting.FlagPrice, []int64{aboveHistory, aboveSSH}, map[int64]string{
			aboveSSH:     "“Kertas HVS A4” Rp60.000 per satuan, di atas pagu SSH Rp50.000. Ada 2 baris pesanan seperti ini.",
			aboveHistory: "“Tinta cetak” Rp61.000 per satuan, 1,5 kali median riwayat harganya (Rp40.000).",
		}},
		{reporting.FlagFastCompletion, []int64{fastDone, fastBAST}, map[int64]string{
			fastBAST: "SP ditandatangani sampai BAST dalam 30 menit.",
			fastDone: "Dipesan sampai selesai dalam 20 jam.",
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			ids, by := f.flagged(t, tt.kind, reporting.ReviewAny)
			if diff := cmp.Diff(sortedDesc(ids), sortedDesc(tt.want)); diff != "" {
				t.Errorf("flagged orders (-got +want):\n%s", diff)
			}
			for id, want := range tt.reasons {
				if got := by[id].Reason; got != want {
					t.Errorf("order %d: reason %q, want %q", id, got, want)
				}
			}
		})
	}
	if _, by := f.flagged(t, reporting.FlagSplit, ""); by[split].Justification != "Kebutuhan ujian susulan yang baru ditetapkan Dinas." {
		t.Errorf("split justification = %q", by[split].Justification)
	}
	if _, by := f.flagged(t, reporting.FlagSplit, ""); by[plain].OrderID != 0 {
		t.Error("an order without a flag is listed")
	}

	sums, err := f.svc.Flags(f.as("admin"), period(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	got := map[reporting.FlagKind]int{}
	for _, s := range sums {
		got[s.Kind] = s.Count
	}
	want := map[reporting.FlagKind]int{reporting.FlagSplit: 1, reporting.FlagRepeatPair: 4, reporting.FlagFastOrder: 1, reporting.FlagPrice: 2, reporting.FlagFastCompletion: 2}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("counts (-got +want):\n%s", diff)
	}
}

func sortedDesc(ids []int64) []int64 {
	out := append([]int64{}, ids...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] > out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestFlags_ReadersOnly: auditors and admins read flags; nobody else does.
func TestFlags_ReadersOnly(t *testing.T) {
	t.Parallel()
	f := newFlagFixture(t)
	for _, key := range []string{"auditor", "admin"} {
		if _, err := f.svc.Flags(f.as(key), period(t, "")); err != nil {
			t.Errorf("%s: %v", key, err)
		}
	}
	for _, key := range []string{"pp", "ppk", "koperindag"} {
		if _, err := f.svc.Flags(f.as(key), period(t, "")); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("Flags as %s: %v, want forbidden", key, err)
		}
		if _, err := f.svc.FlaggedOrders(f.as(key), reporting.FlagSplit, period(t, ""), 0); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("FlaggedOrders as %s: %v, want forbidden", key, err)
		}
	}
	if _, err := f.svc.FlaggedOrders(f.as("auditor"), "lain", period(t, ""), 0); !errors.Is(err, apperr.NotFound) {
		t.Errorf("unknown kind: %v, want not found", err)
	}
}

// TestReviewFlag: an auditor marks a flag on an order reviewed once, with a
// note of 5 to 2000 characters; admins read but may not review; the review
// is audited and the list can be filtered by it.
func TestReviewFlag(t *testing.T) {
	t.Parallel()
	f := newFlagFixture(t)
	split := f.order(t, flagOrder{split: "Mendekati batas Rp50 jt.", justification: "Kebutuhan mendesak puskesmas."})
	other := f.order(t, flagOrder{split: "Mendekati batas Rp50 jt.", justification: "Kebutuhan mendesak puskesmas."})
	plain := f.order(t, flagOrder{})
	p := period(t, "")
	note := "Sudah dicek dengan PPK: dua kebutuhan berbeda."

	tests := []struct {
		name    string
		as      string
		kind    reporting.FlagKind
		order   int64
		note    string
		wantErr error
	}{
		{"admin reads but may not review", "admin", reporting.FlagSplit, split, note, apperr.Forbidden},
		{"a buyer may not", "pp", reporting.FlagSplit, split, note, apperr.Forbidden},
		{"note too short", "auditor", reporting.FlagSplit, split, " ok  ", validate.Errors{}},
		{"note too long", "auditor", reporting.FlagSplit, split, strings.Repeat("é", 2001), validate.Errors{}},
		{"order without the flag", "auditor", reporting.FlagSplit, plain, note, apperr.Conflict},
		{"unknown order", "auditor", reporting.FlagSplit, 999999, note, apperr.NotFound},
		{"unknown kind", "auditor", "lain", split, note, apperr.NotFound},
		{"reviewed", "auditor", reporting.FlagSplit, split, "  " + note + "  ", nil},
		{"only once", "auditor2", reporting.FlagSplit, split, note, apperr.Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rev, err := f.svc.ReviewFlag(f.as(tt.as), tt.kind, tt.order, tt.note, p)
			switch tt.wantErr.(type) {
			case nil:
				if err != nil || rev.Note != note || rev.ReviewedBy != f.users["auditor"].Name {
					t.Fatalf("ReviewFlag = %+v, %v", rev, err)
				}
			case validate.Errors:
				if fields, ok := validate.AsErrors(err); !ok || fields["note"] == "" {
					t.Errorf("got %v, want a note error", err)
				}
			default:
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("got %v, want %v", err, tt.wantErr)
				}
			}
		})
	}
	var n int64
	f.scan(t, &n, `SELECT count(*) FROM flag_reviews`)
	if n != 1 {
		t.Errorf("%d reviews stored, want 1", n)
	}
	f.scan(t, &n, `SELECT count(*) FROM audit_log WHERE action = 'flag.review' AND entity = 'order' AND entity_id = $1 AND actor_id = $2 AND details->>'note' = $3`,
		fmt.Sprint(split), f.users["auditor"].ID, note)
	if n != 1 {
		t.Errorf("%d audit entries for the review, want 1", n)
	}

	for _, tt := range []struct {
		review string
		want   []int64
	}{
		{reporting.ReviewAny, []int64{other, split}},
		{reporting.ReviewReviewed, []int64{split}},
		{reporting.ReviewOpen, []int64{other}},
	} {
		ids, by := f.flagged(t, reporting.FlagSplit, tt.review)
		if diff := cmp.Diff(sortedDesc(ids), tt.want); diff != "" {
			t.Errorf("review %q (-got +want):\n%s", tt.review, diff)
		}
		if r := by[split].Review; by[split].OrderID != 0 && (r == nil || r.Note != note || r.ReviewedBy != f.users["auditor"].Name) {
			t.Errorf("review shown as %+v", r)
		}
	}
	sums, err := f.svc.Flags(f.as("auditor"), p)
	if err != nil {
		t.Fatal(err)
	}
	if s := sums[0]; s.Kind != reporting.FlagSplit || s.Count != 2 || s.Reviewed != 1 || s.Open() != 1 {
		t.Errorf("split summary = %+v", s)
	}
}

// TestParseFlagFilter: periods are dates in WIB, default to the year up to
// today, and mistakes come back as messages on the fields.
func TestParseFlagFilter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 23, 30, 0, 0, wib.Location)
	day := func(s string) time.Time { d, _ := wib.ParseDate(s); return d }
	tests := []struct {
		name             string
		from, to, review string
		wantFrom, wantTo time.Time
		wantErr          []string // fields
	}{
		{"defaults: a year up to today", "", "", "", day("2025-11-26"), day("2026-11-26"), nil},
		{"one day", "2026-03-01", "2026-03-01", "open", day("2026-03-01"), day("2026-03-02"), nil},
		{"from only", "2026-01-01", "", "reviewed", day("2026-01-01"), day("2026-11-26"), nil},
		{"three years less a day", "2023-11-27", "2026-11-26", "", day("2023-11-27"), day("2026-11-27"), nil},
		{"three years is too long", "2023-11-26", "2026-11-26", "", time.Time{}, time.Time{}, []string{"from"}},
		{"not a date", "kemarin", "2026-13-01", "", time.Time{}, time.Time{}, []string{"from", "to"}},
		{"end before start", "2026-05-02", "2026-05-01", "", time.Time{}, time.Time{}, []string{"to"}},
		{"far past", "1999-12-31", "2000-01-01", "", time.Time{}, time.Time{}, []string{"from"}},
		{"unknown review state", "", "", "semua", time.Time{}, time.Time{}, []string{"review"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := reporting.ParseFlagFilter(tt.from, tt.to, tt.review, now)
			var fields []string
			if errs, ok := validate.AsErrors(err); ok {
				for _, k := range []string{"from", "to", "review"} {
					if errs[k] != "" {
						fields = append(fields, k)
					}
				}
			} else if err != nil {
				t.Fatalf("got %v, want validate.Errors or nil", err)
			}
			if diff := cmp.Diff(fields, tt.wantErr); diff != "" {
				t.Fatalf("fields with errors (-got +want):\n%s (%v)", diff, err)
			}
			if err == nil && (!got.From.Equal(tt.wantFrom) || !got.To.Equal(tt.wantTo) || got.Review != tt.review) {
				t.Errorf("got [%v, %v) %q, want [%v, %v)", got.From, got.To, got.Review, tt.wantFrom, tt.wantTo)
			}
		})
	}
}

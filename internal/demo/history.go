package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/auth"
	"lapak/internal/blob"
	"lapak/internal/ordering"
	"lapak/internal/postgres"
	"lapak/internal/reporting"
	"lapak/internal/rules"
	"lapak/internal/rup"
	"lapak/internal/wib"
	"lapak/internal/workday"
)

// The demo's year of purchasing (seedHistory): ten OPDs besides Dinas
// Kesehatan buy from the demo catalog's suppliers over the past year, so
// that the spending dashboards, every kind of red flag, the transparency
// page and the OCDS feed show real content. Every order goes through the
// ordering service with its clock set to the past, so numbers, documents,
// events and the spending facts are what real use leaves behind.

// historyOPD is an OPD of the demo's history with its officials (PPK, PP,
// treasurer) and how many days its treasurer usually takes to pay.
type historyOPD struct {
	code                           string
	payDays                        int
	ppkName, ppName, treasurerName string
}

// historyOPDs are the OPDs that buy in the history, by code in opd.csv.
var historyOPDs = []historyOPD{
	{"OPD-001", 5, "H. Zulkarnain, S.Sos., M.Si.", "Rini Oktaviani", "Yelmi Suryani"},
	{"OPD-006", 9, "Ir. Defrizal, M.T.", "Putri Ramadhani", "Nurhayati"},
	{"OPD-007", 3, "Mardianto, S.E.", "Agus Salim", "Desi Fitriani"},
	{"OPD-009", 14, "Ir. Yosrizal", "Fajar Hidayat", "Roslaini"},
	{"OPD-010", 7, "drh. Erma Yulia", "Rahmad Fauzi", "Sukmawati"},
	{"OPD-012", 4, "Eka Putra, S.Kom.", "Wahyu Pratama", "Lidya Marlina"},
	{"OPD-013", 6, "Syafril, S.H.", "Mega Sari", "Erni Yanti"},
	{"OPD-016", 11, "Dra. Yulianis", "Reza Firmansyah", "Hasnawati"},
	{"OPD-017", 8, "Drs. Nasrul Hakim", "Ilham Maulana", "Zuraida"},
	{"OPD-019", 18, "dr. Hendra Wijaya, Sp.PD.", "Siska Amelia", "Yusnimar"},
}

// Which OPDs (by index in historyOPDs) carry the planted patterns.
const (
	historyRepeatOPD = 5 // Diskominfo: its PPK buys six times in nine from one supplier
	historySplitOPD  = 8 // Dinas Pendidikan: three catering orders just under Rp10 juta in a month
	historySplit2OPD = 9 // RSUD: two such orders
	historyFastOPD   = 2 // BPBD: emergency supplies delivered within the hour
)

// historyPhonePrefix numbers the history's accounts (+62 881 is a prefix
// no generated registry entry uses): officials, then supplier owners.
const historyPhonePrefix = "+62881000"

// historyLock serialises the history between concurrent starts.
const historyLock = 727006

// seedHistory adds the demo's year of purchasing, once: it does nothing when
// the history's accounts exist, or when the catalog suppliers are missing.
// The officials and the owners of the catalog suppliers get accounts with
// a random password that nobody knows.
func seedHistory(ctx context.Context, db *pgxpool.Pool, dataDir string) error {
	conn, err := db.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("demo: history: %w", postgres.Classify(err))
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", historyLock); err != nil {
		return fmt.Errorf("demo: history: lock: %w", postgres.Classify(err))
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", historyLock)
	var seeded bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE phone LIKE $1)`, historyPhonePrefix+"%").Scan(&seeded); err != nil {
		return fmt.Errorf("demo: history: %w", postgres.Classify(err))
	}
	if seeded {
		return nil
	}
	h, ok, err := newHistory(ctx, db, filepath.Join(dataDir, "files"))
	if err != nil || !ok {
		return err
	}
	if err := h.run(); err != nil {
		return fmt.Errorf("demo: history: %w", err)
	}
	return nil
}

// history is one run of seedHistory.
type history struct {
	ctx        context.Context
	db         *pgxpool.Pool
	svc        *ordering.Service
	cal        *workday.Calendar
	users      *auth.Service
	rnd        *mrand.Rand
	now        time.Time // the present
	first      time.Time // the earliest moment an order may be placed: rules in force, at most a year back
	last       time.Time // the latest placement, so that every order is paid and completed by now
	clock      time.Time
	admin      context.Context
	opds       []*histOPD
	suppliers  []*histSupplier
	passwords  map[int64]string // user id → the random password, to sign with
	phones     int              // accounts made so far, for their numbers
	events     []histEvent
	categories map[string]int64 // by code, e.g. KAT04
}

// histOPD is an OPD of the history, signed in as its officials.
type histOPD struct {
	historyOPD
	id, ppkID          int64
	name               string
	ppk, pp, treasurer context.Context
	packages           map[int][2]int64 // fiscal year → goods package, services package
	usual              []*histSupplier  // suppliers it buys from, in turn
}

// histSupplier is a catalog supplier with its owner's session and the
// listings the history orders.
type histSupplier struct {
	id       int64
	name     string
	owner    context.Context
	listings []histListing
}

// histListing is a listing the history orders from.
type histListing struct {
	id, price, minOrder int64
	stock               *int64
	kind                string
}

// histOrder is one order of the history and its plan.
type histOrder struct {
	opd       *histOPD
	sup       *histSupplier
	items     []item
	services  bool // charged to the services package
	negotiate bool
	partial   int64 // 0: everything delivered at once; else percent in the first shipment
	short     bool
	just      map[rules.Code]string
	notes     string
	id        int64
}

// histEvent is one act of the history at a moment.
type histEvent struct {
	at  time.Time
	seq int
	o   *histOrder
	do  func(o *histOrder) error
}

// newHistory loads what the history needs; ok is false when the demo
// catalog or the demo admin is missing, or no day of the past year has
// the rules in force.
func newHistory(ctx context.Context, db *pgxpool.Pool, filesDir string) (*history, bool, error) {
	cal, err := workday.NewCalendar(ctx, db)
	if err != nil {
		return nil, false, fmt.Errorf("demo: history: %w", err)
	}
	h := &history{ctx: ctx, db: db, cal: cal, now: seedClock(), passwords: map[int64]string{}, categories: map[string]int64{},
		rnd: mrand.New(mrand.NewPCG(2026, 6)), users: auth.NewService(db, "", slog.New(slog.NewTextHandler(io.Discard, nil)))}
	h.svc = ordering.NewService(db, cal, blob.NewLocal(filesDir))
	h.svc.SetClock(func() time.Time { return h.clock })
	var inForce time.Time
	err = db.QueryRow(ctx, `SELECT max(f) FROM (SELECT min(effective_from) AS f FROM rule_versions GROUP BY rule_code) x`).Scan(&inForce)
	if err != nil {
		return nil, false, fmt.Errorf("demo: history: rules: %w", postgres.Classify(err))
	}
	inForce = time.Date(inForce.Year(), inForce.Month(), inForce.Day(), 0, 0, 0, 0, wib.Location)
	h.first = h.now.AddDate(-1, 0, 0)
	if h.first.Before(inForce) {
		h.first = inForce
	}
	h.last = h.now.AddDate(0, 0, -30)
	if h.last.Sub(h.first) < 60*24*time.Hour {
		return nil, false, nil // too little past with the rules in force
	}
	var adminID int64
	err = db.QueryRow(ctx, `SELECT id FROM users WHERE email = 'admin@lapak.test'`).Scan(&adminID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("demo: history: admin: %w", postgres.Classify(err))
	}
	if h.admin, err = h.signedIn(adminID); err != nil {
		return nil, false, err
	}
	rows, err := db.Query(ctx, `SELECT code, id FROM categories`)
	if err != nil {
		return nil, false, fmt.Errorf("demo: history: categories: %w", postgres.Classify(err))
	}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			rows.Close()
			return nil, false, err
		}
		h.categories[code] = id
	}
	rows.Close()
	if ok, err := h.loadSuppliers(); err != nil || !ok {
		return nil, false, err
	}
	return h, true, nil
}

// signedIn returns a context acting as user id.
func (h *history) signedIn(id int64) (context.Context, error) {
	u, err := h.users.User(auth.SystemContext(h.ctx), id)
	if err != nil {
		return nil, fmt.Errorf("demo: history: account %d: %w", id, err)
	}
	return auth.WithUser(h.ctx, u, ""), nil
}

// loadSuppliers picks the catalog's verified suppliers (not Kopi Sangir
// Jaya, whose own orders are SeedOrders') with listings that have room for
// a year of orders; ok is false with fewer than six.
func (h *history) loadSuppliers() (bool, error) {
	rows, err := h.db.Query(h.ctx, `SELECT s.id, s.name, l.id, l.price, l.min_order, l.stock, l.kind
		FROM suppliers s
		JOIN LATERAL (SELECT * FROM listings l WHERE l.supplier_id = s.id AND l.status = 'published' AND l.supplier_active
			AND l.price BETWEEN 5000 AND 1500000 AND l.min_order <= 5 AND (l.stock IS NULL OR l.stock >= 150)
			AND (l.ssh_ceiling IS NULL OR l.price <= l.ssh_ceiling)
			ORDER BY l.id LIMIT 4) l ON true
		WHERE s.status = 'verified' AND s.origin = 'demo' AND s.name <> 'Kopi Sangir Jaya' AND s.scale IN ('mikro', 'kecil', 'menengah')
		  AND NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.supplier_id = s.id AND r.role = 'supplier')
		ORDER BY s.id, l.id`)
	if err != nil {
		return false, fmt.Errorf("demo: history: suppliers: %w", postgres.Classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		var l histListing
		var stock *int32
		if err := rows.Scan(&id, &name, &l.id, &l.price, &l.minOrder, &stock, &l.kind); err != nil {
			return false, fmt.Errorf("demo: history: suppliers: %w", err)
		}
		if stock != nil {
			n := int64(*stock)
			l.stock = &n
		}
		if n := len(h.suppliers); n == 0 || h.suppliers[n-1].id != id {
			h.suppliers = append(h.suppliers, &histSupplier{id: id, name: name})
		}
		s := h.suppliers[len(h.suppliers)-1]
		s.listings = append(s.listings, l)
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("demo: history: suppliers: %w", postgres.Classify(err))
	}
	h.suppliers = slices.DeleteFunc(h.suppliers, func(s *histSupplier) bool { return len(s.listings) < 2 })
	return len(h.suppliers) >= 6, nil
}

// run makes the accounts, packages and budgets, plans the orders, then
// plays every act of every order in the order of their moments, so that
// document numbers follow the calendar.
func (h *history) run() error {
	if err := h.backdateCatalog(); err != nil {
		return err
	}
	if err := h.createAccounts(); err != nil {
		return err
	}
	if err := h.createPackages(); err != nil {
		return err
	}
	if err := h.setBudgets(); err != nil {
		return err
	}
	if err := h.plan(); err != nil {
		return err
	}
	slices.SortStableFunc(h.events, func(a, b histEvent) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	for _, e := range h.events {
		h.clock = e.at
		if err := e.do(e.o); err != nil {
			return fmt.Errorf("order of %s from %s at %s: %w", e.o.opd.name, e.o.sup.name, wib.DateTime(e.at), err)
		}
	}
	return nil
}

// backdateCatalog moves the demo catalog's creation (suppliers verified,
// listings created and priced at seed time) to before the history, so that
// a year-old order is not of a listing made today; then recomputes the red
// flags of the orders SeedOrders placed on them (order_flags_rebuild: a
// few dozen orders).
func (h *history) backdateCatalog() error {
	before := h.first.AddDate(0, -2, 0)
	return postgres.Tx(h.ctx, h.db, func(tx pgx.Tx) error {
		for _, q := range []string{
			`UPDATE listings SET created_at = $1 - (id % 40) * interval '1 day', published_at = least(published_at, $1 - (id % 40) * interval '1 day')
			WHERE created_at > $1`,
			`UPDATE listing_prices p SET changed_at = l.created_at FROM listings l
			WHERE l.id = p.listing_id AND p.source = 'create' AND p.changed_at > l.created_at`,
			`UPDATE suppliers SET verified_at = $1 - (id % 60) * interval '1 day' WHERE status = 'verified' AND verified_at > $1
			  AND EXISTS (SELECT 1 FROM listings l WHERE l.supplier_id = suppliers.id)`,
			`SELECT order_flags_rebuild()`,
		} {
			args := []any{before}
			if !strings.Contains(q, "$1") {
				args = nil
			}
			if _, err := tx.Exec(h.ctx, q, args...); err != nil {
				return fmt.Errorf("backdate the catalog: %w", postgres.Classify(err))
			}
		}
		return nil
	})
}

// ---- accounts, packages, budgets ----

// randomPassword returns 32 random bytes, hex encoded. The history's
// accounts sign in with nothing else: nobody knows the password, and a
// random 256-bit secret needs no key stretching, so it is hashed with
// auth.HashPasswordCheap; the seed keeps it only to sign documents.
func randomPassword() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newAccount inserts an account (a phone number, no e-mail: nobody reads
// its mail) with one grant and a random password, and returns its id.
func (h *history) newAccount(tx pgx.Tx, name string, role auth.Role, opdID, supplierID int64) (int64, error) {
	pw := randomPassword()
	hash, err := auth.HashPasswordCheap(pw)
	if err != nil {
		return 0, err
	}
	h.phones++
	var id int64
	err = tx.QueryRow(h.ctx, `INSERT INTO users (name, phone, password_hash) VALUES ($1, $2, $3) RETURNING id`,
		name, fmt.Sprintf("%s%05d", historyPhonePrefix, h.phones), hash).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("account %s: %w", name, postgres.Classify(err))
	}
	var opd, sup *int64
	if opdID != 0 {
		opd = &opdID
	}
	if supplierID != 0 {
		sup = &supplierID
	}
	if _, err := tx.Exec(h.ctx, `INSERT INTO user_roles (user_id, role, opd_id, supplier_id) VALUES ($1, $2, $3, $4)`, id, role, opd, sup); err != nil {
		return 0, fmt.Errorf("role of %s: %w", name, postgres.Classify(err))
	}
	h.passwords[id] = pw
	return id, nil
}

// createAccounts gives each history OPD its officials and each supplier an
// owner, in one transaction, then signs them in.
func (h *history) createAccounts() error {
	type pending struct {
		dst *context.Context
		id  int64
	}
	var signIns []pending
	err := postgres.Tx(h.ctx, h.db, func(tx pgx.Tx) error {
		for _, def := range historyOPDs {
			o := &histOPD{historyOPD: def, packages: map[int][2]int64{}}
			err := tx.QueryRow(h.ctx, `SELECT id, name FROM opds WHERE code = $1`, def.code).Scan(&o.id, &o.name)
			if errors.Is(err, pgx.ErrNoRows) {
				continue
			}
			if err != nil {
				return fmt.Errorf("opd %s: %w", def.code, postgres.Classify(err))
			}
			for _, a := range []struct {
				name string
				role auth.Role
				dst  *context.Context
			}{{def.ppkName, auth.RolePPK, &o.ppk}, {def.ppName, auth.RolePP, &o.pp}, {def.treasurerName, auth.RoleTreasurer, &o.treasurer}} {
				id, err := h.newAccount(tx, a.name, a.role, o.id, 0)
				if err != nil {
					return err
				}
				if a.role == auth.RolePPK {
					o.ppkID = id
				}
				signIns = append(signIns, pending{a.dst, id})
			}
			h.opds = append(h.opds, o)
		}
		for _, s := range h.suppliers {
			var owner string
			if err := tx.QueryRow(h.ctx, `SELECT coalesce(nullif(owner_name, ''), 'Pemilik ' || name) FROM suppliers WHERE id = $1`, s.id).Scan(&owner); err != nil {
				return postgres.Classify(err)
			}
			id, err := h.newAccount(tx, owner, auth.RoleSupplier, 0, s.id)
			if err != nil {
				return err
			}
			signIns = append(signIns, pending{&s.owner, id})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	for _, p := range signIns {
		if *p.dst, err = h.signedIn(p.id); err != nil {
			return err
		}
	}
	if len(h.opds) < len(historyOPDs) {
		return fmt.Errorf("accounts: %d of %d OPDs found", len(h.opds), len(historyOPDs))
	}
	return nil
}

// createPackages gives each OPD, for every fiscal year of the history, a
// package for goods and one for services, as its PPK.
func (h *history) createPackages() error {
	svc := rup.NewService(h.db, ordering.Ledger{})
	for i, o := range h.opds {
		for y := h.first.Year(); y <= h.last.Year(); y++ {
			var ids [2]int64
			for k, p := range []struct{ what, account string }{
				{"Belanja Alat Tulis Kantor dan Bahan Habis Pakai", "5.1.02.01.01.0024"},
				{"Belanja Makanan dan Minuman Rapat dan Kegiatan", "5.1.02.01.01.0052"},
			} {
				pkg, err := svc.CreatePackage(o.ppk, rup.Input{OPDID: o.id, KodeRUP: fmt.Sprintf("4410%02d%02d%d", i+1, y%100, k+1),
					Name: p.what + " " + o.name, Pagu: strconv.Itoa(350_000_000 - 100_000_000*k), FundingSource: "APBD",
					AccountCode: p.account, FiscalYear: strconv.Itoa(y), PPKUserID: o.ppkID, Active: true})
				if err != nil {
					return fmt.Errorf("package of %s %d: %w", o.name, y, err)
				}
				ids[k] = pkg.ID
			}
			o.packages[y] = ids
		}
	}
	return nil
}

// setBudgets enters, as the demo admin, each history OPD's and Dinas
// Kesehatan's goods-and-services budget for every fiscal year the last
// twelve months touch; the dashboard compares spending with it.
func (h *history) setBudgets() error {
	svc := reporting.NewService(h.db)
	for y := h.now.AddDate(-1, 0, 0).Year(); y <= h.now.Year(); y++ {
		values := map[int64]string{}
		for i, o := range h.opds {
			values[o.id] = strconv.FormatInt(int64(2_400_000_000+i*730_000_000), 10)
		}
		var dinkes int64
		if err := h.db.QueryRow(h.ctx, `SELECT id FROM opds WHERE letter_code = 'DINKES'`).Scan(&dinkes); err == nil {
			values[dinkes] = "9750000000"
		}
		if _, err := svc.SetOPDBudgets(h.admin, y, values); err != nil {
			return fmt.Errorf("budgets %d: %w", y, err)
		}
	}
	return nil
}

// ---- the plan ----

// orderTime returns a working day's moment between 09.00 and 14.00 WIB,
// around t.
func (h *history) orderTime(t time.Time) time.Time {
	d := time.Date(t.In(wib.Location).Year(), t.In(wib.Location).Month(), t.In(wib.Location).Day(), 9, 0, 0, 0, wib.Location)
	for !h.cal.IsWorkday(h.ctx, d) {
		d = d.AddDate(0, 0, 1)
	}
	return d.Add(time.Duration(h.rnd.IntN(5*60)) * time.Minute)
}

// spread returns n moments spread over the history's placement window,
// each in its own stretch of it, in order.
func (h *history) spread(n int) []time.Time {
	span := h.last.Sub(h.first)
	out := make([]time.Time, n)
	for i := range out {
		lo := h.first.Add(span * time.Duration(i) / time.Duration(n))
		out[i] = h.orderTime(lo.Add(time.Duration(h.rnd.Int64N(int64(span) / int64(n)))))
	}
	return out
}

// worth returns qty of listing l worth about value, within its minimum
// order and a twentieth of its stock (a year of orders must fit in it).
func worth(l histListing, value int64) item {
	qty := max(value/l.price, l.minOrder, 1)
	if l.stock != nil {
		qty = min(qty, max(*l.stock/20, l.minOrder))
	}
	return item{seedListing{id: l.id, minOrder: l.minOrder}, qty}
}

// plan lays out the orders: each OPD buys eight times from its usual
// suppliers in turn, with a few negotiations and partial deliveries, plus
// the planted patterns the red flags must find.
func (h *history) plan() error {
	n := len(h.suppliers)
	for i, o := range h.opds {
		o.usual = []*histSupplier{h.suppliers[(3*i)%n], h.suppliers[(3*i+1)%n], h.suppliers[(3*i+2)%n]}
	}
	notes := []string{"Kebutuhan rutin triwulan", "Persiapan rapat koordinasi", "Stok kantor habis", "Kegiatan sosialisasi program",
		"Kebutuhan pelayanan masyarakat", "Persiapan monitoring dan evaluasi"}
	for i, o := range h.opds {
		count := 8
		if i == historyRepeatOPD {
			count = 9
		}
		for k, at := range h.spread(count) {
			sup := o.usual[k%len(o.usual)]
			if i == historyRepeatOPD {
				sup = o.usual[0]
				if k%3 == 2 {
					sup = o.usual[1]
				}
			}
			ho := &histOrder{opd: o, sup: sup, notes: notes[(i+k)%len(notes)]}
			for j, l := range sup.listings[:1+(i+k)%min(3, len(sup.listings))] {
				ho.items = append(ho.items, worth(l, int64(400_000+h.rnd.IntN(2_500_000))/int64(j+1)))
				ho.services = ho.services || l.kind == "services"
			}
			ho.negotiate = k == 1 && i%3 == 0
			switch {
			case i == 4 && k == 2:
				ho.partial = 60
			case i == 7 && k == 3:
				ho.partial, ho.short = 70, true
			}
			h.schedule(ho, at, k%2 == 0)
		}
	}
	return h.plantPatterns()
}

// plantPatterns adds the orders the red flags are about, with listings of
// their own: split-flagged catering, an order placed within the hour of its
// listing, a price above the SSH ceiling, and a delivery done within an hour.
func (h *history) plantPatterns() error {
	caterer := h.outsider("Katering", h.opds[historySplitOPD], h.opds[historySplit2OPD])
	start := h.first.AddDate(0, 0, -20)
	catering, err := h.insertListing(caterer, "services", "Nasi kotak rapat lauk rendang dan sayur", "KAT12", "orang/kali", 32_500, nil, start)
	if err != nil {
		return err
	}
	why := map[rules.Code]string{rules.Split: "Tiga kegiatan berbeda (bimtek guru, lomba siswa, rapat komite) yang jadwalnya ditetapkan terpisah oleh dinas."}
	for k, split := range []struct {
		opd  *histOPD
		back int // days before the last placement
		qty  int64
	}{{h.opds[historySplitOPD], 70, 300}, {h.opds[historySplitOPD], 58, 298}, {h.opds[historySplitOPD], 47, 296},
		{h.opds[historySplit2OPD], 120, 299}, {h.opds[historySplit2OPD], 105, 297}} {
		o := &histOrder{opd: split.opd, sup: caterer, services: true, notes: "Konsumsi kegiatan",
			items: []item{{seedListing{id: catering.id, minOrder: 1}, split.qty}}}
		if k != 0 && k != 3 {
			o.just = why
		}
		h.schedule(o, h.orderTime(h.last.AddDate(0, 0, -split.back)), false)
	}

	tourism := h.opds[7]
	maker := h.outsider("Koperasi", tourism)
	at := h.orderTime(h.last.AddDate(0, 0, -150))
	fresh, err := h.insertListing(maker, "goods", "Gantungan kunci rumah gadang ukir kayu", "KAT18", "buah", 15_000, ptr(int64(400)), at.Add(-25*time.Minute))
	if err != nil {
		return err
	}
	h.schedule(&histOrder{opd: tourism, sup: maker, notes: "Suvenir tamu festival budaya", items: []item{{seedListing{id: fresh.id, minOrder: 1}, 120}}}, at, true)

	var ssh struct {
		id, ceiling, category int64
		title, unit           string
	}
	err = h.db.QueryRow(h.ctx, `SELECT i.id, i.ceiling_price, coalesce((SELECT l.category_id FROM listings l WHERE l.ssh_item_id = i.id LIMIT 1), 0),
			i.description, i.unit
		FROM ssh_items i WHERE i.ceiling_price BETWEEN 20000 AND 400000 ORDER BY i.id LIMIT 1`).
		Scan(&ssh.id, &ssh.ceiling, &ssh.category, &ssh.title, &ssh.unit)
	if err != nil {
		return fmt.Errorf("ssh item: %w", postgres.Classify(err))
	}
	farm := h.opds[4]
	dear := h.outsider("Toko", farm)
	price := (ssh.ceiling*135/100 + 499) / 500 * 500
	above, err := h.insertSSHListing(dear, ssh.title, ssh.category, ssh.unit, price, ssh.id, ssh.ceiling, start)
	if err != nil {
		return err
	}
	h.schedule(&histOrder{opd: farm, sup: dear, notes: "Kebutuhan penyuluhan lapangan", items: []item{{seedListing{id: above.id, minOrder: 1}, 12}},
		just: map[rules.Code]string{rules.SSHCeiling: "Hanya penyedia ini yang dapat mengantar ke balai penyuluhan di nagari terpencil tepat waktu."}},
		h.orderTime(h.last.AddDate(0, 0, -90)), false)

	fast := h.opds[historyFastOPD]
	rush := &histOrder{opd: fast, sup: fast.usual[0], notes: "Tanggap darurat banjir bandang",
		items: []item{worth(fast.usual[0].listings[0], 1_500_000)}}
	h.scheduleFast(rush, h.orderTime(h.last.AddDate(0, 0, -40)))
	return nil
}

func ptr[T any](v T) *T { return &v }

// outsider returns a supplier that none of opds usually buys from, one
// whose name starts with kind ("Katering", "Toko") when there is one.
func (h *history) outsider(kind string, opds ...*histOPD) *histSupplier {
	var any *histSupplier
	for i := len(h.suppliers) - 1; i >= 0; i-- {
		s := h.suppliers[i]
		usual := false
		for _, o := range opds {
			usual = usual || slices.Contains(o.usual, s)
		}
		switch {
		case usual:
		case strings.HasPrefix(s.name, kind):
			return s
		case any == nil:
			any = s
		}
	}
	if any == nil {
		return h.suppliers[len(h.suppliers)-1]
	}
	return any
}

// insertListing adds a published listing of sup created at created, with
// its first price, as the demo catalog writes them.
func (h *history) insertListing(sup *histSupplier, kind, title, category, unit string, price int64, stock *int64, created time.Time) (histListing, error) {
	return h.addListing(sup, kind, title, h.categories[category], unit, price, stock, nil, nil, created)
}

// insertSSHListing adds a goods listing of sup linked to an SSH item whose
// ceiling its price exceeds.
func (h *history) insertSSHListing(sup *histSupplier, title string, category int64, unit string, price, sshID, ceiling int64, created time.Time) (histListing, error) {
	if category == 0 {
		category = h.categories["KAT01"]
	}
	return h.addListing(sup, "goods", title, category, unit, price, ptr(int64(300)), &sshID, &ceiling, created)
}

func (h *history) addListing(sup *histSupplier, kind, title string, category int64, unit string, price int64, stock, sshID, ceiling *int64, created time.Time) (histListing, error) {
	l := histListing{price: price, minOrder: 1, stock: stock, kind: kind}
	err := postgres.Tx(h.ctx, h.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(h.ctx, `INSERT INTO listings (supplier_id, kind, title, description, category_id, unit, price, min_order, stock,
				lead_time_days, origin, status, published_at, created_at, updated_at, ssh_item_id, ssh_ceiling, keywords)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, 1, 'local', 'published', $9, $9, $9, $10, $11, (SELECT name FROM categories WHERE id = $5))
			RETURNING id`, sup.id, kind, title, "Dibuat oleh usaha lokal Solok Selatan; dapat dipesan dalam jumlah besar.", category, unit, price,
			stock, created, sshID, ceiling).Scan(&l.id)
		if err != nil {
			return err
		}
		_, err = tx.Exec(h.ctx, `INSERT INTO listing_prices (listing_id, price, source, changed_at) VALUES ($1, $2, 'create', $3)`, l.id, price, created)
		return err
	})
	if err != nil {
		return histListing{}, fmt.Errorf("listing %s: %w", title, postgres.Classify(err))
	}
	return l, nil
}

// ---- acts ----

// add puts an act of o at a moment on the timeline.
func (h *history) add(at time.Time, o *histOrder, do func(o *histOrder) error) {
	h.events = append(h.events, histEvent{at: at, seq: len(h.events), o: o, do: do})
}

// schedule plans o's whole life from its placement at at: perhaps a
// negotiation, the SP, delivery (perhaps in two shipments or short), the
// BAST, the invoice, the payment after the OPD's usual days, the
// confirmation and perhaps a rating.
func (h *history) schedule(o *histOrder, at time.Time, rate bool) {
	h.add(at, o, h.place)
	sign := at.Add(2 * time.Hour)
	if o.negotiate {
		h.add(at.Add(40*time.Minute), o, func(o *histOrder) error {
			return h.offer(o, o.opd.pp, 90, "Mohon harga khusus untuk pembelian rutin dinas.")
		})
		h.add(at.Add(3*time.Hour), o, func(o *histOrder) error { return h.offer(o, o.sup.owner, 95, "Kami beri potongan 5% untuk dinas.") })
		h.add(at.Add(4*time.Hour), o, func(o *histOrder) error { return h.svc.AcceptOffer(o.opd.pp, o.id, newFormKey()) })
		sign = at.Add(5 * time.Hour)
	}
	h.add(sign, o, h.sign)
	accept := sign.Add(18 * time.Hour)
	h.add(accept, o, func(o *histOrder) error { return h.svc.AcceptSP(o.sup.owner, o.id, newFormKey()) })
	ship := accept.Add(24 * time.Hour)
	inspect := ship.Add(24 * time.Hour)
	switch {
	case o.partial > 0 && !o.short:
		h.add(ship, o, func(o *histOrder) error { return h.ship(o, o.partial, "Sebagian dulu; sisanya menyusul.") })
		h.add(ship.Add(48*time.Hour), o, func(o *histOrder) error { return h.ship(o, 100, "Sisa pesanan.") })
		inspect = ship.Add(72 * time.Hour)
	case o.partial > 0:
		h.add(ship, o, func(o *histOrder) error { return h.ship(o, o.partial, "Stok terbatas; hanya ini yang dapat dikirim.") })
	default:
		h.add(ship, o, func(o *histOrder) error { return h.ship(o, 100, "Dikirim lengkap ke kantor.") })
	}
	h.add(inspect, o, h.inspect)
	bast := inspect.Add(2 * time.Hour)
	h.add(bast, o, func(o *histOrder) error { return h.svc.SignBAST(o.opd.ppk, o.id, h.password(o.opd.ppk), newFormKey()) })
	h.add(bast.Add(3*time.Hour), o, func(o *histOrder) error { return h.svc.SendInvoice(o.sup.owner, o.id, newFormKey()) })
	days := max(1, o.opd.payDays+h.rnd.IntN(7)-3)
	paid := time.Date(bast.In(wib.Location).Year(), bast.In(wib.Location).Month(), bast.In(wib.Location).Day()+days, 10, 0, 0, 0, wib.Location)
	h.add(paid, o, h.pay)
	h.add(paid.Add(4*time.Hour), o, func(o *histOrder) error { return h.svc.ConfirmPayment(o.sup.owner, o.id, newFormKey()) })
	if rate {
		h.add(paid.Add(24*time.Hour), o, h.rate)
	}
}

// scheduleFast plans an order delivered, accepted and paid within hours.
func (h *history) scheduleFast(o *histOrder, at time.Time) {
	h.add(at, o, h.place)
	h.add(at.Add(10*time.Minute), o, h.sign)
	h.add(at.Add(15*time.Minute), o, func(o *histOrder) error { return h.svc.AcceptSP(o.sup.owner, o.id, newFormKey()) })
	h.add(at.Add(20*time.Minute), o, func(o *histOrder) error { return h.ship(o, 100, "Diantar langsung ke posko.") })
	h.add(at.Add(30*time.Minute), o, h.inspect)
	h.add(at.Add(40*time.Minute), o, func(o *histOrder) error { return h.svc.SignBAST(o.opd.ppk, o.id, h.password(o.opd.ppk), newFormKey()) })
	h.add(at.Add(time.Hour), o, func(o *histOrder) error { return h.svc.SendInvoice(o.sup.owner, o.id, newFormKey()) })
	h.add(at.Add(3*time.Hour), o, h.pay)
	h.add(at.Add(4*time.Hour), o, func(o *histOrder) error { return h.svc.ConfirmPayment(o.sup.owner, o.id, newFormKey()) })
}

// password is the random password of the account signed in as ctx.
func (h *history) password(ctx context.Context) string { return h.passwords[auth.UserFrom(ctx).ID] }

// day is the clock's date, as forms enter dates.
func (h *history) day() time.Time {
	t := h.clock.In(wib.Location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, wib.Location)
}

// place fills the PP's cart and checks out on the OPD's package of the year.
func (h *history) place(o *histOrder) error {
	for _, it := range o.items {
		if err := h.svc.AddToCart(o.opd.pp, it.l.id, max(it.qty, it.l.minOrder)); err != nil {
			return fmt.Errorf("add to cart: %w", err)
		}
	}
	pkgs := o.opd.packages[h.clock.In(wib.Location).Year()]
	pkg := pkgs[0]
	if o.services {
		pkg = pkgs[1]
	}
	id, err := h.svc.PlaceOrder(o.opd.pp, ordering.CheckoutInput{SupplierID: o.sup.id, PackageID: pkg, PPKUserID: o.opd.ppkID,
		Address: o.opd.name + ", Padang Aro, Solok Selatan", RequestedDate: h.day().AddDate(0, 0, 7), Notes: o.notes,
		Negotiate: o.negotiate, Key: newFormKey(), Justifications: o.just})
	if err != nil {
		return fmt.Errorf("place order: %w", err)
	}
	o.id = id
	return nil
}

// lines returns o's lines as its page shows them.
func (h *history) lines(o *histOrder) ([]ordering.Line, error) {
	d, err := h.svc.Get(o.opd.ppk, o.id)
	if err != nil {
		return nil, err
	}
	return d.Lines, nil
}

// offer has the party in ctx offer pct percent of the current prices.
func (h *history) offer(o *histOrder, ctx context.Context, pct int64, note string) error {
	lines, err := h.lines(o)
	if err != nil {
		return err
	}
	prices := map[int64]int64{}
	for _, l := range lines {
		prices[l.ID] = max(l.UnitDPP*pct/100/100*100, 100)
	}
	return h.svc.MakeOffer(ctx, o.id, prices, note, newFormKey())
}

func (h *history) sign(o *histOrder) error {
	return h.svc.SignSP(o.opd.ppk, o.id, h.password(o.opd.ppk), o.just, newFormKey())
}

// ship ships share percent of what is left of every line (at least one of the first).
func (h *history) ship(o *histOrder, share int64, note string) error {
	lines, err := h.lines(o)
	if err != nil {
		return err
	}
	in := ordering.ShipmentInput{Qty: map[int64]int64{}, ShippedOn: h.day(), Note: note}
	for i, l := range lines {
		q := (l.Qty - l.ShippedQty) * share / 100
		if i == 0 {
			q = max(q, 1)
		}
		if q > 0 {
			in.Qty[l.ID] = q
		}
	}
	return h.svc.Ship(o.sup.owner, o.id, in, newFormKey())
}

// inspect records that what was shipped arrived and closes the delivery; a
// short delivery is marked as not the quantity ordered.
func (h *history) inspect(o *histOrder) error {
	lines, err := h.lines(o)
	if err != nil {
		return err
	}
	in := ordering.InspectionInput{Received: map[int64]int64{}, InspectedOn: h.day(), FungsiOK: true, JumlahOK: !o.short, WaktuOK: true,
		Notes: "Barang diterima sesuai pesanan, kondisi baik.", Complete: true}
	if o.short {
		in.Notes = "Barang yang datang baik, tetapi jumlahnya kurang dari pesanan; BAST untuk yang diterima saja."
	}
	for _, l := range lines {
		in.Received[l.ID] = l.ShippedQty - l.ReceivedQty
	}
	return h.svc.Inspect(o.opd.pp, o.id, in, newFormKey())
}

// pay records the treasurer's payment: small orders from the UP cash,
// others by SP2D, some by the regional credit card.
func (h *history) pay(o *histOrder) error {
	method, ref := "sp2d", fmt.Sprintf("SP2D-%05d/LS/%d", 200+o.id, h.clock.In(wib.Location).Year())
	switch {
	case o.id%5 == 0:
		method, ref = "kkpd", fmt.Sprintf("KKPD-%08d", 58120000+o.id)
	case len(o.items) == 1 && o.items[0].qty < 50:
		method, ref = "up", fmt.Sprintf("BKU-%04d", 300+o.id)
	}
	return h.svc.RecordPayment(o.opd.treasurer, o.id, ordering.PaymentInput{PaidOn: h.day(), Method: method, Reference: ref}, newFormKey())
}

var ratingComments = []string{"Barang sesuai pesanan dan datang tepat waktu.", "Pelayanan ramah, pengiriman cepat.",
	"Kualitas baik; kemasan bisa lebih rapi.", "Penyedia responsif saat dihubungi."}

func (h *history) rate(o *histOrder) error {
	return h.svc.Rate(o.opd.ppk, o.id, ordering.RatingInput{OnTime: 4 + int(o.id%2), AsDescribed: 5, Communication: 4 + int((o.id/2)%2),
		Comment: ratingComments[o.id%int64(len(ratingComments))]})
}

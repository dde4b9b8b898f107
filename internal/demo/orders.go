package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
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

// ordersLock serialises SeedOrders between concurrent starts (Seed holds
// 727003, SeedOnboarding 727004).
const ordersLock = 727005

// seedClock is the present of the demo's timeline; tests pin it.
var seedClock = time.Now

// demoPackage is one of Dinas Kesehatan's RUP packages in the demo.
type demoPackage struct {
	key, kode, name, funding, account string
	pagu                              int64
}

// demoPackages are the demo's RUP packages of Dinas Kesehatan, signed by
// the demo PPK: names and account codes as they read in SiRUP.
var demoPackages = []demoPackage{
	{"atk", "43170211", "Belanja Alat Tulis Kantor Dinas Kesehatan", "APBD", "5.1.02.01.01.0024", 150_000_000},
	{"rapat", "43170268", "Belanja Makanan dan Minuman Rapat Dinas Kesehatan", "APBD", "5.1.02.01.01.0052", 85_000_000},
	{"tamu", "43170275", "Belanja Makanan dan Minuman Jamuan Tamu", "APBD", "5.1.02.01.01.0053", 25_000_000},
	{"puskesmas", "43170302", "Belanja Bahan Habis Pakai Puskesmas (DAK Non Fisik BOK)", "DAK", "5.1.02.01.01.0029", 120_000_000},
	{"cetak", "43170319", "Belanja Cetak dan Penggandaan Dinas Kesehatan", "APBD", "5.1.02.01.01.0026", 40_000_000},
}

// SeedOrders gives the demo's Dinas Kesehatan its RUP packages and about
// twenty orders in every state, from the demo supplier Kopi Sangir Jaya and
// one catalog supplier, made through the ordering service as the demo PP,
// PPK, treasurer and supplier over the past weeks, so that events, signed
// documents and numbers are real and every demo account has work waiting.
// It does nothing when any order exists or when the demo accounts or Kopi
// Sangir Jaya's listings are missing (not the demo's database).
func SeedOrders(ctx context.Context, db *pgxpool.Pool, dataDir string) error {
	conn, err := db.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("demo: orders: %w", postgres.Classify(err))
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", ordersLock); err != nil {
		return fmt.Errorf("demo: orders: lock: %w", postgres.Classify(err))
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", ordersLock)

	var seeded bool
	if err := db.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM orders)").Scan(&seeded); err != nil {
		return fmt.Errorf("demo: orders: %w", postgres.Classify(err))
	}
	if seeded {
		return nil
	}
	// The seed stores no inspection photos; the store is where the server keeps them.
	s, ok, err := newOrderSeed(ctx, db, filepath.Join(dataDir, "files"))
	if err != nil || !ok {
		return err
	}
	if err := s.run(); err != nil {
		return fmt.Errorf("demo: orders: %w", err)
	}
	if err := seedHistory(ctx, db, dataDir); err != nil {
		return err
	}
	// The demo's red flags and spending are complete at rest.
	if _, err := reporting.Drain(ctx, db); err != nil {
		return fmt.Errorf("demo: orders: %w", err)
	}
	return nil
}

// orderSeed is one run of SeedOrders.
type orderSeed struct {
	ctx   context.Context
	db    *pgxpool.Pool
	svc   *ordering.Service
	cal   *workday.Calendar
	now   time.Time     // the present
	span  time.Duration // how far back a "day ago" of the timeline goes: a day, less early in January
	clock time.Time     // the service's clock, moved along the timeline

	pp, ppk, treasurer, kopi context.Context // signed in as the demo accounts
	ppkUser                  *auth.User
	kopiID, otherID          int64
	kopiListings, other      []seedListing
	packages                 map[string]int64
}

// seedListing is a listing orders are made of.
type seedListing struct {
	id, minOrder int64
}

// newOrderSeed finds the demo accounts and listings; ok is false when they
// are not all there.
func newOrderSeed(ctx context.Context, db *pgxpool.Pool, filesDir string) (*orderSeed, bool, error) {
	cal, err := workday.NewCalendar(ctx, db)
	if err != nil {
		return nil, false, fmt.Errorf("demo: orders: %w", err)
	}
	s := &orderSeed{ctx: ctx, db: db, cal: cal, now: seedClock(), packages: map[string]int64{}}
	s.svc = ordering.NewService(db, cal, blob.NewLocal(filesDir))
	s.svc.SetClock(func() time.Time { return s.clock })
	// The timeline reaches 35 days back, but never into last fiscal year.
	year := time.Date(s.now.In(wib.Location).Year(), time.January, 1, 0, 0, 0, 0, wib.Location)
	s.span = min(24*time.Hour, s.now.Sub(year)/36)

	users := auth.NewService(db, "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	sys := auth.SystemContext(ctx)
	for _, a := range []struct {
		login string
		dst   *context.Context
	}{{"pp@lapak.test", &s.pp}, {"ppk@lapak.test", &s.ppk}, {"bendahara@lapak.test", &s.treasurer}, {demoSupplierPhone, &s.kopi}} {
		var id int64
		err := db.QueryRow(ctx, `SELECT id FROM users WHERE email = $1 OR phone = $1`, a.login).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("demo: orders: account %s: %w", a.login, postgres.Classify(err))
		}
		u, err := users.User(sys, id)
		if err != nil {
			return nil, false, fmt.Errorf("demo: orders: account %s: %w", a.login, err)
		}
		*a.dst = auth.WithUser(ctx, u, "")
		if a.login == "ppk@lapak.test" {
			s.ppkUser = u
		}
	}
	if g, ok := auth.UserFrom(s.kopi).Grant(auth.RoleSupplier); ok {
		s.kopiID = g.SupplierID
	}
	if s.kopiListings, err = s.listings(`SELECT id, min_order FROM listings
		WHERE supplier_id = $1 AND status = 'published' AND supplier_active ORDER BY id LIMIT 3`, s.kopiID); err != nil {
		return nil, false, err
	}
	err = db.QueryRow(ctx, `SELECT l.supplier_id FROM listings l JOIN suppliers s ON s.id = l.supplier_id
		WHERE l.status = 'published' AND l.supplier_active AND l.kind = 'goods' AND s.id <> $1 AND s.scale IN ('mikro', 'kecil')
		  AND l.stock >= 50 AND l.price BETWEEN 10000 AND 300000 AND (l.ssh_ceiling IS NULL OR l.price <= l.ssh_ceiling)
		GROUP BY l.supplier_id HAVING count(*) >= 2 ORDER BY l.supplier_id LIMIT 1`, s.kopiID).Scan(&s.otherID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("demo: orders: catalog supplier: %w", postgres.Classify(err))
	}
	if s.other, err = s.listings(`SELECT id, min_order FROM listings
		WHERE supplier_id = $1 AND status = 'published' AND supplier_active AND kind = 'goods'
		  AND stock >= 50 AND price BETWEEN 10000 AND 300000 AND (ssh_ceiling IS NULL OR price <= ssh_ceiling) ORDER BY id LIMIT 2`, s.otherID); err != nil {
		return nil, false, err
	}
	return s, len(s.kopiListings) == 3 && len(s.other) == 2, nil
}

func (s *orderSeed) listings(q string, supplierID int64) ([]seedListing, error) {
	rows, err := s.db.Query(s.ctx, q, supplierID)
	if err != nil {
		return nil, fmt.Errorf("demo: orders: listings of supplier %d: %w", supplierID, postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (seedListing, error) {
		var l seedListing
		return l, r.Scan(&l.id, &l.minOrder)
	})
	if err != nil {
		return nil, fmt.Errorf("demo: orders: listings of supplier %d: %w", supplierID, postgres.Classify(err))
	}
	return list, nil
}

// run creates the packages, then the orders, oldest story first: the
// expired order, whose timers run while it is alone in the flow.
func (s *orderSeed) run() error {
	if err := s.createPackages(); err != nil {
		return err
	}
	for _, st := range s.stories() {
		if err := st.run(); err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
	}
	return nil
}

// createPackages adds the demo packages missing, as the demo PPK.
func (s *orderSeed) createPackages() error {
	svc := rup.NewService(s.db, ordering.Ledger{})
	year := strconv.Itoa(s.now.In(wib.Location).Year())
	for _, p := range demoPackages {
		var id int64
		err := s.db.QueryRow(s.ctx, `SELECT id FROM rup_packages WHERE kode_rup = $1`, p.kode).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			var pkg rup.Package
			pkg, err = svc.CreatePackage(s.ppk, rup.Input{KodeRUP: p.kode, Name: p.name, Pagu: strconv.FormatInt(p.pagu, 10),
				FundingSource: p.funding, AccountCode: p.account, FiscalYear: year, PPKUserID: s.ppkUser.ID, Active: true})
			id = pkg.ID
		}
		if err != nil {
			return fmt.Errorf("package %s: %w", p.kode, err)
		}
		s.packages[p.key] = id
	}
	return nil
}

// ---- the timeline ----

// at moves the service's clock to days ago on the timeline (fractions are
// hours), and returns the new time.
func (s *orderSeed) at(days float64) time.Time {
	s.clock = s.now.Add(-time.Duration(days * float64(s.span)))
	return s.clock
}

// day is the clock's date, as forms enter dates.
func (s *orderSeed) day() time.Time {
	t := s.clock.In(wib.Location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, wib.Location)
}

func newFormKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// item is qty of a listing in a cart.
type item struct {
	l   seedListing
	qty int64
}

// place fills buyer's cart with items of supplier and checks out on the
// package key at days ago.
func (s *orderSeed) place(days float64, buyer context.Context, supplierID int64, pkg string, negotiate bool, notes string, items ...item) (int64, error) {
	s.at(days)
	for _, it := range items {
		if err := s.svc.AddToCart(buyer, it.l.id, max(it.qty, it.l.minOrder)); err != nil {
			return 0, fmt.Errorf("add to cart: %w", err)
		}
	}
	id, err := s.svc.PlaceOrder(buyer, ordering.CheckoutInput{SupplierID: supplierID, PackageID: s.packages[pkg], PPKUserID: s.ppkUser.ID,
		Address: "Dinas Kesehatan Kabupaten Solok Selatan, Jl. Lintas Sumatera, Padang Aro", RequestedDate: s.day().AddDate(0, 0, 7),
		Notes: notes, Negotiate: negotiate, Key: newFormKey(), Justifications: map[rules.Code]string{}})
	if err != nil {
		return 0, fmt.Errorf("place order: %w", err)
	}
	return id, nil
}

// lines returns the order's lines as its page shows them.
func (s *orderSeed) lines(id int64) ([]ordering.Line, error) {
	d, err := s.svc.Get(s.ppk, id)
	if err != nil {
		return nil, err
	}
	return d.Lines, nil
}

// offer has the party in ctx offer pct percent of the current prices.
func (s *orderSeed) offer(days float64, ctx context.Context, id int64, pct int64, note string) error {
	lines, err := s.lines(id)
	if err != nil {
		return err
	}
	s.at(days)
	prices := map[int64]int64{}
	for _, l := range lines {
		prices[l.ID] = l.UnitDPP * pct / 100 / 500 * 500 // round prices, as people offer them
	}
	return s.svc.MakeOffer(ctx, id, prices, note, newFormKey())
}

func (s *orderSeed) sign(days float64, id int64) error {
	s.at(days)
	return s.svc.SignSP(s.ppk, id, Password, nil, newFormKey())
}

func (s *orderSeed) accept(days float64, id int64) error {
	s.at(days)
	return s.svc.AcceptSP(s.kopi, id, newFormKey())
}

// ship ships share percent of every line (at least one of the first).
func (s *orderSeed) ship(days float64, id int64, share int64, note string) error {
	lines, err := s.lines(id)
	if err != nil {
		return err
	}
	s.at(days)
	in := ordering.ShipmentInput{Qty: map[int64]int64{}, ShippedOn: s.day(), Note: note}
	for i, l := range lines {
		q := (l.Qty - l.ShippedQty) * share / 100
		if i == 0 {
			q = max(q, 1)
		}
		if q > 0 {
			in.Qty[l.ID] = q
		}
	}
	return s.svc.Ship(s.kopi, id, in, newFormKey())
}

// inspect records that everything shipped arrived, and closes the delivery.
func (s *orderSeed) inspect(days float64, id int64, notes string) error {
	lines, err := s.lines(id)
	if err != nil {
		return err
	}
	s.at(days)
	in := ordering.InspectionInput{Received: map[int64]int64{}, InspectedOn: s.day(), FungsiOK: true, JumlahOK: true, WaktuOK: true,
		Notes: notes, Complete: true}
	for _, l := range lines {
		in.Received[l.ID] = l.ShippedQty - l.ReceivedQty
	}
	return s.svc.Inspect(s.pp, id, in, newFormKey())
}

func (s *orderSeed) bast(days float64, id int64) error {
	s.at(days)
	return s.svc.SignBAST(s.ppk, id, Password, newFormKey())
}

func (s *orderSeed) invoice(days float64, id int64) error {
	s.at(days)
	return s.svc.SendInvoice(s.kopi, id, newFormKey())
}

func (s *orderSeed) pay(days float64, id int64, method, ref string) error {
	s.at(days)
	return s.svc.RecordPayment(s.treasurer, id, ordering.PaymentInput{PaidOn: s.day(), Method: method, Reference: ref}, newFormKey())
}

func (s *orderSeed) confirm(days float64, id int64) error {
	s.at(days)
	return s.svc.ConfirmPayment(s.kopi, id, newFormKey())
}

// deliver takes an order from the signed SP to the signed BAST.
func (s *orderSeed) deliver(days float64, id int64) error {
	return chain(
		func() error { return s.accept(days, id) },
		func() error { return s.ship(days-1, id, 100, "Dikirim dengan mobil toko ke kantor dinas.") },
		func() error { return s.inspect(days-1.8, id, "Barang diterima lengkap, kemasan utuh, sesuai pesanan.") },
		func() error { return s.bast(days-2, id) },
	)
}

// chain runs steps until one fails.
func chain(steps ...func() error) error {
	for _, f := range steps {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// story makes one demo order; name says what it shows.
type story struct {
	name string
	run  func() error
}

// stories are the demo's orders, oldest first. Kopi Sangir Jaya's three
// listings each have 40 in stock: the quantities leave room for the
// demo's users to order more.
func (s *orderSeed) stories() []story {
	a, b, c := s.kopiListings[0], s.kopiListings[1], s.kopiListings[2] // robusta 500 g, arabika 1 kg, robusta 250 g
	x, y := s.other[0], s.other[1]
	var id int64
	var err error
	placed := func(days float64, buyer context.Context, sup int64, pkg string, negotiate bool, notes string, items ...item) func() error {
		return func() error {
			id, err = s.place(days, buyer, sup, pkg, negotiate, notes, items...)
			return err
		}
	}
	return []story{
		{"expired: the PPK did not sign within 3 hari kerja", func() error {
			if s.span < 12*time.Hour {
				return nil // too early in the fiscal year for its timeline
			}
			return chain(placed(30, s.pp, s.otherID, "atk", false, "Stok ATK triwulan", item{x, 20}, item{y, 10}),
				func() error { return s.runTimers(id) })
		}},
		{"completed and rated, after a negotiation", func() error {
			return chain(placed(28, s.pp, s.kopiID, "rapat", true, "Kopi untuk rapat koordinasi program imunisasi", item{a, 5}, item{b, 2}),
				func() error { return s.offer(27.9, s.pp, id, 90, "Mohon harga khusus untuk pembelian rutin dinas.") },
				func() error {
					return s.offer(27.5, s.kopi, id, 95, "Kami beri potongan 5%; harga biji kopi sedang naik.")
				},
				func() error { s.at(27.2); return s.svc.AcceptOffer(s.pp, id, newFormKey()) },
				func() error { return s.sign(27, id) },
				func() error { return s.deliver(26.8, id) },
				func() error { return s.invoice(24.5, id) },
				func() error { return s.pay(21, id, "up", "BKU-0917") },
				func() error { return s.confirm(20.8, id) },
				func() error {
					s.at(20)
					return s.svc.Rate(s.ppk, id, ordering.RatingInput{OnTime: 5, AsDescribed: 5, Communication: 4,
						Comment: "Kopi sesuai pesanan dan datang sehari lebih cepat."})
				})
		}},
		{"completed and rated", func() error {
			return chain(placed(22, s.pp, s.kopiID, "tamu", false, "Jamuan tamu kunjungan Dinas Kesehatan Provinsi", item{c, 6}),
				func() error { return s.sign(21.8, id) }, func() error { return s.deliver(21.5, id) },
				func() error { return s.invoice(19.2, id) }, func() error { return s.pay(17, id, "kkpd", "KKPD-58120044") },
				func() error { return s.confirm(16.9, id) },
				func() error {
					s.at(16)
					return s.svc.Rate(s.ppk, id, ordering.RatingInput{OnTime: 4, AsDescribed: 5, Communication: 5,
						Comment: "Pelayanan ramah, kemasan rapi."})
				})
		}},
		{"completed, waiting for the PPK's rating", func() error {
			return chain(placed(15, s.pp, s.kopiID, "rapat", false, "Rapat evaluasi program gizi", item{a, 4}, item{c, 4}),
				func() error { return s.sign(14.8, id) }, func() error { return s.deliver(14.5, id) },
				func() error { return s.invoice(12.3, id) }, func() error { return s.pay(9, id, "up", "BKU-1022") },
				func() error { return s.confirm(8, id) })
		}},
		{"cancelled by the PP", func() error {
			return chain(placed(9, s.pp, s.otherID, "atk", false, "", item{x, 5}),
				func() error {
					s.at(8.9)
					return s.svc.Cancel(s.pp, id, "Salah memilih paket RUP; pesanan dibuat ulang.", newFormKey())
				})
		}},
		{"rejected by the supplier", func() error {
			return chain(placed(8, s.pp, s.kopiID, "rapat", false, "Rapat kerja kesehatan daerah", item{b, 3}),
				func() error { return s.sign(7.8, id) },
				func() error {
					s.at(7.5)
					return s.svc.RejectBySupplier(s.kopi, id, "Kopi arabika sedang habis menunggu panen berikutnya; mohon pesan robusta.", newFormKey())
				})
		}},
		{"rejected by the PPK", func() error {
			return chain(placed(6, s.pp, s.otherID, "atk", false, "Kebutuhan ATK seksi P2P", item{y, 10}),
				func() error {
					s.at(5.8)
					return s.svc.RejectByPPK(s.ppk, id, "Kebutuhan ini sudah dipenuhi dari stok gudang; tidak perlu dibeli.", newFormKey())
				})
		}},
		{"paid, waiting for the supplier to confirm", func() error {
			return chain(placed(10, s.pp, s.kopiID, "tamu", false, "Jamuan tamu tim akreditasi puskesmas", item{b, 2}, item{c, 5}),
				func() error { return s.sign(9.8, id) }, func() error { return s.deliver(9.5, id) },
				func() error { return s.invoice(7.2, id) }, func() error { return s.pay(0.2, id, "sp2d", "SP2D-00871/LS/2026") })
		}},
		{"awaiting payment, invoiced", func() error {
			return chain(placed(8, s.pp, s.kopiID, "rapat", false, "Konsumsi rapat lintas sektor penanganan stunting", item{a, 10}, item{b, 8}),
				func() error { return s.sign(7.7, id) }, func() error { return s.deliver(7.5, id) },
				func() error { return s.invoice(3, id) })
		}},
		{"awaiting payment, not yet invoiced", func() error {
			return chain(placed(6, s.pp, s.kopiID, "tamu", false, "", item{c, 6}),
				func() error { return s.sign(5.8, id) }, func() error { return s.deliver(5, id) })
		}},
		{"received, waiting for the BAST", func() error {
			return chain(placed(5, s.pp, s.kopiID, "rapat", false, "Rapat persiapan bulan imunisasi anak sekolah", item{a, 3}, item{b, 2}),
				func() error { return s.sign(4.8, id) }, func() error { return s.accept(4.5, id) },
				func() error { return s.ship(3, id, 100, "Dikirim lengkap.") },
				func() error { return s.inspect(1, id, "Diterima lengkap; satu kemasan penyok tetapi isi utuh.") })
		}},
		{"shipped partially", func() error {
			return chain(placed(4, s.pp, s.kopiID, "rapat", false, "Konsumsi pelatihan kader posyandu", item{a, 6}, item{c, 4}),
				func() error { return s.sign(3.8, id) }, func() error { return s.accept(3.5, id) },
				func() error { return s.ship(1, id, 50, "Sebagian dulu; sisanya menunggu kemasan baru.") })
		}},
		{"processing", func() error {
			return chain(placed(3, s.pp, s.kopiID, "tamu", false, "", item{b, 3}),
				func() error { return s.sign(2, id) }, func() error { return s.accept(1, id) })
		}},
		{"awaiting the supplier", func() error {
			return chain(placed(2, s.pp, s.kopiID, "rapat", false, "Rapat koordinasi dengan puskesmas se-kabupaten", item{c, 6}),
				func() error { return s.sign(0.3, id) })
		}},
		{"negotiating, the supplier's turn", func() error {
			return chain(placed(1.2, s.pp, s.kopiID, "rapat", true, "Pembelian rutin; mohon penawaran harga", item{a, 5}, item{c, 5}),
				func() error {
					return s.offer(1.1, s.pp, id, 85, "Untuk pembelian rutin tiap bulan, bisakah harga ini?")
				})
		}},
		{"negotiating, the buyer's turn", func() error {
			return chain(placed(2.5, s.ppk, s.kopiID, "tamu", true, "", item{b, 2}),
				func() error { return s.offer(2.4, s.ppk, id, 80, "") },
				func() error { return s.offer(1.5, s.kopi, id, 92, "Harga terendah kami untuk arabika petik merah.") })
		}},
		{"awaiting the PPK, from the catalog", func() error {
			return chain(placed(0.5, s.pp, s.otherID, "atk", false, "ATK untuk kegiatan pendataan keluarga sehat", item{x, 12}, item{y, 6}))
		}},
		{"awaiting the PPK, placed by the PPK", func() error {
			return chain(placed(0.3, s.ppk, s.kopiID, "tamu", false, "", item{a, 2}))
		}},
	}
}

// runTimers runs the timers as they would have run on order id's days:
// one hari kerja before its deadline (a reminder), then after it (expiry).
func (s *orderSeed) runTimers(id int64) error {
	var deadline time.Time
	if err := s.db.QueryRow(s.ctx, `SELECT deadline_at FROM orders WHERE id = $1`, id).Scan(&deadline); err != nil {
		return fmt.Errorf("deadline of order %d: %w", id, postgres.Classify(err))
	}
	for _, t := range []time.Time{s.cal.AddWorkdays(s.ctx, deadline, -1).Add(time.Hour), deadline.Add(time.Hour)} {
		if !t.Before(s.now) {
			return fmt.Errorf("order %d would expire in the future", id)
		}
		s.clock = t
		if _, err := s.svc.RunTimers(s.ctx); err != nil {
			return err
		}
	}
	return nil
}

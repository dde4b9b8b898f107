package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/blob"
	"lapak/internal/demo"
	"lapak/internal/document"
	"lapak/internal/ordering"
	"lapak/internal/postgres"
	"lapak/internal/reporting"
	"lapak/internal/rules"
	"lapak/internal/validate"
	"lapak/internal/wib"
	"lapak/internal/workday"
)

// The bench's accounts: e-mail domain, one password for all, hashed with
// auth.HashPasswordCheap so that re-entering it at signing costs little.
const (
	benchDomain   = "bench.lapak.test"
	benchPassword = "Bench-Lapak-2026"
	benchKodeBase = 770000000 // Kode RUP of bench packages: 77xxxxxxx
	benchCeiling  = 200_000_000
)

// benchJustification answers the split and SSH rules, which a long run
// trips as orders of one OPD pile up in a category within 30 days.
const benchJustification = "Kebutuhan rutin kantor untuk uji beban; tidak dipecah untuk menghindari tender."

// benchOrderResult is the last line `lapak bench order` prints.
type benchOrderResult struct {
	Bench          string  `json:"bench"`
	Clients        int     `json:"clients"`
	Checkouts      int     `json:"checkouts"`
	CheckoutsPerS  float64 `json:"checkouts_per_s"`
	CheckoutP50    float64 `json:"checkout_p50_ms"`
	CheckoutP95    float64 `json:"checkout_p95_ms"`
	CheckoutP99    float64 `json:"checkout_p99_ms"`
	Lifecycles     int     `json:"lifecycles"`
	LifecyclesPerS float64 `json:"lifecycles_per_s"`
	Refused        int     `json:"refused"`
	Retried        int     `json:"retried"`          // forms sent twice with one key (fault injection)
	CheckoutCPU    float64 `json:"checkout_cpu_ms"`  // CPU per checkout: this process and the database backends, added
	LifecycleCPU   float64 `json:"lifecycle_cpu_ms"` // CPU per lifecycle (eight transitions), likewise
	Orders         int     `json:"orders"`           // orders in the database at the end
	Invariants     string  `json:"invariants"`
	SetupMS        int64   `json:"setup_ms"`
	CheckMS        int64   `json:"check_ms"`
	CPUs           int     `json:"cpus"`
}

// benchOrderOptions are the flags of `lapak bench order`.
type benchOrderOptions struct {
	clients, orders, opds, suppliers, listings int
	duration                                   time.Duration
	share, retries                             float64
	seed                                       uint64
	acks, url, cpuProfile                      string
}

// cmdBenchOrder measures checkouts and order lifecycles under load, then
// checks the invariants that must hold whatever happened.
func cmdBenchOrder(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var o benchOrderOptions
	fs := flag.NewFlagSet("bench order", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.clients, "clients", 32, "concurrent clients")
	fs.IntVar(&o.orders, "orders", 3000, "successful checkouts in the checkout phase (ignored with --duration)")
	fs.DurationVar(&o.duration, "duration", 0, "run for this long instead: a fifth checkouts only, the rest lifecycles")
	fs.Float64Var(&o.share, "share", 0.5, "share of the checkout phase's orders taken through the whole lifecycle")
	fs.Float64Var(&o.retries, "retries", 0.05, "share of checkouts and SP signings sent twice at once with one key")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed of the clients' choices")
	fs.StringVar(&o.acks, "acks", "", "append one line per acknowledged result to this file (for crash tests)")
	fs.StringVar(&o.url, "url", "", "use (and keep) the database at this URL; bench fixtures found there are reused")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the load phases to this file")
	fs.IntVar(&o.opds, "opds", 30, "OPDs with bench officials (a PPK, a treasurer and PPs each)")
	fs.IntVar(&o.suppliers, "suppliers", 50, "verified local suppliers, each with an owner account")
	fs.IntVar(&o.listings, "listings", 300, "published listings spread over the suppliers")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: lapak bench order [flags]\n\nOrders under load: creates OPD officials, suppliers, listings and RUP packages in a\n"+
			"fresh database (a throwaway cluster, or a new database on DATABASE_URL), then concurrent clients\n"+
			"check out carts and take a share of the orders from the SP to payment. Checks the invariants\n"+
			"(budgets, stock, gapless document numbers, signed documents, audit chain) and prints one line of JSON.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || o.clients < 1 || o.orders < 1 || o.opds < 1 || o.suppliers < 1 ||
		o.listings < o.suppliers || o.share < 0 || o.share > 1 || o.retries < 0 || o.retries > 1 {
		return errUsage
	}
	return benchOrder(ctx, o, getenv("DATABASE_URL"), stdout)
}

// benchOrder runs the bench with options o.
func benchOrder(ctx context.Context, o benchOrderOptions, dbURL string, stdout io.Writer) error {
	res := benchOrderResult{Bench: "order", Clients: o.clients, CPUs: runtime.GOMAXPROCS(0), Invariants: "broken"}
	start := time.Now()
	db, cleanup, err := benchOrderDatabase(ctx, o.url, dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	if err := demo.SeedReference(ctx, db); err != nil {
		return err
	}
	created, err := ensureBenchWorld(ctx, db, o)
	if err != nil {
		return err
	}
	w, err := loadBenchWorld(ctx, db)
	if err != nil {
		return err
	}
	if need := (o.clients + len(w.opds) - 1) / len(w.opds); need > len(w.opds[0].buyers) {
		return fmt.Errorf("bench: the fixtures have %d buyers per OPD; at most %d clients", len(w.opds[0].buyers), len(w.opds)*len(w.opds[0].buyers))
	}
	cal, err := workday.NewCalendar(ctx, db)
	if err != nil {
		return err
	}
	files, err := os.MkdirTemp("", "lapak-bench-order-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(files)
	svc := ordering.NewService(db, cal, blob.NewLocal(files))
	acks, err := openAcks(o.acks)
	if err != nil {
		return err
	}
	defer acks.close()
	res.SetupMS = time.Since(start).Milliseconds()
	verb := "created"
	if !created {
		verb = "reused"
	}
	fmt.Fprintf(stdout, "Bench fixtures %s in %d ms: %d OPDs (a PPK, a treasurer and %d PPs each), %d verified suppliers with owners,\n"+
		"  %d published listings, %d RUP packages. Bench accounts use auth.HashPasswordCheap, so re-entering the\n"+
		"  password to sign an SP or a BAST costs microseconds instead of the production argon2 parameters.\n",
		verb, res.SetupMS, len(w.opds), len(w.opds[0].buyers), len(w.owners), len(w.listings), w.packageCount())

	b := &orderBench{opt: o, w: w, svc: svc, db: db, ctx: ctx, acks: acks, stats: newBenchStats()}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// The loops a server runs alongside requests run here too, so their
	// work is measured with the load: the audit sealer and the reporting
	// drainer (red flags and spending facts, noted by each transition).
	loops, stopLoops := context.WithCancel(ctx)
	var wg sync.WaitGroup
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	wg.Go(func() { audit.RunSealer(loops, db, time.Second, quiet) })
	wg.Go(func() { reporting.RunDrainer(loops, db, time.Second, quiet) })
	waits := sampleWaits(ctx, db)
	err = b.run(ctx)
	stopLoops()
	wg.Wait()
	if err != nil {
		waits()
		return err
	}
	topWaits := waits()

	res.Checkouts = b.checkouts
	res.CheckoutsPerS = round1(float64(b.checkouts) / b.checkoutTime.Seconds())
	lat := b.stats.latencies("PlaceOrder (checkout phase)")
	res.CheckoutP50, res.CheckoutP95, res.CheckoutP99 = percentile(lat, 50), percentile(lat, 95), percentile(lat, 99)
	res.Lifecycles = b.lifecycles
	if b.lifecycleTime > 0 {
		res.LifecyclesPerS = round1(float64(b.lifecycles) / b.lifecycleTime.Seconds())
	}
	res.Refused = b.stats.refusedTotal()
	res.Retried = int(b.retried.Load())
	a, d := b.checkoutCPU.per(b.checkouts)
	res.CheckoutCPU = round1(a + d)
	a, d = b.lifecycleCPU.per(b.lifecycles)
	res.LifecycleCPU = round1(a + d)

	t := time.Now()
	broken, err := checkOrderInvariants(ctx, db, svc, w)
	if err != nil {
		return err
	}
	broken = append(broken, b.stats.violations...)
	res.CheckMS = time.Since(t).Milliseconds()
	if err := db.QueryRow(ctx, `SELECT count(*) FROM orders`).Scan(&res.Orders); err != nil {
		return err
	}
	if len(broken) == 0 {
		res.Invariants = "ok"
	}
	b.printSummary(stdout, res, topWaits, broken)
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, string(line))
	if len(broken) > 0 {
		return fmt.Errorf("bench: %d invariants broken", len(broken))
	}
	if len(b.stats.internal) > 0 {
		return fmt.Errorf("bench: %d internal errors (first: %s)", len(b.stats.internal), b.stats.internal[0])
	}
	return nil
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// benchOrderDatabase returns the database at keep, migrated and kept after
// the run, or else a fresh one as the other benches make.
func benchOrderDatabase(ctx context.Context, keep, dbURL string) (*pgxpool.Pool, func(), error) {
	if keep == "" {
		return benchDatabase(ctx, dbURL)
	}
	if err := postgres.Migrate(ctx, keep); err != nil {
		return nil, nil, err
	}
	db, err := postgres.Open(ctx, keep)
	if err != nil {
		return nil, nil, err
	}
	return db, db.Close, nil
}

// ---- fixtures ----

// benchOPD is an OPD with its bench officials and RUP packages.
type benchOPD struct {
	id                   int64
	name                 string
	ppk, treasurer       *auth.User
	buyers               []*auth.User // PPs: each client buys as one of them
	packages, small      []int64      // ordinary packages and packages with a small pagu
	ppkCtx, treasurerCtx context.Context
}

// benchListing is a published listing of a bench supplier.
type benchListing struct {
	id, supplierID, price int64
	rank                  int // position among the bench listings, which fixes its initial stock
}

// benchWorld is the bench fixtures as loaded from the database.
type benchWorld struct {
	opds       []*benchOPD
	owners     map[int64]*auth.User // supplier id → owner
	ownerCtx   map[int64]context.Context
	listings   []benchListing
	bySupplier map[int64][]benchListing
	suppliers  []int64
	auditor    *auth.User
}

func (w *benchWorld) packageCount() int {
	n := 0
	for _, o := range w.opds {
		n += len(o.packages) + len(o.small)
	}
	return n
}

// benchInitialStock is the stock a bench listing starts with: one in ten
// has little, so that stock runs out and checkouts are refused for it.
func benchInitialStock(rank int) int64 {
	if rank%10 == 0 {
		return 60
	}
	return 1_000_000
}

// ensureBenchWorld creates the bench fixtures unless they exist, in one
// transaction, and reports whether it created them.
func ensureBenchWorld(ctx context.Context, db *pgxpool.Pool, o benchOrderOptions) (bool, error) {
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM users WHERE email LIKE '%@`+benchDomain+`'`).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	hash, err := auth.HashPasswordCheap(benchPassword)
	if err != nil {
		return false, err
	}
	err = postgres.Tx(ctx, db, func(tx pgx.Tx) error {
		if err := createBenchOPDs(ctx, tx, o, hash); err != nil {
			return err
		}
		if err := createBenchSuppliers(ctx, tx, o, hash); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO users (name, email, password_hash) VALUES ('Auditor Bench', 'auditor@`+benchDomain+`', $1)`, hash)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO user_roles (user_id, role) SELECT id, 'auditor' FROM users WHERE email = 'auditor@`+benchDomain+`'`)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("bench: create fixtures: %w", err)
	}
	return true, nil
}

// insertBenchUser adds an account with one role.
func insertBenchUser(ctx context.Context, tx pgx.Tx, name, email, hash string, role auth.Role, opdID, supplierID int64) error {
	var id int64
	nip := any(nil)
	if role.NeedsOPD() {
		nip = fmt.Sprintf("19800101200501%04d", len(email)*37%10000)
	}
	if err := tx.QueryRow(ctx, `INSERT INTO users (name, email, nip, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
		name, email, nip, hash).Scan(&id); err != nil {
		return fmt.Errorf("user %s: %w", email, err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, role, opd_id, supplier_id) VALUES ($1, $2, $3, $4)`,
		id, role, nullable(opdID), nullable(supplierID))
	return err
}

func nullable(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// createBenchOPDs gives the first o.opds OPDs a PPK, a treasurer, enough PPs
// for the clients, four ordinary packages and one with a small pagu.
func createBenchOPDs(ctx context.Context, tx pgx.Tx, o benchOrderOptions, hash string) error {
	rows, err := tx.Query(ctx, `SELECT id, code, name FROM opds WHERE active ORDER BY id LIMIT $1`, o.opds)
	if err != nil {
		return err
	}
	type opd struct {
		id         int64
		code, name string
	}
	opds, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (opd, error) {
		var x opd
		return x, r.Scan(&x.id, &x.code, &x.name)
	})
	if err != nil {
		return err
	}
	if len(opds) == 0 {
		return errors.New("no OPDs: reference data missing")
	}
	buyers := max(2, (o.clients+len(opds)-1)/len(opds))
	year := time.Now().In(wib.Location).Year()
	names := []string{"Belanja alat tulis kantor", "Belanja makanan dan minuman rapat", "Belanja bahan bakar dan pelumas",
		"Belanja bahan pembersih dan perlengkapan kebersihan", "Belanja cetak dan penggandaan"}
	for i, d := range opds {
		code := strings.ToLower(d.code)
		if err := insertBenchUser(ctx, tx, "PPK Bench "+d.code, "ppk."+code+"@"+benchDomain, hash, auth.RolePPK, d.id, 0); err != nil {
			return err
		}
		if err := insertBenchUser(ctx, tx, "Bendahara Bench "+d.code, "bendahara."+code+"@"+benchDomain, hash, auth.RoleTreasurer, d.id, 0); err != nil {
			return err
		}
		for k := range buyers {
			if err := insertBenchUser(ctx, tx, fmt.Sprintf("PP Bench %s %d", d.code, k+1), fmt.Sprintf("pp%d.%s@%s", k+1, code, benchDomain),
				hash, auth.RolePP, d.id, 0); err != nil {
				return err
			}
		}
		for k, name := range names {
			pagu := int64(150_000_000 + 10_000_000*k)
			if k == len(names)-1 {
				pagu = int64(3_000_000 + 1_000_000*(i%4)) // small: refusals happen
			}
			funding := "APBD"
			if k == 1 {
				funding = "DAK"
			}
			_, err := tx.Exec(ctx, `INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, account_code, fiscal_year, ppk_user_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT id FROM users WHERE email = $8))`,
				d.id, fmt.Sprint(benchKodeBase+i*10+k), name+" "+d.name, pagu, funding, fmt.Sprintf("5.1.02.01.01.%04d", 24+k), year,
				"ppk."+code+"@"+benchDomain)
			if err != nil {
				return fmt.Errorf("package of %s: %w", d.code, err)
			}
		}
	}
	return nil
}

// createBenchSuppliers adds verified mikro and kecil suppliers in the
// regency, each with an owner account, and their published listings.
func createBenchSuppliers(ctx context.Context, tx pgx.Tx, o benchOrderOptions, hash string) error {
	rows, err := tx.Query(ctx, `SELECT code FROM kecamatan WHERE code LIKE '13.11.%' ORDER BY code`)
	if err != nil {
		return err
	}
	kecamatan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	rows, err = tx.Query(ctx, `SELECT id FROM categories ORDER BY id`)
	if err != nil {
		return err
	}
	categories, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	if len(kecamatan) == 0 || len(categories) == 0 {
		return errors.New("no kecamatan or categories: reference data missing")
	}
	goods := []struct{ title, unit string }{
		{"Kertas HVS A4 70 gram", "rim"}, {"Map plastik kancing", "pak"}, {"Tinta printer hitam 70 ml", "botol"},
		{"Kopi bubuk robusta Sangir 250 gram", "bungkus"}, {"Air mineral gelas 240 ml", "dus"}, {"Sapu ijuk", "buah"},
		{"Kain majun", "kg"}, {"Amplop coklat folio", "pak"}, {"Spidol papan tulis", "lusin"}, {"Teh kawa daun", "kotak"},
	}
	rng := mrand.New(mrand.NewPCG(o.seed, 0xbe7c4))
	var sups []int64
	for i := range o.suppliers {
		scale, pkp := "mikro", i%5 == 4
		if i%3 == 2 {
			scale = "kecil"
		}
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO suppliers (name, owner_name, legal_form, kecamatan_code, status, scale, scale_basis, capital,
				pkp, pp55, npwp, address, bank_name, bank_account_no, bank_account_name, origin, verified_at)
			VALUES ($1, $2, 'ud', $3, 'verified', $4, 'modal', $5, $6, $7, $8, $9, 'Bank Nagari', $10, $2, 'demo', now()) RETURNING id`,
			fmt.Sprintf("UD Bench Sejahtera %03d", i+1), fmt.Sprintf("Pemilik Bench %03d", i+1), kecamatan[i%len(kecamatan)], scale,
			int64(100_000_000+rng.IntN(800_000_000)), pkp, !pkp && i%3 == 0, fmt.Sprintf("13110%010d", i+1),
			fmt.Sprintf("Jl. Raya Padang Aro No. %d", i+1), fmt.Sprintf("110%07d", i+1)).Scan(&id)
		if err != nil {
			return fmt.Errorf("supplier %d: %w", i+1, err)
		}
		if err := insertBenchUser(ctx, tx, fmt.Sprintf("Pemilik Bench %03d", i+1), fmt.Sprintf("owner%03d@%s", i+1, benchDomain),
			hash, auth.RoleSupplier, 0, id); err != nil {
			return err
		}
		sups = append(sups, id)
	}
	for i := range o.listings {
		g := goods[i%len(goods)]
		price := int64(5_000 + 500*rng.IntN(200))
		_, err := tx.Exec(ctx, `INSERT INTO listings (supplier_id, kind, title, category_id, unit, price, min_order, stock, status, published_at)
			VALUES ($1, 'goods', $2, $3, $4, $5, 1, $6, 'published', now())`,
			sups[i%len(sups)], fmt.Sprintf("%s (bench %d)", g.title, i+1), categories[i%len(categories)], g.unit, price, benchInitialStock(i))
		if err != nil {
			return fmt.Errorf("listing %d: %w", i+1, err)
		}
	}
	return nil
}

// loadBenchWorld reads the bench fixtures back from the database.
func loadBenchWorld(ctx context.Context, db *pgxpool.Pool) (*benchWorld, error) {
	w := &benchWorld{owners: map[int64]*auth.User{}, ownerCtx: map[int64]context.Context{}, bySupplier: map[int64][]benchListing{}}
	rows, err := db.Query(ctx, `SELECT u.id, u.name, u.email, r.role, coalesce(r.opd_id, 0), coalesce(r.supplier_id, 0), coalesce(o.name, '')
		FROM users u JOIN user_roles r ON r.user_id = u.id LEFT JOIN opds o ON o.id = r.opd_id
		WHERE u.email LIKE '%@`+benchDomain+`' ORDER BY r.opd_id, u.email`)
	if err != nil {
		return nil, err
	}
	byOPD := map[int64]*benchOPD{}
	for rows.Next() {
		u := &auth.User{}
		var g auth.Grant
		var opdName string
		if err := rows.Scan(&u.ID, &u.Name, &u.Email, &g.Role, &g.OPDID, &g.SupplierID, &opdName); err != nil {
			rows.Close()
			return nil, err
		}
		u.Grants = []auth.Grant{g}
		d := byOPD[g.OPDID]
		if g.OPDID != 0 && d == nil {
			d = &benchOPD{id: g.OPDID, name: opdName}
			byOPD[g.OPDID] = d
			w.opds = append(w.opds, d)
		}
		switch g.Role {
		case auth.RolePPK:
			d.ppk, d.ppkCtx = u, auth.WithUser(ctx, u, "127.0.0.1")
		case auth.RoleTreasurer:
			d.treasurer, d.treasurerCtx = u, auth.WithUser(ctx, u, "127.0.0.1")
		case auth.RolePP:
			d.buyers = append(d.buyers, u)
		case auth.RoleSupplier:
			w.owners[g.SupplierID], w.ownerCtx[g.SupplierID] = u, auth.WithUser(ctx, u, "127.0.0.1")
			w.suppliers = append(w.suppliers, g.SupplierID)
		case auth.RoleAuditor:
			w.auditor = u
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(w.opds) == 0 || len(w.suppliers) == 0 || w.auditor == nil {
		return nil, errors.New("bench: fixtures incomplete")
	}
	slices.Sort(w.suppliers)
	if err := loadBenchPackages(ctx, db, byOPD); err != nil {
		return nil, err
	}
	rows, err = db.Query(ctx, `SELECT id, supplier_id, price FROM listings WHERE supplier_id = ANY($1) ORDER BY id`, w.suppliers)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		l := benchListing{rank: len(w.listings)}
		if err := rows.Scan(&l.id, &l.supplierID, &l.price); err != nil {
			rows.Close()
			return nil, err
		}
		w.listings = append(w.listings, l)
		w.bySupplier[l.supplierID] = append(w.bySupplier[l.supplierID], l)
	}
	rows.Close()
	return w, rows.Err()
}

func loadBenchPackages(ctx context.Context, db *pgxpool.Pool, byOPD map[int64]*benchOPD) error {
	rows, err := db.Query(ctx, `SELECT id, opd_id, pagu FROM rup_packages WHERE kode_rup LIKE '77%' ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, opd, pagu int64
		if err := rows.Scan(&id, &opd, &pagu); err != nil {
			return err
		}
		d := byOPD[opd]
		if d == nil {
			continue
		}
		if pagu < 10_000_000 {
			d.small = append(d.small, id)
		} else {
			d.packages = append(d.packages, id)
		}
	}
	return rows.Err()
}

// ---- acknowledgements ----

// ackLog appends one line per acknowledged result. Each line is one write
// system call, so it survives a SIGKILL of the process (the kernel keeps it).
type ackLog struct {
	mu sync.Mutex
	f  *os.File
}

func openAcks(path string) (*ackLog, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	return &ackLog{f: f}, nil
}

// add writes one line; nil logs nothing.
func (a *ackLog) add(format string, args ...any) {
	if a == nil {
		return
	}
	line := fmt.Sprintf(format, args...) + "\n"
	a.mu.Lock()
	defer a.mu.Unlock()
	_, _ = a.f.WriteString(line)
}

func (a *ackLog) close() {
	if a != nil {
		a.f.Close()
	}
}

// ---- statistics ----

// benchStats collects latencies per step, refusals and failures.
type benchStats struct {
	mu         sync.Mutex
	lat        map[string][]time.Duration
	refused    map[string]int // "step: kind: message" → count
	internal   []string       // errors without a kind: bugs or an unhealthy database
	violations []string       // broken promises seen during the run (idempotency)
}

func newBenchStats() *benchStats {
	return &benchStats{lat: map[string][]time.Duration{}, refused: map[string]int{}}
}

func (s *benchStats) time(step string, d time.Duration) {
	s.mu.Lock()
	s.lat[step] = append(s.lat[step], d)
	s.mu.Unlock()
}

func (s *benchStats) latencies(step string) []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lat[step]
}

// fail records err of step as a refusal (it has a kind: a user's mistake
// or a rule) or an internal error, and returns false for internal ones.
func (s *benchStats) fail(step string, err error) bool {
	kind, msg := refusalOf(err)
	s.mu.Lock()
	defer s.mu.Unlock()
	if kind == "" {
		s.internal = append(s.internal, step+": "+err.Error())
		return false
	}
	s.refused[step+": "+kind+": "+digits.ReplaceAllString(msg, "N")]++
	return true
}

func (s *benchStats) violate(format string, args ...any) {
	s.mu.Lock()
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
	s.mu.Unlock()
}

func (s *benchStats) refusedTotal() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.refused {
		n += c
	}
	return n
}

// digits matches the figures of a message, so that refusals group by their wording.
var digits = regexp.MustCompile(`[0-9][0-9.]*`)

// refusalOf returns the kind and user message of a refusal, or "" when err
// is internal.
func refusalOf(err error) (string, string) {
	if fields, ok := validate.AsErrors(err); ok {
		var msgs []string
		for f, m := range fields {
			msgs = append(msgs, f+": "+m)
		}
		sort.Strings(msgs)
		return "invalid", strings.Join(msgs, "; ")
	}
	if k := apperr.KindOf(err); k != nil {
		msg := apperr.Message(err)
		if msg == "" {
			msg = "(no message)"
		}
		return k.Error(), msg
	}
	return "", ""
}

// ---- the load ----

// orderBench is one run of the load.
type orderBench struct {
	opt   benchOrderOptions
	w     *benchWorld
	svc   *ordering.Service
	db    *pgxpool.Pool
	ctx   context.Context // the run's; domain calls are not cut off when a phase ends
	acks  *ackLog
	stats *benchStats

	checkouts, lifecycles       int
	checkoutTime, lifecycleTime time.Duration
	checkoutCPU, lifecycleCPU   cpuDelta
	retried                     atomic.Int64
	stop                        atomic.Bool // set at the first internal error
}

// client is one concurrent buyer: a PP of one OPD.
type client struct {
	b     *orderBench
	n     int
	rng   *mrand.Rand
	opd   *benchOPD
	buyer context.Context
	queue []int64 // its orders picked for the lifecycle phase
}

func newKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// run carries out the checkout phase, then the lifecycle phase.
func (b *orderBench) run(ctx context.Context) error {
	clients := make([]*client, b.opt.clients)
	for i := range clients {
		d := b.w.opds[i%len(b.w.opds)]
		clients[i] = &client{b: b, n: i, rng: mrand.New(mrand.NewPCG(b.opt.seed, uint64(i))), opd: d,
			buyer: auth.WithUser(ctx, d.buyers[i/len(b.w.opds)], "127.0.0.1")}
	}
	// Orders left open by an earlier (perhaps killed) run are carried on.
	open, err := b.openOrders(ctx)
	if err != nil {
		return err
	}
	for i, id := range open {
		c := clients[i%len(clients)]
		c.queue = append(c.queue, id)
	}
	checkoutFor, lifecycleFor := time.Duration(0), time.Duration(0)
	if b.opt.duration > 0 {
		checkoutFor = b.opt.duration / 5
		lifecycleFor = b.opt.duration - checkoutFor
	}
	var placed atomic.Int64
	var attempts atomic.Int64
	target := int64(b.opt.orders)
	phase, cancel := phaseContext(ctx, checkoutFor)
	cpu := sampleCPU(ctx, b.db)
	start := time.Now()
	b.each(clients, func(c *client) {
		for phase.Err() == nil && !b.stop.Load() && (checkoutFor > 0 || (placed.Load() < target && attempts.Add(1) <= 5*target)) {
			id, ok := c.checkout("PlaceOrder (checkout phase)")
			if !ok {
				continue
			}
			placed.Add(1)
			if c.rng.Float64() < b.opt.share {
				c.queue = append(c.queue, id)
			}
		}
	})
	b.checkoutTime = time.Since(start)
	b.checkoutCPU = sampleCPU(ctx, b.db).since(cpu)
	cancel()
	b.checkouts = int(placed.Load())
	if err := b.failed(); err != nil {
		return err
	}

	var done atomic.Int64
	phase, cancel = phaseContext(ctx, lifecycleFor)
	defer cancel()
	cpu = sampleCPU(ctx, b.db)
	start = time.Now()
	b.each(clients, func(c *client) {
		for phase.Err() == nil && !b.stop.Load() {
			var id int64
			switch {
			case len(c.queue) > 0:
				id, c.queue = c.queue[0], c.queue[1:]
			case lifecycleFor > 0:
				var ok bool
				if id, ok = c.checkout("PlaceOrder (lifecycle phase)"); !ok {
					continue
				}
			default:
				return
			}
			if c.advance(phase, id) {
				done.Add(1)
			}
		}
	})
	b.lifecycleTime = time.Since(start)
	b.lifecycleCPU = sampleCPU(ctx, b.db).since(cpu)
	b.lifecycles = int(done.Load())
	return b.failed()
}

// phaseContext ends after d, or never when d is 0.
func phaseContext(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// each runs fn for every client at once and waits.
func (b *orderBench) each(clients []*client, fn func(c *client)) {
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() { fn(c) })
	}
	wg.Wait()
}

// failed stops the bench at the first internal error.
func (b *orderBench) failed() error {
	b.stats.mu.Lock()
	defer b.stats.mu.Unlock()
	if len(b.stats.internal) > 0 {
		return fmt.Errorf("bench: %s (and %d more internal errors)", b.stats.internal[0], len(b.stats.internal)-1)
	}
	return nil
}

// openOrders returns the bench's orders still in the flow, for a second
// run: those past the SP first, as they were under way.
func (b *orderBench) openOrders(ctx context.Context) ([]int64, error) {
	rows, err := b.db.Query(ctx, `SELECT o.id FROM orders o JOIN rup_packages p ON p.id = o.rup_package_id
		WHERE p.kode_rup LIKE '77%' AND o.state IN ('awaiting_ppk', 'awaiting_supplier', 'processing', 'shipped', 'received', 'awaiting_payment', 'paid')
		ORDER BY o.state = 'awaiting_ppk', o.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// timed runs fn as step, recording its latency and any failure; it
// reports whether fn succeeded.
func (c *client) timed(step string, fn func() error) bool {
	t := time.Now()
	err := fn()
	if err == nil {
		c.b.stats.time(step, time.Since(t))
		return true
	}
	if c.b.ctx.Err() != nil {
		return false // interrupted
	}
	if !c.b.stats.fail(step, err) {
		c.b.stop.Store(true)
	}
	return false
}

// checkout fills the buyer's cart with one to three listings of one
// supplier and places the order, on an ordinary package or, one time in
// ten, on the OPD's small package. It returns the order id.
func (c *client) checkout(step string) (int64, bool) {
	w := c.b.w
	sup := w.suppliers[c.rng.IntN(len(w.suppliers))]
	listings := w.bySupplier[sup]
	picked := map[int64]bool{}
	for range 1 + c.rng.IntN(3) {
		l := listings[c.rng.IntN(len(listings))]
		if picked[l.id] {
			continue
		}
		picked[l.id] = true
		qty := int64(1 + c.rng.IntN(5))
		if !c.timed("AddToCart", func() error { return c.b.svc.AddToCart(c.buyer, l.id, qty) }) {
			c.clearCart(picked)
			return 0, false
		}
	}
	pkg := c.opd.packages[c.rng.IntN(len(c.opd.packages))]
	if c.rng.IntN(10) == 0 && len(c.opd.small) > 0 {
		pkg = c.opd.small[c.rng.IntN(len(c.opd.small))]
	}
	today := time.Now().In(wib.Location)
	in := ordering.CheckoutInput{SupplierID: sup, PackageID: pkg, PPKUserID: c.opd.ppk.ID,
		Address:        "Kantor " + c.opd.name + ", Padang Aro",
		RequestedDate:  time.Date(today.Year(), today.Month(), today.Day()+7, 0, 0, 0, 0, wib.Location),
		Notes:          "Pesanan uji beban",
		Justifications: map[rules.Code]string{rules.Split: benchJustification, rules.SSHCeiling: benchJustification},
		Key:            newKey()}
	var id int64
	ok := c.timed(step, func() error {
		var err error
		if c.rng.Float64() < c.b.opt.retries {
			id, err = c.placeTwice(in)
			return err
		}
		id, err = c.b.svc.PlaceOrder(c.buyer, in)
		return err
	})
	if !ok {
		c.clearCart(picked)
		return 0, false
	}
	c.b.acks.add("order %d %s", id, ordering.AwaitingPPK)
	return id, true
}

// placeTwice sends one checkout twice at once, as a double click does: both
// must name the same order.
func (c *client) placeTwice(in ordering.CheckoutInput) (int64, error) {
	c.b.retried.Add(1)
	var ids [2]int64
	var errs [2]error
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() { ids[i], errs[i] = c.b.svc.PlaceOrder(c.buyer, in) })
	}
	wg.Wait()
	switch {
	case errs[0] == nil && errs[1] == nil && ids[0] != ids[1]:
		c.b.stats.violate("one checkout key made two orders: %d and %d", ids[0], ids[1])
	case (errs[0] == nil) != (errs[1] == nil):
		// One went through and its twin failed: a retry would not find the order.
		c.b.stats.violate("a checkout sent twice with one key succeeded once and failed once: %v", errors.Join(errs[0], errs[1]))
	}
	if errs[0] != nil {
		return ids[1], errs[1]
	}
	return ids[0], nil
}

// clearCart empties the listings from the buyer's cart after a refusal.
func (c *client) clearCart(picked map[int64]bool) {
	for id := range picked {
		if err := c.b.svc.SetCartQty(c.buyer, id, 0); err != nil {
			c.b.stats.fail("SetCartQty", err)
		}
	}
}

// orderLine is an order line's id and quantity.
type orderLine struct{ id, qty int64 }

// advance takes order id from its state to completed, one step at a time,
// and reports whether it got there.
func (c *client) advance(ctx context.Context, id int64) bool {
	b := c.b
	var state ordering.State
	var supplierID, opdID int64
	var invoiced bool
	err := b.db.QueryRow(b.ctx, `SELECT state, supplier_id, opd_id, invoiced_at IS NOT NULL FROM orders WHERE id = $1`, id).
		Scan(&state, &supplierID, &opdID, &invoiced)
	if err != nil {
		if ctx.Err() == nil {
			b.stats.fail("load order", err)
		}
		return false
	}
	var opd *benchOPD
	for _, d := range b.w.opds {
		if d.id == opdID {
			opd = d
		}
	}
	owner := b.w.ownerCtx[supplierID]
	if opd == nil || owner == nil {
		return false
	}
	today := time.Now().In(wib.Location)
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, wib.Location)
	for state != ordering.Completed {
		if ctx.Err() != nil {
			return false
		}
		var step string
		var next ordering.State
		var fn func() error
		key := newKey()
		switch state {
		case ordering.AwaitingPPK:
			step, next = "SignSP", ordering.AwaitingSupplier
			fn = func() error { return c.signSP(opd.ppkCtx, id, key) }
		case ordering.AwaitingSupplier:
			step, next = "AcceptSP", ordering.Processing
			fn = func() error { return b.svc.AcceptSP(owner, id, key) }
		case ordering.Processing:
			step, next = "Ship", ordering.Shipped
			fn = func() error {
				lines, err := c.lines(b.ctx, id)
				if err != nil {
					return err
				}
				in := ordering.ShipmentInput{Qty: map[int64]int64{}, ShippedOn: day, Note: "Dikirim lengkap"}
				for _, l := range lines {
					in.Qty[l.id] = l.qty
				}
				return b.svc.Ship(owner, id, in, key)
			}
		case ordering.Shipped:
			step, next = "Inspect", ordering.Received
			fn = func() error {
				lines, err := c.lines(b.ctx, id)
				if err != nil {
					return err
				}
				in := ordering.InspectionInput{Received: map[int64]int64{}, InspectedOn: day, FungsiOK: true, JumlahOK: true, WaktuOK: true,
					Notes: "Barang diterima lengkap dan baik", Complete: true}
				for _, l := range lines {
					in.Received[l.id] = l.qty
				}
				return b.svc.Inspect(opd.ppkCtx, id, in, key)
			}
		case ordering.Received:
			step, next = "SignBAST", ordering.AwaitingPayment
			fn = func() error { return b.svc.SignBAST(opd.ppkCtx, id, benchPassword, key) }
		case ordering.AwaitingPayment:
			if !invoiced {
				step, next = "SendInvoice", ordering.AwaitingPayment
				fn = func() error { return b.svc.SendInvoice(owner, id, key) }
			} else {
				step, next = "RecordPayment", ordering.Paid
				fn = func() error {
					return b.svc.RecordPayment(opd.treasurerCtx, id, ordering.PaymentInput{PaidOn: day, Method: "sp2d", Reference: "SP2D-" + key[:10]}, key)
				}
			}
		case ordering.Paid:
			step, next = "ConfirmPayment", ordering.Completed
			fn = func() error { return b.svc.ConfirmPayment(owner, id, key) }
		default:
			return false
		}
		if !c.timed(step, fn) {
			return false
		}
		if step == "SendInvoice" {
			invoiced = true
		}
		state = next
		b.acks.add("order %d %s", id, state)
		if step == "SignSP" && b.acks != nil {
			var number string
			if err := b.db.QueryRow(b.ctx, `SELECT coalesce(sp_number, '') FROM orders WHERE id = $1`, id).Scan(&number); err == nil {
				b.acks.add("sp %d %s", id, number)
			}
		}
	}
	return true
}

// signSP signs as the PPK; now and then twice at once with one key, as a
// double click does: both must succeed and give one SP number.
func (c *client) signSP(ppk context.Context, id int64, key string) error {
	just := map[rules.Code]string{rules.Split: benchJustification, rules.SSHCeiling: benchJustification}
	if c.rng.Float64() >= c.b.opt.retries {
		return c.b.svc.SignSP(ppk, id, benchPassword, just, key)
	}
	c.b.retried.Add(1)
	var errs [2]error
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() { errs[i] = c.b.svc.SignSP(ppk, id, benchPassword, just, key) })
	}
	wg.Wait()
	if (errs[0] == nil) != (errs[1] == nil) {
		c.b.stats.violate("an SP signed twice with one key succeeded once and failed once: %v", errors.Join(errs[0], errs[1]))
	}
	return errors.Join(errs[0], errs[1])
}

func (c *client) lines(ctx context.Context, orderID int64) ([]orderLine, error) {
	rows, err := c.b.db.Query(ctx, `SELECT id, qty FROM order_lines WHERE order_id = $1 ORDER BY position`, orderID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (orderLine, error) {
		var l orderLine
		return l, r.Scan(&l.id, &l.qty)
	})
}

// ---- where the time goes ----

// cpuUse is processor time spent by this process and by the database's
// backends serving it.
type cpuUse struct {
	app time.Duration
	db  map[int]time.Duration // backend pid → its CPU time so far
}

// clockTick is the unit of /proc/PID/stat times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// sampleCPU reads the process's CPU time and, when PostgreSQL runs on this
// machine, its backends' for the current database (0 when unreadable).
func sampleCPU(ctx context.Context, db *pgxpool.Pool) cpuUse {
	u := cpuUse{db: map[int]time.Duration{}}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		u.app = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	rows, err := db.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		return u
	}
	pids, _ := pgx.CollectRows(rows, pgx.RowTo[int32])
	for _, pid := range pids {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// Fields after the command, which ends at the last ')': state is
		// field 3, utime and stime fields 14 and 15.
		f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		if len(f) > 12 {
			ut, _ := strconv.ParseInt(f[11], 10, 64)
			st, _ := strconv.ParseInt(f[12], 10, 64)
			u.db[int(pid)] = time.Duration(ut+st) * clockTick
		}
	}
	return u
}

// since returns the CPU time used between earlier and u, app and database.
func (u cpuUse) since(earlier cpuUse) (d cpuDelta) {
	d.app = u.app - earlier.app
	for pid, t := range u.db {
		d.db += t - earlier.db[pid]
	}
	return d
}

// cpuDelta is CPU time spent in a phase.
type cpuDelta struct{ app, db time.Duration }

// per returns milliseconds of CPU per unit of n.
func (d cpuDelta) per(n int) (app, db float64) {
	if n == 0 {
		return 0, 0
	}
	return round1(float64(d.app.Microseconds()) / 1000 / float64(n)), round1(float64(d.db.Microseconds()) / 1000 / float64(n))
}

// sampleWaits samples what the database's active sessions wait on every
// 50 ms until the returned function is called, which returns the most
// frequent waits with the statement waiting.
func sampleWaits(ctx context.Context, db *pgxpool.Pool) func() []string {
	done := make(chan struct{})
	counts := map[string]int{}
	total := 0
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			rows, err := db.Query(ctx, `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU'),
					regexp_replace(left(query, 70), '\s+', ' ', 'g')
				FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`)
			if err != nil {
				continue
			}
			for rows.Next() {
				var wait, q string
				if rows.Scan(&wait, &q) == nil {
					counts[wait+"  "+q]++
					total++
				}
			}
			rows.Close()
		}
	})
	return func() []string {
		close(done)
		wg.Wait()
		type kv struct {
			k string
			n int
		}
		var all []kv
		for k, n := range counts {
			all = append(all, kv{k, n})
		}
		sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n })
		var out []string
		for i, x := range all {
			if i == 8 {
				break
			}
			out = append(out, fmt.Sprintf("%5.1f%%  %s", 100*float64(x.n)/float64(max(total, 1)), x.k))
		}
		return out
	}
}

// ---- invariants ----

// checkOrderInvariants checks what must hold whatever happened to the
// process: it returns every broken invariant as a sentence.
func checkOrderInvariants(ctx context.Context, db *pgxpool.Pool, svc *ordering.Service, w *benchWorld) ([]string, error) {
	broken, err := checkOrderRows(ctx, db, w)
	if err != nil {
		return nil, err
	}
	docs, err := checkDocuments(ctx, db, svc, w.auditor)
	if err != nil {
		return nil, err
	}
	broken = append(broken, docs...)
	chain, err := checkAuditChain(ctx, db)
	if err != nil {
		return nil, err
	}
	broken = append(broken, chain...)
	rep, err := checkReporting(ctx, db)
	if err != nil {
		return nil, err
	}
	return append(broken, rep...), nil
}

// checkReporting drains what the transitions noted and checks that every
// paid order's lines are in the spending facts for the amount received.
func checkReporting(ctx context.Context, db *pgxpool.Pool) ([]string, error) {
	if _, err := reporting.Drain(ctx, db); err != nil {
		return nil, err
	}
	var missing, wrong int
	err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE f.line_id IS NULL), count(*) FILTER (WHERE f.amount <> l.received_qty * l.unit_price)
		FROM orders o JOIN order_lines l ON l.order_id = o.id AND l.received_qty > 0
		LEFT JOIN spending_facts f ON f.line_id = l.id
		WHERE o.state IN ('paid', 'completed')`).Scan(&missing, &wrong)
	if err != nil {
		return nil, fmt.Errorf("bench: spending facts: %w", err)
	}
	var broken []string
	if missing > 0 || wrong > 0 {
		broken = append(broken, fmt.Sprintf("%d lines of paid orders have no spending fact and %d a wrong amount", missing, wrong))
	}
	return broken, nil
}

// checkOrderRows checks the invariants that SQL can see on db: budgets,
// stock, lines and totals, events, document numbers and payments.
func checkOrderRows(ctx context.Context, db postgres.DBTX, w *benchWorld) ([]string, error) {
	var broken []string
	for _, q := range invariantQueries {
		rows, err := db.Query(ctx, q.sql)
		if err != nil {
			return nil, fmt.Errorf("bench: invariant %q: %w", q.name, err)
		}
		found, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, fmt.Errorf("bench: invariant %q: %w", q.name, err)
		}
		for i, f := range found {
			if i == 5 {
				broken = append(broken, fmt.Sprintf("%s: ... and %d more", q.name, len(found)-i))
				break
			}
			broken = append(broken, q.name+": "+f)
		}
	}
	stock, err := checkStock(ctx, db, w)
	if err != nil {
		return nil, err
	}
	return append(broken, stock...), nil
}

// invariantQueries each return one row per violation.
var invariantQueries = []struct{ name, sql string }{
	{"package over its pagu or the ceiling", `SELECT format('package %s: live orders %s, pagu %s', p.kode_rup, sum(o.total), p.pagu)
		FROM rup_packages p JOIN orders o ON o.rup_package_id = p.id
		WHERE o.state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired')
		GROUP BY p.id HAVING sum(o.total) > least(p.pagu, ` + fmt.Sprint(benchCeiling) + `)`},
	{"listing stock below zero", `SELECT format('listing %s: stock %s', id, stock) FROM listings WHERE stock < 0`},
	{"order without lines", `SELECT format('order %s', o.id) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)`},
	{"order total differs from its lines", `SELECT format('order %s: total %s, lines %s', o.id, o.total, sum(l.total))
		FROM orders o JOIN order_lines l ON l.order_id = o.id GROUP BY o.id HAVING o.total <> sum(l.total)`},
	{"line total differs from qty × unit price", `SELECT format('line %s of order %s', id, order_id) FROM order_lines WHERE total <> qty * unit_price`},
	{"order without a checkout event", `SELECT format('order %s', o.id) FROM orders o
		WHERE NOT EXISTS (SELECT 1 FROM order_events e WHERE e.order_id = o.id AND e.kind = 'checkout')`},
	{"document numbers not exactly 1..N", `WITH d AS (
			SELECT d.kind, CASE WHEN d.kind = 'invoice' THEN 's' || o.supplier_id ELSE 'o' || o.opd_id END AS scope,
				substring(d.number from '([0-9]{4})$') AS year, substring(d.number from '^[0-9]+')::int AS seq, d.number
			FROM order_documents d JOIN orders o ON o.id = d.order_id)
		SELECT format('%s of %s in %s: %s numbers, %s distinct, from %s to %s', kind, scope, coalesce(year, '?'), count(*), count(DISTINCT seq), min(seq), max(seq))
		FROM d GROUP BY kind, scope, year
		HAVING count(*) <> count(DISTINCT seq) OR min(seq) <> 1 OR max(seq) <> count(*) OR bool_or(seq IS NULL) OR year IS NULL`},
	{"SP number of the order differs from its SP document", `SELECT format('order %s: %s vs %s', o.id, coalesce(o.sp_number, '-'), coalesce(d.number, '-'))
		FROM orders o LEFT JOIN order_documents d ON d.order_id = o.id AND d.kind = 'sp'
		WHERE o.sp_number IS DISTINCT FROM d.number`},
	{"completed order missing its payment or documents", `SELECT format('order %s: payment %s, sp %s, bast %s, kuitansi %s', o.id,
			EXISTS (SELECT 1 FROM order_payments p WHERE p.order_id = o.id),
			EXISTS (SELECT 1 FROM order_documents d WHERE d.order_id = o.id AND d.kind = 'sp'),
			EXISTS (SELECT 1 FROM order_documents d WHERE d.order_id = o.id AND d.kind = 'bast'),
			EXISTS (SELECT 1 FROM order_documents d WHERE d.order_id = o.id AND d.kind = 'kuitansi'))
		FROM orders o WHERE o.state IN ('paid', 'completed') AND NOT (
			EXISTS (SELECT 1 FROM order_payments p WHERE p.order_id = o.id) AND
			(SELECT count(DISTINCT kind) FROM order_documents d WHERE d.order_id = o.id AND d.kind IN ('sp', 'bast', 'kuitansi')) = 3)`},
	{"payment net differs from gross less withholding", `SELECT format('order %s: gross %s, net %s', order_id, gross, net) FROM order_payments
		WHERE net <> gross - ppn_collected - pph22 - pph23 - pp55`},
	{"payment gross differs from the value received", `SELECT format('order %s: gross %s, received %s', o.id, p.gross, o.received_total)
		FROM order_payments p JOIN orders o ON o.id = p.order_id WHERE p.gross IS DISTINCT FROM o.received_total`},
}

// checkStock checks that each bench listing's stock is its initial stock
// less what live orders hold: no reservation lost or counted twice.
func checkStock(ctx context.Context, db postgres.DBTX, w *benchWorld) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT l.id, coalesce(l.stock, -1), coalesce((SELECT sum(ol.qty) FROM order_lines ol JOIN orders o ON o.id = ol.order_id
			WHERE ol.listing_id = l.id AND o.state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired')), 0)
		FROM listings l WHERE l.supplier_id = ANY($1) ORDER BY l.id`, w.suppliers)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var broken []string
	i := 0
	for rows.Next() {
		var id, stock, held int64
		if err := rows.Scan(&id, &stock, &held); err != nil {
			return nil, err
		}
		if want := benchInitialStock(i) - held; stock != want {
			broken = append(broken, fmt.Sprintf("stock of listing %d is %d; initial %d less %d held by live orders is %d", id, stock, benchInitialStock(i), held, want))
		}
		i++
	}
	return broken, rows.Err()
}

// checkDocuments renders every signed document of the completed orders
// again, as an auditor, and compares it with the stored hash (the service's
// Document does the comparison).
func checkDocuments(ctx context.Context, db *pgxpool.Pool, svc *ordering.Service, auditor *auth.User) ([]string, error) {
	rows, err := db.Query(ctx, `SELECT d.order_id, d.kind FROM order_documents d JOIN orders o ON o.id = d.order_id
		WHERE o.state = 'completed' AND d.kind IN ('sp', 'bast', 'kuitansi') ORDER BY d.order_id, d.kind`)
	if err != nil {
		return nil, err
	}
	type doc struct {
		order int64
		kind  document.Kind
	}
	docs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (doc, error) {
		var d doc
		return d, r.Scan(&d.order, &d.kind)
	})
	if err != nil {
		return nil, err
	}
	as := auth.WithUser(ctx, auditor, "127.0.0.1")
	var mu sync.Mutex
	var broken []string
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(docs); i = int(next.Add(1)) - 1 {
				d := docs[i]
				if _, _, err := svc.Document(as, d.order, d.kind); err != nil {
					mu.Lock()
					broken = append(broken, fmt.Sprintf("%s of order %d does not render to its stored hash: %v", d.kind, d.order, err))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	sort.Strings(broken)
	if len(broken) > 5 {
		broken = append(broken[:5], fmt.Sprintf("... and %d more documents", len(broken)-5))
	}
	return broken, nil
}

// checkAuditChain seals what is pending and verifies the whole chain.
func checkAuditChain(ctx context.Context, db *pgxpool.Pool) ([]string, error) {
	for {
		n, err := audit.Seal(ctx, db)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			break
		}
	}
	rep, err := audit.Verify(ctx, db)
	if err != nil {
		return nil, err
	}
	switch {
	case !rep.OK():
		return []string{fmt.Sprintf("audit chain broken at entry %d: %s", rep.BrokenID, rep.Reason)}, nil
	case rep.Unsealed > 0:
		return []string{fmt.Sprintf("audit chain: %d entries left unsealed", rep.Unsealed)}, nil
	}
	return nil, nil
}

// ---- output ----

var benchSteps = []string{"AddToCart", "PlaceOrder (checkout phase)", "PlaceOrder (lifecycle phase)", "SignSP", "AcceptSP", "Ship",
	"Inspect", "SignBAST", "SendInvoice", "RecordPayment", "ConfirmPayment"}

func (b *orderBench) printSummary(w io.Writer, res benchOrderResult, waits, broken []string) {
	fmt.Fprintf(w, "\nOrders with %d concurrent clients on %d CPUs:\n", res.Clients, res.CPUs)
	fmt.Fprintf(w, "  checkout phase   %6d orders placed in %.1f s: %.1f checkouts/s; PlaceOrder p50 %.1f  p95 %.1f  p99 %.1f ms\n",
		res.Checkouts, b.checkoutTime.Seconds(), res.CheckoutsPerS, res.CheckoutP50, res.CheckoutP95, res.CheckoutP99)
	fmt.Fprintf(w, "  lifecycle phase  %6d orders from the SP to completion in %.1f s: %.1f lifecycles/s\n",
		res.Lifecycles, b.lifecycleTime.Seconds(), res.LifecyclesPerS)
	fmt.Fprintf(w, "  forms sent twice at once with one key: %d\n", res.Retried)
	for _, p := range []struct {
		what string
		d    cpuDelta
		n    int
	}{{"checkout", b.checkoutCPU, b.checkouts}, {"lifecycle", b.lifecycleCPU, b.lifecycles}} {
		if app, db := p.d.per(p.n); app+db > 0 {
			fmt.Fprintf(w, "  CPU per %-9s  %5.1f ms in Lapak + %5.1f ms in PostgreSQL backends: at most %.0f/s on %d CPUs\n",
				p.what, app, db, float64(res.CPUs)*1000/(app+db), res.CPUs)
		}
	}
	fmt.Fprintln(w, "\n  step                             count     p50 ms   p95 ms   p99 ms")
	for _, s := range benchSteps {
		lat := b.stats.latencies(s)
		if len(lat) == 0 {
			continue
		}
		fmt.Fprintf(w, "  %-30s %7d   %7.1f  %7.1f  %7.1f\n", s, len(lat), percentile(lat, 50), percentile(lat, 95), percentile(lat, 99))
	}
	if len(b.stats.refused) > 0 {
		fmt.Fprintf(w, "\n  refusals (%d):\n", res.Refused)
		keys := make([]string, 0, len(b.stats.refused))
		for k := range b.stats.refused {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return b.stats.refused[keys[i]] > b.stats.refused[keys[j]] })
		for _, k := range keys {
			fmt.Fprintf(w, "  %7d  %s\n", b.stats.refused[k], k)
		}
	}
	if len(waits) > 0 {
		fmt.Fprintln(w, "\n  database sessions sampled during the load (share of samples: wait, statement):")
		for _, s := range waits {
			fmt.Fprintln(w, "  "+s)
		}
	}
	fmt.Fprintf(w, "\n  invariants checked in %d ms over %d orders: ", res.CheckMS, res.Orders)
	if len(broken) == 0 {
		fmt.Fprintln(w, "all hold (budgets and ceiling, stock, lines and totals, checkout events, gapless SP/BAST/KW numbers,\n"+
			"  payments, documents re-rendered to their stored hashes, audit chain)")
		return
	}
	fmt.Fprintf(w, "%d BROKEN\n", len(broken))
	for _, s := range broken {
		fmt.Fprintln(w, "    "+s)
	}
}

// benchCommand returns the command for `lapak bench ARGS` other than
// search: the order bench for "order", else the import bench.
func benchCommand(args []string) func(context.Context, []string, func(string) string, io.Writer, io.Writer) error {
	if len(args) > 0 && args[0] == "order" {
		return func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
			return cmdBenchOrder(ctx, args[1:], getenv, stdout, stderr)
		}
	}
	return benchReportsOr(args, cmdBench)
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/opendata"
	"lapak/internal/reporting/reportgen"
	"lapak/internal/server"
	"lapak/internal/wib"
)

// Targets of issue 6 for `lapak bench reports`.
const (
	benchPageTargetMS   = 200   // p95 of every dashboard page, server-side
	benchOCDSTargetRate = 2_000 // releases per second of the full export
	benchOCDSTargetMB   = 100   // peak RSS of the process during the export
)

// benchReportsAuditor signs in to read the dashboards; a cheap hash, as the
// password is public in the source and the database is throwaway.
const (
	benchReportsLogin    = "auditor@bench-report.test"
	benchReportsPassword = "Bench-Laporan-2026"
)

// benchReportsOptions are the flags of `lapak bench reports`.
type benchReportsOptions struct {
	orders, suppliers, opds, years int
	requests                       int // timed requests per page
	ocds                           int // releases to export; 0: every completed order
	url                            string
}

// benchReportsResult is the last line `lapak bench reports` prints.
type benchReportsResult struct {
	Bench          string  `json:"bench"`
	Orders         int64   `json:"orders"`
	Suppliers      int     `json:"suppliers"`
	OPDs           int     `json:"opds"`
	Years          int     `json:"years"`
	Facts          int64   `json:"facts"`
	Flags          int64   `json:"flags"`
	GenerateS      float64 `json:"generate_s"`
	Reports1yP95   float64 `json:"reports_1y_p95_ms"`
	Reports3yP95   float64 `json:"reports_3y_p95_ms"`
	ReportsOPDP95  float64 `json:"reports_opd_p95_ms"`
	DrilldownP95   float64 `json:"drilldown_p95_ms"`
	FlagsP95       float64 `json:"flags_p95_ms"`
	PublicP95      float64 `json:"public_p95_ms"`
	OCDSReleases   int     `json:"ocds_releases"`
	OCDSPerS       float64 `json:"ocds_releases_per_s"`
	OCDSRSSMB      float64 `json:"ocds_rss_mb"`
	Targets        string  `json:"targets"` // "met", or what missed
	RequestsPerURL int     `json:"requests"`
	CPUs           int     `json:"cpus"`
}

// cmdBenchReports generates a regency's years of completed orders, then
// times every dashboard page through the real HTTP handler and the full
// OCDS export.
func cmdBenchReports(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var o benchReportsOptions
	fs := flag.NewFlagSet("bench reports", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.orders, "orders", 1_000_000, "completed orders to generate")
	fs.IntVar(&o.suppliers, "suppliers", 10_000, "suppliers (two listings each)")
	fs.IntVar(&o.opds, "opds", 60, "OPDs (two PPKs, a PP and a treasurer each)")
	fs.IntVar(&o.years, "years", 3, "the orders are spread over this many years up to today")
	fs.IntVar(&o.requests, "requests", 30, "timed requests per page (after one untimed)")
	fs.IntVar(&o.ocds, "ocds", 0, "releases the OCDS export writes (0: every completed order)")
	fs.StringVar(&o.url, "url", "", "use (and keep) the database at this URL; orders generated there before are reused")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: lapak bench reports [flags]\n\nDashboards at scale: generates completed orders (lines, shipment, inspection, payment,\n"+
			"documents) in a fresh database (a throwaway cluster, or a new database on DATABASE_URL), then\n"+
			"times every dashboard page through the HTTP handler, server-side, and streams the full OCDS\n"+
			"export, measuring releases per second and the peak RSS. Prints one line of JSON at the end.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || o.orders < 1 || o.suppliers < 1 || o.opds < 1 ||
		o.years < 1 || o.years > 5 || o.requests < 1 || o.ocds < 0 {
		return errUsage
	}
	return benchReports(ctx, o, getenv("DATABASE_URL"), stdout)
}

// benchReports runs the bench with options o.
func benchReports(ctx context.Context, o benchReportsOptions, dbURL string, stdout io.Writer) error {
	res := benchReportsResult{Bench: "reports", Suppliers: o.suppliers, OPDs: o.opds, Years: o.years,
		RequestsPerURL: o.requests, CPUs: runtime.GOMAXPROCS(0)}
	db, cleanup, err := benchOrderDatabase(ctx, o.url, dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	if err := demo.SeedReference(ctx, db); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Generating %d completed orders of %d OPDs from %d suppliers over %d years (triggers off, then reporting_rebuild):\n",
		o.orders, o.opds, o.suppliers, o.years)
	start := time.Now()
	gen, err := reportgen.Generate(ctx, db, reportgen.Options{Orders: o.orders, Suppliers: o.suppliers, OPDs: o.opds, Years: o.years,
		Progress: func(step string, took time.Duration) { fmt.Fprintf(stdout, "  %-48s %8.1f s\n", step, took.Seconds()) }})
	if err != nil {
		return err
	}
	res.GenerateS = round1(time.Since(start).Seconds())
	res.Orders, res.Facts, res.Flags = gen.Orders, gen.Facts, gen.Flags
	verb := "generated"
	if gen.Reused {
		verb = "reused"
	}
	fmt.Fprintf(stdout, "  %d orders %s in %.1f s: %d spending facts, %d stored red flags\n\n", gen.Orders, verb, res.GenerateS, gen.Facts, gen.Flags)

	b, err := newPageBench(ctx, db, o.requests)
	if err != nil {
		return err
	}
	pages, err := b.pages(ctx, o.years)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Pages through the HTTP handler, server-side, %d requests each after one untimed (signed in as an auditor):\n", o.requests)
	fmt.Fprintln(stdout, "  page                                                         p50 ms   p95 ms   max ms")
	worst := map[string]float64{}
	for _, p := range pages {
		lat, err := b.time(p.path, p.public)
		if err != nil {
			return err
		}
		p50, p95 := percentile(lat, 50), percentile(lat, 95)
		fmt.Fprintf(stdout, "  %-58s %7.1f  %7.1f  %7.1f\n", p.label, p50, p95, percentile(lat, 100))
		if p.key != "" {
			worst[p.key] = max(worst[p.key], p95)
		}
	}
	res.Reports1yP95, res.Reports3yP95, res.ReportsOPDP95 = worst["1y"], worst["3y"], worst["opd"]
	res.DrilldownP95, res.FlagsP95, res.PublicP95 = worst["drill"], worst["flags"], worst["public"]

	fmt.Fprintln(stdout, "\nOCDS export of the completed orders into io.Discard (opendata.Export, one streamed query):")
	ex, err := benchExport(ctx, db, o.ocds)
	if err != nil {
		return err
	}
	res.OCDSReleases, res.OCDSPerS, res.OCDSRSSMB = ex.releases, round1(ex.perS), round1(ex.rssMB)
	fmt.Fprintf(stdout, "  %d releases, %.1f MB of JSON in %.1f s: %.0f releases/s; peak RSS %.1f MB (%s), Go heap in use at most %.1f MB\n",
		ex.releases, float64(ex.bytes)/1e6, ex.took.Seconds(), ex.perS, ex.rssMB, ex.rssHow, ex.heapMB)

	res.Targets = benchReportsVerdict(res, stdout)
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, string(line))
	return nil
}

// benchReportsVerdict prints each target met or missed and sums them up.
func benchReportsVerdict(res benchReportsResult, w io.Writer) string {
	var missed []string
	check := func(what string, ok bool, got string) {
		mark := "met"
		if !ok {
			mark = "MISSED"
			missed = append(missed, what)
		}
		fmt.Fprintf(w, "  %-56s %-7s %s\n", what, mark, got)
	}
	fmt.Fprintln(w, "\nTargets (issue 6):")
	for _, p := range []struct {
		name string
		p95  float64
	}{{"/reports 1 year", res.Reports1yP95}, {"/reports 3 years", res.Reports3yP95}, {"/reports one OPD", res.ReportsOPDP95},
		{"/reports/orders", res.DrilldownP95}, {"/flags", res.FlagsP95}, {"/transparansi", res.PublicP95}} {
		check(p.name+" p95 < 200 ms", p.p95 < benchPageTargetMS, fmt.Sprintf("%.1f ms", p.p95))
	}
	check("OCDS export ≥ 2.000 releases/s", res.OCDSPerS >= benchOCDSTargetRate, fmt.Sprintf("%.0f/s", res.OCDSPerS))
	check("OCDS export peak RSS < 100 MB", res.OCDSRSSMB < benchOCDSTargetMB, fmt.Sprintf("%.1f MB", res.OCDSRSSMB))
	fmt.Fprintln(w)
	if len(missed) == 0 {
		return "met"
	}
	return "missed: " + strings.Join(missed, ", ")
}

// benchFunc is a `lapak bench` subcommand.
type benchFunc = func(context.Context, []string, func(string) string, io.Writer, io.Writer) error

// benchReportsOr returns the reports bench for `lapak bench reports ...`,
// else next.
func benchReportsOr(args []string, next benchFunc) benchFunc {
	if len(args) == 0 || args[0] != "reports" {
		return next
	}
	return func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
		return cmdBenchReports(ctx, args[1:], getenv, stdout, stderr)
	}
}

// ---- pages ----

// pageBench calls the real handler in-process with a signed-in session.
type pageBench struct {
	h        http.Handler
	cookies  []*http.Cookie
	requests int
	db       *pgxpool.Pool
}

// benchPage is a page to time; key groups it under a figure of the JSON line.
type benchPage struct {
	label, path, key string
	public           bool
}

// newPageBench builds the server as internal/app does, over db, and signs
// in a bench auditor.
func newPageBench(ctx context.Context, db *pgxpool.Pool, requests int) (*pageBench, error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := server.New(server.Config{BaseURL: "http://bench.lapak.test"}, db, log)
	b := &pageBench{h: srv.Handler(), requests: requests, db: db}
	if err := ensureBenchAuditor(ctx, db); err != nil {
		return nil, err
	}
	form := url.Values{"login": {benchReportsLogin}, "password": {benchReportsPassword}}
	req := httptest.NewRequest(http.MethodPost, "http://bench.lapak.test/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://bench.lapak.test")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		return nil, fmt.Errorf("bench: sign in as the bench auditor: status %d", rec.Code)
	}
	b.cookies = rec.Result().Cookies()
	return b, nil
}

// ensureBenchAuditor adds the bench's auditor account unless it exists.
func ensureBenchAuditor(ctx context.Context, db *pgxpool.Pool) error {
	hash, err := auth.HashPasswordCheap(benchReportsPassword)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `WITH u AS (
			INSERT INTO users (name, email, password_hash) VALUES ('Auditor Uji Beban', $1, $2)
			ON CONFLICT (email) WHERE email IS NOT NULL DO UPDATE SET password_hash = EXCLUDED.password_hash RETURNING id)
		INSERT INTO user_roles (user_id, role) SELECT id, 'auditor' FROM u ON CONFLICT DO NOTHING`, benchReportsLogin, hash)
	if err != nil {
		return fmt.Errorf("bench: auditor account: %w", err)
	}
	return nil
}

// pages lists the pages to time: the dashboard over one year, the whole
// period and one OPD; the orders behind a figure; the red flags (the page
// of counts over the default year, and the lists); the public page.
func (b *pageBench) pages(ctx context.Context, years int) ([]benchPage, error) {
	now := time.Now().In(wib.Location)
	month := func(back int) string { return now.AddDate(0, -back, 0).Format("2006-01") }
	to := month(0)
	var opd, category int64
	err := b.db.QueryRow(ctx, `SELECT opd_id FROM spending_months GROUP BY 1 ORDER BY sum(amount) DESC LIMIT 1`).Scan(&opd)
	if err != nil {
		return nil, fmt.Errorf("bench: busiest OPD: %w", err)
	}
	if err := b.db.QueryRow(ctx, `SELECT category_id FROM spending_categories GROUP BY 1 ORDER BY sum(amount) LIMIT 1`).Scan(&category); err != nil {
		return nil, fmt.Errorf("bench: smallest category: %w", err)
	}
	all := month(12*years - 1)
	q := func(path string, kv ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return path + "?" + v.Encode()
	}
	o, c := strconv.FormatInt(opd, 10), strconv.FormatInt(category, 10)
	span := fmt.Sprintf("%d years", years)
	return []benchPage{
		{"/reports, last 12 months", q("/reports", "from", month(11), "to", to), "1y", false},
		{"/reports, " + span, q("/reports", "from", all, "to", to), "3y", false},
		{"/reports, " + span + ", busiest OPD", q("/reports", "from", all, "to", to, "opd", o), "opd", false},
		{"/reports, last 12 months, busiest OPD", q("/reports", "from", month(11), "to", to, "opd", o), "opd", false},
		{"/reports/orders, " + span, q("/reports/orders", "from", all, "to", to), "drill", false},
		{"/reports/orders, " + span + ", smallest category", q("/reports/orders", "from", all, "to", to, "category", c), "drill", false},
		{"/reports/orders, busiest OPD × kecamatan", q("/reports/orders", "from", all, "to", to, "opd", o, "kecamatan", "13.11.03"), "drill", false},
		{"/flags (counts, last 12 months)", "/flags", "flags", false},
		{"/flags/repeat_pair (list)", "/flags/repeat_pair", "", false},
		{"/flags/split (list)", "/flags/split", "", false},
		{"/flags/price (list)", "/flags/price", "", false},
		{"/transparansi", "/transparansi", "public", true},
		{"/transparansi, busiest OPD", q("/transparansi", "opd", o), "public", true},
	}, nil
}

// time requests path once untimed, then b.requests times, and returns the
// latencies; anything but 200 is an error.
func (b *pageBench) time(path string, public bool) ([]time.Duration, error) {
	var lat []time.Duration
	for i := range b.requests + 1 {
		req := httptest.NewRequest(http.MethodGet, "http://bench.lapak.test"+path, nil)
		if !public {
			for _, c := range b.cookies {
				req.AddCookie(c)
			}
		}
		rec := httptest.NewRecorder()
		t := time.Now()
		b.h.ServeHTTP(rec, req)
		d := time.Since(t)
		if rec.Code != http.StatusOK {
			body := rec.Body.String()
			return nil, fmt.Errorf("bench: GET %s: status %d: %.300s", path, rec.Code, body)
		}
		if i > 0 {
			lat = append(lat, d)
		}
	}
	return lat, nil
}

// ---- the OCDS export ----

// exportRun is what benchExport measured.
type exportRun struct {
	releases      int
	bytes         int64
	took          time.Duration
	perS          float64
	rssMB, heapMB float64
	rssHow        string
}

// benchExport streams the release package of every completed order (or
// the first limit) into io.Discard. The process's peak RSS is its VmHWM
// after resetting it (/proc/self/clear_refs) once the Go heap is returned
// to the system; where that is not allowed, VmRSS sampled every 50 ms.
func benchExport(ctx context.Context, db *pgxpool.Pool, limit int) (exportRun, error) {
	f := opendata.Filter{Site: opendata.Site{OCIDPrefix: opendata.DefaultOCIDPrefix, BaseURL: "http://bench.lapak.test"}}
	if limit > 0 {
		f.Page, f.PageSize = 1, limit
	}
	debug.FreeOSMemory()
	reset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	var sampled, heap atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			if kb := procStatusKB("VmRSS"); kb > sampled.Load() {
				sampled.Store(kb)
			}
			runtime.ReadMemStats(&ms)
			if v := int64(ms.HeapInuse); v > heap.Load() {
				heap.Store(v)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	var cw countingWriter
	start := time.Now()
	n, err := opendata.Export(ctx, db, &cw, f)
	took := time.Since(start)
	close(stop)
	wg.Wait()
	if err != nil {
		return exportRun{}, err
	}
	run := exportRun{releases: n, bytes: int64(cw), took: took, perS: float64(n) / took.Seconds(), heapMB: float64(heap.Load()) / (1 << 20)}
	run.rssMB, run.rssHow = float64(sampled.Load())/1024, "VmRSS sampled every 50 ms"
	if hwm := procStatusKB("VmHWM"); reset && hwm > 0 {
		run.rssMB, run.rssHow = float64(hwm)/1024, "VmHWM, reset before the export"
	}
	return run, nil
}

// procStatusKB reads a "kB" field of /proc/self/status; 0 when unknown.
func procStatusKB(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0
		}
		return kb
	}
	return 0
}

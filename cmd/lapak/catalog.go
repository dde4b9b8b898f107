package main

import (
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
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/app"
	"lapak/internal/demo"
	"lapak/internal/postgres"
	"lapak/internal/server"
)

// cmdSeedCatalog generates verified suppliers with published listings.
func cmdSeedCatalog(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("seed catalog", getenv, stderr, "Generates verified suppliers with published listings drawn from the SSH sample,\n"+
		"local products and categories, for demos and benchmarks. Reference data is loaded first.")
	suppliers := fs.Int("suppliers", 50, "suppliers to add")
	listings := fs.Int("listings", 1000, "listings to add, spread over the new suppliers")
	photos := fs.Float64("photos", 1, "share of listings with a generated photo (0 to 1)")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "random seed")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if *suppliers < 1 || *listings < 0 || *photos < 0 || *photos > 1 {
		fs.Usage()
		return errUsage
	}
	a, err := app.Open(ctx, *cfg, newLogger(io.Discard), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := demo.SeedReference(ctx, a.DB); err != nil {
		return err
	}
	st, err := demo.SeedCatalog(ctx, a.DB, demo.CatalogOptions{Suppliers: *suppliers, Listings: *listings, Photos: *photos,
		History: true, Seed: *seed, Progress: stdout})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added %d suppliers and %d listings (%d with photos, %d SSH items) in %s\n",
		st.Suppliers, st.Listings, st.Photos, st.SSHItems, st.Took.Round(time.Millisecond))
	return nil
}

// searchBenchResult is the last line `lapak bench search` prints.
type searchBenchResult struct {
	Bench        string  `json:"bench"`
	Listings     int     `json:"listings"`
	Suppliers    int     `json:"suppliers"`
	Queries      int     `json:"queries"`
	P50          float64 `json:"p50_ms"`
	P95          float64 `json:"p95_ms"`
	P99          float64 `json:"p99_ms"`
	RPS          float64 `json:"rps"`
	Clients      int     `json:"clients"`
	LoadP50      float64 `json:"load_p50_ms"`
	LoadP95      float64 `json:"load_p95_ms"`
	LoadP99      float64 `json:"load_p99_ms"`
	ColdP95      float64 `json:"cold_p95_ms"`
	DBShare      float64 `json:"db_share"`
	PageKB       float64 `json:"page_kb"`
	PageGzipKB   float64 `json:"page_gzip_kb"`
	CacheHitRate float64 `json:"cache_hit_rate"`
	LoadSeconds  float64 `json:"load_s"`
	IndexSeconds float64 `json:"index_build_s"`
	IndexMB      float64 `json:"index_mb"`
	TableMB      float64 `json:"table_mb"`
	CPUs         int     `json:"cpus"`
}

// dbTimer adds up the time the pool spends in queries and batches.
type dbTimer struct{ total atomic.Int64 }

type dbStartKey struct{}

func (d *dbTimer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, dbStartKey{}, time.Now())
}

func (d *dbTimer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	if t, ok := ctx.Value(dbStartKey{}).(time.Time); ok {
		d.total.Add(int64(time.Since(t)))
	}
}

func (d *dbTimer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return context.WithValue(ctx, dbStartKey{}, time.Now())
}

func (d *dbTimer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (d *dbTimer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchEndData) {
	if t, ok := ctx.Value(dbStartKey{}).(time.Time); ok {
		d.total.Add(int64(time.Since(t)))
	}
}

// timings records how long the handler took for each request.
type timings struct {
	mu  sync.Mutex
	all []time.Duration
	sum time.Duration
}

func (t *timings) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		d := time.Since(start)
		t.mu.Lock()
		t.all = append(t.all, d)
		t.sum += d
		t.mu.Unlock()
	})
}

// take returns and forgets the durations recorded so far.
func (t *timings) take() ([]time.Duration, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	all, sum := t.all, t.sum
	t.all, t.sum = nil, 0
	return all, sum
}

func percentile(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return ms(s[max(0, min(i, len(s)-1))])
}

func ms(d time.Duration) float64 { return math.Round(float64(d.Microseconds())/10) / 100 }

// searchBenchQueries are what officials type: common and rare words, typos,
// glued words, filters and orders. Deep pages are added after loading.
var searchBenchQueries = []string{
	"q=kertas", "q=kertas+hvs", "q=pembelian+kertas", "q=kertas+hvs+a4+80gram", "q=kerta+hvs", "q=map+plastik", "q=amplop",
	"q=amplop+coklat", "q=tinta+printer", "q=toner", "q=spidol", "q=ballpoint", "q=pulpen", "q=stapler", "q=isolasi", "q=lem",
	"q=gunting", "q=baterai", "q=batery+aa", "q=lampu", "q=kabel", "q=cd+rw", "q=cartridge+canon", "q=kopi", "q=kopi+bubuk+robusta",
	"q=teh+liki", "q=durian", "q=kerupuk", "q=kulit+manis", "q=sewa+tenda", "q=sound+system", "q=nasi+kotak", "q=snack+rapat",
	"q=servis+mobil", "q=ganti+oli", "q=spanduk", "q=songket", "q=sapu", "q=ember", "q=kain+majun", "q=paku", "q=bola", "q=stempel",
	"q=penghapus", "q=penggaris", "q=buku+ekspedisi", "q=spidoll", "q=amplob", "q=kertaz+a4", "q=makadamia", "q=kapulaga",
	"q=pembersih+lantai", "q=tinta+stempel", "q=kertas&kec=13.11.03", "q=kertas&sort=price_asc", "q=tinta&sort=price_desc",
	"q=kertas&min=10.000&max=100.000", "q=tenda&kec=13.11.05", "q=tinta&ssh=1", "q=kertas&scale=kecil&ssh=1&kec=13.11.02",
	"category=1&sort=price_asc", "sort=newest", "local=1", "local=1&q=kopi&sort=price_asc", "kec=13.11.07&scale=menengah",
	"q=" + url.QueryEscape(strings.Repeat("kertas hvs untuk kantor ", 12)), "q=%21%21%21+%3F%3F", "q=ker", "q=penghap",
}

// cmdBenchSearch measures the catalog search page on a generated catalog.
func cmdBenchSearch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listings := fs.Int("listings", 1_000_000, "published listings to generate")
	suppliers := fs.Int("suppliers", 10_000, "verified suppliers to generate")
	clients := fs.Int("clients", 16, "concurrent clients in the throughput run")
	duration := fs.Duration("duration", 20*time.Second, "length of the throughput run")
	rounds := fs.Int("rounds", 5, "times the query mix is run one request at a time")
	verbose := fs.Bool("v", false, "print each query's median time")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: lapak bench search [flags]\n\nGenerates a catalog into a throwaway PostgreSQL cluster (or a new database on\n"+
			"DATABASE_URL), builds the search indexes, then sends a mix of %d searches through the real\n"+
			"HTTP handler: one at a time, then from concurrent clients. Prints the figures and one line of JSON.\n\nFlags:\n", len(searchBenchQueries))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *listings < 1 || *suppliers < 1 || *clients < 1 {
		return errUsage
	}
	res := searchBenchResult{Bench: "search", Listings: *listings, Suppliers: *suppliers, Clients: *clients, CPUs: runtime.GOMAXPROCS(0)}
	dbURL, cleanup, err := searchBenchCluster(ctx, getenv("DATABASE_URL"), stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	timer := &dbTimer{}
	pcfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return err
	}
	pcfg.MaxConns = 20
	pcfg.ConnConfig.RuntimeParams["application_name"] = "lapak-bench"
	pcfg.ConnConfig.RuntimeParams["timezone"] = "Asia/Jakarta"
	pcfg.ConnConfig.Tracer = timer
	db, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := demo.SeedReference(ctx, db); err != nil {
		return err
	}

	// Load with the secondary indexes dropped, then build them and time it.
	indexes, err := dropListingIndexes(ctx, db)
	if err != nil {
		return err
	}
	var super bool
	if err := db.QueryRow(ctx, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Generating %s listings from %s suppliers...\n", thousands(*listings), thousands(*suppliers))
	st, err := demo.SeedCatalog(ctx, db, demo.CatalogOptions{Suppliers: *suppliers, Listings: *listings, Photos: 0.6,
		Seed: 42, BulkLoad: super, Progress: stderr})
	if err != nil {
		return err
	}
	res.LoadSeconds = math.Round(st.Took.Seconds()*10) / 10
	fmt.Fprintf(stdout, "  loaded in %.1f s (%s photos, COPY%s)\n", res.LoadSeconds, thousands(st.Photos), map[bool]string{true: ", triggers off", false: ""}[super])
	start := time.Now()
	conn, err := db.Acquire(ctx)
	if err != nil {
		return err
	}
	_, _ = conn.Exec(ctx, "SET maintenance_work_mem = '512MB'")
	for _, ix := range indexes {
		t := time.Now()
		if _, err := conn.Exec(ctx, ix.def); err != nil {
			conn.Release()
			return fmt.Errorf("bench: build %s: %w", ix.name, err)
		}
		var size int64
		if err := conn.QueryRow(ctx, `SELECT pg_relation_size($1::regclass)`, ix.name).Scan(&size); err != nil {
			conn.Release()
			return err
		}
		fmt.Fprintf(stdout, "  index %-24s %7.1f MB  %5.1f s\n", ix.name, float64(size)/(1<<20), time.Since(t).Seconds())
		res.IndexMB += float64(size) / (1 << 20)
	}
	if _, err := conn.Exec(ctx, "VACUUM ANALYZE listings"); err != nil {
		conn.Release()
		return err
	}
	var table int64
	_ = conn.QueryRow(ctx, `SELECT pg_table_size('listings')`).Scan(&table)
	conn.Release()
	res.IndexSeconds = math.Round(time.Since(start).Seconds()*10) / 10
	res.IndexMB = math.Round(res.IndexMB*10) / 10
	res.TableMB = math.Round(float64(table)/(1<<20)*10) / 10
	fmt.Fprintf(stdout, "  indexes built and table vacuumed in %.1f s; table %.0f MB, search indexes %.1f MB\n", res.IndexSeconds, res.TableMB, res.IndexMB)

	// The real router and services, behind an HTTP server on loopback.
	dataDir, err := os.MkdirTemp("", "lapak-bench-files-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dataDir)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := server.New(server.Config{DataDir: dataDir}, db, log)
	times := &timings{}
	ts := httptest.NewServer(times.wrap(srv.Handler()))
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}, Timeout: 30 * time.Second}

	mix, err := withDeepPages(ctx, client, ts.URL, searchBenchQueries)
	if err != nil {
		return err
	}
	res.Queries = len(mix)
	fetch := func(q string, gzip bool) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/catalog?"+q, nil)
		if err != nil {
			return 0, err
		}
		if gzip {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("bench: GET /catalog?%s: status %d", q, resp.StatusCode)
		}
		return int(n), err
	}
	// Cold: every query once, caches empty (deep pages warmed theirs).
	times.take()
	for _, q := range mix {
		if _, err := fetch(q, true); err != nil {
			return err
		}
	}
	cold, _ := times.take()
	res.ColdP95 = percentile(cold, 95)
	// Page sizes, plain and compressed.
	var largest, largestGz int
	for _, q := range mix {
		n, err := fetch(q, false)
		if err != nil {
			return err
		}
		g, err := fetch(q, true)
		if err != nil {
			return err
		}
		largest, largestGz = max(largest, n), max(largestGz, g)
	}
	res.PageKB, res.PageGzipKB = math.Round(float64(largest)/1024*10)/10, math.Round(float64(largestGz)/1024*10)/10
	// One request at a time: server-side latency.
	times.take()
	timer.total.Store(0)
	for range *rounds {
		for _, q := range mix {
			if _, err := fetch(q, true); err != nil {
				return err
			}
		}
	}
	seq, seqSum := times.take()
	if *verbose {
		for i, q := range mix {
			var d []time.Duration
			for r := range *rounds {
				d = append(d, seq[r*len(mix)+i])
			}
			fmt.Fprintf(stderr, "  %7.2f ms  %s\n", percentile(d, 50), q)
		}
	}
	res.P50, res.P95, res.P99 = percentile(seq, 50), percentile(seq, 95), percentile(seq, 99)
	seqDB := time.Duration(timer.total.Load())
	// Concurrent clients: throughput.
	hits0, misses0 := srv.CatalogCacheStats()
	timer.total.Store(0)
	var done atomic.Int64
	var firstErr error
	var errOnce sync.Once
	runCtx, cancel := context.WithTimeout(ctx, *duration)
	loadStart := time.Now()
	var wg sync.WaitGroup
	for c := range *clients {
		wg.Go(func() {
			r := mrand.New(mrand.NewPCG(uint64(c), 99))
			order := r.Perm(len(mix))
			for i := 0; runCtx.Err() == nil; i++ {
				if _, err := fetch(mix[order[i%len(order)]], true); err != nil {
					if runCtx.Err() == nil {
						errOnce.Do(func() { firstErr = err })
					}
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	cancel()
	elapsed := time.Since(loadStart)
	if firstErr != nil {
		return firstErr
	}
	load, loadSum := times.take()
	hits1, misses1 := srv.CatalogCacheStats()
	res.RPS = math.Round(float64(done.Load())/elapsed.Seconds()*10) / 10
	res.LoadP50, res.LoadP95, res.LoadP99 = percentile(load, 50), percentile(load, 95), percentile(load, 99)
	if h, m := hits1-hits0, misses1-misses0; h+m > 0 {
		res.CacheHitRate = math.Round(float64(h)/float64(h+m)*1000) / 1000
	}
	loadDB := time.Duration(timer.total.Load())
	if loadSum > 0 {
		res.DBShare = math.Round(float64(loadDB)/float64(loadSum)*1000) / 1000
	}

	fmt.Fprintf(stdout, "\nSearch results page, %d queries in the mix (common and rare words, typos, filters, deep pages):\n", len(mix))
	fmt.Fprintf(stdout, "  first request of each query (empty caches)  p95 %7.1f ms\n", res.ColdP95)
	fmt.Fprintf(stdout, "  one at a time, %d rounds, server side       p50 %5.1f  p95 %5.1f  p99 %5.1f ms   (database %4.1f%% of the time)\n",
		*rounds, res.P50, res.P95, res.P99, 100*float64(seqDB)/float64(max(seqSum, 1)))
	fmt.Fprintf(stdout, "  %d concurrent clients for %s                %.0f pages/s; server side p50 %5.1f  p95 %5.1f  p99 %5.1f ms\n",
		*clients, duration.String(), res.RPS, res.LoadP50, res.LoadP95, res.LoadP99)
	fmt.Fprintf(stdout, "  database share of server time under load    %.1f%%;  summary cache hit rate %.1f%%\n", 100*res.DBShare, 100*res.CacheHitRate)
	fmt.Fprintf(stdout, "  largest results page                        %.1f KB, %.1f KB gzipped\n", res.PageKB, res.PageGzipKB)
	line, _ := json.Marshal(res)
	fmt.Fprintln(stdout, string(line))
	return nil
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}

// withDeepPages adds, for a few broad queries, the address of their fifth
// page, found by following the "next page" cursors.
func withDeepPages(ctx context.Context, client *http.Client, base string, mix []string) ([]string, error) {
	out := slices.Clone(mix)
	for _, q := range []string{"q=kertas&sort=price_asc", "q=tinta", "sort=newest", "q=kopi&sort=price_desc", "category=1&sort=price_asc"} {
		next := q
		for page := 1; page < 5; page++ {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/catalog?"+next, nil)
			if err != nil {
				return nil, err
			}
			resp, err := client.Do(req)
			if err != nil {
				return nil, err
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return nil, err
			}
			i := strings.Index(string(body), `rel="next" href="/catalog?`)
			if i < 0 {
				break
			}
			rest := string(body[i+len(`rel="next" href="/catalog?`):])
			next = strings.ReplaceAll(rest[:strings.IndexByte(rest, '"')], "&amp;", "&")
		}
		if next != q {
			out = append(out, next)
		}
	}
	return out, nil
}

type indexDef struct{ name, def string }

// dropListingIndexes drops the secondary indexes of listings (not those of
// constraints) and returns their definitions, to be built after loading.
func dropListingIndexes(ctx context.Context, db *pgxpool.Pool) ([]indexDef, error) {
	rows, err := db.Query(ctx, `SELECT i.indexname, i.indexdef FROM pg_indexes i
		WHERE i.tablename = 'listings' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
		ORDER BY i.indexname`)
	if err != nil {
		return nil, err
	}
	defs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (indexDef, error) {
		var d indexDef
		return d, r.Scan(&d.name, &d.def)
	})
	if err != nil {
		return nil, err
	}
	for _, d := range defs {
		if _, err := db.Exec(ctx, "DROP INDEX "+pgx.Identifier{d.name}.Sanitize()); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

// searchBenchCluster returns a migrated, empty database: a new one on
// DATABASE_URL's server, or a throwaway cluster with 1 GB of shared buffers.
func searchBenchCluster(ctx context.Context, dbURL string, stderr io.Writer) (string, func(), error) {
	var cleanups []func()
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	var target string
	if dbURL != "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		name := "lapak_search_bench_" + hex.EncodeToString(b)
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			return "", nil, fmt.Errorf("bench: connect to DATABASE_URL: %w", err)
		}
		_, err = conn.Exec(ctx, "CREATE DATABASE "+name)
		conn.Close(ctx)
		if err != nil {
			return "", nil, fmt.Errorf("bench: create database: %w", err)
		}
		cleanups = append(cleanups, func() {
			if c, err := pgx.Connect(context.Background(), dbURL); err == nil {
				_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
				c.Close(context.Background())
			}
		})
		u, err := url.Parse(dbURL)
		if err != nil {
			cleanup()
			return "", nil, err
		}
		u.Path = "/" + name
		target = u.String()
	} else {
		dir, err := os.MkdirTemp("", "lapak-search-bench-")
		if err != nil {
			return "", nil, err
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		if err := os.Chmod(dir, 0o755); err != nil { // the postgres user must enter it when run as root
			cleanup()
			return "", nil, err
		}
		local, err := postgres.NewLocal(dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			cleanup()
			return "", nil, err
		}
		local.Fast = true
		if err := local.Start(ctx, "lapak"); err != nil {
			cleanup()
			return "", nil, err
		}
		cleanups = append(cleanups, func() { _ = local.Stop() })
		// The default 128 MB of shared buffers holds a fifth of a million
		// listings; a production server would be given more, as here.
		if c, err := pgx.Connect(ctx, local.URL("postgres")); err == nil {
			_, err = c.Exec(ctx, "ALTER SYSTEM SET shared_buffers = '1GB'")
			c.Close(ctx)
			if err == nil {
				if err := local.Stop(); err != nil {
					cleanup()
					return "", nil, err
				}
				if err := local.Start(ctx, "lapak"); err != nil {
					cleanup()
					return "", nil, err
				}
			}
		}
		target = local.URL("lapak")
	}
	if err := postgres.Migrate(ctx, target); err != nil {
		cleanup()
		return "", nil, err
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		cleanup()
		return "", nil, ctx.Err()
	}
	return target, cleanup, nil
}

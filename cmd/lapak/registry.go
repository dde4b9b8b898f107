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
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/app"
	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/config"
	"lapak/internal/demo"
	"lapak/internal/invitation"
	"lapak/internal/postgres"
	"lapak/internal/registry"
	"lapak/internal/rupiah"
)

// The size of the regency's registry: 9.782 UMKM counted when the rule was drafted.
const registrySize = 9782

// parseWithFile parses flags around one positional FILE argument, so that
// both "FILE --dry-run" and "--dry-run FILE" work.
func parseWithFile(fs *flag.FlagSet, cfg *config.Config, args []string) (string, error) {
	if err := parse(fs, cfg, args); err != nil {
		return "", err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return "", errUsage
	}
	file := rest[0]
	if err := fs.Parse(rest[1:]); err != nil || fs.NArg() > 0 {
		fs.Usage()
		return "", errUsage
	}
	return file, cfg.Validate()
}

func cmdImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "umkm" {
		fmt.Fprintln(stderr, "Usage: lapak import umkm FILE [--dry-run] [flags]")
		return errUsage
	}
	fs, cfg := newFlags("import umkm FILE", getenv, stderr,
		"Reads the dinas's UMKM list (CSV or XLSX), prints what importing it changes and the problems per row,\nthen imports it in one transaction. Rows with problems are skipped.")
	dryRun := fs.Bool("dry-run", false, "only show the preview; import nothing")
	maxProblems := fs.Int("problems", 200, "how many problems to print (0: all)")
	file, err := parseWithFile(fs, cfg, args[1:])
	if err != nil {
		return err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, *cfg, newLogger(io.Discard), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	svc := registry.NewService(a.DB)
	sys := auth.SystemContext(ctx)
	name := filepath.Base(file)
	sum, err := svc.Preview(sys, name, data)
	if err != nil {
		return userError(err)
	}
	printSummary(stdout, sum, *maxProblems)
	if *dryRun {
		fmt.Fprintln(stdout, "\nUji coba (--dry-run): tidak ada yang diimpor.")
		return nil
	}
	done, err := svc.Import(sys, name, data, sum.SHA256)
	if err != nil {
		return userError(err)
	}
	fmt.Fprintf(stdout, "\nImpor #%d selesai: %s usaha baru, %s diperbarui, %s tidak berubah, %s baris dilewati.\n",
		done.ImportID, num(done.Created), num(done.Updated), num(done.Unchanged), num(done.Skipped))
	return nil
}

// userError replaces an error by its message for users, when it has one.
func userError(err error) error {
	if msg := apperr.Message(err); msg != "" {
		return errors.New(msg)
	}
	return err
}

func num(n int) string { return rupiah.FormatPlain(int64(n)) }

// printSummary prints a preview: the file, the counts, the columns and up
// to maxProblems problems (all when 0).
func printSummary(w io.Writer, sum *registry.Summary, maxProblems int) {
	fmt.Fprintf(w, "Berkas %s: %s, %s; judul kolom di baris %d.\n", sum.Filename, sum.Format, sum.Details, sum.HeaderRow)
	var cols []string
	for _, c := range sum.Columns {
		label := "catatan"
		if c.Field != "" {
			label = c.Field.Label()
		}
		cols = append(cols, fmt.Sprintf("%s → %s", c.Header, label))
	}
	fmt.Fprintf(w, "Kolom: %s.\n", strings.Join(cols, "; "))
	fmt.Fprintf(w, "%s baris data: %s baru, %s diperbarui, %s tidak berubah, %s bermasalah (dilewati).\n",
		num(sum.Total), num(sum.Created), num(sum.Updated), num(sum.Unchanged), num(sum.Skipped))
	if len(sum.Problems) == 0 {
		return
	}
	fmt.Fprintln(w, "\nBaris bermasalah:")
	for i, p := range sum.Problems {
		if maxProblems > 0 && i == maxProblems {
			fmt.Fprintf(w, "  ... dan %s masalah lain (--problems 0 menampilkan semuanya).\n", num(len(sum.Problems)-i))
			break
		}
		col := p.Column
		if col == "" {
			col = "baris"
		}
		fmt.Fprintf(w, "  baris %d, %s: %s\n", p.Row, col, p.Message)
	}
}

func cmdSeedRegistry(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, cfg := newFlags("seed registry", getenv, stderr,
		"Generates a synthetic UMKM registry of Solok Selatan. With --out it writes a CSV or XLSX file;\nwithout, it imports the rows into the database through the same path as 'lapak import umkm'.")
	count := fs.Int("count", registrySize, "rows to generate")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same rows")
	mistakes := fs.Int("mistakes", 0, "rows with a deliberate mistake (bad NIK, unknown kecamatan, duplicate...), for testing")
	out := fs.String("out", "", "write this file (.csv or .xlsx) instead of importing")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if *count < 1 || *mistakes < 0 || *mistakes > *count {
		return errors.New("--count must be positive and --mistakes between 0 and --count")
	}
	sh := registry.Generate(registry.GenerateOptions{Count: *count, Seed: *seed, Mistakes: *mistakes})
	if *out != "" {
		var buf bytes.Buffer
		var err error
		switch strings.ToLower(filepath.Ext(*out)) {
		case ".csv":
			err = sh.WriteCSV(&buf, ';')
		case ".xlsx":
			err = sh.WriteXLSX(&buf)
		default:
			return errors.New("--out must end in .csv or .xlsx")
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s baris UMKM sintetis (%s dengan kesalahan sengaja).\n", *out, num(len(sh.Rows)), num(len(sh.Mistakes)))
		return nil
	}
	a, err := app.Open(ctx, *cfg, newLogger(io.Discard), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := demo.SeedReference(ctx, a.DB); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := sh.WriteCSV(&buf, ';'); err != nil {
		return err
	}
	name := fmt.Sprintf("registri-sintetis-%d.csv", *seed)
	svc, sys := registry.NewService(a.DB), auth.SystemContext(ctx)
	sum, err := svc.Preview(sys, name, buf.Bytes())
	if err != nil {
		return userError(err)
	}
	done, err := svc.Import(sys, name, buf.Bytes(), sum.SHA256)
	if err != nil {
		return userError(err)
	}
	printSummary(stdout, done, 20)
	fmt.Fprintf(stdout, "Impor #%d selesai.\n", done.ImportID)
	return nil
}

// benchImportResult is the last line `lapak bench import` prints.
type benchImportResult struct {
	Bench           string  `json:"bench"`
	Rows            int     `json:"rows"`
	Format          string  `json:"format"`
	FileBytes       int     `json:"file_bytes"`
	SetupMS         int64   `json:"setup_ms"`
	PreviewMS       int64   `json:"preview_ms"`
	ImportMS        int64   `json:"import_ms"`
	Created         int     `json:"created"`
	ReimportMS      int64   `json:"reimport_ms"`
	ReimportWritten int     `json:"reimport_written"` // rows the second import wrote, by its count and by xmin
	PeakHeapMB      float64 `json:"peak_heap_mb"`     // live heap, sampled during the imports
	AllocMB         float64 `json:"alloc_mb"`         // allocated by the first import
	ImportRSSMB     float64 `json:"import_rss_mb"`    // peak resident memory up to the end of the imports
	MaxRSSMB        float64 `json:"max_rss_mb"`       // peak resident memory of the whole process, letters included
	CPUs            int     `json:"cpus"`
	InviteMS        int64   `json:"invite_ms"`     // issuing a code for every business
	LettersMS       int64   `json:"letters_ms"`    // rendering every letter into one PDF
	LetterPages     int     `json:"letter_pages"`  // pages in that PDF
	LettersBytes    int64   `json:"letters_bytes"` // its size
}

func cmdBench(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprintln(stderr, "Usage: lapak bench import [--rows N] [--seed N] [--format csv|xlsx]")
		return errUsage
	}
	fs := flag.NewFlagSet("bench import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rows := fs.Int("rows", registrySize, "rows to generate and import")
	seed := fs.Uint64("seed", 1, "random seed of the generated registry")
	format := fs.String("format", "csv", "file format: csv or xlsx")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: lapak bench import [flags]\n\nImports a generated registry into a fresh database (a throwaway cluster,\n"+
			"or a new database on DATABASE_URL), imports it again, and prints the figures and one line of JSON.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 || (*format != "csv" && *format != "xlsx") || *rows < 1 {
		return errUsage
	}
	res := benchImportResult{Bench: "import", Rows: *rows, Format: *format, CPUs: runtime.GOMAXPROCS(0)}

	start := time.Now()
	db, cleanup, err := benchDatabase(ctx, getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer cleanup()
	if err := demo.SeedReference(ctx, db); err != nil {
		return err
	}
	res.SetupMS = time.Since(start).Milliseconds()

	sh := registry.Generate(registry.GenerateOptions{Count: *rows, Seed: *seed})
	var buf bytes.Buffer
	if *format == "xlsx" {
		err = sh.WriteXLSX(&buf)
	} else {
		err = sh.WriteCSV(&buf, ';')
	}
	if err != nil {
		return err
	}
	data := buf.Bytes()
	res.FileBytes = len(data)
	name := "registri-bench." + *format
	svc, sys := registry.NewService(db), auth.SystemContext(ctx)

	peak := sampleHeap()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	t := time.Now()
	prev, err := svc.Preview(sys, name, data)
	if err != nil {
		return userError(err)
	}
	res.PreviewMS = time.Since(t).Milliseconds()
	t = time.Now()
	first, err := svc.Import(sys, name, data, prev.SHA256)
	if err != nil {
		return userError(err)
	}
	res.ImportMS = time.Since(t).Milliseconds()
	runtime.ReadMemStats(&after)
	res.AllocMB = mb(after.TotalAlloc - before.TotalAlloc)
	res.Created = first.Created
	if first.Created != *rows {
		return fmt.Errorf("bench: first import created %d of %d rows (%d skipped)", first.Created, *rows, first.Skipped)
	}

	stamp, err := rowVersions(ctx, db)
	if err != nil {
		return err
	}
	t = time.Now()
	again, err := svc.Import(sys, name, data, prev.SHA256)
	if err != nil {
		return userError(err)
	}
	res.ReimportMS = time.Since(t).Milliseconds()
	stamp2, err := rowVersions(ctx, db)
	if err != nil {
		return err
	}
	res.ReimportWritten = again.Written()
	if stamp2 != stamp && res.ReimportWritten == 0 {
		res.ReimportWritten = -1 // rows were written though the import counted none
	}
	res.PeakHeapMB = mb(peak())

	var ruImport syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ruImport); err == nil {
		res.ImportRSSMB = math.Round(float64(ruImport.Maxrss)/1024*10) / 10
	}

	// Invitation letters for every business of the registry, in one PDF.
	rowsIDs, err := db.Query(ctx, "SELECT id FROM registry_entries ORDER BY id")
	if err != nil {
		return err
	}
	entryIDs, err := pgx.CollectRows(rowsIDs, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	inv := invitation.NewService(db, "http://127.0.0.1:8080")
	var issued []invitation.Issued
	t = time.Now()
	for start := 0; start < len(entryIDs); start += invitation.MaxBatch {
		batch, err := inv.Issue(sys, entryIDs[start:min(start+invitation.MaxBatch, len(entryIDs))])
		if err != nil {
			return userError(err)
		}
		issued = append(issued, batch.Issued...)
	}
	res.InviteMS = time.Since(t).Milliseconds()
	var pdfSize countingWriter
	t = time.Now()
	if err := invitation.WriteLetters(&pdfSize, issued, time.Now()); err != nil {
		return err
	}
	res.LettersMS = time.Since(t).Milliseconds()
	res.LetterPages, res.LettersBytes = len(issued), int64(pdfSize)

	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		res.MaxRSSMB = math.Round(float64(ru.Maxrss)/1024*10) / 10 // Maxrss is in kilobytes on Linux
	}

	fmt.Fprintf(stdout, "Imported %s generated UMKM (%s, %.1f MB) on %d CPUs\n", num(*rows), strings.ToUpper(*format), float64(len(data))/(1<<20), res.CPUs)
	fmt.Fprintf(stdout, "  database setup       %6d ms\n", res.SetupMS)
	fmt.Fprintf(stdout, "  preview              %6d ms\n", res.PreviewMS)
	fmt.Fprintf(stdout, "  import               %6d ms  (%s created)\n", res.ImportMS, num(res.Created))
	fmt.Fprintf(stdout, "  re-import            %6d ms  (%s unchanged, %d written)\n", res.ReimportMS, num(again.Unchanged), res.ReimportWritten)
	fmt.Fprintf(stdout, "  peak live heap       %6.1f MB\n", res.PeakHeapMB)
	fmt.Fprintf(stdout, "  allocated by import  %6.1f MB\n", res.AllocMB)
	fmt.Fprintf(stdout, "  max RSS after import %6.1f MB\n", res.ImportRSSMB)
	fmt.Fprintf(stdout, "  issue invitations    %6d ms  (%s codes)\n", res.InviteMS, num(res.LetterPages))
	fmt.Fprintf(stdout, "  letters PDF          %6d ms  (%s pages, %.1f MB)\n", res.LettersMS, num(res.LetterPages), float64(res.LettersBytes)/(1<<20))
	fmt.Fprintf(stdout, "  max RSS (process)    %6.1f MB\n", res.MaxRSSMB)
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, string(line))
	if res.ReimportWritten != 0 {
		return errors.New("bench: the re-import wrote rows; it must write none")
	}
	return nil
}

// mb converts bytes to megabytes, rounded to one decimal.
func mb(b uint64) float64 { return math.Round(float64(b)/(1<<20)*10) / 10 }

// sampleHeap samples the live heap every few milliseconds until the returned
// function is called, which returns the peak seen.
func sampleHeap() func() uint64 {
	var mu sync.Mutex
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			mu.Lock()
			peak = max(peak, s[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// rowVersions identifies the stored version of every registry row (any
// write gives a row a new xmin), to prove that a re-import wrote nothing.
func rowVersions(ctx context.Context, db *pgxpool.Pool) (string, error) {
	var s string
	err := db.QueryRow(ctx, `SELECT md5(coalesce(string_agg(id || ':' || xmin::text, ',' ORDER BY id), '')) FROM registry_entries`).Scan(&s)
	return s, err
}

// benchDatabase returns a pool on a fresh, migrated database: a new database
// on the server of dbURL when given, else a throwaway fast cluster in a
// temporary folder. cleanup drops or stops it.
func benchDatabase(ctx context.Context, dbURL string) (*pgxpool.Pool, func(), error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var cleanups []func()
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	target := ""
	if dbURL != "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		name := "lapak_bench_" + hex.EncodeToString(b)
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			return nil, nil, fmt.Errorf("bench: connect to DATABASE_URL: %w", err)
		}
		_, err = conn.Exec(ctx, "CREATE DATABASE "+name)
		conn.Close(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("bench: create database: %w", err)
		}
		cleanups = append(cleanups, func() {
			c, err := pgx.Connect(context.Background(), dbURL)
			if err == nil {
				_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
				c.Close(context.Background())
			}
		})
		u, err := url.Parse(dbURL)
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		u.Path = "/" + name
		target = u.String()
	} else {
		dir, err := os.MkdirTemp("", "lapak-bench-")
		if err != nil {
			return nil, nil, err
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		// The postgres user must be able to enter it when run as root.
		if err := os.Chmod(dir, 0o755); err != nil {
			cleanup()
			return nil, nil, err
		}
		local, err := postgres.NewLocal(dir, log)
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		local.Fast = true
		if err := local.Start(ctx, "lapak"); err != nil {
			cleanup()
			return nil, nil, err
		}
		cleanups = append(cleanups, func() { _ = local.Stop() })
		target = local.URL("lapak")
	}
	if err := postgres.Migrate(ctx, target); err != nil {
		cleanup()
		return nil, nil, err
	}
	db, err := postgres.Open(ctx, target)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	cleanups = append(cleanups, db.Close)
	return db, cleanup, nil
}

// countingWriter counts the bytes written to it and keeps none.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"lapak/internal/postgres/pgtest"
)

func countRegistryRows(t *testing.T, url, query string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A generated file goes through `import umkm`: the dry run only previews,
// the import stores the good rows, and importing again changes nothing.
func TestRun_ImportUMKM(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	file := filepath.Join(t.TempDir(), "registri.xlsx")
	out, err := lapak(t, url, "seed", "registry", "--count", "120", "--mistakes", "6", "--seed", "4", "--out", file)
	if err != nil {
		t.Fatalf("seed registry --out: %v\n%s", err, out)
	}
	if _, err := os.Stat(file); err != nil {
		t.Fatal(err)
	}
	if out, err := lapak(t, url, "seed", "reference"); err != nil {
		t.Fatalf("seed reference: %v\n%s", err, out)
	}
	out, err = lapak(t, url, "import", "umkm", file, "--dry-run")
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	for _, want := range []string{"120 baris data: 114 baru, 0 diperbarui, 0 tidak berubah, 6 bermasalah", "Baris bermasalah:", "tidak ada yang diimpor"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if n := countRegistryRows(t, url, "SELECT count(*) FROM registry_entries"); n != 0 {
		t.Fatalf("dry run stored %d rows", n)
	}
	out, err = lapak(t, url, "import", "umkm", "--problems", "2", file)
	if err != nil || !strings.Contains(out, "114 usaha baru") || !strings.Contains(out, "dan 4 masalah lain") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err = lapak(t, url, "import", "umkm", file)
	if err != nil || !strings.Contains(out, "0 usaha baru, 0 diperbarui, 114 tidak berubah") {
		t.Fatalf("import again: %v\n%s", err, out)
	}
	out, err = lapak(t, url, "import", "umkm", filepath.Join(t.TempDir(), "kosong.csv"))
	if err == nil {
		t.Errorf("missing file: no error\n%s", out)
	}
	empty := filepath.Join(t.TempDir(), "kosong.csv")
	os.WriteFile(empty, nil, 0o600)
	if _, err := lapak(t, url, "import", "umkm", empty); err == nil || err.Error() != "Berkas kosong. Pilih berkas daftar UMKM yang berisi data." {
		t.Errorf("empty file: got %v, want the message for users", err)
	}
}

// Without --out, `seed registry` imports into the database.
func TestRun_SeedRegistry(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	out, err := lapak(t, url, "seed", "registry", "--count", "40")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if n := countRegistryRows(t, url, "SELECT count(*) FROM registry_entries"); n != 40 {
		t.Errorf("%d entries, want 40\n%s", n, out)
	}
	if n := countRegistryRows(t, url, "SELECT count(*) FROM audit_log WHERE action = 'registry.import'"); n != 1 {
		t.Errorf("%d audit entries, want 1", n)
	}
}

// `bench import` on a server given by DATABASE_URL ends with one line of JSON.
func TestRun_BenchImport(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	var stdout, stderr bytes.Buffer
	env := map[string]string{"DATABASE_URL": url}
	err := run(context.Background(), []string{"bench", "import", "--rows", "300"}, func(k string) string { return env[k] }, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, stdout.String(), stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var res struct {
		Bench           string  `json:"bench"`
		Rows            int     `json:"rows"`
		ImportMS        int64   `json:"import_ms"`
		ReimportWritten int     `json:"reimport_written"`
		MaxRSSMB        float64 `json:"max_rss_mb"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		t.Fatalf("last line is not JSON: %v\n%s", err, stdout.String())
	}
	if res.Bench != "import" || res.Rows != 300 || res.ReimportWritten != 0 || res.MaxRSSMB <= 0 {
		t.Errorf("result %+v", res)
	}
	if n := countRegistryRows(t, url, "SELECT count(*) FROM pg_database WHERE datname LIKE 'lapak_bench_%'"); n != 0 {
		t.Errorf("%d bench databases left behind", n)
	}
}

package postgres_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/postgres"
)

// The embedded cluster survives the two faults users meet: Lapak killed
// without stopping it (the next start reuses it) and its postgres process
// dying under a running Lapak (Watch restarts it).
func TestLocal_ReuseAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL clusters: not in -short runs")
	}
	t.Parallel()
	dir, err := os.MkdirTemp("", "lapak-local-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()

	first, err := postgres.NewLocal(dir, log)
	if err != nil {
		t.Fatal(err)
	}
	first.Fast = true
	if err := first.Start(ctx, "lapak"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = first.Stop() })
	query := func(l *postgres.Local) error {
		conn, err := pgx.Connect(ctx, l.URL("lapak"))
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		return conn.Ping(ctx)
	}
	if err := query(first); err != nil {
		t.Fatalf("first start: %v", err)
	}

	// A second Lapak on the same folder (as after a crash) reuses the running server.
	second, err := postgres.NewLocal(dir, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Start(ctx, "lapak"); err != nil {
		t.Fatalf("reuse: %v", err)
	}
	if err := query(second); err != nil {
		t.Fatalf("reuse: %v", err)
	}

	// Kill the postmaster; Watch must bring it back.
	pidFile, err := os.ReadFile(filepath.Join(second.Dir, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(pidFile), "\n", 2)[0]))
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go second.Watch(wctx, 200*time.Millisecond)
	deadline := time.Now().Add(30 * time.Second)
	for query(second) != nil {
		if time.Now().After(deadline) {
			t.Fatal("postgres was not restarted within 30 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	cancel()
	if err := second.Stop(); err != nil {
		t.Fatal(err)
	}
	if second.Running(ctx) {
		t.Error("still running after Stop")
	}
}

func TestNewLocal_NoBinariesNamesTheFix(t *testing.T) {
	if !strings.Contains(postgres.ErrNoBinaries.Error(), "install the postgresql package") ||
		!strings.Contains(postgres.ErrNoBinaries.Error(), "DATABASE_URL") {
		t.Errorf("message %q does not name the fix", postgres.ErrNoBinaries)
	}
}

package demo_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/reporting"
	"lapak/internal/supplier"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func count(t *testing.T, db *pgxpool.Pool, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// tables are counted before and after a second run, which must write nothing.
var tables = []string{"registry_entries", "registry_imports", "invitations", "suppliers", "users", "user_roles",
	"supplier_documents", "trainings", "training_participants", "audit_log", "outbox_emails"}

func snapshot(t *testing.T, db *pgxpool.Pool) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range tables {
		out[tb] = count(t, db, "SELECT count(*) FROM "+tb)
	}
	return out
}

// The demo regency's onboarding funnel has businesses at every stage, in
// every kecamatan, left there through the domain services; seeding again
// changes nothing.
func TestSeedOnboarding(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	dataDir := t.TempDir()
	users := auth.NewService(db, "http://127.0.0.1:8080", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if _, err := demo.Seed(ctx, db, users); err != nil {
		t.Fatalf("seed: %v", err)
	}
	start := time.Now()
	if err := demo.SeedOnboarding(ctx, db, dataDir, "http://127.0.0.1:8080"); err != nil {
		t.Fatalf("seed onboarding: %v", err)
	}
	t.Logf("SeedOnboarding took %v", time.Since(start).Round(time.Millisecond))

	before := snapshot(t, db)
	start = time.Now()
	if err := demo.SeedOnboarding(ctx, db, dataDir, "http://127.0.0.1:8080"); err != nil {
		t.Fatalf("second seed onboarding: %v", err)
	}
	t.Logf("second SeedOnboarding took %v", time.Since(start).Round(time.Millisecond))
	if diff := cmp.Diff(before, snapshot(t, db)); diff != "" {
		t.Errorf("a second run wrote rows (-before +after):\n%s", diff)
	}

	// The funnel: something at every onboarding stage, fewer at each next
	// one up to training. Listing, ordering and payment follow verification
	// but not training (a business may sell before its pembekalan), so they
	// are bounded by verification and by each other.
	f, err := reporting.NewService(db).Funnel(auth.SystemContext(ctx), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("funnel totals %v", f.Total.Counts)
	const trained, verified = 5, 4
	for i, s := range reporting.Stages {
		n := f.Total.Counts[i]
		if n == 0 && i <= trained+1 {
			t.Errorf("funnel stage %q is empty", s.Label)
		}
		switch {
		case i > 0 && i <= trained && n >= f.Total.Counts[i-1]:
			t.Errorf("funnel stage %q has %d, not fewer than %q (%d)", s.Label, n, reporting.Stages[i-1].Label, f.Total.Counts[i-1])
		case i > trained && n > f.Total.Counts[verified]:
			t.Errorf("funnel stage %q has %d, more than verified (%d)", s.Label, n, f.Total.Counts[verified])
		case i > trained+1 && n > f.Total.Counts[i-1]:
			t.Errorf("funnel stage %q has %d, more than %q (%d)", s.Label, n, reporting.Stages[i-1].Label, f.Total.Counts[i-1])
		}
	}
	for _, r := range f.Rows {
		for i := range 3 { // registry, invited, activated
			if r.Counts[i] == 0 {
				t.Errorf("kecamatan %s has nobody at stage %q", r.Name, reporting.Stages[i].Label)
			}
		}
	}
	if n := len(f.Rows); n != 7 {
		t.Errorf("funnel has %d kecamatan, want 7", n)
	}

	// Suppliers from the registry at every status, spread over the regency.
	statuses := map[string]int{}
	rows, err := db.Query(ctx, `SELECT status, count(*) FROM suppliers WHERE origin = 'invitation' GROUP BY status`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		statuses[s] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"draft": 16, "submitted": 12, "returned": 3, "verified": 15, "suspended": 1}
	if diff := cmp.Diff(want, statuses); diff != "" {
		t.Errorf("registry suppliers by status (-want +got):\n%s", diff)
	}
	if n := count(t, db, `SELECT count(DISTINCT kecamatan_code) FROM suppliers WHERE origin = 'invitation' AND status = 'verified'`); n != 7 {
		t.Errorf("verified suppliers in %d kecamatan, want all 7", n)
	}
	if n := count(t, db, `SELECT count(*) FROM suppliers WHERE status = 'returned' AND review_note = ''`); n != 0 {
		t.Errorf("%d returned suppliers without a reason", n)
	}
	if n := count(t, db, `SELECT count(*) FROM suppliers WHERE status = 'suspended' AND suspended_reason <> ''`); n != 1 {
		t.Errorf("%d suspended suppliers with a reason, want 1", n)
	}
	if n := count(t, db, `SELECT count(*) FROM suppliers WHERE origin = 'assisted' AND status = 'draft'`); n != 2 {
		t.Errorf("%d assisted registrations, want 2", n)
	}

	// The import went through the normal path, and Koperindag's officer did it.
	if n := count(t, db, `SELECT count(*) FROM registry_imports i JOIN users u ON u.id = i.imported_by
		WHERE u.email = 'koperindag@lapak.test' AND i.created = 400`); n != 1 {
		t.Errorf("%d imports of 400 businesses by the Koperindag account, want 1", n)
	}
	for _, action := range []string{"registry.import", "invitation.issue", "invitation.activate", "supplier.submit",
		"supplier.verify", "supplier.return", "supplier.suspend", "supplier.register_assisted", "supplier_document.upload",
		"training.attendance"} {
		if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = $1`, action); n == 0 {
			t.Errorf("no %s in the audit trail", action)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM outbox_emails WHERE to_address NOT LIKE '%.test'`); n != 0 {
		t.Errorf("%d e-mails queued to addresses outside .test", n)
	}

	// Trainings: a past one with attendance, an upcoming one.
	if n := count(t, db, `SELECT count(*) FROM trainings t WHERE t.starts_at < now()
		AND (SELECT count(*) FROM training_participants p WHERE p.training_id = t.id) = 12
		AND (SELECT count(*) FROM training_participants p WHERE p.training_id = t.id AND p.attended) = 9`); n != 1 {
		t.Errorf("%d past trainings with 12 invited and 9 attending, want 1", n)
	}
	if n := count(t, db, `SELECT count(*) FROM trainings WHERE starts_at > now()`); n != 1 {
		t.Errorf("%d upcoming trainings, want 1", n)
	}

	// Kopi Sangir Jaya is verified with a complete profile and accepted documents.
	var ksj supplier.Supplier
	var ksjID int64
	if err := db.QueryRow(ctx, `SELECT id FROM suppliers WHERE name = 'Kopi Sangir Jaya'`).Scan(&ksjID); err != nil {
		t.Fatal(err)
	}
	ksj, err = supplier.NewService(db).Supplier(auth.SystemContext(ctx), ksjID)
	if err != nil {
		t.Fatal(err)
	}
	if ksj.Status != supplier.StatusVerified || ksj.NIB == "" || ksj.BankAccountNo == "" || ksj.Products == "" {
		t.Errorf("Kopi Sangir Jaya: status %s, NIB %q, account %q, products %q", ksj.Status, ksj.NIB, ksj.BankAccountNo, ksj.Products)
	}
	if n := count(t, db, `SELECT count(*) FROM supplier_documents WHERE supplier_id = $1 AND status = 'accepted'`, ksjID); n < 7 {
		t.Errorf("Kopi Sangir Jaya has %d accepted documents, want its required ones and more", n)
	}

	// Every document's file is on disk where the server looks for it.
	rows, err = db.Query(ctx, `SELECT blob_key, size_bytes FROM supplier_documents`)
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for rows.Next() {
		var key string
		var size int64
		if err := rows.Scan(&key, &size); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(filepath.Join(dataDir, "files", key[0:2], key[2:4], key))
		switch {
		case err != nil:
			t.Errorf("document file: %v", err)
		case fi.Size() != size:
			t.Errorf("document file %s has %d bytes, the row says %d", key, fi.Size(), size)
		}
		files++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if files < 150 {
		t.Errorf("%d documents, want at least 150", files)
	}
	t.Logf("%d documents", files)
}

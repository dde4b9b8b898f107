package rules_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/postgres"
	"lapak/internal/rules"
	"lapak/internal/rules/rulestest"
	"lapak/internal/wib"
)

func TestCheck_Ceiling(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name    string
		total   int64
		verdict rules.Verdict
		message string
	}{
		{"Rp1 lolos", 1, rules.Pass, "Nilai pesanan Rp1 tidak melebihi batas Rp200.000.000."},
		{"tepat Rp200.000.000 lolos", 200_000_000, rules.Pass, "Nilai pesanan Rp200.000.000 tidak melebihi batas Rp200.000.000."},
		{"Rp200.000.001 ditolak", 200_000_001, rules.Refuse,
			"Nilai pesanan Rp200.000.001 melebihi batas Rp200.000.000 untuk e-marketplace UMKM. Gunakan tender atau e-Katalog nasional."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := f.check(t, f.candidate(tt.total))
			r := result(t, o, rules.Ceiling)
			if r.Verdict != tt.verdict || r.Message != tt.message {
				t.Errorf("got %s %q, want %s %q", r.Verdict, r.Message, tt.verdict, tt.message)
			}
			if r.VersionID == 0 || r.Version != 1 || !strings.Contains(r.LegalBasis, "Perbup Solok Selatan (rancangan") {
				t.Errorf("version %d (#%d), legal basis %q", r.Version, r.VersionID, r.LegalBasis)
			}
			if o.Refused() != (tt.verdict == rules.Refuse) || o.Allowed() == (tt.verdict == rules.Refuse) {
				t.Errorf("Refused %v Allowed %v", o.Refused(), o.Allowed())
			}
		})
	}
}

func TestCheck_EligibleSupplier(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		supplier string
		verdict  rules.Verdict
		says     []string
	}{
		{"ok", rules.Pass, []string{"Kopi Sangir Jaya terverifikasi", "mikro", "Kecamatan Sangir"}},
		{"menengah", rules.Pass, []string{"menengah"}},
		{"draft", rules.Refuse, []string{"belum diverifikasi Koperindag", "Pilih penyedia lain"}},
		{"submitted", rules.Refuse, []string{"belum diverifikasi Koperindag (status: menunggu verifikasi)"}},
		{"suspended", rules.Refuse, []string{"sedang dibekukan", "NIB tidak aktif"}},
		{"besar", rules.Refuse, []string{"bukan skala usaha yang dapat menerima pesanan", "e-Katalog nasional"}},
		{"noscale", rules.Refuse, []string{"belum mencatat skala usahanya"}},
		{"nowhere", rules.Refuse, []string{"tidak tercatat berdomisili di Kabupaten Solok Selatan"}},
	}
	for _, tt := range tests {
		t.Run(tt.supplier, func(t *testing.T) {
			c := f.candidate(1_000_000)
			c.SupplierID = f.sup[tt.supplier]
			r := result(t, f.check(t, c), rules.EligibleSupplier)
			if r.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s (%s)", r.Verdict, tt.verdict, r.Message)
			}
			for _, s := range tt.says {
				if !strings.Contains(r.Message, s) {
					t.Errorf("message %q does not say %q", r.Message, s)
				}
			}
		})
	}
	c := f.candidate(1_000_000)
	c.SupplierID = 999_999
	if r := result(t, f.check(t, c), rules.EligibleSupplier); r.Verdict != rules.Refuse {
		t.Errorf("unknown supplier: %s", r.Verdict)
	}
}

func TestCheck_PackageBudget(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.ledger.Add(rulestest.Order{ID: 1, OPDID: f.opd, PackageID: f.pkg["small"], Total: 30_000_000, PlacedAt: now.AddDate(0, -3, 0)})
	f.ledger.Add(rulestest.Order{ID: 2, OPDID: f.opd, PackageID: f.pkg["big"], Total: 150_000_000, PlacedAt: now.AddDate(0, -3, 0)})
	tests := []struct {
		name    string
		pkg     string
		orderID int64
		total   int64
		verdict rules.Verdict
		says    string
	}{
		{"pagu Rp50 juta, berjalan Rp30 juta, pesanan tepat sisa Rp20.000.000", "small", 0, 20_000_000, rules.Pass, "tersisa Rp0"},
		{"pesanan Rp20.000.001 melebihi sisa pagu", "small", 0, 20_000_001, rules.Refuse,
			"Sisa pagu paket RUP 41230002 tinggal Rp20.000.000 (pagu Rp50.000.000, pesanan berjalan Rp30.000.000), sedangkan pesanan ini Rp20.000.001."},
		{"pemeriksaan ulang tidak menghitung pesanan sendiri", "small", 1, 50_000_000, rules.Pass, "tersisa Rp0"},
		{"paket Rp500 juta, berjalan Rp150 juta, pesanan Rp50.000.000 tepat batas Rp200 juta", "big", 0, 50_000_000, rules.Pass, "tersisa Rp300.000.000"},
		{"pesanan Rp50.000.001 membuat paket melewati Rp200 juta", "big", 0, 50_000_001, rules.Refuse,
			"Pesanan berjalan pada paket RUP 41230001 akan berjumlah Rp200.000.001, melebihi batas Rp200.000.000"},
		{"paket tidak aktif", "inactive", 0, 1_000, rules.Refuse, "tidak aktif"},
		{"paket tahun anggaran lalu", "lastyear", 0, 1_000, rules.Refuse, "untuk tahun anggaran 2025, sedangkan pesanan dibuat pada tahun 2026"},
		{"paket OPD lain", "other", 0, 1_000, rules.Refuse, "bukan OPD pemesan"},
		{"tanpa paket", "", 0, 1_000, rules.Refuse, "belum memilih paket RUP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.candidate(tt.total)
			c.PackageID = f.pkg[tt.pkg]
			c.OrderID = tt.orderID
			r := result(t, f.check(t, c), rules.PackageBudget)
			if r.Verdict != tt.verdict || !strings.Contains(r.Message, tt.says) {
				t.Errorf("got %s %q, want %s saying %q", r.Verdict, r.Message, tt.verdict, tt.says)
			}
		})
	}
	c := f.candidate(1_000)
	c.PackageID = 999_999
	if r := result(t, f.check(t, c), rules.PackageBudget); r.Verdict != rules.Refuse || !strings.Contains(r.Message, "tidak ditemukan") {
		t.Errorf("unknown package: %s %q", r.Verdict, r.Message)
	}
}

func TestCheck_Split(t *testing.T) {
	t.Parallel()
	type prior struct {
		daysAgo int
		opd     string // "" is DINKES
		cat     string // "atk" or "mamin"
		total   int64
	}
	tests := []struct {
		name    string
		prior   []prior
		total   int64
		verdict rules.Verdict
		says    string
	}{
		{"tanpa pesanan sebelumnya", nil, 150_000_000, rules.Pass, "Tidak ada tanda pemecahan"},
		{"Rp150 juta 29 hari lalu + Rp50 juta = tepat Rp200 juta", []prior{{29, "", "atk", 150_000_000}}, 50_000_000, rules.Pass, ""},
		{"Rp150 juta 29 hari lalu + Rp50.000.001 melewati batas", []prior{{29, "", "atk", 150_000_000}}, 50_000_001, rules.NeedsJustification,
			"Dalam 30 hari terakhir OPD ini sudah memesan Rp150.000.000 pada kategori Alat tulis kantor (ATK); bersama pesanan ini jumlahnya Rp200.000.001"},
		{"tepat 30 hari lalu masih dihitung", []prior{{30, "", "atk", 150_000_000}}, 50_000_001, rules.NeedsJustification, "melebihi batas"},
		{"31 hari lalu di luar jangka", []prior{{31, "", "atk", 150_000_000}}, 50_000_001, rules.Pass, ""},
		{"kategori lain tidak dijumlahkan", []prior{{5, "", "mamin", 150_000_000}}, 50_000_001, rules.Pass, ""},
		{"OPD lain tidak dijumlahkan", []prior{{5, "other", "atk", 150_000_000}}, 50_000_001, rules.Pass, ""},
		{"mengumpul di bawah Rp10 juta: Rp9.600.000 lalu Rp9.500.000", []prior{{3, "", "atk", 9_600_000}}, 9_500_000, rules.NeedsJustification,
			"Pesanan ini (Rp9.500.000) dan 1 pesanan lain OPD ini pada kategori yang sama dalam 30 hari terakhir bernilai sedikit di bawah Rp10.000.000."},
		{"tepat Rp10.000.000 termasuk jenjang", []prior{{3, "", "atk", 9_600_000}}, 10_000_000, rules.NeedsJustification, "sedikit di bawah Rp10.000.000"},
		{"Rp9.499.999 di luar margin 5%", []prior{{3, "", "atk", 9_600_000}}, 9_499_999, rules.Pass, ""},
		{"Rp10.000.001 di atas jenjang", []prior{{3, "", "atk", 9_600_000}}, 10_000_001, rules.Pass, ""},
		{"pesanan lain di luar jenjang tidak mengumpul", []prior{{3, "", "atk", 9_400_000}}, 9_500_000, rules.Pass, ""},
		{"mengumpul di bawah Rp50 juta", []prior{{10, "", "atk", 48_000_000}}, 49_000_000, rules.NeedsJustification, "sedikit di bawah Rp50.000.000"},
		{"mengumpul di bawah Rp200 juta", []prior{{10, "", "mamin", 5_000}, {10, "", "atk", 195_000_000}}, 199_000_000, rules.NeedsJustification, "sedikit di bawah Rp200.000.000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			for i, p := range tt.prior {
				opd, cat := f.opd, f.atk
				if p.opd == "other" {
					opd = f.other
				}
				if p.cat == "mamin" {
					cat = f.mamin
				}
				f.ledger.Add(rulestest.Order{ID: int64(i + 1), OPDID: opd, PackageID: f.pkg["big"], Total: p.total,
					CategoryTotals: map[int64]int64{cat: p.total}, PlacedAt: now.AddDate(0, 0, -p.daysAgo)})
			}
			c := f.candidate(tt.total)
			c.PackageID = 0 // the package rule is not under test
			o := f.check(t, c)
			r := result(t, o, rules.Split)
			if r.Verdict != tt.verdict || !strings.Contains(r.Message, tt.says) {
				t.Errorf("got %s %q, want %s saying %q", r.Verdict, r.Message, tt.verdict, tt.says)
			}
			if r.Flagged != (tt.verdict == rules.NeedsJustification) || o.Flagged() != r.Flagged {
				t.Errorf("flagged %v, outcome flagged %v", r.Flagged, o.Flagged())
			}
		})
	}
}

func TestCheck_SplitJustification(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.ledger.Add(rulestest.Order{ID: 7, OPDID: f.opd, PackageID: f.pkg["big"], Total: 9_800_000,
		CategoryTotals: map[int64]int64{f.atk: 9_800_000}, PlacedAt: now.AddDate(0, 0, -2)})
	c := f.candidate(9_900_000)
	o := f.check(t, c)
	if o.Allowed() || len(o.Unjustified()) != 1 || o.Unjustified()[0].Rule != rules.Split {
		t.Fatalf("without a justification: allowed %v, unjustified %+v", o.Allowed(), o.Unjustified())
	}
	c.Justifications = map[rules.Code]string{rules.Split: "perlu cepat"}
	if o := f.check(t, c); o.Allowed() {
		t.Error("a justification shorter than MinJustification was accepted")
	}
	c.Justifications[rules.Split] = "  Kebutuhan kertas ujian susulan yang baru ditetapkan Dinas minggu ini.  "
	o = f.check(t, c)
	r := result(t, o, rules.Split)
	if !o.Allowed() || !r.Justified || !r.Flagged || r.Justification != "Kebutuhan kertas ujian susulan yang baru ditetapkan Dinas minggu ini." {
		t.Errorf("with a justification: allowed %v, %+v", o.Allowed(), r)
	}
	// Re-checked at signing, the order leaves itself out: order 7 re-checked alone is no cluster.
	c7 := f.candidate(9_800_000)
	c7.OrderID = 7
	if r := result(t, f.check(t, c7), rules.Split); r.Verdict != rules.Pass {
		t.Errorf("re-check of order 7: %s %q", r.Verdict, r.Message)
	}
}

func TestCheck_SSHCeiling(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.candidate(1_000_000)
	c.Lines = []rules.Line{
		{CategoryID: f.atk, Label: "Kertas HVS A4", Total: 500_000, SSHCeiling: 50_000},
		{CategoryID: f.atk, Label: "Tinta printer", Total: 500_000, SSHCeiling: 100_000, SSHExcess: 5_000},
	}
	o := f.check(t, c)
	r := result(t, o, rules.SSHCeiling)
	want := "Harga Tinta printer Rp105.000 per satuan melebihi batas SSH Rp100.000 (selisih Rp5.000)."
	if r.Verdict != rules.NeedsJustification || !strings.HasPrefix(r.Message, want) || r.Flagged {
		t.Errorf("got %s %q flagged %v, want justify starting %q", r.Verdict, r.Message, r.Flagged, want)
	}
	c.Lines[1].SSHExcess = 0
	if r := result(t, f.check(t, c), rules.SSHCeiling); r.Verdict != rules.Pass {
		t.Errorf("within SSH: %s", r.Verdict)
	}
}

// TestCheck_NewVersion: a new version applies from its date; earlier
// checks keep theirs, and the outcome names the version used.
func TestCheck_NewVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	svc := rules.NewService(f.db)
	today := time.Now()
	v, err := svc.AddVersion(as("admin"), rules.SSHCeiling, rules.Edit{Values: map[string][]string{"tolerance_percent": {"10"}},
		EffectiveFrom: wib.ISODate(today), LegalBasis: "Perbup SSH 2026 (uji)", Reason: "Toleransi harga pasar 10 persen."})
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != 2 {
		t.Errorf("version %d, want 2", v.Version)
	}
	c := f.candidate(1_000_000)
	c.At = today
	c.Lines[0].SSHCeiling, c.Lines[0].SSHExcess = 100_000, 10_000
	o := f.check(t, c)
	if r := result(t, o, rules.SSHCeiling); r.Verdict != rules.Pass || r.VersionID != v.ID {
		t.Errorf("today: %s under version #%d, want pass under #%d", r.Verdict, r.VersionID, v.ID)
	}
	if !slices.Contains(o.VersionIDs(), v.ID) || len(o.VersionIDs()) != len(rules.Codes) {
		t.Errorf("VersionIDs %v", o.VersionIDs())
	}
	c.At = today.AddDate(0, 0, -1)
	if r := result(t, f.check(t, c), rules.SSHCeiling); r.Verdict != rules.NeedsJustification || r.Version != 1 {
		t.Errorf("yesterday: %s under version %d, want justify under 1", r.Verdict, r.Version)
	}
	used, err := rules.Versions(context.Background(), f.db, o.VersionIDs())
	if err != nil || len(used) != len(rules.Codes) {
		t.Errorf("Versions: %d, %v", len(used), err)
	}
}

func TestCheck_InvalidCandidate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for name, edit := range map[string]func(*rules.Candidate){
		"tanpa OPD":      func(c *rules.Candidate) { c.OPDID = 0 },
		"tanpa penyedia": func(c *rules.Candidate) { c.SupplierID = 0 },
		"tanpa baris":    func(c *rules.Candidate) { c.Lines = nil },
		"nilai negatif":  func(c *rules.Candidate) { c.Lines[0].Total = -1 },
	} {
		c := f.candidate(1_000)
		edit(&c)
		if _, err := f.engine.Check(context.Background(), f.db, c); !errors.Is(err, apperr.Invalid) {
			t.Errorf("%s: got %v, want Invalid", name, err)
		}
	}
}

func TestOutcome_JSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o := f.check(t, f.candidate(200_000_001))
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var back rules.Outcome
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(back.Results, o.Results); diff != "" || !back.CheckedAt.Equal(o.CheckedAt) || !back.Refused() {
		t.Errorf("round trip (-got +want):\n%s", diff)
	}
}

// sqlLedger is a ledger on a table, as the ordering code's will be: it
// reads with the db it is given, so under the engine's locks it sees every
// order committed before.
type sqlLedger struct{}

func (sqlLedger) LiveTotalForPackage(ctx context.Context, db postgres.DBTX, packageID, exclude int64) (int64, error) {
	var n int64
	err := db.QueryRow(ctx, "SELECT coalesce(sum(total), 0) FROM test_orders WHERE package_id = $1 AND id <> $2", packageID, exclude).Scan(&n)
	return n, err
}

func (sqlLedger) RecentOrders(context.Context, postgres.DBTX, int64, []int64, time.Time, int64) ([]rules.LedgerOrder, error) {
	return nil, nil
}

// TestCheck_LockSerialisesConcurrentOrders: 20 officials order Rp20 juta at
// once against a package with Rp50 juta of pagu; with Lock, exactly two get
// through and the pagu is never exceeded.
func TestCheck_LockSerialisesConcurrentOrders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.db.Exec(ctx, "CREATE TABLE test_orders (id bigint GENERATED ALWAYS AS IDENTITY, package_id bigint, total bigint)"); err != nil {
		t.Fatal(err)
	}
	engine := rules.NewEngine(sqlLedger{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	placed := 0
	for range 20 {
		wg.Go(func() {
			err := pgx.BeginFunc(ctx, f.db, func(tx pgx.Tx) error {
				c := f.candidate(20_000_000)
				c.PackageID = f.pkg["small"]
				c.Lock = true
				o, err := engine.Check(ctx, tx, c)
				if err != nil || !o.Allowed() {
					return err
				}
				if _, err := tx.Exec(ctx, "INSERT INTO test_orders (package_id, total) VALUES ($1, $2)", c.PackageID, o.Total); err != nil {
					return err
				}
				mu.Lock()
				placed++
				mu.Unlock()
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var sum int64
	if err := f.db.QueryRow(ctx, "SELECT coalesce(sum(total), 0) FROM test_orders").Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if placed != 2 || sum != 40_000_000 {
		t.Errorf("placed %d orders worth %d, want 2 worth 40000000", placed, sum)
	}
}

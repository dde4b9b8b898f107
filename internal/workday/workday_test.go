package workday_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/validate"
	"lapak/internal/wib"
	"lapak/internal/workday"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// at returns a WIB time from "2026-05-29 10:00".
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, wib.Location)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func calendar(t *testing.T) (*workday.Calendar, *pgxpool.Pool) {
	t.Helper()
	db := pgtest.New(t)
	cal, err := workday.NewCalendar(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return cal, db
}

// TestCalendar_SeededHolidays runs the arithmetic on the seeded 2025–2026
// holidays, around the long weekends where mistakes would hurt.
func TestCalendar_SeededHolidays(t *testing.T) {
	t.Parallel()
	cal, _ := calendar(t)
	ctx := context.Background()
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"Jumat 29 Mei 2026 sebelum Senin libur Hari Lahir Pancasila, tambah 1 hari kerja", "2026-05-29 10:00", 1, "2026-06-02 10:00"},
		{"Jumat 29 Mei 2026, tambah 3 hari kerja", "2026-05-29 10:00", 3, "2026-06-04 10:00"},
		{"Rabu 27 Mei 2026 Iduladha, lalu cuti bersama Kamis: jam mulai Jumat 00.00", "2026-05-27 09:00", 3, "2026-06-04 00:00"},
		{"Selasa 17 Maret 2026 melewati Nyepi dan libur Lebaran", "2026-03-17 14:00", 3, "2026-03-27 14:00"},
		{"Sabtu 28 November 2026: jam mulai Senin, berakhir akhir Rabu", "2026-11-28 10:00", 3, "2026-12-03 00:00"},
		{"Rabu 23 Desember 2026 melewati cuti bersama dan Natal", "2026-12-23 16:00", 1, "2026-12-28 16:00"},
		{"Jumat 15 Agustus 2025 melewati cuti bersama 18 Agustus", "2025-08-15 08:00", 1, "2025-08-19 08:00"},
		{"nol hari kerja tidak menggeser waktu", "2026-11-28 10:00", 0, "2026-11-28 10:00"},
		{"mundur 1 hari kerja dari Selasa setelah libur Senin", "2026-06-02 10:00", -1, "2026-05-29 10:00"},
		{"mundur 1 hari kerja dari Senin 00.00", "2026-11-30 00:00", -1, "2026-11-27 00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cal.AddWorkdays(ctx, at(t, tt.from), tt.n)
			if want := at(t, tt.want); !got.Equal(want) || got.Location() != wib.Location {
				t.Errorf("AddWorkdays(%s, %d) = %s, want %s in WIB", tt.from, tt.n, got, want)
			}
			if back := cal.WorkdaysBetween(ctx, at(t, tt.from), got); back != tt.n {
				t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.from, got, back, tt.n)
			}
		})
	}
}

func TestCalendar_WorkdaysBetween(t *testing.T) {
	t.Parallel()
	cal, _ := calendar(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		from, to string
		want     int
	}{
		{"satu menit kurang dari satu hari kerja", "2026-05-29 10:00", "2026-06-02 09:59", 0},
		{"tepat satu hari kerja melewati akhir pekan panjang", "2026-05-29 10:00", "2026-06-02 10:00", 1},
		{"akhir pekan saja", "2026-11-28 00:00", "2026-11-30 00:00", 0},
		{"Senin sampai Senin berikutnya", "2026-11-30 08:00", "2026-12-07 08:00", 5},
		{"terbalik bernilai negatif", "2026-12-07 08:00", "2026-11-30 08:00", -5},
		{"sepekan Lebaran 2026 hanya dua hari kerja", "2026-03-16 00:00", "2026-03-23 00:00", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.WorkdaysBetween(ctx, at(t, tt.from), at(t, tt.to)); got != tt.want {
				t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestCalendar_IsWorkday(t *testing.T) {
	t.Parallel()
	cal, _ := calendar(t)
	ctx := context.Background()
	tests := []struct {
		day  string
		want bool
	}{
		{"2026-12-23 23:59", true},
		{"2026-12-24 00:00", false}, // cuti bersama Natal
		{"2026-12-25 12:00", false}, // Natal
		{"2026-12-26 12:00", false}, // Sabtu
		{"2026-12-28 12:00", true},
		{"2025-08-18 09:00", false}, // cuti bersama HUT ke-80 RI (perubahan SKB)
		{"2027-06-01 09:00", false}, // Hari Lahir Pancasila, tanggal tetap
		{"2027-06-02 09:00", true},
	}
	for _, tt := range tests {
		if got := cal.IsWorkday(ctx, at(t, tt.day)); got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.day, got, tt.want)
		}
	}
	// 17.30 UTC on 23 December is already 24 December in WIB.
	if cal.IsWorkday(ctx, time.Date(2026, 12, 23, 17, 30, 0, 0, time.UTC)) {
		t.Error("IsWorkday(23 Dec 17.30 UTC) = true, want false: it is 24 Dec 00.30 WIB")
	}
	if name, ok := cal.Holiday(ctx, at(t, "2026-12-24 08:00")); !ok || !strings.Contains(name, "Cuti bersama") {
		t.Errorf("Holiday(24 Dec 2026) = %q, %v", name, ok)
	}
}

// TestCalendar_RoundTrip checks on random instants that counting back the
// working days added always gives n, with holidays on and off weekends.
func TestCalendar_RoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cal := workday.Fixed(time.Date(2026, 6, 1, 0, 0, 0, 0, wib.Location), time.Date(2026, 6, 6, 0, 0, 0, 0, wib.Location),
		time.Date(2026, 6, 10, 0, 0, 0, 0, wib.Location), time.Date(2026, 6, 11, 0, 0, 0, 0, wib.Location))
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 5, 20, 0, 0, 0, 0, wib.Location)
	for range 2000 {
		from := base.Add(time.Duration(r.Int64N(int64(40 * 24 * time.Hour))))
		n := r.IntN(21) - 10
		to := cal.AddWorkdays(ctx, from, n)
		if got := cal.WorkdaysBetween(ctx, from, to); got != n {
			t.Fatalf("from %s n %d: AddWorkdays = %s, WorkdaysBetween = %d", from, n, to, got)
		}
		if n > 0 && !to.After(from) || n < 0 && !to.Before(from) {
			t.Fatalf("from %s n %d: AddWorkdays = %s goes the wrong way", from, n, to)
		}
		// Earliest instant: a minute less is not yet n working days (unless it lies in time off).
		if n > 0 && cal.IsWorkday(ctx, to.Add(-time.Minute)) && cal.WorkdaysBetween(ctx, from, to.Add(-time.Minute)) != n-1 {
			t.Fatalf("from %s n %d: %s is not the earliest instant", from, n, to)
		}
	}
}

// easter returns Easter Sunday of year by the anonymous Gregorian algorithm.
func easter(year int) time.Time {
	a, b, c := year%19, year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, wib.Location)
}

// TestSeed checks the seeded rows against what the SKBs say and against the
// Easter computus the 2027 rows rely on.
func TestSeed(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := auth.SystemContext(context.Background())
	svc := workday.NewService(db, nil)
	counts := map[int]map[workday.Kind]int{}
	for _, year := range []int{2025, 2026, 2027} {
		list, err := svc.Holidays(ctx, year)
		if err != nil {
			t.Fatal(err)
		}
		counts[year] = map[workday.Kind]int{}
		for _, h := range list {
			counts[year][h.Kind]++
			if h.LegalBasis == "" || h.Source == "" {
				t.Errorf("%s %s has no legal basis or source", wib.ISODate(h.Date), h.Name)
			}
			if wd := h.Date.Weekday(); h.Kind == workday.KindCutiBersama && (wd == time.Saturday || wd == time.Sunday) {
				t.Errorf("cuti bersama %s falls on a weekend", wib.ISODate(h.Date))
			}
			if strings.Contains(h.Name, "Hijriah") || strings.Contains(h.Name, "Isra") || strings.Contains(h.Name, "Maulid") {
				if h.Kind == workday.KindNational && !h.Tentative {
					t.Errorf("%s %s: Islamic holiday not marked tentative", wib.ISODate(h.Date), h.Name)
				}
			}
			e := easter(year)
			for name, want := range map[string]time.Time{"Paskah": e, "Wafat Yesus": e.AddDate(0, 0, -2), "Kenaikan Yesus": e.AddDate(0, 0, 39)} {
				if strings.Contains(h.Name, name) && !strings.HasPrefix(h.Name, "Cuti") && !h.Date.Equal(want) {
					t.Errorf("%s %d on %s, computus says %s", name, year, wib.ISODate(h.Date), wib.ISODate(want))
				}
			}
		}
	}
	want := map[int]map[workday.Kind]int{
		2025: {workday.KindNational: 17, workday.KindCutiBersama: 11}, // 10 in the SKB, 18 August added in 2025
		2026: {workday.KindNational: 17, workday.KindCutiBersama: 8},
		2027: {workday.KindNational: 8}, // no SKB yet: fixed dates and Easter-based feasts only
	}
	for year, w := range want {
		for k, n := range w {
			if counts[year][k] != n {
				t.Errorf("%d %s: got %d rows, want %d", year, k, counts[year][k], n)
			}
		}
	}
	years, err := svc.Years(ctx, 2025, 2028)
	if err != nil {
		t.Fatal(err)
	}
	complete := map[int]bool{}
	for _, y := range years {
		complete[y.Year] = y.Complete()
	}
	if !complete[2025] || !complete[2026] || complete[2027] || complete[2028] {
		t.Errorf("Complete by year = %v, want 2025 and 2026 only", complete)
	}
}

func TestService_EditReloadsCalendar(t *testing.T) {
	t.Parallel()
	cal, db := calendar(t)
	svc := workday.NewService(db, cal)
	admin := as(auth.RoleAdmin)
	day := at(t, "2026-12-31 09:00")
	if !cal.IsWorkday(admin, day) {
		t.Fatal("31 December 2026 is a working day before the edit")
	}
	h, err := svc.CreateHoliday(admin, workday.Input{Date: "2026-12-31", Name: "Cuti bersama akhir tahun (contoh)", Kind: "cuti_bersama",
		LegalBasis: "SKB perubahan (contoh uji)", Source: "uji"})
	if err != nil {
		t.Fatal(err)
	}
	if cal.IsWorkday(admin, day) {
		t.Error("after CreateHoliday the calendar still counts 31 December as a working day")
	}
	if _, err := svc.UpdateHoliday(admin, h.ID, workday.Input{Date: "2026-12-30", Name: h.Name, Kind: "cuti_bersama", LegalBasis: h.LegalBasis}); err != nil {
		t.Fatal(err)
	}
	if !cal.IsWorkday(admin, day) || cal.IsWorkday(admin, at(t, "2026-12-30 09:00")) {
		t.Error("after UpdateHoliday the calendar did not move the day off")
	}
	if err := svc.DeleteHoliday(admin, h.ID); err != nil {
		t.Fatal(err)
	}
	if !cal.IsWorkday(admin, at(t, "2026-12-30 09:00")) {
		t.Error("after DeleteHoliday 30 December is still a day off")
	}
	var n int
	if err := db.QueryRow(context.Background(), "SELECT count(*) FROM audit_log WHERE entity = 'holiday' AND entity_id = $1", itoa(h.ID)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("audit entries for the holiday: got %d, want 3 (create, update, delete)", n)
	}
	if _, err := svc.Holiday(admin, h.ID); !errors.Is(err, apperr.NotFound) {
		t.Errorf("Holiday after delete: got %v, want NotFound", err)
	}
}

func TestService_Permissions(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	svc := workday.NewService(db, nil)
	in := workday.Input{Date: "2027-02-06", Name: "Tahun Baru Imlek 2578 Kongzili", Kind: "libur_nasional", LegalBasis: "SKB 2027"}
	for _, role := range []auth.Role{auth.RolePP, auth.RolePPK, auth.RoleTreasurer, auth.RoleSupplier, auth.RoleKoperindag, auth.RoleAuditor} {
		if _, err := svc.CreateHoliday(as(role), in); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("CreateHoliday as %s: got %v, want Forbidden", role, err)
		}
		if err := svc.DeleteHoliday(as(role), 1); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("DeleteHoliday as %s: got %v, want Forbidden", role, err)
		}
	}
	if _, err := svc.Holidays(as(auth.RoleAuditor), 2026); err != nil {
		t.Errorf("Holidays as auditor: %v", err)
	}
	if _, err := svc.Holidays(as(auth.RolePP), 2026); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("Holidays as pp: got %v, want Forbidden", err)
	}
}

func TestService_Validation(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	svc := workday.NewService(db, nil)
	admin := as(auth.RoleAdmin)
	tests := []struct {
		name  string
		in    workday.Input
		field string
	}{
		{"tanpa tanggal", workday.Input{Name: "Libur", Kind: "libur_nasional", LegalBasis: "SKB"}, "date"},
		{"tanggal salah", workday.Input{Date: "31-12-2026", Name: "Libur", Kind: "libur_nasional", LegalBasis: "SKB"}, "date"},
		{"tanpa nama", workday.Input{Date: "2026-12-31", Kind: "libur_nasional", LegalBasis: "SKB"}, "name"},
		{"jenis tidak dikenal", workday.Input{Date: "2026-12-31", Name: "Libur", Kind: "libur_daerah", LegalBasis: "SKB"}, "kind"},
		{"tanpa dasar hukum", workday.Input{Date: "2026-12-31", Name: "Libur", Kind: "libur_nasional"}, "legal_basis"},
		{"sudah ada", workday.Input{Date: "2026-12-25", Name: "Kelahiran Yesus Kristus", Kind: "libur_nasional", LegalBasis: "SKB"}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.CreateHoliday(admin, tt.in)
			fields, ok := validate.AsErrors(err)
			if !ok || fields[tt.field] == "" {
				t.Errorf("got %v, want a message on %q", err, tt.field)
			}
		})
	}
}

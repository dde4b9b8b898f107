package wib

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLocation(t *testing.T) {
	if diff := cmp.Diff(Location.String(), "Asia/Jakarta"); diff != "" {
		t.Errorf("Location name mismatch (-got +want):\n%s", diff)
	}
	name, offset := time.Date(2026, 11, 26, 12, 0, 0, 0, Location).Zone()
	if diff := cmp.Diff([]any{name, offset}, []any{"WIB", 7 * 60 * 60}); diff != "" {
		t.Errorf("zone mismatch (-got +want):\n%s", diff)
	}
}

func TestFormatting(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		in        time.Time
		date      string
		shortDate string
		dateTime  string
		clock     string
		iso       string
	}{
		{
			name:      "afternoon WIB",
			in:        time.Date(2026, 11, 26, 14, 5, 0, 0, Location),
			date:      "Kamis, 26 November 2026",
			shortDate: "26 Nov 2026",
			dateTime:  "Kamis, 26 November 2026 14.05 WIB",
			clock:     "14.05",
			iso:       "2026-11-26",
		},
		{
			name:      "same instant in UTC",
			in:        time.Date(2026, 11, 26, 7, 5, 0, 0, time.UTC),
			date:      "Kamis, 26 November 2026",
			shortDate: "26 Nov 2026",
			dateTime:  "Kamis, 26 November 2026 14.05 WIB",
			clock:     "14.05",
			iso:       "2026-11-26",
		},
		{
			name:      "late UTC evening is next day in WIB",
			in:        time.Date(2026, 11, 25, 20, 30, 0, 0, time.UTC),
			date:      "Kamis, 26 November 2026",
			shortDate: "26 Nov 2026",
			dateTime:  "Kamis, 26 November 2026 03.30 WIB",
			clock:     "03.30",
			iso:       "2026-11-26",
		},
		{
			name:      "17.00 UTC is WIB midnight",
			in:        time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC),
			date:      "Kamis, 26 November 2026",
			shortDate: "26 Nov 2026",
			dateTime:  "Kamis, 26 November 2026 00.00 WIB",
			clock:     "00.00",
			iso:       "2026-11-26",
		},
		{
			name:      "16.59 UTC is still the same day in WIB",
			in:        time.Date(2026, 11, 25, 16, 59, 59, 0, time.UTC),
			date:      "Rabu, 25 November 2026",
			shortDate: "25 Nov 2026",
			dateTime:  "Rabu, 25 November 2026 23.59 WIB",
			clock:     "23.59",
			iso:       "2026-11-25",
		},
		{
			name:      "UTC new year's eve is new year in WIB",
			in:        time.Date(2026, 12, 31, 22, 0, 0, 0, time.UTC),
			date:      "Jumat, 1 Januari 2027",
			shortDate: "1 Jan 2027",
			dateTime:  "Jumat, 1 Januari 2027 05.00 WIB",
			clock:     "05.00",
			iso:       "2027-01-01",
		},
		{
			name:      "other zone converted",
			in:        time.Date(2026, 8, 16, 21, 9, 0, 0, newYork),
			date:      "Senin, 17 Agustus 2026",
			shortDate: "17 Agu 2026",
			dateTime:  "Senin, 17 Agustus 2026 08.09 WIB",
			clock:     "08.09",
			iso:       "2026-08-17",
		},
		{
			name:      "single digit day has no leading zero",
			in:        time.Date(2026, 3, 1, 9, 0, 0, 0, Location),
			date:      "Minggu, 1 Maret 2026",
			shortDate: "1 Mar 2026",
			dateTime:  "Minggu, 1 Maret 2026 09.00 WIB",
			clock:     "09.00",
			iso:       "2026-03-01",
		},
		{
			name: "zero time",
			in:   time.Time{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []string{Date(tt.in), ShortDate(tt.in), DateTime(tt.in), Time(tt.in), ISODate(tt.in)}
			want := []string{tt.date, tt.shortDate, tt.dateTime, tt.clock, tt.iso}
			if diff := cmp.Diff(got, want); diff != "" {
				t.Errorf("Date, ShortDate, DateTime, Time, ISODate mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestMonthNames(t *testing.T) {
	var names, short, roman []string
	for m := time.January; m <= time.December; m++ {
		names = append(names, Month(m))
		short = append(short, ShortDate(time.Date(2026, m, 15, 12, 0, 0, 0, Location))[3:6])
		roman = append(roman, RomanMonth(m))
	}
	wantNames := []string{
		"Januari", "Februari", "Maret", "April", "Mei", "Juni",
		"Juli", "Agustus", "September", "Oktober", "November", "Desember",
	}
	wantShort := []string{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"}
	wantRoman := []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}
	if diff := cmp.Diff(names, wantNames); diff != "" {
		t.Errorf("Month mismatch (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(short, wantShort); diff != "" {
		t.Errorf("short month mismatch (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(roman, wantRoman); diff != "" {
		t.Errorf("RomanMonth mismatch (-got +want):\n%s", diff)
	}
}

func TestOutOfRange(t *testing.T) {
	tests := []struct {
		name string
		got  string
	}{
		{"Month 0", Month(0)},
		{"Month 13", Month(13)},
		{"RomanMonth 0", RomanMonth(0)},
		{"RomanMonth 13", RomanMonth(13)},
		{"Weekday -1", Weekday(-1)},
		{"Weekday 7", Weekday(7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.got, ""); diff != "" {
				t.Errorf("mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestWeekday(t *testing.T) {
	var got []string
	for d := time.Sunday; d <= time.Saturday; d++ {
		got = append(got, Weekday(d))
	}
	want := []string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Weekday mismatch (-got +want):\n%s", diff)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    time.Time
		wantErr bool
	}{
		{"html date", "2026-11-26", time.Date(2026, 11, 26, 0, 0, 0, 0, Location), false},
		{"padded", " 2026-11-26\n", time.Date(2026, 11, 26, 0, 0, 0, 0, Location), false},
		{"leap day", "2028-02-29", time.Date(2028, 2, 29, 0, 0, 0, 0, Location), false},
		{"empty", "", time.Time{}, true},
		{"indonesian order", "26-11-2026", time.Time{}, true},
		{"slashes", "2026/11/26", time.Time{}, true},
		{"no padding", "2026-1-5", time.Time{}, true},
		{"feb 30", "2026-02-30", time.Time{}, true},
		{"non leap feb 29", "2026-02-29", time.Time{}, true},
		{"month 13", "2026-13-01", time.Time{}, true},
		{"with time", "2026-11-26T10:00", time.Time{}, true},
		{"words", "besok", time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidDate) {
					t.Fatalf("ParseDate(%q) error = %v, want %v", tt.in, err, ErrInvalidDate)
				}
				if diff := cmp.Diff(err.Error(), "Tanggal tidak valid."); diff != "" {
					t.Errorf("message mismatch (-got +want):\n%s", diff)
				}
			} else if err != nil {
				t.Fatalf("ParseDate(%q) error: %v", tt.in, err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if err == nil && got.Location() != Location {
				t.Errorf("ParseDate(%q) location = %v, want %v", tt.in, got.Location(), Location)
			}
		})
	}
}

func TestParseDateIsWIBMidnight(t *testing.T) {
	got, err := ParseDate("2026-11-26")
	if err != nil {
		t.Fatal(err)
	}
	wantUTC := time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)
	if !got.Equal(wantUTC) {
		t.Errorf("ParseDate in UTC = %v, want %v", got.UTC(), wantUTC)
	}
	if diff := cmp.Diff(ISODate(got), "2026-11-26"); diff != "" {
		t.Errorf("ISODate round trip mismatch (-got +want):\n%s", diff)
	}
}

package opendata_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"lapak/internal/apperr"
	"lapak/internal/opendata"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// TestParseFilter_BadInputGetsClearMessages: malformed dates, reversed or
// over-long periods, unknown OPDs and bad pages are field errors in
// Indonesian, never internal errors; good input is read as WIB dates.
func TestParseFilter_BadInputGetsClearMessages(t *testing.T) {
	t.Parallel()
	db, seed := seeded(t)
	svc := opendata.NewService(db, site)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, wib.Location)
	for _, tc := range []struct {
		name      string
		q         opendata.Query
		field     string // "" when valid
		wantWords string
		from, to  string
	}{
		{name: "defaults to this year", from: "2026-01-01", to: "2026-12-31"},
		{name: "a period", q: opendata.Query{From: "2026-03-01", To: "2026-03-31"}, from: "2026-03-01", to: "2026-03-31"},
		{name: "from alone gives a year", q: opendata.Query{From: "2025-07-01"}, from: "2025-07-01", to: "2026-06-30"},
		{name: "to alone gives a year", q: opendata.Query{To: "2026-06-30"}, from: "2025-07-01", to: "2026-06-30"},
		{name: "exactly 366 days", q: opendata.Query{From: "2024-01-01", To: "2024-12-31"}, from: "2024-01-01", to: "2024-12-31"},
		{name: "OPD by letter code", q: opendata.Query{OPD: "dinkes"}, from: "2026-01-01", to: "2026-12-31"},
		{name: "malformed date", q: opendata.Query{From: "31-01-2026"}, field: "from", wantWords: "TTTT-BB-HH"},
		{name: "impossible date", q: opendata.Query{To: "2026-02-30"}, field: "to", wantWords: "TTTT-BB-HH"},
		{name: "far past", q: opendata.Query{From: "0001-01-01", To: "0001-12-31"}, field: "from", wantWords: "2000"},
		{name: "reversed", q: opendata.Query{From: "2026-05-01", To: "2026-04-30"}, field: "to", wantWords: "sebelum"},
		{name: "huge range", q: opendata.Query{From: "2000-01-01", To: "2100-12-31"}, field: "to", wantWords: "366 hari"},
		{name: "one day too long", q: opendata.Query{From: "2025-01-01", To: "2026-01-02"}, field: "to", wantWords: "366 hari"},
		{name: "unknown OPD", q: opendata.Query{OPD: "999999"}, field: "opd", wantWords: "OPD tidak dikenal"},
		{name: "OPD gibberish", q: opendata.Query{OPD: "'; DROP TABLE opds; --"}, field: "opd", wantWords: "OPD tidak dikenal"},
		{name: "page zero", q: opendata.Query{Page: "0"}, field: "page", wantWords: "halaman"},
		{name: "page text", q: opendata.Query{Page: "dua"}, field: "page", wantWords: "halaman"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := svc.ParseFilter(context.Background(), tc.q, now)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := wib.ISODate(f.From) + " " + wib.ISODate(f.To); got != tc.from+" "+tc.to {
					t.Errorf("period %s, want %s %s", got, tc.from, tc.to)
				}
				if tc.q.OPD != "" && f.OPDID != seed.OPD {
					t.Errorf("opd %d, want %d", f.OPDID, seed.OPD)
				}
				return
			}
			fields, ok := validate.AsErrors(err)
			if !ok {
				t.Fatalf("err %v, want field errors", err)
			}
			if msg := fields[tc.field]; !strings.Contains(msg, tc.wantWords) {
				t.Errorf("%s: %q, want a message with %q (all: %v)", tc.field, msg, tc.wantWords, fields)
			}
		})
	}
}

// TestParseStats_BadInput: the transparency page's filters fail the same way.
func TestParseStats_BadInput(t *testing.T) {
	t.Parallel()
	db, seed := seeded(t)
	svc := opendata.NewService(db, site)
	f, err := svc.ParseStats(context.Background(), "2026", "DINKES", "2")
	if err != nil || f.Year != 2026 || f.OPDID != seed.OPD || f.Page != 2 {
		t.Fatalf("got %+v, %v", f, err)
	}
	for _, tc := range []struct{ year, opd, page, field string }{
		{"20x6", "", "", "year"},
		{"1999", "", "", "year"},
		{"", "42424242", "", "opd"},
		{"", "", "-1", "page"},
	} {
		_, err := svc.ParseStats(context.Background(), tc.year, tc.opd, tc.page)
		if fields, ok := validate.AsErrors(err); !ok || fields[tc.field] == "" {
			t.Errorf("%+v: err %v, want a message for %s", tc, err, tc.field)
		}
		if errors.Is(err, apperr.NotFound) {
			t.Errorf("%+v: NotFound", tc)
		}
	}
}

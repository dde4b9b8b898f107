package opendata_test

import (
	"context"
	"io"
	"runtime"
	"testing"
	"time"

	"lapak/internal/opendata"
	"lapak/internal/opendata/opendatatest"
)

// heapWatch is a writer that samples the live heap every so many writes,
// to show that an export's memory does not grow with its size.
type heapWatch struct {
	writes int
	peak   uint64
}

func (h *heapWatch) Write(b []byte) (int, error) {
	h.writes++
	if h.writes%50 == 1 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		h.peak = max(h.peak, m.HeapInuse)
	}
	return len(b), nil
}

// TestExport_Speed times the export of several thousand releases of the
// richest kind (two lines, negotiation-free partial delivery in two
// shipments and two inspections, documents, a payment with tax) and checks
// that the heap stays flat: the releases stream from a cursor. The figures
// are logged (go test -v -run TestExport_Speed); the floor only catches a
// query per order creeping in.
func TestExport_Speed(t *testing.T) {
	t.Parallel()
	db, seed := seeded(t)
	const copies = 5000
	opendatatest.Clone(t, db, seed.Orders["partial"], copies)
	runtime.GC()
	var small heapWatch
	if _, err := opendata.Export(context.Background(), db, &small, opendata.Filter{Site: site, Page: 1, PageSize: 100}); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var w heapWatch
	start := time.Now()
	n, err := opendata.Export(context.Background(), db, &w, opendata.Filter{Site: site})
	if err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	rate := float64(n) / d.Seconds()
	t.Logf("exported %d releases in %v: %.0f releases/s; heap in use at most %.1f MB (%.1f MB for a page of 100)",
		n, d.Round(time.Millisecond), rate, float64(w.peak)/1e6, float64(small.peak)/1e6)
	if n != copies+5 {
		t.Errorf("exported %d, want %d", n, copies+5)
	}
	if rate < 500 {
		t.Errorf("%.0f releases/s: far below the 2.000/s target", rate)
	}
	if w.peak > 64<<20 {
		t.Errorf("heap reached %d MB exporting %d releases: the export is not streaming", w.peak>>20, n)
	}
	var csvStart = time.Now()
	if err := opendata.WriteCSV(context.Background(), db, io.Discard, opendata.Filter{Site: site}); err != nil {
		t.Fatal(err)
	}
	t.Logf("CSV of the same orders (%d lines) in %v", 2*copies+9, time.Since(csvStart).Round(time.Millisecond))
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"lapak/internal/postgres/pgtest"
)

// `lapak bench reports` on a small regency: it generates the orders, times
// every dashboard page through the handler (any status but 200 fails it)
// and the OCDS export, and ends with one line of JSON holding every figure.
func TestBenchReports_PrintsItsFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("generates orders and times pages on PostgreSQL")
	}
	url := pgtest.NewURL(t)
	var out bytes.Buffer
	args := []string{"bench", "reports", "--url", url, "--orders", "2000", "--suppliers", "60", "--opds", "6", "--requests", "3"}
	if err := run(context.Background(), args, func(string) string { return "" }, &out, &out); err != nil {
		t.Fatalf("bench reports: %v\n%s", err, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var res map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		t.Fatalf("last line is not JSON: %v\n%s", err, out.String())
	}
	if res["bench"] != "reports" || res["orders"] != 2000.0 || res["ocds_releases"] != 2000.0 {
		t.Errorf("bench, orders, releases = %v, %v, %v", res["bench"], res["orders"], res["ocds_releases"])
	}
	for _, k := range []string{"generate_s", "reports_1y_p95_ms", "reports_3y_p95_ms", "reports_opd_p95_ms", "drilldown_p95_ms",
		"flags_p95_ms", "public_p95_ms", "ocds_releases_per_s", "ocds_rss_mb", "facts", "flags"} {
		if v, ok := res[k].(float64); !ok || v <= 0 {
			t.Errorf("%s = %v, want a positive number", k, res[k])
		}
	}
	if _, ok := res["targets"].(string); !ok {
		t.Errorf("targets = %v, want met or what missed", res["targets"])
	}

	// A second run on the same database reuses the orders.
	out.Reset()
	if err := run(context.Background(), args, func(string) string { return "" }, &out, &out); err != nil {
		t.Fatalf("second bench reports: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "2000 orders reused") {
		t.Errorf("the second run did not reuse the orders:\n%s", out.String())
	}
}

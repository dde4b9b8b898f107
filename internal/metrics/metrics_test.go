package metrics

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func render(t *testing.T, r *Registry) string {
	t.Helper()
	var b bytes.Buffer
	n, err := r.WriteTo(&b)
	if err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	if n != int64(b.Len()) {
		t.Fatalf("WriteTo returned n=%d, wrote %d bytes", n, b.Len())
	}
	return b.String()
}

func TestExposition(t *testing.T) {
	tests := []struct {
		name  string
		setup func(r *Registry)
		want  string
	}{
		{
			name:  "empty registry",
			setup: func(r *Registry) {},
			want:  "",
		},
		{
			name: "unlabelled counter starts at zero",
			setup: func(r *Registry) {
				r.Counter("lapak_jobs_total", "Jobs run.")
			},
			want: `# HELP lapak_jobs_total Jobs run.
# TYPE lapak_jobs_total counter
lapak_jobs_total 0
`,
		},
		{
			name: "labelled counter without series is omitted",
			setup: func(r *Registry) {
				r.Counter("lapak_http_requests_total", "Requests.", "method", "code")
			},
			want: "",
		},
		{
			name: "counters sorted by name and series by label values",
			setup: func(r *Registry) {
				c := r.Counter("lapak_http_requests_total", "HTTP requests served.", "method", "code")
				c.With("POST", "201").Inc()
				c.With("GET", "500").Add(2)
				c.With("GET", "200").Add(40)
				c.With("GET", "200").Inc()
				r.Counter("lapak_a_total", "Sorted first.").With().Add(7)
			},
			want: `# HELP lapak_a_total Sorted first.
# TYPE lapak_a_total counter
lapak_a_total 7
# HELP lapak_http_requests_total HTTP requests served.
# TYPE lapak_http_requests_total counter
lapak_http_requests_total{method="GET",code="200"} 41
lapak_http_requests_total{method="GET",code="500"} 2
lapak_http_requests_total{method="POST",code="201"} 1
`,
		},
		{
			name: "gauges and gauge funcs",
			setup: func(r *Registry) {
				g := r.Gauge("lapak_inflight", "In-flight requests.", "route")
				g.With("/b").Set(3)
				g.With("/b").Dec()
				g.With("/a").Add(0.5)
				g.With("/a").Inc()
				r.Gauge("lapak_temp", "").With().Set(-1.25)
				r.GaugeFunc("lapak_db_open_conns", "Open DB connections.", func() float64 { return 4 })
				r.GaugeFunc("lapak_inf", "Infinite.", func() float64 { return math.Inf(1) })
			},
			want: `# HELP lapak_db_open_conns Open DB connections.
# TYPE lapak_db_open_conns gauge
lapak_db_open_conns 4
# HELP lapak_inf Infinite.
# TYPE lapak_inf gauge
lapak_inf +Inf
# HELP lapak_inflight In-flight requests.
# TYPE lapak_inflight gauge
lapak_inflight{route="/a"} 1.5
lapak_inflight{route="/b"} 2
# TYPE lapak_temp gauge
lapak_temp -1.25
`,
		},
		{
			name: "histogram with labels",
			setup: func(r *Registry) {
				h := r.Histogram("lapak_http_request_duration_seconds", "Request latency.",
					[]float64{0.1, 0.5, 1}, "route")
				for _, v := range []float64{0.05, 0.1, 0.3, 2} {
					h.With("/x").Observe(v)
				}
				h.With("/a").Observe(0.75)
			},
			want: `# HELP lapak_http_request_duration_seconds Request latency.
# TYPE lapak_http_request_duration_seconds histogram
lapak_http_request_duration_seconds_bucket{route="/a",le="0.1"} 0
lapak_http_request_duration_seconds_bucket{route="/a",le="0.5"} 0
lapak_http_request_duration_seconds_bucket{route="/a",le="1"} 1
lapak_http_request_duration_seconds_bucket{route="/a",le="+Inf"} 1
lapak_http_request_duration_seconds_sum{route="/a"} 0.75
lapak_http_request_duration_seconds_count{route="/a"} 1
lapak_http_request_duration_seconds_bucket{route="/x",le="0.1"} 2
lapak_http_request_duration_seconds_bucket{route="/x",le="0.5"} 3
lapak_http_request_duration_seconds_bucket{route="/x",le="1"} 3
lapak_http_request_duration_seconds_bucket{route="/x",le="+Inf"} 4
lapak_http_request_duration_seconds_sum{route="/x"} 2.45
lapak_http_request_duration_seconds_count{route="/x"} 4
`,
		},
		{
			name: "unlabelled histogram with default buckets",
			setup: func(r *Registry) {
				r.Histogram("lapak_job_seconds", "Job duration.", nil).With().Observe(3)
			},
			want: `# HELP lapak_job_seconds Job duration.
# TYPE lapak_job_seconds histogram
lapak_job_seconds_bucket{le="0.005"} 0
lapak_job_seconds_bucket{le="0.01"} 0
lapak_job_seconds_bucket{le="0.025"} 0
lapak_job_seconds_bucket{le="0.05"} 0
lapak_job_seconds_bucket{le="0.1"} 0
lapak_job_seconds_bucket{le="0.25"} 0
lapak_job_seconds_bucket{le="0.5"} 0
lapak_job_seconds_bucket{le="1"} 0
lapak_job_seconds_bucket{le="2.5"} 0
lapak_job_seconds_bucket{le="5"} 1
lapak_job_seconds_bucket{le="10"} 1
lapak_job_seconds_bucket{le="+Inf"} 1
lapak_job_seconds_sum 3
lapak_job_seconds_count 1
`,
		},
		{
			name: "explicit +Inf bucket is dropped",
			setup: func(r *Registry) {
				r.Histogram("h", "H.", []float64{1, math.Inf(1)})
			},
			want: `# HELP h H.
# TYPE h histogram
h_bucket{le="1"} 0
h_bucket{le="+Inf"} 0
h_sum 0
h_count 0
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRegistry()
			tt.setup(r)
			if diff := cmp.Diff(tt.want, render(t, r)); diff != "" {
				t.Errorf("exposition mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEscaping(t *testing.T) {
	tests := []struct {
		name  string
		help  string
		value string
		want  string
	}{
		{
			name:  "plain",
			help:  "Plain help.",
			value: "plain",
			want:  "# HELP m Plain help.\n# TYPE m counter\nm{l=\"plain\"} 1\n",
		},
		{
			name:  "backslash",
			help:  `C:\path`,
			value: `a\b`,
			want:  "# HELP m C:\\\\path\n# TYPE m counter\nm{l=\"a\\\\b\"} 1\n",
		},
		{
			name:  "double quote escaped only in label values",
			help:  `say "hi"`,
			value: `say "hi"`,
			want:  "# HELP m say \"hi\"\n# TYPE m counter\nm{l=\"say \\\"hi\\\"\"} 1\n",
		},
		{
			name:  "newline",
			help:  "two\nlines",
			value: "two\nlines",
			want:  "# HELP m two\\nlines\n# TYPE m counter\nm{l=\"two\\nlines\"} 1\n",
		},
		{
			name:  "invalid utf-8 replaced",
			help:  "ok",
			value: "a\xffb",
			want:  "# HELP m ok\n# TYPE m counter\nm{l=\"a\uFFFDb\"} 1\n",
		},
		{
			name:  "unicode kept",
			help:  "Harga ≥ Rp",
			value: "café",
			want:  "# HELP m Harga ≥ Rp\n# TYPE m counter\nm{l=\"café\"} 1\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRegistry()
			r.Counter("m", tt.help, "l").With(tt.value).Inc()
			if diff := cmp.Diff(tt.want, render(t, r)); diff != "" {
				t.Errorf("exposition mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSeriesKeysAreUnambiguous(t *testing.T) {
	r := NewRegistry()
	c := r.Counter("m", "M.", "a", "b")
	c.With("x1:", "y").Inc()
	c.With("x", "1:y").Add(2)
	c.With("", "").Add(3)
	want := `# HELP m M.
# TYPE m counter
m{a="",b=""} 3
m{a="x",b="1:y"} 2
m{a="x1:",b="y"} 1
`
	if diff := cmp.Diff(want, render(t, r)); diff != "" {
		t.Errorf("exposition mismatch (-want +got):\n%s", diff)
	}
}

func TestWithReturnsSameSeries(t *testing.T) {
	r := NewRegistry()
	c := r.Counter("m", "M.", "a", "b")
	first, second := c.With("1", "2"), c.With("1", "2")
	if first != second {
		t.Error("With returned different counters for the same label values")
	}
	if first == c.With("2", "1") {
		t.Error("With returned the same counter for different label values")
	}
}

func TestPanics(t *testing.T) {
	tests := []struct {
		name string
		fn   func(r *Registry)
	}{
		{"duplicate counter", func(r *Registry) {
			r.Counter("m", "M.")
			r.Counter("m", "M.")
		}},
		{"duplicate across kinds", func(r *Registry) {
			r.Gauge("m", "M.")
			r.GaugeFunc("m", "M.", func() float64 { return 0 })
		}},
		{"counter collides with histogram sample", func(r *Registry) {
			r.Histogram("h", "H.", nil)
			r.Counter("h_count", "C.")
		}},
		{"histogram collides with existing family", func(r *Registry) {
			r.Gauge("h_sum", "S.")
			r.Histogram("h", "H.", nil)
		}},
		{"duplicate GoRuntime", func(r *Registry) {
			r.GoRuntime()
			r.GoRuntime()
		}},
		{"too few label values", func(r *Registry) {
			r.Counter("m", "M.", "a", "b").With("x")
		}},
		{"too many label values", func(r *Registry) {
			r.Gauge("m", "M.").With("x")
		}},
		{"histogram wrong label values", func(r *Registry) {
			r.Histogram("m", "M.", nil, "a").With()
		}},
		{"invalid metric name", func(r *Registry) { r.Counter("1abc", "M.") }},
		{"empty metric name", func(r *Registry) { r.Counter("", "M.") }},
		{"metric name with dash", func(r *Registry) { r.Counter("a-b", "M.") }},
		{"invalid label name", func(r *Registry) { r.Counter("m", "M.", "a:b") }},
		{"reserved label name", func(r *Registry) { r.Counter("m", "M.", "__name") }},
		{"duplicate label name", func(r *Registry) { r.Counter("m", "M.", "a", "a") }},
		{"le label on histogram", func(r *Registry) { r.Histogram("m", "M.", nil, "le") }},
		{"unsorted buckets", func(r *Registry) { r.Histogram("m", "M.", []float64{1, 0.5}) }},
		{"duplicate buckets", func(r *Registry) { r.Histogram("m", "M.", []float64{1, 1}) }},
		{"NaN bucket", func(r *Registry) { r.Histogram("m", "M.", []float64{math.NaN()}) }},
		{"nil gauge func", func(r *Registry) { r.GaugeFunc("m", "M.", nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("expected panic")
				}
			}()
			tt.fn(NewRegistry())
		})
	}
}

func TestConcurrency(t *testing.T) {
	const (
		goroutines = 64
		iterations = 1000
	)
	r := NewRegistry()
	c := r.Counter("c_total", "C.", "worker")
	g := r.Gauge("g", "G.")
	h := r.Histogram("h_seconds", "H.", []float64{0.5, 1}, "kind")

	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Go(func() {
			worker := strconv.Itoa(i % 4)
			for j := range iterations {
				c.With(worker).Inc()
				c.With("all").Add(2)
				g.With().Add(1)
				h.With("k").Observe(float64(j%2) * 0.75) // 0 or 0.75
			}
		})
	}
	// Scrape concurrently with the writers to exercise the read path under -race.
	done := make(chan struct{})
	var scrapes sync.WaitGroup
	scrapes.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
				if _, err := r.WriteTo(io.Discard); err != nil {
					t.Errorf("WriteTo: %v", err)
					return
				}
			}
		}
	})
	wg.Wait()
	close(done)
	scrapes.Wait()

	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"counter all", float64(c.With("all").Value()), 2 * goroutines * iterations},
		{"counter worker 0", float64(c.With("0").Value()), goroutines / 4 * iterations},
		{"gauge", g.With().Value(), goroutines * iterations},
		{"histogram count", float64(h.With("k").Count()), goroutines * iterations},
		{"histogram sum", h.With("k").Sum(), goroutines * iterations / 2 * 0.75},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}

	out := render(t, r)
	for _, line := range []string{
		`c_total{worker="all"} 128000`,
		`c_total{worker="3"} 16000`,
		`g 64000`,
		`h_seconds_bucket{kind="k",le="0.5"} 32000`,
		`h_seconds_bucket{kind="k",le="+Inf"} 64000`,
		`h_seconds_count{kind="k"} 64000`,
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("exposition missing %q:\n%s", line, out)
		}
	}
}

func TestHandler(t *testing.T) {
	r := NewRegistry()
	r.Counter("m_total", "M.").With().Inc()
	want := "# HELP m_total M.\n# TYPE m_total counter\nm_total 1\n"

	tests := []struct {
		method     string
		wantStatus int
		wantBody   string
		wantType   string
	}{
		{http.MethodGet, http.StatusOK, want, ContentType},
		{http.MethodHead, http.StatusOK, "", ContentType},
		{http.MethodPost, http.StatusMethodNotAllowed, "method not allowed\n", "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			rec := httptest.NewRecorder()
			r.Handler().ServeHTTP(rec, httptest.NewRequest(tt.method, "/metrics", nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
			}
			if diff := cmp.Diff(tt.wantBody, rec.Body.String()); diff != "" {
				t.Errorf("body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGoRuntime(t *testing.T) {
	r := NewRegistry()
	r.GoRuntime()
	out := render(t, r)

	tests := []struct {
		name string
		min  float64
	}{
		{"go_goroutines", 1},
		{"go_memstats_alloc_bytes", 1},
		{"lapak_start_time_seconds", 1e9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(out, "# TYPE "+tt.name+" gauge\n") {
				t.Fatalf("missing TYPE line for %s:\n%s", tt.name, out)
			}
			var val string
			for line := range strings.Lines(out) {
				if v, ok := strings.CutPrefix(line, tt.name+" "); ok {
					val = strings.TrimSuffix(v, "\n")
				}
			}
			f, err := strconv.ParseFloat(val, 64)
			if err != nil {
				t.Fatalf("parse %s value %q: %v", tt.name, val, err)
			}
			if f < tt.min {
				t.Errorf("%s = %v, want >= %v", tt.name, f, tt.min)
			}
		})
	}
}

func TestFormatFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{1, "1"},
		{-2.5, "-2.5"},
		{0.005, "0.005"},
		{1e-7, "1e-07"},
		{1.7e9, "1.7e+09"},
		{math.Inf(1), "+Inf"},
		{math.Inf(-1), "-Inf"},
		{math.NaN(), "NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := formatFloat(tt.in); got != tt.want {
				t.Errorf("formatFloat(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func BenchmarkCounterWith(b *testing.B) {
	c := NewRegistry().Counter("m_total", "M.", "method", "code")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.With("GET", "200").Inc()
		}
	})
}

func BenchmarkHistogramObserve(b *testing.B) {
	h := NewRegistry().Histogram("h_seconds", "H.", DefaultDurationBuckets, "route").With("/")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.Observe(0.042)
		}
	})
}

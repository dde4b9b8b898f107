// Package metrics owns Lapak's in-process Prometheus metrics: a small,
// dependency-free registry of counters, gauges and histograms that renders
// the Prometheus text exposition format (version 0.0.4) for the HTTP server's
// /metrics endpoint.
//
// Everything hangs off a *Registry created by NewRegistry; there is no
// package-level registry. All types are safe for concurrent use, and the
// recording hot path (Inc, Add, Set, Observe) uses only atomics. Callers that
// record very frequently may cache the *Counter, *Gauge or *Histogram
// returned by With instead of looking it up every time.
//
// Registering a name twice, using an invalid metric or label name, or
// passing the wrong number of label values are programming errors and panic.
package metrics

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// ContentType is the Content-Type of the text exposition format served by Handler.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// DefaultDurationBuckets are histogram upper bounds, in seconds, suited to HTTP request latencies.
var DefaultDurationBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Registry holds metric families and renders them in the text exposition format.
type Registry struct {
	mu       sync.Mutex
	families map[string]family // family name -> family
	samples  map[string]string // sample name -> owning family name
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry {
	return &Registry{
		families: make(map[string]family),
		samples:  make(map[string]string),
	}
}

// family is one registered metric family.
type family interface {
	// write appends the family's exposition, or nothing if it has no series.
	write(b *bytes.Buffer)
}

// desc is the immutable description shared by every series of a family.
type desc struct {
	name       string
	help       string
	typ        string
	labelNames []string
}

func newDesc(name, help, typ string, labelNames []string) *desc {
	if !validMetricName(name) {
		panic(fmt.Sprintf("metrics: invalid metric name %q", name))
	}
	seen := make(map[string]bool, len(labelNames))
	for _, l := range labelNames {
		if !validLabelName(l) {
			panic(fmt.Sprintf("metrics: %s: invalid label name %q", name, l))
		}
		if seen[l] {
			panic(fmt.Sprintf("metrics: %s: duplicate label name %q", name, l))
		}
		seen[l] = true
	}
	return &desc{name: name, help: help, typ: typ, labelNames: slices.Clone(labelNames)}
}

// register adds f under d.name, reserving every sample name it exposes.
func (r *Registry) register(d *desc, f family, sampleNames ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.families[d.name]; ok {
		panic(fmt.Sprintf("metrics: duplicate registration of %q", d.name))
	}
	for _, s := range sampleNames {
		if owner, ok := r.samples[s]; ok {
			panic(fmt.Sprintf("metrics: %q collides with sample %q of %q", d.name, s, owner))
		}
		if _, ok := r.families[s]; ok {
			panic(fmt.Sprintf("metrics: %q collides with family %q", d.name, s))
		}
	}
	r.families[d.name] = f
	for _, s := range sampleNames {
		r.samples[s] = d.name
	}
}

// Counter registers a monotonically increasing counter family and returns it.
func (r *Registry) Counter(name, help string, labelNames ...string) *CounterVec {
	d := newDesc(name, help, "counter", labelNames)
	v := new(CounterVec)
	v.init(d, func() *Counter { return new(Counter) })
	r.register(d, v, name)
	return v
}

// Gauge registers a gauge family and returns it.
func (r *Registry) Gauge(name, help string, labelNames ...string) *GaugeVec {
	d := newDesc(name, help, "gauge", labelNames)
	v := new(GaugeVec)
	v.init(d, func() *Gauge { return new(Gauge) })
	r.register(d, v, name)
	return v
}

// GaugeFunc registers an unlabelled gauge whose value is fn's result at scrape time.
// fn must be safe for concurrent use and should be cheap; it runs without registry locks held.
func (r *Registry) GaugeFunc(name, help string, fn func() float64) {
	if fn == nil {
		panic(fmt.Sprintf("metrics: %s: nil GaugeFunc", name))
	}
	d := newDesc(name, help, "gauge", nil)
	r.register(d, &gaugeFunc{desc: d, fn: fn}, name)
}

// Histogram registers a histogram family with the given bucket upper bounds and returns it.
// buckets must be strictly increasing; a trailing +Inf is implied and may be omitted.
// Nil or empty buckets mean DefaultDurationBuckets.
func (r *Registry) Histogram(name, help string, buckets []float64, labelNames ...string) *HistogramVec {
	if slices.Contains(labelNames, "le") {
		panic(fmt.Sprintf("metrics: %s: label name \"le\" is reserved for histograms", name))
	}
	d := newDesc(name, help, "histogram", labelNames)
	upper := checkBuckets(name, buckets)
	v := &HistogramVec{upper: upper}
	v.init(d, func() *Histogram {
		return &Histogram{upper: upper, counts: make([]atomic.Uint64, len(upper)+1)}
	})
	r.register(d, v, name, name+"_bucket", name+"_sum", name+"_count")
	return v
}

func checkBuckets(name string, buckets []float64) []float64 {
	if len(buckets) == 0 {
		buckets = DefaultDurationBuckets
	}
	upper := slices.Clone(buckets)
	if math.IsInf(upper[len(upper)-1], 1) {
		upper = upper[:len(upper)-1]
	}
	for i, b := range upper {
		if math.IsNaN(b) || math.IsInf(b, 0) {
			panic(fmt.Sprintf("metrics: %s: invalid bucket bound %v", name, b))
		}
		if i > 0 && b <= upper[i-1] {
			panic(fmt.Sprintf("metrics: %s: buckets not strictly increasing at %v", name, b))
		}
	}
	return upper
}

// WriteTo writes every family in the text exposition format, sorted by name,
// with series sorted by label values. It implements io.WriterTo.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(r.render())
	return int64(n), err
}

// render snapshots the registry and returns its full exposition.
func (r *Registry) render() []byte {
	r.mu.Lock()
	names := make([]string, 0, len(r.families))
	for name := range r.families {
		names = append(names, name)
	}
	fams := make([]family, len(names))
	sort.Strings(names)
	for i, name := range names {
		fams[i] = r.families[name]
	}
	r.mu.Unlock()

	var b bytes.Buffer
	for _, f := range fams {
		f.write(&b)
	}
	return b.Bytes()
}

// Handler returns an http.Handler that serves the registry's exposition to GET and HEAD requests.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		body := r.render()
		h := w.Header()
		h.Set("Content-Type", ContentType)
		h.Set("Content-Length", strconv.Itoa(len(body)))
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		if req.Method == http.MethodGet {
			_, _ = w.Write(body)
		}
	})
}

// vec maps label values to the series of one family.
type vec[T any] struct {
	desc     *desc
	newChild func() *T
	series   sync.Map // seriesKey(values) -> *entry[T]
}

// entry is one series: its label values and its metric.
type entry[T any] struct {
	values []string
	metric *T
}

// init sets up v; an unlabelled family gets its single series eagerly so it is exported as zero.
func (v *vec[T]) init(d *desc, newChild func() *T) {
	v.desc = d
	v.newChild = newChild
	if len(d.labelNames) == 0 {
		v.with(nil)
	}
}

func (v *vec[T]) with(values []string) *T {
	if len(values) != len(v.desc.labelNames) {
		panic(fmt.Sprintf("metrics: %s: got %d label values, want %d (%s)",
			v.desc.name, len(values), len(v.desc.labelNames), strings.Join(v.desc.labelNames, ", ")))
	}
	key := seriesKey(values)
	if e, ok := v.series.Load(key); ok {
		return e.(*entry[T]).metric
	}
	e, _ := v.series.LoadOrStore(key, &entry[T]{values: slices.Clone(values), metric: v.newChild()})
	return e.(*entry[T]).metric
}

// snapshot returns every series sorted by label values.
func (v *vec[T]) snapshot() []*entry[T] {
	var out []*entry[T]
	v.series.Range(func(_, e any) bool {
		out = append(out, e.(*entry[T]))
		return true
	})
	slices.SortFunc(out, func(a, b *entry[T]) int { return slices.Compare(a.values, b.values) })
	return out
}

// seriesKey encodes label values unambiguously; one value is used as is.
func seriesKey(values []string) string {
	switch len(values) {
	case 0:
		return ""
	case 1:
		return values[0]
	}
	var sb strings.Builder
	for _, v := range values {
		sb.WriteString(strconv.Itoa(len(v)))
		sb.WriteByte(':')
		sb.WriteString(v)
	}
	return sb.String()
}

// CounterVec is a counter family partitioned by label values.
type CounterVec struct {
	vec[Counter]
}

// With returns the counter for the given label values, creating it on first use.
// It panics if the number of values differs from the number of label names.
func (v *CounterVec) With(labelValues ...string) *Counter {
	return v.with(labelValues)
}

func (v *CounterVec) write(b *bytes.Buffer) {
	series := v.snapshot()
	if len(series) == 0 {
		return
	}
	writeHeader(b, v.desc)
	for _, e := range series {
		writeSampleName(b, v.desc.name, "", v.desc.labelNames, e.values, "")
		b.Write(strconv.AppendUint(b.AvailableBuffer(), e.metric.Value(), 10))
		b.WriteByte('\n')
	}
}

// Counter is a single monotonically increasing counter series.
type Counter struct {
	v atomic.Uint64
}

// Inc adds one to the counter.
func (c *Counter) Inc() { c.v.Add(1) }

// Add adds n to the counter.
func (c *Counter) Add(n uint64) { c.v.Add(n) }

// Value returns the counter's current value.
func (c *Counter) Value() uint64 { return c.v.Load() }

// GaugeVec is a gauge family partitioned by label values.
type GaugeVec struct {
	vec[Gauge]
}

// With returns the gauge for the given label values, creating it on first use.
// It panics if the number of values differs from the number of label names.
func (v *GaugeVec) With(labelValues ...string) *Gauge {
	return v.with(labelValues)
}

func (v *GaugeVec) write(b *bytes.Buffer) {
	series := v.snapshot()
	if len(series) == 0 {
		return
	}
	writeHeader(b, v.desc)
	for _, e := range series {
		writeSampleName(b, v.desc.name, "", v.desc.labelNames, e.values, "")
		writeFloat(b, e.metric.Value())
		b.WriteByte('\n')
	}
}

// Gauge is a single gauge series that can go up and down.
type Gauge struct {
	bits atomic.Uint64
}

// Set sets the gauge to f.
func (g *Gauge) Set(f float64) { g.bits.Store(math.Float64bits(f)) }

// Add adds delta, which may be negative, to the gauge.
func (g *Gauge) Add(delta float64) { addFloat(&g.bits, delta) }

// Inc adds one to the gauge.
func (g *Gauge) Inc() { g.Add(1) }

// Dec subtracts one from the gauge.
func (g *Gauge) Dec() { g.Add(-1) }

// Value returns the gauge's current value.
func (g *Gauge) Value() float64 { return math.Float64frombits(g.bits.Load()) }

func addFloat(bits *atomic.Uint64, delta float64) {
	for {
		old := bits.Load()
		if bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+delta)) {
			return
		}
	}
}

// gaugeFunc is an unlabelled gauge evaluated at scrape time.
type gaugeFunc struct {
	desc *desc
	fn   func() float64
}

func (g *gaugeFunc) write(b *bytes.Buffer) {
	v := g.fn()
	writeHeader(b, g.desc)
	b.WriteString(g.desc.name)
	b.WriteByte(' ')
	writeFloat(b, v)
	b.WriteByte('\n')
}

// HistogramVec is a histogram family partitioned by label values.
type HistogramVec struct {
	vec[Histogram]
	upper []float64
}

// With returns the histogram for the given label values, creating it on first use.
// It panics if the number of values differs from the number of label names.
func (v *HistogramVec) With(labelValues ...string) *Histogram {
	return v.with(labelValues)
}

func (v *HistogramVec) write(b *bytes.Buffer) {
	series := v.snapshot()
	if len(series) == 0 {
		return
	}
	les := make([]string, len(v.upper)+1)
	for i, u := range v.upper {
		les[i] = formatFloat(u)
	}
	les[len(v.upper)] = "+Inf"

	d := v.desc
	writeHeader(b, d)
	for _, e := range series {
		h := e.metric
		var cum uint64
		for i := range h.counts {
			cum += h.counts[i].Load()
			writeSampleName(b, d.name, "_bucket", d.labelNames, e.values, les[i])
			b.Write(strconv.AppendUint(b.AvailableBuffer(), cum, 10))
			b.WriteByte('\n')
		}
		writeSampleName(b, d.name, "_sum", d.labelNames, e.values, "")
		writeFloat(b, math.Float64frombits(h.sumBits.Load()))
		b.WriteByte('\n')
		writeSampleName(b, d.name, "_count", d.labelNames, e.values, "")
		b.Write(strconv.AppendUint(b.AvailableBuffer(), cum, 10))
		b.WriteByte('\n')
	}
}

// Histogram is a single histogram series counting observations into buckets.
type Histogram struct {
	upper   []float64       // shared, immutable upper bounds (without +Inf)
	counts  []atomic.Uint64 // non-cumulative; last element is the +Inf bucket
	sumBits atomic.Uint64
}

// Observe records one observation of v.
func (h *Histogram) Observe(v float64) {
	h.counts[sort.SearchFloat64s(h.upper, v)].Add(1)
	addFloat(&h.sumBits, v)
}

// Count returns the number of observations recorded so far.
func (h *Histogram) Count() uint64 {
	var n uint64
	for i := range h.counts {
		n += h.counts[i].Load()
	}
	return n
}

// Sum returns the sum of observations recorded so far.
func (h *Histogram) Sum() float64 { return math.Float64frombits(h.sumBits.Load()) }

func writeHeader(b *bytes.Buffer, d *desc) {
	if d.help != "" {
		b.WriteString("# HELP ")
		b.WriteString(d.name)
		b.WriteByte(' ')
		writeEscaped(b, d.help, false)
		b.WriteByte('\n')
	}
	b.WriteString("# TYPE ")
	b.WriteString(d.name)
	b.WriteByte(' ')
	b.WriteString(d.typ)
	b.WriteByte('\n')
}

// writeSampleName writes name+suffix, the label set (plus le when non-empty) and a trailing space.
func writeSampleName(b *bytes.Buffer, name, suffix string, labelNames, values []string, le string) {
	b.WriteString(name)
	b.WriteString(suffix)
	if len(labelNames) > 0 || le != "" {
		b.WriteByte('{')
		for i, l := range labelNames {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(l)
			b.WriteString(`="`)
			writeEscaped(b, values[i], true)
			b.WriteByte('"')
		}
		if le != "" {
			if len(labelNames) > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`le="`)
			b.WriteString(le)
			b.WriteByte('"')
		}
		b.WriteByte('}')
	}
	b.WriteByte(' ')
}

// writeEscaped escapes backslash and newline, plus double quote for label values,
// and replaces invalid UTF-8 with U+FFFD.
func writeEscaped(b *bytes.Buffer, s string, quote bool) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '"' && quote:
			b.WriteString(`\"`)
		default:
			b.WriteByte(c)
		}
	}
}

func writeFloat(b *bytes.Buffer, f float64) {
	switch {
	case math.IsInf(f, 1):
		b.WriteString("+Inf")
	case math.IsInf(f, -1):
		b.WriteString("-Inf")
	case math.IsNaN(f):
		b.WriteString("NaN")
	default:
		b.Write(strconv.AppendFloat(b.AvailableBuffer(), f, 'g', -1, 64))
	}
}

func formatFloat(f float64) string {
	var b bytes.Buffer
	writeFloat(&b, f)
	return b.String()
}

// validMetricName reports whether s matches [a-zA-Z_:][a-zA-Z0-9_:]*.
func validMetricName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlpha(c) || c == '_' || c == ':' || (i > 0 && isDigit(c))) {
			return false
		}
	}
	return true
}

// validLabelName reports whether s matches [a-zA-Z_][a-zA-Z0-9_]* and does not start with "__".
func validLabelName(s string) bool {
	if s == "" || strings.HasPrefix(s, "__") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlpha(c) || c == '_' || (i > 0 && isDigit(c))) {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

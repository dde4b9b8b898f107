package metrics

import (
	"runtime"
	"runtime/metrics"
	"time"
)

// processStart approximates the process start time; it is set once at package
// initialisation and never changes.
var processStart = time.Now()

// heapObjectsMetric is the runtime/metrics name equivalent to MemStats.HeapAlloc.
const heapObjectsMetric = "/memory/classes/heap/objects:bytes"

// GoRuntime registers gauge funcs describing the Go runtime and process:
// go_goroutines, go_memstats_alloc_bytes and lapak_start_time_seconds.
// Calling it twice on the same Registry panics.
func (r *Registry) GoRuntime() {
	r.GaugeFunc("go_goroutines", "Number of goroutines that currently exist.",
		func() float64 { return float64(runtime.NumGoroutine()) })
	r.GaugeFunc("go_memstats_alloc_bytes", "Number of bytes allocated in heap objects and still in use.",
		heapAllocBytes)
	start := float64(processStart.UnixNano()) / 1e9
	r.GaugeFunc("lapak_start_time_seconds", "Start time of the process since unix epoch in seconds.",
		func() float64 { return start })
}

// heapAllocBytes reads live heap bytes without stopping the world.
func heapAllocBytes() float64 {
	s := []metrics.Sample{{Name: heapObjectsMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapAlloc)
	}
	return float64(s[0].Value.Uint64())
}

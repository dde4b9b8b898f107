package demo

import "time"

// SetSeedClock pins the present of the demo's order timeline for a test.
func SetSeedClock(now func() time.Time) { seedClock = now }

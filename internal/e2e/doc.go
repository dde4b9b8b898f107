// Package e2e holds Lapak's browser tests: real journeys in headless Chromium
// (driven by chromedp) against the same wiring `lapak serve` uses, with an
// axe-core accessibility check on every page visited. It has no non-test code;
// package.json pins the test-only npm tools (axe-core), installed by `make test`.
package e2e

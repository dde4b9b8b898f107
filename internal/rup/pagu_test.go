package rup

import "testing"

// Pagu read from spreadsheet cells is exact rupiah, whatever notation the
// spreadsheet used; it never passes through a float.
func TestParsePagu(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		problem bool
	}{
		{"150000000", 150_000_000, false},
		{"Rp 150.000.000", 150_000_000, false},
		{"1.5E+08", 150_000_000, false},
		{"1.23456789012E+11", 123_456_789_012, false},
		{"150000000.5", 0, true},
		{"2E+12", 0, true},
		{"0", 0, true},
		{"seratus", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, problem := parsePagu(tt.in)
		if got != tt.want || (problem != "") != tt.problem {
			t.Errorf("parsePagu(%q) = %d, %q; want %d, problem %v", tt.in, got, problem, tt.want, tt.problem)
		}
	}
}

package web

import (
	"fmt"
	"net/url"
	"strings"

	"lapak/internal/reporting"
)

// stageLink is where a funnel count drills down to: the businesses behind it.
func stageLink(stage, kecamatan, area string) string {
	v := url.Values{}
	if kecamatan == "" {
		v.Set("kecamatan", area)
	} else {
		v.Set("kecamatan", kecamatan)
		v.Set("nagari", area)
	}
	switch stage {
	case "registry":
		return "/koperindag/registry?" + v.Encode()
	case "invited":
		v.Set("status", "invited")
		return "/koperindag/registry?" + v.Encode()
	case "submitted":
		v.Set("status", "submitted")
	case "verified", "listed", "ordered", "paid":
		// Listing, ordering and payment come after verification; the
		// supplier list shows the verified businesses of the area.
		v.Set("status", "verified")
	case "trained":
		return "/koperindag/trainings"
	}
	return "/koperindag/suppliers?" + v.Encode()
}

func kecQuery(code string) string {
	if code == "" {
		return ""
	}
	return "?kecamatan=" + url.QueryEscape(code)
}

func barWidth(total reporting.FunnelRow, i, max int) int {
	top := 0
	for _, n := range total.Counts {
		top = maxInt(top, n)
	}
	if top == 0 {
		return 0
	}
	return total.Counts[i] * max / top
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func funnelDesc(total reporting.FunnelRow) string {
	var parts []string
	for i, s := range reporting.Stages {
		parts = append(parts, fmt.Sprintf("%s: %d", s.Label, total.Counts[i]))
	}
	return strings.Join(parts, "; ") + "."
}

package web

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"lapak/internal/auth"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

func sortedErrors(f Form) []string {
	keys := make([]string, 0, len(f.Errors))
	for k := range f.Errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, f.Errors[k])
	}
	return out
}

func itoa(n int) string           { return strconv.Itoa(n) }
func i64(n int64) string          { return strconv.FormatInt(n, 10) }
func dateTime(t time.Time) string { return wib.DateTime(t) }

func dateTimePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return wib.DateTime(*t)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func roleNames(u *auth.User) string {
	var s string
	for i, r := range u.RoleList() {
		if i > 0 {
			s += ", "
		}
		s += r.Label()
	}
	return s
}

func joinComma(items []string) string { return strings.Join(items, ", ") }

func npwp(digits string) string {
	if digits == "" {
		return ""
	}
	return validate.FormatNPWP(digits)
}

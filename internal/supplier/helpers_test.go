package supplier_test

import (
	"sort"
	"strconv"
)

func sortStrings(s []string) []string { sort.Strings(s); return s }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

package web

import (
	"fmt"
	"strconv"
	"strings"

	"lapak/internal/rupiah"
)

// Bar is one bar of a chart: what it stands for, its value and the value as
// people read it. Links to the orders behind it belong in the chart's table.
type Bar struct {
	Label string
	Short string // the label under a column, when Label is too long; "" for Label
	Value int64
	Text  string
}

// Chart is a bar chart drawn on the server as SVG. Its text alternative is
// Desc (read by screen readers with Title) and, always, a table on the page
// with the same numbers: TableID names it.
type Chart struct {
	ID      string // unique on the page; prefixes the title and desc ids
	Title   string
	Desc    string
	TableID string
	Bars    []Bar
	MaxBars int // horizontal charts show at most this many bars (0: all); the table has the rest
}

// Chart geometry, in SVG user units.
const (
	chartWidth    = 640
	hbarLabelH    = 18 // the label line above each horizontal bar
	hbarH         = 16
	hbarGap       = 14
	hbarTextRoom  = 110 // room right of the longest bar for its value
	colChartH     = 220
	colChartTop   = 24
	colChartAxisH = 34 // month labels under the columns
)

// shown returns the bars a horizontal chart draws.
func (c Chart) shown() []Bar {
	if c.MaxBars > 0 && len(c.Bars) > c.MaxBars {
		return c.Bars[:c.MaxBars]
	}
	return c.Bars
}

func (c Chart) max() int64 {
	var m int64
	for _, b := range c.Bars {
		m = max(m, b.Value)
	}
	return m
}

// scale returns v's length on a bar of full length.
func (c Chart) scale(v int64, full int) int {
	m := c.max()
	if m <= 0 || v <= 0 {
		return 0
	}
	n := int(v * int64(full) / m)
	return max(n, 1) // a tiny value still shows
}

func (c Chart) hbarHeight() int { return len(c.shown())*(hbarLabelH+hbarH+hbarGap) + 4 }

func hbarY(i int) int { return i * (hbarLabelH + hbarH + hbarGap) }

// colWidth is the width of one column slot of a column chart.
func (c Chart) colWidth() float64 {
	if len(c.Bars) == 0 {
		return chartWidth
	}
	return float64(chartWidth) / float64(len(c.Bars))
}

func (c Chart) colX(i int) string {
	w := c.colWidth()
	return ftoa(float64(i)*w + w*0.15)
}

func (c Chart) colW() string { return ftoa(c.colWidth() * 0.7) }

func (c Chart) colH(v int64) int { return c.scale(v, colChartH-colChartTop) }

func (c Chart) colY(v int64) int { return colChartH - c.colH(v) }

// colLabel returns the label under column i, or "" where there is no room:
// every column up to 12, else one in every few.
func (c Chart) colLabel(i int) string {
	every := (len(c.Bars) + 11) / 12
	if every < 1 || i%every != 0 {
		return ""
	}
	if c.Bars[i].Short != "" {
		return c.Bars[i].Short
	}
	return c.Bars[i].Label
}

func (c Chart) colLabelX(i int) string {
	w := c.colWidth()
	return ftoa(float64(i)*w + w/2)
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// barTitle is the tooltip of a bar: its label and value.
func barTitle(b Bar) string { return b.Label + ": " + b.Text }

// shortRupiah writes an amount for a chart: Rp350 jt, Rp1,2 M.
func shortRupiah(n int64) string {
	units := []struct {
		size int64
		name string
	}{{1_000_000_000_000, " T"}, {1_000_000_000, " M"}, {1_000_000, " jt"}, {1_000, " rb"}}
	for _, u := range units {
		// At least one unit once rounded to a tenth: Rp999.960.000 is Rp1 M, not Rp1.000 jt.
		if n >= u.size || (u.size > 1000 && n*10+u.size/2 >= u.size*10) {
			return "Rp" + decimalComma(n, u.size) + u.name
		}
	}
	return rupiah.Format(n)
}

// decimalComma writes n/unit with one decimal under 100 (comma, Indonesian), none above.
func decimalComma(n, unit int64) string {
	tenths := (n*10 + unit/2) / unit
	if tenths >= 1000 || tenths%10 == 0 {
		return rupiah.FormatPlain((tenths + 5) / 10)
	}
	return fmt.Sprintf("%d,%d", tenths/10, tenths%10)
}

// percent writes part as a share of whole with one decimal: "18,4%"; "—" without a whole.
func percent(part, whole int64) string {
	if whole <= 0 {
		return "—"
	}
	permille := (part*1000 + whole/2) / whole
	return strings.Replace(fmt.Sprintf("%d,%d%%", permille/10, permille%10), ",0%", "%", 1)
}

// permille returns part/whole in thousandths, 0 without a whole.
func permille(part, whole int64) int64 {
	if whole <= 0 {
		return 0
	}
	return (part*1000 + whole/2) / whole
}

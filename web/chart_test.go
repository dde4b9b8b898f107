package web

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

func renderDoc(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var b strings.Builder
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	d, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func sampleChart(n int) Chart {
	c := Chart{ID: "grafik-uji", Title: "Belanja per OPD", Desc: "Dinas Kesehatan terbesar.", TableID: "tabel-uji", MaxBars: 3}
	for i := range n {
		c.Bars = append(c.Bars, Bar{Label: "OPD " + string(rune('A'+i)), Value: int64((n - i) * 1_000_000), Text: shortRupiah(int64((n - i) * 1_000_000))})
	}
	return c
}

// TestBarChart_Accessible: the SVG is an image named by its title and
// described by its description, shows at most MaxBars bars, says so, and
// points to the table with every number; it holds no links (the table
// carries them).
func TestBarChart_Accessible(t *testing.T) {
	d := renderDoc(t, BarChart(sampleChart(5)))
	svg := d.Find("svg[data-testid=grafik-uji]")
	if svg.AttrOr("role", "") != "img" || svg.AttrOr("aria-labelledby", "") != "grafik-uji-title grafik-uji-desc" {
		t.Errorf("svg role %q, aria-labelledby %q", svg.AttrOr("role", ""), svg.AttrOr("aria-labelledby", ""))
	}
	if got := d.Find("#grafik-uji-title").Text(); got != "Belanja per OPD" {
		t.Errorf("title = %q", got)
	}
	if got := d.Find("#grafik-uji-desc").Text(); got != "Dinas Kesehatan terbesar." {
		t.Errorf("desc = %q", got)
	}
	if n := svg.Find("rect").Length(); n != 3 {
		t.Errorf("%d bars drawn, want MaxBars 3", n)
	}
	if svg.Find("a").Length() != 0 {
		t.Error("the chart image holds links: controls nested in an image (axe nested-interactive)")
	}
	caption := d.Find("figcaption")
	if !strings.Contains(caption.Text(), "3 terbesar dari 5") || caption.Find(`a[href="#tabel-uji"]`).Length() != 1 {
		t.Errorf("caption = %q, want it to say 3 of 5 and link to the table", caption.Text())
	}
	// The longest bar takes the full length, the others in proportion.
	w := svg.Find("rect").First().AttrOr("width", "")
	if w != "530" {
		t.Errorf("largest bar width = %s, want 530", w)
	}
}

func TestColumnChart_LabelsEveryFewMonths(t *testing.T) {
	c := Chart{ID: "grafik-bulan", Title: "Per bulan", Desc: "x", TableID: "tabel-bulan"}
	for i := range 36 {
		c.Bars = append(c.Bars, Bar{Label: "Bulan", Short: "B" + string(rune('a'+i%26)), Value: int64(i), Text: "x"})
	}
	d := renderDoc(t, ColumnChart(c))
	if n := d.Find("rect").Length(); n != 36 {
		t.Errorf("%d columns, want 36", n)
	}
	if n := d.Find("g text").Length(); n != 12 {
		t.Errorf("%d month labels, want one in three of 36 (12)", n)
	}
}

func TestShortRupiah(t *testing.T) {
	for n, want := range map[int64]string{
		0: "Rp0", 950: "Rp950", 12_500: "Rp12,5 rb", 1_000_000: "Rp1 jt", 1_840_000: "Rp1,8 jt", 350_000_000: "Rp350 jt",
		999_960_000: "Rp1 M", 940_000_000: "Rp940 jt", 1_250_000_000: "Rp1,3 M", 12_000_000_000_000: "Rp12 T",
	} {
		if got := shortRupiah(n); got != want {
			t.Errorf("shortRupiah(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, tt := range []struct {
		part, whole int64
		want        string
	}{
		{1, 0, "—"}, {0, 10, "0%"}, {1_840_000, 10_000_000, "18,4%"}, {1, 3, "33,3%"}, {2, 3, "66,7%"}, {5, 5, "100%"}, {1, 2000, "0,1%"},
	} {
		if got := percent(tt.part, tt.whole); got != tt.want {
			t.Errorf("percent(%d, %d) = %q, want %q", tt.part, tt.whole, got, tt.want)
		}
	}
}

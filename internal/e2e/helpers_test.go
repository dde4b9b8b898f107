package e2e

import (
	"context"
	"fmt"
	"strconv"

	"github.com/chromedp/chromedp"
)

func itoa(n int) string { return strconv.Itoa(n) }

// attr returns an attribute of the first element matched by css.
func attr(b *browser, css, name string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(document.querySelector(%q) || {getAttribute: () => ""}).getAttribute(%q) || ""`, css, name)))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// chromedpClickCSS clicks the first element matched by css.
func chromedpClickCSS(css string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(css))
}

// chromedpSelectByLabel chooses the option with the visible label in select id.
func chromedpSelectByLabel(id, label string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		js := fmt.Sprintf(`(() => { const s = document.getElementById(%q);
			for (const o of s.options) { if (o.textContent.trim() === %q) { s.value = o.value; return true; } }
			return false; })()`, id, label)
		ok, err := chromedp.Evaluate[bool](js)(ctx, t)
		if err == nil && !ok {
			err = fmt.Errorf("no option %q in #%s", label, id)
		}
		return chromedp.Void{}, err
	}
}

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

// setFiles chooses files (paths on disk) in the file input with id, as a
// user picking them in the file dialog would.
func setFiles(b *browser, id string, paths ...string) {
	b.t.Helper()
	b.do(chromedp.SetUploadFiles(chromedp.ID(id), paths))
}

// value returns the current value of the form field with id.
func value(b *browser, id string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.ID(id)))
	if err != nil {
		b.t.Fatalf("value of #%s: %v", id, err)
	}
	return v
}

// hrefWithText returns the href of the first link matched by css whose text
// contains text, or "" when there is none.
func hrefWithText(b *browser, css, text string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(Array.from(document.querySelectorAll(%q)).find(a => a.textContent.includes(%q)) || {getAttribute: () => ""}).getAttribute("href") || ""`,
		css, text)))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// clickWithin clicks the element matched by inner inside the first element
// matched by css whose text contains text, e.g. the checkbox of a table row.
func clickWithin(b *browser, css, text, inner string) {
	b.t.Helper()
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const box = Array.from(document.querySelectorAll(%q)).find(e => e.textContent.includes(%q));
		const el = box && box.querySelector(%q);
		if (!el) { return false; }
		el.click();
		return true; })()`, css, text, inner)))
	if err != nil {
		b.t.Fatal(err)
	}
	if !ok {
		b.t.Fatalf("no %s inside a %s holding %q", inner, css, text)
	}
}

// texts returns the trimmed text of every element matched by css.
func texts(b *browser, css string) []string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](fmt.Sprintf(
		`Array.from(document.querySelectorAll(%q)).map(e => e.textContent.trim())`, css)))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

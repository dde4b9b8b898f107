package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/app"
	"lapak/internal/auth"
)

// The demo's auditor (Inspektorat).
const (
	rptAuditor     = "auditor@lapak.test"
	rptAuditorName = "Sri Wahyuni"
)

// rptFlagReviewTooShort is what the review form says about a note under 5 characters.
const rptFlagReviewTooShort = "Tulis catatan pemeriksaan 5 sampai 2.000 karakter."

// rptClick clicks the element matched by css, waits for the page it leads
// to, checks that page and returns its HTTP status.
func rptClick(b *browser, css string) int64 {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("click %s on %s: %v", css, b.path(), err)
	}
	b.check()
	if res == nil {
		return 0
	}
	return res.Status
}

// rptVisit opens path like b.visit and returns the HTTP status.
func rptVisit(b *browser, path string) int64 {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(b.base+path))
	if err != nil {
		b.t.Fatalf("visit %s: %v", path, err)
	}
	b.check()
	if res == nil {
		return 0
	}
	return res.Status
}

// rptBack goes back one page in the browser's history, as the back button does.
func rptBack(b *browser) {
	b.t.Helper()
	b.do(chromedp.NavigateBack())
	b.check()
}

// rptNavLink returns the href of the main navigation's link labelled label.
func rptNavLink(b *browser, label string) string {
	b.t.Helper()
	href := ordLinkExact(b, "nav.main a", label)
	if href == "" {
		b.t.Fatalf("the navigation on %s has no %q: %v", b.path(), label, texts(b, "nav.main a"))
	}
	return href
}

// rptNoErrorPage fails when the page the browser is on is an error page.
func rptNoErrorPage(b *browser) {
	b.t.Helper()
	if b.count("[data-testid=error-message]") != 0 {
		b.t.Fatalf("%s shows an error page: %s", b.path(), b.text("[data-testid=error-message]"))
	}
}

// rptChartProblems checks every chart on the page: an SVG image named by
// its title and described by its desc (both non-empty), whose caption
// points to a table on the same page holding the same numbers. It returns
// how many charts there are and what is wrong with them.
func rptChartProblems(b *browser) (int, []string) {
	b.t.Helper()
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`JSON.stringify((() => {
		const problems = [];
		const charts = Array.from(document.querySelectorAll("figure.chart"));
		for (const fig of charts) {
			const svg = fig.querySelector("svg");
			const name = svg ? svg.getAttribute("data-testid") || "(unnamed)" : "(no svg)";
			if (!svg || svg.getAttribute("role") !== "img") { problems.push(name + ": not an image (role=img)"); continue; }
			const ids = (svg.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
			const parts = ids.map(id => document.getElementById(id));
			if (ids.length < 2 || parts.some(e => !e || !e.textContent.trim())) {
				problems.push(name + ": its aria-labelledby " + JSON.stringify(ids) + " does not name a title and a description");
			}
			const desc = svg.querySelector("desc");
			if (!desc || !desc.textContent.trim()) { problems.push(name + ": no text description"); }
			const link = fig.querySelector("figcaption a[href^='#']");
			const table = link && document.getElementById(link.getAttribute("href").slice(1));
			if (!table || table.tagName !== "TABLE") { problems.push(name + ": the caption links to no table on the page"); }
			else if (!table.querySelector("tbody tr")) { problems.push(name + ": its table " + table.id + " is empty"); }
		}
		return {count: charts.length, problems};
	})())`))
	if err != nil {
		b.t.Fatal(err)
	}
	var r struct {
		Count    int
		Problems []string
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		b.t.Fatal(err)
	}
	return r.Count, r.Problems
}

// rptSplitOrder returns a live order the split rule flagged within the red
// flags page's default period (the past year), with the buyer's written
// justification, that no auditor reviewed yet. The demo's year of
// purchasing holds such orders (issue 6, item 6; internal/demo/history.go).
func rptSplitOrder(t *testing.T, a *app.App) int64 {
	t.Helper()
	id, ok := rptOpenSplitFlag(t, context.Background(), a.DB)
	if !ok {
		t.Fatal("the demo has no unreviewed split-detection flag with a justification in the past year: " +
			"its history (internal/demo/history.go) should place split-flagged orders")
	}
	return id
}

// rptOpenSplitFlag finds the newest unreviewed split flag of the past year.
func rptOpenSplitFlag(t *testing.T, ctx context.Context, db *pgxpool.Pool) (int64, bool) {
	t.Helper()
	var ids []int64
	rows, err := db.Query(ctx, `SELECT f.order_id FROM order_flags f
		JOIN orders o ON o.id = f.order_id
		WHERE f.kind = 'split' AND f.placed_at > now() - interval '360 days' AND o.justifications->>'split' <> ''
		  AND NOT EXISTS (SELECT 1 FROM flag_reviews r WHERE r.order_id = f.order_id AND r.kind = 'split')
		ORDER BY f.placed_at DESC, f.order_id DESC LIMIT 1`)
	if err != nil {
		t.Fatalf("read split flags: %v", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read split flags: %v", err)
	}
	if len(ids) == 0 {
		return 0, false
	}
	return ids[0], true
}

// rptReviews counts the stored reviews of the split flag on order id, and
// the audit entries recording them.
func rptReviews(t *testing.T, db *pgxpool.Pool, id int64) (reviews, audits int) {
	t.Helper()
	ctx := context.Background()
	if err := db.QueryRow(ctx, `SELECT count(*) FROM flag_reviews WHERE order_id = $1 AND kind = 'split'`, id).Scan(&reviews); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'flag.review' AND entity = 'order' AND entity_id = $1`,
		strconv.FormatInt(id, 10)).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	return reviews, audits
}

// rptSplitCounts reads the split row of the red flags summary: flagged and reviewed.
func rptSplitCounts(b *browser) (flagged, reviewed int) {
	b.t.Helper()
	row := "[data-testid=flag-kind][data-kind=split]"
	if b.count(row) != 1 {
		b.t.Fatalf("the red flags page has no split-detection row: %v", texts(b, "[data-testid=flag-kind] th"))
	}
	num := func(css string) int {
		n, err := strconv.Atoi(b.text(css))
		if err != nil {
			b.t.Fatalf("%s: %v", css, err)
		}
		return n
	}
	return num(row + " [data-testid=flag-count]"), num(row + " td:nth-child(3)")
}

// An auditor of the Inspektorat signs in, reads the spending dashboard
// (every chart has a text alternative and a table; any figure opens the
// orders behind it), goes to the red flags, opens the split-detection kind
// and finds an order with the rule's reason and the buyer's written
// justification; on the order's page the split rule's flagged outcome is
// there. Back on the list, a note too short is refused in Indonesian and
// nothing is stored; a proper note marks the flag reviewed, with an audit
// entry, and the counts follow.
func TestBrowser_AuditorReviewsSplitFlag(t *testing.T) {
	base, a := startLapak(t)
	id := rptSplitOrder(t, a)
	sid := strconv.FormatInt(id, 10)
	b := newBrowser(t, base, true)

	// 1. From the start page to the spending dashboard.
	ordSignIn(b, rptAuditor)
	b.check()
	if got := b.text("[data-testid=role]"); got != auth.RoleAuditor.Label() {
		t.Errorf("the auditor's start page names the role %q", got)
	}
	reports := rptNavLink(b, "Laporan")
	if st := rptClick(b, `nav.main a[href="`+reports+`"]`); st != 200 || b.path() != "/reports" {
		t.Fatalf("Laporan opens %s with status %d", b.path(), st)
	}
	rptNoErrorPage(b)
	charts, problems := rptChartProblems(b)
	if charts < 5 {
		t.Errorf("the dashboard draws %d charts, want one per breakdown (5 or more)", charts)
	}
	for _, p := range problems {
		t.Errorf("dashboard chart %s", p)
	}
	for _, table := range []string{"opd", "month", "category", "kecamatan", "scale", "budget"} {
		if b.count("[data-testid=report-"+table+"-table]") != 1 {
			t.Errorf("the dashboard has no %s table", table)
		}
	}
	if got := b.text("[data-testid=report-total]"); got == "Rp0" {
		t.Errorf("the dashboard counts no paid spending this year (%s): the demo should make it show real content", b.text("[data-testid=report-period]"))
	}

	// 2. A number drills down to the orders behind it: the year's total,
	// then one OPD's row.
	total := attr(b, "[data-testid=report-total]", "href")
	if !strings.HasPrefix(total, "/reports/orders?") {
		t.Fatalf("the dashboard's total links to %q, want /reports/orders?...", total)
	}
	rptDrill(b, "[data-testid=report-total]", "the year's total")
	rptBack(b)
	if b.count("[data-testid=report-opd-table] tbody a") == 0 {
		t.Fatalf("no OPD figure on the dashboard links to its orders: %v", texts(b, "[data-testid=report-opd-table] tbody tr"))
	}
	opd := b.text("[data-testid=report-opd-table] tbody tr:first-child th")
	rptDrill(b, "[data-testid=report-opd-table] tbody tr:first-child a", "the first OPD's spending")
	for _, o := range texts(b, "[data-testid=report-orders-table] tbody td:nth-child(2)") {
		if o != opd {
			t.Errorf("the orders behind %s's figure include one of %s", opd, o)
		}
	}
	// An auditor may open the orders behind a figure.
	if href := attr(b, "[data-testid=report-orders-table] tbody th a", "href"); !ordOrderPath.MatchString(href) {
		t.Errorf("an order behind a figure links to %q, want /orders/{id}", href)
	}

	// 3. The red flags: the split-detection kind counts the order.
	flags := rptNavLink(b, "Tanda bahaya")
	if st := rptClick(b, `nav.main a[href="`+flags+`"]`); st != 200 || b.path() != "/flags" {
		t.Fatalf("Tanda bahaya opens %s with status %d", b.path(), st)
	}
	if got := b.text("h1"); got != "Tanda bahaya" {
		t.Errorf("the red flags page is headed %q", got)
	}
	flagged, reviewed := rptSplitCounts(b)
	if flagged < 1 || flagged-reviewed < 1 {
		t.Fatalf("split detection counts %d orders, %d reviewed; want an open one (order %d)", flagged, reviewed, id)
	}
	rptClick(b, "[data-testid=flag-kind][data-kind=split] th a")
	if !strings.HasPrefix(b.path(), "/flags/split") {
		t.Fatalf("the split-detection link opens %s", b.path())
	}
	rptNoErrorPage(b)
	if got := b.text("h1"); got != "Indikasi pemecahan paket" {
		t.Errorf("the split-detection page is headed %q", got)
	}
	listURL := b.path()
	row := "#order-" + sid
	if b.count(row) != 1 {
		t.Fatalf("the split-detection list does not show order %d: %v", id, texts(b, "[data-testid=flag-order] td:first-child a"))
	}
	reason := b.text(row + " [data-testid=flag-reason]")
	if !strings.Contains(reason, "pemecahan") && !strings.Contains(reason, "bernilai sedikit di bawah") && !strings.Contains(reason, "melebihi batas") {
		t.Errorf("order %d's reason does not read as the split rule's: %q", id, reason)
	}
	if got := b.text(row + " [data-testid=flag-justification]"); !strings.HasPrefix(got, "Alasan tertulis pembeli:") || len(got) < len("Alasan tertulis pembeli:")+20 {
		t.Errorf("order %d shows no written justification of the buyer: %q", id, got)
	}
	if b.count(row+" [data-testid=flag-reviewed]") != 0 {
		t.Fatalf("order %d is already reviewed", id)
	}

	// 4. The order's page shows the split rule's flagged outcome.
	rptClick(b, row+" td:first-child a")
	if got := ordOrderID(b); got != sid {
		t.Fatalf("the flagged order's link opens order %s, want %d", got, id)
	}
	rptNoErrorPage(b)
	if b.count("[data-testid=flagged]") != 1 {
		t.Errorf("order %d's page does not say it is flagged for auditors", id)
	}
	split := "[data-testid=order-rules] [data-testid=rule-result][data-rule=split]"
	if b.count(split) != 1 {
		t.Fatalf("order %d's page shows no split rule result: %v", id, texts(b, "[data-testid=order-rules] tbody tr"))
	}
	if v := attr(b, split, "data-verdict"); v != "justify" {
		t.Errorf("the split rule's verdict on order %d is %q, want justify", id, v)
	}
	if got := b.text(split); !strings.Contains(got, "Ditandai untuk auditor") || !strings.Contains(got, "Alasan:") {
		t.Errorf("the split rule's row on order %d lacks the flag or the buyer's reason: %q", id, got)
	}

	// 5. Back on the list: a note too short is refused and nothing is stored.
	rptBack(b)
	if b.path() != listURL {
		t.Fatalf("back from the order is %s, want %s", b.path(), listURL)
	}
	b.do(chromedp.Click(chromedp.CSS(row + " details.flagreview summary")))
	note := "note-" + sid
	b.fill(note, "oke")
	if st := rptClick(b, row+" [data-testid=flag-review-form] button[type=submit]"); st != 422 {
		t.Errorf("a 3-character note answers %d, want 422", st)
	}
	if got := b.text(row + " [data-testid=flag-review-error]"); got != rptFlagReviewTooShort {
		t.Errorf("a too-short note says %q, want %q", got, rptFlagReviewTooShort)
	}
	if got := attr(b, "#"+note, "aria-invalid"); got != "true" {
		t.Errorf("the refused note is not marked invalid: aria-invalid=%q", got)
	}
	if got := value(b, note); got != "oke" {
		t.Errorf("the refused note was not kept for correcting: %q", got)
	}
	if n, _ := rptReviews(t, a.DB, id); n != 0 {
		t.Fatalf("a refused note stored %d reviews", n)
	}

	// 6. A proper note marks the flag reviewed.
	const text = "Diperiksa bersama PPK: rapat koordinasi memang dimajukan provinsi; bukan pemecahan paket."
	b.fill(note, text)
	if st := rptClick(b, row+" [data-testid=flag-review-form] button[type=submit]"); st != 200 {
		t.Errorf("saving the review ends with status %d", st)
	}
	if !strings.HasPrefix(b.path(), "/flags/split?") || !strings.HasSuffix(b.path(), "#order-"+sid) {
		t.Errorf("after the review the browser is at %s, want the split list at order %d", b.path(), id)
	}
	ordExpectFlash(b, "pesanan #"+sid+" ditandai sudah diperiksa")
	if got := b.text(row + " [data-testid=flag-reviewed]"); got != "Sudah diperiksa" {
		t.Errorf("order %d's review badge says %q, want Sudah diperiksa", id, got)
	}
	if got := b.text(row + " td:last-child"); !strings.Contains(got, text) || !strings.Contains(got, rptAuditorName) {
		t.Errorf("order %d's review does not show the note and the auditor: %q", id, got)
	}
	if b.count(row+" [data-testid=flag-review-form]") != 0 {
		t.Errorf("order %d still offers the review form after its review", id)
	}
	if n, audits := rptReviews(t, a.DB, id); n != 1 || audits != 1 {
		t.Errorf("after one review: %d reviews and %d audit entries, want 1 and 1", n, audits)
	}

	// The filter by review state puts the order under "Sudah diperiksa".
	b.do(chromedpSelectByLabel("review", "Belum diperiksa"))
	rptClick(b, "form.filters button[type=submit]")
	if b.count(row) != 0 {
		t.Errorf("order %d is still listed under Belum diperiksa", id)
	}
	b.do(chromedpSelectByLabel("review", "Sudah diperiksa"))
	rptClick(b, "form.filters button[type=submit]")
	if b.count(row) != 1 {
		t.Errorf("order %d is not listed under Sudah diperiksa", id)
	}

	// The summary counts one more reviewed flag.
	rptClick(b, `nav.main a[href="/flags"]`)
	if f2, r2 := rptSplitCounts(b); f2 != flagged || r2 != reviewed+1 {
		t.Errorf("after the review split detection counts %d orders, %d reviewed; want %d and %d", f2, r2, flagged, reviewed+1)
	}
}

// rptDrill follows the figure link css (what, for messages) to the orders
// behind it, and checks that they are listed and add up to a count.
func rptDrill(b *browser, css, what string) {
	b.t.Helper()
	if st := rptClick(b, css); st != 200 {
		b.t.Fatalf("the orders behind %s answer %d at %s", what, st, b.path())
	}
	if !strings.HasPrefix(b.path(), "/reports/orders?") {
		b.t.Fatalf("%s leads to %s, want /reports/orders?...", what, b.path())
	}
	rptNoErrorPage(b)
	rows := b.count("[data-testid=report-orders-table] tbody tr")
	if rows == 0 {
		b.t.Fatalf("no orders behind %s: %q", what, texts(b, "[data-testid=report-figure]"))
	}
	fig := b.text("[data-testid=report-figure]")
	n, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(fig, " pesanan", 2)[0]))
	if err != nil || n < rows {
		b.t.Errorf("the orders behind %s: the page says %q and lists %d", what, fig, rows)
	}
}

// Personal data the public pages must never show.
var (
	rptNIK   = regexp.MustCompile(`(^|[^0-9])[0-9]{16}([^0-9]|$)`)
	rptNIP   = regexp.MustCompile(`(^|[^0-9])[0-9]{18}([^0-9]|$)`)
	rptPhone = regexp.MustCompile(`(\+62|(^|[^0-9.,])08)[0-9][0-9 .-]{6,}[0-9]`)
	rptEmail = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
)

// rptPrivate is what must not appear on a public page: the names of the
// officials and the orders' delivery addresses, read from the database.
type rptPrivate struct {
	names, addresses []string
}

func rptReadPrivate(t *testing.T, db *pgxpool.Pool) rptPrivate {
	t.Helper()
	ctx := context.Background()
	var p rptPrivate
	read := func(q string) []string {
		rows, err := db.Query(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	p.names = read(`SELECT DISTINCT u.name FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role <> 'supplier'`)
	p.addresses = read(`SELECT DISTINCT delivery_address FROM orders`)
	if len(p.names) < 6 || len(p.addresses) == 0 {
		t.Fatalf("the demo has %d officials and %d delivery addresses; want its accounts and orders", len(p.names), len(p.addresses))
	}
	return p
}

// leaks returns the personal data found in text (where says what it is).
func (p rptPrivate) leaks(where, text string) []string {
	var out []string
	for _, c := range []struct {
		what string
		re   *regexp.Regexp
	}{{"a NIK-like 16-digit number", rptNIK}, {"a NIP-like 18-digit number", rptNIP}, {"a phone number", rptPhone}, {"an e-mail address", rptEmail}} {
		if m := c.re.FindString(text); m != "" {
			out = append(out, fmt.Sprintf("%s shows %s: %q", where, c.what, strings.TrimSpace(m)))
		}
	}
	for _, n := range p.names {
		if strings.Contains(text, n) {
			out = append(out, fmt.Sprintf("%s shows the name of the official %q", where, n))
		}
	}
	for _, a := range p.addresses {
		if strings.Contains(text, a) {
			out = append(out, fmt.Sprintf("%s shows the delivery address %q", where, a))
		}
	}
	return out
}

// rptPageText returns the text a visitor reads on the page: the body's text
// and the text alternatives of its images and charts.
func rptPageText(b *browser) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body.innerText + "\n" +
		Array.from(document.querySelectorAll("svg title, svg desc, [aria-label], img[alt]")).map(e =>
			e.getAttribute("aria-label") || e.getAttribute("alt") || e.textContent).join("\n")`))
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}

// rptOCDS fetches an open data link as the browser would and decodes the
// release package.
func rptOCDS(b *browser, href string) (map[string]any, string) {
	b.t.Helper()
	res := ordFetch(b, href)
	if res.Status != 200 {
		b.t.Fatalf("%s answers %d: %s", href, res.Status, res.Body)
	}
	if !strings.HasPrefix(res.Type, "application/json") {
		b.t.Errorf("%s is served as %q, want application/json", href, res.Type)
	}
	var pkg map[string]any
	if err := json.Unmarshal(res.Body, &pkg); err != nil {
		b.t.Fatalf("%s is not JSON: %v", href, err)
	}
	return pkg, string(res.Body)
}

// rptReleases returns the releases of a package and checks each names the order's ocid.
func rptReleases(b *browser, href string, pkg map[string]any) []any {
	b.t.Helper()
	rel, ok := pkg["releases"].([]any)
	if !ok || len(rel) == 0 {
		b.t.Fatalf("%s has no releases: keys %v", href, mapKeys(pkg))
	}
	for i, r := range rel {
		m, _ := r.(map[string]any)
		if s, _ := m["ocid"].(string); s == "" {
			b.t.Errorf("%s: release %d has no ocid", href, i)
		}
	}
	return rel
}

func mapKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// rptYear is the first year option of the transparency filter, "" when none.
func rptYear(b *browser) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		`(Array.from(document.querySelectorAll("#year option")).map(o => o.value).find(v => v !== "") || "")`))
	if err != nil {
		b.t.Fatal(err)
	}
	return v
}

// A visitor without an account opens the transparency page from the home
// page: totals, charts with text alternatives and tables by OPD, kecamatan
// and category, the completed orders; narrows it to a year (and pages on
// when there is more); follows the OCDS links to JSON release packages.
// No page and no release shows personal data: no NIK, NIP, phone number or
// e-mail, no official's name, no delivery address.
func TestBrowser_PublicTransparency(t *testing.T) {
	base, a := startLapak(t)
	private := rptReadPrivate(t, a.DB)
	b := newBrowser(t, base, true)
	var leaks []string
	read := func() {
		leaks = append(leaks, private.leaks(b.path(), rptPageText(b))...)
	}

	// 1. From the home page's navigation.
	b.visit("/")
	if b.count(`nav.main a[href="/transparansi"]`) != 1 {
		t.Fatalf("the home page's navigation has no Transparansi link: %v", texts(b, "nav.main a"))
	}
	read()
	if st := rptClick(b, `nav.main a[href="/transparansi"]`); st != 200 || b.path() != "/transparansi" {
		t.Fatalf("Transparansi opens %s with status %d", b.path(), st)
	}
	rptNoErrorPage(b)
	read()
	if attr(b, `nav.main a[href="/transparansi"]`, "aria-current") != "page" {
		t.Errorf("the navigation does not mark Transparansi as the current page")
	}
	if n := b.count("header .who"); n != 0 {
		t.Fatalf("the visitor is signed in")
	}
	orders, err := strconv.Atoi(strings.ReplaceAll(b.text("[data-testid=stat-orders]"), ".", ""))
	if err != nil || orders == 0 {
		t.Fatalf("the page counts %q paid orders, want some from the demo", b.text("[data-testid=stat-orders]"))
	}
	if v := b.text("[data-testid=stat-value]"); !strings.HasPrefix(v, "Rp") || v == "Rp0" {
		t.Errorf("the total value reads %q", v)
	}
	charts, problems := rptChartProblems(b)
	if charts != 3 {
		t.Errorf("the page draws %d charts, want 3 (OPD, kecamatan, category)", charts)
	}
	for _, p := range problems {
		t.Errorf("transparency chart %s", p)
	}
	for _, table := range []string{"table-opd", "table-kecamatan", "table-category"} {
		if b.count("[data-testid="+table+"] tbody tr") == 0 {
			t.Errorf("the %s table is empty", table)
		}
	}
	if b.count("[data-testid=public-order]") == 0 {
		t.Fatal("the page lists no completed orders")
	}

	// 2. One year; and the next page when the list goes on.
	year := rptYear(b)
	if year == "" {
		t.Fatal("the year filter offers no year")
	}
	b.do(chromedpSelectByLabel("year", year))
	rptClick(b, "[data-testid=transparency-filters] button[type=submit]")
	if got := b.path(); got != "/transparansi?year="+year+"&opd=" && got != "/transparansi?year="+year {
		t.Errorf("filtering by %s opens %s", year, got)
	}
	rptNoErrorPage(b)
	read()
	if got := b.text("main h2"); got != "Belanja, tahun "+year {
		t.Errorf("the year's heading is %q", got)
	}
	if ordSelected(b, "year") != year {
		t.Errorf("the filter forgets the year chosen: %q", ordSelected(b, "year"))
	}
	if b.count("[data-testid=orders-next]") == 1 {
		first := texts(b, "[data-testid=public-order]")
		rptClick(b, "[data-testid=orders-next]")
		if !strings.Contains(b.path(), "page=2") || !strings.Contains(b.path(), "year="+year) {
			t.Errorf("the next page is %s", b.path())
		}
		read()
		if next := texts(b, "[data-testid=public-order]"); len(next) == 0 || next[0] == first[0] {
			t.Errorf("page 2 of the completed orders repeats or is empty: %d rows", len(next))
		}
	} else {
		t.Logf("year %s has %d completed orders on one page: paging not exercised", year, b.count("[data-testid=public-order]"))
	}
	// A year as a person might type it into the address: a clear message, not a 500.
	if st := rptVisit(b, "/transparansi?year=dua-ribu"); st != 422 && st != 400 {
		t.Errorf("a malformed year answers %d, want 422 or 400", st)
	}
	if got := texts(b, "main"); len(got) == 0 || !strings.Contains(got[0], "Tahun harus berupa angka") {
		t.Errorf("a malformed year does not say what is wrong: %q", got)
	}

	// 3. The open data: one order's release and the package of the period.
	b.visit("/transparansi")
	one := attr(b, "[data-testid=public-order] a[href^='/data/ocds/']", "href")
	if one == "" {
		t.Fatal("a completed order has no OCDS link")
	}
	pkg, body := rptOCDS(b, one)
	rel := rptReleases(b, one, pkg)
	if len(rel) != 1 {
		t.Errorf("%s holds %d releases, want the order's one", one, len(rel))
	}
	leaks = append(leaks, private.leaks(one, body)...)
	all := attr(b, "[data-testid=download-ocds]", "href")
	if !strings.HasPrefix(all, "/data/ocds/releases.json") {
		t.Fatalf("the OCDS download links to %q", all)
	}
	// The browser follows the link and shows the JSON; it parses.
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("[data-testid=download-ocds]"))); err != nil {
		t.Fatalf("open %s: %v", all, err)
	}
	shown, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.querySelector("pre") || document.body).textContent`))
	if err != nil {
		t.Fatal(err)
	}
	var viewed map[string]any
	if err := json.Unmarshal([]byte(shown), &viewed); err != nil {
		t.Fatalf("the browser shows %s as something other than JSON: %v", all, err)
	}
	rel = rptReleases(b, all, viewed)
	leaks = append(leaks, private.leaks(all, shown)...)
	if orders > 0 && len(rel) == 0 {
		t.Errorf("%s holds no release", all)
	}
	for _, l := range leaks {
		t.Errorf("personal data on a public page: %s", l)
	}
}

// The personal data check catches what it is meant to, and lets the
// public figures through: a check that finds nothing proves nothing.
func TestPublicPrivacyCheck_FindsPersonalData(t *testing.T) {
	p := rptPrivate{names: []string{"dr. Yusnita Harahap"}, addresses: []string{"Jl. Pemuda No. 5, Padang Aro"}}
	tests := []struct {
		name, text string
		leak       bool
	}{
		{"NIK", "Pemilik 1311014506870001", true},
		{"NIP", "NIP 197908222005012003", true},
		{"mobile phone", "Hubungi 0812 6677 1234", true},
		{"phone +62", "WA +6281266771234", true},
		{"e-mail", "ppk@lapak.test", true},
		{"official's name", "PPK: dr. Yusnita Harahap", true},
		{"delivery address", "Dikirim ke Jl. Pemuda No. 5, Padang Aro", true},
		{"money and counts", "Rp1.250.000 · 12 pesanan · 3 UMKM penyedia", false},
		{"money with 08 inside", "Rp2.080.000.000 dan Rp1.081.500", false},
		{"an SP number and a date", "027/SP/DINKES/XI/2026, 27 Nov 2026", false},
		{"an ocid", "ocds-lapak1-13110000000042 nilai 180000", false},
		{"a RUP code", "Kode RUP 43170268", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.leaks("page", tt.text); (len(got) > 0) != tt.leak {
				t.Errorf("leaks(%q) = %v, want a leak: %v", tt.text, got, tt.leak)
			}
		})
	}
}

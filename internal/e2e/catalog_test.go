package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"lapak/internal/demo"
)

// photoFile writes a phone-sized JPEG to a temporary file and returns its path.
func photoFile(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := range 1200 {
		for x := range 1600 {
			img.SetRGBA(x, y, color.RGBA{uint8(90 + x/20), uint8(60 + y/20), 40, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "kopi-robusta.jpg")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A verified supplier lists a product with a photo from a phone; a PP finds
// it despite a typo, narrows by kecamatan, compares two offers and opens one.
func TestBrowser_CatalogListAndFind(t *testing.T) {
	base, _ := startLapak(t)
	b := newBrowser(t, base, true)

	// The demo supplier (Kopi Sangir Jaya, verified) adds a listing.
	b.login("081200000001", demo.Password)
	b.visit("/supplier/listings")
	b.submit("[data-testid=new-listing]")
	if got := b.path(); got != "/supplier/listings/new" {
		t.Fatalf("new listing form at %s", got)
	}
	b.fill("title", "Kopi bubuk robusta Sangir 250 gram")
	b.do(chromedpSelectByLabel("category_id", "Produk lokal pangan (kopi, teh, olahan durian, kerupuk)"))
	b.fill("price", "Rp 45.000")
	b.fill("unit", "bungkus")
	b.fill("stock", "50")
	b.do(chromedpClickCSS("input[name=origin][value=local]"))
	b.fill("description", "Kopi robusta dari kebun Sangir, digiling halus.")
	b.submit("[data-testid=save-listing]")
	if !strings.HasSuffix(b.path(), "/edit") {
		t.Fatalf("after saving got %s, want the edit page", b.path())
	}
	if got := b.text("[data-testid=listing-status]"); got != "Draf" {
		t.Errorf("a new listing is %q, want Draf", got)
	}
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#photos"), []string{photoFile(t)}))
	b.submit("[data-testid=upload-photos]")
	if n := b.count("[data-testid=photos] img"); n != 1 {
		t.Fatalf("after the upload %d photos are shown", n)
	}
	b.submit("[data-testid=publish]")
	if got := b.text("[data-testid=listing-status]"); got != "Tayang" {
		t.Errorf("after publishing the listing is %q", got)
	}
	b.logout()

	// A PP searches with a typo, narrows by kecamatan, compares, opens one.
	b.login("pp@lapak.test", demo.Password)
	b.visit("/catalog?q=kopi+robsta")
	if b.count("[data-testid=did-you-mean]") != 1 {
		t.Errorf("no 'did you mean' for a typo")
	}
	if !strings.Contains(b.text("[data-testid=results]"), "Kopi bubuk robusta Sangir 250 gram") {
		t.Fatalf("the new listing is not found: %s", b.text("[data-testid=result-count]"))
	}
	b.visit("/catalog?q=kopi")
	b.do(chromedpClickCSS("details.filters summary"))
	b.do(chromedpSelectByLabel("kec", kecamatanLabel(b, "Sangir")))
	b.submit("details.filters button[type=submit]")
	if !strings.Contains(b.path(), "kec=13.11.01") {
		t.Fatalf("the filter is not in the address: %s", b.path())
	}
	if b.count("[data-testid=result]") < 2 {
		t.Fatalf("fewer than two kopi offers in Sangir: %s", b.text("[data-testid=result-count]"))
	}
	b.do(chromedpClickCSS("[data-testid=result]:nth-child(1) input[name=ids]"))
	b.do(chromedpClickCSS("[data-testid=result]:nth-child(2) input[name=ids]"))
	b.submit(".comparebar button")
	if !strings.HasPrefix(b.path(), "/compare?") {
		t.Fatalf("compare at %s", b.path())
	}
	if n := b.count("[data-testid=compare-title]"); n != 2 {
		t.Fatalf("comparing %d listings, want 2", n)
	}
	title := b.text("[data-testid=compare-title]")
	b.submit("[data-testid=compare-title]")
	if !strings.HasPrefix(b.path(), "/listings/") {
		t.Fatalf("listing page at %s", b.path())
	}
	if got := b.text("[data-testid=listing-title]"); got != title {
		t.Errorf("opened %q, want %q", got, title)
	}
	if !strings.HasPrefix(b.text("[data-testid=listing-price]"), "Rp") {
		t.Error("the listing page shows no price")
	}
}

// As you type, the results follow without reloading the page, and the
// address keeps the query.
func TestBrowser_CatalogSearchAsYouType(t *testing.T) {
	base, _ := startLapak(t)
	b := newBrowser(t, base, true)
	b.visit("/catalog")
	b.do(chromedp.SendKeys(chromedp.ID("q"), "tinta"))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`location.search.includes("q=tinta") &&
		document.querySelector("[data-testid=result-title]") !== null &&
		document.querySelector("[data-testid=result-title]").textContent.toLowerCase().includes("tinta")`)); err != nil {
		t.Fatalf("results did not follow the typing: %v (at %s)", err, b.path())
	}
	b.check()
}

// Without JavaScript the search, its filters and paging work as plain links and forms.
func TestBrowser_CatalogWithoutJavaScript(t *testing.T) {
	base, _ := startLapak(t)
	b := newBrowser(t, base, false)
	b.visit("/catalog")
	b.fill("q", "kertas")
	b.submit(".searchbox button[type=submit]")
	if !strings.Contains(b.path(), "q=kertas") || b.count("[data-testid=result]") == 0 {
		t.Fatalf("no results for kertas at %s", b.path())
	}
	b.visit("/catalog?sort=price_asc")
	if b.count("[data-testid=next-page]") != 1 {
		t.Fatal("no next page link")
	}
	first := b.text("[data-testid=result-title]")
	b.submit("[data-testid=next-page]")
	if got := b.text("[data-testid=result-title]"); got == first {
		t.Errorf("the second page starts with the first page's %q", got)
	}
}

// kecamatanLabel returns the label of the kecamatan option starting with name
// (labels carry a count, e.g. "Sangir (12)").
func kecamatanLabel(b *browser, name string) string {
	b.t.Helper()
	label, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#kec option"))
		.map(o => o.textContent.trim()).find(t => t.startsWith(`+"`"+name+" (`"+`)) || ""`))
	if err != nil || label == "" {
		b.t.Fatalf("no kecamatan option %q: %v", name, err)
	}
	return label
}

// Every catalog page passes the accessibility and phone-width checks, for
// the roles that use it.
func TestBrowser_CatalogPagesAccessible(t *testing.T) {
	base, _ := startLapak(t)
	b := newBrowser(t, base, true)
	for _, p := range []string{"/catalog?q=kertas&sort=price_asc", "/ssh?q=kertas", "/compare", "/listings/1", "/store/2"} {
		b.visit(p)
	}
	b.login("081200000001", demo.Password)
	for _, p := range []string{"/supplier/listings", "/supplier/listings/new", "/supplier/listings/bulk"} {
		b.visit(p)
	}
	b.visit("/supplier/listings/new")
	b.submit("[data-testid=save-listing]") // nothing filled in: errors tied to their fields
	if b.count("[data-testid=form-errors]") != 1 || attr(b, "#title", "aria-invalid") != "true" {
		t.Error("an empty listing form shows no errors on its fields")
	}
	b.logout()
	b.login("admin@lapak.test", demo.Password)
	for _, p := range []string{"/admin/categories", "/admin/categories/new", "/admin/ssh", "/moderation/listings", "/listings/1"} {
		b.visit(p)
	}
}

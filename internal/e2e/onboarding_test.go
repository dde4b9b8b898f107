package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"lapak/internal/demo"
	"lapak/internal/reporting"
	"lapak/internal/supplier"
	"lapak/internal/upload/uploadtest"
)

// registryCSV is a small extract of the dinas's UMKM list as staff keep it:
// a numbering column, Indonesian headers, phone numbers written loosely. Row
// 3 (the second business) has a NIK two digits short.
const registryCSV = `No,Nama Usaha,Nama Pemilik,NIK,NIB,No HP,Alamat,Kecamatan,Nagari,Jenis Usaha,Skala
1,Rendang Uni Yet,Yetti Marlina,1311015807850001,,0812-6601-2345,"Jorong Pasar Lama, Jl. Lintas Sumatera",Sangir,Lubuk Gadang,Makanan olahan,Mikro
2,Kerupuk Sanjai Bundo,Nurhayati,13110255038000,,0813 7402 1100,Jl. Pasar Muara Labuh No. 12,Kec. Sungai Pagu,Pasar Muara Labuh,Makanan olahan,Mikro
3,Anyaman Pandan Pakan Rabaa,Rosnita,1311036203800003,,0852 6310 4455,Jorong Koto Tinggi,Koto Parik Gadang Diateh,Pakan Rabaa,Kerajinan,Mikro
`

// writeFile writes data to name in dir and returns its path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// funnelTotals reads the totals row of the funnel table on the current page.
func funnelTotals(b *browser) []int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]int](
		`Array.from(document.querySelectorAll("[data-testid=funnel-table] tfoot td")).map(td => parseInt(td.textContent.replace(/\D/g, ""), 10))`))
	if err != nil {
		b.t.Fatal(err)
	}
	if len(n) != len(reporting.Stages) {
		b.t.Fatalf("funnel totals %v, want one per stage (%d)", n, len(reporting.Stages))
	}
	return n
}

var profilePath = regexp.MustCompile(`^/suppliers/(\d+)/profile$`)

// supplierIDFromProfile returns the supplier id of the profile form the
// browser is on, failing the test when it is elsewhere.
func supplierIDFromProfile(b *browser) string {
	b.t.Helper()
	m := profilePath.FindStringSubmatch(b.path())
	if m == nil {
		b.t.Fatalf("at %s, want a supplier's profile form", b.path())
	}
	return m[1]
}

// uploadDocument uploads path as the document of kind through the input
// with id (file-KIND or file-KIND-camera) and checks that it was stored.
func uploadDocument(b *browser, kind, input, path string) {
	b.t.Helper()
	setFiles(b, input, path)
	b.submit("#doc-" + kind + " [data-testid=upload] button[type=submit]")
	if b.count("[data-testid=form-errors]") != 0 {
		b.t.Fatalf("upload of %s refused: %s", kind, b.text("[data-testid=form-errors]"))
	}
	if got := b.text("[data-testid=flash]"); !strings.Contains(got, "tersimpan") {
		b.t.Errorf("after uploading %s the flash says %q", kind, got)
	}
	if n := b.count("#doc-" + kind + " [data-testid=document]"); n != 1 {
		b.t.Errorf("%s lists %d documents after the upload, want 1", kind, n)
	}
}

// Koperindag imports its registry, invites a business; the owner activates
// it from a phone, fills the profile and uploads the documents; Koperindag
// sends it back once, the owner fixes it, Koperindag verifies it; and the
// funnel shows every stage moving.
func TestBrowser_OnboardingJourney(t *testing.T) {
	base, _ := startLapak(t)
	b := newBrowser(t, base, true)
	dir := t.TempDir()
	csvPath := writeFile(t, dir, "umkm-solok-selatan-2026.csv", []byte(registryCSV))
	photo := writeFile(t, dir, "foto-dokumen.jpg", uploadtest.JPEG(t, 640, 400))
	pdf := writeFile(t, dir, "surat.pdf", uploadtest.PDF(""))
	const (
		business = "Rendang Uni Yet"
		phone    = "0812 6601 2345"
		password = "rendang daging uni yet"
	)

	// Koperindag notes the funnel, then imports the registry file.
	b.login("koperindag@lapak.test", demo.Password)
	b.visit("/koperindag/funnel")
	before := funnelTotals(b)

	b.visit("/koperindag/registry/import")
	setFiles(b, "file", csvPath)
	b.submit("form[action='/koperindag/registry/import'] button[type=submit]")
	if b.count("[data-testid=upload-error]") != 0 {
		t.Fatalf("upload refused: %s", b.text("[data-testid=upload-error]"))
	}
	counts := map[string]string{}
	for _, k := range []string{"total", "created", "skipped"} {
		counts[k] = b.text("[data-testid=count-" + k + "]")
	}
	if diff := cmp.Diff(counts, map[string]string{"total": "3", "created": "2", "skipped": "1"}); diff != "" {
		t.Errorf("preview counts (-got +want):\n%s", diff)
	}
	if got := texts(b, "[data-testid=problem-row]"); !cmp.Equal(got, []string{"3"}) {
		t.Errorf("problem rows %v, want [3] (the bad NIK)", got)
	}
	if got := b.text("[data-testid=problem]"); !strings.Contains(got, "NIK") {
		t.Errorf("problem %q does not name the NIK", got)
	}
	if n := b.count("[data-testid=sample-row]"); n != 2 {
		t.Errorf("preview samples %d rows, want the 2 good ones", n)
	}
	b.submit("[data-testid=confirm]")
	if got := b.path(); got != "/koperindag/registry" {
		t.Fatalf("after confirming got %s, want /koperindag/registry", got)
	}
	if got := b.text("[data-testid=flash]"); !strings.Contains(got, "2 usaha baru") {
		t.Errorf("flash %q, want 2 new businesses", got)
	}
	// The demo registry is there too: look the new business up.
	b.visit("/koperindag/registry?q=" + url.QueryEscape(business))
	if n := b.count("[data-testid=registry-row]"); n != 1 {
		t.Errorf("registry search for %q lists %d businesses, want 1", business, n)
	}

	// Koperindag invites one business and reads its code off the page.
	b.visit("/koperindag/invitations")
	clickWithin(b, "[data-testid=entry-row]", business, "input[name=entry]")
	b.submit("[data-testid=invite-selected]")
	codes := texts(b, "[data-testid=code]")
	if len(codes) != 1 {
		t.Fatalf("batch shows codes %v, want one", codes)
	}
	code := codes[0]
	if n := b.count("[data-testid=wa-link]"); n != 1 {
		t.Errorf("%d WhatsApp links, want 1 (the business has a phone)", n)
	}
	b.logout()

	// The owner opens the link from the letter and sets a password.
	b.visit("/activate?code=" + url.QueryEscape(code))
	if got := b.text("[data-testid=invitation-preview]"); !strings.Contains(got, business) {
		t.Errorf("activation preview %q does not name %s", got, business)
	}
	if value(b, "phone") == "" {
		b.fill("phone", phone)
	}
	b.fill("password", password)
	b.fill("confirm", password)
	b.submit("form[action='/activate'] button[type=submit]")
	id := supplierIDFromProfile(b)
	if got := value(b, "name"); got != business {
		t.Errorf("profile name %q, want %q from the registry", got, business)
	}

	// The profile, on the phone: a small mistake in the account holder's name.
	b.do(chromedpSelectByLabel("legal_form", "Perorangan (usaha pribadi)"))
	b.fill("nib", "9120301234567")
	b.fill("npwp", "09.254.294.3-203.000")
	b.do(chromedpClickCSS("input[name=scale_basis][value=modal]"))
	b.fill("amount", "Rp 150.000.000")
	b.fill("address", "Jorong Pasar Lama, Jl. Lintas Sumatera Km 2")
	b.do(chromedpSelectByLabel("kecamatan", "Sangir"))
	b.do(chromedpSelectByLabel("nagari", "Lubuk Gadang"))
	b.fill("bank_name", "Bank Nagari")
	b.fill("bank_account_no", "1101.0210.01234-5")
	b.fill("bank_account_name", "Yeti")
	b.fill("products", "Rendang daging sapi kemasan 250 g, rendang telur, dendeng batokok; pesanan nasi kotak untuk rapat.")
	b.submit("form[action$='/profile'] button[type=submit]")
	if got := b.path(); got != "/suppliers/"+id {
		t.Fatalf("after saving the profile got %s (errors: %v)", got, texts(b, "[data-testid=form-errors] li"))
	}
	wantMissing := []string{"dokumen KTP pemilik", "dokumen NIB", "dokumen NPWP", "foto halaman buku tabungan", "surat pernyataan non-PKP"}
	if diff := cmp.Diff(texts(b, "[data-testid=missing] li"), wantMissing); diff != "" {
		t.Errorf("still missing after the profile (-got +want):\n%s", diff)
	}
	if got := b.text("[data-testid=profile]"); !strings.Contains(got, "Usaha mikro (modal Rp150.000.000)") {
		t.Errorf("profile shows %q, want a micro business by its modal of Rp150.000.000", got)
	}

	// The documents: photos and PDFs.
	b.visit("/suppliers/" + id + "/documents")
	for _, d := range []struct{ kind, path string }{
		{"ktp", photo}, {"nib", pdf}, {"npwp", photo}, {"bank_book", photo}, {"non_pkp", pdf},
	} {
		uploadDocument(b, d.kind, "file-"+d.kind, d.path)
	}
	b.visit("/suppliers/" + id)
	if n := b.count("[data-testid=missing]"); n != 0 {
		t.Fatalf("still missing: %v", texts(b, "[data-testid=missing] li"))
	}
	b.submit("form[action$='/submit'] button[type=submit]")
	if got := b.text("[data-testid=supplier-status]"); got != supplier.StatusSubmitted.Label() {
		t.Errorf("status after submitting %q, want %q", got, supplier.StatusSubmitted.Label())
	}
	b.logout()

	// Koperindag reviews: accepts the KTP, sends the rest back with a reason.
	const reason = "Nama pemilik rekening harus sama dengan buku tabungan: Yetti Marlina, bukan Yeti."
	b.login("koperindag@lapak.test", demo.Password)
	b.visit("/koperindag/verification")
	href := hrefWithText(b, "[data-testid=supplier-table] a", business)
	if href != "/suppliers/"+id {
		t.Fatalf("verification queue links %q for %s, want /suppliers/%s", href, business, id)
	}
	b.visit(href)
	b.visit("/suppliers/" + id + "/documents")
	b.submit("#doc-ktp [data-testid=accept]")
	if got := b.text("#doc-ktp [data-testid=document-status]"); got != supplier.DocAccepted.Label() {
		t.Errorf("KTP status %q after accepting, want %q", got, supplier.DocAccepted.Label())
	}
	b.visit("/suppliers/" + id)
	b.fill("reason", reason)
	b.submit("form:has(input[name=decision][value=return]) button[type=submit]")
	if got := b.path(); got != "/koperindag/verification" {
		t.Errorf("after sending back got %s, want the queue", got)
	}
	if href := hrefWithText(b, "[data-testid=supplier-table] a", business); href != "" {
		t.Errorf("%s is still in the queue after being sent back", business)
	}
	b.logout()

	// The owner signs in with the phone, reads the reason, fixes, resubmits.
	b.login(phone, password)
	b.visit("/supplier")
	if got := b.path(); got != "/suppliers/"+id {
		t.Fatalf("/supplier went to %s, want /suppliers/%s", got, id)
	}
	if got := b.text("[data-testid=review-note]"); !strings.Contains(got, reason) {
		t.Errorf("review note %q, want the reason %q", got, reason)
	}
	b.visit("/suppliers/" + id + "/profile")
	if got := value(b, "bank_account_no"); got != "11010210012345" {
		t.Errorf("bank account kept as %q", got)
	}
	b.fill("bank_account_name", "Yetti Marlina")
	b.submit("form[action$='/profile'] button[type=submit]")
	if got := b.path(); got != "/suppliers/"+id {
		t.Fatalf("after fixing the profile got %s", got)
	}
	b.submit("form[action$='/submit'] button[type=submit]")
	if got := b.text("[data-testid=supplier-status]"); got != supplier.StatusSubmitted.Label() {
		t.Errorf("status after resubmitting %q, want %q", got, supplier.StatusSubmitted.Label())
	}
	b.logout()

	// Koperindag verifies.
	b.login("koperindag@lapak.test", demo.Password)
	b.visit("/koperindag/verification")
	b.visit(hrefWithText(b, "[data-testid=supplier-table] a", business))
	if got := b.text("[data-testid=profile]"); !strings.Contains(got, "a.n. Yetti Marlina") {
		t.Errorf("reviewer sees %q, want the fixed account name", got)
	}
	b.submit("form:has(input[name=decision][value=verify]) button[type=submit]")
	if got := b.text("[data-testid=flash]"); !strings.Contains(got, "diverifikasi") {
		t.Errorf("flash after verifying %q", got)
	}
	b.visit("/suppliers/" + id)
	if got := b.text("[data-testid=supplier-status]"); got != supplier.StatusVerified.Label() {
		t.Errorf("status %q, want %q", got, supplier.StatusVerified.Label())
	}

	// The funnel moved at every stage up to verification; training,
	// listing, ordering and payment are later steps.
	b.visit("/koperindag/funnel")
	after := funnelTotals(b)
	moved := []int{2, 1, 1, 1, 1, 0, 0, 0, 0}
	for i, s := range reporting.Stages {
		if after[i]-before[i] != moved[i] {
			t.Errorf("funnel %s: %d → %d, want +%d", s.Label, before[i], after[i], moved[i])
		}
	}
	desc := strings.Join(texts(b, "[data-testid=funnel-chart] desc"), "")
	for i, s := range reporting.Stages {
		if want := s.Label + ": " + itoa(after[i]); !strings.Contains(desc, want) {
			t.Errorf("chart description %q lacks %q", desc, want)
		}
	}
}

// Koperindag staff register a business in the field from a phone, fill part
// of its profile and photograph the owner's KTP; the owner then takes the
// account over with the code and finds that same profile.
func TestBrowser_AssistedRegistration(t *testing.T) {
	base, _ := startLapak(t)
	b := newBrowser(t, base, true)
	dir := t.TempDir()
	photo := writeFile(t, dir, "IMG_20260312_101544.jpg", uploadtest.JPEG(t, 800, 600))
	const (
		business = "Gula Saka Bidar Alam"
		owner    = "Zulkifli"
		password = "gula saka manih bana"
	)

	b.login("koperindag@lapak.test", demo.Password)
	b.visit("/koperindag/suppliers/new")
	b.fill("business_name", business)
	b.fill("owner_name", owner)
	b.fill("phone", "0821 7060 3344")
	b.do(chromedpSelectByLabel("kecamatan", "Sangir Jujuan"))
	b.do(chromedpSelectByLabel("nagari", "Bidar Alam"))
	b.submit("form[action='/koperindag/suppliers/new'] button[type=submit]")
	if b.count("[data-testid=form-errors]") != 0 {
		t.Fatalf("registration refused: %s", b.text("[data-testid=form-errors]"))
	}
	code := b.text("[data-testid=code]")
	if len(code) < 8 {
		t.Fatalf("activation code %q", code)
	}
	b.submit("[data-testid=profile-link]")
	id := supplierIDFromProfile(b)
	if got := value(b, "name"); got != business {
		t.Errorf("profile name %q, want %q", got, business)
	}
	b.do(chromedpSelectByLabel("legal_form", "UD (usaha dagang)"))
	b.fill("nib", "8120004455667")
	b.fill("address", "Jorong Sungai Sungkai, Nagari Bidar Alam")
	b.fill("products", "Gula saka (gula tebu) tradisional, per kilogram dan per karung.")
	b.submit("form[action$='/profile'] button[type=submit]")
	if got := b.path(); got != "/suppliers/"+id {
		t.Fatalf("after saving the profile got %s (errors: %v)", got, texts(b, "[data-testid=form-errors] li"))
	}
	b.visit("/suppliers/" + id + "/documents")
	uploadDocument(b, "ktp", "file-ktp-camera", photo)
	b.logout()

	// The owner takes the account over.
	b.visit("/activate?code=" + url.QueryEscape(code))
	if got := b.text("[data-testid=invitation-preview]"); !strings.Contains(got, business) {
		t.Errorf("activation preview %q does not name %s", got, business)
	}
	if got := value(b, "name"); got != owner {
		t.Errorf("activation form name %q, want %q", got, owner)
	}
	if value(b, "phone") == "" {
		t.Errorf("activation form lost the phone Koperindag entered")
	}
	b.fill("password", password)
	b.fill("confirm", password)
	b.submit("form[action='/activate'] button[type=submit]")
	if got := supplierIDFromProfile(b); got != id {
		t.Fatalf("owner landed on supplier %s's profile, want %s", got, id)
	}
	got := map[string]string{}
	for _, f := range []string{"name", "owner_name", "legal_form", "nib", "address", "kecamatan", "nagari", "products"} {
		got[f] = value(b, f)
	}
	want := map[string]string{"name": business, "owner_name": owner, "legal_form": "ud", "nib": "8120004455667",
		"address": "Jorong Sungai Sungkai, Nagari Bidar Alam", "kecamatan": "13.11.04", "nagari": "13.11.04.2002",
		"products": "Gula saka (gula tebu) tradisional, per kilogram dan per karung."}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("profile the owner finds (-got +want):\n%s", diff)
	}
	b.visit("/suppliers/" + id + "/documents")
	if n := b.count("#doc-ktp [data-testid=document]"); n != 1 {
		t.Errorf("owner sees %d KTP documents, want the one Koperindag photographed", n)
	}
	if got := b.text("[data-testid=signed-in-as]"); got != owner {
		t.Errorf("signed in as %q, want %q", got, owner)
	}
}

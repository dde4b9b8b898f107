package opendata_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/opendata"
	"lapak/internal/opendata/opendatatest"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/wib"
)

var site = opendata.Site{OCIDPrefix: "ocds-uji123", BaseURL: "https://lapak.example.go.id"}

// year2026 selects the completions of 2026.
func year2026() opendata.Filter {
	return opendata.Filter{Site: site, From: time.Date(2026, 1, 1, 0, 0, 0, 0, wib.Location), To: time.Date(2026, 12, 31, 0, 0, 0, 0, wib.Location)}
}

func seeded(t *testing.T) (*pgxpool.Pool, opendatatest.Seed) {
	t.Helper()
	db := pgtest.New(t)
	return db, opendatatest.Run(t, db)
}

// export runs Export and returns what it wrote.
func export(t *testing.T, db *pgxpool.Pool, f opendata.Filter) ([]byte, int) {
	t.Helper()
	var buf bytes.Buffer
	n, err := opendata.Export(context.Background(), db, &buf, f)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), n
}

// pkg is the part of a release package the tests read back.
type pkg struct {
	URI      string
	Releases []map[string]any
	Links    map[string]string
}

func decode(t *testing.T, data []byte) pkg {
	t.Helper()
	var p pkg
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatalf("decode: %v\n%s", err, data)
	}
	return p
}

// at walks a decoded JSON value by keys and array indexes.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

// release returns the release of order id in p.
func release(t *testing.T, p pkg, id int64) map[string]any {
	t.Helper()
	for _, r := range p.Releases {
		if r["ocid"] == site.OCID(id) {
			return r
		}
	}
	t.Fatalf("no release for order %d", id)
	return nil
}

// TestExport_ValidatesAgainstOCDSSchema is the acceptance criterion: the
// package of every completed order, including one negotiated, one
// delivered in two shipments and one paid with taxes withheld, validates
// against the official OCDS 1.1 release package schema, as does each
// page and each single release.
func TestExport_ValidatesAgainstOCDSSchema(t *testing.T) {
	t.Parallel()
	db, seed := seeded(t)
	data, n := export(t, db, opendata.Filter{Site: site})
	if n != 5 {
		t.Fatalf("exported %d releases, want the 5 completed orders", n)
	}
	validatePackage(t, data)
	var got []string
	for _, r := range decode(t, data).Releases {
		got = append(got, r["ocid"].(string))
	}
	var want []string
	for _, id := range seed.Published() {
		want = append(want, site.OCID(id))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("releases %v, want %v (completed only, oldest first)", got, want)
	}

	f := year2026()
	f.Page, f.PageSize = 1, 3
	page, n := export(t, db, f)
	if n != 3 {
		t.Fatalf("page 1 has %d releases, want 3", n)
	}
	validatePackage(t, page)

	svc := opendata.NewService(db, site)
	for _, id := range seed.Published() {
		var buf bytes.Buffer
		if err := svc.ExportRelease(context.Background(), &buf, site.OCID(id)); err != nil {
			t.Fatal(err)
		}
		validatePackage(t, buf.Bytes())
	}
}

// TestExport_Representation checks how negotiation, partial delivery,
// payments and taxes, classification and categories are represented.
func TestExport_Representation(t *testing.T) {
	t.Parallel()
	db, seed := seeded(t)
	data, _ := export(t, db, year2026())
	p := decode(t, data)

	t.Run("negotiation: tender at list price, award and contract at the agreed price", func(t *testing.T) {
		r := release(t, p, seed.Orders["negotiated"])
		if got := num(at(r, "tender", "value", "amount")); got != 33_300_000 {
			t.Errorf("tender value %d, want the list price 3 × 11.100.000", got)
		}
		if got := num(at(r, "awards", 0, "value", "amount")); got != 31_635_000 {
			t.Errorf("award value %d, want the agreed 3 × 10.545.000", got)
		}
		if got := num(at(r, "contracts", 0, "items", 0, "unit", "value", "amount")); got != 10_545_000 {
			t.Errorf("contract unit price %d, want 10.545.000", got)
		}
		if d, _ := at(r, "awards", 0, "description").(string); !strings.Contains(d, "negosiasi (2 tawaran)") || !strings.Contains(d, "Rp33.300.000") {
			t.Errorf("award description %q does not explain the negotiation", d)
		}
		if got := at(r, "tender", "procurementMethod"); got != "direct" {
			t.Errorf("procurementMethod %v", got)
		}
	})
	t.Run("taxes withheld are transactions to the state treasury; all add up to the gross", func(t *testing.T) {
		r := release(t, p, seed.Orders["negotiated"])
		txs, _ := at(r, "contracts", 0, "implementation", "transactions").([]any)
		var sum int64
		var ids []string
		for _, tx := range txs {
			sum += num(at(tx, "value", "amount"))
			ids = append(ids, at(tx, "id").(string)+">"+at(tx, "payee", "id").(string))
			if at(tx, "payer", "id") != at(r, "buyer", "id") {
				t.Errorf("transaction %v not paid by the buyer", at(tx, "id"))
			}
		}
		want := "pembayaran-neto>X-LAPAK-SUP-" + fmt.Sprint(seed.Suppliers["pkp"]) + " ppn-dipungut>X-LAPAK-KAS-NEGARA pph22-dipotong>X-LAPAK-KAS-NEGARA"
		if strings.Join(ids, " ") != want {
			t.Errorf("transactions %v, want %s", ids, want)
		}
		if sum != 31_635_000 {
			t.Errorf("transactions add up to %d, want the gross 31.635.000", sum)
		}
		if roles := partyRoles(r, "X-LAPAK-KAS-NEGARA"); roles != "payee" {
			t.Errorf("treasury roles %q", roles)
		}
	})
	t.Run("plain order: one payment, no treasury party", func(t *testing.T) {
		r := release(t, p, seed.Orders["plain"])
		if txs, _ := at(r, "contracts", 0, "implementation", "transactions").([]any); len(txs) != 1 || num(at(txs[0], "value", "amount")) != 740_000 {
			t.Errorf("transactions %v, want one of 740.000", txs)
		}
		if roles := partyRoles(r, "X-LAPAK-KAS-NEGARA"); roles != "" {
			t.Errorf("treasury listed without taxes: %q", roles)
		}
		if got := partyRoles(r, at(r, "buyer", "id").(string)); got != "buyer procuringEntity payer" {
			t.Errorf("buyer roles %q", got)
		}
		if d, _ := at(r, "awards", 0, "description").(string); !strings.Contains(d, "tanpa negosiasi") {
			t.Errorf("award description %q", d)
		}
	})
	t.Run("partial delivery: a milestone per shipment and inspection, ordered and received quantities", func(t *testing.T) {
		r := release(t, p, seed.Orders["partial"])
		ms, _ := at(r, "contracts", 0, "implementation", "milestones").([]any)
		var titles []string
		for _, m := range ms {
			titles = append(titles, fmt.Sprintf("%v/%v/%v", at(m, "title"), at(m, "type"), at(m, "status")))
		}
		want := "Pengiriman ke-1/delivery/met Pengiriman ke-2/delivery/met Pemeriksaan ke-1/delivery/met Pemeriksaan ke-2/delivery/partiallyMet"
		if strings.Join(titles, " ") != want {
			t.Errorf("milestones %v, want %s", titles, want)
		}
		if d := at(ms[1], "description"); d != "Dikirim: 10 rim Kertas HVS A4 70 gram (butir 1)." {
			t.Errorf("second shipment %q", d)
		}
		if got := num(at(r, "contracts", 0, "items", 0, "quantity")); got != 40 {
			t.Errorf("contract quantity %d, want the 40 ordered", got)
		}
		if d, _ := at(r, "contracts", 0, "description").(string); !strings.Contains(d, "sebagian") || !strings.Contains(d, "Rp2.100.000") {
			t.Errorf("contract description %q does not say what was received", d)
		}
		if got := num(at(r, "contracts", 0, "value", "amount")); got != 2_600_000 {
			t.Errorf("contract value %d, want 2.600.000 ordered", got)
		}
	})
	t.Run("contract: SP number, terminated, signed documents without links", func(t *testing.T) {
		r := release(t, p, seed.Orders["plain"])
		c := at(r, "contracts", 0)
		if id, _ := at(c, "id").(string); !strings.Contains(id, "/SP/DINKES/") {
			t.Errorf("contract id %q, want the SP number", id)
		}
		if at(c, "status") != "terminated" || at(c, "awardID") != at(r, "awards", 0, "id") {
			t.Errorf("contract status %v awardID %v", at(c, "status"), at(c, "awardID"))
		}
		if at(c, "documents", 0, "documentType") != "contractSigned" || at(c, "implementation", "documents", 0, "documentType") != "completionCertificate" ||
			at(c, "implementation", "documents", 1, "documentType") != "financialProgressReport" {
			t.Errorf("documents %v / %v", at(c, "documents"), at(c, "implementation", "documents"))
		}
		if strings.Contains(string(data), `"url"`) {
			t.Error("a document links to a file; documents are not public")
		}
	})
	t.Run("classification: the SSH code when linked, else the catalog category", func(t *testing.T) {
		r := release(t, p, seed.Orders["plain"])
		if got := fmt.Sprint(at(r, "contracts", 0, "items", 0, "classification", "scheme"), " ", at(r, "contracts", 0, "items", 0, "additionalClassifications", 0, "scheme")); got != "X-SSH-SOLSEL x_LAPAK" {
			t.Errorf("kertas classification %s", got)
		}
		if got := at(r, "contracts", 0, "items", 1, "classification", "scheme"); got != "x_LAPAK" {
			t.Errorf("kopi classification %v", got)
		}
	})
	t.Run("category: services when they weigh more, goods as additional", func(t *testing.T) {
		r := release(t, p, seed.Orders["services"])
		if at(r, "tender", "mainProcurementCategory") != "services" || at(r, "tender", "additionalProcurementCategories", 0) != "goods" {
			t.Errorf("categories %v %v", at(r, "tender", "mainProcurementCategory"), at(r, "tender", "additionalProcurementCategories"))
		}
	})
	t.Run("supplier: business name, kecamatan and scale only", func(t *testing.T) {
		r := release(t, p, seed.Orders["plain"])
		id := "X-LAPAK-SUP-" + fmt.Sprint(seed.Suppliers["umkm"])
		for _, party := range r["parties"].([]any) {
			if at(party, "id") != id {
				continue
			}
			if at(party, "name") != "Kopi Sangir Jaya" || at(party, "identifier") != nil || at(party, "details", "scale") != "micro" ||
				at(party, "address", "locality") != "Kecamatan Sangir, Kabupaten Solok Selatan" || at(party, "address", "streetAddress") != nil {
				t.Errorf("supplier party %v", party)
			}
		}
		if partyRoles(r, id) != "supplier payee" {
			t.Errorf("supplier roles %q", partyRoles(r, id))
		}
	})
}

// partyRoles returns the roles of party id in release r, space separated.
func partyRoles(r map[string]any, id string) string {
	for _, party := range r["parties"].([]any) {
		if at(party, "id") == id {
			var out []string
			for _, role := range at(party, "roles").([]any) {
				out = append(out, role.(string))
			}
			return strings.Join(out, " ")
		}
	}
	return ""
}

// TestExport_NoPersonalData checks that nothing personal planted in the
// seed (NIK, NIB, NPWP, phone, e-mail, bank account, names and addresses of
// people) reaches the OCDS, CSV or XLSX output.
func TestExport_NoPersonalData(t *testing.T) {
	t.Parallel()
	db, _ := seeded(t)
	data, _ := export(t, db, opendata.Filter{Site: site})
	var csv, xlsx bytes.Buffer
	if err := opendata.WriteCSV(context.Background(), db, &csv, opendata.Filter{Site: site}); err != nil {
		t.Fatal(err)
	}
	if err := opendata.WriteXLSX(context.Background(), db, &xlsx, opendata.Filter{Site: site}); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"ocds": string(data), "csv": csv.String(), "xlsx": xlsxText(t, xlsx.Bytes())} {
		for _, secret := range opendatatest.Secrets {
			if strings.Contains(out, secret) {
				t.Errorf("%s output contains personal data %q", name, secret)
			}
		}
		if !strings.Contains(out, "Kopi Sangir Jaya") {
			t.Errorf("%s output lacks the supplier's business name: is it empty?", name)
		}
	}
}

// TestExport_NothingMatches writes nothing: a release package needs a release.
func TestExport_NothingMatches(t *testing.T) {
	t.Parallel()
	db, _ := seeded(t)
	f := year2026()
	f.From, f.To = f.From.AddDate(-5, 0, 0), f.To.AddDate(-5, 0, 0)
	data, n := export(t, db, f)
	if n != 0 || len(data) != 0 {
		t.Errorf("got %d releases, %d bytes; want nothing", n, len(data))
	}
}

// TestExport_Pages checks paging: links.next while more follow, links.prev
// after the first page, filters kept in the links.
func TestExport_Pages(t *testing.T) {
	t.Parallel()
	db, seed := seeded(t)
	f := year2026()
	f.OPDID, f.PageSize = seed.OPD, 3
	for _, tc := range []struct {
		page, n    int
		next, prev string
	}{
		{1, 3, "page=2", ""},
		{2, 1, "", "page=1"},
		{3, 0, "", ""},
	} {
		f.Page = tc.page
		data, n := export(t, db, f)
		if n != tc.n {
			t.Fatalf("page %d: %d releases, want %d", tc.page, n, tc.n)
		}
		if n == 0 {
			continue
		}
		p := decode(t, data)
		if wantURI := fmt.Sprintf("https://lapak.example.go.id/data/ocds/releases.json?from=2026-01-01&opd=%d&page=%d&to=2026-12-31", seed.OPD, tc.page); p.URI != wantURI {
			t.Errorf("page %d uri %q, want %q", tc.page, p.URI, wantURI)
		}
		if got := p.Links["next"]; (tc.next == "") != (got == "") || !strings.Contains(got, tc.next) || (got != "" && !strings.Contains(got, "from=2026-01-01")) {
			t.Errorf("page %d next %q, want %q", tc.page, got, tc.next)
		}
		if got := p.Links["prev"]; (tc.prev == "") != (got == "") || !strings.Contains(got, tc.prev) {
			t.Errorf("page %d prev %q, want %q", tc.page, got, tc.prev)
		}
	}
}

// TestExportRelease_NotFound: an ocid of another prefix, a malformed one,
// or one of an order not completed is apperr.NotFound, with nothing written.
func TestExportRelease_NotFound(t *testing.T) {
	t.Parallel()
	db, seed := seeded(t)
	svc := opendata.NewService(db, site)
	for _, ocid := range []string{
		"ocds-lain99-" + fmt.Sprint(seed.Orders["plain"]),
		site.OCID(seed.Orders["open"]),
		site.OCID(seed.Orders["cancelled"]),
		"ocds-uji123-", "ocds-uji123-abc", "ocds-uji123-0" + fmt.Sprint(seed.Orders["plain"]), "ocds-uji123-99999999999999999999",
	} {
		var buf bytes.Buffer
		err := svc.ExportRelease(context.Background(), &buf, ocid)
		if !errors.Is(err, apperr.NotFound) || buf.Len() != 0 {
			t.Errorf("%s: err %v, %d bytes; want NotFound and nothing", ocid, err, buf.Len())
		}
	}
}

// cancelAfter cancels a context once n bytes were written through it, as a
// client hanging up mid-download does.
type cancelAfter struct {
	n      int
	cancel context.CancelFunc
}

func (w *cancelAfter) Write(b []byte) (int, error) {
	w.n -= len(b)
	if w.n <= 0 {
		w.cancel()
	}
	return len(b), nil
}

// TestExport_Cancelled: a cancelled download stops with the context's
// error and leaves no temporary file behind.
func TestExport_Cancelled(t *testing.T) {
	db, seed := seeded(t)
	opendatatest.Clone(t, db, seed.Orders["plain"], 3000)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for name, run := range map[string]func(context.Context, io.Writer) error{
		"ocds": func(ctx context.Context, w io.Writer) error {
			_, err := opendata.Export(ctx, db, w, opendata.Filter{Site: site})
			return err
		},
		"csv": func(ctx context.Context, w io.Writer) error {
			return opendata.WriteCSV(ctx, db, w, opendata.Filter{Site: site})
		},
		"xlsx": func(ctx context.Context, w io.Writer) error {
			return opendata.WriteXLSX(ctx, db, w, opendata.Filter{Site: site})
		},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		err := run(ctx, &cancelAfter{n: 100_000, cancel: cancel})
		if name == "xlsx" {
			// The workbook is written at the end: cancel while it is built.
			ctx, cancel = context.WithCancel(context.Background())
			go func() { time.Sleep(50 * time.Millisecond); cancel() }()
			err = run(ctx, io.Discard)
		}
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err %v, want context.Canceled", name, err)
		}
	}
	if left, _ := filepathGlob(tmp); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

package server_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"lapak/internal/registry"
	"lapak/internal/rupiah"
)

func init() {
	for _, route := range []string{
		"GET /koperindag/registry",
		"GET /koperindag/registry/import",
		"POST /koperindag/registry/import",
		"POST /koperindag/registry/import/confirm",
		"GET /koperindag/registry/imports",
	} {
		routeAccess[route] = roles("koperindag", "admin")
	}
}

// uploadRegistryFile posts a file as the registry upload form does.
func uploadRegistryFile(e *env, c *http.Client, filename string, data []byte) *http.Response {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+"/koperindag/registry/import", &body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", e.ts.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { res.Body.Close() })
	return res
}

const registryCSV = "Nama Usaha;Nama Pemilik;NIB;No HP;Kec.;Desa/Nagari;Jenis Usaha\n" +
	"Kopi Janggut;Syafrizal;9120182480106;0812 3456 7890;Sangir;Lubuk Gadang;Kuliner\n" +
	"Kerupuk Tiga Saudara;Yenni;;;Sungai Pagu;Pasar Muara Labuh;Industri Makanan\n" +
	"Kipang Pulut;Upik;;0812-34;Sangir;;\n" +
	"Dodol Durian;Nelmawati;;;Lembah Gumanti;;\n"

// Koperindag staff upload a list, see its preview with the problems by row,
// confirm, and find the businesses in the registry.
func TestHTTP_RegistryImport(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login("koperindag")

	res := uploadRegistryFile(e, c, "daftar umkm.csv", []byte(registryCSV))
	wantStatus(t, res, http.StatusOK, "")
	d := doc(t, res)
	checkNoInternals(t, d)
	for id, want := range map[string]string{"count-total": "4", "count-created": "2", "count-updated": "0", "count-skipped": "2"} {
		if got := textOf(d, id); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	var rows []string
	byTestID(d, "problem-row").Each(func(_ int, s *goquery.Selection) { rows = append(rows, strings.TrimSpace(s.Text())) })
	if strings.Join(rows, ",") != "4,5" {
		t.Errorf("problem rows %v, want 4 and 5", rows)
	}
	if n := byTestID(d, "sample-row").Length(); n != 2 {
		t.Errorf("%d sample rows, want 2", n)
	}
	if n := countRows(t, e, "SELECT count(*) FROM registry_entries"); n != 0 {
		t.Fatalf("the preview stored %d rows", n)
	}
	form := byTestID(d, "confirm-form")
	id, _ := form.Find(`input[name="upload"]`).Attr("value")
	sha, _ := form.Find(`input[name="sha256"]`).Attr("value")

	// Someone else's session cannot confirm this upload.
	other := e.login("admin")
	res = e.post(other, "/koperindag/registry/import/confirm", url.Values{"upload": {id}, "sha256": {sha}})
	wantStatus(t, res, http.StatusSeeOther, "/koperindag/registry/import")

	res = e.post(c, "/koperindag/registry/import/confirm", url.Values{"upload": {id}, "sha256": {sha}})
	wantStatus(t, res, http.StatusSeeOther, "/koperindag/registry")
	if n := countRows(t, e, "SELECT count(*) FROM registry_entries"); n != 2 {
		t.Errorf("%d entries stored, want 2", n)
	}
	res = e.get(c, "/koperindag/registry")
	wantStatus(t, res, http.StatusOK, "")
	d = doc(t, res)
	if got := textOf(d, "flash"); !strings.Contains(got, "2 usaha baru") || !strings.Contains(got, "2 baris bermasalah dilewati") {
		t.Errorf("flash %q, want the counts", got)
	}
	if n := byTestID(d, "registry-row").Length(); n != 2 {
		t.Errorf("%d rows listed, want 2", n)
	}
	res = e.get(c, "/koperindag/registry?status=terdaftar")
	if n := byTestID(doc(t, res), "registry-row").Length(); n != 0 {
		t.Errorf("%d registered rows listed, want none", n)
	}

	// The same confirmation again finds nothing to import.
	res = e.post(c, "/koperindag/registry/import/confirm", url.Values{"upload": {id}, "sha256": {sha}})
	wantStatus(t, res, http.StatusSeeOther, "/koperindag/registry/import")

	res = e.get(c, "/koperindag/registry/imports")
	wantStatus(t, res, http.StatusOK, "")
	if n := byTestID(doc(t, res), "import-row").Length(); n != 1 {
		t.Errorf("%d imports listed, want 1", n)
	}
}

// A confirmation whose checksum does not match the stored file is refused.
func TestHTTP_RegistryImportChecksum(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login("admin")
	d := doc(t, uploadRegistryFile(e, c, "a.csv", []byte(registryCSV)))
	id, _ := byTestID(d, "confirm-form").Find(`input[name="upload"]`).Attr("value")
	res := e.post(c, "/koperindag/registry/import/confirm", url.Values{"upload": {id}, "sha256": {strings.Repeat("0", 64)}})
	wantStatus(t, res, http.StatusSeeOther, "/koperindag/registry/import")
	if n := countRows(t, e, "SELECT count(*) FROM registry_entries"); n != 0 {
		t.Errorf("%d entries stored, want none", n)
	}
	if got := textOf(doc(t, e.get(c, "/koperindag/registry/import")), "flash"); !strings.Contains(got, "berbeda dari yang dipratinjau") {
		t.Errorf("flash %q", got)
	}
}

// Other roles cannot open the registry, upload or confirm.
func TestHTTP_RegistryForbidden(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login("pp")
	wantStatus(t, e.get(c, "/koperindag/registry"), http.StatusForbidden, "")
	wantStatus(t, uploadRegistryFile(e, c, "a.csv", []byte(registryCSV)), http.StatusForbidden, "")
	wantStatus(t, e.post(c, "/koperindag/registry/import/confirm", url.Values{"upload": {"x"}}), http.StatusForbidden, "")
	if n := countRows(t, e, "SELECT count(*) FROM registry_entries"); n != 0 {
		t.Errorf("%d entries stored", n)
	}
}

// Files that are not lists, or too big, get a clear message on the upload form.
func TestHTTP_RegistryUploadRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login("koperindag")
	big := append([]byte("Nama Usaha,Kecamatan\n"), bytes.Repeat([]byte("Kopi Janggut,Sangir\n"), 21<<20/20)...)
	tests := []struct {
		name   string
		data   []byte
		status int
		says   string
	}{
		{"21 MB", big, http.StatusRequestEntityTooLarge, "Berkas lebih dari 20 MB."},
		{"a picture", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"), http.StatusUnprocessableEntity, "bukan CSV atau XLSX"},
		{"empty", nil, http.StatusUnprocessableEntity, ""},
		{"no header", []byte("Nama,Alamat\nKopi,Sangir\n"), http.StatusUnprocessableEntity, "Judul kolom tidak dikenali"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := uploadRegistryFile(e, c, "daftar.csv", tt.data)
			wantStatus(t, res, tt.status, "")
			d := doc(t, res)
			checkNoInternals(t, d)
			if got := textOf(d, "upload-error"); got == "" || !strings.Contains(got, tt.says) {
				t.Errorf("message %q, want one saying %q", got, tt.says)
			}
		})
	}
}

// A generated registry of a realistic size imports through the pages.
func TestHTTP_RegistryImportGenerated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.login("koperindag")
	var buf bytes.Buffer
	if err := registry.Generate(registry.GenerateOptions{Count: 1500, Seed: 5, Mistakes: 15}).WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	d := doc(t, uploadRegistryFile(e, c, "registri.xlsx", buf.Bytes()))
	if got := textOf(d, "count-created"); got != "1.485" {
		t.Fatalf("created %q, want 1.485", got)
	}
	form := byTestID(d, "confirm-form")
	id, _ := form.Find(`input[name="upload"]`).Attr("value")
	sha, _ := form.Find(`input[name="sha256"]`).Attr("value")
	wantStatus(t, e.post(c, "/koperindag/registry/import/confirm", url.Values{"upload": {id}, "sha256": {sha}}), http.StatusSeeOther, "/koperindag/registry")
	d = doc(t, e.get(c, "/koperindag/registry?kecamatan=13.11.01&page=2"))
	if n := byTestID(d, "registry-row").Length(); n != 50 {
		t.Errorf("%d rows on page 2 of Sangir, want 50", n)
	}
	var sangir int
	if err := e.db.QueryRow(context.Background(), "SELECT count(*) FROM registry_entries WHERE kecamatan_code = '13.11.01'").Scan(&sangir); err != nil {
		t.Fatal(err)
	}
	if got := textOf(d, "registry-total"); !strings.HasPrefix(got, rupiah.FormatPlain(int64(sangir))+" UMKM") {
		t.Errorf("caption %q, want %d UMKM", got, sangir)
	}
}

package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image/jpeg"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"lapak/internal/auth"
	"lapak/internal/server"
	"lapak/internal/supplier"
	"lapak/internal/upload/uploadtest"
)

// The document routes: {id} is the fixture supplier, so its own people,
// Koperindag, admins and auditors may read; its people and Koperindag may
// change; Koperindag and admins review. The domain makes the decision.
func init() {
	for route, rule := range map[string]access{
		"GET /suppliers/{id}/documents":                 roles("supplier", "koperindag", "admin", "auditor"),
		"POST /suppliers/{id}/documents":                roles("supplier", "koperindag"),
		"GET /suppliers/{id}/documents/{docID}":         roles("supplier", "koperindag", "admin", "auditor"),
		"POST /suppliers/{id}/documents/{docID}/delete": roles("supplier", "koperindag"),
		"POST /suppliers/{id}/documents/{docID}/review": roles("koperindag", "admin"),
	} {
		routeAccess[route] = rule
	}
}

// docEnv is env with a data folder for uploaded files and a second supplier
// whose account ("rival") must not reach the first one's documents.
type docEnv struct {
	*env
	files   string // the blob store's folder
	rivalID int64
}

func newDocEnv(t *testing.T) *docEnv {
	t.Helper()
	e := newEnv(t)
	dir := t.TempDir()
	e.srv = server.New(server.Config{BaseURL: e.ts.URL, DataDir: dir}, e.db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.ts.Config.Handler = e.srv.Handler()

	sys := auth.SystemContext(context.Background())
	rival, err := supplier.NewService(e.db).CreateSupplier(sys, supplier.Input{Name: "Rendang Bundo Saiyo", KecamatanCode: "13.11.01"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.srv.Auth().CreateUser(sys, auth.UserInput{Name: "Pemilik Rendang", Email: "rival@test.id", Phone: "081299990001",
		Password: testPassword, Grants: []auth.Grant{{Role: auth.RoleSupplier, SupplierID: rival.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	e.users["rival"] = u
	return &docEnv{env: e, files: filepath.Join(dir, "files"), rivalID: rival.ID}
}

func (e *docEnv) documentsPath() string {
	return "/suppliers/" + strconv.FormatInt(e.supID, 10) + "/documents"
}

func (e *docEnv) uploadPath(kind string) string { return e.documentsPath() + "?kind=" + kind }

func (e *docEnv) documentPath(id int64) string {
	return e.documentsPath() + "/" + strconv.FormatInt(id, 10)
}

// multipartBody is a document upload form as a browser sends it: the chosen
// file, and the camera input left empty.
func multipartBody(t *testing.T, filename string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if _, err := mw.CreateFormFile("camera", ""); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, mw.FormDataContentType()
}

// upload posts a file to the fixture supplier's documents as c.
func (e *docEnv) upload(c *http.Client, kind, filename string, data []byte) *http.Response {
	e.t.Helper()
	body, ctype := multipartBody(e.t, filename, data)
	return e.send(c, e.uploadPath(kind), body, ctype)
}

// send posts body as a same-origin browser would.
func (e *docEnv) send(c *http.Client, path string, body io.Reader, ctype string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Origin", e.ts.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { res.Body.Close() })
	return res
}

// storedFiles counts the files in the blob store.
func (e *docEnv) storedFiles() int {
	e.t.Helper()
	n := 0
	err := filepath.WalkDir(e.files, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil && !strings.Contains(err.Error(), "no such file") {
		e.t.Fatal(err)
	}
	return n
}

// lastDocument returns the id of the newest document of the fixture supplier.
func (e *docEnv) lastDocument() int64 {
	e.t.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), "SELECT max(id) FROM supplier_documents WHERE supplier_id = $1", e.supID).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// mustUpload uploads data as the account role and expects success.
func (e *docEnv) mustUpload(c *http.Client, kind, filename string, data []byte) int64 {
	e.t.Helper()
	res := e.upload(c, kind, filename, data)
	wantStatus(e.t, res, http.StatusSeeOther, e.documentsPath()+"#doc-"+kind)
	return e.lastDocument()
}

// wantFileError checks that a refused upload re-renders the page with the
// message tied to kind's file input, and that nothing was stored.
func (e *docEnv) wantFileError(res *http.Response, status int, kind, msg string) {
	e.t.Helper()
	if res.StatusCode != status {
		e.t.Fatalf("got %d, want %d", res.StatusCode, status)
	}
	d := doc(e.t, res)
	checkNoInternals(e.t, d)
	if got := strings.TrimSpace(d.Find("#file-" + kind + "-error").Text()); got != msg {
		e.t.Errorf("error at the file input: %q, want %q", got, msg)
	}
	input := d.Find("input#file-" + kind)
	if v, _ := input.Attr("aria-invalid"); v != "true" {
		e.t.Error("file input is not marked aria-invalid")
	}
	if v, _ := input.Attr("aria-describedby"); !strings.Contains(v, "file-"+kind+"-error") {
		e.t.Errorf("file input aria-describedby %q does not name its error", v)
	}
	if !strings.Contains(textOf(d, "form-errors"), msg) {
		e.t.Errorf("error summary %q lacks %q", textOf(d, "form-errors"), msg)
	}
	if n := countRows(e.t, e.env, "SELECT count(*) FROM supplier_documents"); n != 0 {
		e.t.Errorf("%d documents recorded, want none", n)
	}
	if n := e.storedFiles(); n != 0 {
		e.t.Errorf("%d files stored, want none", n)
	}
}

// TestDocument_Page: the page has, per kind, an upload form that works
// without JavaScript, lets a phone take the photo, and labels its inputs.
func TestDocument_Page(t *testing.T) {
	t.Parallel()
	e := newDocEnv(t)
	res := e.get(e.login("supplier"), e.documentsPath())
	wantStatus(t, res, http.StatusOK, "")
	d := doc(t, res)
	if got := textOf(d, "supplier-name"); got != "Kopi Sangir Jaya" {
		t.Errorf("supplier name %q", got)
	}
	forms := byTestID(d, "upload")
	if forms.Length() != len(supplier.DocumentKinds) {
		t.Errorf("%d upload forms, want one per kind (%d)", forms.Length(), len(supplier.DocumentKinds))
	}
	ktp := d.Find(`[data-testid="kind-ktp"] form[data-testid="upload"]`)
	for attr, want := range map[string]string{"method": "post", "action": e.uploadPath("ktp") + "#doc-ktp", "enctype": "multipart/form-data"} {
		if got, _ := ktp.Attr(attr); got != want {
			t.Errorf("KTP form %s=%q, want %q", attr, got, want)
		}
	}
	file := ktp.Find("input#file-ktp")
	if got, _ := file.Attr("accept"); got != "image/*,application/pdf" {
		t.Errorf("file input accept=%q", got)
	}
	camera := ktp.Find("input#file-ktp-camera")
	if got, _ := camera.Attr("capture"); got != "environment" {
		t.Errorf("camera input capture=%q, want environment", got)
	}
	for _, id := range []string{"file-ktp", "file-ktp-camera"} {
		if ktp.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("input #%s has no label", id)
		}
	}
	if got := strings.TrimSpace(d.Find(`[data-testid="kind-ktp"] [data-testid="kind-status"]`).Text()); !strings.HasPrefix(got, "Belum diunggah") {
		t.Errorf("KTP status %q, want Belum diunggah", got)
	}
	// The fixture supplier is not PKP: the non-PKP statement is required.
	if d.Find(`[data-testid="kind-non_pkp"] .badge`).Text() != "Wajib" {
		t.Error("non-PKP statement not marked required")
	}
	// An auditor reads, but has no forms.
	d = doc(t, e.get(e.login("auditor"), e.documentsPath()))
	if n := d.Find("form[data-testid=upload], [data-testid=accept], [data-testid=reject], [data-testid=delete]").Length(); n != 0 {
		t.Errorf("auditor sees %d forms, want none", n)
	}
}

// TestDocument_AnotherSupplierIsForbidden: another supplier's account can
// neither list, download, upload nor delete.
func TestDocument_AnotherSupplierIsForbidden(t *testing.T) {
	t.Parallel()
	e := newDocEnv(t)
	id := e.mustUpload(e.login("supplier"), "ktp", "ktp.jpg", uploadtest.JPEG(t, 200, 120))
	rival := e.login("rival")

	wantStatus(t, e.get(rival, e.documentsPath()), http.StatusForbidden, "")
	res := e.get(rival, e.documentPath(id))
	wantStatus(t, res, http.StatusForbidden, "")
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("forbidden download answered with %q, want the HTML error page", ct)
	}
	wantStatus(t, e.upload(rival, "ktp", "ktp.jpg", uploadtest.JPEG(t, 200, 120)), http.StatusForbidden, "")
	wantStatus(t, e.post(rival, e.documentPath(id)+"/delete", url.Values{}), http.StatusForbidden, "")
	wantStatus(t, e.post(rival, e.documentPath(id)+"/review", url.Values{"decision": {"accept"}}), http.StatusForbidden, "")

	// Its own supplier's URL with the other's document id finds nothing.
	path := "/suppliers/" + strconv.FormatInt(e.rivalID, 10) + "/documents/" + strconv.FormatInt(id, 10)
	if res := e.get(rival, path); res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
		t.Errorf("document through the wrong supplier's URL: %d, want 403 or 404", res.StatusCode)
	}
	if n := countRows(t, e.env, "SELECT count(*) FROM supplier_documents"); n != 1 {
		t.Errorf("%d documents, want the one uploaded", n)
	}
	if n := e.storedFiles(); n != 1 {
		t.Errorf("%d files, want 1", n)
	}
}

// TestDocument_Download: the owner, Koperindag, an admin and an auditor get
// the file as an attachment that the browser must not sniff or cache.
func TestDocument_Download(t *testing.T) {
	t.Parallel()
	e := newDocEnv(t)
	pdf := uploadtest.PDF("")
	id := e.mustUpload(e.login("supplier"), "nib", "NIB Kopi Sangir.pdf", pdf)
	for _, role := range []string{"supplier", "koperindag", "admin", "auditor"} {
		res := e.get(e.login(role), e.documentPath(id))
		wantStatus(t, res, http.StatusOK, "")
		h := res.Header
		if got := h.Get("Content-Type"); got != "application/pdf" {
			t.Errorf("%s: Content-Type %q", role, got)
		}
		disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
		if err != nil || disp != "attachment" || params["filename"] != "NIB Kopi Sangir.pdf" {
			t.Errorf("%s: Content-Disposition %q", role, h.Get("Content-Disposition"))
		}
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", role, got)
		}
		if got := h.Get("Cache-Control"); got != "private, no-store" {
			t.Errorf("%s: Cache-Control %q", role, got)
		}
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body, pdf) {
			t.Errorf("%s: downloaded %d bytes, want the %d uploaded", role, len(body), len(pdf))
		}
	}
	wantStatus(t, e.get(e.login("pp"), e.documentPath(id)), http.StatusForbidden, "")
	wantStatus(t, e.get(e.login("supplier"), e.documentPath(id+100)), http.StatusNotFound, "")
}

// TestDocument_UploadPhoto: a 3000×2000 phone photo is stored as a JPEG of
// at most 2000 px, without its metadata, and listed on the page.
func TestDocument_UploadPhoto(t *testing.T) {
	t.Parallel()
	e := newDocEnv(t)
	owner := e.login("supplier")
	original := uploadtest.JPEGWithMetadata(t, 3000, 2000, 1)
	id := e.mustUpload(owner, "ktp", "IMG_0042.jpg", original)

	res := e.get(owner, e.documentPath(id))
	wantStatus(t, res, http.StatusOK, "")
	stored, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(stored))
	if err != nil {
		t.Fatalf("stored file is not a JPEG: %v", err)
	}
	if cfg.Width > 2000 || cfg.Height > 2000 || cfg.Width != 2000 {
		t.Errorf("stored %dx%d, want 2000 px on the long side", cfg.Width, cfg.Height)
	}
	if bytes.Contains(stored, []byte(uploadtest.Secret)) || bytes.Contains(stored, []byte("Exif")) {
		t.Error("stored photo keeps its metadata")
	}
	var sum string
	if err := e.db.QueryRow(context.Background(), "SELECT sha256 FROM supplier_documents WHERE id = $1", id).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if got := sha256.Sum256(stored); hex.EncodeToString(got[:]) != sum {
		t.Error("recorded SHA-256 does not match the stored file")
	}

	d := doc(t, e.get(owner, e.documentsPath()))
	if got := textOf(d, "flash"); got != "Dokumen KTP pemilik tersimpan dan menunggu pemeriksaan petugas Koperindag." {
		t.Errorf("flash %q", got)
	}
	item := d.Find(`[data-testid="kind-ktp"] [data-testid="document"]`)
	if got := strings.TrimSpace(item.Find(`[data-testid="download"]`).Text()); got != "IMG_0042.jpg" {
		t.Errorf("listed file %q", got)
	}
	if got := strings.TrimSpace(item.Find(`[data-testid="document-status"]`).Text()); got != "Menunggu pemeriksaan" {
		t.Errorf("status %q", got)
	}
}

// TestDocument_UploadRefused: bad files get the page back with the message
// at the file input, and nothing is stored.
func TestDocument_UploadRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		filename string
		data     []byte
		status   int
		msg      string
	}{
		{"text file renamed .jpg", "foto.jpg", uploadtest.Text(), http.StatusUnprocessableEntity,
			"Berkas ini bukan foto (JPEG, PNG atau WebP) atau PDF. Unggah foto atau PDF dokumen Anda."},
		{"PDF with JavaScript", "npwp.pdf", uploadtest.PDF("/Names << /JavaScript << /Names [(x) 9 0 R] >> >>"), http.StatusUnprocessableEntity,
			"PDF ini berisi skrip, tindakan otomatis atau lampiran tersembunyi, sehingga ditolak demi keamanan. Cetak ulang dokumennya ke PDF, atau unggah foto dokumennya."},
		{"empty file", "kosong.jpg", nil, http.StatusUnprocessableEntity, "Berkas kosong. Pilih foto atau PDF yang berisi dokumen Anda."},
		{"30 MB", "besar.jpg", bytes.Repeat([]byte{0xff, 0xd8, 0xff, 0xe0}, 30<<20/4), http.StatusRequestEntityTooLarge,
			"Berkas terlalu besar: paling besar 10 MB."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newDocEnv(t)
			res := e.upload(e.login("supplier"), "npwp", tt.filename, tt.data)
			e.wantFileError(res, tt.status, "npwp", tt.msg)
		})
	}
}

// TestDocument_UploadTooLargeWithoutLength: a 30 MB body sent without a
// Content-Length is cut off by the reader, still with the friendly page.
func TestDocument_UploadTooLargeWithoutLength(t *testing.T) {
	t.Parallel()
	e := newDocEnv(t)
	body, ctype := multipartBody(t, "besar.jpg", bytes.Repeat([]byte{0xff}, 30<<20))
	// io.MultiReader hides the length, so the client sends the body chunked.
	res := e.send(e.login("supplier"), e.uploadPath("ktp"), io.MultiReader(body), ctype)
	e.wantFileError(res, http.StatusUnprocessableEntity, "ktp", "Berkas terlalu besar: paling besar 10 MB.")
}

func TestDocument_UploadMalformed(t *testing.T) {
	t.Parallel()
	e := newDocEnv(t)
	owner := e.login("supplier")
	res := e.send(owner, e.uploadPath("ktp"), strings.NewReader("--x\r\nrusak"), "multipart/form-data; boundary=x")
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("broken multipart: got %d, want 400", res.StatusCode)
	}
	checkNoInternals(t, doc(t, res))
	res = e.post(owner, e.uploadPath("ktp"), url.Values{"file": {"ktp"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("form without a file: got %d, want 400", res.StatusCode)
	}
	// No file chosen: the message sits at the input.
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_, _ = mw.CreateFormFile("file", "")
	_ = mw.Close()
	res = e.send(owner, e.uploadPath("ktp"), &b, mw.FormDataContentType())
	e.wantFileError(res, http.StatusUnprocessableEntity, "ktp", "Pilih foto atau PDF dokumennya dulu, lalu tekan Unggah.")
}

// TestDocument_ReviewAndDelete: Koperindag rejects with a reason the owner
// then reads; the owner deletes a pending document but not an accepted one.
func TestDocument_ReviewAndDelete(t *testing.T) {
	t.Parallel()
	e := newDocEnv(t)
	owner, kop := e.login("supplier"), e.login("koperindag")
	id := e.mustUpload(owner, "bank_book", "tabungan.png", uploadtest.PNG(t, 300, 200, false))

	// Rejecting without a reason: the message sits at that document's field.
	res := e.post(kop, e.documentPath(id)+"/review", url.Values{"decision": {"reject"}, "reason": {" "}})
	wantStatus(t, res, http.StatusUnprocessableEntity, "")
	d := doc(t, res)
	field := "reason-" + strconv.FormatInt(id, 10)
	if got := strings.TrimSpace(d.Find("#" + field + "-error").Text()); got != "Tulis alasan penolakan, agar pemilik tahu apa yang harus diperbaiki." {
		t.Errorf("reason error %q", got)
	}
	if v, _ := d.Find("textarea#" + field).Attr("aria-describedby"); !strings.Contains(v, field+"-error") {
		t.Errorf("reason field aria-describedby %q does not name its error", v)
	}

	res = e.post(kop, e.documentPath(id)+"/review", url.Values{"decision": {"reject"}, "reason": {"Nomor rekening tertutup jari."}})
	wantStatus(t, res, http.StatusSeeOther, e.documentsPath()+"#doc-bank_book")
	d = doc(t, e.get(owner, e.documentsPath()))
	if got := textOf(d, "review-reason"); got != "Alasan ditolak: Nomor rekening tertutup jari." {
		t.Errorf("owner sees reason %q", got)
	}
	// The owner may not review.
	wantStatus(t, e.post(owner, e.documentPath(id)+"/review", url.Values{"decision": {"accept"}}), http.StatusForbidden, "")

	// Accepted documents stay for the owner; Koperindag may remove them.
	wantStatus(t, e.post(kop, e.documentPath(id)+"/review", url.Values{"decision": {"accept"}}), http.StatusSeeOther, e.documentsPath()+"#doc-bank_book")
	d = doc(t, e.get(owner, e.documentsPath()))
	if n := byTestID(d, "delete").Length(); n != 0 {
		t.Errorf("owner sees %d delete buttons on an accepted document, want none", n)
	}
	wantStatus(t, e.post(owner, e.documentPath(id)+"/delete", url.Values{}), http.StatusSeeOther, e.documentsPath())
	if n := countRows(t, e.env, "SELECT count(*) FROM supplier_documents"); n != 1 {
		t.Errorf("owner deleted an accepted document")
	}

	photo := e.mustUpload(owner, "photo", "warung.jpg", uploadtest.JPEG(t, 120, 90))
	wantStatus(t, e.post(owner, e.documentPath(photo)+"/delete", url.Values{}), http.StatusSeeOther, e.documentsPath()+"#doc-photo")
	wantStatus(t, e.post(kop, e.documentPath(id)+"/delete", url.Values{}), http.StatusSeeOther, e.documentsPath()+"#doc-bank_book")
	if n := countRows(t, e.env, "SELECT count(*) FROM supplier_documents"); n != 0 {
		t.Errorf("%d documents left, want none", n)
	}
	if n := e.storedFiles(); n != 0 {
		t.Errorf("%d files left, want none", n)
	}
}

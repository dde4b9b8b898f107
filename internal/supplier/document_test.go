package supplier_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/blob"
	"lapak/internal/demo"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/supplier"
	"lapak/internal/upload/uploadtest"
	"lapak/internal/validate"
)

// docFixture is a Documents service on a fresh database with two suppliers
// and real accounts for the roles that matter to documents.
type docFixture struct {
	db      *pgxpool.Pool
	dir     string // the blob store's folder
	docs    *supplier.Documents
	supID   int64 // the supplier under test
	otherID int64 // another supplier
	users   map[string]*auth.User
}

func newDocFixture(t *testing.T) *docFixture {
	t.Helper()
	return newDocFixtureWithStore(t, nil)
}

// newDocFixtureWithStore wraps the local store with wrap, when given.
func newDocFixtureWithStore(t *testing.T, wrap func(blob.Store) blob.Store) *docFixture {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	if err := demo.SeedReference(ctx, db); err != nil {
		t.Fatal(err)
	}
	sys := auth.SystemContext(ctx)
	svc := supplier.NewService(db)
	sp, err := svc.CreateSupplier(sys, supplier.Input{Name: "Kopi Sangir Jaya", KecamatanCode: "13.11.01"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := svc.CreateSupplier(sys, supplier.Input{Name: "Rendang Bundo Saiyo", KecamatanCode: "13.11.01"})
	if err != nil {
		t.Fatal(err)
	}
	f := &docFixture{db: db, dir: t.TempDir(), supID: sp.ID, otherID: other.ID, users: map[string]*auth.User{}}
	var store blob.Store = blob.NewLocal(f.dir)
	if wrap != nil {
		store = wrap(store)
	}
	f.docs = supplier.NewDocuments(db, store)

	var opdID int64
	if err := db.QueryRow(ctx, "SELECT id FROM opds ORDER BY id LIMIT 1").Scan(&opdID); err != nil {
		t.Fatal(err)
	}
	accounts := auth.NewService(db, "https://lapak.test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	for i, a := range []struct {
		name string
		g    auth.Grant
	}{
		{"owner", auth.Grant{Role: auth.RoleSupplier, SupplierID: sp.ID}},
		{"other", auth.Grant{Role: auth.RoleSupplier, SupplierID: other.ID}},
		{"koperindag", auth.Grant{Role: auth.RoleKoperindag}},
		{"admin", auth.Grant{Role: auth.RoleAdmin}},
		{"auditor", auth.Grant{Role: auth.RoleAuditor}},
		{"pp", auth.Grant{Role: auth.RolePP, OPDID: opdID}},
	} {
		u, err := accounts.CreateUser(sys, auth.UserInput{Name: "Pengguna " + a.name, Email: a.name + "@test.id",
			Phone: fmt.Sprintf("0813%08d", i+1), Password: "rahasia-yang-panjang", Grants: []auth.Grant{a.g}})
		if err != nil {
			t.Fatalf("create %s: %v", a.name, err)
		}
		f.users[a.name] = u
	}
	return f
}

// as returns a context acting as the fixture account name.
func (f *docFixture) as(name string) context.Context {
	return auth.WithUser(context.Background(), f.users[name], "10.0.0.1")
}

// mustUpload uploads data as the account name and fails the test on error.
func (f *docFixture) mustUpload(t *testing.T, name string, kind supplier.DocumentKind, data []byte) supplier.Document {
	t.Helper()
	d, err := f.docs.UploadDocument(f.as(name), f.supID, kind, string(kind)+".jpg", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("upload %s as %s: %v", kind, name, err)
	}
	return d
}

// blobCount counts the files in the blob store's folder.
func (f *docFixture) blobCount(t *testing.T) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(f.dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *docFixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// read returns the stored bytes of document id, opened as the account name.
func (f *docFixture) read(t *testing.T, name string, id int64) (supplier.Document, []byte, error) {
	t.Helper()
	d, rc, err := f.docs.OpenDocument(f.as(name), id)
	if err != nil {
		return d, nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return d, b, nil
}

func wantErrKind(t *testing.T, what string, err error, want *apperr.Kind) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got %v, want %s", what, err, want.Error())
	}
}

func wantFieldErrors(t *testing.T, what string, err error, want validate.Errors) {
	t.Helper()
	got, ok := validate.AsErrors(err)
	if !ok {
		t.Fatalf("%s: got %v, want field errors %v", what, err, want)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("%s: field errors (-got +want):\n%s", what, diff)
	}
}

func TestDocumentKinds(t *testing.T) {
	t.Parallel()
	labels := map[supplier.DocumentKind]string{}
	for _, k := range supplier.DocumentKinds {
		labels[k] = k.Label()
	}
	want := map[supplier.DocumentKind]string{
		"ktp": "KTP pemilik", "nib": "NIB (dari OSS)", "npwp": "NPWP", "pkp": "Surat pengukuhan PKP",
		"non_pkp": "Surat pernyataan non-PKP", "bank_book": "Halaman buku tabungan", "photo": "Foto usaha",
		"halal": "Sertifikat halal", "pirt": "Izin PIRT", "other": "Dokumen lain",
	}
	if diff := cmp.Diff(labels, want); diff != "" {
		t.Errorf("labels (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(supplier.RequiredKinds(true), []supplier.DocumentKind{"ktp", "nib", "npwp", "bank_book", "pkp"}); diff != "" {
		t.Errorf("RequiredKinds(true) (-got +want):\n%s", diff)
	}
	if diff := cmp.Diff(supplier.RequiredKinds(false), []supplier.DocumentKind{"ktp", "nib", "npwp", "bank_book", "non_pkp"}); diff != "" {
		t.Errorf("RequiredKinds(false) (-got +want):\n%s", diff)
	}
	if supplier.DocKTP.Single() != true || supplier.DocPhoto.Single() || supplier.DocOther.Single() {
		t.Error("Single: want every kind but photo and other")
	}
}

// TestUploadDocument_Photo: a photo is stored resized as a JPEG, with its
// hash, size, uploader and an audit entry.
func TestUploadDocument_Photo(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t)
	ctx := f.as("owner")
	d, err := f.docs.UploadDocument(ctx, f.supID, supplier.DocKTP, "IMG_2031.HEIC.png", bytes.NewReader(uploadtest.JPEGWithMetadata(t, 2500, 500, 1)))
	if err != nil {
		t.Fatalf("UploadDocument: %v", err)
	}
	want := supplier.Document{ID: d.ID, SupplierID: f.supID, Kind: supplier.DocKTP, Filename: "IMG_2031.HEIC.jpg", ContentType: "image/jpeg",
		Status: supplier.DocPending, UploadedBy: &f.users["owner"].ID, UploaderName: "Pengguna owner"}
	got := d
	got.Size, got.SHA256, got.CreatedAt = 0, "", want.CreatedAt
	if diff := cmp.Diff(got, want, cmpopts.IgnoreUnexported(supplier.Document{})); diff != "" {
		t.Errorf("document (-got +want):\n%s", diff)
	}
	_, data, err := f.read(t, "owner", d.ID)
	if err != nil {
		t.Fatalf("OpenDocument: %v", err)
	}
	sum := sha256.Sum256(data)
	if d.SHA256 != hex.EncodeToString(sum[:]) || d.Size != int64(len(data)) {
		t.Errorf("recorded sha256 %s size %d, stored file has %x and %d bytes", d.SHA256, d.Size, sum, len(data))
	}
	img, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("stored file is not a JPEG: %v", err)
	}
	if img.Width != 2000 || img.Height != 400 {
		t.Errorf("stored %dx%d, want 2000x400", img.Width, img.Height)
	}
	if bytes.Contains(data, []byte(uploadtest.Secret)) {
		t.Error("stored photo keeps its metadata")
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'supplier_document.upload' AND entity_id = $1 AND actor_id = $2`,
		fmt.Sprint(d.ID), f.users["owner"].ID); n != 1 {
		t.Errorf("audit entries for the upload: %d, want 1", n)
	}
}

func TestUploadDocument_PDF(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t)
	pdf := uploadtest.PDF("/OpenAction [3 0 R /Fit]")
	d, err := f.docs.UploadDocument(f.as("koperindag"), f.supID, supplier.DocNIB, `C:\Dokumen\NIB Kopi Sangir.pdf`, bytes.NewReader(pdf))
	if err != nil {
		t.Fatalf("UploadDocument: %v", err)
	}
	if d.Filename != "NIB Kopi Sangir.pdf" || d.ContentType != "application/pdf" || d.IsImage() {
		t.Errorf("stored as %q %q, want NIB Kopi Sangir.pdf application/pdf", d.Filename, d.ContentType)
	}
	if d.UploaderName != "Pengguna koperindag" {
		t.Errorf("uploader %q, want the Koperindag officer", d.UploaderName)
	}
	_, data, err := f.read(t, "auditor", d.ID)
	if err != nil {
		t.Fatalf("OpenDocument: %v", err)
	}
	if !bytes.Equal(data, pdf) {
		t.Error("PDF changed when stored, want it byte for byte")
	}
}

// TestUploadDocument_Refused: bad files come back as a message on the file
// field, and nothing is stored.
func TestUploadDocument_Refused(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "Berkas kosong. Pilih foto atau PDF yang berisi dokumen Anda."},
		{"text renamed .jpg", uploadtest.Text(), "Berkas ini bukan foto (JPEG, PNG atau WebP) atau PDF. Unggah foto atau PDF dokumen Anda."},
		{"broken photo", uploadtest.JPEG(t, 200, 200)[:300], "Foto ini rusak atau tidak lengkap sehingga tidak dapat dibuka. Ambil ulang fotonya lalu unggah lagi."},
		{"too large", bytes.Repeat([]byte("%PDF-"), 3<<20), "Berkas terlalu besar: paling besar 10 MB."},
		{"PDF with JavaScript", uploadtest.PDF("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
			"PDF ini berisi skrip, tindakan otomatis atau lampiran tersembunyi, sehingga ditolak demi keamanan. Cetak ulang dokumennya ke PDF, atau unggah foto dokumennya."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := f.docs.UploadDocument(f.as("owner"), f.supID, supplier.DocNPWP, "npwp.jpg", bytes.NewReader(tt.data))
			wantFieldErrors(t, "UploadDocument", err, validate.Errors{"file": tt.want})
		})
	}
	t.Cleanup(func() {
		if n := f.count(t, "SELECT count(*) FROM supplier_documents"); n != 0 {
			t.Errorf("%d documents recorded, want none", n)
		}
		if n := f.blobCount(t); n != 0 {
			t.Errorf("%d files stored, want none", n)
		}
	})
}

func TestUploadDocument_Permission(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t)
	jpg := uploadtest.JPEG(t, 64, 64)
	for _, name := range []string{"other", "pp", "auditor", "admin"} {
		_, err := f.docs.UploadDocument(f.as(name), f.supID, supplier.DocKTP, "ktp.jpg", bytes.NewReader(jpg))
		wantErrKind(t, "upload as "+name, err, apperr.Forbidden)
	}
	_, err := f.docs.UploadDocument(context.Background(), f.supID, supplier.DocKTP, "ktp.jpg", bytes.NewReader(jpg))
	wantErrKind(t, "upload without a user", err, apperr.Forbidden)
	if n := f.blobCount(t); n != 0 {
		t.Errorf("%d files stored by refused uploads, want none", n)
	}
	for _, name := range []string{"owner", "koperindag"} {
		f.mustUpload(t, name, supplier.DocPhoto, jpg)
	}
}

func TestUploadDocument_BadInput(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t)
	jpg := uploadtest.JPEG(t, 64, 64)
	_, err := f.docs.UploadDocument(f.as("owner"), f.supID, "paspor", "paspor.jpg", bytes.NewReader(jpg))
	wantFieldErrors(t, "unknown kind", err, validate.Errors{"kind": "Jenis dokumen tidak dikenal. Pilih salah satu jenis dokumen di halaman ini."})
	_, err = f.docs.UploadDocument(f.as("koperindag"), 999999, supplier.DocKTP, "ktp.jpg", bytes.NewReader(jpg))
	wantErrKind(t, "unknown supplier", err, apperr.NotFound)

	boom := errors.New("connection reset")
	_, err = f.docs.UploadDocument(f.as("owner"), f.supID, supplier.DocKTP, "ktp.jpg", io.MultiReader(bytes.NewReader(jpg[:100]), errReader{boom}))
	if !errors.Is(err, boom) {
		t.Errorf("read error: got %v, want it wrapped", err)
	}
	if n := f.blobCount(t); n != 0 {
		t.Errorf("%d files stored, want none", n)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// TestUploadDocument_Replaces: a new upload of a single-instance kind replaces
// the current one, which stays readable; photos add up.
func TestUploadDocument_Replaces(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t)
	first := f.mustUpload(t, "owner", supplier.DocKTP, uploadtest.JPEG(t, 64, 64))
	if _, err := f.docs.ReviewDocument(f.as("koperindag"), first.ID, false, "KTP buram, tidak terbaca."); err != nil {
		t.Fatal(err)
	}
	second := f.mustUpload(t, "owner", supplier.DocKTP, uploadtest.JPEG(t, 80, 80))
	photo1 := f.mustUpload(t, "owner", supplier.DocPhoto, uploadtest.JPEG(t, 64, 64))
	photo2 := f.mustUpload(t, "owner", supplier.DocPhoto, uploadtest.JPEG(t, 64, 64))

	list, err := f.docs.Documents(f.as("owner"), f.supID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range list {
		ids = append(ids, d.ID)
	}
	if diff := cmp.Diff(ids, []int64{second.ID, photo1.ID, photo2.ID}); diff != "" {
		t.Errorf("current documents (-got +want):\n%s", diff)
	}
	old, _, err := f.read(t, "koperindag", first.ID)
	if err != nil {
		t.Fatalf("open the replaced document: %v", err)
	}
	if old.Status != supplier.DocReplaced || old.ReviewReason != "KTP buram, tidak terbaca." {
		t.Errorf("replaced document: status %q reason %q", old.Status, old.ReviewReason)
	}
	if n := f.blobCount(t); n != 4 {
		t.Errorf("%d files stored, want 4 (the replaced one is kept)", n)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE action = 'supplier_document.upload' AND details->'replaced' @> to_jsonb($1::bigint)`, first.ID); n != 1 {
		t.Errorf("audit entries naming the replaced document: %d, want 1", n)
	}
	_, err = f.docs.ReviewDocument(f.as("koperindag"), first.ID, true, "")
	wantErrKind(t, "review of a replaced document", err, apperr.Conflict)
}

// TestUploadDocument_PhotoLimit: at most 8 photos, even when uploaded at once;
// the refused ones leave no file behind.
func TestUploadDocument_PhotoLimit(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t)
	jpg := uploadtest.JPEG(t, 64, 64)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		ok, full int
	)
	for range 12 {
		wg.Go(func() {
			_, err := f.docs.UploadDocument(f.as("owner"), f.supID, supplier.DocPhoto, "foto.jpg", bytes.NewReader(jpg))
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
				return
			}
			if fe, isFE := validate.AsErrors(err); isFE && strings.HasPrefix(fe["file"], "Sudah ada 8 foto usaha") {
				full++
				return
			}
			t.Errorf("upload: %v", err)
		})
	}
	wg.Wait()
	if ok != supplier.MaxPhotos || full != 12-supplier.MaxPhotos {
		t.Errorf("%d uploads accepted and %d refused as over the limit, want %d and %d", ok, full, supplier.MaxPhotos, 12-supplier.MaxPhotos)
	}
	if n := f.blobCount(t); n != supplier.MaxPhotos {
		t.Errorf("%d files stored, want %d", n, supplier.MaxPhotos)
	}
	_, err := f.docs.UploadDocument(f.as("koperindag"), f.supID, supplier.DocPhoto, "foto.jpg", bytes.NewReader(jpg))
	wantFieldErrors(t, "ninth photo", err, validate.Errors{"file": "Sudah ada 8 foto usaha, batas untuk satu usaha. Hapus salah satu dulu, lalu unggah lagi."})

	// Deleting one makes room again.
	list, err := f.docs.Documents(f.as("owner"), f.supID)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.docs.DeleteDocument(f.as("owner"), list[0].ID); err != nil {
		t.Fatal(err)
	}
	f.mustUpload(t, "owner", supplier.DocPhoto, jpg)
}

// TestUploadDocument_NoOrphanWhenInsertFails: when the row cannot be written,
// the file already stored is removed.
func TestUploadDocument_NoOrphanWhenInsertFails(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t)
	_, err := f.db.Exec(context.Background(), `
		CREATE FUNCTION refuse_document() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'disk full'; END $$;
		CREATE TRIGGER refuse_document BEFORE INSERT ON supplier_documents FOR EACH ROW EXECUTE FUNCTION refuse_document();`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.docs.UploadDocument(f.as("owner"), f.supID, supplier.DocKTP, "ktp.jpg", bytes.NewReader(uploadtest.JPEG(t, 64, 64)))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("UploadDocument: got %v, want the insert's error", err)
	}
	if k := apperr.KindOf(err); k != nil {
		t.Errorf("error kind %v, want internal", k)
	}
	if n := f.blobCount(t); n != 0 {
		t.Errorf("%d files left behind, want none", n)
	}
	if n := f.count(t, "SELECT count(*) FROM audit_log WHERE action LIKE 'supplier_document.%'"); n != 0 {
		t.Errorf("%d audit entries, want none", n)
	}
}

// cancelAfterPut cancels the request's context once the file is stored, as
// when the client goes away at the worst moment.
type cancelAfterPut struct {
	blob.Store
	cancel context.CancelFunc
}

func (c cancelAfterPut) Put(ctx context.Context, key string, r io.Reader) error {
	err := c.Store.Put(ctx, key, r)
	c.cancel()
	return err
}

func TestUploadDocument_NoOrphanWhenClientLeaves(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	f := newDocFixtureWithStore(t, func(s blob.Store) blob.Store { return cancelAfterPut{s, cancel} })
	ctx = auth.WithUser(ctx, f.users["owner"], "10.0.0.1")
	_, err := f.docs.UploadDocument(ctx, f.supID, supplier.DocKTP, "ktp.jpg", bytes.NewReader(uploadtest.JPEG(t, 64, 64)))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("UploadDocument: got %v, want context.Canceled", err)
	}
	if n := f.blobCount(t); n != 0 {
		t.Errorf("%d files left behind, want none", n)
	}
	if n := f.count(t, "SELECT count(*) FROM supplier_documents"); n != 0 {
		t.Errorf("%d documents recorded, want none", n)
	}
}

// TestDocuments_Access: the supplier's people, Koperindag, admins and
// auditors read documents and their files; others get Forbidden.
func TestDocuments_Access(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t)
	jpg := uploadtest.JPEG(t, 64, 64)
	d := f.mustUpload(t, "owner", supplier.DocNPWP, jpg)
	f.mustUpload(t, "owner", supplier.DocKTP, jpg)

	for _, name := range []string{"owner", "koperindag", "admin", "auditor"} {
		list, err := f.docs.Documents(f.as(name), f.supID)
		if err != nil {
			t.Errorf("Documents as %s: %v", name, err)
		} else if len(list) != 2 || list[0].Kind != supplier.DocKTP || list[1].Kind != supplier.DocNPWP {
			t.Errorf("Documents as %s: got %d documents, want KTP then NPWP", name, len(list))
		}
		if _, data, err := f.read(t, name, d.ID); err != nil || len(data) == 0 {
			t.Errorf("OpenDocument as %s: %d bytes, %v", name, len(data), err)
		}
	}
	for _, name := range []string{"other", "pp"} {
		_, err := f.docs.Documents(f.as(name), f.supID)
		wantErrKind(t, "Documents as "+name, err, apperr.Forbidden)
		_, err = f.docs.Document(f.as(name), d.ID)
		wantErrKind(t, "Document as "+name, err, apperr.Forbidden)
		_, _, err = f.read(t, name, d.ID)
		wantErrKind(t, "OpenDocument as "+name, err, apperr.Forbidden)
	}
	_, err := f.docs.Document(f.as("owner"), 999999)
	wantErrKind(t, "missing document", err, apperr.NotFound)
	_, err = f.docs.Documents(f.as("koperindag"), 999999)
	wantErrKind(t, "missing supplier", err, apperr.NotFound)
	list, err := f.docs.Documents(f.as("other"), f.otherID)
	if err != nil || len(list) != 0 {
		t.Errorf("other supplier's own documents: %d, %v; want none", len(list), err)
	}
}

func TestDeleteDocument(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t)
	jpg := uploadtest.JPEG(t, 64, 64)
	pending := f.mustUpload(t, "owner", supplier.DocPhoto, jpg)
	accepted := f.mustUpload(t, "owner", supplier.DocKTP, jpg)
	if _, err := f.docs.ReviewDocument(f.as("koperindag"), accepted.ID, true, ""); err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{"other", "pp", "auditor", "admin"} {
		wantErrKind(t, "delete as "+name, f.docs.DeleteDocument(f.as(name), pending.ID), apperr.Forbidden)
	}
	err := f.docs.DeleteDocument(f.as("owner"), accepted.ID)
	wantErrKind(t, "owner deletes an accepted document", err, apperr.Forbidden)
	if msg := apperr.Message(err); !strings.Contains(msg, "sudah diterima") {
		t.Errorf("message %q, want it to say the document was accepted", msg)
	}
	if n := f.blobCount(t); n != 2 {
		t.Fatalf("%d files after refused deletes, want 2", n)
	}

	if err := f.docs.DeleteDocument(f.as("owner"), pending.ID); err != nil {
		t.Fatalf("owner deletes a pending document: %v", err)
	}
	if err := f.docs.DeleteDocument(f.as("koperindag"), accepted.ID); err != nil {
		t.Fatalf("Koperindag deletes an accepted document: %v", err)
	}
	if n := f.count(t, "SELECT count(*) FROM supplier_documents"); n != 0 {
		t.Errorf("%d documents left, want none", n)
	}
	if n := f.blobCount(t); n != 0 {
		t.Errorf("%d files left, want none", n)
	}
	if n := f.count(t, "SELECT count(*) FROM audit_log WHERE action = 'supplier_document.delete'"); n != 2 {
		t.Errorf("%d audit entries for deletes, want 2", n)
	}
	wantErrKind(t, "delete again", f.docs.DeleteDocument(f.as("koperindag"), pending.ID), apperr.NotFound)
}

func TestReviewDocument(t *testing.T) {
	t.Parallel()
	f := newDocFixture(t)
	d := f.mustUpload(t, "owner", supplier.DocBankBook, uploadtest.JPEG(t, 64, 64))

	for _, name := range []string{"owner", "other", "auditor", "pp"} {
		_, err := f.docs.ReviewDocument(f.as(name), d.ID, true, "")
		wantErrKind(t, "review as "+name, err, apperr.Forbidden)
	}
	_, err := f.docs.ReviewDocument(f.as("koperindag"), d.ID, false, "   ")
	wantFieldErrors(t, "reject without a reason", err, validate.Errors{"reason": "Tulis alasan penolakan, agar pemilik tahu apa yang harus diperbaiki."})
	_, err = f.docs.ReviewDocument(f.as("koperindag"), d.ID, false, strings.Repeat("a", 501))
	wantFieldErrors(t, "reject with a long reason", err, validate.Errors{"reason": "Alasan paling panjang 500 huruf."})
	_, err = f.docs.ReviewDocument(f.as("koperindag"), 999999, true, "")
	wantErrKind(t, "review a missing document", err, apperr.NotFound)

	got, err := f.docs.ReviewDocument(f.as("koperindag"), d.ID, false, "  Nama pemilik rekening tidak terlihat.  ")
	if err != nil {
		t.Fatalf("reject: %v", err)
	}
	if got.Status != supplier.DocRejected || got.ReviewReason != "Nama pemilik rekening tidak terlihat." ||
		got.ReviewerName != "Pengguna koperindag" || got.ReviewedAt == nil {
		t.Errorf("after rejecting: status %q reason %q reviewer %q at %v", got.Status, got.ReviewReason, got.ReviewerName, got.ReviewedAt)
	}
	got, err = f.docs.ReviewDocument(f.as("admin"), d.ID, true, "")
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	if got.Status != supplier.DocAccepted || got.ReviewReason != "" || got.ReviewerName != "Pengguna admin" {
		t.Errorf("after accepting: status %q reason %q reviewer %q", got.Status, got.ReviewReason, got.ReviewerName)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_log WHERE entity = 'supplier_document' AND entity_id = $1
		AND action IN ('supplier_document.reject', 'supplier_document.accept')`, fmt.Sprint(d.ID)); n != 2 {
		t.Errorf("%d audit entries for reviews, want 2", n)
	}
}

func TestCanDeleteDocument(t *testing.T) {
	t.Parallel()
	owner := &auth.User{ID: 1, Grants: []auth.Grant{{Role: auth.RoleSupplier, SupplierID: 7}}}
	kop := &auth.User{ID: 2, Grants: []auth.Grant{{Role: auth.RoleKoperindag}}}
	admin := &auth.User{ID: 3, Grants: []auth.Grant{{Role: auth.RoleAdmin}}}
	tests := []struct {
		name   string
		u      *auth.User
		status supplier.DocumentStatus
		want   bool
	}{
		{"owner, pending", owner, supplier.DocPending, true},
		{"owner, rejected", owner, supplier.DocRejected, true},
		{"owner, accepted", owner, supplier.DocAccepted, false},
		{"Koperindag, accepted", kop, supplier.DocAccepted, true},
		{"admin, pending", admin, supplier.DocPending, false},
		{"nobody", nil, supplier.DocPending, false},
	}
	for _, tt := range tests {
		if got := supplier.CanDeleteDocument(tt.u, supplier.Document{SupplierID: 7, Status: tt.status}); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

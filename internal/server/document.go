package server

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/blob"
	"lapak/internal/supplier"
	"lapak/internal/upload"
	"lapak/internal/validate"
	"lapak/web"
)

// maxUploadBody caps a document upload request: the 10 MB file plus the
// multipart framing and the kind field.
const maxUploadBody = upload.MaxSize + 1<<20

// newDocuments keeps uploaded files in cfg.DataDir/files. Without a data
// folder (some tests) uploads fail rather than land in the working folder.
func newDocuments(cfg Config, db *pgxpool.Pool) *supplier.Documents {
	return supplier.NewDocuments(db, blobStore(cfg))
}

// blobStore is the file store in cfg.DataDir/files.
func blobStore(cfg Config) *blob.Local {
	dir := ""
	if cfg.DataDir != "" {
		dir = filepath.Join(cfg.DataDir, "files")
	}
	return blob.NewLocal(dir)
}

// registerDocumentRoutes adds the supplier document pages, for any signed-in
// user: the domain decides who may see or change which supplier's documents.
func (s *Server) registerDocumentRoutes(r chi.Router) {
	r.Get("/suppliers/{id}/documents", s.h(s.handleDocumentList))
	r.With(withBodyLimit(maxUploadBody)).Post("/suppliers/{id}/documents", s.h(s.handleDocumentUpload))
	r.Get("/suppliers/{id}/documents/{docID}", s.h(s.handleDocumentDownload))
	r.Post("/suppliers/{id}/documents/{docID}/delete", s.h(s.handleDocumentDelete))
	r.Post("/suppliers/{id}/documents/{docID}/review", s.h(s.handleDocumentReview))
}

// withBodyLimit caps request bodies at n bytes instead of limitBody's 1 MiB.
func withBodyLimit(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body := r.Body
			if raw, ok := r.Context().Value(rawBodyKey{}).(io.ReadCloser); ok {
				body = raw
			}
			r.Body = http.MaxBytesReader(w, body, n)
			next.ServeHTTP(w, r)
		})
	}
}

// renderDocuments shows the documents page of supplier id with f's values and errors.
func (s *Server) renderDocuments(w http.ResponseWriter, r *http.Request, status int, id int64, f web.Form) error {
	ctx := r.Context()
	docs, err := s.documents.Documents(ctx, id)
	if err != nil {
		return err
	}
	sp, err := s.suppliers.Supplier(ctx, id)
	if err != nil {
		return err
	}
	u := auth.UserFrom(ctx)
	v := web.DocumentsView{Supplier: sp, Documents: docs, CanEdit: supplier.CanEdit(u, id), CanReview: supplier.CanReview(u)}
	return s.render(w, r, status, web.DocumentsPage(s.page(r, "Dokumen "+sp.Name), v, f))
}

func documentsPath(id int64) string { return "/suppliers/" + strconv.FormatInt(id, 10) + "/documents" }

// handleDocumentList shows a supplier's documents with upload and review forms.
func (s *Server) handleDocumentList(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.renderDocuments(w, r, http.StatusOK, id, web.NewForm())
}

// handleDocumentUpload stores one uploaded document of the kind named in the
// query string (so that even a body refused unread can be answered at the
// right field). The multipart body is read as a stream: the file goes to the
// domain without being buffered on disk.
func (s *Server) handleDocumentUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	// Refuse early, before reading up to 10 MB for nothing; the domain checks again.
	if !supplier.CanEdit(auth.UserFrom(ctx), id) {
		return apperr.E(apperr.Forbidden, "Anda tidak berhak mengunggah dokumen untuk usaha ini.")
	}
	kind := r.URL.Query().Get("kind")
	if r.ContentLength > maxUploadBody {
		return s.uploadTooLarge(w, r, id, kind)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return apperr.Wrap(apperr.Invalid, msgUploadBroken, err)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if tooBig := new(http.MaxBytesError); errors.As(err, &tooBig) {
			return s.uploadTooLarge(w, r, id, kind)
		}
		if err != nil {
			return apperr.Wrap(apperr.Invalid, msgUploadBroken, err)
		}
		if (part.FormName() == "file" || part.FormName() == "camera") && part.FileName() != "" {
			// Whatever follows the file is not read: the upload is done.
			return s.uploadDocument(w, r, id, kind, part.FileName(), part)
		}
		// Anything else, including an input left empty, is skipped.
	}
	f := web.NewForm()
	f.Errors[web.DocFileField(supplier.DocumentKind(kind))] = "Pilih foto atau PDF dokumennya dulu, lalu tekan Unggah."
	return s.renderDocuments(w, r, http.StatusUnprocessableEntity, id, f)
}

const msgUploadBroken = "Berkas tidak terkirim dengan benar. Muat ulang halaman, lalu pilih berkasnya lagi."

// uploadTooLarge answers an upload whose body is over the limit.
func (s *Server) uploadTooLarge(w http.ResponseWriter, r *http.Request, id int64, kind string) error {
	f := web.NewForm()
	f.Errors[web.DocFileField(supplier.DocumentKind(kind))] = apperr.Message(upload.ErrTooLarge)
	return s.renderDocuments(w, r, http.StatusRequestEntityTooLarge, id, f)
}

func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request, id int64, kind, filename string, file io.Reader) error {
	k := supplier.DocumentKind(kind)
	d, err := s.documents.UploadDocument(r.Context(), id, k, filename, file)
	if fields, ok := validate.AsErrors(err); ok {
		f := web.NewForm()
		for name, msg := range fields {
			if name == "file" {
				name = web.DocFileField(k)
			}
			f.Errors[name] = msg
		}
		return s.renderDocuments(w, r, http.StatusUnprocessableEntity, id, f)
	}
	if tooBig := new(http.MaxBytesError); errors.As(err, &tooBig) {
		return s.uploadTooLarge(w, r, id, kind)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Dokumen "+d.Kind.Label()+" tersimpan dan menunggu pemeriksaan petugas Koperindag.")
	return redirect(w, r, documentsPath(id)+"#doc-"+string(d.Kind))
}

// documentOf returns document docID of supplier id from the URL; a document
// of another supplier is not found there.
func (s *Server) documentOf(ctx context.Context, r *http.Request) (int64, supplier.Document, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, supplier.Document{}, err
	}
	docID, err := pathID(r, "docID")
	if err != nil {
		return 0, supplier.Document{}, err
	}
	d, err := s.documents.Document(ctx, docID)
	if err != nil {
		return 0, supplier.Document{}, err
	}
	if d.SupplierID != id {
		return 0, supplier.Document{}, apperr.E(apperr.NotFound, "Dokumen tidak ditemukan.")
	}
	return id, d, nil
}

// handleDocumentDownload sends a document's file as an attachment, never to
// be shown inline or guessed at by the browser.
func (s *Server) handleDocumentDownload(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if !supplier.CanView(auth.UserFrom(ctx), id) {
		return apperr.E(apperr.Forbidden, "Anda tidak berhak membuka dokumen usaha ini.")
	}
	docID, err := pathID(r, "docID")
	if err != nil {
		return err
	}
	d, file, err := s.documents.OpenDocument(ctx, docID)
	if err != nil {
		return err
	}
	defer file.Close()
	if d.SupplierID != id {
		return apperr.E(apperr.NotFound, "Dokumen tidak ditemukan.")
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename})
	if disposition == "" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition)
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, file); err != nil && ctx.Err() == nil {
		// The status is sent; all that is left is to say so in the log.
		s.log.Warn("document download cut short", "request_id", requestIDFrom(ctx), "document_id", d.ID, "err", err)
	}
	return nil
}

// handleDocumentDelete removes a document.
func (s *Server) handleDocumentDelete(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if id, err := pathID(r, "id"); err == nil && !supplier.CanEdit(auth.UserFrom(ctx), id) {
		return apperr.E(apperr.Forbidden, "Anda tidak berhak menghapus dokumen usaha ini.")
	}
	id, d, err := s.documentOf(ctx, r)
	if err != nil {
		return err
	}
	err = s.documents.DeleteDocument(ctx, d.ID)
	if errors.Is(err, apperr.Forbidden) && supplier.Member(auth.UserFrom(ctx), id) {
		s.sessions.Put(ctx, "flash_error", apperr.Message(err))
		return redirect(w, r, documentsPath(id))
	}
	if err != nil {
		return err
	}
	s.flash(r, "Dokumen "+d.Filename+" dihapus.")
	return redirect(w, r, documentsPath(id)+"#doc-"+string(d.Kind))
}

// handleDocumentReview accepts or rejects a document.
func (s *Server) handleDocumentReview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !supplier.CanReview(auth.UserFrom(ctx)) {
		return apperr.E(apperr.Forbidden, "Hanya petugas Koperindag dan admin yang dapat memeriksa dokumen.")
	}
	if err := parseForm(r); err != nil {
		return err
	}
	id, d, err := s.documentOf(ctx, r)
	if err != nil {
		return err
	}
	decision, reason := r.PostForm.Get("decision"), r.PostForm.Get("reason")
	if decision != "accept" && decision != "reject" {
		return apperr.E(apperr.Invalid, "Pilih terima atau tolak.")
	}
	reviewed, err := s.documents.ReviewDocument(ctx, d.ID, decision == "accept", reason)
	if fields, ok := validate.AsErrors(err); ok {
		f := web.NewForm()
		name := web.DocReasonField(d.ID)
		f.Values.Set(name, reason)
		for _, msg := range fields {
			f.Errors[name] = msg
		}
		return s.renderDocuments(w, r, http.StatusUnprocessableEntity, id, f)
	}
	if errors.Is(err, apperr.Conflict) {
		s.sessions.Put(ctx, "flash_error", apperr.Message(err))
		return redirect(w, r, documentsPath(id))
	}
	if err != nil {
		return err
	}
	if reviewed.Status == supplier.DocAccepted {
		s.flash(r, "Dokumen "+d.Kind.Label()+" diterima.")
	} else {
		s.flash(r, "Dokumen "+d.Kind.Label()+" ditolak. Pemilik akan melihat alasannya di halaman ini.")
	}
	return redirect(w, r, documentsPath(id)+"#doc-"+string(d.Kind))
}

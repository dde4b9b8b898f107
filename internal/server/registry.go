package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/registry"
	"lapak/internal/rupiah"
	"lapak/web"
)

// maxRegistryUploadBody caps an upload request: the file plus the multipart framing.
const maxRegistryUploadBody = registry.MaxFileSize + 1<<20

// registryPageSize is how many entries one page of the registry shows.
const registryPageSize = 50

// pendingImportKey is the session key of the file uploaded for preview:
// "id\nsha256\nfilename". Confirming imports only the file named there, so a
// client can neither point at another path nor at someone else's upload.
const pendingImportKey = "registry_import"

// pendingMaxAge is how long an uploaded file waits for its confirmation.
const pendingMaxAge = 24 * time.Hour

var uploadIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

var msgUploadTooLarge = fmt.Sprintf("Berkas lebih dari %d MB. Pecah daftar menjadi beberapa berkas, lalu impor satu per satu.", registry.MaxFileSize>>20)

// registerRegistryRoutes adds the UMKM registry pages, for Koperindag staff and admins.
func (s *Server) registerRegistryRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(auth.RoleKoperindag, auth.RoleAdmin))
		r.Get("/koperindag/registry", s.h(s.handleRegistryList))
		r.Get("/koperindag/registry/import", s.h(s.handleRegistryImportForm))
		r.With(withBodyLimit(maxRegistryUploadBody)).Post("/koperindag/registry/import", s.h(s.handleRegistryUpload))
		r.Post("/koperindag/registry/import/confirm", s.h(s.handleRegistryImportConfirm))
		r.Get("/koperindag/registry/imports", s.h(s.handleRegistryImports))
	})
}

// registryService returns the registry service; it holds nothing but the pool.
func (s *Server) registryService() *registry.Service { return registry.NewService(s.db) }

// handleRegistryList lists the registry with filters, counts and pages.
func (s *Server) handleRegistryList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := web.NewForm()
	for _, k := range []string{"q", "kecamatan", "nagari", "sector", "status"} {
		f.Values.Set(k, strings.TrimSpace(q.Get(k)))
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	svc := s.registryService()
	list, err := svc.Entries(ctx, registry.EntryFilter{Query: f.Get("q"), KecamatanCode: f.Get("kecamatan"),
		NagariCode: f.Get("nagari"), Sector: f.Get("sector"), Status: registry.Status(f.Get("status")),
		Limit: registryPageSize, Offset: (page - 1) * registryPageSize})
	if err != nil {
		return err
	}
	sectors, err := svc.Sectors(ctx)
	if err != nil {
		return err
	}
	kecs, err := s.regions.Kecamatan(ctx)
	if err != nil {
		return err
	}
	v := web.RegistryListView{Filter: f, List: list, Kecamatan: kecs, Sectors: sectors, Page: page,
		Pages: max(1, (list.Total+registryPageSize-1)/registryPageSize)}
	return s.render(w, r, http.StatusOK, web.RegistryListPage(s.page(r, "Registri UMKM"), v))
}

// handleRegistryImportForm shows the upload form.
func (s *Server) handleRegistryImportForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, web.RegistryImportPage(s.page(r, "Impor daftar UMKM"), ""))
}

// renderUploadError shows the upload form again with what went wrong.
func (s *Server) renderUploadError(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	return s.render(w, r, status, web.RegistryImportPage(s.page(r, "Impor daftar UMKM"), msg))
}

// importDir is where uploaded files wait for their confirmation: in the data
// folder, or the system temp folder when there is none (tests).
func (s *Server) importDir() (string, error) {
	base := s.cfg.DataDir
	if base == "" {
		base = filepath.Join(os.TempDir(), "lapak")
	}
	dir := filepath.Join(base, "tmp", "imports")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("server: import folder: %w", err)
	}
	return dir, nil
}

// handleRegistryUpload stores an uploaded list for confirmation and shows its preview.
func (s *Server) handleRegistryUpload(w http.ResponseWriter, r *http.Request) error {
	if r.ContentLength > maxRegistryUploadBody {
		// Answer before reading: browsers then show the page instead of a broken upload.
		w.Header().Set("Connection", "close")
		return s.renderUploadError(w, r, http.StatusRequestEntityTooLarge, msgUploadTooLarge)
	}
	name, data, err := readUpload(r)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig), errors.Is(err, registry.ErrTooLarge):
		return s.renderUploadError(w, r, http.StatusRequestEntityTooLarge, msgUploadTooLarge)
	case errors.Is(err, errNoFile):
		return s.renderUploadError(w, r, http.StatusUnprocessableEntity, "Pilih berkas daftar UMKM (CSV atau XLSX) terlebih dahulu.")
	case err != nil:
		return s.renderUploadError(w, r, http.StatusBadRequest, "Unggahan terputus atau tidak dapat dibaca. Coba unggah lagi.")
	}
	ctx := r.Context()
	sum, err := s.registryService().Preview(ctx, name, data)
	if errors.Is(err, apperr.Invalid) && apperr.Message(err) != "" {
		return s.renderUploadError(w, r, http.StatusUnprocessableEntity, apperr.Message(err))
	}
	if err != nil {
		return err
	}
	dir, err := s.importDir()
	if err != nil {
		return err
	}
	sweepImports(dir)
	s.dropPendingImport(r, dir)
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	uploadID := hex.EncodeToString(id)
	if err := os.WriteFile(filepath.Join(dir, uploadID), data, 0o600); err != nil {
		return fmt.Errorf("server: keep upload: %w", err)
	}
	s.sessions.Put(ctx, pendingImportKey, uploadID+"\n"+sum.SHA256+"\n"+sum.Filename)
	return s.render(w, r, http.StatusOK, web.RegistryPreviewPage(s.page(r, "Pratinjau impor"), sum, uploadID))
}

var errNoFile = errors.New("server: no file uploaded")

// readUpload reads the "file" part of a multipart upload.
func readUpload(r *http.Request) (name string, data []byte, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, errNoFile
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return "", nil, errNoFile
		}
		if err != nil {
			return "", nil, err
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		var buf bytes.Buffer
		n, err := io.Copy(&buf, io.LimitReader(part, registry.MaxFileSize+1))
		part.Close()
		switch {
		case err != nil:
			return "", nil, err
		case n > registry.MaxFileSize:
			return "", nil, registry.ErrTooLarge
		case part.FileName() == "" && n == 0:
			return "", nil, errNoFile
		}
		return part.FileName(), buf.Bytes(), nil
	}
}

// pendingImport returns the upload waiting in the session: its id, checksum and file name.
func (s *Server) pendingImport(r *http.Request) (id, sha, name string, ok bool) {
	parts := strings.SplitN(s.sessions.GetString(r.Context(), pendingImportKey), "\n", 3)
	if len(parts) != 3 || !uploadIDPattern.MatchString(parts[0]) {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// dropPendingImport forgets the session's waiting upload and removes its file.
func (s *Server) dropPendingImport(r *http.Request, dir string) {
	if id, _, _, ok := s.pendingImport(r); ok {
		_ = os.Remove(filepath.Join(dir, id))
	}
	s.sessions.Remove(r.Context(), pendingImportKey)
}

// sweepImports removes uploads nobody confirmed within pendingMaxAge.
func sweepImports(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > pendingMaxAge && uploadIDPattern.MatchString(e.Name()) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// handleRegistryImportConfirm imports the previewed file.
func (s *Server) handleRegistryImportConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	ctx := r.Context()
	gone := func() error {
		s.sessions.Put(ctx, "flash_error", "Berkas yang dipratinjau tidak ditemukan lagi (mungkin sudah diimpor atau sudah lebih dari sehari). Unggah berkasnya sekali lagi.")
		return redirect(w, r, "/koperindag/registry/import")
	}
	id, _, name, ok := s.pendingImport(r)
	if !ok || r.PostForm.Get("upload") != id {
		return gone()
	}
	dir, err := s.importDir()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(dir, id))
	if errors.Is(err, os.ErrNotExist) {
		s.sessions.Remove(ctx, pendingImportKey)
		return gone()
	}
	if err != nil {
		return fmt.Errorf("server: read upload: %w", err)
	}
	sum, err := s.registryService().Import(ctx, name, data, r.PostForm.Get("sha256"))
	if k := apperr.KindOf(err); (k == apperr.Conflict || k == apperr.Invalid) && apperr.Message(err) != "" {
		s.sessions.Put(ctx, "flash_error", apperr.Message(err))
		return redirect(w, r, "/koperindag/registry/import")
	}
	if err != nil {
		return err
	}
	s.dropPendingImport(r, dir)
	s.flash(r, fmt.Sprintf("Impor %s selesai: %s usaha baru, %s diperbarui, %s tidak berubah, %s baris bermasalah dilewati.",
		sum.Filename, rupiah.FormatPlain(int64(sum.Created)), rupiah.FormatPlain(int64(sum.Updated)),
		rupiah.FormatPlain(int64(sum.Unchanged)), rupiah.FormatPlain(int64(sum.Skipped))))
	return redirect(w, r, "/koperindag/registry")
}

// handleRegistryImports lists past imports.
func (s *Server) handleRegistryImports(w http.ResponseWriter, r *http.Request) error {
	list, err := s.registryService().Imports(r.Context(), 200)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, web.RegistryImportsPage(s.page(r, "Riwayat impor registri"), list))
}

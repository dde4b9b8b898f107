package supplier

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/blob"
	"lapak/internal/postgres"
	"lapak/internal/upload"
	"lapak/internal/validate"
)

// DocumentKind is what a supplier document shows.
type DocumentKind string

// Kinds of supplier documents.
const (
	DocKTP      DocumentKind = "ktp"       // the owner's identity card
	DocNIB      DocumentKind = "nib"       // business id from OSS
	DocNPWP     DocumentKind = "npwp"      // tax number
	DocPKP      DocumentKind = "pkp"       // VAT registration
	DocNonPKP   DocumentKind = "non_pkp"   // statement of not being VAT-registered
	DocBankBook DocumentKind = "bank_book" // the bank book page with the account
	DocPhoto    DocumentKind = "photo"     // photos of the business
	DocHalal    DocumentKind = "halal"     // halal certificate
	DocPIRT     DocumentKind = "pirt"      // home food industry licence
	DocOther    DocumentKind = "other"
)

// DocumentKinds lists every kind in the order pages show them.
var DocumentKinds = []DocumentKind{DocKTP, DocNIB, DocNPWP, DocPKP, DocNonPKP, DocBankBook, DocPhoto, DocHalal, DocPIRT, DocOther}

// Limits on documents of the kinds a supplier may hold several of.
const (
	MaxPhotos         = 8
	MaxOtherDocuments = 10
)

// Label is the kind's name for users.
func (k DocumentKind) Label() string {
	switch k {
	case DocKTP:
		return "KTP pemilik"
	case DocNIB:
		return "NIB (dari OSS)"
	case DocNPWP:
		return "NPWP"
	case DocPKP:
		return "Surat pengukuhan PKP"
	case DocNonPKP:
		return "Surat pernyataan non-PKP"
	case DocBankBook:
		return "Halaman buku tabungan"
	case DocPhoto:
		return "Foto usaha"
	case DocHalal:
		return "Sertifikat halal"
	case DocPIRT:
		return "Izin PIRT"
	case DocOther:
		return "Dokumen lain"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k DocumentKind) Valid() bool { return slices.Contains(DocumentKinds, k) }

// Single reports whether a supplier holds one current document of kind k, a
// new upload replacing the previous one. Photos and other documents add up.
func (k DocumentKind) Single() bool { return k != DocPhoto && k != DocOther }

// Limit is the number of current documents of kind k a supplier may hold.
func (k DocumentKind) Limit() int {
	switch k {
	case DocPhoto:
		return MaxPhotos
	case DocOther:
		return MaxOtherDocuments
	}
	return 1
}

// RequiredKinds lists the documents every supplier must upload before
// verification; pkp says whether it is VAT-registered.
func RequiredKinds(pkp bool) []DocumentKind {
	tax := DocNonPKP
	if pkp {
		tax = DocPKP
	}
	return []DocumentKind{DocKTP, DocNIB, DocNPWP, DocBankBook, tax}
}

// DocumentStatus is where a document stands in Koperindag's review.
type DocumentStatus string

// Document statuses.
const (
	DocPending  DocumentStatus = "pending"
	DocAccepted DocumentStatus = "accepted"
	DocRejected DocumentStatus = "rejected"
	DocReplaced DocumentStatus = "replaced" // a newer upload of the same kind took its place
)

// Label is the status's name for users.
func (s DocumentStatus) Label() string {
	switch s {
	case DocPending:
		return "Menunggu pemeriksaan"
	case DocAccepted:
		return "Diterima"
	case DocRejected:
		return "Ditolak"
	case DocReplaced:
		return "Sudah diganti"
	}
	return string(s)
}

// Document is a file a supplier uploaded, with its review.
type Document struct {
	ID           int64
	SupplierID   int64
	Kind         DocumentKind
	Filename     string // offered when downloading; ends in .jpg or .pdf
	ContentType  string // image/jpeg or application/pdf
	Size         int64
	SHA256       string // hex SHA-256 of the stored bytes
	Status       DocumentStatus
	ReviewReason string
	ReviewedBy   *int64
	ReviewerName string
	ReviewedAt   *time.Time
	UploadedBy   *int64
	UploaderName string
	CreatedAt    time.Time

	blobKey string
}

// IsImage reports whether the document is a photo (else a PDF).
func (d Document) IsImage() bool { return d.ContentType == upload.JPEG }

// CanDeleteDocument reports whether u may delete d: Koperindag staff always,
// the supplier's own people until Koperindag has accepted it.
func CanDeleteDocument(u *auth.User, d Document) bool {
	if u.Has(auth.RoleKoperindag) || (u != nil && u.System) {
		return true
	}
	return Member(u, d.SupplierID) && d.Status != DocAccepted
}

// Documents manages supplier documents and their files.
type Documents struct {
	db    *pgxpool.Pool
	store blob.Store
}

// NewDocuments returns a Documents keeping files in store.
func NewDocuments(db *pgxpool.Pool, store blob.Store) *Documents {
	return &Documents{db: db, store: store}
}

// canView extends CanView to the system (command line, seeding).
func canView(u *auth.User, supplierID int64) bool {
	return CanView(u, supplierID) || (u != nil && u.System)
}

const documentColumns = `d.id, d.supplier_id, d.kind, d.blob_key, d.filename, d.content_type, d.size_bytes, d.sha256,
	d.status, d.review_reason, d.reviewed_by, coalesce(r.name, ''), d.reviewed_at, d.uploaded_by, coalesce(u.name, ''), d.created_at`

const documentFrom = ` FROM supplier_documents d LEFT JOIN users r ON r.id = d.reviewed_by LEFT JOIN users u ON u.id = d.uploaded_by`

func scanDocument(row pgx.CollectableRow) (Document, error) {
	var d Document
	var kind, status string
	err := row.Scan(&d.ID, &d.SupplierID, &kind, &d.blobKey, &d.Filename, &d.ContentType, &d.Size, &d.SHA256,
		&status, &d.ReviewReason, &d.ReviewedBy, &d.ReviewerName, &d.ReviewedAt, &d.UploadedBy, &d.UploaderName, &d.CreatedAt)
	d.Kind, d.Status = DocumentKind(kind), DocumentStatus(status)
	return d, err
}

// loadDocument reads a document without a permission check; lock takes a
// row lock for the caller's transaction.
func loadDocument(ctx context.Context, db postgres.DBTX, id int64, lock bool) (Document, error) {
	q := "SELECT " + documentColumns + documentFrom + " WHERE d.id = $1"
	if lock {
		q += " FOR UPDATE OF d"
	}
	rows, err := db.Query(ctx, q, id)
	if err != nil {
		return Document{}, postgres.Classify(err)
	}
	d, err := pgx.CollectExactlyOneRow(rows, scanDocument)
	if err != nil {
		return Document{}, postgres.NotFound(err, "Dokumen tidak ditemukan. Mungkin sudah dihapus.")
	}
	return d, nil
}

// supplierExists returns NotFound when there is no supplier id; lock takes a
// lock that serialises document changes of one supplier.
func supplierExists(ctx context.Context, db postgres.DBTX, id int64, lock bool) error {
	q := "SELECT id FROM suppliers WHERE id = $1"
	if lock {
		// NO KEY UPDATE conflicts with itself but not with inserts that
		// reference the supplier, nor with readers.
		q += " FOR NO KEY UPDATE"
	}
	var got int64
	if err := db.QueryRow(ctx, q, id).Scan(&got); err != nil {
		return postgres.NotFound(err, "Usaha tidak ditemukan.")
	}
	return nil
}

// countCurrent counts a supplier's documents of kind that are not replaced.
func countCurrent(ctx context.Context, db postgres.DBTX, supplierID int64, kind DocumentKind) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM supplier_documents WHERE supplier_id = $1 AND kind = $2 AND status <> 'replaced'`,
		supplierID, string(kind)).Scan(&n)
	return n, postgres.Classify(err)
}

func limitReached(kind DocumentKind) error {
	msg := fmt.Sprintf("Sudah ada %d %s, batas untuk satu usaha. Hapus salah satu dulu, lalu unggah lagi.", kind.Limit(), strings.ToLower(kind.Label()))
	return validate.Errors{"file": msg}
}

// Documents lists a supplier's current documents (not replaced), by kind and
// then upload time. Its own people, Koperindag staff, admins and auditors may.
func (s *Documents) Documents(ctx context.Context, supplierID int64) ([]Document, error) {
	if !canView(auth.UserFrom(ctx), supplierID) {
		return nil, apperr.E(apperr.Forbidden, "Anda tidak berhak melihat dokumen usaha ini.")
	}
	if err := supplierExists(ctx, s.db, supplierID, false); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+documentColumns+documentFrom+
		" WHERE d.supplier_id = $1 AND d.status <> 'replaced' ORDER BY d.created_at, d.id", supplierID)
	if err != nil {
		return nil, fmt.Errorf("supplier: documents of %d: %w", supplierID, postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, scanDocument)
	if err != nil {
		return nil, fmt.Errorf("supplier: documents of %d: %w", supplierID, postgres.Classify(err))
	}
	slices.SortStableFunc(list, func(a, b Document) int {
		return cmp.Compare(slices.Index(DocumentKinds, a.Kind), slices.Index(DocumentKinds, b.Kind))
	})
	return list, nil
}

// Document returns one document. The supplier's own people, Koperindag
// staff, admins and auditors may read it; others get Forbidden.
func (s *Documents) Document(ctx context.Context, id int64) (Document, error) {
	d, err := loadDocument(ctx, s.db, id, false)
	if err != nil {
		return Document{}, err
	}
	if !canView(auth.UserFrom(ctx), d.SupplierID) {
		return Document{}, apperr.E(apperr.Forbidden, "Anda tidak berhak membuka dokumen usaha ini.")
	}
	return d, nil
}

// OpenDocument returns a document with its file for download; the caller
// closes the file. Permission is as for Document.
func (s *Documents) OpenDocument(ctx context.Context, id int64) (Document, io.ReadCloser, error) {
	d, err := s.Document(ctx, id)
	if err != nil {
		return Document{}, nil, err
	}
	rc, err := s.store.Open(ctx, d.blobKey)
	if err != nil {
		return Document{}, nil, fmt.Errorf("supplier: open document %d: %w", id, err)
	}
	return d, rc, nil
}

// UploadDocument checks and cleans the file read from r (see package upload),
// stores it, and records it as a pending document of kind for the supplier.
// A single-instance kind replaces the current document of that kind; photos
// and other documents are limited in number. The supplier's own people and
// Koperindag staff may upload. Problems with the file come back as
// validate.Errors on "file"; an error reading r is returned wrapped.
func (s *Documents) UploadDocument(ctx context.Context, supplierID int64, kind DocumentKind, filename string, r io.Reader) (Document, error) {
	u := auth.UserFrom(ctx)
	if !CanEdit(u, supplierID) && !(u != nil && u.System) {
		return Document{}, apperr.E(apperr.Forbidden, "Anda tidak berhak mengunggah dokumen untuk usaha ini.")
	}
	if !kind.Valid() {
		return Document{}, validate.Errors{"kind": "Jenis dokumen tidak dikenal. Pilih salah satu jenis dokumen di halaman ini."}
	}
	if err := supplierExists(ctx, s.db, supplierID, false); err != nil {
		return Document{}, err
	}
	// Checked before reading the file to spare the work, and again below.
	if !kind.Single() {
		n, err := countCurrent(ctx, s.db, supplierID, kind)
		if err != nil {
			return Document{}, fmt.Errorf("supplier: upload document: %w", err)
		}
		if n >= kind.Limit() {
			return Document{}, limitReached(kind)
		}
	}
	f, err := upload.Process(ctx, r)
	if err != nil {
		if apperr.KindOf(err) == apperr.Invalid && apperr.Message(err) != "" {
			return Document{}, validate.Errors{"file": apperr.Message(err)}
		}
		return Document{}, fmt.Errorf("supplier: upload document: %w", err)
	}
	name := upload.Filename(filename, string(kind), f.Ext)

	// The file is stored first and the row written after, so a row never
	// points to a missing file; if the row cannot be written, the file goes.
	key := blob.NewKey()
	if err := s.store.Put(ctx, key, bytes.NewReader(f.Data)); err != nil {
		return Document{}, fmt.Errorf("supplier: upload document: %w", err)
	}
	var id int64
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := supplierExists(ctx, tx, supplierID, true); err != nil {
			return err
		}
		var replaced []int64
		if kind.Single() {
			rows, err := tx.Query(ctx, `UPDATE supplier_documents SET status = 'replaced'
				WHERE supplier_id = $1 AND kind = $2 AND status <> 'replaced' RETURNING id`, supplierID, string(kind))
			if err != nil {
				return err
			}
			if replaced, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
				return err
			}
		} else {
			n, err := countCurrent(ctx, tx, supplierID, kind)
			if err != nil {
				return err
			}
			if n >= kind.Limit() {
				return limitReached(kind)
			}
		}
		err := tx.QueryRow(ctx, `INSERT INTO supplier_documents
			(supplier_id, kind, blob_key, filename, content_type, size_bytes, sha256, uploaded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			supplierID, string(kind), key, name, f.ContentType, len(f.Data), f.SHA256, userID(u)).Scan(&id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "supplier_document.upload", Entity: "supplier_document", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"supplier_id": supplierID, "kind": kind, "filename": name, "content_type": f.ContentType,
				"size": len(f.Data), "sha256": f.SHA256, "replaced": replaced}})
	})
	if err != nil {
		if derr := s.store.Delete(context.WithoutCancel(ctx), key); derr != nil {
			err = errors.Join(err, derr)
		}
		return Document{}, fmt.Errorf("supplier: upload document: %w", err)
	}
	return loadDocument(ctx, s.db, id, false)
}

// DeleteDocument removes a document and its file. Koperindag staff may; the
// supplier's own people may until Koperindag has accepted the document.
func (s *Documents) DeleteDocument(ctx context.Context, id int64) error {
	u := auth.UserFrom(ctx)
	var key string
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		d, err := loadDocument(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !CanDeleteDocument(u, d) {
			if Member(u, d.SupplierID) {
				return apperr.E(apperr.Forbidden, "Dokumen yang sudah diterima petugas Koperindag tidak dapat dihapus. Unggah dokumen baru bila ada perubahan.")
			}
			return apperr.E(apperr.Forbidden, "Anda tidak berhak menghapus dokumen usaha ini.")
		}
		key = d.blobKey
		if _, err := tx.Exec(ctx, "DELETE FROM supplier_documents WHERE id = $1", id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "supplier_document.delete", Entity: "supplier_document", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"supplier_id": d.SupplierID, "kind": d.Kind, "filename": d.Filename, "sha256": d.SHA256, "status": d.Status}})
	})
	if err != nil {
		return fmt.Errorf("supplier: delete document %d: %w", id, err)
	}
	// No row points to the file any more. Should removing it fail, a stray
	// file is left behind: harmless, and better than a row without its file.
	_ = s.store.Delete(context.WithoutCancel(ctx), key)
	return nil
}

// ReviewDocument accepts or rejects a document; a rejection needs a reason,
// which the owner sees. Koperindag staff and admins may review; a replaced
// document cannot be reviewed (Conflict).
func (s *Documents) ReviewDocument(ctx context.Context, id int64, accept bool, reason string) (Document, error) {
	u := auth.UserFrom(ctx)
	if !CanReview(u) {
		return Document{}, apperr.E(apperr.Forbidden, "Hanya petugas Koperindag dan admin yang dapat memeriksa dokumen.")
	}
	reason = strings.TrimSpace(reason)
	switch {
	case !accept && reason == "":
		return Document{}, validate.Errors{"reason": "Tulis alasan penolakan, agar pemilik tahu apa yang harus diperbaiki."}
	case len([]rune(reason)) > 500:
		return Document{}, validate.Errors{"reason": "Alasan paling panjang 500 huruf."}
	}
	status, action := DocAccepted, "supplier_document.accept"
	if !accept {
		status, action = DocRejected, "supplier_document.reject"
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		d, err := loadDocument(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if d.Status == DocReplaced {
			return apperr.E(apperr.Conflict, "Dokumen ini sudah diganti dengan unggahan yang lebih baru. Periksa dokumen yang baru.")
		}
		_, err = tx.Exec(ctx, `UPDATE supplier_documents SET status = $2, review_reason = $3, reviewed_by = $4, reviewed_at = now()
			WHERE id = $1`, id, string(status), reason, userID(u))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "supplier_document", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"supplier_id": d.SupplierID, "kind": d.Kind, "previous": d.Status, "reason": reason}})
	})
	if err != nil {
		return Document{}, fmt.Errorf("supplier: review document %d: %w", id, err)
	}
	return loadDocument(ctx, s.db, id, false)
}

// userID is u's id for a users reference, nil for the system.
func userID(u *auth.User) *int64 {
	if u == nil || u.ID == 0 {
		return nil
	}
	return &u.ID
}

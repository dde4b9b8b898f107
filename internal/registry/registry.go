// Package registry owns the dinas's list of UMKM (the registry): the top of the
// onboarding funnel. It reads the spreadsheets Koperindag keeps (CSV or XLSX),
// checks every row, previews what an import would change, and imports in one
// transaction, updating known businesses instead of duplicating them. It also
// lists the registry with filters and generates synthetic registries for
// demos, tests and benchmarks.
//
// Invitations and supplier accounts are other packages' business: this
// package reads whether an entry was invited or became a supplier, and
// LinkSupplier lets the onboarding flows tie an entry to its supplier.
// It knows nothing of HTTP or HTML.
package registry

import (
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/auth"
)

// Limits of one uploaded file.
const (
	MaxFileSize = 20 << 20 // bytes
	MaxRows     = 50000    // data rows, header excluded
)

// SampleSize is how many rows a Summary shows as they will be stored.
const SampleSize = 50

// Sentinel causes of the errors Preview and Import return. Each comes wrapped
// in an apperr.Invalid (or apperr.Conflict for ErrChanged) error whose
// message, a full sentence for users, says what to do.
var (
	ErrNotSpreadsheet = errors.New("registry: not a CSV or XLSX file")
	ErrEmpty          = errors.New("registry: empty file")
	ErrNoHeader       = errors.New("registry: no recognisable header")
	ErrNoRows         = errors.New("registry: header but no data rows")
	ErrTooLarge       = errors.New("registry: file too large")
	ErrTooManyRows    = errors.New("registry: too many rows")
	ErrNoRegions      = errors.New("registry: kecamatan and nagari not loaded")
	ErrChanged        = errors.New("registry: file differs from the previewed one")
)

// Scale is the size class of a business under UU 20/2008 as the dinas records it.
type Scale string

// The scales the registry knows; "" when the list does not say.
const (
	ScaleMikro    Scale = "mikro"
	ScaleKecil    Scale = "kecil"
	ScaleMenengah Scale = "menengah"
)

// Label is the scale's name for users.
func (s Scale) Label() string {
	switch s {
	case ScaleMikro:
		return "Mikro"
	case ScaleKecil:
		return "Kecil"
	case ScaleMenengah:
		return "Menengah"
	}
	return ""
}

// Status is where a registry entry stands in the onboarding funnel.
type Status string

// Funnel states of an entry, as the list filters them.
const (
	StatusNotInvited Status = "belum_diundang" // no invitation and no supplier
	StatusInvited    Status = "diundang"       // an invitation that was not revoked, no supplier yet
	StatusRegistered Status = "terdaftar"      // supplier_id set
)

// Statuses lists every status in funnel order.
var Statuses = []Status{StatusNotInvited, StatusInvited, StatusRegistered}

// Label is the status's name for users.
func (s Status) Label() string {
	switch s {
	case StatusNotInvited:
		return "Belum diundang"
	case StatusInvited:
		return "Sudah diundang"
	case StatusRegistered:
		return "Sudah terdaftar"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusNotInvited || s == StatusInvited || s == StatusRegistered
}

// Entry is one business in the registry. Identifiers are normalised: NIK and
// NIB as digits, the phone as +62..., the e-mail in lower case; "" when unknown.
type Entry struct {
	ID            int64
	BusinessName  string
	OwnerName     string
	NIK           string
	NIB           string
	Phone         string
	Email         string
	Address       string
	KecamatanCode string
	KecamatanName string
	NagariCode    string
	NagariName    string
	Sector        string
	Scale         Scale
	Notes         map[string]string // the file's other columns, header → value
	SupplierID    int64             // 0 until the business has a supplier account
	Status        Status
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Service reads and imports the registry.
type Service struct {
	db  *pgxpool.Pool
	now func() time.Time
}

// NewService returns a Service on db.
func NewService(db *pgxpool.Pool) *Service {
	return &Service{db: db, now: time.Now}
}

// canImport reports whether the signed-in user may preview and import files.
func canImport(u *auth.User) bool { return u.Has(auth.RoleKoperindag, auth.RoleAdmin) }

// canRead reports whether the signed-in user may list the registry.
func canRead(u *auth.User) bool {
	return u.Has(auth.RoleKoperindag, auth.RoleAdmin, auth.RoleAuditor)
}

var (
	errImportForbidden = apperr.E(apperr.Forbidden, "Hanya petugas Koperindag dan admin yang dapat mengimpor registri UMKM.")
	errReadForbidden   = apperr.E(apperr.Forbidden, "Anda tidak berhak melihat registri UMKM.")
)

// invalid returns an Invalid error with a message for users and a sentinel cause.
func invalid(cause error, msg string) error { return apperr.Wrap(apperr.Invalid, msg, cause) }

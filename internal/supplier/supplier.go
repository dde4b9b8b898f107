// Package supplier owns suppliers (penyedia): the local businesses that sell
// through Lapak, their profiles, documents and verification by Koperindag.
// It knows nothing of HTTP or HTML.
package supplier

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/postgres"
	"lapak/internal/validate"
)

// Status is where a supplier stands in onboarding.
type Status string

// Onboarding states.
const (
	StatusDraft     Status = "draft"
	StatusSubmitted Status = "submitted"
	StatusVerified  Status = "verified"
	StatusReturned  Status = "returned"
	StatusSuspended Status = "suspended"
)

// Statuses lists every status in funnel order.
var Statuses = []Status{StatusDraft, StatusSubmitted, StatusReturned, StatusVerified, StatusSuspended}

// Label is the status's name for users.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "Draf (belum diajukan)"
	case StatusSubmitted:
		return "Menunggu verifikasi"
	case StatusVerified:
		return "Terverifikasi"
	case StatusReturned:
		return "Dikembalikan untuk perbaikan"
	case StatusSuspended:
		return "Dibekukan"
	}
	return string(s)
}

// Origin says how a supplier came to Lapak.
type Origin string

// Origins of suppliers.
const (
	OriginSelf       Origin = "self"       // registered itself
	OriginInvitation Origin = "invitation" // activated an invitation from the registry
	OriginAssisted   Origin = "assisted"   // registered by Koperindag staff in the field
	OriginDemo       Origin = "demo"
)

// Supplier is a local business with its profile.
type Supplier struct {
	ID              int64
	Name            string
	OwnerName       string
	LegalForm       string
	NIB             string
	NPWP            string
	PKP             bool
	PP55            bool
	Scale           Scale
	ScaleBasis      string // "modal" or "penjualan"
	Capital         int64  // modal usaha, whole rupiah
	AnnualSales     int64  // hasil penjualan tahunan, whole rupiah
	Address         string
	KecamatanCode   string
	KecamatanName   string
	NagariCode      string
	NagariName      string
	Phone           string
	Email           string
	BankName        string
	BankAccountNo   string
	BankAccountName string
	Products        string
	Origin          Origin
	Status          Status
	SubmittedAt     *time.Time
	VerifiedAt      *time.Time
	ReviewNote      string
	SuspendedReason string
	Version         int
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Input is what is entered to create a supplier with a name and a place.
type Input struct {
	Name          string
	KecamatanCode string
	NagariCode    string
	Status        Status // draft when empty
	Origin        Origin // self when empty
	OwnerName     string
	Phone         string
	Email         string
	NIB           string
}

// Service manages suppliers.
type Service struct{ db *pgxpool.Pool }

// NewService returns a Service.
func NewService(db *pgxpool.Pool) *Service { return &Service{db: db} }

// CreateSupplier adds a supplier. Koperindag staff and admins may.
func (s *Service) CreateSupplier(ctx context.Context, in Input) (Supplier, error) {
	if !audit.ActorFrom(ctx).HasRole("koperindag", "admin") {
		return Supplier{}, apperr.E(apperr.Forbidden, "Hanya petugas Koperindag dan admin yang dapat mendaftarkan usaha.")
	}
	var id int64
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		id, err = InsertSupplier(ctx, tx, in)
		return err
	})
	if err != nil {
		return Supplier{}, fmt.Errorf("supplier: create: %w", err)
	}
	return s.load(ctx, id)
}

// InsertSupplier validates in and creates the supplier inside the caller's
// transaction, with an audit entry. It checks no permission: the onboarding
// flows (activation, self-registration, assisted registration) call it.
func InsertSupplier(ctx context.Context, tx postgres.DBTX, in Input) (int64, error) {
	in.Name = strings.TrimSpace(in.Name)
	in.OwnerName = strings.TrimSpace(in.OwnerName)
	errs := validate.Errors{}
	if n := len([]rune(in.Name)); n < 2 || n > 200 {
		errs.Add("name", "Nama usaha wajib diisi (2–200 huruf).")
	}
	if len([]rune(in.OwnerName)) > 120 {
		errs.Add("owner_name", "Nama pemilik paling panjang 120 huruf.")
	}
	if in.Phone != "" {
		p, err := validate.Phone(in.Phone)
		errs.Check("phone", err)
		in.Phone = p
	}
	if in.Email != "" {
		e, err := validate.Email(in.Email)
		errs.Check("email", err)
		in.Email = e
	}
	if in.NIB != "" {
		n, err := validate.NIB(in.NIB)
		errs.Check("nib", err)
		in.NIB = n
	}
	if in.Status == "" {
		in.Status = StatusDraft
	}
	if in.Origin == "" {
		in.Origin = OriginSelf
	}
	if err := errs.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO suppliers (name, owner_name, kecamatan_code, nagari_code, status, origin, phone, email, nib, verified_at)
		VALUES ($1, $2, nullif($3, ''), nullif($4, ''), $5, $6, nullif($7, ''), nullif($8, ''), nullif($9, ''),
			CASE WHEN $5 = 'verified' THEN now() END) RETURNING id`,
		in.Name, in.OwnerName, in.KecamatanCode, in.NagariCode, string(in.Status), string(in.Origin), in.Phone, in.Email, in.NIB).Scan(&id)
	if err != nil {
		return 0, duplicate(err)
	}
	err = audit.Record(ctx, tx, audit.Entry{Action: "supplier.create", Entity: "supplier", EntityID: strconv.FormatInt(id, 10),
		Details: map[string]any{"name": in.Name, "origin": in.Origin, "status": in.Status}})
	return id, err
}

const columns = `s.id, s.name, s.owner_name, s.legal_form, coalesce(s.nib, ''), coalesce(s.npwp, ''), s.pkp, s.pp55,
	s.scale, s.scale_basis, coalesce(s.capital, 0), coalesce(s.annual_sales, 0), s.address,
	coalesce(s.kecamatan_code, ''), coalesce(k.name, ''), coalesce(s.nagari_code, ''), coalesce(n.name, ''),
	coalesce(s.phone, ''), coalesce(s.email, ''), s.bank_name, s.bank_account_no, s.bank_account_name, s.products,
	s.origin, s.status, s.submitted_at, s.verified_at, s.review_note, s.suspended_reason, s.version, s.created_at, s.updated_at`

const from = ` FROM suppliers s LEFT JOIN kecamatan k ON k.code = s.kecamatan_code LEFT JOIN nagari n ON n.code = s.nagari_code`

func scan(row pgx.CollectableRow) (Supplier, error) {
	var sp Supplier
	var scale, origin, status string
	err := row.Scan(&sp.ID, &sp.Name, &sp.OwnerName, &sp.LegalForm, &sp.NIB, &sp.NPWP, &sp.PKP, &sp.PP55,
		&scale, &sp.ScaleBasis, &sp.Capital, &sp.AnnualSales, &sp.Address,
		&sp.KecamatanCode, &sp.KecamatanName, &sp.NagariCode, &sp.NagariName,
		&sp.Phone, &sp.Email, &sp.BankName, &sp.BankAccountNo, &sp.BankAccountName, &sp.Products,
		&origin, &status, &sp.SubmittedAt, &sp.VerifiedAt, &sp.ReviewNote, &sp.SuspendedReason, &sp.Version, &sp.CreatedAt, &sp.UpdatedAt)
	sp.Scale, sp.Origin, sp.Status = Scale(scale), Origin(origin), Status(status)
	return sp, err
}

// load reads a supplier without a permission check.
func (s *Service) load(ctx context.Context, id int64) (Supplier, error) {
	return load(ctx, s.db, id, false)
}

func load(ctx context.Context, db postgres.DBTX, id int64, lock bool) (Supplier, error) {
	q := "SELECT " + columns + from + " WHERE s.id = $1"
	if lock {
		q += " FOR UPDATE OF s"
	}
	rows, err := db.Query(ctx, q, id)
	if err != nil {
		return Supplier{}, postgres.Classify(err)
	}
	sp, err := pgx.CollectExactlyOneRow(rows, scan)
	if err != nil {
		return Supplier{}, postgres.NotFound(err, "Usaha tidak ditemukan.")
	}
	return sp, nil
}

// Supplier returns one supplier's full profile. Its own people, Koperindag
// staff, admins and auditors may read it.
func (s *Service) Supplier(ctx context.Context, id int64) (Supplier, error) {
	u := auth.UserFrom(ctx)
	if !CanView(u, id) && !(u != nil && u.System) {
		return Supplier{}, apperr.E(apperr.Forbidden, "Anda tidak berhak melihat profil usaha ini.")
	}
	return s.load(ctx, id)
}

// Filter selects suppliers; zero fields match everything.
type Filter struct {
	Query         string // part of the business or owner name
	Status        Status
	KecamatanCode string
	NagariCode    string
	Limit         int
	Offset        int
}

// Suppliers lists suppliers and their total. Koperindag staff, admins and
// auditors may; the verification queue is Filter{Status: StatusSubmitted}.
func (s *Service) Suppliers(ctx context.Context, f Filter) ([]Supplier, int, error) {
	u := auth.UserFrom(ctx)
	if !u.Has(auth.RoleKoperindag, auth.RoleAdmin, auth.RoleAuditor) {
		return nil, 0, apperr.E(apperr.Forbidden, "Anda tidak berhak melihat daftar usaha.")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	where := ` WHERE ($1 = '' OR strpos(lower(s.name), lower($1)) > 0 OR strpos(lower(s.owner_name), lower($1)) > 0)
		AND ($2 = '' OR s.status = $2) AND ($3 = '' OR s.kecamatan_code = $3) AND ($4 = '' OR s.nagari_code = $4)`
	args := []any{strings.TrimSpace(f.Query), string(f.Status), f.KecamatanCode, f.NagariCode}
	var total int
	if err := s.db.QueryRow(ctx, "SELECT count(*) FROM suppliers s"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("supplier: count: %w", postgres.Classify(err))
	}
	// The queue is served oldest submission first; other lists by name.
	order := " ORDER BY s.name, s.id"
	if f.Status == StatusSubmitted {
		order = " ORDER BY s.submitted_at NULLS LAST, s.id"
	}
	rows, err := s.db.Query(ctx, "SELECT "+columns+from+where+order+" LIMIT $5 OFFSET $6", append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("supplier: list: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, 0, fmt.Errorf("supplier: list: %w", postgres.Classify(err))
	}
	return list, total, nil
}

// Choices lists suppliers by name for choosing one when granting a role.
func (s *Service) Choices(ctx context.Context, limit int) ([]Supplier, error) {
	rows, err := s.db.Query(ctx, "SELECT "+columns+from+" ORDER BY s.name LIMIT $1", limit)
	if err != nil {
		return nil, fmt.Errorf("supplier: choices: %w", postgres.Classify(err))
	}
	return pgx.CollectRows(rows, scan)
}

func duplicate(err error) error {
	err = postgres.Classify(err)
	if apperr.KindOf(err) == apperr.Conflict && strings.Contains(err.Error(), "suppliers_nib_key") {
		return validate.Errors{"nib": "NIB ini sudah dipakai usaha lain yang terdaftar di Lapak. Jika itu usaha Anda, hubungi petugas Koperindag."}
	}
	return err
}

// Package rup owns RUP packages: the entries of an OPD's procurement plan
// (Rencana Umum Pengadaan) that orders are placed against, each with its Kode
// RUP, pagu, funding source, budget account, fiscal year and responsible PPK.
// Officials of the OPD (PP, PPK) and admins enter them by hand or import a
// SiRUP export; treasurers and auditors read them.
//
// The remaining pagu is the pagu minus the live orders on the package. Orders
// belong to the ordering code, which tells this package about them through
// the Ledger interface (see docs/rules.md); until it exists, NoOrders stands in.
// It knows nothing of HTTP or HTML.
package rup

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/postgres"
	"lapak/internal/rupiah"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// Ledger is what the ordering code tells about live orders: those that hold
// budget on a package (every order after checkout that is not cancelled,
// rejected or expired). Implementations run their query on db, which is the
// caller's transaction when the caller holds row locks.
type Ledger interface {
	// LiveTotalForPackage returns the sum of the contract values (including
	// PPN) of the live orders on package packageID, leaving out order
	// excludeOrderID (0 leaves out none), so an order re-checked at signing
	// does not count itself.
	LiveTotalForPackage(ctx context.Context, db postgres.DBTX, packageID, excludeOrderID int64) (int64, error)
}

// NoOrders is the Ledger of a Lapak without orders: every package is untouched.
// TODO(5): the ordering code replaces it with a ledger on its order tables.
type NoOrders struct{}

// LiveTotalForPackage returns 0.
func (NoOrders) LiveTotalForPackage(context.Context, postgres.DBTX, int64, int64) (int64, error) {
	return 0, nil
}

// FundingSource is a package's source of funds (sumber dana), as stored.
type FundingSource string

// FundingSources lists the funding sources in display order.
var FundingSources = []FundingSource{"APBD", "APBDP", "DAK", "DAU", "DBH", "DID", "BLUD", "BOS", "BOK", "APBN", "LAINNYA"}

// Label is the funding source's name for users.
func (f FundingSource) Label() string {
	switch f {
	case "APBD":
		return "APBD"
	case "APBDP":
		return "APBD Perubahan"
	case "DAK":
		return "Dana Alokasi Khusus (DAK)"
	case "DAU":
		return "Dana Alokasi Umum (DAU)"
	case "DBH":
		return "Dana Bagi Hasil (DBH)"
	case "DID":
		return "Dana Insentif Daerah (DID)"
	case "BLUD":
		return "Badan Layanan Umum Daerah (BLUD)"
	case "BOS":
		return "Bantuan Operasional Sekolah (BOS)"
	case "BOK":
		return "Bantuan Operasional Kesehatan (BOK)"
	case "APBN":
		return "APBN"
	case "LAINNYA":
		return "Lainnya"
	}
	return string(f)
}

// Package is one RUP package.
type Package struct {
	ID            int64
	OPDID         int64
	OPDName       string
	KodeRUP       string
	Name          string
	Pagu          int64
	FundingSource FundingSource
	AccountCode   string // kode rekening or sub kegiatan (MAK)
	FiscalYear    int
	PPKUserID     int64 // 0 when not yet chosen
	PPKName       string
	Active        bool
	Origin        string // manual or import
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Listed is a package with what its live orders leave of the pagu.
type Listed struct {
	Package
	Live      int64 // sum of live orders
	Remaining int64 // Pagu − Live
}

// Input is what an official enters for a package. Pagu and FiscalYear are
// as typed; OPDID is used by admins only (others enter for their own OPD).
type Input struct {
	OPDID         int64
	KodeRUP       string
	Name          string
	Pagu          string
	FundingSource string
	AccountCode   string
	FiscalYear    string
	PPKUserID     int64
	Active        bool
}

// Filter selects packages; zero fields match everything the user may see.
type Filter struct {
	OPDID      int64
	FiscalYear int
	Query      string // part of the Kode RUP or name
}

// PPK is an official who may be a package's responsible PPK.
type PPK struct {
	UserID int64
	Name   string
	NIP    string
}

// Service manages RUP packages.
type Service struct {
	db     *pgxpool.Pool
	ledger Ledger
	now    func() time.Time
}

// NewService returns a Service that reads live orders through ledger.
func NewService(db *pgxpool.Pool, ledger Ledger) *Service {
	if ledger == nil {
		ledger = NoOrders{}
	}
	return &Service{db: db, ledger: ledger, now: time.Now}
}

// opdIDs returns the OPDs u works for as PP, PPK or treasurer.
func opdIDs(u *auth.User, roles ...auth.Role) []int64 {
	var out []int64
	for _, g := range u.Grants {
		if slices.Contains(roles, g.Role) && g.OPDID != 0 && !slices.Contains(out, g.OPDID) {
			out = append(out, g.OPDID)
		}
	}
	return out
}

// CanRead reports whether u may see the packages of OPD opdID: its PP, PPK
// and treasurer, admins and auditors.
func CanRead(u *auth.User, opdID int64) bool {
	return u.Has(auth.RoleAdmin, auth.RoleAuditor) || slices.Contains(opdIDs(u, auth.RolePP, auth.RolePPK, auth.RoleTreasurer), opdID)
}

// CanEdit reports whether u may add, change or import packages of OPD opdID:
// its PP and PPK, and admins.
func CanEdit(u *auth.User, opdID int64) bool {
	return u.Has(auth.RoleAdmin) || slices.Contains(opdIDs(u, auth.RolePP, auth.RolePPK), opdID)
}

// EditableOPDs returns the OPDs u may add packages to; all is true for admins.
func EditableOPDs(u *auth.User) (ids []int64, all bool) {
	if u.Has(auth.RoleAdmin) {
		return nil, true
	}
	return opdIDs(u, auth.RolePP, auth.RolePPK), false
}

const columns = `p.id, p.opd_id, o.name, p.kode_rup, p.name, p.pagu, p.funding_source, p.account_code, p.fiscal_year,
	coalesce(p.ppk_user_id, 0), coalesce(u.name, ''), p.active, p.origin, p.version, p.created_at, p.updated_at`

const from = ` FROM rup_packages p JOIN opds o ON o.id = p.opd_id LEFT JOIN users u ON u.id = p.ppk_user_id`

func scan(row pgx.CollectableRow) (Package, error) {
	var p Package
	err := row.Scan(&p.ID, &p.OPDID, &p.OPDName, &p.KodeRUP, &p.Name, &p.Pagu, &p.FundingSource, &p.AccountCode, &p.FiscalYear,
		&p.PPKUserID, &p.PPKName, &p.Active, &p.Origin, &p.Version, &p.CreatedAt, &p.UpdatedAt)
	return p, err
}

// load reads one package; lock takes a row lock for an update.
func load(ctx context.Context, db postgres.DBTX, id int64, lock bool) (Package, error) {
	q := "SELECT " + columns + from + " WHERE p.id = $1"
	if lock {
		q += " FOR UPDATE OF p"
	}
	rows, err := db.Query(ctx, q, id)
	if err != nil {
		return Package{}, postgres.Classify(err)
	}
	p, err := pgx.CollectExactlyOneRow(rows, scan)
	if err != nil {
		return Package{}, postgres.NotFound(err, "Paket RUP tidak ditemukan.")
	}
	return p, nil
}

// LookupQuery reads package $1 for another domain inside its transaction
// (the rules engine, in its batch of reads), checking no permission; lock
// takes a FOR NO KEY UPDATE row lock, which serialises checks against the
// package's pagu. ScanLookup reads its rows.
func LookupQuery(lock bool) string {
	q := "SELECT " + columns + from + " WHERE p.id = $1"
	if lock {
		q += " FOR NO KEY UPDATE OF p"
	}
	return q
}

// ScanLookup reads the rows of LookupQuery and closes them:
// apperr.NotFound when there is no such package.
func ScanLookup(rows pgx.Rows) (Package, error) {
	p, err := pgx.CollectExactlyOneRow(rows, scan)
	if err != nil {
		return Package{}, postgres.NotFound(err, "Paket RUP tidak ditemukan.")
	}
	return p, nil
}

// Remaining returns the pagu of package packageID minus its live orders as
// ledger reports them: what is left to order. It is negative only if the
// orders already exceed the pagu. It checks no permission.
func Remaining(ctx context.Context, db postgres.DBTX, packageID int64, ledger Ledger) (int64, error) {
	var pagu int64
	err := db.QueryRow(ctx, "SELECT pagu FROM rup_packages WHERE id = $1", packageID).Scan(&pagu)
	if err != nil {
		return 0, postgres.NotFound(err, "Paket RUP tidak ditemukan.")
	}
	live, err := ledger.LiveTotalForPackage(ctx, db, packageID, 0)
	if err != nil {
		return 0, fmt.Errorf("rup: remaining %d: %w", packageID, err)
	}
	return pagu - live, nil
}

// Package returns one package with its live total. Officials of its OPD,
// admins and auditors may.
func (s *Service) Package(ctx context.Context, id int64) (Listed, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return Listed{}, apperr.E(apperr.Unauthenticated, "")
	}
	p, err := load(ctx, s.db, id, false)
	if err != nil {
		return Listed{}, err
	}
	if !CanRead(u, p.OPDID) {
		return Listed{}, apperr.E(apperr.Forbidden, "Paket RUP ini milik OPD lain.")
	}
	live, err := s.ledger.LiveTotalForPackage(ctx, s.db, id, 0)
	if err != nil {
		return Listed{}, fmt.Errorf("rup: package %d: %w", id, err)
	}
	return Listed{Package: p, Live: live, Remaining: p.Pagu - live}, nil
}

// Packages lists the packages matching f that the user may see, newest
// fiscal year first, with what remains of each pagu. PP, PPK and treasurers
// see their own OPD's; admins and auditors every OPD's.
func (s *Service) Packages(ctx context.Context, f Filter) ([]Listed, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return nil, apperr.E(apperr.Unauthenticated, "")
	}
	all := u.Has(auth.RoleAdmin, auth.RoleAuditor)
	mine := opdIDs(u, auth.RolePP, auth.RolePPK, auth.RoleTreasurer)
	if !all && len(mine) == 0 {
		return nil, apperr.E(apperr.Forbidden, "Hanya pejabat OPD, admin dan auditor yang dapat melihat paket RUP.")
	}
	if f.OPDID != 0 && !all && !slices.Contains(mine, f.OPDID) {
		return nil, apperr.E(apperr.Forbidden, "Paket RUP OPD lain tidak dapat Anda lihat.")
	}
	rows, err := s.db.Query(ctx, "SELECT "+columns+from+`
		WHERE ($1 OR p.opd_id = ANY($2)) AND ($3 = 0 OR p.opd_id = $3) AND ($4 = 0 OR p.fiscal_year = $4)
			AND ($5 = '' OR p.kode_rup LIKE '%' || $5 || '%' OR p.name ILIKE '%' || $5 || '%')
		ORDER BY p.fiscal_year DESC, o.name, p.kode_rup LIMIT 1000`,
		all, mine, f.OPDID, f.FiscalYear, strings.TrimSpace(f.Query))
	if err != nil {
		return nil, fmt.Errorf("rup: packages: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("rup: packages: %w", postgres.Classify(err))
	}
	out := make([]Listed, len(list))
	for i, p := range list {
		live, err := s.ledger.LiveTotalForPackage(ctx, s.db, p.ID, 0)
		if err != nil {
			return nil, fmt.Errorf("rup: packages: %w", err)
		}
		out[i] = Listed{Package: p, Live: live, Remaining: p.Pagu - live}
	}
	return out, nil
}

// PPKs lists the officials holding the PPK role in OPD opdID, who may be
// chosen as a package's PPK. Those who may read the OPD's packages may.
func (s *Service) PPKs(ctx context.Context, opdID int64) ([]PPK, error) {
	if !CanRead(auth.UserFrom(ctx), opdID) {
		return nil, apperr.E(apperr.Forbidden, "Anda tidak berhak melihat pejabat OPD ini.")
	}
	return ppks(ctx, s.db, opdID)
}

func ppks(ctx context.Context, db postgres.DBTX, opdID int64) ([]PPK, error) {
	rows, err := db.Query(ctx, `SELECT u.id, u.name, coalesce(u.nip, '') FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE r.role = 'ppk' AND r.opd_id = $1 AND u.disabled_at IS NULL ORDER BY u.name`, opdID)
	if err != nil {
		return nil, fmt.Errorf("rup: ppks: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[PPK])
	if err != nil {
		return nil, fmt.Errorf("rup: ppks: %w", postgres.Classify(err))
	}
	return list, nil
}

// values is an Input checked and normalised.
type values struct {
	kodeRUP, name, account string
	pagu                   int64
	funding                FundingSource
	year                   int
	ppk                    int64
	active                 bool
}

const msgKode = "Kode RUP terdiri dari 5 sampai 12 angka, seperti tertulis di SiRUP."

func normaliseKode(s string) (string, bool) {
	k := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if len(k) < 5 || len(k) > 12 {
		return k, false
	}
	for _, r := range k {
		if r < '0' || r > '9' {
			return k, false
		}
	}
	return k, true
}

func (s *Service) validate(ctx context.Context, db postgres.DBTX, opdID int64, in Input) (values, validate.Errors) {
	errs := validate.Errors{}
	v := values{name: strings.TrimSpace(in.Name), account: strings.TrimSpace(in.AccountCode), ppk: in.PPKUserID, active: in.Active}
	var ok bool
	if v.kodeRUP, ok = normaliseKode(in.KodeRUP); !ok {
		errs.Add("kode_rup", msgKode)
	}
	if n := len([]rune(v.name)); n < 3 || n > 500 {
		errs.Add("name", "Nama paket wajib diisi (3–500 huruf), sama seperti di SiRUP.")
	}
	p, err := rupiah.Parse(in.Pagu)
	switch {
	case err != nil:
		errs.Add("pagu", strings.Replace(err.Error(), "Harga", "Pagu", 1))
	case p <= 0:
		errs.Add("pagu", "Pagu harus lebih dari Rp0.")
	}
	v.pagu = p
	f := FundingSource(strings.ToUpper(strings.TrimSpace(in.FundingSource)))
	if !slices.Contains(FundingSources, f) {
		errs.Add("funding_source", "Pilih sumber dana.")
	}
	v.funding = f
	errs.Check("account_code", validate.MaxLen(v.account, 200))
	y, err := strconv.Atoi(strings.TrimSpace(in.FiscalYear))
	if err != nil || y < 2020 || y > 2100 {
		errs.Add("fiscal_year", "Tahun anggaran diisi empat angka, misalnya "+strconv.Itoa(s.now().In(wib.Location).Year())+".")
	}
	v.year = y
	if v.ppk != 0 {
		list, err := ppks(ctx, db, opdID)
		if err != nil {
			errs.Add("ppk_user_id", "Daftar PPK tidak dapat dibaca. Coba lagi.")
		} else if !slices.ContainsFunc(list, func(p PPK) bool { return p.UserID == v.ppk }) {
			errs.Add("ppk_user_id", "Pilih PPK dari pejabat OPD ini yang memegang peran PPK.")
		}
	}
	return v, errs
}

func duplicate(err error) error {
	err = postgres.Classify(err)
	if errors.Is(err, apperr.Conflict) {
		return validate.Errors{"kode_rup": "Kode RUP ini sudah terdaftar. Cari paket itu di daftar lalu ubah bila perlu."}
	}
	return err
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// CreatePackage adds a package to the OPD the user works for (admins: to
// in.OPDID). PP and PPK of the OPD, and admins, may.
func (s *Service) CreatePackage(ctx context.Context, in Input) (Package, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return Package{}, apperr.E(apperr.Unauthenticated, "")
	}
	opdID := in.OPDID
	if ids, all := EditableOPDs(u); !all {
		if len(ids) == 0 {
			return Package{}, apperr.E(apperr.Forbidden, "Hanya PP, PPK dan admin yang dapat menambah paket RUP.")
		}
		if opdID == 0 {
			opdID = ids[0]
		}
	}
	if opdID == 0 {
		return Package{}, validate.Errors{"opd_id": "Pilih OPD pemilik paket."}
	}
	if !CanEdit(u, opdID) {
		return Package{}, apperr.E(apperr.Forbidden, "Anda hanya dapat menambah paket RUP untuk OPD Anda sendiri.")
	}
	var id int64
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		v, errs := s.validate(ctx, tx, opdID, in)
		if err := errs.Err(); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO rup_packages (opd_id, kode_rup, name, pagu, funding_source, account_code, fiscal_year, ppk_user_id, active)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true) RETURNING id`,
			opdID, v.kodeRUP, v.name, v.pagu, v.funding, v.account, v.year, nullID(v.ppk)).Scan(&id)
		if err != nil {
			return duplicate(err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "rup.create", Entity: "rup_package", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"opd_id": opdID, "kode_rup": v.kodeRUP, "name": v.name, "pagu": v.pagu, "funding_source": v.funding,
				"account_code": v.account, "fiscal_year": v.year, "ppk_user_id": v.ppk}})
	})
	if err != nil {
		return Package{}, fmt.Errorf("rup: create: %w", err)
	}
	return load(ctx, s.db, id, false)
}

// UpdatePackage changes a package, refusing with apperr.Conflict when it
// changed since version was read, and with a field error a pagu below what
// live orders already hold. PP and PPK of its OPD, and admins, may.
func (s *Service) UpdatePackage(ctx context.Context, id int64, version int, in Input) (Package, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return Package{}, apperr.E(apperr.Unauthenticated, "")
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		old, err := load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !CanEdit(u, old.OPDID) {
			return apperr.E(apperr.Forbidden, "Anda hanya dapat mengubah paket RUP OPD Anda sendiri.")
		}
		if old.Version != version {
			return apperr.E(apperr.Conflict, "Paket ini baru saja diubah orang lain. Muat ulang halaman, periksa perubahannya, lalu simpan lagi.")
		}
		v, errs := s.validate(ctx, tx, old.OPDID, in)
		if !errs.Has("pagu") {
			live, err := s.ledger.LiveTotalForPackage(ctx, tx, id, 0)
			if err != nil {
				return fmt.Errorf("rup: live total: %w", err)
			}
			if v.pagu < live {
				errs.Add("pagu", "Pagu tidak boleh lebih kecil dari nilai pesanan berjalan pada paket ini ("+rupiah.Format(live)+").")
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE rup_packages SET kode_rup = $2, name = $3, pagu = $4, funding_source = $5, account_code = $6,
			fiscal_year = $7, ppk_user_id = $8, active = $9, version = version + 1, updated_at = now() WHERE id = $1`,
			id, v.kodeRUP, v.name, v.pagu, v.funding, v.account, v.year, nullID(v.ppk), v.active)
		if err != nil {
			return duplicate(err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "rup.update", Entity: "rup_package", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{
				"before": map[string]any{"kode_rup": old.KodeRUP, "name": old.Name, "pagu": old.Pagu, "funding_source": old.FundingSource,
					"account_code": old.AccountCode, "fiscal_year": old.FiscalYear, "ppk_user_id": old.PPKUserID, "active": old.Active},
				"after": map[string]any{"kode_rup": v.kodeRUP, "name": v.name, "pagu": v.pagu, "funding_source": v.funding,
					"account_code": v.account, "fiscal_year": v.year, "ppk_user_id": v.ppk, "active": v.active}}})
	})
	if err != nil {
		return Package{}, fmt.Errorf("rup: update %d: %w", id, err)
	}
	return load(ctx, s.db, id, false)
}

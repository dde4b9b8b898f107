package supplier

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/postgres"
	"lapak/internal/rupiah"
	"lapak/internal/validate"
)

// Scale is a business size class by PP 7/2021.
type Scale string

// Scales of business. Besar is above menengah: not an UMKM, not eligible.
const (
	ScaleMikro    Scale = "mikro"
	ScaleKecil    Scale = "kecil"
	ScaleMenengah Scale = "menengah"
	ScaleBesar    Scale = "besar"
)

// Label is the scale's name for users.
func (s Scale) Label() string {
	switch s {
	case ScaleMikro:
		return "Usaha mikro"
	case ScaleKecil:
		return "Usaha kecil"
	case ScaleMenengah:
		return "Usaha menengah"
	case ScaleBesar:
		return "Usaha besar (bukan UMKM)"
	}
	return "Belum diisi"
}

// UMKM reports whether the scale is micro, small or medium.
func (s Scale) UMKM() bool { return s == ScaleMikro || s == ScaleKecil || s == ScaleMenengah }

// Thresholds of PP 7/2021 pasal 35–36, in whole rupiah: business capital
// (modal usaha, excluding land and buildings) or annual sales.
const (
	maxCapitalMikro    = 1_000_000_000
	maxCapitalKecil    = 5_000_000_000
	maxCapitalMenengah = 10_000_000_000
	maxSalesMikro      = 2_000_000_000
	maxSalesKecil      = 15_000_000_000
	maxSalesMenengah   = 50_000_000_000
)

// Classify returns the scale for an amount on the given basis ("modal" or
// "penjualan") by PP 7/2021.
func Classify(basis string, amount int64) Scale {
	limits := [3]int64{maxCapitalMikro, maxCapitalKecil, maxCapitalMenengah}
	if basis == "penjualan" {
		limits = [3]int64{maxSalesMikro, maxSalesKecil, maxSalesMenengah}
	}
	switch {
	case amount <= limits[0]:
		return ScaleMikro
	case amount <= limits[1]:
		return ScaleKecil
	case amount <= limits[2]:
		return ScaleMenengah
	}
	return ScaleBesar
}

// LegalForms lists the legal forms with their labels.
var LegalForms = []struct{ Code, Label string }{
	{"perorangan", "Perorangan (usaha pribadi)"},
	{"ud", "UD (usaha dagang)"},
	{"cv", "CV"},
	{"pt", "PT (termasuk PT perorangan)"},
	{"koperasi", "Koperasi"},
	{"firma", "Firma"},
	{"lainnya", "Lainnya"},
}

// Profile is what an owner (or Koperindag staff on their behalf) fills in.
// Money fields are typed text, parsed with rupiah.Parse.
type Profile struct {
	Name, OwnerName, LegalForm, NIB, NPWP string
	PKP, PP55                             bool
	ScaleBasis, Amount                    string // basis "modal" or "penjualan" and the amount typed
	Address, KecamatanCode, NagariCode    string
	Phone, Email                          string
	BankName, BankAccountNo, BankAccount  string
	Products                              string
}

type profileValues struct {
	Profile
	scale       Scale
	capital     *int64
	annualSales *int64
}

// validate checks a profile. Fields may stay empty while a draft; Submit
// checks completeness.
func (p Profile) validate(ctx context.Context, db postgres.DBTX) (profileValues, error) {
	v := profileValues{Profile: p}
	errs := validate.Errors{}
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, f := range []*string{&v.Name, &v.OwnerName, &v.LegalForm, &v.NIB, &v.NPWP, &v.ScaleBasis, &v.Amount, &v.Address,
		&v.KecamatanCode, &v.NagariCode, &v.Phone, &v.Email, &v.BankName, &v.BankAccountNo, &v.BankAccount, &v.Products} {
		trim(f)
	}
	if n := len([]rune(v.Name)); n < 2 || n > 200 {
		errs.Add("name", "Nama usaha wajib diisi (2–200 huruf).")
	}
	errs.Check("owner_name", validate.MaxLen(v.OwnerName, 120))
	if v.LegalForm != "" && !validLegalForm(v.LegalForm) {
		errs.Add("legal_form", "Pilih bentuk usaha dari daftar.")
	}
	if v.NIB != "" {
		n, err := validate.NIB(v.NIB)
		errs.Check("nib", err)
		v.NIB = n
	}
	if v.NPWP != "" {
		n, err := validate.NPWP(v.NPWP)
		errs.Check("npwp", err)
		v.NPWP = n
	}
	if v.PKP && v.PP55 {
		errs.Add("pp55", "Pengusaha Kena Pajak (PKP) dengan omzet di atas Rp4,8 miliar tidak memakai tarif PPh final PP 55/2022. Pilih salah satu.")
	}
	switch v.ScaleBasis {
	case "":
		if v.Amount != "" {
			errs.Add("scale_basis", "Pilih dasar penggolongan: modal usaha atau hasil penjualan tahunan.")
		}
	case "modal", "penjualan":
		if v.Amount != "" {
			n, err := rupiah.Parse(v.Amount)
			if err != nil {
				errs.Add("amount", err.Error())
			} else {
				v.scale = Classify(v.ScaleBasis, n)
				if v.ScaleBasis == "modal" {
					v.capital = &n
				} else {
					v.annualSales = &n
				}
			}
		}
	default:
		errs.Add("scale_basis", "Pilih dasar penggolongan: modal usaha atau hasil penjualan tahunan.")
	}
	errs.Check("address", validate.MaxLen(v.Address, 300))
	if v.KecamatanCode != "" || v.NagariCode != "" {
		var ok bool
		err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM kecamatan WHERE code = $1)
			AND ($2 = '' OR EXISTS (SELECT 1 FROM nagari WHERE code = $2 AND kecamatan_code = $1))`, v.KecamatanCode, v.NagariCode).Scan(&ok)
		if err != nil {
			return v, postgres.Classify(err)
		}
		if !ok {
			errs.Add("nagari", "Pilih kecamatan dan nagari di Kabupaten Solok Selatan; nagari harus berada di kecamatan yang dipilih.")
		}
	}
	if v.Phone != "" {
		ph, err := validate.Phone(v.Phone)
		errs.Check("phone", err)
		v.Phone = ph
	}
	if v.Email != "" {
		e, err := validate.Email(v.Email)
		errs.Check("email", err)
		v.Email = e
	}
	errs.Check("bank_name", validate.MaxLen(v.BankName, 100))
	acct := strings.NewReplacer(" ", "", "-", "", ".", "").Replace(v.BankAccountNo)
	if acct != "" && (len(acct) < 5 || len(acct) > 20 || strings.Trim(acct, "0123456789") != "") {
		errs.Add("bank_account_no", "Nomor rekening berisi 5 sampai 20 angka.")
	}
	v.BankAccountNo = acct
	errs.Check("bank_account_name", validate.MaxLen(v.BankAccount, 120))
	errs.Check("products", validate.MaxLen(v.Products, 1000))
	return v, errs.Err()
}

func validLegalForm(s string) bool {
	for _, f := range LegalForms {
		if f.Code == s {
			return true
		}
	}
	return false
}

// identityChanged reports whether an edit touches what verification vouched for.
func identityChanged(old Supplier, v profileValues) bool {
	return old.Name != v.Name || old.NIB != v.NIB || old.NPWP != v.NPWP || old.PKP != v.PKP || old.Scale != v.scale ||
		old.BankAccountNo != v.BankAccountNo
}

// UpdateProfile saves a supplier's profile. Its own people and Koperindag
// staff may, except while it waits for verification or is suspended. A
// verified supplier that changes its identity, scale or bank account goes
// back to the verification queue.
func (s *Service) UpdateProfile(ctx context.Context, id int64, p Profile) (Supplier, error) {
	u := auth.UserFrom(ctx)
	if !CanEdit(u, id) {
		return Supplier{}, apperr.E(apperr.Forbidden, "Anda tidak berhak mengubah profil usaha ini.")
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		old, err := load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		switch old.Status {
		case StatusSubmitted:
			if !u.Has(auth.RoleKoperindag) {
				return apperr.E(apperr.Conflict, "Profil sedang diperiksa petugas Koperindag dan belum dapat diubah. Tunggu hasilnya.")
			}
		case StatusSuspended:
			return apperr.E(apperr.Conflict, "Usaha ini sedang dibekukan; profilnya tidak dapat diubah.")
		}
		v, err := p.validate(ctx, tx)
		if err != nil {
			return err
		}
		status := old.Status
		if old.Status == StatusVerified && identityChanged(old, v) {
			status = StatusSubmitted
		}
		_, err = tx.Exec(ctx, `UPDATE suppliers SET name = $2, owner_name = $3, legal_form = $4, nib = nullif($5, ''), npwp = nullif($6, ''),
			pkp = $7, pp55 = $8, scale = $9, scale_basis = $10, capital = $11, annual_sales = $12, address = $13,
			kecamatan_code = nullif($14, ''), nagari_code = nullif($15, ''), phone = nullif($16, ''), email = nullif($17, ''),
			bank_name = $18, bank_account_no = $19, bank_account_name = $20, products = $21, status = $22,
			submitted_at = CASE WHEN $22 = 'submitted' AND status <> 'submitted' THEN now() ELSE submitted_at END,
			version = version + 1, updated_at = now()
			WHERE id = $1`,
			id, v.Name, v.OwnerName, v.LegalForm, v.NIB, v.NPWP, v.PKP, v.PP55, string(v.scale), v.ScaleBasis, v.capital, v.annualSales,
			v.Address, v.KecamatanCode, v.NagariCode, v.Phone, v.Email, v.BankName, v.BankAccountNo, v.BankAccount, v.Products, string(status))
		if err != nil {
			return duplicate(err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "supplier.profile_update", Entity: "supplier", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"name": v.Name, "status": status, "identity_changed": status != old.Status}})
	})
	if err != nil {
		return Supplier{}, fmt.Errorf("supplier: update profile %d: %w", id, err)
	}
	return s.load(ctx, id)
}

// Missing lists, in words for the owner, what a supplier still lacks before it
// can be submitted for verification. haveDocs are the kinds of its current,
// not rejected, documents.
func Missing(sp Supplier, haveDocs map[string]bool) []string {
	var out []string
	need := func(ok bool, what string) {
		if !ok {
			out = append(out, what)
		}
	}
	need(sp.OwnerName != "", "nama pemilik")
	need(sp.LegalForm != "", "bentuk usaha")
	need(sp.NIB != "", "NIB")
	need(sp.NPWP != "", "NPWP")
	need(sp.Scale != "", "skala usaha (modal atau penjualan tahunan)")
	need(sp.Address != "" && sp.KecamatanCode != "" && sp.NagariCode != "", "alamat lengkap dengan kecamatan dan nagari")
	need(sp.Phone != "", "nomor HP")
	need(sp.BankName != "" && sp.BankAccountNo != "" && sp.BankAccountName != "", "rekening bank")
	need(sp.Products != "", "barang/jasa yang ditawarkan")
	for _, d := range []struct{ kind, label string }{{"ktp", "dokumen KTP pemilik"}, {"nib", "dokumen NIB"}, {"npwp", "dokumen NPWP"}, {"bank_book", "foto halaman buku tabungan"}} {
		need(haveDocs[d.kind], d.label)
	}
	if sp.PKP {
		need(haveDocs["pkp"], "surat pengukuhan PKP")
	} else {
		need(haveDocs["non_pkp"], "surat pernyataan non-PKP")
	}
	return out
}

// documentKinds returns the kinds of a supplier's current, not rejected documents.
func documentKinds(ctx context.Context, db postgres.DBTX, id int64) (map[string]bool, error) {
	rows, err := db.Query(ctx, `SELECT DISTINCT kind FROM supplier_documents WHERE supplier_id = $1 AND status IN ('pending', 'accepted')`, id)
	if err != nil {
		return nil, postgres.Classify(err)
	}
	kinds, err := pgx.CollectRows(rows, pgx.RowTo[string])
	out := map[string]bool{}
	for _, k := range kinds {
		out[k] = true
	}
	return out, err
}

// Completeness returns what supplier id still lacks before submission.
func (s *Service) Completeness(ctx context.Context, id int64) ([]string, error) {
	sp, err := s.Supplier(ctx, id)
	if err != nil {
		return nil, err
	}
	kinds, err := documentKinds(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	return Missing(sp, kinds), nil
}

// ErrIncomplete is returned by Submit when the profile or documents are not complete.
var ErrIncomplete = errors.New("supplier: incomplete")

// Submit sends a draft or returned supplier to Koperindag's verification
// queue once its profile and documents are complete.
func (s *Service) Submit(ctx context.Context, id int64) error {
	u := auth.UserFrom(ctx)
	if !CanEdit(u, id) {
		return apperr.E(apperr.Forbidden, "Anda tidak berhak mengajukan usaha ini.")
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		sp, err := load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if sp.Status != StatusDraft && sp.Status != StatusReturned {
			return apperr.E(apperr.Conflict, "Usaha ini sudah diajukan ("+sp.Status.Label()+").")
		}
		kinds, err := documentKinds(ctx, tx, id)
		if err != nil {
			return err
		}
		if missing := Missing(sp, kinds); len(missing) > 0 {
			return apperr.Wrap(apperr.Invalid, "Lengkapi dulu: "+strings.Join(missing, ", ")+".", ErrIncomplete)
		}
		if _, err := tx.Exec(ctx, `UPDATE suppliers SET status = 'submitted', submitted_at = now(), version = version + 1, updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "supplier.submit", Entity: "supplier", EntityID: strconv.FormatInt(id, 10)})
	})
	if err != nil {
		return fmt.Errorf("supplier: submit %d: %w", id, err)
	}
	return nil
}

// Decision is a reviewer's verdict on a supplier.
type Decision string

// Decisions Koperindag can take.
const (
	DecisionVerify    Decision = "verify"
	DecisionReturn    Decision = "return"
	DecisionSuspend   Decision = "suspend"
	DecisionReinstate Decision = "reinstate"
)

// Decide records a reviewer's decision on supplier id, taken on the version
// the reviewer saw: if another reviewer decided first (or the owner changed
// the profile), it returns Conflict and changes nothing. Returning and
// suspending need a reason; the supplier sees it.
func (s *Service) Decide(ctx context.Context, id int64, version int, d Decision, reason string) error {
	u := auth.UserFrom(ctx)
	if !CanReview(u) {
		return apperr.E(apperr.Forbidden, "Hanya petugas Koperindag dan admin yang dapat memverifikasi usaha.")
	}
	reason = strings.TrimSpace(reason)
	if (d == DecisionReturn || d == DecisionSuspend || d == DecisionReinstate) && reason == "" {
		return validate.Errors{"reason": "Tulis alasannya; pemilik usaha akan membacanya."}
	}
	if err := validate.MaxLen(reason, 2000); err != nil {
		return validate.Errors{"reason": err.Error()}
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		sp, err := load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if sp.Version != version {
			return apperr.E(apperr.Conflict, "Data usaha ini baru saja berubah (mungkin sudah diputuskan petugas lain). Muat ulang halaman dan periksa kembali.")
		}
		var q string
		switch d {
		case DecisionVerify:
			if sp.Status != StatusSubmitted {
				return apperr.E(apperr.Conflict, "Hanya usaha yang menunggu verifikasi yang dapat diverifikasi.")
			}
			if !sp.Scale.UMKM() {
				return apperr.E(apperr.Invalid, "Usaha ini tidak tergolong UMKM menurut PP 7/2021, jadi tidak dapat diverifikasi sebagai penyedia Lapak.")
			}
			kinds, err := documentKinds(ctx, tx, id)
			if err != nil {
				return err
			}
			if missing := Missing(sp, kinds); len(missing) > 0 {
				return apperr.E(apperr.Invalid, "Belum dapat diverifikasi; masih kurang: "+strings.Join(missing, ", ")+". Kembalikan ke pemilik dengan alasan tersebut.")
			}
			q = `UPDATE suppliers SET status = 'verified', verified_at = now(), verified_by = $2, review_note = $3 WHERE id = $1`
		case DecisionReturn:
			if sp.Status != StatusSubmitted {
				return apperr.E(apperr.Conflict, "Hanya usaha yang menunggu verifikasi yang dapat dikembalikan.")
			}
			q = `UPDATE suppliers SET status = 'returned', review_note = $3, verified_by = $2 WHERE id = $1`
		case DecisionSuspend:
			if sp.Status == StatusSuspended {
				return apperr.E(apperr.Conflict, "Usaha ini sudah dibekukan.")
			}
			q = `UPDATE suppliers SET status = 'suspended', suspended_reason = $3, verified_by = $2 WHERE id = $1`
		case DecisionReinstate:
			if sp.Status != StatusSuspended {
				return apperr.E(apperr.Conflict, "Hanya usaha yang dibekukan yang dapat dipulihkan.")
			}
			q = `UPDATE suppliers SET status = CASE WHEN verified_at IS NOT NULL THEN 'verified' ELSE 'draft' END,
				suspended_reason = '', review_note = $3, verified_by = $2 WHERE id = $1`
		default:
			return apperr.E(apperr.Invalid, "Keputusan tidak dikenal.")
		}
		var by *int64
		if !u.System && u.ID != 0 {
			by = &u.ID
		}
		if _, err := tx.Exec(ctx, q, id, by, reason); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE suppliers SET version = version + 1, updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "supplier." + string(d), Entity: "supplier", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"reason": reason, "from": sp.Status}})
	})
	if err != nil {
		return fmt.Errorf("supplier: decide %d: %w", id, err)
	}
	return nil
}

package invitation

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/postgres"
	"lapak/internal/registry"
	"lapak/internal/supplier"
	"lapak/internal/validate"
)

// Self-registrations allowed from one IP address per RegisterWindow.
const (
	RegisterWindow   = time.Hour
	MaxRegistrations = 5
)

// RegistrationInput is what a business that is not in the registry enters
// to register itself.
type RegistrationInput struct {
	BusinessName  string
	OwnerName     string
	Phone         string // required: most owners have no e-mail
	Email         string // optional
	KecamatanCode string
	NagariCode    string // optional; when given without KecamatanCode, its kecamatan is used
	Password      string
	Confirm       string
	IP            string
}

// AssistedInput is what Koperindag staff enter to register a business on
// its owner's behalf, in the field.
type AssistedInput struct {
	BusinessName    string
	OwnerName       string
	Phone           string
	Email           string
	KecamatanCode   string
	NagariCode      string
	RegistryEntryID int64 // optional: the registry entry this business is
}

// validateBusiness checks a business's name, owner and place.
func validateBusiness(ctx context.Context, db postgres.DBTX, errs validate.Errors, name, owner, kec, nag string) (string, string, error) {
	if n := len([]rune(strings.TrimSpace(name))); n < 2 || n > 200 {
		errs.Add("business_name", "Isi nama usaha (2 sampai 200 huruf).")
	}
	if n := len([]rune(strings.TrimSpace(owner))); n < 2 || n > 120 {
		errs.Add("owner_name", "Isi nama pemilik usaha (2 sampai 120 huruf).")
	}
	var kecOK bool
	var nagKec *string
	err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM kecamatan WHERE code = $1),
		(SELECT kecamatan_code FROM nagari WHERE code = $2)`, kec, nag).Scan(&kecOK, &nagKec)
	if err != nil {
		return "", "", postgres.Classify(err)
	}
	switch {
	case nag != "" && nagKec == nil:
		errs.Add("nagari", "Pilih nagari dari daftar.")
	case nag != "" && kec == "":
		kec, kecOK = *nagKec, true
	case nag != "" && *nagKec != kec:
		errs.Add("nagari", "Nagari ini tidak berada di kecamatan yang dipilih. Periksa kembali kecamatan dan nagari.")
	}
	switch {
	case kec == "":
		errs.Add("kecamatan", "Pilih kecamatan tempat usaha berada.")
	case !kecOK:
		errs.Add("kecamatan", "Pilih kecamatan dari daftar.")
	}
	return kec, nag, nil
}

// Register creates a draft supplier (origin "self") and its owner's account
// in one transaction, for a business that is not in the registry. Anyone may
// call it; at most MaxRegistrations per IP address per RegisterWindow
// (TooMany). A phone number or e-mail that already has an account is a field
// error telling the owner to sign in or reset the password.
func (s *Service) Register(ctx context.Context, in RegistrationInput) (Account, error) {
	errs := validate.Errors{}
	in.BusinessName, in.OwnerName = strings.TrimSpace(in.BusinessName), strings.TrimSpace(in.OwnerName)
	kec, nag, err := validateBusiness(ctx, s.db, errs, in.BusinessName, in.OwnerName, in.KecamatanCode, in.NagariCode)
	if err != nil {
		return Account{}, fmt.Errorf("invitation: register: %w", err)
	}
	in.KecamatanCode, in.NagariCode = kec, nag
	// The owner's name is the account's name too; its error is already on owner_name.
	owner := validate.Errors{}
	in.Phone, in.Email = validateOwner(owner, in.OwnerName, in.Phone, in.Email, in.Password, in.Confirm, true)
	for k, v := range owner {
		if k != "name" {
			errs.Add(k, v)
		}
	}
	if !errs.Has("phone") && !errs.Has("email") {
		if err := checkLoginFree(ctx, s.db, errs, in.Phone, in.Email); err != nil {
			return Account{}, fmt.Errorf("invitation: register: %w", err)
		}
	}
	if err := errs.Err(); err != nil {
		return Account{}, err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: in.OwnerName, IP: in.IP})
	var acc Account
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		// Registrations from one address take turns, so the count below holds.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('supplier.register:' || $1))", in.IP); err != nil {
			return err
		}
		var recent int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'supplier.register' AND ip = $1
			AND at > now() - $2::interval`, in.IP, RegisterWindow.String()).Scan(&recent); err != nil {
			return err
		}
		if recent >= MaxRegistrations {
			return apperr.E(apperr.TooMany, fmt.Sprintf("Dari jaringan Anda sudah ada %d pendaftaran usaha dalam satu jam terakhir. "+
				"Demi keamanan, coba lagi satu jam lagi, atau minta bantuan petugas Koperindag.", recent))
		}
		supplierID, err := supplier.InsertSupplier(ctx, tx, supplier.Input{Name: in.BusinessName, OwnerName: in.OwnerName,
			KecamatanCode: in.KecamatanCode, NagariCode: in.NagariCode, Phone: in.Phone, Email: in.Email,
			Status: supplier.StatusDraft, Origin: supplier.OriginSelf})
		if err != nil {
			return err
		}
		userID, err := insertOwner(ctx, tx, in.OwnerName, in.Phone, in.Email, in.Password, supplierID)
		if err != nil {
			return err
		}
		acc = Account{UserID: userID, SupplierID: supplierID, Name: in.OwnerName}
		if err := tx.QueryRow(ctx, "SELECT session_version FROM users WHERE id = $1", userID).Scan(&acc.SessionVersion); err != nil {
			return err
		}
		return audit.Record(asOwner(ctx, userID, in.OwnerName, in.IP), tx, audit.Entry{Action: "supplier.register", Entity: "supplier",
			EntityID: strconv.FormatInt(supplierID, 10), Details: map[string]any{"user_id": userID, "name": in.BusinessName}})
	})
	if err != nil {
		return Account{}, fmt.Errorf("invitation: register: %w", err)
	}
	return acc, nil
}

// AssistedRegister creates a draft supplier (origin "assisted") for a
// business whose owner Koperindag staff meet in the field, optionally tied to
// its registry entry, and an invitation for that supplier. The owner later
// activates the code to take the account over: Activate then creates only the
// account. Koperindag staff and admins may. The code is returned only here.
func (s *Service) AssistedRegister(ctx context.Context, in AssistedInput) (Issued, error) {
	actor, err := staff(ctx)
	if err != nil {
		return Issued{}, err
	}
	errs := validate.Errors{}
	in.BusinessName, in.OwnerName = strings.TrimSpace(in.BusinessName), strings.TrimSpace(in.OwnerName)
	kec, nag, err := validateBusiness(ctx, s.db, errs, in.BusinessName, in.OwnerName, in.KecamatanCode, in.NagariCode)
	if err != nil {
		return Issued{}, fmt.Errorf("invitation: assisted register: %w", err)
	}
	in.KecamatanCode, in.NagariCode = kec, nag
	if strings.TrimSpace(in.Phone) != "" {
		p, err := validate.Phone(in.Phone)
		errs.Check("phone", err)
		in.Phone = p
	} else {
		in.Phone = ""
	}
	if strings.TrimSpace(in.Email) != "" {
		e, err := validate.Email(in.Email)
		errs.Check("email", err)
		in.Email = e
	} else {
		in.Email = ""
	}
	if err := errs.Err(); err != nil {
		return Issued{}, err
	}
	var iss Issued
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		sp := supplier.Input{Name: in.BusinessName, OwnerName: in.OwnerName, KecamatanCode: in.KecamatanCode, NagariCode: in.NagariCode,
			Phone: in.Phone, Email: in.Email, Status: supplier.StatusDraft, Origin: supplier.OriginAssisted}
		address := ""
		if in.RegistryEntryID != 0 {
			var linked, nibTaken bool
			err := tx.QueryRow(ctx, `SELECT e.supplier_id IS NOT NULL, e.address, coalesce(e.nib, ''),
					e.nib IS NOT NULL AND EXISTS (SELECT 1 FROM suppliers s WHERE s.nib = e.nib)
				FROM registry_entries e WHERE e.id = $1 FOR UPDATE`, in.RegistryEntryID).Scan(&linked, &address, &sp.NIB, &nibTaken)
			if errors.Is(err, pgx.ErrNoRows) {
				return validate.Errors{"entry": "Data registri yang dipilih tidak ditemukan."}
			}
			if err != nil {
				return err
			}
			if linked {
				return validate.Errors{"entry": "Usaha dari data registri ini sudah terdaftar di Lapak."}
			}
			if nibTaken {
				sp.NIB = ""
			}
			// The entry's earlier codes stop working: this invitation replaces them.
			if _, err := tx.Exec(ctx, `UPDATE invitations SET revoked_at = now()
				WHERE registry_entry_id = $1 AND used_at IS NULL AND revoked_at IS NULL`, in.RegistryEntryID); err != nil {
				return err
			}
		}
		supplierID, err := supplier.InsertSupplier(ctx, tx, sp)
		if err != nil {
			return err
		}
		if in.RegistryEntryID != 0 {
			if err := registry.LinkSupplier(ctx, tx, in.RegistryEntryID, supplierID); err != nil {
				return err
			}
		}
		invitee := Invitee{EntryID: in.RegistryEntryID, SupplierID: supplierID, BusinessName: in.BusinessName, OwnerName: in.OwnerName,
			Address: address, Phone: in.Phone, Email: in.Email}
		if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT name FROM kecamatan WHERE code = $1), ''),
			coalesce((SELECT name FROM nagari WHERE code = $2), '')`, in.KecamatanCode, in.NagariCode).
			Scan(&invitee.KecamatanName, &invitee.NagariName); err != nil {
			return err
		}
		list, err := s.insert(ctx, tx, []Invitee{invitee}, creator(actor))
		if err != nil {
			return err
		}
		if _, err := s.sendMail(ctx, tx, list); err != nil {
			return err
		}
		iss = list[0]
		return audit.Record(ctx, tx, audit.Entry{Action: "supplier.register_assisted", Entity: "supplier",
			EntityID: strconv.FormatInt(supplierID, 10), Details: map[string]any{"name": in.BusinessName,
				"invitation_id": iss.ID, "registry_entry_id": in.RegistryEntryID}})
	})
	if err != nil {
		return Issued{}, fmt.Errorf("invitation: assisted register: %w", err)
	}
	return iss, nil
}

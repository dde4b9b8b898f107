// Package invitation brings UMKM from the dinas's registry into Lapak: it
// issues one-time activation codes (only their SHA-256 is kept), prints them
// as letters with a QR code, builds WhatsApp messages, and turns a code into
// a supplier and its owner's account (activation). It also owns
// self-registration by businesses that are not in the registry and assisted
// registration by Koperindag staff in the field.
//
// It owns the invitations table and reads registry_entries and suppliers;
// suppliers and accounts are created through supplier.InsertSupplier and
// auth.InsertUser, and entries are linked through registry.LinkSupplier.
// It knows nothing of HTTP or HTML.
package invitation

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
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
	"lapak/internal/mail"
	"lapak/internal/postgres"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// TTL is how long an activation code stays valid.
const TTL = 60 * 24 * time.Hour

// MaxBatch is the most registry entries invited at once.
const MaxBatch = 2000

// Service issues invitations and turns them into accounts.
type Service struct {
	db      *pgxpool.Pool
	baseURL string
	now     func() time.Time
}

// NewService returns a Service; baseURL prefixes activation links.
func NewService(db *pgxpool.Pool, baseURL string) *Service {
	return &Service{db: db, baseURL: strings.TrimRight(baseURL, "/"), now: time.Now}
}

// Invitee is who an invitation is for, as printed on the letter.
type Invitee struct {
	EntryID       int64 // the registry entry; 0 for an assisted registration without one
	SupplierID    int64 // the supplier an assisted registration created; 0 otherwise
	BusinessName  string
	OwnerName     string
	Address       string
	KecamatanName string
	NagariName    string
	Phone         string // +62...
	Email         string
}

// Issued is an invitation just issued. Its Code exists only here: the
// database keeps its hash, so the code cannot be shown again later.
type Issued struct {
	Invitee
	ID        int64
	Code      string // "ABCD-EFGH"
	URL       string // the activation link, with the code
	ExpiresAt time.Time
	Emailed   bool
}

// Skipped is a registry entry that was not invited, and why.
type Skipped struct {
	EntryID      int64
	BusinessName string
	Reason       string
}

// Batch is the result of one Issue.
type Batch struct {
	Issued  []Issued
	Skipped []Skipped
}

// codeAlphabet leaves out letters and digits that are easily confused (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// codeLen is the number of characters of a code, without its hyphen.
const codeLen = 8

// newCode returns a random code as "ABCD-EFGH", every character equally likely.
func newCode() (string, error) {
	// Bytes of 248 and above are dropped so that each of the 31 characters is
	// equally likely (248 = 8 × 31).
	out := make([]byte, 0, codeLen)
	buf := make([]byte, 16)
	for len(out) < codeLen {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if b < 248 && len(out) < codeLen {
				out = append(out, codeAlphabet[int(b)%len(codeAlphabet)])
			}
		}
	}
	return string(out[:4]) + "-" + string(out[4:]), nil
}

// normalizeCode keeps the code's characters, upper-cased, so that "abcd efgh"
// and "ABCD-EFGH" are the same code. Letters that could be mistyped for one
// another (O for 0, I or L for 1) are not in the alphabet and are dropped.
func normalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if strings.ContainsRune(codeAlphabet, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// codeHash is what the database keeps of a code.
func codeHash(code string) []byte {
	h := sha256.Sum256([]byte(normalizeCode(code)))
	return h[:]
}

// activationURL is the link printed on letters and sent in messages.
func (s *Service) activationURL(code string) string {
	return s.baseURL + "/activate?code=" + code
}

// staff returns the signed-in Koperindag officer or admin, else Forbidden.
func staff(ctx context.Context) (*auth.User, error) {
	u := auth.UserFrom(ctx)
	if u == nil {
		return nil, apperr.E(apperr.Unauthenticated, "")
	}
	if !u.Has(auth.RoleKoperindag, auth.RoleAdmin) {
		return nil, apperr.E(apperr.Forbidden, "Hanya petugas Koperindag dan admin yang dapat mengundang UMKM.")
	}
	return u, nil
}

// creator is the users.id recorded as who issued an invitation; nil for the system.
func creator(u *auth.User) *int64 {
	if u == nil || u.System || u.ID == 0 {
		return nil
	}
	return &u.ID
}

// Issue invites registry entries: one new code per entry, valid for TTL,
// replacing the entry's earlier open invitation. Entries already tied to a
// supplier, and unknown ids, are skipped and reported. An entry with an
// e-mail address is also sent its code by e-mail. Koperindag staff and admins
// may; at most MaxBatch entries at once. The codes are returned only here.
func (s *Service) Issue(ctx context.Context, entryIDs []int64) (Batch, error) {
	actor, err := staff(ctx)
	if err != nil {
		return Batch{}, err
	}
	ids := slices.Clone(entryIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	ids = slices.DeleteFunc(ids, func(id int64) bool { return id <= 0 })
	if len(ids) == 0 {
		return Batch{}, validate.Errors{"entry": "Pilih paling sedikit satu usaha untuk diundang."}
	}
	if len(ids) > MaxBatch {
		return Batch{}, validate.Errors{"entry": fmt.Sprintf("Paling banyak %s usaha dapat diundang sekaligus; Anda memilih %s. Persempit saringan, misalnya per kecamatan.",
			thousands(MaxBatch), thousands(len(ids)))}
	}
	var batch Batch
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		batch = Batch{}
		// Locking the entries makes concurrent invitations of one entry take
		// turns, so an entry never has two open invitations.
		rows, err := tx.Query(ctx, `SELECT e.id, e.business_name, e.owner_name, e.address, coalesce(k.name, ''), coalesce(n.name, ''),
				coalesce(e.phone, ''), coalesce(e.email, ''), e.supplier_id IS NOT NULL
			FROM registry_entries e
			LEFT JOIN kecamatan k ON k.code = e.kecamatan_code
			LEFT JOIN nagari n ON n.code = e.nagari_code
			WHERE e.id = ANY($1)
			ORDER BY k.name NULLS LAST, n.name NULLS LAST, e.business_name, e.id
			FOR UPDATE OF e`, ids)
		if err != nil {
			return err
		}
		found := map[int64]bool{}
		var invitees []Invitee
		var in Invitee
		var linked bool
		_, err = pgx.ForEachRow(rows, []any{&in.EntryID, &in.BusinessName, &in.OwnerName, &in.Address, &in.KecamatanName, &in.NagariName,
			&in.Phone, &in.Email, &linked}, func() error {
			found[in.EntryID] = true
			if linked {
				batch.Skipped = append(batch.Skipped, Skipped{EntryID: in.EntryID, BusinessName: in.BusinessName,
					Reason: "Usaha ini sudah terdaftar di Lapak; tidak perlu diundang lagi."})
				return nil
			}
			invitees = append(invitees, in)
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			if !found[id] {
				batch.Skipped = append(batch.Skipped, Skipped{EntryID: id, Reason: "Data registri ini tidak ditemukan."})
			}
		}
		if len(invitees) == 0 {
			return nil
		}
		invited := make([]int64, len(invitees))
		for i, in := range invitees {
			invited[i] = in.EntryID
		}
		if _, err := tx.Exec(ctx, `UPDATE invitations SET revoked_at = now()
			WHERE registry_entry_id = ANY($1) AND used_at IS NULL AND revoked_at IS NULL`, invited); err != nil {
			return err
		}
		batch.Issued, err = s.insert(ctx, tx, invitees, creator(actor))
		if err != nil {
			return err
		}
		emailed, err := s.sendMail(ctx, tx, batch.Issued)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "invitation.issue", Entity: "invitation", Details: map[string]any{
			"count": len(batch.Issued), "emailed": emailed, "skipped": len(batch.Skipped), "registry_entry_ids": invited}})
	})
	if err != nil {
		return Batch{}, fmt.Errorf("invitation: issue: %w", err)
	}
	return batch, nil
}

// insert creates an invitation with a fresh code for each invitee, in order.
func (s *Service) insert(ctx context.Context, tx pgx.Tx, invitees []Invitee, by *int64) ([]Issued, error) {
	expires := s.now().Add(TTL)
	out := make([]Issued, len(invitees))
	pending := make([]int, len(invitees))
	for i, in := range invitees {
		out[i] = Issued{Invitee: in, ExpiresAt: expires}
		pending[i] = i
	}
	// A new code may, very rarely, equal one issued before (code_hash is
	// unique): those invitees simply get another code in the next round.
	for round := 0; len(pending) > 0; round++ {
		if round == 5 {
			return nil, errors.New("invitation: no unique codes after 5 rounds")
		}
		entries := make([]*int64, len(pending))
		suppliers := make([]*int64, len(pending))
		hashes := make([][]byte, len(pending))
		byHash := make(map[string]int, len(pending))
		for j, i := range pending {
			code, err := newCode()
			if err != nil {
				return nil, err
			}
			out[i].Code = code
			out[i].URL = s.activationURL(code)
			if id := out[i].EntryID; id != 0 {
				entries[j] = &id
			}
			if id := out[i].SupplierID; id != 0 {
				suppliers[j] = &id
			}
			hashes[j] = codeHash(code)
			byHash[string(hashes[j])] = i
		}
		rows, err := tx.Query(ctx, `INSERT INTO invitations (registry_entry_id, supplier_id, code_hash, expires_at, created_by)
			SELECT u.entry, u.supplier, u.hash, $4, $5 FROM unnest($1::bigint[], $2::bigint[], $3::bytea[]) AS u(entry, supplier, hash)
			ON CONFLICT (code_hash) DO NOTHING
			RETURNING id, code_hash`, entries, suppliers, hashes, expires, by)
		if err != nil {
			return nil, err
		}
		var id int64
		var hash []byte
		_, err = pgx.ForEachRow(rows, []any{&id, &hash}, func() error {
			i := byHash[string(hash)]
			out[i].ID = id
			delete(byHash, string(hash))
			return nil
		})
		if err != nil {
			return nil, err
		}
		pending = pending[:0]
		for _, i := range byHash {
			pending = append(pending, i)
		}
	}
	return out, nil
}

// sendMail queues the invitation e-mail of every invitee with an address and
// returns how many were queued.
func (s *Service) sendMail(ctx context.Context, tx pgx.Tx, list []Issued) (int, error) {
	var ids []int64
	for i := range list {
		if list[i].Email == "" {
			continue
		}
		m := mail.Message{To: list[i].Email, Subject: "Undangan bergabung di Lapak, e-Marketplace Kabupaten Solok Selatan", Body: list[i].mailBody()}
		if err := mail.Enqueue(ctx, tx, m); err != nil {
			return 0, err
		}
		list[i].Emailed = true
		ids = append(ids, list[i].ID)
	}
	if len(ids) > 0 {
		if _, err := tx.Exec(ctx, "UPDATE invitations SET emailed = true WHERE id = ANY($1)", ids); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// Reprint returns the invitations behind codes that are still open (not used,
// revoked or expired), to print their letters again without issuing new
// codes; other codes are left out. Koperindag staff and admins may.
func (s *Service) Reprint(ctx context.Context, codes []string) ([]Issued, error) {
	if _, err := staff(ctx); err != nil {
		return nil, err
	}
	if len(codes) > MaxBatch {
		return nil, apperr.E(apperr.Invalid, fmt.Sprintf("Paling banyak %s surat sekaligus.", thousands(MaxBatch)))
	}
	var hashes [][]byte
	byHash := map[string]string{}
	for _, c := range codes {
		n := normalizeCode(c)
		if len(n) != codeLen {
			continue
		}
		h := codeHash(n)
		hashes = append(hashes, h)
		byHash[string(h)] = n[:4] + "-" + n[4:]
	}
	rows, err := s.db.Query(ctx, `SELECT i.id, i.code_hash, i.expires_at, i.emailed, coalesce(i.registry_entry_id, 0), coalesce(i.supplier_id, 0),
			coalesce(sp.name, e.business_name, ''), coalesce(nullif(sp.owner_name, ''), e.owner_name, ''),
			coalesce(nullif(sp.address, ''), e.address, ''), coalesce(k.name, ''), coalesce(n.name, ''),
			coalesce(sp.phone, e.phone, ''), coalesce(sp.email, e.email, '')
		FROM invitations i
		LEFT JOIN registry_entries e ON e.id = i.registry_entry_id
		LEFT JOIN suppliers sp ON sp.id = i.supplier_id
		LEFT JOIN kecamatan k ON k.code = coalesce(sp.kecamatan_code, e.kecamatan_code)
		LEFT JOIN nagari n ON n.code = coalesce(sp.nagari_code, e.nagari_code)
		WHERE i.code_hash = ANY($1) AND i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
		ORDER BY k.name NULLS LAST, n.name NULLS LAST, 7, i.id`, hashes)
	if err != nil {
		return nil, fmt.Errorf("invitation: reprint: %w", postgres.Classify(err))
	}
	var out []Issued
	var iss Issued
	var hash []byte
	_, err = pgx.ForEachRow(rows, []any{&iss.ID, &hash, &iss.ExpiresAt, &iss.Emailed, &iss.EntryID, &iss.SupplierID,
		&iss.BusinessName, &iss.OwnerName, &iss.Address, &iss.KecamatanName, &iss.NagariName, &iss.Phone, &iss.Email}, func() error {
		iss.Code = byHash[string(hash)]
		iss.URL = s.activationURL(iss.Code)
		out = append(out, iss)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("invitation: reprint: %w", postgres.Classify(err))
	}
	return out, nil
}

// thousands formats n with dots between thousands, as Indonesians write it.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// letterDate is t as a letter's date: "12 Mei 2026", in WIB.
func letterDate(t time.Time) string {
	t = t.In(wib.Location)
	return fmt.Sprintf("%d %s %d", t.Day(), wib.Month(t.Month()), t.Year())
}

// Package demo loads reference data (regions, OPDs, categories) from CSV files
// embedded in the binary, and seeds a demo regency with one account per role.
// It calls the domain packages; it owns no tables.
package demo

import (
	"context"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/auth"
	"lapak/internal/catalog"
	"lapak/internal/postgres"
	"lapak/internal/region"
	"lapak/internal/supplier"
)

//go:embed data/*.csv
var files embed.FS

// Password is the password of every demo account.
const Password = "Lapak-Demo-2026"

// Account is a demo sign-in to print at start.
type Account struct {
	Role  auth.Role
	Login string
	Name  string
}

// readCSV returns the rows of an embedded file as maps keyed by header.
func readCSV(name string) ([]map[string]string, error) {
	f, err := files.Open("data/" + name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("demo: %s: %w", name, err)
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("demo: %s: %w", name, err)
		}
		m := map[string]string{}
		for i, h := range header {
			if i < len(rec) {
				m[h] = strings.TrimSpace(rec[i])
			}
		}
		out = append(out, m)
	}
}

// SeedReference loads (or refreshes) kecamatan, nagari, OPDs and categories.
func SeedReference(ctx context.Context, db *pgxpool.Pool) error {
	regions, err := readCSV("kecamatan_nagari.csv")
	if err != nil {
		return err
	}
	opds, err := readCSV("opd.csv")
	if err != nil {
		return err
	}
	cats, err := readCSV("categories.csv")
	if err != nil {
		return err
	}
	return postgres.Tx(ctx, db, func(tx pgx.Tx) error {
		for _, r := range regions {
			if r["level"] == "kecamatan" {
				if err := region.UpsertKecamatan(ctx, tx, r["kode_kemendagri"], r["nama"], r["kode_bps_2018"]); err != nil {
					return fmt.Errorf("kecamatan %s: %w", r["nama"], err)
				}
			}
		}
		for _, r := range regions {
			if r["level"] == "nagari" {
				if err := region.UpsertNagari(ctx, tx, r["kode_kemendagri"], r["kode_kecamatan"], r["nama"], r["kode_bps_2018"]); err != nil {
					return fmt.Errorf("nagari %s: %w", r["nama"], err)
				}
			}
		}
		for _, r := range opds {
			kind, letter := opdKind(r["jenis"]), letterCode(r["singkatan"], r["nama_opd"], r["jenis"])
			_, err := tx.Exec(ctx, `INSERT INTO opds (code, name, short_name, kind, letter_code, address)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (code) DO NOTHING`, r["id"], r["nama_opd"], firstPart(r["singkatan"]), kind, letter, r["lokasi"])
			if err != nil {
				return fmt.Errorf("opd %s: %w", r["id"], err)
			}
		}
		for i, r := range cats {
			kind := "barang"
			name := r["kategori"]
			if strings.Contains(strings.ToLower(name), "sewa") || strings.Contains(strings.ToLower(name), "servis") || strings.Contains(strings.ToLower(name), "cetak") {
				kind = "jasa"
			}
			if strings.Contains(strings.ToLower(name), "makan") {
				kind = "campuran"
			}
			account := r["rekening_belanja_terkait"]
			if strings.HasPrefix(account, "(") {
				account = ""
			}
			c := catalog.Category{Code: strings.ReplaceAll(r["kode"], "KAT-", "KAT"), Name: name, Kind: kind, AccountCode: account}
			if err := catalog.UpsertCategory(ctx, tx, c, i); err != nil {
				return fmt.Errorf("category %s: %w", r["kode"], err)
			}
		}
		return nil
	})
}

func opdKind(jenis string) string {
	j := strings.ToLower(jenis)
	for _, k := range []string{"bagian", "sekretariat", "badan", "dinas", "satuan", "rumah sakit", "puskesmas", "kecamatan"} {
		if strings.HasPrefix(j, k) {
			return k
		}
	}
	return "lainnya"
}

func firstPart(s string) string {
	s, _, _ = strings.Cut(s, "/")
	return strings.TrimSpace(strings.Trim(s, `"`))
}

var nonAlnum = regexp.MustCompile(`[^A-Z0-9]+`)

// letterCode derives the code used in document numbers (e.g. DINKES) from an
// OPD's abbreviation, else from its name.
func letterCode(short, name, jenis string) string {
	up := func(s string) string { return nonAlnum.ReplaceAllString(strings.ToUpper(s), "") }
	code := up(firstPart(short))
	if code == "" {
		words := strings.Fields(name)
		switch opdKind(jenis) {
		case "puskesmas":
			code = "PKM." + up(strings.Join(words[1:], ""))
		case "kecamatan":
			code = "KEC." + up(strings.Join(words[1:], ""))
		default:
			for _, w := range words {
				if len(w) > 3 && strings.ToUpper(w[:1]) == w[:1] && w != "Kabupaten" && w != "Solok" && w != "Selatan" {
					code += w[:1]
				}
			}
		}
	}
	if len(code) > 20 {
		code = code[:20]
	}
	if len(code) < 2 {
		code = "OPD"
	}
	return code
}

// Seed loads reference data and, when the database has no accounts yet,
// creates a demo supplier and one account per role (password Password).
// It returns the demo accounts whether it created them now or earlier.
// Concurrent starts are serialised by an advisory lock.
func Seed(ctx context.Context, db *pgxpool.Pool, users *auth.Service) ([]Account, error) {
	conn, err := db.Acquire(ctx)
	if err != nil {
		return nil, postgres.Classify(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(727003)"); err != nil {
		return nil, err
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(727003)")

	if err := SeedReference(ctx, db); err != nil {
		return nil, fmt.Errorf("demo: reference data: %w", err)
	}
	accounts := []Account{
		{auth.RoleAdmin, "admin@lapak.test", "Rina Marlina"},
		{auth.RolePP, "pp@lapak.test", "Andi Saputra"},
		{auth.RolePPK, "ppk@lapak.test", "dr. Yusnita Harahap"},
		{auth.RoleTreasurer, "bendahara@lapak.test", "Fitri Handayani"},
		{auth.RoleSupplier, "081200000001", "Syafrizal (Kopi Sangir Jaya)"},
		{auth.RoleKoperindag, "koperindag@lapak.test", "Hendra Gunawan"},
		{auth.RoleAuditor, "auditor@lapak.test", "Sri Wahyuni"},
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return nil, postgres.Classify(err)
	}
	if n > 0 {
		return accounts, seedDemoCatalog(ctx, db)
	}
	sys := auth.SystemContext(ctx)
	var dinkes int64
	if err := db.QueryRow(ctx, "SELECT id FROM opds WHERE letter_code = 'DINKES'").Scan(&dinkes); err != nil {
		return nil, fmt.Errorf("demo: find Dinas Kesehatan: %w", err)
	}
	sp, err := supplier.NewService(db).CreateSupplier(sys, supplier.Input{
		Name: "Kopi Sangir Jaya", KecamatanCode: "13.11.01", NagariCode: "13.11.01.2001", Status: supplier.StatusVerified})
	if err != nil {
		return nil, fmt.Errorf("demo: supplier: %w", err)
	}
	for _, a := range accounts {
		in := auth.UserInput{Name: a.Name, Password: Password, Grants: []auth.Grant{{Role: a.Role}}}
		if strings.Contains(a.Login, "@") {
			in.Email = a.Login
		} else {
			in.Phone = a.Login
		}
		switch {
		case a.Role.NeedsOPD():
			in.Grants[0].OPDID = dinkes
			in.NIP = map[auth.Role]string{auth.RolePP: "198503152010011002", auth.RolePPK: "197908222005012003", auth.RoleTreasurer: "199001102015032001"}[a.Role]
		case a.Role == auth.RoleSupplier:
			in.Grants[0].SupplierID = sp.ID
		}
		if _, err := users.CreateUser(sys, in); err != nil {
			return nil, fmt.Errorf("demo: account %s: %w", a.Login, err)
		}
	}
	return accounts, seedDemoCatalog(ctx, db)
}

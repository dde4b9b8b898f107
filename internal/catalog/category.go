package catalog

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/postgres"
	"lapak/internal/validate"
)

// CategoryKinds lists the kinds a category may have, with their labels.
var CategoryKinds = []struct{ Code, Label string }{
	{"barang", "Barang"}, {"jasa", "Jasa"}, {"campuran", "Barang dan jasa"},
}

// CategoryInput is what an admin enters for a category.
type CategoryInput struct {
	Code, Name, Kind, AccountCode, ParentID, Position string
}

var categoryCode = regexp.MustCompile(`^[A-Z0-9-]{2,20}$`)

// CanManageCategories reports whether u may change the category tree: admins.
func CanManageCategories(u *auth.User) bool { return u.Has(auth.RoleAdmin) }

// CategoryList lists every category with the number of listings in it, for admins.
func (s *Service) CategoryList(ctx context.Context) ([]Category, error) {
	if !CanManageCategories(auth.UserFrom(ctx)) {
		return nil, apperr.E(apperr.Forbidden, "Hanya admin yang dapat mengelola kategori.")
	}
	rows, err := s.db.Query(ctx, `SELECT c.id, c.code, c.name, c.kind, c.account_code, coalesce(c.parent_id, 0), c.position,
		(SELECT count(*) FROM listings l WHERE l.category_id = c.id)::int
		FROM categories c ORDER BY c.position, c.name`)
	if err != nil {
		return nil, fmt.Errorf("catalog: category list: %w", postgres.Classify(err))
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Category])
}

// Category returns one category.
func (s *Service) Category(ctx context.Context, id int64) (Category, error) {
	rows, err := s.db.Query(ctx, `SELECT id, code, name, kind, account_code, coalesce(parent_id, 0), position, 0
		FROM categories WHERE id = $1`, id)
	if err != nil {
		return Category{}, postgres.Classify(err)
	}
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Category])
	if err != nil {
		return Category{}, postgres.NotFound(err, "Kategori tidak ditemukan.")
	}
	return c, nil
}

type categoryValues struct {
	code, name, kind, account string
	parent                    *int64
	position                  int
}

func (in CategoryInput) validate(ctx context.Context, db postgres.DBTX, self int64) (categoryValues, error) {
	v := categoryValues{code: strings.ToUpper(strings.TrimSpace(in.Code)), name: strings.TrimSpace(in.Name),
		kind: strings.TrimSpace(in.Kind), account: strings.TrimSpace(in.AccountCode)}
	errs := validate.Errors{}
	if !categoryCode.MatchString(v.code) {
		errs.Add("code", "Kode berisi 2–20 huruf besar, angka atau tanda minus, misalnya KAT19.")
	}
	if n := len([]rune(v.name)); n < 2 || n > 120 {
		errs.Add("name", "Nama kategori wajib diisi (2–120 huruf).")
	}
	okKind := false
	for _, k := range CategoryKinds {
		okKind = okKind || k.Code == v.kind
	}
	if !okKind {
		errs.Add("kind", "Pilih jenis kategori.")
	}
	errs.Check("account_code", validate.MaxLen(v.account, 200))
	if p := strings.TrimSpace(in.Position); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 10000 {
			errs.Add("position", "Urutan berupa angka 0 sampai 10.000.")
		}
		v.position = n
	}
	if p := strings.TrimSpace(in.ParentID); p != "" && p != "0" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id == self {
			errs.Add("parent_id", "Pilih induk kategori dari daftar (bukan kategori itu sendiri).")
		} else {
			// The parent must exist and must not sit under this category.
			var ok bool
			err := db.QueryRow(ctx, `WITH RECURSIVE up AS (
					SELECT id, parent_id FROM categories WHERE id = $1
					UNION SELECT c.id, c.parent_id FROM categories c JOIN up ON c.id = up.parent_id)
				SELECT EXISTS (SELECT 1 FROM up) AND NOT EXISTS (SELECT 1 FROM up WHERE id = $2)`, id, self).Scan(&ok)
			if err != nil {
				return v, postgres.Classify(err)
			}
			if !ok {
				errs.Add("parent_id", "Pilih induk kategori dari daftar (bukan kategori itu sendiri atau turunannya).")
			}
			v.parent = &id
		}
	}
	return v, errs.Err()
}

func duplicateCode(err error) error {
	if apperr.KindOf(err) == apperr.Conflict {
		return validate.Errors{"code": "Kode ini sudah dipakai kategori lain."}
	}
	if apperr.KindOf(err) == apperr.Invalid && strings.Contains(err.Error(), "categories_parent_id_name_key") {
		return validate.Errors{"name": "Nama ini sudah dipakai kategori lain dengan induk yang sama."}
	}
	return err
}

// CreateCategory adds a category. Admins may.
func (s *Service) CreateCategory(ctx context.Context, in CategoryInput) (Category, error) {
	if !CanManageCategories(auth.UserFrom(ctx)) {
		return Category{}, apperr.E(apperr.Forbidden, "Hanya admin yang dapat mengelola kategori.")
	}
	var id int64
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		v, err := in.validate(ctx, tx, 0)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO categories (code, name, kind, account_code, parent_id, position)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, v.code, v.name, v.kind, v.account, v.parent, v.position).Scan(&id)
		if err != nil {
			return duplicateCode(postgres.Classify(err))
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "category.create", Entity: "category", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"code": v.code, "name": v.name}})
	})
	if err != nil {
		return Category{}, fmt.Errorf("catalog: create category: %w", err)
	}
	s.forget()
	return s.Category(ctx, id)
}

// UpdateCategory changes a category. Admins may. Listings keep their
// category; their search words follow the new name.
func (s *Service) UpdateCategory(ctx context.Context, id int64, in CategoryInput) (Category, error) {
	if !CanManageCategories(auth.UserFrom(ctx)) {
		return Category{}, apperr.E(apperr.Forbidden, "Hanya admin yang dapat mengelola kategori.")
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		old, err := lockCategory(ctx, tx, id)
		if err != nil {
			return err
		}
		v, err := in.validate(ctx, tx, id)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE categories SET code = $2, name = $3, kind = $4, account_code = $5, parent_id = $6, position = $7
			WHERE id = $1`, id, v.code, v.name, v.kind, v.account, v.parent, v.position)
		if err != nil {
			return duplicateCode(postgres.Classify(err))
		}
		if old.Name != v.name {
			if err := refreshKeywords(ctx, tx, "l.category_id = $1", id); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "category.update", Entity: "category", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"code": v.code, "name": v.name, "old_name": old.Name}})
	})
	if err != nil {
		return Category{}, fmt.Errorf("catalog: update category %d: %w", id, err)
	}
	s.forget()
	return s.Category(ctx, id)
}

func lockCategory(ctx context.Context, tx pgx.Tx, id int64) (Category, error) {
	var c Category
	err := tx.QueryRow(ctx, `SELECT id, code, name FROM categories WHERE id = $1 FOR UPDATE`, id).Scan(&c.ID, &c.Code, &c.Name)
	if err != nil {
		return c, postgres.NotFound(err, "Kategori tidak ditemukan.")
	}
	return c, nil
}

package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/postgres"
	"lapak/internal/rupiah"
	"lapak/internal/supplier"
	"lapak/internal/validate"
)

// Kind says whether a listing is goods or a service.
type Kind string

// Kinds of listing.
const (
	KindGoods    Kind = "goods"
	KindServices Kind = "services"
)

// Label is the kind's name for users.
func (k Kind) Label() string {
	if k == KindServices {
		return "Jasa"
	}
	return "Barang"
}

// Status is where a listing stands.
type Status string

// Listing states.
const (
	StatusDraft     Status = "draft"     // being prepared; only its supplier sees it
	StatusPublished Status = "published" // in the catalog (while the supplier is verified)
	StatusHidden    Status = "hidden"    // taken out of the catalog by its supplier
	StatusTakenDown Status = "taken_down"
)

// Label is the status's name for users.
func (s Status) Label() string {
	switch s {
	case StatusDraft:
		return "Draf"
	case StatusPublished:
		return "Tayang"
	case StatusHidden:
		return "Disembunyikan"
	case StatusTakenDown:
		return "Diturunkan petugas"
	}
	return string(s)
}

// Origin is where a product comes from.
type Origin string

// Origins of products.
const (
	OriginLocal    Origin = "local"    // made in Kabupaten Solok Selatan
	OriginNational Origin = "national" // made elsewhere in Indonesia
	OriginImported Origin = "imported"
)

// Origins lists the origins in display order.
var Origins = []Origin{OriginLocal, OriginNational, OriginImported}

// Label is the origin's name for users.
func (o Origin) Label() string {
	switch o {
	case OriginLocal:
		return "Produk lokal Solok Selatan"
	case OriginNational:
		return "Produk dalam negeri"
	case OriginImported:
		return "Produk impor"
	}
	return string(o)
}

// MaxPhotos is how many photos a listing may have.
const MaxPhotos = 8

// Listing is something a supplier offers, with what buyers need to judge it.
type Listing struct {
	ID             int64
	SupplierID     int64
	SupplierName   string
	SupplierStatus supplier.Status
	SupplierScale  supplier.Scale
	SupplierPKP    bool
	SupplierKec    string // name of the supplier's kecamatan
	Kind           Kind
	Title          string
	Description    string
	CategoryID     int64
	CategoryName   string
	Unit           string
	Price          int64 // per unit, including PPN when the supplier is PKP
	MinOrder       int
	Stock          *int // goods
	DailyCapacity  *int // services
	LeadTimeDays   int
	Served         []string // kecamatan codes; empty means the whole regency
	ServedNames    []string
	Origin         Origin
	SSHItemID      int64 // 0 when not linked
	SSHCode        string
	SSHDescription string
	SSHCeiling     int64
	Status         Status
	TakedownReason string
	Version        int
	PublishedAt    *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Photos         []Photo
}

// Visible reports whether the public catalog shows l.
func (l Listing) Visible() bool {
	return l.Status == StatusPublished && l.SupplierStatus == supplier.StatusVerified
}

// AboveCeiling reports whether l is linked to an SSH item and priced above its ceiling.
func (l Listing) AboveCeiling() bool { return l.SSHItemID != 0 && l.Price > l.SSHCeiling }

// Tax splits l's price into the price before tax and PPN.
func (l Listing) Tax() TaxSplit { return SplitPrice(l.Price, l.SupplierPKP) }

// ServesAll reports whether l is offered in every kecamatan.
func (l Listing) ServesAll() bool { return len(l.Served) == 0 }

// ListingInput is what a supplier types into the listing form. Numbers are
// text as typed; prices are parsed with rupiah.Parse.
type ListingInput struct {
	Kind, Title, Description, CategoryID, Unit string
	Price, MinOrder, Stock, LeadTimeDays       string // Stock is the capacity per day for services
	ServedAll                                  bool
	Served                                     []string
	Origin                                     string
	SSHCode                                    string
}

// InputFrom returns the form values of an existing listing, for editing.
func InputFrom(l Listing) ListingInput {
	in := ListingInput{Kind: string(l.Kind), Title: l.Title, Description: l.Description, CategoryID: strconv.FormatInt(l.CategoryID, 10),
		Unit: l.Unit, Price: rupiah.FormatPlain(l.Price), MinOrder: strconv.Itoa(l.MinOrder), LeadTimeDays: strconv.Itoa(l.LeadTimeDays),
		ServedAll: len(l.Served) == 0, Served: l.Served, Origin: string(l.Origin), SSHCode: l.SSHCode}
	switch {
	case l.Kind == KindGoods && l.Stock != nil:
		in.Stock = strconv.Itoa(*l.Stock)
	case l.Kind == KindServices && l.DailyCapacity != nil:
		in.Stock = strconv.Itoa(*l.DailyCapacity)
	}
	return in
}

// Errors about listings that callers compare with errors.Is.
var (
	// ErrListingChanged means the listing was saved by someone else (or in
	// another tab) since the form was opened.
	ErrListingChanged = apperr.E(apperr.Conflict, "Produk ini sudah diubah di tab atau perangkat lain sejak Anda membukanya. "+
		"Isian Anda belum disimpan; periksa data terbaru di bawah, lalu simpan lagi bila isian Anda yang benar.")
	// ErrNotVerified means the supplier may prepare drafts but not publish.
	ErrNotVerified = apperr.E(apperr.Forbidden, "Produk baru dapat ditayangkan setelah usaha Anda diverifikasi Koperindag. "+
		"Sementara itu Anda dapat menyiapkan drafnya.")
	// ErrSupplierSuspended means the supplier is suspended and cannot publish.
	ErrSupplierSuspended = apperr.E(apperr.Forbidden, "Usaha Anda sedang dibekukan, sehingga produknya tidak dapat ditayangkan.")
)

type listingValues struct {
	kind               Kind
	title, description string
	categoryID         int64
	categoryName       string
	unit               string
	price              int64
	minOrder, leadTime int
	stock, capacity    *int
	served             []string
	origin             Origin
	sshID              *int64
	sshCeiling         *int64
	sshDescription     string
}

// parseCount reads a whole number as people type it ("1.000", "25 ").
func parseCount(s string, min, max int) (int, bool) {
	s = strings.NewReplacer(".", "", " ", "", "\u00a0", "").Replace(strings.TrimSpace(s))
	if s == "" || len(s) > 10 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, false
	}
	return n, true
}

// validate checks in and resolves its category, kecamatan and SSH item.
func (in ListingInput) validate(ctx context.Context, db postgres.DBTX) (listingValues, error) {
	errs := validate.Errors{}
	v := listingValues{kind: Kind(strings.TrimSpace(in.Kind)), title: strings.Join(strings.Fields(in.Title), " "),
		description: strings.TrimSpace(in.Description), unit: strings.Join(strings.Fields(in.Unit), " "), origin: Origin(in.Origin)}
	if v.kind != KindGoods && v.kind != KindServices {
		errs.Add("kind", "Pilih jenisnya: barang atau jasa.")
	}
	if n := utf8.RuneCountInString(v.title); n < 3 || n > 150 {
		errs.Add("title", "Nama produk wajib diisi, 3 sampai 150 huruf.")
	}
	if utf8.RuneCountInString(v.description) > 5000 {
		errs.Add("description", "Keterangan paling panjang 5.000 huruf.")
	}
	if n := utf8.RuneCountInString(v.unit); n < 1 || n > 40 {
		errs.Add("unit", "Satuan wajib diisi, misalnya rim, box, pcs, paket, orang/kali atau hari.")
	}
	if p, err := rupiah.Parse(in.Price); err != nil {
		errs.Add("price", err.Error())
	} else if p == 0 {
		errs.Add("price", "Harga harus lebih dari Rp0.")
	} else {
		v.price = p
	}
	if strings.TrimSpace(in.MinOrder) == "" {
		v.minOrder = 1
	} else if n, ok := parseCount(in.MinOrder, 1, 1_000_000); ok {
		v.minOrder = n
	} else {
		errs.Add("min_order", "Pesanan minimum berupa angka 1 sampai 1.000.000.")
	}
	if n, ok := parseCount(in.Stock, 0, 100_000_000); ok {
		if v.kind == KindServices {
			v.capacity = &n
		} else {
			v.stock = &n
		}
	} else if v.kind == KindServices {
		errs.Add("stock", "Isi kapasitas per hari dengan angka, misalnya 5.")
	} else {
		errs.Add("stock", "Isi stok yang tersedia dengan angka, 0 atau lebih.")
	}
	if n, ok := parseCount(in.LeadTimeDays, 0, 365); ok {
		v.leadTime = n
	} else {
		errs.Add("lead_time_days", "Lama pengiriman berupa angka hari, 0 sampai 365.")
	}
	if !slices.Contains(Origins, v.origin) {
		errs.Add("origin", "Pilih asal produk.")
	}
	if id, err := strconv.ParseInt(strings.TrimSpace(in.CategoryID), 10, 64); err != nil {
		errs.Add("category_id", "Pilih kategori.")
	} else if err := db.QueryRow(ctx, `SELECT id, name FROM categories WHERE id = $1`, id).Scan(&v.categoryID, &v.categoryName); err != nil {
		if !errors.Is(err, pgx.ErrNoRows) {
			return v, postgres.Classify(err)
		}
		errs.Add("category_id", "Pilih kategori.")
	}
	if !in.ServedAll {
		codes := slices.Compact(slices.Sorted(slices.Values(in.Served)))
		codes = slices.DeleteFunc(codes, func(c string) bool { return c == "" })
		if len(codes) == 0 {
			errs.Add("served", "Pilih kecamatan yang Anda layani, atau seluruh kabupaten.")
		} else {
			var n int
			if err := db.QueryRow(ctx, `SELECT count(*) FROM kecamatan WHERE code = ANY($1)`, codes).Scan(&n); err != nil {
				return v, postgres.Classify(err)
			}
			if n != len(codes) {
				errs.Add("served", "Pilih kecamatan dari daftar.")
			}
			var all int
			if err := db.QueryRow(ctx, `SELECT count(*) FROM kecamatan`).Scan(&all); err != nil {
				return v, postgres.Classify(err)
			}
			if n < all {
				v.served = codes
			}
		}
	}
	if code := strings.TrimSpace(in.SSHCode); code != "" {
		var id, ceiling int64
		err := db.QueryRow(ctx, `SELECT id, ceiling_price, description FROM ssh_items WHERE upper(code) = upper($1)`, code).Scan(&id, &ceiling, &v.sshDescription)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			errs.Add("ssh_code", "Kode SSH ini tidak ada di daftar SSH. Periksa kodenya, atau kosongkan.")
		case err != nil:
			return v, postgres.Classify(err)
		default:
			v.sshID, v.sshCeiling = &id, &ceiling
		}
	}
	if v.served == nil {
		v.served = []string{}
	}
	return v, errs.Err()
}

// keywords is what a listing is also found by: its category and SSH item.
func (v listingValues) keywords() string {
	k := v.categoryName
	if v.sshDescription != "" {
		k += " " + v.sshDescription
	}
	if r := []rune(k); len(r) > 600 {
		k = string(r[:600])
	}
	return k
}

// CanManage reports whether u may prepare, change and publish supplier
// id's listings: the supplier's own people.
func CanManage(u *auth.User, supplierID int64) bool { return supplier.Member(u, supplierID) }

// CanModerate reports whether u may take listings down: admins and Koperindag staff.
func CanModerate(u *auth.User) bool { return u.Has(auth.RoleAdmin, auth.RoleKoperindag) }

// canSeeAll reports whether u may open any listing, published or not.
func canSeeAll(u *auth.User) bool {
	return u.Has(auth.RoleAdmin, auth.RoleKoperindag, auth.RoleAuditor) || (u != nil && u.System)
}

const listingColumns = `l.id, l.supplier_id, s.name, s.status, s.scale, s.pkp, coalesce(k.name, ''),
	l.kind, l.title, l.description, l.category_id, c.name, l.unit, l.price, l.min_order, l.stock, l.daily_capacity,
	l.lead_time_days, l.served_kecamatan, ARRAY(SELECT kk.name FROM kecamatan kk WHERE kk.code = ANY(l.served_kecamatan) ORDER BY kk.code),
	l.origin, coalesce(l.ssh_item_id, 0), coalesce(si.code, ''), coalesce(si.description, ''), coalesce(l.ssh_ceiling, 0),
	l.status, l.takedown_reason, l.version, l.published_at, l.created_at, l.updated_at`

const listingFrom = ` FROM listings l JOIN suppliers s ON s.id = l.supplier_id JOIN categories c ON c.id = l.category_id
	LEFT JOIN kecamatan k ON k.code = s.kecamatan_code LEFT JOIN ssh_items si ON si.id = l.ssh_item_id`

func scanListing(row pgx.CollectableRow) (Listing, error) {
	var l Listing
	var sstatus, scale, kind, origin, status string
	err := row.Scan(&l.ID, &l.SupplierID, &l.SupplierName, &sstatus, &scale, &l.SupplierPKP, &l.SupplierKec,
		&kind, &l.Title, &l.Description, &l.CategoryID, &l.CategoryName, &l.Unit, &l.Price, &l.MinOrder, &l.Stock, &l.DailyCapacity,
		&l.LeadTimeDays, &l.Served, &l.ServedNames, &origin, &l.SSHItemID, &l.SSHCode, &l.SSHDescription, &l.SSHCeiling,
		&status, &l.TakedownReason, &l.Version, &l.PublishedAt, &l.CreatedAt, &l.UpdatedAt)
	l.SupplierStatus, l.SupplierScale, l.Kind, l.Origin, l.Status = supplier.Status(sstatus), supplier.Scale(scale), Kind(kind), Origin(origin), Status(status)
	return l, err
}

// loadListing reads a listing without a permission check; lock takes a row lock.
func loadListing(ctx context.Context, db postgres.DBTX, id int64, lock bool) (Listing, error) {
	q := "SELECT " + listingColumns + listingFrom + " WHERE l.id = $1"
	if lock {
		q += " FOR UPDATE OF l"
	}
	rows, err := db.Query(ctx, q, id)
	if err != nil {
		return Listing{}, postgres.Classify(err)
	}
	l, err := pgx.CollectExactlyOneRow(rows, scanListing)
	if err != nil {
		return Listing{}, postgres.NotFound(err, "Produk tidak ditemukan.")
	}
	return l, nil
}

// Listing returns one listing with its photos. Anyone may read a listing
// in the catalog; its supplier's people and staff may read it in any state.
// Others get NotFound, as if it did not exist.
func (s *Service) Listing(ctx context.Context, id int64) (Listing, error) {
	l, err := loadListing(ctx, s.db, id, false)
	if err != nil {
		return Listing{}, fmt.Errorf("catalog: listing %d: %w", id, err)
	}
	u := auth.UserFrom(ctx)
	if !l.Visible() && !CanManage(u, l.SupplierID) && !canSeeAll(u) {
		return Listing{}, apperr.E(apperr.NotFound, "Produk ini tidak ada atau sedang tidak ditayangkan.")
	}
	if l.Photos, err = photos(ctx, s.db, id); err != nil {
		return Listing{}, fmt.Errorf("catalog: listing %d photos: %w", id, err)
	}
	return l, nil
}

// ListingForEdit returns a listing for its supplier's people to change.
func (s *Service) ListingForEdit(ctx context.Context, id int64) (Listing, error) {
	l, err := loadListing(ctx, s.db, id, false)
	if err != nil {
		return Listing{}, fmt.Errorf("catalog: listing %d: %w", id, err)
	}
	if !CanManage(auth.UserFrom(ctx), l.SupplierID) {
		return Listing{}, apperr.E(apperr.Forbidden, "Anda hanya dapat mengubah produk usaha Anda sendiri.")
	}
	if l.Photos, err = photos(ctx, s.db, id); err != nil {
		return Listing{}, err
	}
	return l, nil
}

// SupplierListings lists every listing of supplier id, newest change first,
// for its own people.
func (s *Service) SupplierListings(ctx context.Context, supplierID int64) ([]Listing, error) {
	if !CanManage(auth.UserFrom(ctx), supplierID) {
		return nil, apperr.E(apperr.Forbidden, "Anda hanya dapat melihat produk usaha Anda sendiri.")
	}
	rows, err := s.db.Query(ctx, "SELECT "+listingColumns+listingFrom+" WHERE l.supplier_id = $1 ORDER BY l.updated_at DESC, l.id DESC LIMIT 2000", supplierID)
	if err != nil {
		return nil, fmt.Errorf("catalog: supplier listings: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, scanListing)
	if err != nil {
		return nil, fmt.Errorf("catalog: supplier listings: %w", postgres.Classify(err))
	}
	thumbs, err := coverThumbs(ctx, s.db, ids(list))
	if err != nil {
		return nil, err
	}
	for i := range list {
		if t, ok := thumbs[list[i].ID]; ok {
			list[i].Photos = []Photo{t}
		}
	}
	return list, nil
}

func ids(list []Listing) []int64 {
	out := make([]int64, len(list))
	for i, l := range list {
		out[i] = l.ID
	}
	return out
}

// CreateListing adds a draft listing for supplier supplierID. Its own people may.
func (s *Service) CreateListing(ctx context.Context, supplierID int64, in ListingInput) (Listing, error) {
	if !CanManage(auth.UserFrom(ctx), supplierID) {
		return Listing{}, apperr.E(apperr.Forbidden, "Anda hanya dapat menambah produk untuk usaha Anda sendiri.")
	}
	var id int64
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		v, err := in.validate(ctx, tx)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO listings (supplier_id, kind, title, description, category_id, unit, price, min_order,
				stock, daily_capacity, lead_time_days, served_kecamatan, origin, ssh_item_id, ssh_ceiling, keywords)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
			supplierID, string(v.kind), v.title, v.description, v.categoryID, v.unit, v.price, v.minOrder,
			v.stock, v.capacity, v.leadTime, v.served, string(v.origin), v.sshID, v.sshCeiling, v.keywords()).Scan(&id)
		if err != nil {
			return postgres.Classify(err)
		}
		if err := recordPrice(ctx, tx, id, v.price, "create"); err != nil {
			return err
		}
		if err := addSearchWords(ctx, tx, v.title+" "+v.keywords()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "listing.create", Entity: "listing", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"supplier_id": supplierID, "title": v.title, "price": v.price}})
	})
	if err != nil {
		return Listing{}, fmt.Errorf("catalog: create listing: %w", err)
	}
	return s.Listing(ctx, id)
}

// UpdateListing saves a supplier's edits to listing id, made on the given
// version of it: when the listing changed since, it returns ErrListingChanged
// and saves nothing. A price change is kept in the price history.
func (s *Service) UpdateListing(ctx context.Context, id int64, version int, in ListingInput) (Listing, error) {
	u := auth.UserFrom(ctx)
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		old, err := loadListing(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !CanManage(u, old.SupplierID) {
			return apperr.E(apperr.Forbidden, "Anda hanya dapat mengubah produk usaha Anda sendiri.")
		}
		v, err := in.validate(ctx, tx)
		if err != nil {
			return err
		}
		if old.Version != version {
			return ErrListingChanged
		}
		_, err = tx.Exec(ctx, `UPDATE listings SET kind = $2, title = $3, description = $4, category_id = $5, unit = $6, price = $7,
				min_order = $8, stock = $9, daily_capacity = $10, lead_time_days = $11, served_kecamatan = $12, origin = $13,
				ssh_item_id = $14, ssh_ceiling = $15, keywords = $16, version = version + 1, updated_at = now()
			WHERE id = $1`,
			id, string(v.kind), v.title, v.description, v.categoryID, v.unit, v.price, v.minOrder, v.stock, v.capacity,
			v.leadTime, v.served, string(v.origin), v.sshID, v.sshCeiling, v.keywords())
		if err != nil {
			return postgres.Classify(err)
		}
		if v.price != old.Price {
			if err := recordPrice(ctx, tx, id, v.price, "edit"); err != nil {
				return err
			}
		}
		if v.title != old.Title {
			if err := addSearchWords(ctx, tx, v.title); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "listing.update", Entity: "listing", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"title": v.title, "price": v.price, "old_price": old.Price}})
	})
	if err != nil {
		return Listing{}, fmt.Errorf("catalog: update listing %d: %w", id, err)
	}
	s.forget()
	return s.Listing(ctx, id)
}

// DuplicateListing copies listing id (without its photos) into a new draft
// of the same supplier. Its own people may.
func (s *Service) DuplicateListing(ctx context.Context, id int64) (Listing, error) {
	u := auth.UserFrom(ctx)
	var newID int64
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		old, err := loadListing(ctx, tx, id, false)
		if err != nil {
			return err
		}
		if !CanManage(u, old.SupplierID) {
			return apperr.E(apperr.Forbidden, "Anda hanya dapat menyalin produk usaha Anda sendiri.")
		}
		title := "Salinan " + old.Title
		if r := []rune(title); len(r) > 150 {
			title = string(r[:150])
		}
		err = tx.QueryRow(ctx, `INSERT INTO listings (supplier_id, kind, title, description, category_id, unit, price, min_order,
				stock, daily_capacity, lead_time_days, served_kecamatan, origin, ssh_item_id, ssh_ceiling, keywords)
			SELECT supplier_id, kind, $2, description, category_id, unit, price, min_order, stock, daily_capacity, lead_time_days,
				served_kecamatan, origin, ssh_item_id, ssh_ceiling, keywords FROM listings WHERE id = $1 RETURNING id`, id, title).Scan(&newID)
		if err != nil {
			return postgres.Classify(err)
		}
		if err := recordPrice(ctx, tx, newID, old.Price, "create"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "listing.duplicate", Entity: "listing", EntityID: strconv.FormatInt(newID, 10),
			Details: map[string]any{"from": id}})
	})
	if err != nil {
		return Listing{}, fmt.Errorf("catalog: duplicate listing %d: %w", id, err)
	}
	return s.Listing(ctx, newID)
}

// PublishListing puts listing id in the catalog. Its supplier's people may,
// once the supplier is verified (else ErrNotVerified); a listing taken down
// by staff stays down until staff restore it.
func (s *Service) PublishListing(ctx context.Context, id int64) error {
	u := auth.UserFrom(ctx)
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		l, err := loadListing(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !CanManage(u, l.SupplierID) {
			return apperr.E(apperr.Forbidden, "Anda hanya dapat menayangkan produk usaha Anda sendiri.")
		}
		// A share lock on the supplier: a suspension decided at the same
		// moment waits for this transaction, then hides the listing again.
		var status string
		if err := tx.QueryRow(ctx, `SELECT status FROM suppliers WHERE id = $1 FOR SHARE`, l.SupplierID).Scan(&status); err != nil {
			return postgres.Classify(err)
		}
		switch {
		case supplier.Status(status) == supplier.StatusSuspended:
			return ErrSupplierSuspended
		case supplier.Status(status) != supplier.StatusVerified:
			return ErrNotVerified
		case l.Status == StatusTakenDown:
			return apperr.E(apperr.Conflict, "Produk ini diturunkan petugas dengan alasan: "+l.TakedownReason+
				" Perbaiki produknya, lalu minta petugas Koperindag memulihkannya.")
		case l.Status == StatusPublished:
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE listings SET status = 'published', published_at = now(), version = version + 1, updated_at = now()
			WHERE id = $1`, id); err != nil {
			return postgres.Classify(err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "listing.publish", Entity: "listing", EntityID: strconv.FormatInt(id, 10)})
	})
	if err != nil {
		return fmt.Errorf("catalog: publish listing %d: %w", id, err)
	}
	s.forget()
	return nil
}

// HideListing takes a published listing out of the catalog. Its supplier's people may.
func (s *Service) HideListing(ctx context.Context, id int64) error {
	u := auth.UserFrom(ctx)
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		l, err := loadListing(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !CanManage(u, l.SupplierID) {
			return apperr.E(apperr.Forbidden, "Anda hanya dapat menyembunyikan produk usaha Anda sendiri.")
		}
		if l.Status != StatusPublished {
			return apperr.E(apperr.Conflict, "Hanya produk yang sedang tayang yang dapat disembunyikan.")
		}
		if _, err := tx.Exec(ctx, `UPDATE listings SET status = 'hidden', version = version + 1, updated_at = now() WHERE id = $1`, id); err != nil {
			return postgres.Classify(err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "listing.hide", Entity: "listing", EntityID: strconv.FormatInt(id, 10)})
	})
	if err != nil {
		return fmt.Errorf("catalog: hide listing %d: %w", id, err)
	}
	s.forget()
	return nil
}

// TakeDown removes listing id from the catalog with a reason that its
// supplier sees. Admins and Koperindag staff may.
func (s *Service) TakeDown(ctx context.Context, id int64, reason string) error {
	u := auth.UserFrom(ctx)
	if !CanModerate(u) {
		return apperr.E(apperr.Forbidden, "Hanya admin dan petugas Koperindag yang dapat menurunkan produk.")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return validate.Errors{"reason": "Tulis alasan penurunan; penyedia akan membacanya."}
	}
	if utf8.RuneCountInString(reason) > 1000 {
		return validate.Errors{"reason": "Alasan paling panjang 1.000 huruf."}
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		l, err := loadListing(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if l.Status == StatusTakenDown {
			return apperr.E(apperr.Conflict, "Produk ini sudah diturunkan.")
		}
		var by *int64
		if u.ID != 0 && !u.System {
			by = &u.ID
		}
		if _, err := tx.Exec(ctx, `UPDATE listings SET status = 'taken_down', takedown_reason = $2, taken_down_by = $3,
			taken_down_at = now(), version = version + 1, updated_at = now() WHERE id = $1`, id, reason, by); err != nil {
			return postgres.Classify(err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "listing.take_down", Entity: "listing", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"reason": reason, "from": l.Status, "supplier_id": l.SupplierID}})
	})
	if err != nil {
		return fmt.Errorf("catalog: take down listing %d: %w", id, err)
	}
	s.forget()
	return nil
}

// RestoreListing lets the supplier publish a listing that was taken down
// again: it becomes hidden, without the reason. Admins and Koperindag staff may.
func (s *Service) RestoreListing(ctx context.Context, id int64) error {
	if !CanModerate(auth.UserFrom(ctx)) {
		return apperr.E(apperr.Forbidden, "Hanya admin dan petugas Koperindag yang dapat memulihkan produk.")
	}
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		l, err := loadListing(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if l.Status != StatusTakenDown {
			return apperr.E(apperr.Conflict, "Produk ini tidak sedang diturunkan.")
		}
		if _, err := tx.Exec(ctx, `UPDATE listings SET status = 'hidden', takedown_reason = '', version = version + 1, updated_at = now()
			WHERE id = $1`, id); err != nil {
			return postgres.Classify(err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "listing.restore", Entity: "listing", EntityID: strconv.FormatInt(id, 10)})
	})
	if err != nil {
		return fmt.Errorf("catalog: restore listing %d: %w", id, err)
	}
	return nil
}

// TakenDown lists listings taken down by staff, newest first, for admins and Koperindag staff.
func (s *Service) TakenDown(ctx context.Context) ([]Listing, error) {
	if !CanModerate(auth.UserFrom(ctx)) {
		return nil, apperr.E(apperr.Forbidden, "Hanya admin dan petugas Koperindag yang dapat melihat daftar ini.")
	}
	rows, err := s.db.Query(ctx, "SELECT "+listingColumns+listingFrom+" WHERE l.status = 'taken_down' ORDER BY l.taken_down_at DESC LIMIT 500")
	if err != nil {
		return nil, fmt.Errorf("catalog: taken down: %w", postgres.Classify(err))
	}
	return pgx.CollectRows(rows, scanListing)
}

// PricePoint is one entry of a listing's price history.
type PricePoint struct {
	Price     int64
	Source    string // create, edit or bulk
	ChangedAt time.Time
}

// PriceHistory returns listing id's prices, oldest first. Whoever may read the listing may.
func (s *Service) PriceHistory(ctx context.Context, id int64) ([]PricePoint, error) {
	if _, err := s.Listing(ctx, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT price, source, changed_at FROM listing_prices WHERE listing_id = $1 ORDER BY changed_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("catalog: price history: %w", postgres.Classify(err))
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[PricePoint])
}

func recordPrice(ctx context.Context, db postgres.DBTX, id, price int64, source string) error {
	var by *int64
	if a := audit.ActorFrom(ctx); a.ID != 0 {
		by = &a.ID
	}
	_, err := db.Exec(ctx, `INSERT INTO listing_prices (listing_id, price, source, changed_by) VALUES ($1, $2, $3, $4)`, id, price, source, by)
	return postgres.Classify(err)
}

// addSearchWords records the words of text for "did you mean".
func addSearchWords(ctx context.Context, db postgres.DBTX, text string) error {
	var words []string
	for _, w := range Normalize(text) {
		if len(w) >= 3 && len(w) <= 40 && !stopwords[w] && strings.Trim(w, "0123456789") != "" {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return nil
	}
	slices.Sort(words)
	_, err := db.Exec(ctx, `INSERT INTO search_words (word, stem)
		SELECT w, coalesce((ts_lexize('lapak_stem', w))[1], w) FROM unnest($1::text[]) AS w
		ON CONFLICT (word) DO UPDATE SET uses = search_words.uses + 1`, slices.Compact(words))
	return postgres.Classify(err)
}

// RebuildSearchWords recomputes the "did you mean" words from every listing
// title and category: after loading listings in bulk.
func RebuildSearchWords(ctx context.Context, db postgres.DBTX) error {
	_, err := db.Exec(ctx, `DELETE FROM search_words;
		INSERT INTO search_words (word, stem, uses)
		SELECT w, coalesce((ts_lexize('lapak_stem', w))[1], w), count(*)
		FROM listings l, regexp_split_to_table(catalog_normalize(l.title || ' ' || l.keywords), ' ') AS w
		WHERE length(w) BETWEEN 3 AND 40 AND w ~ '[a-z]' AND NOT w = ANY (catalog_stopwords())
		GROUP BY w`)
	return postgres.Classify(err)
}

// refreshKeywords recomputes the search keywords of the listings matching where.
func refreshKeywords(ctx context.Context, db postgres.DBTX, where string, args ...any) error {
	_, err := db.Exec(ctx, `UPDATE listings l SET keywords = left((SELECT c.name FROM categories c WHERE c.id = l.category_id) ||
		coalesce(' ' || (SELECT si.description FROM ssh_items si WHERE si.id = l.ssh_item_id), ''), 600) WHERE `+where, args...)
	return postgres.Classify(err)
}

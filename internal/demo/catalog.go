package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/blob"
	"lapak/internal/catalog"
	"lapak/internal/postgres"
)

// CatalogOptions say how much catalog SeedCatalog generates.
type CatalogOptions struct {
	Suppliers int     // verified suppliers to add
	Listings  int     // published listings to add, spread over the new suppliers
	Photos    float64 // share of listings with a (generated) photo, 0 to 1
	History   bool    // write a price history row per listing
	Seed      uint64  // random seed; the same seed gives the same catalog
	// BulkLoad skips triggers and foreign-key checks while copying
	// (session_replication_role = replica; superuser only). Benchmarks use
	// it; the rows it writes are consistent by construction.
	BulkLoad bool
	Progress io.Writer // progress lines, or nil
}

// CatalogStats says what SeedCatalog wrote.
type CatalogStats struct {
	Suppliers int
	Listings  int
	Photos    int
	SSHItems  int
	Took      time.Duration
}

// product is a template listings are drawn from.
type product struct {
	title, spec, unit string
	kind              catalog.Kind
	category          string // category name, as in categories.csv
	price             int64  // reference price
	sshCode           string
	origin            catalog.Origin
}

// demoLegalBasis marks the sample SSH list for what it is.
const demoLegalBasis = "Contoh: standar biaya Politeknik Negeri Semarang 2017–2019 (bukan SSH Solok Selatan)"

// services that the SSH sample lacks, with plausible prices in Padang Aro.
var extraProducts = []product{
	{title: "Servis ringan mobil dinas", unit: "kali", kind: catalog.KindServices, category: "Perawatan & servis kendaraan dinas", price: 350000},
	{title: "Ganti oli mesin dan filter oli mobil", unit: "kali", kind: catalog.KindServices, category: "Perawatan & servis kendaraan dinas", price: 550000},
	{title: "Servis sepeda motor dinas lengkap", unit: "kali", kind: catalog.KindServices, category: "Perawatan & servis kendaraan dinas", price: 150000},
	{title: "Ganti ban mobil ring 15", unit: "buah", kind: catalog.KindGoods, category: "Perawatan & servis kendaraan dinas", price: 950000},
	{title: "Cuci mobil dinas dan vakum interior", unit: "kali", kind: catalog.KindServices, category: "Perawatan & servis kendaraan dinas", price: 75000},
	{title: "Sewa tenda 4 x 6 meter", unit: "unit/hari", kind: catalog.KindServices, category: "Sewa tenda, sound system & dekorasi acara", price: 450000},
	{title: "Sewa tenda kerucut 5 x 5 meter", unit: "unit/hari", kind: catalog.KindServices, category: "Sewa tenda, sound system & dekorasi acara", price: 600000},
	{title: "Sewa sound system 1000 watt dengan operator", unit: "paket/hari", kind: catalog.KindServices, category: "Sewa tenda, sound system & dekorasi acara", price: 1200000},
	{title: "Sewa kursi lipat bersarung", unit: "buah/hari", kind: catalog.KindServices, category: "Sewa tenda, sound system & dekorasi acara", price: 7500},
	{title: "Dekorasi panggung acara resmi", unit: "paket", kind: catalog.KindServices, category: "Sewa tenda, sound system & dekorasi acara", price: 2500000},
	{title: "Nasi kotak rapat lauk ayam bakar", unit: "orang/kali", kind: catalog.KindServices, category: "Makan & minum (mamin) rapat/kegiatan", price: 30000},
	{title: "Snack rapat tiga macam kue", unit: "orang/kali", kind: catalog.KindServices, category: "Makan & minum (mamin) rapat/kegiatan", price: 15000},
	{title: "Prasmanan rendang dan gulai untuk tamu", unit: "orang/kali", kind: catalog.KindServices, category: "Makan & minum (mamin) rapat/kegiatan", price: 55000},
	{title: "Cetak spanduk banner flexi", unit: "meter persegi", kind: catalog.KindServices, category: "Cetak, penggandaan, dokumentasi & publikasi", price: 35000},
	{title: "Dokumentasi foto dan video kegiatan", unit: "paket", kind: catalog.KindServices, category: "Cetak, penggandaan, dokumentasi & publikasi", price: 1500000},
	{title: "Songket tenun motif Minang", unit: "helai", kind: catalog.KindGoods, category: "Kerajinan & suvenir lokal", price: 850000, origin: catalog.OriginLocal},
}

var variants = []string{"", "", " Grosir", " Premium", " Ekonomis", " Original", " Isi Ulang", " Paket Hemat"}

var supplierWords = struct{ prefix, first, second []string }{
	prefix: []string{"Toko", "CV", "UD", "Koperasi", "Usaha", "Warung", "Kedai", "Bengkel", "Percetakan", "Katering"},
	first:  []string{"Sangir", "Pagu", "Muara Labuh", "Padang Aro", "Lubuk Gadang", "Sako", "Pasia Talang", "Liki", "Bangko", "Talunan", "Sungai Lambai", "Kapalo Koto", "Alam Pauh Duo", "Lubuk Malako"},
	second: []string{"Jaya", "Makmur", "Sejahtera", "Berkah", "Mandiri", "Sakato", "Saiyo", "Bersama", "Abadi", "Lestari", "Sentosa", "Barokah", "Maju", "Mulia"},
}

var ownerNames = []string{"Syafrizal", "Yusmaneli", "Rahmat Hidayat", "Nofriyanti", "Dedi Kurniawan", "Elfi Susanti", "Hendri Putra",
	"Rosmaini", "Zulkifli", "Desi Ratnasari", "Afrizal", "Marlinda", "Irwan Saputra", "Yuliani", "Budi Santoso", "Fitriani"}

// catalogProducts reads the product templates: the SSH sample, the local
// products list, and a few services.
func catalogProducts() ([]product, error) {
	ssh, err := readCSV("ssh_items.csv")
	if err != nil {
		return nil, err
	}
	var out []product
	for _, r := range ssh {
		price, err := strconv.ParseInt(r["harga_rp"], 10, 64)
		if err != nil || price <= 0 {
			continue
		}
		unit := r["satuan"]
		if strings.HasPrefix(unit, "(") {
			unit = "buah"
		}
		kind := catalog.KindGoods
		if strings.Contains(unit, "/") || unit == "hari" || strings.Contains(strings.ToLower(r["uraian"]), "sewa") {
			kind = catalog.KindServices
		}
		out = append(out, product{title: r["uraian"], spec: r["spesifikasi_merk"], unit: unit, kind: kind,
			category: r["kategori_marketplace_usulan"], price: price, sshCode: r["kode_sumber"], origin: catalog.OriginNational})
	}
	local, err := readCSV("local_products.csv")
	if err != nil {
		return nil, err
	}
	for _, r := range local {
		if !strings.Contains(r["jenis"], "komoditas") && !strings.Contains(r["jenis"], "produk") && !strings.Contains(r["jenis"], "usaha (UMKM)") &&
			!strings.Contains(r["jenis"], "kerajinan") {
			continue
		}
		title := strings.TrimSpace(strings.Split(r["nama"], "(")[0])
		title = strings.Trim(title, `" `)
		cat, unit, price := "Produk lokal pangan (kopi, teh, olahan durian, kerupuk)", "kg", int64(60000)
		switch {
		case strings.Contains(r["jenis"], "kerajinan") || strings.Contains(r["kategori"], "tanaman"):
			cat, unit, price = "Kerajinan & suvenir lokal", "buah", 150000
		case strings.Contains(r["kategori"], "makanan"):
			unit, price = "bungkus", 15000
		case strings.Contains(r["kategori"], "kopi"):
			unit, price = "kg", 120000
		case strings.Contains(r["kategori"], "teh"):
			unit, price = "kg", 90000
		case strings.Contains(r["kategori"], "rempah"):
			unit, price = "kg", 25000
		case strings.Contains(r["kategori"], "perikanan"):
			unit, price = "ekor", 1500
		}
		if m := priceInText.FindStringSubmatch(r["harga_referensi"]); m != nil {
			if p, err := strconv.ParseInt(strings.ReplaceAll(m[1], ".", ""), 10, 64); err == nil && p >= 1000 {
				price = p * 3 / 2 // an old farm-gate price; what a buyer pays now is higher
			}
		}
		out = append(out, product{title: title, unit: unit, kind: catalog.KindGoods, category: cat, price: price, origin: catalog.OriginLocal})
	}
	return append(out, extraProducts...), nil
}

var priceInText = regexp.MustCompile(`Rp\s?([0-9][0-9.]*)`)

// SeedCatalog adds verified suppliers with published listings drawn from
// the SSH sample, the local products list and the categories, for demos and
// benchmarks. It loads the SSH sample into ssh_items first (once), and
// rebuilds the "did you mean" words afterwards. It writes through COPY, not
// through the services: it is data loading, not use.
func SeedCatalog(ctx context.Context, db *pgxpool.Pool, opt CatalogOptions) (CatalogStats, error) {
	start := time.Now()
	var st CatalogStats
	if opt.Suppliers <= 0 || opt.Listings < 0 {
		return st, fmt.Errorf("demo: seed catalog: need at least one supplier")
	}
	progress := func(format string, args ...any) {
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, format+"\n", args...)
		}
	}
	products, err := catalogProducts()
	if err != nil {
		return st, err
	}
	categories := map[string]int64{}
	rows, err := db.Query(ctx, `SELECT name, id FROM categories`)
	if err != nil {
		return st, postgres.Classify(err)
	}
	for rows.Next() {
		var name string
		var id int64
		if err := rows.Scan(&name, &id); err != nil {
			rows.Close()
			return st, err
		}
		categories[name] = id
	}
	rows.Close()
	if len(categories) == 0 {
		return st, fmt.Errorf("demo: seed catalog: no categories (run 'lapak seed reference' first)")
	}
	// The SSH sample becomes the SSH list, so listings can link to it.
	sshIDs := map[string]int64{}
	sshRows, err := readCSV("ssh_items.csv")
	if err != nil {
		return st, err
	}
	err = postgres.Tx(ctx, db, func(tx pgx.Tx) error {
		for _, r := range sshRows {
			price, err := strconv.ParseInt(r["harga_rp"], 10, 64)
			if err != nil || price <= 0 {
				continue
			}
			unit := r["satuan"]
			if strings.HasPrefix(unit, "(") {
				unit = "buah"
			}
			year := 2018
			if m := regexp.MustCompile(`20[0-9]{2}`).FindString(r["tahun_perkiraan"]); m != "" {
				year, _ = strconv.Atoi(m)
			}
			// Ceilings are the 2018 prices raised to today's level.
			id, err := catalog.InsertSSHItem(ctx, tx, catalog.SSHItem{Code: r["kode_sumber"], Description: r["uraian"], Specification: r["spesifikasi_merk"],
				Unit: unit, Ceiling: roundPrice(price * 14 / 10), Year: year, LegalBasis: demoLegalBasis})
			if err != nil {
				return fmt.Errorf("ssh %s: %w", r["kode_sumber"], err)
			}
			sshIDs[r["kode_sumber"]] = id
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("demo: seed ssh: %w", err)
	}
	st.SSHItems = len(sshIDs)
	var kecamatan []string
	nagari := map[string][]string{}
	rows, err = db.Query(ctx, `SELECT k.code, coalesce(n.code, '') FROM kecamatan k LEFT JOIN nagari n ON n.kecamatan_code = k.code ORDER BY 1, 2`)
	if err != nil {
		return st, postgres.Classify(err)
	}
	for rows.Next() {
		var k, n string
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return st, err
		}
		if len(kecamatan) == 0 || kecamatan[len(kecamatan)-1] != k {
			kecamatan = append(kecamatan, k)
		}
		if n != "" {
			nagari[k] = append(nagari[k], n)
		}
	}
	rows.Close()
	if len(kecamatan) == 0 {
		return st, fmt.Errorf("demo: seed catalog: no kecamatan (run 'lapak seed reference' first)")
	}

	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x5eed))
	// Suppliers.
	type sup struct {
		id    int64
		scale string
		kec   string
	}
	sups := make([]sup, opt.Suppliers)
	var firstID int64
	err = postgres.Tx(ctx, db, func(tx pgx.Tx) error {
		if opt.BulkLoad {
			if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
				return err
			}
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM suppliers`).Scan(&firstID); err != nil {
			return err
		}
		src := make([][]any, opt.Suppliers)
		for i := range src {
			kec := kecamatan[rng.IntN(len(kecamatan))]
			var nag any
			if ns := nagari[kec]; len(ns) > 0 {
				nag = ns[rng.IntN(len(ns))]
			}
			scale, capital := "mikro", int64(50_000_000+rng.IntN(900_000_000))
			switch x := rng.IntN(100); {
			case x >= 95:
				scale, capital = "menengah", int64(5_500_000_000+rng.IntN(4_000_000_000))
			case x >= 70:
				scale, capital = "kecil", int64(1_200_000_000+rng.IntN(3_500_000_000))
			}
			w := supplierWords
			name := w.prefix[rng.IntN(len(w.prefix))] + " " + w.first[rng.IntN(len(w.first))] + " " + w.second[rng.IntN(len(w.second))]
			owner := ownerNames[rng.IntN(len(ownerNames))]
			sups[i] = sup{scale: scale, kec: kec}
			src[i] = []any{name, owner, kec, nag, "verified", scale, "modal", capital, rng.IntN(5) == 0, "Jl. Raya " + name[strings.IndexByte(name, ' ')+1:],
				"demo", time.Now().Add(-time.Duration(rng.IntN(300*24)) * time.Hour), "Barang dan jasa untuk kebutuhan kantor pemerintah."}
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"suppliers"}, []string{"name", "owner_name", "kecamatan_code", "nagari_code", "status", "scale",
			"scale_basis", "capital", "pkp", "address", "origin", "verified_at", "products"}, pgx.CopyFromRows(src))
		if err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id FROM suppliers WHERE id > $1 ORDER BY id`, firstID)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if len(ids) != len(sups) {
			return fmt.Errorf("expected %d new suppliers, found %d", len(sups), len(ids))
		}
		for i := range sups {
			sups[i].id = ids[i]
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("demo: seed suppliers: %w", postgres.Classify(err))
	}
	st.Suppliers = len(sups)
	progress("  %d suppliers", len(sups))

	// Listings, copied in parallel chunks.
	catName := map[int64]string{}
	for name, id := range categories {
		catName[id] = name
	}
	sshDesc := map[string]string{}
	for _, r := range sshRows {
		sshDesc[r["kode_sumber"]] = r["uraian"]
	}
	// Listing ids are reserved up front, so that photos can name their
	// listings; the table lock keeps concurrent inserts out of the range.
	var base int64
	err = postgres.Tx(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE listings IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('listings', 'id'))`).Scan(&base); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('listings', 'id'), $1::bigint)`, base+int64(max(opt.Listings, 1))-1)
		return err
	})
	if err != nil {
		return st, fmt.Errorf("demo: reserve listing ids: %w", postgres.Classify(err))
	}
	const chunk = 50_000
	workers := 2
	type job struct{ from, to int }
	jobs := make(chan job)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	var done int
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(opt.Seed+uint64(w)+1, 7))
			for j := range jobs {
				n, err := copyListings(ctx, db, opt, r, base, j.from, j.to, products, categories, catName, sshIDs, sshDesc, kecamatan,
					func(i int) (int64, string) { s := sups[i%len(sups)]; return s.id, s.scale })
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				st.Photos += n
				done += j.to - j.from
				if opt.Listings >= 200_000 {
					progress("  %d listings", done)
				}
				mu.Unlock()
			}
		})
	}
	for from := 0; from < opt.Listings; from += chunk {
		jobs <- job{from, min(opt.Listings, from+chunk)}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return st, fmt.Errorf("demo: seed listings: %w", firstErr)
	}
	st.Listings = opt.Listings
	if err := catalog.RebuildSearchWords(ctx, db); err != nil {
		return st, fmt.Errorf("demo: search words: %w", err)
	}
	if _, err := db.Exec(ctx, "ANALYZE suppliers; ANALYZE listings; ANALYZE listing_photos; ANALYZE search_words"); err != nil {
		return st, postgres.Classify(err)
	}
	st.Took = time.Since(start)
	return st, nil
}

// roundPrice rounds to a price people write: 3 significant digits.
func roundPrice(p int64) int64 {
	unit := int64(1)
	for p/unit >= 1000 {
		unit *= 10
	}
	return max(100, (p+unit/2)/unit*unit)
}

var descriptions = []string{
	"%s tersedia dalam jumlah banyak untuk kebutuhan kantor dan kegiatan dinas.",
	"Kami menyediakan %s dengan kualitas terjamin. Bisa diantar ke kantor OPD.",
	"%s, barang baru dan bergaransi toko. Pembayaran setelah barang diterima sesuai BAST.",
	"Melayani pesanan %s untuk instansi pemerintah di Solok Selatan. Faktur dan kuitansi lengkap.",
}

// copyListings writes listings from..to (and their photos) in one transaction.
func copyListings(ctx context.Context, db *pgxpool.Pool, opt CatalogOptions, rng *rand.Rand, base int64, from, to int, products []product,
	categories map[string]int64, catName map[int64]string, sshIDs map[string]int64, sshDesc map[string]string, kecamatan []string,
	supplierOf func(int) (int64, string)) (int, error) {
	var photos int
	err := postgres.Tx(ctx, db, func(tx pgx.Tx) error {
		if opt.BulkLoad {
			if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
				return err
			}
		}
		now := time.Now()
		var lrows, prows, hrows [][]any
		for i := from; i < to; i++ {
			p := products[rng.IntN(len(products))]
			cat, ok := categories[p.category]
			if !ok {
				for _, id := range categories {
					cat = id
					break
				}
			}
			title := p.title
			if p.spec != "" && rng.IntN(3) > 0 {
				title += " " + p.spec
			}
			title += variants[rng.IntN(len(variants))]
			if len([]rune(title)) > 150 {
				title = string([]rune(title)[:150])
			}
			price := roundPrice(p.price * int64(120+rng.IntN(40)) / 100)
			var sshID, ceiling any
			keywords := catName[cat]
			if id, ok := sshIDs[p.sshCode]; ok && rng.IntN(10) < 6 {
				c := roundPrice(p.price * 14 / 10)
				sshID, ceiling = id, c
				// Most offers stay within the ceiling; some are above it.
				if rng.IntN(100) < 85 {
					price = roundPrice(c * int64(80+rng.IntN(20)) / 100)
				} else {
					price = roundPrice(c * int64(101+rng.IntN(25)) / 100)
				}
				keywords += " " + sshDesc[p.sshCode]
			}
			var served []string
			if rng.IntN(3) > 0 {
				for _, k := range kecamatan {
					if rng.IntN(3) == 0 {
						served = append(served, k)
					}
				}
			}
			if served == nil {
				served = []string{}
			}
			var stock, capacity any = rng.IntN(500) + 1, nil
			if p.kind == catalog.KindServices {
				stock, capacity = nil, rng.IntN(20)+1
			}
			origin := p.origin
			if origin == "" {
				origin = catalog.OriginNational
			}
			if origin == catalog.OriginNational && rng.IntN(10) == 0 {
				origin = catalog.OriginImported
			}
			sid, scale := supplierOf(i)
			id := base + int64(i)
			published := now.Add(-time.Duration(rng.IntN(365*24*60)) * time.Minute)
			desc := fmt.Sprintf(descriptions[rng.IntN(len(descriptions))], title)
			lrows = append(lrows, []any{id, sid, string(p.kind), title, desc, cat, p.unit, price, 1 + rng.IntN(3)*rng.IntN(5), stock, capacity,
				rng.IntN(7), served, string(origin), sshID, ceiling, "published", keywords, true, scale, published, published, published})
			if rng.Float64() < opt.Photos {
				prows = append(prows, []any{id, 0, blob.NewKey(), blob.NewKey(), 800, 600, catalog.DemoRecipe(title, i)})
			}
			if opt.History {
				hrows = append(hrows, []any{id, price, "create", published})
			}
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"listings"}, []string{"id", "supplier_id", "kind", "title", "description", "category_id", "unit",
			"price", "min_order", "stock", "daily_capacity", "lead_time_days", "served_kecamatan", "origin", "ssh_item_id", "ssh_ceiling", "status",
			"keywords", "supplier_active", "supplier_scale", "published_at", "created_at", "updated_at"}, pgx.CopyFromRows(lrows))
		if err != nil {
			return fmt.Errorf("copy listings: %w", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"listing_photos"}, []string{"listing_id", "position", "blob_key", "thumb_key", "width", "height", "generated"},
			pgx.CopyFromRows(prows)); err != nil {
			return fmt.Errorf("copy photos: %w", err)
		}
		if len(hrows) > 0 {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"listing_prices"}, []string{"listing_id", "price", "source", "changed_at"}, pgx.CopyFromRows(hrows)); err != nil {
				return fmt.Errorf("copy prices: %w", err)
			}
		}
		photos = len(prows)
		return nil
	})
	return photos, postgres.Classify(err)
}

// seedDemoCatalog gives the demo a catalog to search at once: a dozen
// verified suppliers with a few hundred listings with pictures, and a few
// local products of the demo supplier. It does nothing when listings exist.
func seedDemoCatalog(ctx context.Context, db *pgxpool.Pool) error {
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM listings`).Scan(&n); err != nil {
		return postgres.Classify(err)
	}
	if n > 0 {
		return nil
	}
	if _, err := SeedCatalog(ctx, db, CatalogOptions{Suppliers: 12, Listings: 300, Photos: 1, History: true, Seed: 2026}); err != nil {
		return err
	}
	// The demo supplier's own products, so that its account has listings.
	return postgres.Tx(ctx, db, func(tx pgx.Tx) error {
		var sup, cat int64
		err := tx.QueryRow(ctx, `SELECT s.id, c.id FROM suppliers s, categories c
			WHERE s.name = 'Kopi Sangir Jaya' AND c.code = 'KAT17' ORDER BY s.id LIMIT 1`).Scan(&sup, &cat)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		for i, p := range []struct {
			title, unit string
			price       int64
		}{
			{"Kopi bubuk robusta Solok Selatan 500 gram", "bungkus", 65000},
			{"Kopi arabika Solok Selatan biji sangrai 1 kg", "kg", 180000},
			{"Kopi robusta Sangir bubuk 250 gram untuk tamu kantor", "bungkus", 35000},
		} {
			var id int64
			err := tx.QueryRow(ctx, `INSERT INTO listings (supplier_id, kind, title, description, category_id, unit, price, min_order, stock,
					lead_time_days, origin, status, published_at, keywords)
				VALUES ($1, 'goods', $2, $3, $4, $5, $6, 1, 40, 1, 'local', 'published', now(),
					(SELECT name FROM categories WHERE id = $4)) RETURNING id`,
				sup, p.title, "Dari kebun kopi rakyat di Sangir, disangrai dan digiling sendiri.", cat, p.unit, p.price).Scan(&id)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO listing_photos (listing_id, position, blob_key, thumb_key, width, height, generated)
				VALUES ($1, 0, $2, $3, 800, 600, $4)`, id, blob.NewKey(), blob.NewKey(), catalog.DemoRecipe(p.title, i)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO listing_prices (listing_id, price, source) VALUES ($1, $2, 'create')`, id, p.price); err != nil {
				return err
			}
		}
		return catalog.RebuildSearchWords(ctx, tx)
	})
}

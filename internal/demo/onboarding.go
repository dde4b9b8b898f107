package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"lapak/internal/auth"
	"lapak/internal/blob"
	"lapak/internal/invitation"
	"lapak/internal/postgres"
	"lapak/internal/registry"
	"lapak/internal/rupiah"
	"lapak/internal/supplier"
	"lapak/internal/training"
	"lapak/internal/validate"
	"lapak/internal/wib"
)

// How many businesses of the demo registry reach each stage of the funnel.
// Activated owners are split, in this order, into the stages below, so that
// the lowest supplier ids are the ones that end up verified.
const (
	onboardingEntries  = 400 // businesses in the generated registry
	onboardingInvited  = 120 // issued an invitation
	onboardingVerified = 15  // activated, complete, verified
	onboardingSuspend  = 1   // verified, then suspended
	onboardingReturned = 3   // submitted and sent back with reasons
	onboardingQueued   = 12  // submitted, waiting in the verification queue
	onboardingDrafts   = 12  // drafts with a partly filled profile
	onboardingUntouch  = 4   // drafts nobody has touched since activating
	onboardingTrainees = 12  // invited to the past training (its capacity)
	onboardingSeed     = 2026
	onboardingLock     = 727004 // advisory lock; Seed holds 727003
	registryFilename   = "Data UMKM Dinas Koperindag Solok Selatan 2025.csv"
	demoSupplierPhone  = "+6281200000001"
	demoEmailDomain    = "contoh-umkm.test" // generated addresses never reach real mailboxes
)

// stage is where a seeded supplier is left.
type stage int

const (
	stageVerified stage = iota
	stageSuspended
	stageReturned
	stageSubmitted
	stageDraft
	stageUntouched
)

// plan lists the stages of the activated owners in activation order.
func plan() []stage {
	var out []stage
	for _, s := range []struct {
		st stage
		n  int
	}{{stageVerified, onboardingVerified}, {stageSuspended, onboardingSuspend}, {stageReturned, onboardingReturned},
		{stageSubmitted, onboardingQueued}, {stageDraft, onboardingDrafts}, {stageUntouched, onboardingUntouch}} {
		for range s.n {
			out = append(out, s.st)
		}
	}
	return out
}

// returns are the reasons Koperindag sends a submission back: the document
// it rejects and why, and the note the owner reads.
var returns = []struct {
	kind      supplier.DocumentKind
	docReason string
	note      string
}{
	{supplier.DocKTP, "Foto KTP buram; NIK dan nama tidak terbaca.",
		"Foto KTP buram sehingga NIK tidak terbaca. Mohon foto ulang KTP asli di tempat yang terang, tanpa pantulan cahaya, lalu unggah kembali dan ajukan lagi."},
	{supplier.DocBankBook, "Nama pada buku tabungan bukan nama pemilik usaha.",
		"Nama pemilik rekening pada foto buku tabungan berbeda dengan nama pemilik usaha. Pembayaran dari kas daerah hanya dapat ditransfer ke rekening atas nama pemilik atau badan usaha; unggah halaman buku tabungan yang sesuai atau perbaiki data rekening."},
	{supplier.DocNIB, "NIB pada dokumen tidak sama dengan NIB di profil.",
		"Nomor pada dokumen NIB tidak sama dengan NIB yang diisi di profil, dan KBLI-nya belum mencakup barang yang ditawarkan. Perbarui data usaha di OSS, lalu unggah NIB terbaru dan periksa kembali nomornya."},
}

// suspendReason is why the one suspended supplier is suspended.
const suspendReason = "Dibekukan sementara: hasil konfirmasi ke KPP Pratama Solok menunjukkan NPWP yang didaftarkan bukan milik pemilik usaha. " +
	"Pemilik diminta datang ke Dinas Koperindag membawa KTP dan kartu NPWP asli untuk klarifikasi; usaha dipulihkan setelah data diperbaiki."

// SeedOnboarding fills a demo regency with the onboarding funnel, once: a
// generated registry of UMKM imported as Koperindag imports its list,
// invitations, activated owners whose suppliers stand at every stage
// (drafts, in the verification queue, sent back, verified, suspended), two
// assisted registrations, a past and an upcoming training, and a complete,
// verified profile with documents for the demo supplier Kopi Sangir Jaya.
// Everything goes through the domain services, so the audit trail, the
// invitations and the document files are what real use leaves behind; the
// files go to dataDir/files like the server's. It does nothing when the
// registry already has entries, and needs Seed to have run first (it acts as
// the demo Koperindag officer). Concurrent starts are serialised by an
// advisory lock. A run that fails halfway leaves what it made; start again
// from an empty data folder.
func SeedOnboarding(ctx context.Context, db *pgxpool.Pool, dataDir, baseURL string) error {
	conn, err := db.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("demo: onboarding: %w", postgres.Classify(err))
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", onboardingLock); err != nil {
		return fmt.Errorf("demo: onboarding: lock: %w", postgres.Classify(err))
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", onboardingLock)

	var seeded bool
	if err := db.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM registry_entries)").Scan(&seeded); err != nil {
		return fmt.Errorf("demo: onboarding: %w", postgres.Classify(err))
	}
	if seeded {
		return SeedOrders(ctx, db, dataDir)
	}
	if dataDir == "" {
		return errors.New("demo: onboarding: no data folder to keep supplier documents in")
	}
	o, err := newOnboarding(ctx, db, filepath.Join(dataDir, "files"), baseURL)
	if err != nil {
		return fmt.Errorf("demo: onboarding: %w", err)
	}
	if err := o.run(ctx); err != nil {
		return fmt.Errorf("demo: onboarding: %w", err)
	}
	return SeedOrders(ctx, db, dataDir)
}

// onboarding is one run of SeedOnboarding.
type onboarding struct {
	db    *pgxpool.Pool
	rnd   *rand.Rand
	sys   context.Context // the system, for reading accounts
	staff context.Context // signed in as the demo Koperindag officer
	users *auth.Service
	reg   *registry.Service
	inv   *invitation.Service
	sup   *supplier.Service
	docs  *supplier.Documents
	train *training.Service

	phones map[string]bool // phone numbers (+62...) that have an account
	nibs   map[string]bool // NIBs of the registry and of suppliers
	now    time.Time
}

// owner is an activated business and where it is to be left.
type owner struct {
	entry      registry.Entry
	stage      stage
	ctx        context.Context // signed in as the owner
	supplierID int64
}

func newOnboarding(ctx context.Context, db *pgxpool.Pool, filesDir, baseURL string) (*onboarding, error) {
	o := &onboarding{
		db:     db,
		rnd:    rand.New(rand.NewPCG(onboardingSeed, 0x6f6e626f617264)),
		sys:    auth.SystemContext(ctx),
		users:  auth.NewService(db, baseURL, nil),
		reg:    registry.NewService(db),
		inv:    invitation.NewService(db, baseURL),
		sup:    supplier.NewService(db),
		docs:   supplier.NewDocuments(db, blob.NewLocal(filesDir)),
		train:  training.NewService(db),
		phones: map[string]bool{},
		nibs:   map[string]bool{},
		now:    time.Now(),
	}
	// The demo Koperindag officer acts, so that imports, invitations and
	// decisions name a real account.
	var staffID int64
	err := db.QueryRow(ctx, `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE r.role = 'koperindag' AND u.disabled_at IS NULL
		ORDER BY u.email = 'koperindag@lapak.test' DESC, u.id LIMIT 1`).Scan(&staffID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errors.New("no Koperindag account to act as (run demo.Seed first)")
	}
	if err != nil {
		return nil, fmt.Errorf("find the Koperindag account: %w", postgres.Classify(err))
	}
	staff, err := o.users.User(o.sys, staffID)
	if err != nil {
		return nil, fmt.Errorf("load the Koperindag account: %w", err)
	}
	o.staff = auth.WithUser(ctx, staff, "")

	rows, err := db.Query(ctx, `SELECT phone FROM users WHERE phone IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("read phone numbers: %w", postgres.Classify(err))
	}
	phones, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read phone numbers: %w", postgres.Classify(err))
	}
	for _, p := range phones {
		o.phones[p] = true
	}
	rows, err = db.Query(ctx, `SELECT nib FROM suppliers WHERE nib IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("read NIBs: %w", postgres.Classify(err))
	}
	nibs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("read NIBs: %w", postgres.Classify(err))
	}
	for _, n := range nibs {
		o.nibs[n] = true
	}
	return o, nil
}

func (o *onboarding) run(ctx context.Context) error {
	entries, err := o.importRegistry()
	if err != nil {
		return err
	}
	if err := o.demoSupplier(ctx); err != nil {
		return fmt.Errorf("demo supplier Kopi Sangir Jaya: %w", err)
	}
	codes, invited, err := o.invite(entries)
	if err != nil {
		return err
	}
	owners, err := o.activate(ctx, invited, codes)
	if err != nil {
		return err
	}
	for _, ow := range owners {
		if ow.stage > stageSubmitted {
			continue
		}
		if err := o.complete(ow); err != nil {
			return fmt.Errorf("profile of %q: %w", ow.entry.BusinessName, err)
		}
		if err := o.sup.Submit(ow.ctx, ow.supplierID); err != nil {
			return fmt.Errorf("submit %q: %w", ow.entry.BusinessName, err)
		}
	}
	// The first session took the earliest submissions, before Koperindag's
	// decisions: those are the suppliers verified below.
	if err := o.pastTraining(); err != nil {
		return err
	}
	returned := 0
	for _, ow := range owners {
		var err error
		switch ow.stage {
		case stageVerified:
			err = o.verify(ow.supplierID)
		case stageSuspended:
			if err = o.verify(ow.supplierID); err == nil {
				err = o.decide(ow.supplierID, supplier.DecisionSuspend, suspendReason)
			}
		case stageReturned:
			err = o.sendBack(ow.supplierID, returned%len(returns))
			returned++
		case stageDraft:
			err = o.draft(ow)
		}
		if err != nil {
			return fmt.Errorf("%q: %w", ow.entry.BusinessName, err)
		}
	}
	if err := o.upcomingTraining(); err != nil {
		return err
	}
	return o.assisted(entries, invited)
}

// importRegistry imports a generated registry as Koperindag would, through
// preview and import, and returns its entries by id.
func (o *onboarding) importRegistry() ([]registry.Entry, error) {
	sheet := registry.Generate(registry.GenerateOptions{Count: onboardingEntries, Seed: onboardingSeed})
	if col := slices.Index(sheet.Header, "E-mail"); col >= 0 {
		for _, r := range sheet.Rows {
			if user, _, ok := strings.Cut(r[col], "@"); ok {
				r[col] = user + "@" + demoEmailDomain
			}
		}
	}
	var buf bytes.Buffer
	if err := sheet.WriteCSV(&buf, ','); err != nil {
		return nil, fmt.Errorf("registry file: %w", err)
	}
	prev, err := o.reg.Preview(o.staff, registryFilename, buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("preview registry: %w", err)
	}
	if _, err := o.reg.Import(o.staff, registryFilename, buf.Bytes(), prev.SHA256); err != nil {
		return nil, fmt.Errorf("import registry: %w", err)
	}
	var out []registry.Entry
	for {
		list, err := o.reg.Entries(o.staff, registry.EntryFilter{Limit: 500, Offset: len(out)})
		if err != nil {
			return nil, fmt.Errorf("read registry: %w", err)
		}
		out = append(out, list.Entries...)
		if len(list.Entries) < list.Limit {
			break
		}
	}
	slices.SortFunc(out, func(a, b registry.Entry) int { return int(a.ID - b.ID) })
	for _, e := range out {
		if e.NIB != "" {
			o.nibs[e.NIB] = true
		}
	}
	return out, nil
}

// byKecamatan groups entries by kecamatan code, returning the codes in order.
func byKecamatan(entries []registry.Entry) ([]string, map[string][]registry.Entry) {
	m := map[string][]registry.Entry{}
	for _, e := range entries {
		if e.KecamatanCode != "" {
			m[e.KecamatanCode] = append(m[e.KecamatanCode], e)
		}
	}
	kecs := make([]string, 0, len(m))
	for k := range m {
		kecs = append(kecs, k)
	}
	slices.Sort(kecs)
	return kecs, m
}

// invite issues invitations kecamatan by kecamatan, as staff select them,
// to a share of each kecamatan's entries. It returns the codes by entry id
// and the invited entries grouped by kecamatan.
func (o *onboarding) invite(entries []registry.Entry) (map[int64]string, map[string][]registry.Entry, error) {
	kecs, groups := byKecamatan(entries)
	codes := map[int64]string{}
	invited := map[string][]registry.Entry{}
	for _, k := range kecs {
		list := groups[k]
		n := min(len(list), max(4, (len(list)*onboardingInvited+len(entries)/2)/len(entries)))
		ids := make([]int64, n)
		for i := range n {
			ids[i] = list[i].ID
		}
		batch, err := o.inv.Issue(o.staff, ids)
		if err != nil {
			return nil, nil, fmt.Errorf("invite kecamatan %s: %w", k, err)
		}
		for _, iss := range batch.Issued {
			codes[iss.EntryID] = iss.Code
		}
		for _, e := range list[:n] {
			if codes[e.ID] != "" {
				invited[k] = append(invited[k], e)
			}
		}
	}
	return codes, invited, nil
}

// activate has owners of invited businesses, taken in turn from every
// kecamatan, use their codes, and assigns them the stages of plan.
func (o *onboarding) activate(ctx context.Context, invited map[string][]registry.Entry, codes map[int64]string) ([]*owner, error) {
	stages := plan()
	kecs := make([]string, 0, len(invited))
	for k := range invited {
		kecs = append(kecs, k)
	}
	slices.Sort(kecs)
	// Candidates have a nagari (a complete profile needs one); no kecamatan
	// gives more than 60% of its invitations.
	cands := map[string][]registry.Entry{}
	for _, k := range kecs {
		var l []registry.Entry
		for _, e := range invited[k] {
			if e.NagariCode != "" {
				l = append(l, e)
			}
		}
		cands[k] = l[:min(len(l), max(3, len(invited[k])*6/10))]
	}
	var picked []registry.Entry
	for round := 0; len(picked) < len(stages); round++ {
		took := false
		for _, k := range kecs {
			if round < len(cands[k]) && len(picked) < len(stages) {
				picked = append(picked, cands[k][round])
				took = true
			}
		}
		if !took {
			break
		}
	}
	owners := make([]*owner, 0, len(picked))
	for i, e := range picked {
		name := e.OwnerName
		if len([]rune(name)) < 2 {
			name = "Pemilik " + e.BusinessName
		}
		acc, err := o.inv.Activate(ctx, codes[e.ID], invitation.ActivationInput{
			Name: name, Phone: o.phoneFor(e.Phone), Password: Password, Confirm: Password})
		if err != nil {
			return nil, fmt.Errorf("activate %q: %w", e.BusinessName, err)
		}
		u, err := o.users.User(o.sys, acc.UserID)
		if err != nil {
			return nil, fmt.Errorf("load owner of %q: %w", e.BusinessName, err)
		}
		owners = append(owners, &owner{entry: e, stage: stages[i], ctx: auth.WithUser(ctx, u, ""), supplierID: acc.SupplierID})
	}
	return owners, nil
}

// phoneFor returns p when no account has it, else a fresh number.
func (o *onboarding) phoneFor(p string) string {
	if p != "" && !o.phones[p] {
		o.phones[p] = true
		return p
	}
	for {
		p = "+62" + pick(o.rnd, []string{"812", "813", "821", "822", "852", "853"}) + digits(o.rnd, 8)
		if !o.phones[p] {
			o.phones[p] = true
			return p
		}
	}
}

// newNIB returns a 13-digit NIB no business uses yet.
func (o *onboarding) newNIB() string {
	for {
		n := pick(o.rnd, []string{"9120", "8120", "1240"}) + digits(o.rnd, 9)
		if !o.nibs[n] {
			o.nibs[n] = true
			return n
		}
	}
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// legalForm guesses a business's legal form from its name.
func legalForm(name string) string {
	switch {
	case strings.HasPrefix(name, "CV "):
		return "cv"
	case strings.HasPrefix(name, "UD "):
		return "ud"
	case strings.HasPrefix(name, "Kelompok Tani "):
		return "lainnya"
	}
	return "perorangan"
}

// productKeywords describe what a business offers from words of its name;
// sectorProducts when none matches.
var productKeywords = []struct{ word, products string }{
	{"Percetakan", "Cetak spanduk, baliho, undangan, map, kop surat dan stempel; desain gratis untuk pesanan kantor."},
	{"Fotokopi", "Fotokopi, jilid, laminating, cetak warna dan alat tulis kantor."},
	{"Bengkel", "Servis berkala dan ganti oli sepeda motor dinas, ganti ban, suku cadang asli."},
	{"Sewa Tenda", "Sewa tenda, kursi, meja dan dekorasi untuk acara kantor dan nagari; pasang dan bongkar."},
	{"Sound System", "Sewa sound system dengan operator, mikrofon nirkabel dan proyektor untuk rapat dan acara."},
	{"Katering", "Nasi kotak, prasmanan dan snack rapat; melayani pesanan 20 sampai 500 porsi."},
	{"Rumah Makan", "Nasi bungkus dan nasi kotak masakan Padang, prasmanan untuk tamu dinas."},
	{"Warung Nasi", "Nasi bungkus dan nasi kotak untuk rapat dan kegiatan lapangan."},
	{"Lontong", "Lontong pical, lontong sayur dan kue basah untuk sarapan rapat."},
	{"Sate", "Sate Padang dan ketupat untuk konsumsi acara; pesanan minimal 50 porsi."},
	{"Kedai Kopi", "Kopi, teh talua dan makanan ringan; konsumsi rapat kecil."},
	{"Lapau", "Kopi, teh, gorengan dan kue untuk konsumsi rapat kecil."},
	{"Toko ATK", "Kertas HVS, map, tinta printer, buku agenda dan alat tulis kantor lainnya."},
	{"Toko Bangunan", "Semen, besi beton, cat, pipa, kabel listrik dan perkakas pertukangan."},
	{"Toko Elektronik", "Lampu, kabel, stop kontak, kipas angin dan perangkat elektronik kantor."},
	{"Toko Pakaian", "Seragam, kemeja putih, celana kain dan perlengkapan olahraga."},
	{"Sembako", "Beras, gula, minyak goreng, air mineral galon dan kebutuhan dapur kantor."},
	{"Kios Pupuk", "Pupuk, benih, obat tanaman dan alat pertanian untuk kelompok tani."},
	{"Penjahit", "Jahit seragam kantor, baju dinas dan baju kurung; bordir nama dan logo."},
	{"Konveksi", "Kaos, rompi, topi dan jaket kegiatan; sablon dan bordir logo instansi."},
	{"Bordir", "Bordir nama, logo instansi dan badge pada seragam dan kain."},
	{"Salon", "Tata rias dan sanggul untuk acara resmi dan pelantikan."},
	{"Kopi", "Kopi bubuk robusta dan arabika Solok Selatan, kemasan 250 g dan 1 kg; bingkisan untuk tamu."},
	{"Teh", "Teh hitam dan teh hijau olahan kebun Solok Selatan, kemasan kotak dan celup."},
	{"Rendang", "Rendang daging dan rendang telur kemasan vakum untuk bingkisan tamu dinas."},
	{"Kerupuk", "Kerupuk nasi dan kerupuk jangek kemasan plastik dan kaleng."},
	{"Keripik", "Keripik balado, keripik pisang dan keripik singkong kemasan berlabel PIRT."},
	{"Kipang", "Kipang pulut dan kue kering khas Minang untuk oleh-oleh tamu."},
	{"Durian", "Lempok, dodol dan olahan durian khas Solok Selatan."},
	{"Gula Enau", "Gula enau (saka) cetak dan gula semut, per kilogram."},
	{"Kue Bawang", "Kue bawang dan kue kering lebaran dalam toples dan kemasan bingkisan."},
	{"Madu", "Madu galo-galo (kelulut) murni dalam botol 250 ml dan 500 ml."},
	{"Kerajinan Kayu", "Kerajinan kayu: plakat, papan nama, miniatur rumah gadang dan suvenir."},
	{"Batu Akik", "Batu akik dan suvenir batu khas Sangir untuk cenderamata tamu."},
	{"Anyaman", "Anyaman pandan: tikar, tas, kotak tisu dan suvenir."},
	{"Ikan", "Ikan segar (nila, gurami, ikan gariang) dan benih ikan untuk program dinas."},
	{"Ternak", "Ternak dan hasil ternak segar: ayam kampung, telur, daging untuk acara."},
	{"Kebun", "Hasil kebun: kulit manis, kapulaga, pinang dan kakao kering; bibit tanaman."},
	{"Kelompok Tani", "Beras, sayuran segar dan bibit tanaman hasil anggota kelompok tani."},
}

var sectorProducts = map[string]string{
	"Kuliner":          "Nasi kotak, snack rapat dan minuman untuk kegiatan kantor.",
	"Industri Makanan": "Makanan olahan khas Solok Selatan dalam kemasan berlabel PIRT.",
	"Perdagangan":      "Alat tulis, perlengkapan kantor dan kebutuhan rumah tangga.",
	"Jasa":             "Jasa untuk kegiatan kantor dan acara.",
	"Fesyen":           "Seragam dan pakaian jahitan sendiri.",
	"Kerajinan":        "Kerajinan tangan dan suvenir khas Solok Selatan.",
	"Pertanian":        "Hasil pertanian dan perkebunan Solok Selatan.",
	"Perikanan":        "Ikan segar dan benih ikan.",
	"Peternakan":       "Hasil peternakan segar.",
}

func productsFor(name, sector string) string {
	for _, k := range productKeywords {
		if strings.Contains(name, k.word) {
			return k.products
		}
	}
	if p := sectorProducts[sector]; p != "" {
		return p
	}
	return "Barang dan jasa untuk kebutuhan kantor pemerintah."
}

// banks are where owners in the regency keep their accounts, with the
// length of an account number.
var banks = []struct {
	name   string
	digits int
}{
	{"Bank Nagari", 13}, {"Bank Nagari", 13}, {"Bank Nagari", 13}, {"BRI", 15}, {"BRI", 15}, {"BSI", 10}, {"Bank Mandiri", 13}, {"BNI", 10},
}

// capital returns a modal usaha that falls in scale under PP 7/2021.
func (o *onboarding) capital(scale registry.Scale) int64 {
	switch scale {
	case registry.ScaleMenengah:
		return int64(52+o.rnd.IntN(43)) * 100_000_000
	case registry.ScaleKecil:
		return int64(22+o.rnd.IntN(75)) * 50_000_000
	}
	return int64(3+o.rnd.IntN(150)) * 5_000_000
}

// npwp returns an NPWP: the owner's NIK (16 digits) for a person, else a
// 15-digit number of the tax office.
func (o *onboarding) npwp(form, nik string) string {
	if nik != "" && (form == "perorangan" || form == "ud") {
		return nik
	}
	return digits(o.rnd, 2) + "." + digits(o.rnd, 3) + "." + digits(o.rnd, 3) + "." + digits(o.rnd, 1) + "-203.000"
}

// fullProfile is the complete profile of sp, from its registry entry e.
func (o *onboarding) fullProfile(sp supplier.Supplier, e registry.Entry) (supplier.Profile, bool) {
	form := legalForm(sp.Name)
	nib := sp.NIB
	if nib == "" {
		nib = o.newNIB()
	}
	pkp := e.Scale == registry.ScaleMenengah || (e.Scale == registry.ScaleKecil && o.rnd.IntN(5) < 2)
	bank := banks[o.rnd.IntN(len(banks))]
	holder := sp.OwnerName
	if form == "cv" {
		holder = sp.Name
	}
	return supplier.Profile{
		Name: sp.Name, OwnerName: sp.OwnerName, LegalForm: form, NIB: nib, NPWP: o.npwp(form, e.NIK),
		PKP: pkp, PP55: !pkp, ScaleBasis: "modal", Amount: rupiah.Format(o.capital(e.Scale)),
		Address: addressOf(e), KecamatanCode: e.KecamatanCode, NagariCode: e.NagariCode,
		Phone: sp.Phone, Email: sp.Email,
		BankName: bank.name, BankAccountNo: digits(o.rnd, bank.digits), BankAccount: holder,
		Products: productsFor(sp.Name, e.Sector),
	}, pkp
}

// addressOf is the entry's address, naming the nagari when it does not.
func addressOf(e registry.Entry) string {
	a := strings.TrimSpace(e.Address)
	if e.NagariName != "" && !strings.Contains(a, e.NagariName) {
		if a != "" {
			a += ", "
		}
		a += "Nagari " + e.NagariName
	}
	return a
}

// complete fills ow's profile and uploads its required documents (and a
// photo of the business for those to be verified), as the owner.
func (o *onboarding) complete(ow *owner) error {
	sp, err := o.sup.Supplier(ow.ctx, ow.supplierID)
	if err != nil {
		return err
	}
	p, pkp := o.fullProfile(sp, ow.entry)
	if _, err := o.sup.UpdateProfile(ow.ctx, ow.supplierID, p); err != nil {
		return err
	}
	kinds := supplier.RequiredKinds(pkp)
	if ow.stage == stageVerified || ow.stage == stageSuspended {
		kinds = append(kinds, supplier.DocPhoto)
	}
	info := docInfoOf(p, ow.entry.NIK, ow.entry.KecamatanName, ow.entry.NagariName)
	for _, k := range kinds {
		if err := o.upload(ow.ctx, ow.supplierID, k, info); err != nil {
			return err
		}
	}
	return nil
}

// upload stores a generated picture of document kind, as a phone would send it.
func (o *onboarding) upload(ctx context.Context, supplierID int64, kind supplier.DocumentKind, info docInfo) error {
	img, err := documentJPEG(kind, info)
	if err != nil {
		return fmt.Errorf("draw %s: %w", kind, err)
	}
	day := o.now.AddDate(0, 0, -1-o.rnd.IntN(20)).In(wib.Location)
	name := fmt.Sprintf("IMG_%s_%02d%02d%02d.jpg", day.Format("20060102"), 7+o.rnd.IntN(12), o.rnd.IntN(60), o.rnd.IntN(60))
	if o.rnd.IntN(3) == 0 {
		name = strings.ToUpper(string(kind)) + " " + info.owner + ".jpg"
	}
	if _, err := o.docs.UploadDocument(ctx, supplierID, kind, name, bytes.NewReader(img)); err != nil {
		return fmt.Errorf("upload %s: %w", kind, err)
	}
	return nil
}

// review accepts every pending document of a supplier but reject, which it
// rejects with reason.
func (o *onboarding) review(supplierID int64, reject supplier.DocumentKind, reason string) error {
	docs, err := o.docs.Documents(o.staff, supplierID)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if d.Status != supplier.DocPending {
			continue
		}
		accept := d.Kind != reject
		r := ""
		if !accept {
			r = reason
		}
		if _, err := o.docs.ReviewDocument(o.staff, d.ID, accept, r); err != nil {
			return fmt.Errorf("review %s: %w", d.Kind, err)
		}
	}
	return nil
}

// decide takes a decision on the supplier's current version.
func (o *onboarding) decide(supplierID int64, d supplier.Decision, reason string) error {
	sp, err := o.sup.Supplier(o.staff, supplierID)
	if err != nil {
		return err
	}
	if err := o.sup.Decide(o.staff, supplierID, sp.Version, d, reason); err != nil {
		return fmt.Errorf("%s: %w", d, err)
	}
	return nil
}

// verify accepts a submitted supplier's documents and verifies it.
func (o *onboarding) verify(supplierID int64) error {
	if err := o.review(supplierID, "", ""); err != nil {
		return err
	}
	return o.decide(supplierID, supplier.DecisionVerify, "")
}

// sendBack rejects one document of a submitted supplier and returns it
// with the i-th reason.
func (o *onboarding) sendBack(supplierID int64, i int) error {
	r := returns[i]
	if err := o.review(supplierID, r.kind, r.docReason); err != nil {
		return err
	}
	return o.decide(supplierID, supplier.DecisionReturn, r.note)
}

// draft fills part of a draft's profile, as owners do on their first visit:
// everyone the legal form, address and products; some the NIB, scale or
// bank; half of them upload their KTP.
func (o *onboarding) draft(ow *owner) error {
	sp, err := o.sup.Supplier(ow.ctx, ow.supplierID)
	if err != nil {
		return err
	}
	full, _ := o.fullProfile(sp, ow.entry)
	p := supplier.Profile{Name: full.Name, OwnerName: full.OwnerName, LegalForm: full.LegalForm, NIB: sp.NIB,
		Address: full.Address, KecamatanCode: full.KecamatanCode, NagariCode: full.NagariCode,
		Phone: full.Phone, Email: full.Email, Products: full.Products}
	n := o.rnd.IntN(4)
	if n >= 1 {
		p.NIB = full.NIB
		p.ScaleBasis, p.Amount = full.ScaleBasis, full.Amount
	}
	if n >= 2 {
		p.NPWP, p.PP55 = full.NPWP, full.PP55
	}
	if n >= 3 {
		p.BankName, p.BankAccountNo, p.BankAccount = full.BankName, full.BankAccountNo, full.BankAccount
	}
	if _, err := o.sup.UpdateProfile(ow.ctx, ow.supplierID, p); err != nil {
		return err
	}
	if o.rnd.IntN(2) == 0 {
		return o.upload(ow.ctx, ow.supplierID, supplier.DocKTP, docInfoOf(p, ow.entry.NIK, ow.entry.KecamatanName, ow.entry.NagariName))
	}
	return nil
}

// weekday returns the date days from now (in WIB), moved back to a Friday
// when it falls on a weekend.
func (o *onboarding) weekday(days int) string {
	d := o.now.In(wib.Location).AddDate(0, 0, days)
	switch d.Weekday() {
	case time.Saturday:
		d = d.AddDate(0, 0, -1)
	case time.Sunday:
		d = d.AddDate(0, 0, -2)
	}
	return wib.ISODate(d)
}

// pastTraining holds the first session, for the earliest submissions, and
// records who came.
func (o *onboarding) pastTraining() error {
	t, err := o.train.CreateTraining(o.staff, training.Input{
		Topic: "Pembekalan penyedia Lapak angkatan I: profil usaha, dokumen dan pesanan pertama",
		Date:  o.weekday(-16), Time: "09:00", Place: "Ruang rapat Dinas Koperindag, Komplek Perkantoran Bupati, Padang Aro",
		KecamatanCode: "13.11.01", Capacity: strconv.Itoa(onboardingTrainees)})
	if err != nil {
		return fmt.Errorf("past training: %w", err)
	}
	if _, err := o.train.Invite(o.staff, t.ID, training.InviteFilter{Status: string(supplier.StatusSubmitted)}); err != nil {
		return fmt.Errorf("past training: %w", err)
	}
	ps, err := o.train.Participants(o.staff, t.ID)
	if err != nil {
		return fmt.Errorf("past training: %w", err)
	}
	var came []int64
	for i, p := range ps {
		if i%4 != 3 { // one in four did not come
			came = append(came, p.SupplierID)
		}
	}
	if err := o.train.RecordAttendance(o.staff, t.ID, came); err != nil {
		return fmt.Errorf("past training: %w", err)
	}
	return nil
}

// upcomingTraining plans the next session for verified suppliers that
// have not been trained yet.
func (o *onboarding) upcomingTraining() error {
	t, err := o.train.CreateTraining(o.staff, training.Input{
		Topic: "Pembekalan penyedia Lapak angkatan II: foto produk, harga wajar dan etalase",
		Date:  o.weekday(10), Time: "13:30", Place: "Aula Kantor Camat Sungai Pagu, Muara Labuh",
		KecamatanCode: "13.11.02", Capacity: "30"})
	if err != nil {
		return fmt.Errorf("upcoming training: %w", err)
	}
	if _, err := o.train.Invite(o.staff, t.ID, training.InviteFilter{Status: string(supplier.StatusVerified), NotTrained: true}); err != nil {
		return fmt.Errorf("upcoming training: %w", err)
	}
	return nil
}

// assisted registers two businesses in the field, as Koperindag staff on a
// visit: one from the registry that had not been invited, and one that is
// not in the registry at all. Staff fill part of each profile and photograph
// the owner's KTP; the owners have not taken their accounts over yet.
func (o *onboarding) assisted(entries []registry.Entry, invited map[string][]registry.Entry) error {
	done := map[int64]bool{}
	for _, l := range invited {
		for _, e := range l {
			done[e.ID] = true
		}
	}
	var fromRegistry *registry.Entry
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if !done[e.ID] && e.KecamatanCode == "13.11.07" && e.NagariCode != "" && e.Phone != "" && !o.phones[e.Phone] {
			fromRegistry = &entries[i]
			break
		}
	}
	type visit struct {
		in       invitation.AssistedInput
		form     string
		address  string
		products string
		nik      string
		kec, nag string
	}
	var visits []visit
	if fromRegistry != nil {
		e := fromRegistry
		visits = append(visits, visit{
			in: invitation.AssistedInput{BusinessName: e.BusinessName, OwnerName: e.OwnerName, Phone: o.phoneFor(e.Phone),
				Email: e.Email, KecamatanCode: e.KecamatanCode, NagariCode: e.NagariCode, RegistryEntryID: e.ID},
			form: legalForm(e.BusinessName), address: addressOf(*e), products: productsFor(e.BusinessName, e.Sector),
			nik: e.NIK, kec: e.KecamatanName, nag: e.NagariName})
	}
	visits = append(visits, visit{
		in: invitation.AssistedInput{BusinessName: "Anyaman Rotan Sitapus", OwnerName: "Asmidar", Phone: o.phoneFor(""),
			KecamatanCode: "13.11.05", NagariCode: "13.11.05.2005"},
		form: "perorangan", address: "Jorong Sitapus Ateh, Nagari Sitapus",
		products: "Anyaman rotan: keranjang, tudung saji, kursi dan meja rotan pesanan.",
		nik:      "1311054407720003", kec: "Sangir Batang Hari", nag: "Sitapus"})
	for _, v := range visits {
		iss, err := o.inv.AssistedRegister(o.staff, v.in)
		if err != nil {
			return fmt.Errorf("assisted registration of %q: %w", v.in.BusinessName, err)
		}
		sp, err := o.sup.Supplier(o.staff, iss.SupplierID)
		if err != nil {
			return err
		}
		p := supplier.Profile{Name: sp.Name, OwnerName: sp.OwnerName, LegalForm: v.form, NIB: sp.NIB, Address: v.address,
			KecamatanCode: sp.KecamatanCode, NagariCode: sp.NagariCode, Phone: sp.Phone, Email: sp.Email, Products: v.products}
		if _, err := o.sup.UpdateProfile(o.staff, iss.SupplierID, p); err != nil {
			return fmt.Errorf("assisted profile of %q: %w", v.in.BusinessName, err)
		}
		info := docInfoOf(p, v.nik, v.kec, v.nag)
		for _, k := range []supplier.DocumentKind{supplier.DocKTP, supplier.DocPhoto} {
			if err := o.upload(o.staff, iss.SupplierID, k, info); err != nil {
				return fmt.Errorf("assisted documents of %q: %w", v.in.BusinessName, err)
			}
		}
	}
	return nil
}

// demoSupplier completes the profile of the demo supplier Kopi Sangir Jaya,
// uploads its documents as its owner, and has Koperindag verify it, unless
// it has documents already.
func (o *onboarding) demoSupplier(ctx context.Context) error {
	var supplierID, userID int64
	err := o.db.QueryRow(ctx, `SELECT r.supplier_id, u.id FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE r.role = 'supplier' AND u.phone = $1 ORDER BY r.supplier_id LIMIT 1`, demoSupplierPhone).Scan(&supplierID, &userID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // not the demo's database
	}
	if err != nil {
		return postgres.Classify(err)
	}
	if docs, err := o.docs.Documents(o.sys, supplierID); err != nil || len(docs) > 0 {
		return err
	}
	u, err := o.users.User(o.sys, userID)
	if err != nil {
		return err
	}
	own := auth.WithUser(ctx, u, "")
	sp, err := o.sup.Supplier(own, supplierID)
	if err != nil {
		return err
	}
	nib := "9120106214283"
	if o.nibs[nib] {
		nib = o.newNIB()
	}
	o.nibs[nib] = true
	p := supplier.Profile{
		Name: sp.Name, OwnerName: "Syafrizal", LegalForm: "ud", NIB: nib, NPWP: "1311012304780002", PP55: true,
		ScaleBasis: "modal", Amount: "Rp350.000.000",
		Address:       "Jl. Lintas Sumatera Km 3, Jorong Pasar Lubuk Gadang",
		KecamatanCode: "13.11.01", NagariCode: "13.11.01.2001", Phone: demoSupplierPhone, Email: sp.Email,
		BankName: "Bank Nagari", BankAccountNo: "1102021004587", BankAccount: "Syafrizal",
		Products: "Kopi bubuk robusta dan arabika Sangir (kemasan 250 g dan 1 kg), biji kopi sangrai, kopi kawa daun; " +
			"bingkisan kopi untuk tamu dan konsumsi rapat.",
	}
	if _, err := o.sup.UpdateProfile(own, supplierID, p); err != nil {
		return err
	}
	info := docInfoOf(p, "1311012304780002", "Sangir", "Lubuk Gadang")
	for _, k := range []supplier.DocumentKind{supplier.DocKTP, supplier.DocNIB, supplier.DocNPWP, supplier.DocNonPKP,
		supplier.DocBankBook, supplier.DocPhoto, supplier.DocPhoto, supplier.DocHalal, supplier.DocPIRT} {
		if err := o.upload(own, supplierID, k, info); err != nil {
			return err
		}
	}
	if err := o.review(supplierID, "", ""); err != nil {
		return err
	}
	// Changing its NIB and bank account sent the verified supplier back to
	// the queue; Koperindag verifies it again.
	if sp, err = o.sup.Supplier(own, supplierID); err != nil {
		return err
	}
	switch sp.Status {
	case supplier.StatusDraft, supplier.StatusReturned:
		if err := o.sup.Submit(own, supplierID); err != nil {
			return err
		}
		fallthrough
	case supplier.StatusSubmitted:
		return o.decide(supplierID, supplier.DecisionVerify, "Profil dan dokumen lengkap; contoh penyedia terverifikasi.")
	}
	return nil
}

// docInfo is what a generated document picture shows.
type docInfo struct {
	business, owner, nik, nib, npwp, address, kecamatan, nagari, bank, account, holder string
}

func docInfoOf(p supplier.Profile, nik, kecamatan, nagari string) docInfo {
	npwp := p.NPWP
	if n, err := validate.NPWP(npwp); err == nil {
		npwp = validate.FormatNPWP(n)
	}
	return docInfo{business: p.Name, owner: p.OwnerName, nik: nik, nib: p.NIB, npwp: npwp, address: p.Address,
		kecamatan: kecamatan, nagari: nagari, bank: p.BankName, account: p.BankAccountNo, holder: p.BankAccount}
}

// canvas is a picture drawn at half size and scaled up, so that the 7×13
// font reads well.
type canvas struct{ img *image.RGBA }

func newCanvas(w, h int, bg color.RGBA) canvas {
	c := canvas{image.NewRGBA(image.Rect(0, 0, w, h))}
	c.fill(c.img.Rect, bg)
	return c
}

func (c canvas) fill(r image.Rectangle, col color.RGBA) {
	draw.Draw(c.img, r, image.NewUniform(col), image.Point{}, draw.Src)
}

// text writes s at (x, y), cut to fit the width.
func (c canvas) text(x, y int, s string, col color.RGBA) {
	c.textTo(x, y, c.img.Rect.Dx()-3, s, col)
}

// textTo writes s at (x, y), cut to end before right.
func (c canvas) textTo(x, y, right int, s string, col color.RGBA) {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
	if n := (right - x) / 7; n < len(s) {
		s = s[:max(0, n)]
	}
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// centred writes s centred on the line at height y.
func (c canvas) centred(y int, s string, col color.RGBA) {
	c.text(max(3, (c.img.Rect.Dx()-7*len(s))/2), y, s, col)
}

// disc draws a filled circle.
func (c canvas) disc(cx, cy, r int, col color.RGBA) {
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r && image.Pt(x, y).In(c.img.Rect) {
				c.img.SetRGBA(x, y, col)
			}
		}
	}
}

// ring draws a circle outline of width 2, as a stamp.
func (c canvas) ring(cx, cy, r int, col color.RGBA) {
	for y := cy - r; y <= cy+r; y++ {
		for x := cx - r; x <= cx+r; x++ {
			d := (x-cx)*(x-cx) + (y-cy)*(y-cy)
			if d <= r*r && d >= (r-2)*(r-2) && image.Pt(x, y).In(c.img.Rect) {
				c.img.SetRGBA(x, y, col)
			}
		}
	}
}

// jpeg scales the canvas up twice and encodes it.
func (c canvas) jpeg() ([]byte, error) {
	b := c.img.Rect
	big := image.NewRGBA(image.Rect(0, 0, 2*b.Dx(), 2*b.Dy()))
	draw.NearestNeighbor.Scale(big, big.Rect, c.img, b, draw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, big, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

var (
	ink   = color.RGBA{25, 25, 35, 255}
	white = color.RGBA{255, 255, 255, 255}
	red   = color.RGBA{200, 30, 30, 255}
	paper = color.RGBA{250, 249, 244, 255}
)

// documentJPEG draws a recognisable stand-in for a document of kind, marked
// as demo data: a KTP, an NPWP card or a bank book as a card, a letter or
// certificate as a page, a business photo as a shopfront.
func documentJPEG(kind supplier.DocumentKind, d docInfo) ([]byte, error) {
	const mark = "CONTOH - DATA DEMO LAPAK"
	switch kind {
	case supplier.DocKTP:
		c := newCanvas(320, 200, color.RGBA{196, 222, 242, 255})
		c.centred(14, "PROVINSI SUMATERA BARAT", ink)
		c.centred(27, "KABUPATEN SOLOK SELATAN", ink)
		c.textTo(8, 48, 230, "NIK  : "+orDash(d.nik), ink)
		lines := []string{"Nama : " + d.owner, "Alamat: " + d.address, "Nagari: " + d.nagari, "Kec. : " + d.kecamatan,
			"Pekerjaan: WIRASWASTA", "Berlaku: SEUMUR HIDUP"}
		for i, l := range lines {
			c.textTo(8, 66+14*i, 230, l, ink)
		}
		c.fill(image.Rect(236, 40, 306, 130), color.RGBA{190, 40, 40, 255})
		c.disc(271, 70, 16, color.RGBA{120, 90, 70, 255})
		c.fill(image.Rect(248, 92, 294, 130), color.RGBA{40, 40, 60, 255})
		c.text(8, 192, mark, red)
		return c.jpeg()
	case supplier.DocNPWP:
		c := newCanvas(320, 200, color.RGBA{236, 236, 226, 255})
		c.fill(image.Rect(0, 0, 320, 34), color.RGBA{20, 60, 130, 255})
		c.text(8, 14, "KEMENTERIAN KEUANGAN REPUBLIK INDONESIA", white)
		c.text(8, 28, "DIREKTORAT JENDERAL PAJAK", white)
		c.text(8, 62, "NPWP : "+d.npwp, ink)
		c.text(8, 82, d.owner, ink)
		c.text(8, 100, d.address, ink)
		c.text(8, 118, "KPP PRATAMA SOLOK", ink)
		c.text(8, 192, mark, red)
		return c.jpeg()
	case supplier.DocBankBook:
		c := newCanvas(320, 220, paper)
		c.fill(image.Rect(0, 0, 320, 30), color.RGBA{0, 110, 70, 255})
		c.text(8, 20, "BUKU TABUNGAN - "+strings.ToUpper(orDash(d.bank)), white)
		c.text(8, 52, "No. Rekening : "+orDash(d.account), ink)
		c.text(8, 70, "Nama         : "+d.holder, ink)
		c.text(8, 88, "Cabang       : Padang Aro", ink)
		for y := 104; y < 196; y += 15 {
			c.fill(image.Rect(8, y, 312, y+1), color.RGBA{170, 170, 170, 255})
		}
		c.text(8, 212, mark, red)
		return c.jpeg()
	case supplier.DocPhoto:
		c := newCanvas(320, 240, color.RGBA{150, 196, 235, 255})
		c.fill(image.Rect(0, 170, 320, 240), color.RGBA{120, 120, 110, 255})
		c.fill(image.Rect(40, 90, 280, 190), color.RGBA{230, 205, 160, 255})
		for i := 0; i < 40; i++ { // the roof
			c.fill(image.Rect(30+i/2, 90-i, 290-i/2, 91-i), color.RGBA{140, 60, 40, 255})
		}
		c.fill(image.Rect(60, 100, 260, 122), color.RGBA{30, 90, 60, 255})
		c.centred(116, d.business, white)
		c.fill(image.Rect(140, 135, 180, 190), color.RGBA{90, 60, 40, 255})
		c.fill(image.Rect(64, 135, 120, 170), color.RGBA{200, 225, 240, 255})
		c.fill(image.Rect(200, 135, 256, 170), color.RGBA{200, 225, 240, 255})
		c.text(8, 232, mark, red)
		return c.jpeg()
	}
	c := newCanvas(250, 350, paper)
	var title []string
	var body []string
	headerCol := color.RGBA{40, 40, 40, 255}
	switch kind {
	case supplier.DocNIB:
		headerCol = color.RGBA{20, 80, 150, 255}
		title = []string{"PERIZINAN BERUSAHA", "BERBASIS RISIKO", "NOMOR INDUK BERUSAHA"}
		body = []string{"NIB: " + orDash(d.nib), "", "Nama usaha:", d.business, "Pemilik: " + d.owner, "Alamat:", d.address,
			"Kec. " + d.kecamatan, "Kab. Solok Selatan", "", "Diterbitkan melalui", "sistem OSS RBA."}
	case supplier.DocNonPKP:
		title = []string{"SURAT PERNYATAAN", "BUKAN PENGUSAHA", "KENA PAJAK (NON-PKP)"}
		body = []string{"Yang bertanda tangan:", d.owner, "NPWP: " + d.npwp, "pemilik " + d.business, "",
			"menyatakan bahwa usaha", "kami belum dikukuhkan", "sebagai PKP karena omzet", "di bawah Rp4,8 miliar", "setahun.", "",
			"Padang Aro, bermeterai 10.000"}
	case supplier.DocPKP:
		headerCol = color.RGBA{20, 60, 130, 255}
		title = []string{"DIREKTORAT JENDERAL PAJAK", "SURAT PENGUKUHAN", "PENGUSAHA KENA PAJAK"}
		body = []string{"Nama: " + d.business, "NPWP: " + d.npwp, "Alamat:", d.address, "", "dikukuhkan sebagai", "Pengusaha Kena Pajak.",
			"", "KPP Pratama Solok"}
	case supplier.DocHalal:
		headerCol = color.RGBA{0, 120, 70, 255}
		title = []string{"BPJPH", "SERTIFIKAT HALAL", ""}
		body = []string{"Nama usaha:", d.business, "Pelaku usaha: " + d.owner, "", "Produk dinyatakan halal", "sesuai ketetapan",
			"Komite Fatwa.", "", "Berlaku selama tidak", "ada perubahan komposisi."}
	case supplier.DocPIRT:
		headerCol = color.RGBA{150, 60, 20, 255}
		title = []string{"PEMERINTAH KAB. SOLOK SELATAN", "SERTIFIKAT PRODUKSI", "PANGAN INDUSTRI RUMAH TANGGA"}
		body = []string{"Nama usaha:", d.business, "Pemilik: " + d.owner, "Alamat:", d.address, "", "No. P-IRT:", "2061311010427-29",
			"", "Dinas Kesehatan", "Kab. Solok Selatan"}
	default:
		title = []string{"DOKUMEN", "", ""}
		body = []string{d.business, d.owner}
	}
	c.fill(image.Rect(0, 0, 250, 46), headerCol)
	for i, t := range title {
		c.centred(13+14*i, t, white)
	}
	for i, l := range body {
		c.text(12, 66+15*i, l, ink)
	}
	c.ring(190, 300, 24, color.RGBA{60, 70, 170, 255})
	c.fill(image.Rect(120, 312, 230, 313), ink)
	c.text(6, 342, mark, red)
	return c.jpeg()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

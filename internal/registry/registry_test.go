package registry_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgxpool"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/demo"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/registry"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// newService returns a Service on a fresh database with the regions loaded.
func newService(t *testing.T) (*registry.Service, *pgxpool.Pool) {
	t.Helper()
	db := pgtest.New(t)
	if err := demo.SeedReference(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return registry.NewService(db), db
}

// as returns a context signed in as a new account holding role.
func as(t *testing.T, db *pgxpool.Pool, role auth.Role) context.Context {
	t.Helper()
	ctx := context.Background()
	u, err := auth.NewService(db, "", nil).CreateUser(auth.SystemContext(ctx), auth.UserInput{
		Name: "Petugas " + string(role), Email: string(role) + "@solselkab.test", Password: "rahasia-yang-panjang",
		Grants: []auth.Grant{{Role: role, OPDID: opdFor(t, db, role)}}})
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithUser(ctx, u, "10.0.0.7")
}

func opdFor(t *testing.T, db *pgxpool.Pool, role auth.Role) int64 {
	t.Helper()
	if !role.NeedsOPD() {
		return 0
	}
	var id int64
	if err := db.QueryRow(context.Background(), "SELECT id FROM opds ORDER BY id LIMIT 1").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// csvFile joins lines into a CSV file.
func csvFile(lines ...string) []byte { return []byte(strings.Join(lines, "\n") + "\n") }

// importFile previews and imports data, failing the test on any error.
func importFile(t *testing.T, ctx context.Context, svc *registry.Service, data []byte) *registry.Summary {
	t.Helper()
	prev, err := svc.Preview(ctx, "daftar.csv", data)
	if err != nil {
		t.Fatalf("preview: %v", err)
	}
	sum, err := svc.Import(ctx, "daftar.csv", data, prev.SHA256)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	counts := func(s *registry.Summary) [5]int { return [5]int{s.Total, s.Created, s.Updated, s.Unchanged, s.Skipped} }
	if diff := cmp.Diff(counts(sum), counts(prev)); diff != "" {
		t.Errorf("import counts differ from the preview's (total, created, updated, unchanged, skipped):\n%s", diff)
	}
	return sum
}

// fingerprint identifies the stored version of every registry row: any
// write, even one that changes nothing, gives a row a new xmin.
func fingerprint(t *testing.T, db *pgxpool.Pool) string {
	t.Helper()
	var s string
	err := db.QueryRow(context.Background(), `SELECT coalesce(string_agg(id || ':' || xmin::text || ':' || updated_at::text, ',' ORDER BY id), '')
		FROM registry_entries`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func count(t *testing.T, db *pgxpool.Pool, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// problem is what the tests compare of a registry.Problem.
type problem struct {
	Row   int
	Field registry.Field
	Says  string
}

func problemsOf(sum *registry.Summary, says map[int]string) []problem {
	var out []problem
	for _, p := range sum.Problems {
		pr := problem{Row: p.Row, Field: p.Field}
		if w := says[p.Row]; w != "" && strings.Contains(p.Message, w) {
			pr.Says = w
		}
		out = append(out, pr)
	}
	return out
}

// Each broken row is reported with its row number as the spreadsheet shows
// it, and only the good rows are imported.
func TestService_PreviewReportsRowProblems(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	ctx := as(t, db, auth.RoleKoperindag)
	data := csvFile(
		"Nama Usaha;Pemilik;NIK;NIB;No HP;Kec.;Desa/Nagari;Skala",
		"Kopi Janggut;Syafrizal;1311011406760789;9120182480106;0812-3456-7890;Sangir;Lubuk Gadang;Usaha Mikro", // 2 ok
		"Kerupuk Tiga Saudara;Yenni;131101140676;;;Sungai Pagu;;Mikro",                                         // 3 NIK
		"Kipang Pulut Uni Yen;Yenni;;91201824801;;Sangir;;",                                                    // 4 NIB
		"Lapau Ajo Rizal;Afrizal;;;0812-34;Sangir;;",                                                           // 5 phone
		"Rumah Makan Saiyo;Nasrul;;;;Lembah Gumanti;;",                                                         // 6 kecamatan
		"Dodol Durian Abai;Upik;;;;Sangir;Abai;",                                                               // 7 nagari elsewhere
		";Tanpa Nama;;;;Sangir;;",                                                                              // 8 no name
		"KOPI JANGGUT;Syafrizal;;9120182480106;;Sangir;;",                                                      // 9 same NIB as row 2
		"Toko Saiyo;Harmen;;;;Pauh Duo;Alam Pauh Duo;",                                                         // 10 ok
		"TOKO SAIYO;Harmen;;;;PAUAH DUO;Alam Pauh Duo;",                                                        // 11 same name and nagari as 10
		"Salon Uni Rina;Rina;;;;Sangir;;Besar",                                                                 // 12 scale
		"Bengkel Saiyo Motor;Jufri;1311011406760789;;;Sangir;;",                                                // 13 ok: same owner as row 2, own business
	)
	sum, err := svc.Preview(ctx, "daftar.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	says := map[int]string{3: "NIK harus 16 angka.", 4: "NIB harus 13 angka.", 5: "Nomor HP tidak valid.",
		6: `Kecamatan "Lembah Gumanti" tidak dikenal`, 7: "Nagari Abai tidak berada di Kecamatan Sangir, tetapi di Kecamatan Sangir Batang Hari.",
		8: "Nama usaha wajib diisi.", 9: "sama dengan baris 2 (NIB sama)", 11: "sama dengan baris 10 (nama usaha dan nagari sama",
		12: `Skala usaha "Besar" tidak dikenal`}
	want := []problem{
		{3, registry.FieldNIK, says[3]}, {4, registry.FieldNIB, says[4]}, {5, registry.FieldPhone, says[5]},
		{6, registry.FieldKecamatan, says[6]}, {7, registry.FieldNagari, says[7]}, {8, registry.FieldBusinessName, says[8]},
		{9, "", says[9]}, {11, "", says[11]}, {12, registry.FieldScale, says[12]},
	}
	if diff := cmp.Diff(problemsOf(sum, says), want); diff != "" {
		t.Errorf("problems (-got +want):\n%s\nall: %+v", diff, sum.Problems)
	}
	if got := [4]int{sum.Total, sum.Created, sum.Skipped, len(sum.Sample)}; got != [4]int{12, 3, 9, 3} {
		t.Errorf("total, created, skipped, sample = %v, want [12 3 9 3]", got)
	}
	first := sum.Sample[0].Entry
	if first.NIK != "1311011406760789" || first.Phone != "+6281234567890" || first.Scale != registry.ScaleMikro ||
		first.KecamatanName != "Sangir" || first.NagariName != "Lubuk Gadang" {
		t.Errorf("first row as stored: %+v", first)
	}
	if n := count(t, db, "SELECT count(*) FROM registry_entries"); n != 0 {
		t.Errorf("preview stored %d rows, want none", n)
	}

	got := importFile(t, ctx, svc, data)
	if got.Created != 3 || got.Skipped != 9 {
		t.Errorf("import created %d and skipped %d, want 3 and 9", got.Created, got.Skipped)
	}
}

// Importing the same file again writes nothing and reports every row
// unchanged; the import itself is still recorded, once, in the audit trail.
func TestService_ImportTwiceWritesNothing(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	ctx := as(t, db, auth.RoleKoperindag)
	var buf bytes.Buffer
	if err := registry.Generate(registry.GenerateOptions{Count: 400, Seed: 3}).WriteCSV(&buf, ';'); err != nil {
		t.Fatal(err)
	}
	first := importFile(t, ctx, svc, buf.Bytes())
	if first.Created != 400 || first.Written() != 400 || first.Skipped != 0 {
		t.Fatalf("first import: %+v", first)
	}
	before := fingerprint(t, db)
	again := importFile(t, ctx, svc, buf.Bytes())
	if again.Unchanged != 400 || again.Written() != 0 {
		t.Errorf("second import: %d unchanged, %d written; want 400 and 0", again.Unchanged, again.Written())
	}
	if fingerprint(t, db) != before {
		t.Error("second import wrote registry rows")
	}
	if n := count(t, db, "SELECT count(*) FROM registry_imports"); n != 2 {
		t.Errorf("%d imports recorded, want 2", n)
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log WHERE action = 'registry.import'"); n != 2 {
		t.Errorf("%d audit entries, want one per import", n)
	}
	var details string
	err := db.QueryRow(context.Background(), `SELECT details::text FROM audit_log WHERE action = 'registry.import' AND entity_id = $1`,
		strconv.FormatInt(again.ImportID, 10)).Scan(&details)
	if err != nil || !strings.Contains(details, `"unchanged": 400`) || !strings.Contains(details, `"created": 0`) {
		t.Errorf("audit details %s (%v), want the counts", details, err)
	}
}

// A changed phone number updates that row only.
func TestService_ImportUpdatesChangedPhone(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	ctx := as(t, db, auth.RoleKoperindag)
	header := "Nama Usaha,Nama Pemilik,NIB,No HP,Kecamatan,Nagari"
	importFile(t, ctx, svc, csvFile(header,
		"Kopi Janggut,Syafrizal,9120182480106,0812 3456 7890,Sangir,Lubuk Gadang",
		"Kerupuk Tiga Saudara,Yenni,,0813 1111 2222,Sungai Pagu,Pasar Muara Labuh"))
	before := fingerprint(t, db)
	sum := importFile(t, ctx, svc, csvFile(header,
		"Kopi Janggut,Syafrizal,9120182480106,0852 7777 8888,Sangir,Lubuk Gadang",
		"Kerupuk Tiga Saudara,Yenni,,0813 1111 2222,Sungai Pagu,Pasar Muara Labuh"))
	if sum.Updated != 1 || sum.Unchanged != 1 || sum.Created != 0 {
		t.Errorf("got %d updated, %d unchanged, %d created; want 1, 1, 0", sum.Updated, sum.Unchanged, sum.Created)
	}
	var phone string
	if err := db.QueryRow(context.Background(), "SELECT phone FROM registry_entries WHERE nib = '9120182480106'").Scan(&phone); err != nil || phone != "+6285277778888" {
		t.Errorf("phone %q (%v), want +6285277778888", phone, err)
	}
	after := fingerprint(t, db)
	changed := 0
	for i, row := range strings.Split(after, ",") {
		if row != strings.Split(before, ",")[i] {
			changed++
		}
	}
	if changed != 1 {
		t.Errorf("%d rows written, want 1", changed)
	}
}

// A business is recognised by its NIB, else its NIK, else its name and
// nagari; an empty cell keeps what is stored.
func TestService_ImportMatchesKnownBusinesses(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	ctx := as(t, db, auth.RoleKoperindag)
	header := "Nama Usaha;NIK;NIB;No HP;Kecamatan;Nagari;Jenis Usaha"
	importFile(t, ctx, svc, csvFile(header,
		"Kopi Janggut;;9120182480106;;Sangir;Lubuk Gadang;Kuliner",
		"Kerupuk Tiga Saudara;1311024508840383;;;Sungai Pagu;Pasar Muara Labuh;",
		"CV. Kipang Pulut Saiyo;;;;Sangir;Lubuk Gadang Timur;",
		"Kipang Pulut Saiyo;;;;Sangir;Lubuk Gadang Utara;"))
	tests := []struct {
		name, row string
		action    registry.Action
		check     string // a query that must count 1 afterwards
	}{
		{"by NIB, renamed", "Kopi Jangguik;;9120182480106;;Sangir;Lubuk Gadang;", registry.ActionUpdate,
			"SELECT count(*) FROM registry_entries WHERE nib = '9120182480106' AND business_name = 'Kopi Jangguik' AND sector = 'Kuliner'"},
		{"by NIK, NIB added", "Kerupuk Nasi Tiga Saudara;1311024508840383;2206395368634;;Sungai Pagu;Pasar Muara Labuh;", registry.ActionUpdate,
			"SELECT count(*) FROM registry_entries WHERE nik = '1311024508840383' AND nib = '2206395368634'"},
		{"by name and nagari", "KIPANG PULUT SAIYO;;;0812 1234 5678;Kec. Sangir;LUBUK GADANG TIMUR;", registry.ActionUpdate,
			"SELECT count(*) FROM registry_entries WHERE business_name = 'KIPANG PULUT SAIYO' AND nagari_code = '13.11.01.2002' AND phone = '+6281212345678'"},
		{"same name, other nagari", "Kipang Pulut Saiyo;;;;Sangir;Lubuk Gadang Selatan;", registry.ActionCreate,
			"SELECT count(*) FROM registry_entries WHERE nagari_code = '13.11.01.2003'"},
		{"same as stored", "Kipang Pulut Saiyo;;;;SANGIR;Lubuk Gadang Utara;", registry.ActionUnchanged,
			"SELECT count(*) FROM registry_entries WHERE nagari_code = '13.11.01.2004'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum := importFile(t, ctx, svc, csvFile(header, tt.row))
			if len(sum.Sample) != 1 || sum.Sample[0].Action != tt.action {
				t.Fatalf("got %+v, want one row %s", sum.Sample, tt.action)
			}
			if n := count(t, db, tt.check); n != 1 {
				t.Errorf("%s: %d rows, want 1", tt.check, n)
			}
		})
	}
	if n := count(t, db, "SELECT count(*) FROM registry_entries"); n != 5 {
		t.Errorf("%d entries, want 5 (one created by the tests)", n)
	}
}

// Windows-1252 files from Excel keep their accents; so do UTF-8 files with
// a byte order mark, and text once misread as Windows-1252 is repaired.
func TestService_ImportEncodings(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	ctx := as(t, db, auth.RoleKoperindag)
	files := [][]byte{
		[]byte("Nama Usaha;Nama Pemilik;Kecamatan\r\nCaf\xe9 Liki;Jos\xe9;Sangir\r\n"),
		[]byte("\xef\xbb\xbfNama Usaha,Nama Pemilik,Kecamatan\r\nKedai Andr\xc3\xa9,Andr\xc3\xa9,Sangir\r\n"),
		[]byte("Nama Usaha\tNama Pemilik\tKecamatan\nToko Ren\xc3\x83\xc2\xa9\tRen\xc3\x83\xc2\xa9\tSangir\n"),
	}
	for _, f := range files {
		importFile(t, ctx, svc, f)
	}
	rows, err := db.Query(context.Background(), "SELECT business_name || '/' || owner_name FROM registry_entries ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		got = append(got, s)
	}
	if diff := cmp.Diff(got, []string{"Café Liki/José", "Kedai André/André", "Toko René/René"}); diff != "" {
		t.Errorf("stored names (-got +want):\n%s", diff)
	}
}

// A generated XLSX registry with mistakes goes through: every spoiled row,
// and only those, is reported, and the rest is imported.
func TestService_ImportGeneratedXLSX(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	ctx := as(t, db, auth.RoleAdmin)
	sh := registry.Generate(registry.GenerateOptions{Count: 300, Seed: 11, Mistakes: 18})
	var buf bytes.Buffer
	if err := sh.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	sum := importFile(t, ctx, svc, buf.Bytes())
	if sum.Format != "XLSX" || sum.Total != 300 || sum.Created != 300-18 || sum.Skipped != 18 {
		t.Fatalf("got format %s, %d rows, %d created, %d skipped; want XLSX, 300, 282, 18", sum.Format, sum.Total, sum.Created, sum.Skipped)
	}
	for _, p := range sum.Problems {
		if sh.Mistakes[p.Row] == "" {
			t.Errorf("row %d has no mistake but got %q", p.Row, p.Message)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM registry_entries WHERE notes ? 'Tahun Berdiri' AND notes ? 'Tenaga Kerja'"); n != 282 {
		t.Errorf("%d entries keep the extra columns in their notes, want 282", n)
	}
	if n := count(t, db, "SELECT count(*) FROM registry_entries WHERE notes ? 'No'"); n != 0 {
		t.Errorf("%d entries keep the running number, want none", n)
	}
}

// Only Koperindag staff and admins import; auditors may read.
func TestService_Authorization(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	data := csvFile("Nama Usaha,Kecamatan", "Kopi Janggut,Sangir")
	pp, auditor := as(t, db, auth.RolePP), as(t, db, auth.RoleAuditor)
	if _, err := svc.Preview(pp, "a.csv", data); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("pp preview: got %v, want Forbidden", err)
	}
	if _, err := svc.Import(pp, "a.csv", data, ""); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("pp import: got %v, want Forbidden", err)
	}
	if _, err := svc.Entries(pp, registry.EntryFilter{}); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("pp list: got %v, want Forbidden", err)
	}
	if _, err := svc.Preview(auditor, "a.csv", data); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("auditor preview: got %v, want Forbidden", err)
	}
	if _, err := svc.Entries(auditor, registry.EntryFilter{}); err != nil {
		t.Errorf("auditor list: %v", err)
	}
	if _, err := svc.Preview(context.Background(), "a.csv", data); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("nobody signed in: got %v, want Forbidden", err)
	}
}

// Import refuses a file other than the one previewed.
func TestService_ImportChangedFile(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	ctx := as(t, db, auth.RoleKoperindag)
	prev, err := svc.Preview(ctx, "a.csv", csvFile("Nama Usaha,Kecamatan", "Kopi Janggut,Sangir"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.Import(ctx, "a.csv", csvFile("Nama Usaha,Kecamatan", "Kopi Janggut,Sungai Pagu"), prev.SHA256)
	if !errors.Is(err, registry.ErrChanged) || !errors.Is(err, apperr.Conflict) {
		t.Errorf("got %v, want ErrChanged", err)
	}
	if n := count(t, db, "SELECT count(*) FROM registry_entries"); n != 0 {
		t.Errorf("%d rows stored, want none", n)
	}
}

// The list filters by place, sector, status and text, and counts per status.
func TestService_Entries(t *testing.T) {
	t.Parallel()
	svc, db := newService(t)
	ctx := as(t, db, auth.RoleKoperindag)
	importFile(t, ctx, svc, csvFile("Nama Usaha;NIB;No HP;Kecamatan;Nagari;Sektor",
		"Kopi Janggut;9120182480106;0812 3456 7890;Sangir;Lubuk Gadang;Kuliner",
		"Kerupuk Tiga Saudara;;;Sungai Pagu;Pasar Muara Labuh;Industri Makanan",
		"Kipang Pulut Saiyo;;;Sangir;Lubuk Gadang Timur;industri makanan",
		"Toko ATK Amanah;;;Pauh Duo;;Perdagangan"))
	bg := context.Background()
	var supplierID int64
	if err := db.QueryRow(bg, "INSERT INTO suppliers (name) VALUES ('Kopi Janggut') RETURNING id").Scan(&supplierID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(bg, "UPDATE registry_entries SET supplier_id = $1 WHERE business_name = 'Kopi Janggut'", supplierID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(bg, `INSERT INTO invitations (registry_entry_id, code_hash, expires_at)
		SELECT id, 'x', now() + interval '30 days' FROM registry_entries WHERE business_name = 'Kerupuk Tiga Saudara'`); err != nil {
		t.Fatal(err)
	}
	names := func(l *registry.EntryList) []string {
		var out []string
		for _, e := range l.Entries {
			out = append(out, e.BusinessName)
		}
		return out
	}
	tests := []struct {
		name   string
		filter registry.EntryFilter
		want   []string
	}{
		{"all", registry.EntryFilter{}, []string{"Kerupuk Tiga Saudara", "Kipang Pulut Saiyo", "Kopi Janggut", "Toko ATK Amanah"}},
		{"kecamatan", registry.EntryFilter{KecamatanCode: "13.11.01"}, []string{"Kipang Pulut Saiyo", "Kopi Janggut"}},
		{"nagari", registry.EntryFilter{NagariCode: "13.11.01.2002"}, []string{"Kipang Pulut Saiyo"}},
		{"sector, any case", registry.EntryFilter{Sector: "Industri Makanan"}, []string{"Kerupuk Tiga Saudara", "Kipang Pulut Saiyo"}},
		{"not invited", registry.EntryFilter{Status: registry.StatusNotInvited}, []string{"Kipang Pulut Saiyo", "Toko ATK Amanah"}},
		{"invited", registry.EntryFilter{Status: registry.StatusInvited}, []string{"Kerupuk Tiga Saudara"}},
		{"registered", registry.EntryFilter{Status: registry.StatusRegistered}, []string{"Kopi Janggut"}},
		{"text", registry.EntryFilter{Query: "pulut"}, []string{"Kipang Pulut Saiyo"}},
		{"phone", registry.EntryFilter{Query: "0812-3456"}, []string{"Kopi Janggut"}},
		{"NIB", registry.EntryFilter{Query: "91201824"}, []string{"Kopi Janggut"}},
		{"wildcards are text", registry.EntryFilter{Query: "%"}, nil},
		{"page 2", registry.EntryFilter{Limit: 3, Offset: 3}, []string{"Toko ATK Amanah"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := svc.Entries(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(names(l), tt.want); diff != "" {
				t.Errorf("entries (-got +want):\n%s", diff)
			}
		})
	}
	l, err := svc.Entries(ctx, registry.EntryFilter{KecamatanCode: "13.11.01", Status: registry.StatusRegistered})
	if err != nil {
		t.Fatal(err)
	}
	want := map[registry.Status]int{registry.StatusNotInvited: 1, registry.StatusRegistered: 1}
	if diff := cmp.Diff(l.ByStatus, want); diff != "" || l.Total != 1 || l.All != 2 {
		t.Errorf("total %d, all %d, by status (-got +want):\n%s", l.Total, l.All, diff)
	}
	if l.Entries[0].Status != registry.StatusRegistered || l.Entries[0].SupplierID != supplierID || l.Entries[0].NagariName != "Lubuk Gadang" {
		t.Errorf("entry %+v", l.Entries[0])
	}
	sectors, err := svc.Sectors(ctx)
	if err != nil || len(sectors) != 3 {
		t.Errorf("sectors %q (%v), want 3", sectors, err)
	}
	imports, err := svc.Imports(ctx, 10)
	if err != nil || len(imports) != 1 || imports[0].Created != 4 || imports[0].ImportedBy != "Petugas koperindag" {
		t.Errorf("imports %+v (%v)", imports, err)
	}
}

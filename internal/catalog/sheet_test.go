package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/catalog"
	"lapak/internal/supplier"
)

// userCtx creates an account holding role (for supplierID) and returns its context.
func (f *fixture) userCtx(role auth.Role, supplierID int64, email string) context.Context {
	f.t.Helper()
	svc := auth.NewService(f.db, "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	u, err := svc.CreateUser(auth.SystemContext(context.Background()), auth.UserInput{Name: "Pengguna " + email, Email: email,
		Password: "rahasia-yang-panjang", Grants: []auth.Grant{{Role: role, SupplierID: supplierID}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return auth.WithUser(context.Background(), u, "127.0.0.1")
}

func xlsx(t *testing.T, rows [][]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestService_BulkUpdate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.mustSupplier("Toko Sangir Jaya", supplier.StatusVerified, supplier.ScaleMikro, false, "13.11.01")
	other := f.mustSupplier("Toko Lain", supplier.StatusVerified, supplier.ScaleMikro, false, "13.11.02")
	ctx := f.userCtx(auth.RoleSupplier, sup, "pemilik@test.id")
	hvs := f.mustListing(sup, f.input("Kertas HVS A4", "55000", "KAT03"), true)
	mapp := f.mustListing(sup, f.input("Map plastik", "3000", "KAT01"), true)
	pena := f.mustListing(sup, f.input("Pena hitam", "2500", "KAT01"), false)
	tenda := f.input("Sewa tenda", "450000", "KAT16")
	tenda.Kind = "services"
	sewa := f.mustListing(sup, tenda, true)
	foreign := f.mustListing(other, f.input("Map orang lain", "3000", "KAT01"), true)

	rows, err := f.svc.BulkSheet(ctx, sup)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("download has %d rows, want 4", len(rows))
	}
	csv := strings.Join([]string{
		"id;nama_produk;satuan;harga;stok;status",
		itoa(hvs.ID) + ";Kertas HVS A4;buah;Rp 57.500;80;Tayang",  // price and stock change
		itoa(mapp.ID) + ";Map plastik;buah;3.000;100;Tayang",      // unchanged
		itoa(pena.ID) + ";Pena hitam;buah;-2500;100;Draf",         // negative price
		itoa(foreign.ID) + ";Map orang lain;buah;1000;5;Tayang",   // not ours
		"abc;Baris rusak;buah;1000;5;",                            // no id
		itoa(sewa.ID) + ";Sewa tenda;buah;450.000;lima;Tayang",    // stock not a number
		itoa(hvs.ID) + ";Kertas HVS A4 lagi;buah;60000;80;Tayang", // the same listing twice
		itoa(sewa.ID+1000) + ";Tidak ada;buah;1000;1;Tayang",      // unknown id
	}, "\n")
	p, err := f.svc.PreviewBulkUpdate(ctx, sup, "produk.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Line     int
		Changed  bool
		Problems []string
	}
	var got []row
	for _, r := range p.Rows {
		got = append(got, row{r.Line, r.Changed, r.Problems})
	}
	want := []row{
		{2, true, nil},
		{3, false, nil},
		{4, false, []string{"Harga: Harga tidak boleh negatif."}},
		{5, false, []string{"Produk dengan id " + itoa(foreign.ID) + " bukan milik usaha Anda atau sudah tidak ada."}},
		{6, false, []string{"Kolom id kosong atau bukan angka; jangan ubah kolom id."}},
		{7, false, []string{"Stok harus berupa angka bulat 0 atau lebih."}},
		{8, false, []string{"Produk ini sudah ada di baris 2 berkas ini."}},
		{9, false, []string{"Produk dengan id " + itoa(sewa.ID+1000) + " bukan milik usaha Anda atau sudah tidak ada."}},
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Fatalf("preview rows (-got +want):\n%s", diff)
	}
	if p.Changed != 1 || p.Rejected != 6 {
		t.Errorf("changed %d, rejected %d; want 1, 6", p.Changed, p.Rejected)
	}
	// Nothing changes before the supplier confirms.
	if l, _ := f.svc.Listing(ctx, hvs.ID); l.Price != 55000 {
		t.Fatalf("price changed before confirmation: %d", l.Price)
	}
	// Another account of another supplier cannot apply it.
	if _, err := f.svc.ApplyBulkUpdate(f.userCtx(auth.RoleSupplier, other, "lain@test.id"), other, p.UploadID); !errors.Is(err, apperr.Conflict) {
		t.Errorf("applying someone else's preview: got %v, want Conflict", err)
	}
	before, _ := f.svc.Listing(ctx, hvs.ID)
	n, err := f.svc.ApplyBulkUpdate(ctx, sup, p.UploadID)
	if err != nil || n != 1 {
		t.Fatalf("apply: %d, %v", n, err)
	}
	l, _ := f.svc.Listing(ctx, hvs.ID)
	if l.Price != 57500 || *l.Stock != 80 || l.Version != before.Version+1 {
		t.Errorf("after apply: price %d stock %d version %d", l.Price, *l.Stock, l.Version)
	}
	hist, _ := f.svc.PriceHistory(ctx, hvs.ID)
	if len(hist) != 2 || hist[1].Price != 57500 || hist[1].Source != "bulk" {
		t.Errorf("price history %+v", hist)
	}
	if _, err := f.svc.ApplyBulkUpdate(ctx, sup, p.UploadID); !errors.Is(err, catalog.ErrUploadGone) {
		t.Errorf("applying twice: got %v, want ErrUploadGone", err)
	}

	t.Run("XLSX with a service's capacity", func(t *testing.T) {
		data := xlsx(t, [][]any{{"ID", "Nama Produk", "Harga", "Stok"}, {sewa.ID, "Sewa tenda", 475000, 3}})
		p, err := f.svc.PreviewBulkUpdate(ctx, sup, "produk.xlsx", bytes.NewReader(data))
		if err != nil || p.Changed != 1 {
			t.Fatalf("preview: %+v %v", p, err)
		}
		if _, err := f.svc.ApplyBulkUpdate(ctx, sup, p.UploadID); err != nil {
			t.Fatal(err)
		}
		l, _ := f.svc.Listing(ctx, sewa.ID)
		if l.Price != 475000 || l.DailyCapacity == nil || *l.DailyCapacity != 3 || l.Stock != nil {
			t.Errorf("after apply: price %d capacity %v stock %v", l.Price, l.DailyCapacity, l.Stock)
		}
	})
	t.Run("a listing changed after the preview", func(t *testing.T) {
		p, err := f.svc.PreviewBulkUpdate(ctx, sup, "produk.csv", strings.NewReader("id,harga\n"+itoa(mapp.ID)+",4000\n"+itoa(hvs.ID)+",58000"))
		if err != nil || p.Changed != 2 {
			t.Fatalf("preview: %+v %v", p, err)
		}
		cur, _ := f.svc.Listing(ctx, mapp.ID)
		in := catalog.InputFrom(cur)
		in.Price = "3.200"
		if _, err := f.svc.UpdateListing(ctx, mapp.ID, cur.Version, in); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ApplyBulkUpdate(ctx, sup, p.UploadID); !errors.Is(err, catalog.ErrBulkStale) {
			t.Fatalf("got %v, want ErrBulkStale", err)
		}
		if l, _ := f.svc.Listing(ctx, hvs.ID); l.Price != 57500 {
			t.Errorf("one transaction: the other row changed anyway (%d)", l.Price)
		}
	})
	t.Run("bad files", func(t *testing.T) {
		for name, data := range map[string]string{
			"no id column":  "nama,harga\nMap,1000",
			"only a header": "id,harga\n",
			"a picture":     "\x89PNG\r\n\x1a\n\x00\x00binary",
			"broken XLSX":   "PK\x03\x04garbage",
		} {
			p, err := f.svc.PreviewBulkUpdate(ctx, sup, name, strings.NewReader(data))
			if err == nil && len(p.Missing) == 0 {
				t.Errorf("%s: accepted: %+v", name, p)
			}
			if err != nil && apperr.Message(err) == "" {
				t.Errorf("%s: error without a message for users: %v", name, err)
			}
		}
	})
}

func TestService_SSHImport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.userCtx(auth.RoleAdmin, 0, "admin@test.id")
	sup := f.mustSupplier("Toko Sangir Jaya", supplier.StatusVerified, supplier.ScaleMikro, false, "13.11.01")
	if _, err := catalog.InsertSSHItem(context.Background(), f.db, catalog.SSHItem{Code: "1.1.7.01.01", Description: "Kertas HVS A4 70 gram",
		Unit: "rim", Ceiling: 60000, Year: 2025}); err != nil {
		t.Fatal(err)
	}
	in := f.input("Kertas HVS A4", "58.000", "KAT03")
	in.SSHCode = "1.1.7.01.01"
	linked := f.mustListing(sup, in, true)
	if linked.AboveCeiling() {
		t.Fatal("58.000 under a 60.000 ceiling is flagged")
	}
	// Flexible headers, a semicolon, Indonesian prices, and bad rows.
	csv := "\ufeffKode Barang;Nama Barang;Spesifikasi;Satuan;Harga Satuan;Tahun Anggaran;Dasar Hukum\n" +
		"1.1.7.01.01;Kertas HVS A4 70 gram;Sinar Dunia;rim;Rp 55.000;2026;Perbup 12/2025\n" + // lowers a known ceiling
		"1.1.7.01.02;Map plastik kancing;;buah;3.500;2026;Perbup 12/2025\n" + // new
		";Tanpa kode;;buah;1000;2026;\n" +
		"1.1.7.01.03;Pena;;buah;satu juta;2026;\n" +
		"1.1.7.01.04;Sapu ijuk;;;12.000;2026;\n" +
		"1.1.7.01.05;Ember;;buah;0;2026;\n" +
		"1.1.7.01.02;Map dua kali;;buah;3.000;2026;\n" +
		"1.1.7.01.06;Tinta;;botol;25.000;dua ribu;\n"
	p, err := f.svc.PreviewSSHImport(admin, "ssh-2026.csv", strings.NewReader(csv), catalog.SSHDefaults{})
	if err != nil {
		t.Fatal(err)
	}
	var problems [][]string
	for _, r := range p.Rows {
		problems = append(problems, r.Problems)
	}
	want := [][]string{nil, nil, {"Kode kosong."}, {"Harga tidak valid. Contoh: 1.250.000."}, {"Satuan kosong atau tidak jelas."},
		{"Harga harus lebih dari Rp0."}, {"Kode 1.1.7.01.02 sudah ada di baris 3 berkas ini."}, {"Tahun tidak dikenali: dua ribu."}}
	if diff := cmp.Diff(problems, want); diff != "" {
		t.Fatalf("row problems (-got +want):\n%s", diff)
	}
	if p.Created != 1 || p.Updated != 1 || p.Rejected != 6 {
		t.Errorf("preview counts: %d new, %d updated, %d rejected", p.Created, p.Updated, p.Rejected)
	}
	res, err := f.svc.ApplySSHImport(admin, p.UploadID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || res.Updated != 1 || res.ListingsRechecked != 1 {
		t.Errorf("import result %+v", res)
	}
	// The linked listing now sits above the lowered ceiling, and is marked.
	l, err := f.svc.Listing(visitor, linked.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !l.AboveCeiling() || l.SSHCeiling != 55000 {
		t.Errorf("after the import: ceiling %d, above %v", l.SSHCeiling, l.AboveCeiling())
	}
	items, err := f.svc.SSHItems(visitor, "map plastik", 10)
	if err != nil || len(items) != 1 || items[0].Ceiling != 3500 || items[0].LegalBasis != "Perbup 12/2025" {
		t.Errorf("imported item: %+v %v", items, err)
	}
	var changes int
	if err := f.db.QueryRow(context.Background(), `SELECT count(*) FROM ssh_item_changes WHERE old_ceiling = 60000 AND new_ceiling = 55000`).Scan(&changes); err != nil || changes != 1 {
		t.Errorf("history of the changed ceiling: %d rows, %v", changes, err)
	}

	t.Run("the shared sample file", func(t *testing.T) {
		data, err := os.ReadFile("../demo/data/ssh_items.csv")
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.svc.PreviewSSHImport(admin, "ssh_items.csv", bytes.NewReader(data), catalog.SSHDefaults{LegalBasis: "Contoh"})
		if err != nil {
			t.Fatal(err)
		}
		// Two rows of the sample have no unit ("(tidak tercantum di sumber)").
		if p.Created != 328 || p.Rejected != 2 || len(p.Missing) != 0 {
			t.Errorf("sample: %d new, %d rejected, missing %v", p.Created, p.Rejected, p.Missing)
		}
	})
	t.Run("a file without the needed columns", func(t *testing.T) {
		p, err := f.svc.PreviewSSHImport(admin, "x.csv", strings.NewReader("nama,alamat\nA,B"), catalog.SSHDefaults{})
		// "nama" is read as the description; code, unit and price are missing.
		if err != nil || len(p.Missing) != 3 {
			t.Errorf("missing columns %v, err %v", p.Missing, err)
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		data := xlsx(t, [][]any{{"kode", "uraian", "satuan", "harga"}, {"X-1", "Lakban bening", "roll", 12000}})
		p, err := f.svc.PreviewSSHImport(admin, "x.xlsx", bytes.NewReader(data), catalog.SSHDefaults{Year: "2026"})
		if err != nil || p.Created != 1 || p.Rows[0].Year != 2026 || p.Rows[0].Ceiling != 12000 {
			t.Errorf("xlsx preview %+v %v", p, err)
		}
	})
}

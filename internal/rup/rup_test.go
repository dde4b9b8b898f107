package rup_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"lapak/internal/apperr"
	"lapak/internal/rules/rulestest"
	"lapak/internal/rup"
	"lapak/internal/validate"
)

func TestCreatePackage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p, err := f.svc.CreatePackage(f.as("pp"), rup.Input{KodeRUP: " 41234567 ", Name: "  Belanja ATK Puskesmas ", Pagu: "Rp 150.000.000",
		FundingSource: "dak", AccountCode: "5.1.02.01.01.0024", FiscalYear: "2026", PPKUserID: f.users["ppk"].ID})
	if err != nil {
		t.Fatal(err)
	}
	if p.OPDID != f.opd || p.KodeRUP != "41234567" || p.Name != "Belanja ATK Puskesmas" || p.Pagu != 150_000_000 ||
		p.FundingSource != "DAK" || p.FiscalYear != 2026 || p.PPKUserID != f.users["ppk"].ID || p.PPKName == "" || !p.Active || p.Origin != "manual" {
		t.Errorf("got %+v", p)
	}
	if n := f.count(t, "SELECT count(*) FROM audit_log WHERE action = 'rup.create' AND entity_id = $1", strconv.FormatInt(p.ID, 10)); n != 1 {
		t.Errorf("audit entries: got %d, want 1", n)
	}
	// An admin chooses the OPD.
	q, err := f.svc.CreatePackage(f.as("admin"), rup.Input{OPDID: f.other, KodeRUP: "41234568", Name: "Sewa tenda", Pagu: "20000000",
		FundingSource: "APBD", FiscalYear: "2026"})
	if err != nil || q.OPDID != f.other {
		t.Errorf("admin create: %+v, %v", q, err)
	}
}

func TestCreatePackage_Validation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mustPackage(t, "41230000", 1_000_000)
	ok := rup.Input{KodeRUP: "41234567", Name: "Belanja ATK", Pagu: "150000000", FundingSource: "APBD", FiscalYear: "2026"}
	tests := []struct {
		name  string
		edit  func(*rup.Input)
		field string
	}{
		{"Kode RUP berhuruf", func(in *rup.Input) { in.KodeRUP = "RUP-123" }, "kode_rup"},
		{"Kode RUP terlalu pendek", func(in *rup.Input) { in.KodeRUP = "1234" }, "kode_rup"},
		{"Kode RUP sudah terdaftar", func(in *rup.Input) { in.KodeRUP = "41230000" }, "kode_rup"},
		{"nama kosong", func(in *rup.Input) { in.Name = " " }, "name"},
		{"pagu bukan angka", func(in *rup.Input) { in.Pagu = "seratus juta" }, "pagu"},
		{"pagu nol", func(in *rup.Input) { in.Pagu = "0" }, "pagu"},
		{"pagu bersen", func(in *rup.Input) { in.Pagu = "1.000,50" }, "pagu"},
		{"sumber dana tidak dikenal", func(in *rup.Input) { in.FundingSource = "HIBAH" }, "funding_source"},
		{"tahun anggaran salah", func(in *rup.Input) { in.FiscalYear = "26" }, "fiscal_year"},
		{"PPK bukan pejabat PPK OPD ini", func(in *rup.Input) { in.PPKUserID = f.users["pp"].ID }, "ppk_user_id"},
		{"PPK dari OPD lain", func(in *rup.Input) { in.PPKUserID = f.users["ppk-other"].ID }, "ppk_user_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.edit(&in)
			_, err := f.svc.CreatePackage(f.as("pp"), in)
			fields, isFields := validate.AsErrors(err)
			if !isFields || fields[tt.field] == "" {
				t.Errorf("got %v, want a message on %q", err, tt.field)
			}
		})
	}
}

// TestPackages_Authorization: officials see and change only their own OPD's
// packages; treasurers and auditors only read; suppliers see nothing.
func TestPackages_Authorization(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.mustPackage(t, "41234567", 100_000_000)
	in := rup.Input{KodeRUP: "41234567", Name: "Belanja ATK diubah", Pagu: "100000000", FundingSource: "APBD", FiscalYear: "2026", Active: true}

	for _, key := range []string{"pp", "ppk", "treasurer", "admin", "auditor"} {
		if _, err := f.svc.Package(f.as(key), p.ID); err != nil {
			t.Errorf("Package as %s: %v", key, err)
		}
	}
	for _, key := range []string{"pp-other", "supplier", "koperindag"} {
		if _, err := f.svc.Package(f.as(key), p.ID); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("Package as %s: got %v, want Forbidden", key, err)
		}
	}
	for _, key := range []string{"pp-other", "treasurer", "auditor", "supplier", "koperindag"} {
		if _, err := f.svc.UpdatePackage(f.as(key), p.ID, p.Version, in); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("UpdatePackage as %s: got %v, want Forbidden", key, err)
		}
		if _, err := f.svc.Import(f.as(key), f.opd, []byte("Kode RUP;Nama Paket;Pagu\n41239999;Paket uji;1000000\n"), 2026); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("Import as %s: got %v, want Forbidden", key, err)
		}
	}
	for _, key := range []string{"treasurer", "auditor", "supplier", "koperindag"} {
		if _, err := f.svc.CreatePackage(f.as(key), rup.Input{OPDID: f.opd, KodeRUP: "41239999", Name: "Paket uji", Pagu: "1000000",
			FundingSource: "APBD", FiscalYear: "2026"}); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("CreatePackage as %s: got %v, want Forbidden", key, err)
		}
	}
	// A PP of another OPD cannot slip a package into DINKES by naming it.
	if _, err := f.svc.CreatePackage(f.as("pp-other"), rup.Input{OPDID: f.opd, KodeRUP: "41239999", Name: "Paket uji", Pagu: "1000000",
		FundingSource: "APBD", FiscalYear: "2026"}); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("CreatePackage into another OPD: got %v, want Forbidden", err)
	}
	if _, err := f.svc.Packages(f.as("supplier"), rup.Filter{}); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("Packages as supplier: got %v, want Forbidden", err)
	}
	if _, err := f.svc.Packages(f.as("pp-other"), rup.Filter{OPDID: f.opd}); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("Packages of another OPD: got %v, want Forbidden", err)
	}
	mine, err := f.svc.Packages(f.as("pp-other"), rup.Filter{})
	if err != nil || len(mine) != 0 {
		t.Errorf("Packages as pp-other: %d packages, %v; want none", len(mine), err)
	}
	all, err := f.svc.Packages(f.as("auditor"), rup.Filter{})
	if err != nil || len(all) != 1 {
		t.Errorf("Packages as auditor: %d packages, %v; want 1", len(all), err)
	}
	if _, err := f.svc.UpdatePackage(f.as("ppk"), p.ID, p.Version, in); err != nil {
		t.Errorf("UpdatePackage as ppk: %v", err)
	}
}

func TestUpdatePackage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.mustPackage(t, "41234567", 100_000_000)
	f.ledger.Add(rulestest.Order{ID: 1, OPDID: f.opd, PackageID: p.ID, Total: 60_000_000})
	in := rup.Input{KodeRUP: "41234567", Name: "Belanja ATK", Pagu: "59.999.999", FundingSource: "APBD", FiscalYear: "2026", Active: true}

	_, err := f.svc.UpdatePackage(f.as("pp"), p.ID, p.Version, in)
	if fields, ok := validate.AsErrors(err); !ok || fields["pagu"] == "" {
		t.Errorf("pagu below live orders: got %v, want a message on pagu", err)
	}
	in.Pagu = "60.000.000"
	q, err := f.svc.UpdatePackage(f.as("pp"), p.ID, p.Version, in)
	if err != nil {
		t.Fatal(err)
	}
	if q.Pagu != 60_000_000 || q.Version != p.Version+1 {
		t.Errorf("after update: pagu %d version %d", q.Pagu, q.Version)
	}
	if _, err := f.svc.UpdatePackage(f.as("pp"), p.ID, p.Version, in); !errors.Is(err, apperr.Conflict) {
		t.Errorf("update from a stale version: got %v, want Conflict", err)
	}
	got, err := f.svc.Package(f.as("treasurer"), p.ID)
	if err != nil || got.Live != 60_000_000 || got.Remaining != 0 {
		t.Errorf("Package: live %d remaining %d, %v", got.Live, got.Remaining, err)
	}
}

func TestRemaining(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.mustPackage(t, "41234567", 150_000_000)
	ctx := context.Background()
	if got, err := rup.Remaining(ctx, f.db, p.ID, rup.NoOrders{}); err != nil || got != 150_000_000 {
		t.Errorf("Remaining without orders: %d, %v", got, err)
	}
	f.ledger.Add(rulestest.Order{ID: 1, OPDID: f.opd, PackageID: p.ID, Total: 40_000_000})
	f.ledger.Add(rulestest.Order{ID: 2, OPDID: f.opd, PackageID: p.ID, Total: 9_999_999})
	f.ledger.Add(rulestest.Order{ID: 3, OPDID: f.opd, PackageID: p.ID + 1, Total: 1})
	if got, err := rup.Remaining(ctx, f.db, p.ID, f.ledger); err != nil || got != 100_000_001 {
		t.Errorf("Remaining: %d, %v; want 100000001", got, err)
	}
	if _, err := rup.Remaining(ctx, f.db, p.ID+100, f.ledger); !errors.Is(err, apperr.NotFound) {
		t.Errorf("Remaining of no package: got %v, want NotFound", err)
	}
}

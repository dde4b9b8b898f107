package opd_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/opd"
	"lapak/internal/postgres/pgtest"
	"lapak/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// admin is the actor allowed to manage OPDs.
var admin = &auth.User{ID: 77, Name: "Rina Marlina", Grants: []auth.Grant{{Role: auth.RoleAdmin}}}

func asRole(r auth.Role) context.Context {
	return auth.WithUser(context.Background(), &auth.User{ID: 5, Name: "Bukan Admin", Grants: []auth.Grant{{Role: r}}}, "10.0.0.1")
}

// validInput returns an Input that CreateOPD accepts.
func validInput() opd.Input {
	return opd.Input{Code: "OPD-100", Name: "Dinas Kesehatan", ShortName: "Dinkes", Kind: "dinas",
		LetterCode: "DINKES", Address: "Padang Aro", Active: true}
}

func newService(t *testing.T) *opd.Service {
	t.Helper()
	return opd.NewService(pgtest.New(t))
}

// TestCreateOPD_Validation: each bad field gets its own message and nothing
// is stored.
func TestCreateOPD_Validation(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	ctx := auth.WithUser(context.Background(), admin, "")
	tests := []struct {
		name   string
		change func(in *opd.Input)
		want   validate.Errors
	}{
		{"code missing", func(in *opd.Input) { in.Code = " " },
			validate.Errors{"code": "Kode OPD 2–20 huruf besar, angka atau tanda hubung, misalnya OPD-008."}},
		{"code with spaces inside", func(in *opd.Input) { in.Code = "OPD 100" },
			validate.Errors{"code": "Kode OPD 2–20 huruf besar, angka atau tanda hubung, misalnya OPD-008."}},
		{"code too long", func(in *opd.Input) { in.Code = strings.Repeat("A", 21) },
			validate.Errors{"code": "Kode OPD 2–20 huruf besar, angka atau tanda hubung, misalnya OPD-008."}},
		{"name missing", func(in *opd.Input) { in.Name = "  " },
			validate.Errors{"name": "Nama OPD wajib diisi (3–200 huruf)."}},
		{"name too long", func(in *opd.Input) { in.Name = strings.Repeat("a", 201) },
			validate.Errors{"name": "Nama OPD wajib diisi (3–200 huruf)."}},
		{"short name too long", func(in *opd.Input) { in.ShortName = strings.Repeat("a", 51) },
			validate.Errors{"short_name": "Panjang maksimal 50 karakter."}},
		{"unknown kind", func(in *opd.Input) { in.Kind = "kementerian" },
			validate.Errors{"kind": "Pilih jenis OPD."}},
		{"letter code missing", func(in *opd.Input) { in.LetterCode = "" },
			validate.Errors{"letter_code": "Kode surat 2–20 huruf besar atau angka, misalnya DINKES (dipakai dalam nomor Surat Pesanan)."}},
		{"letter code with a slash", func(in *opd.Input) { in.LetterCode = "DIN/KES" },
			validate.Errors{"letter_code": "Kode surat 2–20 huruf besar atau angka, misalnya DINKES (dipakai dalam nomor Surat Pesanan)."}},
		{"address too long", func(in *opd.Input) { in.Address = strings.Repeat("a", 301) },
			validate.Errors{"address": "Panjang maksimal 300 karakter."}},
		{"everything wrong", func(in *opd.Input) { *in = opd.Input{} }, validate.Errors{
			"code":        "Kode OPD 2–20 huruf besar, angka atau tanda hubung, misalnya OPD-008.",
			"name":        "Nama OPD wajib diisi (3–200 huruf).",
			"kind":        "Pilih jenis OPD.",
			"letter_code": "Kode surat 2–20 huruf besar atau angka, misalnya DINKES (dipakai dalam nomor Surat Pesanan).",
		}},
	}
	t.Run("cases", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				in := validInput()
				tt.change(&in)
				_, err := svc.CreateOPD(ctx, in)
				got, ok := validate.AsErrors(err)
				if !ok {
					t.Fatalf("CreateOPD = %v, want field errors", err)
				}
				if diff := cmp.Diff(got, tt.want); diff != "" {
					t.Errorf("field errors mismatch (-got +want):\n%s", diff)
				}
			})
		}
	})
	list, err := svc.OPDs(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Errorf("got %d OPDs after refused creates, want 0", len(list))
	}
}

// TestCreateOPD_NormalisesAndAudits: codes are upper-cased and trimmed, and
// each create and update leaves an audit entry by the admin.
func TestCreateOPD_NormalisesAndAudits(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	svc := opd.NewService(db)
	ctx := auth.WithUser(context.Background(), admin, "10.9.9.9")

	in := validInput()
	in.Code, in.LetterCode, in.Name = " opd-100 ", "dinkes", "  Dinas Kesehatan "
	got, err := svc.CreateOPD(ctx, in)
	if err != nil {
		t.Fatalf("CreateOPD: %v", err)
	}
	want := opd.OPD{ID: got.ID, Code: "OPD-100", Name: "Dinas Kesehatan", ShortName: "Dinkes", Kind: "dinas",
		LetterCode: "DINKES", Address: "Padang Aro", Active: true}
	if diff := cmp.Diff(got, want, cmpopts.IgnoreFields(opd.OPD{}, "CreatedAt", "UpdatedAt")); diff != "" {
		t.Errorf("created OPD mismatch (-got +want):\n%s", diff)
	}

	in = validInput()
	in.Name, in.Active = "Dinas Kesehatan dan KB", false
	if _, err := svc.UpdateOPD(ctx, got.ID, in); err != nil {
		t.Fatalf("UpdateOPD: %v", err)
	}

	type entry struct {
		Action, EntityID, ActorName, IP string
		ActorID                         int64
	}
	rows, err := db.Query(context.Background(), `SELECT action, entity_id, actor_name, ip, actor_id
		FROM audit_log WHERE entity = 'opd' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var entries []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.Action, &e.EntityID, &e.ActorName, &e.IP, &e.ActorID); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(got.ID, 10)
	wantEntries := []entry{
		{"opd.create", id, "Rina Marlina", "10.9.9.9", 77},
		{"opd.update", id, "Rina Marlina", "10.9.9.9", 77},
	}
	if diff := cmp.Diff(entries, wantEntries); diff != "" {
		t.Errorf("audit entries mismatch (-got +want):\n%s", diff)
	}
}

// TestManageOPD_AdminsOnly: only admins create or change OPDs.
func TestManageOPD_AdminsOnly(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	existing, err := svc.CreateOPD(auth.SystemContext(context.Background()), validInput())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []auth.Role{auth.RolePP, auth.RolePPK, auth.RoleTreasurer, auth.RoleSupplier, auth.RoleKoperindag, auth.RoleAuditor} {
		t.Run(string(r), func(t *testing.T) {
			in := validInput()
			in.Code, in.Name = "OPD-200", "Dinas Pendidikan"
			if _, err := svc.CreateOPD(asRole(r), in); !errors.Is(err, apperr.Forbidden) {
				t.Errorf("CreateOPD = %v, want forbidden", err)
			}
			if _, err := svc.UpdateOPD(asRole(r), existing.ID, in); !errors.Is(err, apperr.Forbidden) {
				t.Errorf("UpdateOPD = %v, want forbidden", err)
			}
		})
	}
	t.Run("nobody signed in", func(t *testing.T) {
		if _, err := svc.CreateOPD(context.Background(), validInput()); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("CreateOPD = %v, want forbidden", err)
		}
	})
	got, err := svc.OPD(context.Background(), existing.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, existing); diff != "" {
		t.Errorf("OPD changed by refused updates (-got +want):\n%s", diff)
	}
}

// TestOPD_Duplicates: a taken code or name is a field error, on create and on
// update, not an internal error.
func TestOPD_Duplicates(t *testing.T) {
	t.Parallel()
	svc := newService(t)
	ctx := auth.WithUser(context.Background(), admin, "")
	first, err := svc.CreateOPD(ctx, validInput())
	if err != nil {
		t.Fatal(err)
	}
	second := validInput()
	second.Code, second.Name = "OPD-200", "Dinas Pendidikan"
	other, err := svc.CreateOPD(ctx, second)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		do   func(in opd.Input) error
		in   func(in *opd.Input)
		want validate.Errors
	}{
		{"create with a taken code in lower case",
			func(in opd.Input) error { _, err := svc.CreateOPD(ctx, in); return err },
			func(in *opd.Input) { in.Code, in.Name = "opd-100", "Dinas Sosial" },
			validate.Errors{"code": "Kode OPD ini sudah dipakai."}},
		{"create with a taken name",
			func(in opd.Input) error { _, err := svc.CreateOPD(ctx, in); return err },
			func(in *opd.Input) { in.Code = "OPD-300" },
			validate.Errors{"name": "Nama OPD ini sudah ada."}},
		{"update to another OPD's code",
			func(in opd.Input) error { _, err := svc.UpdateOPD(ctx, other.ID, in); return err },
			func(in *opd.Input) { in.Name = "Dinas Pendidikan" },
			validate.Errors{"code": "Kode OPD ini sudah dipakai."}},
		{"update to another OPD's name",
			func(in opd.Input) error { _, err := svc.UpdateOPD(ctx, other.ID, in); return err },
			func(in *opd.Input) { in.Code = "OPD-200" },
			validate.Errors{"name": "Nama OPD ini sudah ada."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			tt.in(&in)
			err := tt.do(in)
			got, ok := validate.AsErrors(err)
			if !ok {
				t.Fatalf("got %v, want field errors", err)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("field errors mismatch (-got +want):\n%s", diff)
			}
		})
	}
	t.Run("update keeping its own code and name", func(t *testing.T) {
		in := validInput()
		in.Address = "Jl. Baru"
		got, err := svc.UpdateOPD(ctx, first.ID, in)
		if err != nil {
			t.Fatalf("UpdateOPD: %v", err)
		}
		if got.Address != "Jl. Baru" {
			t.Errorf("Address = %q, want %q", got.Address, "Jl. Baru")
		}
	})
	t.Run("update of a missing OPD", func(t *testing.T) {
		if _, err := svc.UpdateOPD(ctx, 999999, validInput()); !errors.Is(err, apperr.NotFound) {
			t.Errorf("UpdateOPD = %v, want not found", err)
		}
	})
}

package validate

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// errText returns err's message, or "" for a nil error.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestErrorsError(t *testing.T) {
	tests := []struct {
		name string
		errs Errors
		want string
	}{
		{"nil", nil, "validate: no errors"},
		{"empty", Errors{}, "validate: no errors"},
		{"one", Errors{"nik": "NIK harus 16 angka."}, "validate: nik: NIK harus 16 angka."},
		{
			"sorted by field",
			Errors{"phone": "b", "email": "a", "nama": "c"},
			"validate: email: a; nama: c; phone: b",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.errs.Error()
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("Error() mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestErrorsAddCheckHas(t *testing.T) {
	e := Errors{}
	e.Add("email", "pertama")
	e.Add("email", "kedua")
	e.Check("nama", nil)
	e.Check("nik", errors.New("NIK harus 16 angka."))
	e.Check("nik", errors.New("NIK tidak valid."))

	want := Errors{"email": "pertama", "nik": "NIK harus 16 angka."}
	if diff := cmp.Diff(e, want); diff != "" {
		t.Errorf("Errors mismatch (-got +want):\n%s", diff)
	}

	has := map[string]bool{}
	for _, f := range []string{"email", "nik", "nama", ""} {
		has[f] = e.Has(f)
	}
	wantHas := map[string]bool{"email": true, "nik": true, "nama": false, "": false}
	if diff := cmp.Diff(has, wantHas); diff != "" {
		t.Errorf("Has mismatch (-got +want):\n%s", diff)
	}
}

func TestErrorsErr(t *testing.T) {
	tests := []struct {
		name    string
		errs    Errors
		wantNil bool
	}{
		{"nil map", nil, true},
		{"empty map", Errors{}, true},
		{"with error", Errors{"a": "b"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.errs.Err()
			if got := err == nil; got != tt.wantNil {
				t.Fatalf("Err() == nil is %v, want %v", got, tt.wantNil)
			}
			if err != nil {
				got, ok := err.(Errors)
				if !ok {
					t.Fatalf("Err() has type %T, want Errors", err)
				}
				if diff := cmp.Diff(got, tt.errs); diff != "" {
					t.Errorf("Err() mismatch (-got +want):\n%s", diff)
				}
			}
		})
	}
}

func TestAsErrors(t *testing.T) {
	base := Errors{"email": "Alamat e-mail wajib diisi."}
	tests := []struct {
		name   string
		err    error
		want   Errors
		wantOK bool
	}{
		{"nil", nil, nil, false},
		{"plain error", errors.New("boom"), nil, false},
		{"direct", base, base, true},
		{"via Err", base.Err(), base, true},
		{"wrapped once", fmt.Errorf("register: %w", base), base, true},
		{"wrapped twice", fmt.Errorf("handler: %w", fmt.Errorf("register: %w", base)), base, true},
		{"joined", errors.Join(errors.New("other"), base), base, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := AsErrors(tt.err)
			if ok != tt.wantOK {
				t.Fatalf("AsErrors ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("AsErrors mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

func TestErrorsCollectFromHelpers(t *testing.T) {
	e := Errors{}
	_, err := NIK("123")
	e.Check("nik", err)
	_, err = Email("bukan-email")
	e.Check("email", err)
	_, err = Phone("0812 3456 7890")
	e.Check("phone", err)

	got, ok := AsErrors(fmt.Errorf("form: %w", e.Err()))
	if !ok {
		t.Fatal("AsErrors ok = false, want true")
	}
	want := Errors{
		"nik":   "NIK harus 16 angka.",
		"email": "Alamat e-mail tidak valid. Contoh: nama@contoh.go.id.",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("collected errors mismatch (-got +want):\n%s", diff)
	}
}

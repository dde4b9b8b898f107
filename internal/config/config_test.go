package config

import (
	"flag"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad_DefaultsAndFlags(t *testing.T) {
	c := Load(env(map[string]string{"LAPAK_ADDR": "127.0.0.1:9999"}))
	if c.Addr != "127.0.0.1:9999" || c.DataDir != "./data" || c.SMTP.Port != 587 {
		t.Fatalf("got %+v", c)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.Bind(fs)
	if err := fs.Parse([]string{"--data", "/tmp/x"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/tmp/x" || c.BaseURL != "http://127.0.0.1:9999" || c.Secure() || c.OCIDPrefix != "ocds-lapak1" {
		t.Errorf("got %+v", c)
	}
}

func TestValidate_ListsEveryProblem(t *testing.T) {
	c := Load(env(map[string]string{"LAPAK_ADDR": "nonsense", "LAPAK_BASE_URL": "ftp://x", "DATABASE_URL": "mysql://x", "LAPAK_OCID_PREFIX": "OCDS-Lapak"}))
	err := c.Validate()
	if err == nil {
		t.Fatal("got nil, want error")
	}
	for _, want := range []string{"LAPAK_ADDR", "LAPAK_BASE_URL", "DATABASE_URL", "LAPAK_OCID_PREFIX"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestRedacted_HidesSecrets(t *testing.T) {
	c := Load(env(map[string]string{"DATABASE_URL": "postgres://u:secret@h/db", "LAPAK_SMTP_PASSWORD": "pw"}))
	got := strings.Join(strings.Fields(strings.Trim(strings.ReplaceAll(fmtAny(c.Redacted()), ",", " "), "[]")), " ")
	if strings.Contains(got, "secret") || strings.Contains(got, " pw") {
		t.Errorf("secrets leaked: %s", got)
	}
}

func fmtAny(v []any) string {
	var b strings.Builder
	for _, x := range v {
		switch x := x.(type) {
		case string:
			b.WriteString(x + " ")
		}
	}
	return b.String()
}

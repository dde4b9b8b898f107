package server_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Koperindag schedules a training, invites the suppliers of a kecamatan,
// records attendance, and the funnel counts the supplier as trained.
func TestOnboarding_TrainingAndFunnel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.db.Exec(ctx, `INSERT INTO registry_entries (business_name, kecamatan_code, nagari_code, match_name)
		VALUES ('Keripik Balado Uni Ros', '13.11.01', '13.11.01.2001', 'keripik balado uni ros')`); err != nil {
		t.Fatal(err)
	}
	c := e.login("koperindag")

	res := e.post(c, "/koperindag/trainings", url.Values{"topic": {"Menerima pesanan di Lapak"}, "date": {"bukan tanggal"}, "place": {"Aula Kantor Camat Sangir"}})
	if res.StatusCode != http.StatusUnprocessableEntity || doc(t, res).Find("[data-testid=form-errors]").Length() != 1 {
		t.Fatalf("bad date: got %d, want 422 with errors", res.StatusCode)
	}
	res = e.post(c, "/koperindag/trainings", url.Values{"topic": {"Menerima pesanan di Lapak"}, "date": {"2026-12-03"}, "time": {"09:00"},
		"place": {"Aula Kantor Camat Sangir"}, "kecamatan": {"13.11.01"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: got %d", res.StatusCode)
	}
	path := res.Header.Get("Location")
	res = e.post(c, path+"/invite", url.Values{"kecamatan": {"13.11.01"}, "not_trained": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: got %d", res.StatusCode)
	}
	page := doc(t, e.get(c, path))
	if page.Find("input[name=attended]").Length() != 1 {
		t.Fatalf("invited: got %d participants, want the one supplier of Sangir", page.Find("input[name=attended]").Length())
	}
	res = e.post(c, path+"/attendance", url.Values{"attended": {strconv.FormatInt(e.supID, 10)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("attendance: got %d", res.StatusCode)
	}

	funnel := doc(t, e.get(c, "/koperindag/funnel"))
	sangir := funnel.Find("[data-testid=funnel-table] tbody tr").First()
	cells := sangir.Find("td a")
	got := []string{}
	cells.Each(func(_ int, s *goquery.Selection) { got = append(got, strings.TrimSpace(s.Text())) })
	// registry, invited, activated, submitted, verified, trained, listed, ordered, paid
	want := []string{"1", "0", "1", "1", "1", "1", "0", "0", "0"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("Sangir row: got %v, want %v", got, want)
	}
	if funnel.Find("svg[data-testid=funnel-chart] desc").Length() != 1 {
		t.Error("chart has no text alternative")
	}

	// By nagari, the fixture supplier (which has no nagari) is not counted.
	res = e.get(c, "/koperindag/funnel.csv?kecamatan=13.11.01")
	body, _ := io.ReadAll(res.Body)
	if res.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(string(body), "13.11.01.2001,Lubuk Gadang,1,0,0,0,0,0") {
		t.Errorf("csv: %s\n%s", res.Header.Get("Content-Type"), body)
	}
	res = e.get(c, "/koperindag/funnel.xlsx")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/vnd.openxmlformats") {
		t.Errorf("xlsx: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}

	// Auditors read the funnel and trainings but change nothing.
	a := e.login("auditor")
	if res := e.get(a, path); res.StatusCode != http.StatusOK {
		t.Errorf("auditor reads a training: %d", res.StatusCode)
	}
	if res := e.post(a, path+"/attendance", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("auditor records attendance: got %d, want 403", res.StatusCode)
	}
	if res := e.get(c, "/koperindag/funnel?kecamatan=99.99.99"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown kecamatan: got %d, want 404", res.StatusCode)
	}
}

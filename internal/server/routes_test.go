package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// access says who may use a route: everyone, any signed-in user, or the roles listed.
type access struct {
	public bool
	user   bool
	roles  []string
}

var (
	everyone = access{public: true}
	signedIn = access{user: true}
)

func roles(r ...string) access { return access{roles: r} }

// routeAccess is the authorization table: every route of the router must be
// here, so a new route without a rule fails TestRoutes_EveryRouteHasARule.
var routeAccess = map[string]access{
	"GET /healthz":     everyone,
	"GET /readyz":      everyone,
	"GET /metrics":     everyone,
	"GET /favicon.ico": everyone,
	"GET /static/*":    everyone,

	"GET /":                        everyone,
	"GET /login":                   everyone,
	"POST /login":                  everyone,
	"POST /logout":                 everyone,
	"GET /password/forgot":         everyone,
	"POST /password/forgot":        everyone,
	"GET /password/reset/{token}":  everyone,
	"POST /password/reset/{token}": everyone,
	"GET /password/code":           everyone,
	"POST /password/code":          everyone,

	"GET /dashboard":         signedIn,
	"GET /account":           signedIn,
	"POST /account/password": signedIn,

	"GET /admin/opds":           roles("admin"),
	"GET /admin/opds/new":       roles("admin"),
	"POST /admin/opds":          roles("admin"),
	"GET /admin/opds/{id}/edit": roles("admin"),
	"POST /admin/opds/{id}":     roles("admin"),

	"GET /admin/users":                  roles("admin"),
	"GET /admin/users/new":              roles("admin"),
	"POST /admin/users":                 roles("admin"),
	"GET /admin/users/{id}":             roles("admin"),
	"GET /admin/users/{id}/edit":        roles("admin"),
	"POST /admin/users/{id}":            roles("admin"),
	"POST /admin/users/{id}/disable":    roles("admin"),
	"POST /admin/users/{id}/enable":     roles("admin"),
	"POST /admin/users/{id}/reset-code": roles("admin"),
	"GET /admin/outbox":                 roles("admin"),

	"GET /koperindag/users":                  roles("koperindag"),
	"GET /koperindag/users/{id}":             roles("koperindag"),
	"POST /koperindag/users/{id}/reset-code": roles("koperindag"),

	"GET /audit": roles("auditor", "admin"),

	// Supplier pages: {id} is the fixture supplier; the domain decides who may.
	"GET /supplier":                 signedIn,
	"GET /suppliers/{id}":           roles("supplier", "koperindag", "admin", "auditor"),
	"GET /suppliers/{id}/profile":   roles("supplier", "koperindag"),
	"POST /suppliers/{id}/profile":  roles("supplier", "koperindag"),
	"POST /suppliers/{id}/submit":   roles("supplier", "koperindag"),
	"POST /suppliers/{id}/decision": roles("koperindag", "admin"),
	"GET /koperindag/verification":  roles("koperindag", "admin"),
	"GET /koperindag/suppliers":     roles("koperindag", "admin"),

	"GET /koperindag/funnel":                     roles("koperindag", "admin", "auditor"),
	"GET /koperindag/funnel.{format:csv|xlsx}":   roles("koperindag", "admin", "auditor"),
	"GET /koperindag/trainings":                  roles("koperindag", "admin", "auditor"),
	"POST /koperindag/trainings":                 roles("koperindag", "admin"),
	"GET /koperindag/trainings/{id}":             roles("koperindag", "admin", "auditor"),
	"POST /koperindag/trainings/{id}/invite":     roles("koperindag", "admin"),
	"POST /koperindag/trainings/{id}/attendance": roles("koperindag", "admin"),
}

// routes lists "METHOD pattern" for every route of the router.
func routes(t *testing.T, h http.Handler) []string {
	t.Helper()
	mux, ok := h.(chi.Routes)
	if !ok {
		t.Fatalf("handler is %T, want chi.Routes", h)
	}
	var out []string
	err := chi.Walk(mux, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, method+" "+strings.TrimSuffix(route, "/*")+map[bool]string{true: "/*"}[strings.HasSuffix(route, "/*")])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRoutes_EveryRouteHasARule(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	got := routes(t, e.srv.Handler())
	for _, r := range got {
		if _, ok := routeAccess[r]; !ok {
			t.Errorf("route %q has no rule in routeAccess: add who may use it", r)
		}
	}
	for r := range routeAccess {
		if !slices.Contains(got, r) {
			t.Errorf("routeAccess lists %q, which the router does not have", r)
		}
	}
}

// TestRoutes_RoleMatrix opens every route as a visitor and as each role, and
// checks that exactly the roles in routeAccess get through.
func TestRoutes_RoleMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// other_supplier owns another business: wherever a route names the fixture
	// supplier ({id} under /suppliers/), it must be refused like any outsider.
	identities := []string{"anonymous", "pp", "ppk", "treasurer", "supplier", "other_supplier", "koperindag", "admin", "auditor", "pimpinan"}
	clients := map[string]*http.Client{"anonymous": e.client()}
	for _, id := range identities[1:] {
		clients[id] = e.login(id)
	}
	// Path parameters: a supplier account (which Koperindag may manage) and the test OPD.
	supplierUser := strconv.FormatInt(e.users["supplier"].ID, 10)
	fill := func(pattern string) string {
		p := strings.ReplaceAll(pattern, "{token}", "tidak-ada")
		if strings.HasPrefix(p, "/admin/opds/") {
			p = strings.ReplaceAll(p, "{id}", strconv.FormatInt(e.opdID, 10))
		}
		if strings.HasPrefix(p, "/suppliers/") {
			p = strings.ReplaceAll(p, "{id}", strconv.FormatInt(e.supID, 10))
		}
		p = strings.ReplaceAll(p, "{id}", supplierUser)
		p = strings.ReplaceAll(p, "{format:csv|xlsx}", "csv")
		return strings.ReplaceAll(p, "/*", "/app.css")
	}
	for _, route := range routes(t, e.srv.Handler()) {
		rule := routeAccess[route]
		method, pattern, _ := strings.Cut(route, " ")
		if route == "POST /logout" {
			continue // it would end the sessions the other cases use; covered by the HTTP tests
		}
		for _, id := range identities {
			allowed := rule.public || (rule.user && id != "anonymous") || slices.Contains(rule.roles, id)
			if id == "other_supplier" && !rule.public && !rule.user {
				allowed = slices.Contains(rule.roles, "supplier") && !strings.HasPrefix(pattern, "/suppliers/{id}")
			}
			t.Run(route+" as "+id, func(t *testing.T) {
				var res *http.Response
				if method == http.MethodGet {
					res = e.get(clients[id], fill(pattern))
				} else {
					res = e.post(clients[id], fill(pattern), url.Values{})
				}
				loc := res.Header.Get("Location")
				denied := res.StatusCode == http.StatusForbidden || res.StatusCode == http.StatusUnauthorized ||
					(res.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/login?next="))
				if allowed && denied {
					t.Errorf("got %d (Location %q), want %s allowed", res.StatusCode, loc, id)
				}
				if !allowed && !denied {
					t.Errorf("got %d (Location %q), want %s refused", res.StatusCode, loc, id)
				}
				if res.StatusCode >= 500 {
					t.Errorf("got %d, want no server error", res.StatusCode)
				}
			})
		}
	}
}

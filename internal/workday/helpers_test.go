package workday_test

import (
	"context"
	"strconv"

	"lapak/internal/auth"
)

// as returns a context acting as a user holding role.
func as(role auth.Role) context.Context {
	u := &auth.User{ID: 0, Name: "Pengguna " + string(role), Grants: []auth.Grant{{Role: role}}}
	return auth.WithUser(context.Background(), u, "127.0.0.1")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

package server

import (
	"context"
	"net/http"
)

// Authenticator maps a request to its caller, for a host product that puts
// hookd behind its own login: the returned token stands for the host's
// session (its tenant and scopes), and an error answers 401.
type Authenticator func(*http.Request) (*Caller, error)

// Caller is whom a host's Authenticator says a request comes from. An empty
// Tenant is unbound (every tenant).
type Caller struct {
	Tenant string
	Scopes []string
}

type authenticatorKey struct{}

// Handler returns the HTTP handler serving every route: the admin API, the
// dashboard, health checks and metrics. With a nil auth, callers sign in
// with Bearer tokens; with one, auth decides who every request is and no
// token is asked for.
func (s *Server) Handler(auth Authenticator) http.Handler {
	if auth == nil {
		return s.engine
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.engine.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), authenticatorKey{}, auth)))
	})
}

func authenticatorFrom(ctx context.Context) Authenticator {
	auth, _ := ctx.Value(authenticatorKey{}).(Authenticator)
	return auth
}

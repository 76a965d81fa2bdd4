package server_test

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/internal/apitest"
)

// TestRoutesMatchSpec fails when Gin serves a route the OpenAPI document
// does not describe, or the document describes one Gin does not serve.
func TestRoutesMatchSpec(t *testing.T) {
	t.Parallel()
	b := setup(t)
	doc := apitest.Spec(t)

	param := regexp.MustCompile(`:([A-Za-z_]+)`)
	served := map[string]bool{}
	for _, r := range b.srv.Routes() {
		if r.Path == "/" || r.Path == "/portal" || strings.HasPrefix(r.Path, "/ui/") || strings.HasPrefix(r.Path, "/assets") {
			continue // the dashboard's static files are not API
		}
		served[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
	}
	described := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			described[method+" "+path] = true
		}
	}
	var missingFromSpec, missingFromGin []string
	for k := range served {
		if !described[k] {
			missingFromSpec = append(missingFromSpec, k)
		}
	}
	for k := range described {
		if !served[k] {
			missingFromGin = append(missingFromGin, k)
		}
	}
	sort.Strings(missingFromSpec)
	sort.Strings(missingFromGin)
	require.Empty(t, missingFromSpec, "served by Gin but not in openapi.yaml")
	require.Empty(t, missingFromGin, "in openapi.yaml but not served by Gin")
}

func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.api.Do(http.MethodGet, "/v2/nope", adminToken, nil).RequireError(t, 404, "rest_no_route")
	b.api.Do(http.MethodGet, "/v2/admin/webhooks/", adminToken, nil).RequireError(t, 404, "rest_no_route")
	b.api.Do(http.MethodDelete, "/v2/admin/webhooks", adminToken, nil).RequireError(t, 405, "method_not_allowed")
}

func TestHealth(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.api.Do(http.MethodGet, "/healthz", "", nil)
	require.Equal(t, http.StatusOK, res.Status)
	res = b.api.Do(http.MethodGet, "/readyz", "", nil)
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.Equal(t, "ready", res.JSON(t)["status"])
	res = b.api.Do(http.MethodGet, "/openapi.yaml", "", nil)
	require.Equal(t, http.StatusOK, res.Status)
	require.Contains(t, string(res.Body), "openapi: 3.0.3")

	// A schema behind this binary's is not ready.
	_, err := b.db.Pool.Exec(b.ctx, `UPDATE hookd_schema_migrations SET version = version - 1`)
	require.NoError(t, err)
	b.api.Do(http.MethodGet, "/readyz", "", nil).RequireError(t, 503, "service_unavailable")
}

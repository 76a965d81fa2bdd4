package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/server"
)

// page is a non-API answer: a dashboard page or file.
type page struct {
	StatusCode int
	Header     http.Header
}

func getPage(t *testing.T, url string) (page, string) {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return page{StatusCode: res.StatusCode, Header: res.Header}, string(body)
}

// TestOnlyThePortalMayBeFramed: the operator dashboard refuses every frame;
// the portal page accepts the origins configured, and none by default.
func TestOnlyThePortalMayBeFramed(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *options) {
		o.server.PortalFrameAncestors = []string{"https://community.example.com", "https://*.example.org"}
	})
	res, body := getPage(t, b.api.BaseURL+"/")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none';")
	require.Equal(t, "DENY", res.Header.Get("X-Frame-Options"))
	require.Contains(t, body, `<meta name="hookd-mode" content="token">`)

	res, body = getPage(t, b.api.BaseURL+"/portal")
	require.Equal(t, http.StatusOK, res.StatusCode)
	csp := res.Header.Get("Content-Security-Policy")
	require.Contains(t, csp, "frame-ancestors https://community.example.com https://*.example.org;")
	require.Contains(t, csp, "script-src 'self';", "framable, but still no inline or foreign script")
	require.Empty(t, res.Header.Get("X-Frame-Options"))
	require.Equal(t, "no-referrer", res.Header.Get("Referrer-Policy"))
	require.Contains(t, body, `<meta name="hookd-mode" content="portal">`)

	// Its files are not pages to frame either.
	res, _ = getPage(t, b.api.BaseURL+"/ui/app.css")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")

	plain := setup(t)
	res, _ = getPage(t, plain.api.BaseURL+"/portal")
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none';", "nobody frames the portal unless allowed")
}

// TestDashboardUnderAPrefix: every URL of the page is relative, and the
// redirect from its files' index keeps the mount prefix.
func TestDashboardUnderAPrefix(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mux := http.NewServeMux()
	mux.Handle("/community/webhooks/", http.StripPrefix("/community/webhooks", b.srv.Handler(nil)))
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)

	res, body := getPage(t, hs.URL+"/community/webhooks/")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NotContains(t, body, `"/ui/`, "no root-relative asset URL")
	for _, asset := range []string{"ui/app.css", "ui/js/app.js", "ui/favicon.svg"} {
		require.Contains(t, body, `"`+asset+`"`)
		res, _ := getPage(t, hs.URL+"/community/webhooks/"+asset)
		require.Equal(t, http.StatusOK, res.StatusCode, asset)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := client.Get(hs.URL + "/community/webhooks/ui/index.html")
	require.NoError(t, err)
	r.Body.Close()
	require.Equal(t, http.StatusFound, r.StatusCode)
	require.Equal(t, "../", r.Header.Get("Location"), "resolves to the mount, not the host's root")
}

// TestHostSessionRefusesCrossSiteChanges: behind a host's cookie login, a
// change sent by another site's page is refused; reads and the host's own
// pages pass.
func TestHostSessionRefusesCrossSiteChanges(t *testing.T) {
	t.Parallel()
	b := setup(t)
	hs := httptest.NewServer(b.srv.Handler(func(r *http.Request) (*server.Caller, error) {
		if c, err := r.Cookie("session"); err == nil && c.Value == "alice" {
			return &server.Caller{Tenant: "acme", Scopes: []string{domain.ScopeWebhooksWrite}}, nil
		}
		return nil, domain.ErrHostUnauthenticated
	}))
	t.Cleanup(hs.Close)
	send := func(method, path, site string) int {
		req, err := http.NewRequest(method, hs.URL+path, strings.NewReader(`{"name":"x","url":"https://example.com/h","events":["*"]}`))
		require.NoError(t, err)
		req.AddCookie(&http.Cookie{Name: "session", Value: "alice"})
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	require.Equal(t, http.StatusForbidden, send(http.MethodPost, "/v2/admin/webhooks", "cross-site"))
	require.Equal(t, http.StatusCreated, send(http.MethodPost, "/v2/admin/webhooks", "same-origin"))
	require.Equal(t, http.StatusCreated, send(http.MethodPost, "/v2/admin/webhooks", ""), "not a browser")
	require.Equal(t, http.StatusOK, send(http.MethodGet, "/v2/admin/webhooks", "cross-site"), "reads change nothing")

	res, body := getPage(t, hs.URL+"/")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, body, `<meta name="hookd-mode" content="host">`, "the dashboard needs no sign-in")
}

package web_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd"
	"github.com/hookd/hookd/domain"
)

// TestBehindTheHostsLogin: a host product mounts hookd's handler under a
// prefix of its own, behind its own cookie login. Its admins never see
// hookd's sign-in: the dashboard works with the host's session, and says so
// when there is none.
func TestBehindTheHostsLogin(t *testing.T) {
	t.Parallel()
	e := setup(t)
	status, out := e.call(t, http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
		"name": "Globex sink", "url": e.rcv.URL, "events": []string{"*"}, "tenant": "globex"})
	require.Equal(t, http.StatusCreated, status, "%v", out)

	var mu sync.Mutex
	sessions := map[string]string{} // cookie → community
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sessions["s-"+r.URL.Query().Get("community")] = r.URL.Query().Get("community")
		mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "community", Value: "s-" + r.URL.Query().Get("community"), Path: "/", HttpOnly: true})
		http.Redirect(w, r, "/community/webhooks/", http.StatusFound)
	})
	mux.HandleFunc("GET /logout", func(w http.ResponseWriter, _ *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "community", Path: "/", MaxAge: -1})
		w.WriteHeader(http.StatusNoContent)
	})
	mux.Handle("/community/webhooks/", http.StripPrefix("/community/webhooks", e.client.Handler(hookd.HandlerConfig{
		Authenticate: func(r *http.Request) (hookd.Principal, error) {
			c, err := r.Cookie("community")
			if err != nil {
				return hookd.Principal{}, err
			}
			mu.Lock()
			tenant, ok := sessions[c.Value]
			mu.Unlock()
			if !ok {
				return hookd.Principal{}, errors.New("unknown session")
			}
			return hookd.Principal{Tenant: tenant, Scopes: []string{domain.ScopeWebhooksWrite}}, nil
		},
	})))
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	app := hs.URL + "/community/webhooks/"

	b := newBrowser(t, hs.URL)
	t.Run("SignedOutSaysSignInToTheApplication", func(t *testing.T) {
		b := b.in(t)
		b.expectAPIStatus(http.StatusUnauthorized)
		b.do(chromedp.Navigate(app))
		b.waitText("h1", "Sign in first")
		b.waitText(".state-text", "sign in to the application first")
		require.False(t, eval[bool](b, `!!document.querySelector('input[name="token"]')`), "no hookd sign-in form")
	})

	t.Run("TheHostsCookieIsTheSession", func(t *testing.T) {
		b := b.in(t)
		b.do(chromedp.Navigate(hs.URL + "/login?community=acme"))
		b.waitText("h1", "Webhooks")
		b.waitText("#whoami-name", "acme")
		require.True(t, eval[bool](b, `document.getElementById('sign-out').hidden`))
		require.Equal(t, "/community/webhooks/", eval[string](b, `location.pathname`))

		b.clickText("Create your first webhook")
		b.waitText("h1", "Create a webhook")
		b.typeInto(`input[name="name"]`, "Acme moderation")
		b.typeInto(`input[name="url"]`, e.rcv.URL)
		b.typeInto(".picker-search", "comment")
		b.click(`input[value="comment.*"]`)
		b.clickText("Create webhook")
		b.waitText(".created-panel", "Copy its signing secret now")
		id := eval[string](b, `location.hash.split('/')[2]`)
		status, hook := e.call(t, http.MethodGet, "/v2/admin/webhooks/"+id, adminToken, nil)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, "acme", hook["tenant"])

		b.clickText("Send test event")
		b.waitText(".test-result", "Webhook test successful.")

		b.goTo("/webhooks")
		b.waitText(".webhook-table", "Acme moderation")
		require.NotContains(t, eval[string](b, `document.querySelector('.webhook-table').textContent`), "Globex")
	})

	t.Run("LoggedOutOfTheHostMidUse", func(t *testing.T) {
		b := b.in(t)
		b.expectAPIStatus(http.StatusUnauthorized)
		b.waitFor("the host's logout", `fetch('/logout').then((r) => r.ok)`, stepTimeout)
		b.goTo("/events")
		b.waitText("h1", "Sign in first")
	})
}

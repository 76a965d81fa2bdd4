package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// The portal: the dashboard a community's admin opens from a portal
// session's link, in the community's product, for that tenant alone.

// portalSession creates a session through the operator's API and returns its
// token and link.
func (e *env) portalSession(t *testing.T, body map[string]any) (string, string) {
	t.Helper()
	status, out := e.call(t, http.MethodPost, "/v2/admin/portal-sessions", adminToken, body)
	require.Equal(t, http.StatusCreated, status, "%v", out)
	return out["token"].(string), out["url"].(string)
}

// withQuery puts a query into a portal link, before its fragment.
func withQuery(link, query string) string {
	base, fragment, _ := strings.Cut(link, "#")
	return base + "?" + query + "#" + fragment
}

// goTo changes the route of the page on screen, whichever page it is.
func (b *browser) goTo(route string) {
	b.t.Helper()
	eval[bool](b, fmt.Sprintf(`(location.hash = %s, true)`, jsString("#"+route)))
}

func TestPortal(t *testing.T) {
	t.Parallel()
	e := setup(t)
	// Another community's webhook, and one of this community's, made by the
	// operator.
	status, out := e.call(t, http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
		"name": "Globex sink", "url": e.rcv.URL, "events": []string{"*"}, "tenant": "globex"})
	require.Equal(t, http.StatusCreated, status, "%v", out)
	status, out = e.call(t, http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
		"name": "Acme archive", "url": e.rcv.URL, "events": []string{"*"}, "tenant": "acme"})
	require.Equal(t, http.StatusCreated, status, "%v", out)

	token, link := e.portalSession(t, map[string]any{"tenant": "acme"})
	require.Equal(t, e.url+"/portal#"+token, link)
	b := newBrowser(t, e.url)
	b.do(chromedp.Navigate(withQuery(link, "theme=dark&accent=%23e11d48")))
	b.waitText("h1", "Webhooks")

	t.Run("TokenLeavesTheAddressBar", func(t *testing.T) {
		b := b.in(t)
		href := eval[string](b, `location.href`)
		require.NotContains(t, href, token)
		require.NotContains(t, href, "hkp_")
		require.Equal(t, "/portal", eval[string](b, `location.pathname`))
		require.Equal(t, "#/webhooks", eval[string](b, `location.hash`))
		require.Equal(t, "?theme=dark&accent=%23e11d48", eval[string](b, `location.search`), "the host's theme stays")
		require.Equal(t, token, eval[string](b, `sessionStorage.getItem('hookd.portal')`), "kept for this tab only")
		require.Empty(t, eval[string](b, `sessionStorage.getItem('hookd.token') || ''`), "an operator's sign-in is not touched")
	})

	t.Run("NoSignInAndTheTenantsName", func(t *testing.T) {
		b := b.in(t)
		require.False(t, eval[bool](b, `!!document.querySelector('input[name="token"]')`))
		b.waitText("#whoami-name", "acme")
		require.True(t, eval[bool](b, `document.getElementById('sign-out').hidden`), "there is nothing to sign out of")
		require.True(t, eval[bool](b, `document.getElementById('nav-tokens').hidden`))
	})

	t.Run("OnlyTheTenantsWebhooks", func(t *testing.T) {
		b := b.in(t)
		b.waitText(".webhook-table", "Acme archive")
		require.NotContains(t, eval[string](b, `document.querySelector('.webhook-table').textContent`), "Globex")
	})

	t.Run("ThemeAndAccentFromTheHost", func(t *testing.T) {
		b := b.in(t)
		require.Equal(t, "dark", eval[string](b, `document.documentElement.dataset.theme`))
		require.True(t, eval[bool](b, `document.getElementById('theme-toggle').hidden`), "the host chose the theme")
		require.Equal(t, "#e11d48", eval[string](b, `getComputedStyle(document.documentElement).getPropertyValue('--host-accent').trim()`))
		require.Equal(t, "rgb(225, 29, 72)", eval[string](b, `getComputedStyle(document.querySelector('.page-actions .btn-primary')).backgroundColor`))
		require.Equal(t, "rgb(255, 255, 255)", eval[string](b, `getComputedStyle(document.querySelector('.page-actions .btn-primary')).color`))
		b.screenshot("portal-webhooks")
	})

	t.Run("TokensAndSendingAreNotOffered", func(t *testing.T) {
		b := b.in(t)
		b.goTo("/events")
		b.waitText("h1", "Events")
		require.False(t, eval[bool](b, `[...document.querySelectorAll('a')].some((a) => a.textContent.includes('Send an event'))`),
			"the session lacks events.write")
		b.goTo("/events/new")
		b.waitText(".state-error", "Your access cannot send events.")
		b.goTo("/tokens")
		b.waitText("h1", "Page not found")
	})

	var id string
	t.Run("CreateAndTestFire", func(t *testing.T) {
		b := b.in(t)
		b.goTo("/webhooks")
		b.clickText("New webhook")
		b.waitText("h1", "Create a webhook")
		b.typeInto(`input[name="name"]`, "Acme moderation")
		b.typeInto(`input[name="url"]`, e.rcv.URL)
		b.typeInto(".picker-search", "comment")
		b.click(`input[value="comment.*"]`)
		b.clickText("Create webhook")
		b.waitText(".created-panel", "Copy its signing secret now")
		id = eval[string](b, `location.hash.split('/')[2]`)
		status, hook := e.call(t, http.MethodGet, "/v2/admin/webhooks/"+id, adminToken, nil)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, "acme", hook["tenant"], "what the portal creates is the tenant's")

		b.clickText("Send test event")
		b.waitText(".test-result", "Webhook test successful.")
		got := e.rcv.WaitFor(t, 1, 5*time.Second)[0]
		require.Equal(t, "webhook.test", got.Header.Get("Hookd-Event-Type"))
	})

	t.Run("ListHasBothOfTheTenantsOnly", func(t *testing.T) {
		b := b.in(t)
		b.goTo("/webhooks")
		b.waitText(".webhook-table", "Acme moderation")
		b.waitText(".webhook-table", "Acme archive")
		require.NotContains(t, eval[string](b, `document.querySelector('.webhook-table').textContent`), "Globex")
	})

	t.Run("ReloadKeepsTheSession", func(t *testing.T) {
		b := b.in(t)
		b.do(chromedp.Reload())
		b.waitText(".webhook-table", "Acme moderation")
	})

	t.Run("RevokedMidUseSaysSo", func(t *testing.T) {
		b := b.in(t)
		b.expectAPIStatus(http.StatusUnauthorized)
		status, _ := e.call(t, http.MethodDelete, "/v2/admin/portal-sessions?tenant=acme", adminToken, nil)
		require.Equal(t, http.StatusOK, status)
		b.goTo("/webhooks/" + id)
		b.waitText("h1", "This session has ended")
		b.waitText(".state-text", "revoked")
		require.False(t, eval[bool](b, `!!document.querySelector('input[name="token"]')`), "no sign-in form")
		require.True(t, eval[bool](b, `document.getElementById('topbar').hidden`))
		require.Empty(t, eval[string](b, `sessionStorage.getItem('hookd.portal') || ''`), "the dead token is forgotten")
		b.goTo("/webhooks")
		b.waitText("h1", "This session has ended")
	})
}

func TestPortalExpired(t *testing.T) {
	t.Parallel()
	e := setup(t)
	_, link := e.portalSession(t, map[string]any{"tenant": "acme", "expires_in": 1})
	time.Sleep(1100 * time.Millisecond)
	b := newBrowser(t, e.url)
	b.expectAPIStatus(http.StatusUnauthorized)
	b.do(chromedp.Navigate(link))
	b.waitText("h1", "This session has ended")
	b.waitText(".state-text", "This portal session has expired.")
	b.waitText(".state-text", "for a new link")
	require.False(t, eval[bool](b, `!!document.querySelector('input[name="token"]')`), "no sign-in form")
	require.NotContains(t, eval[string](b, `location.href`), "hkp_")
	b.screenshot("portal-expired")

	t.Run("WithoutALink", func(t *testing.T) {
		b := newBrowser(t, e.url)
		b.do(chromedp.Navigate(e.url + "/portal"))
		b.waitText("h1", "Open this page from your application")
		require.False(t, eval[bool](b, `!!document.querySelector('input[name="token"]')`))
	})
}

// TestPortalReadOnly: a session with webhooks.read alone is offered no
// changes, and a malformed accent is ignored.
func TestPortalReadOnly(t *testing.T) {
	t.Parallel()
	e := setup(t)
	status, out := e.call(t, http.MethodPost, "/v2/admin/webhooks", adminToken, map[string]any{
		"name": "Acme archive", "url": e.rcv.URL, "events": []string{"*"}, "tenant": "acme"})
	require.Equal(t, http.StatusCreated, status, "%v", out)
	id := fmt.Sprint(out["id"])
	_, link := e.portalSession(t, map[string]any{"tenant": "acme", "scopes": []string{"webhooks.read"}})
	b := newBrowser(t, e.url)
	b.do(chromedp.Navigate(withQuery(link, "theme=light&accent=%23e11d48%3Bcolor%3Ared")))
	b.waitText(".webhook-table", "Acme archive")
	require.False(t, eval[bool](b, `[...document.querySelectorAll('a, button')].some((el) => el.textContent.includes('New webhook'))`))
	require.False(t, eval[bool](b, `document.documentElement.classList.contains('host-accent')`), "only #RRGGBB is an accent")
	require.Empty(t, eval[string](b, `getComputedStyle(document.documentElement).getPropertyValue('--host-accent').trim()`))
	require.Equal(t, "light", eval[string](b, `document.documentElement.dataset.theme`))

	b.goTo("/webhooks/" + id)
	b.waitText("h1", "Acme archive")
	for _, label := range []string{"Send test event", "Edit", "Disable", "Delete…", "Rotate…"} {
		require.False(t, eval[bool](b, fmt.Sprintf(`[...document.querySelectorAll('a, button')].some((el) => el.textContent.trim() === %s)`, jsString(label))),
			"%q needs webhooks.write", label)
	}
	b.goTo("/webhooks/new")
	b.waitText(".state-error", "Your access can only look at webhooks")
	b.goTo("/webhooks/" + id + "/edit")
	b.waitText(".state-error", "Your access can only look at webhooks")
}

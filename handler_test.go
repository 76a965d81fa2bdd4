package hookd_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd"
	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/web"
)

// community is a host product as a community platform would write one: a
// net/http mux, its own cookie sessions, its own table, and hookd mounted
// under /community/webhooks/ for each community's admins.
type community struct {
	client *hookd.Client

	mu       sync.Mutex
	sessions map[string]string // session cookie → the admin's community
}

const communityCookie = "community_session"

func newCommunity(t *testing.T) (*community, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	client, err := hookd.New(examplePool, hookd.Config{
		EncryptionKey:        []byte("an-example-key-of-exactly-32-by!"),
		AllowHTTP:            true, // the endpoint below is plain http on loopback
		AllowPrivateNetworks: true,
		Version:              "test",
	})
	require.NoError(t, err)
	require.NoError(t, client.Migrate(ctx))
	_, err = examplePool.Exec(ctx, `CREATE TABLE IF NOT EXISTS community_posts (tenant text, id text, body text, PRIMARY KEY (tenant, id))`)
	require.NoError(t, err)

	c := &community{client: client, sessions: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", c.login)
	mux.HandleFunc("POST /posts", c.post)
	mux.Handle("/community/webhooks/", http.StripPrefix("/community/webhooks", client.Handler(hookd.HandlerConfig{
		Authenticate: c.authenticate,
	})))
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return c, hs
}

// login signs the admin of ?community= in with a cookie of the host's own.
func (c *community) login(w http.ResponseWriter, r *http.Request) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	c.mu.Lock()
	c.sessions[id] = r.URL.Query().Get("community")
	c.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: communityCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
}

var errNotSignedIn = errors.New("not signed in")

// authenticate is the host's answer to hookd: the signed-in admin manages
// its community's webhooks.
func (c *community) authenticate(r *http.Request) (hookd.Principal, error) {
	cookie, err := r.Cookie(communityCookie)
	if err != nil {
		return hookd.Principal{}, errNotSignedIn
	}
	c.mu.Lock()
	tenant, ok := c.sessions[cookie.Value]
	c.mu.Unlock()
	if !ok {
		return hookd.Principal{}, errNotSignedIn
	}
	return hookd.Principal{Tenant: tenant, Scopes: []string{domain.ScopeWebhooksWrite}}, nil
}

// post stores a post in the host's table and emits comment.created in the
// same transaction; ?fail=1 rolls it back after both were written.
func (c *community) post(w http.ResponseWriter, r *http.Request) {
	p, err := c.authenticate(r)
	if err != nil {
		http.Error(w, "sign in", http.StatusUnauthorized)
		return
	}
	ctx := r.Context()
	id := r.URL.Query().Get("id")
	tx, err := examplePool.Begin(ctx)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if _, err := tx.Exec(ctx, `INSERT INTO community_posts (tenant, id, body) VALUES ($1, $2, 'Hello')`, p.Tenant, id); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if _, err := c.client.EmitTx(ctx, tx, hookd.Event{Type: "comment.created", Tenant: p.Tenant, ID: id,
		Data: map[string]any{"post_id": id}}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if r.URL.Query().Get("fail") != "" {
		http.Error(w, "the product failed after writing", http.StatusInternalServerError)
		return // the deferred rollback undoes both writes
	}
	if err := tx.Commit(ctx); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

// browserOf is a client with its own cookie jar, as one browser would be.
type browserOf struct {
	t    *testing.T
	base string
	http *http.Client
}

func newBrowserOf(t *testing.T, base string) *browserOf {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browserOf{t: t, base: base, http: &http.Client{Jar: jar}}
}

func (b *browserOf) do(method, target string, body any) (int, http.Header, []byte) {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(b.t, err)
		rd = strings.NewReader(string(raw))
	}
	req, err := http.NewRequest(method, b.base+target, rd)
	require.NoError(b.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := b.http.Do(req)
	require.NoError(b.t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(b.t, err)
	return res.StatusCode, res.Header, raw
}

func (b *browserOf) json(method, target string, body any) (int, map[string]any) {
	b.t.Helper()
	status, _, raw := b.do(method, target, body)
	var out map[string]any
	require.NoError(b.t, json.Unmarshal(raw, &out), "%s %s: %s", method, target, raw)
	return status, out
}

func (b *browserOf) login(tenant string) {
	b.t.Helper()
	status, _, _ := b.do(http.MethodPost, "/login?community="+tenant, nil)
	require.Equal(b.t, http.StatusNoContent, status)
}

const mount = "/community/webhooks"

func TestHandlerMountedByAHost(t *testing.T) {
	ctx := context.Background()
	c, hs := newCommunity(t)
	endpoint := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(endpoint.Close)
	// Another community's webhook, made by the product itself.
	other, err := c.client.CreateWebhook(ctx, hookd.Webhook{Tenant: "host-globex", Name: "Globex sink", URL: endpoint.URL, Events: []string{"*"}})
	require.NoError(t, err)

	t.Run("UnauthenticatedIs401InHookdsFormat", func(t *testing.T) {
		anon := newBrowserOf(t, hs.URL)
		for _, p := range []string{"/v2/admin/webhooks", "/v2/me", "/v2/events"} {
			status, body := anon.json(http.MethodGet, mount+p, nil)
			require.Equal(t, http.StatusUnauthorized, status, p)
			require.Equal(t, domain.CodeUnauthorized, body["code"])
			require.Equal(t, "Authentication required: sign in to the application first.", body["message"])
			require.Equal(t, map[string]any{"status": float64(401)}, body["data"])
		}
		status, body := anon.json(http.MethodPost, mount+"/v2/admin/webhooks", map[string]any{"name": "x", "url": endpoint.URL, "events": []string{"*"}})
		require.Equal(t, http.StatusUnauthorized, status)
		require.Equal(t, domain.CodeUnauthorized, body["code"])
	})

	alice := newBrowserOf(t, hs.URL)
	alice.login("host-acme")
	var hookID string
	t.Run("CookieSessionListsAndCreatesUnderThePrefix", func(t *testing.T) {
		status, me := alice.json(http.MethodGet, mount+"/v2/me", nil)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, domain.TokenKindHost, me["kind"], "the dashboard learns it is behind the host's login")
		require.Equal(t, "host-acme", me["tenant"])

		status, list := alice.json(http.MethodGet, mount+"/v2/admin/webhooks", nil)
		require.Equal(t, http.StatusOK, status)
		require.Empty(t, list["webhooks"])

		// The body's tenant is not the session's to choose.
		status, hook := alice.json(http.MethodPost, mount+"/v2/admin/webhooks",
			map[string]any{"name": "Moderation", "url": endpoint.URL, "events": []string{"comment.*"}, "tenant": "host-globex"})
		require.Equal(t, http.StatusCreated, status, "%v", hook)
		require.Equal(t, "host-acme", hook["tenant"])
		hookID = fmt.Sprint(hook["id"])

		status, list = alice.json(http.MethodGet, mount+"/v2/admin/webhooks", nil)
		require.Equal(t, http.StatusOK, status)
		require.Len(t, list["webhooks"], 1)
		require.Equal(t, "Moderation", list["webhooks"].([]any)[0].(map[string]any)["name"])
	})

	t.Run("BoundToItsTenant", func(t *testing.T) {
		status, body := alice.json(http.MethodGet, fmt.Sprintf("%s/v2/admin/webhooks/%d", mount, other.ID), nil)
		require.Equal(t, http.StatusNotFound, status)
		require.Equal(t, domain.CodeNotFound, body["code"])

		bob := newBrowserOf(t, hs.URL)
		bob.login("host-globex")
		status, list := bob.json(http.MethodGet, mount+"/v2/admin/webhooks", nil)
		require.Equal(t, http.StatusOK, status)
		require.Len(t, list["webhooks"], 1)
		require.Equal(t, "Globex sink", list["webhooks"].([]any)[0].(map[string]any)["name"])
		status, _ = bob.json(http.MethodGet, mount+"/v2/admin/webhooks/"+hookID, nil)
		require.Equal(t, http.StatusNotFound, status)
	})

	t.Run("DashboardAndEveryAssetUnderThePrefix", func(t *testing.T) {
		status, header, index := alice.do(http.MethodGet, mount+"/", nil)
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, header.Get("Content-Type"), "text/html")
		require.Contains(t, string(index), `<meta name="hookd-mode" content="host">`, "no token sign-in behind the host's login")
		fetched := crawlAssets(t, alice, mount+"/", string(index))
		// Following index.html and each module's imports reaches every
		// file the dashboard ships.
		require.NoError(t, fs.WalkDir(web.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && p != "index.html" {
				require.Contains(t, fetched, mount+"/ui/"+p)
			}
			return err
		}))
		// The API client resolves its calls against its own URL, so
		// they go under the prefix too.
		_, _, api := alice.do(http.MethodGet, mount+"/ui/js/api.js", nil)
		require.Contains(t, string(api), `new URL('../../', import.meta.url)`)
	})

	t.Run("EmitTxInTheHostsTransaction", func(t *testing.T) {
		status, _, body := alice.do(http.MethodPost, "/posts?id=post-1", nil)
		require.Equal(t, http.StatusCreated, status, "%s", body)
		status, _, body = alice.do(http.MethodPost, "/posts?id=post-2&fail=1", nil)
		require.Equal(t, http.StatusInternalServerError, status, "%s", body)

		var posts []string
		rows, err := examplePool.Query(ctx, `SELECT id FROM community_posts WHERE tenant = 'host-acme' ORDER BY id`)
		require.NoError(t, err)
		posts, err = pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		require.Equal(t, []string{"post-1"}, posts, "the rolled-back post is gone")

		status, ev := alice.json(http.MethodGet, mount+"/v2/events/post-1", nil)
		require.Equal(t, http.StatusOK, status, "%v", ev)
		require.Equal(t, "comment.created", ev["type"])
		require.Equal(t, "host-acme", ev["tenant"])
		status, ev = alice.json(http.MethodGet, mount+"/v2/events/post-2", nil)
		require.Equal(t, http.StatusNotFound, status, "and so is its event: %v", ev)
	})
}

var (
	// Attributes of index.html naming a file, and what modules import.
	htmlRef   = regexp.MustCompile(`(?:src|href)="([^"#]+)"`)
	importRef = regexp.MustCompile(`(?m)(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'`)
	cssRef    = regexp.MustCompile(`url\(\s*["']?([^"')]+)["']?\s*\)`)
)

// crawlAssets fetches every file the page refers to, and what those files
// refer to in turn, resolved as a browser resolves them; each must answer
// 200. It returns the paths fetched.
func crawlAssets(t *testing.T, b *browserOf, page, html string) map[string]bool {
	t.Helper()
	fetched := map[string]bool{}
	var visit func(from, ref string)
	visit = func(from, ref string) {
		if strings.HasPrefix(ref, "data:") || strings.Contains(ref, "://") {
			return
		}
		base, err := url.Parse(from)
		require.NoError(t, err)
		target, err := base.Parse(ref)
		require.NoError(t, err)
		p := target.Path
		if fetched[p] {
			return
		}
		fetched[p] = true
		require.True(t, strings.HasPrefix(p, mount+"/"), "%s (from %s) leaves the mount", p, from)
		status, header, body := b.do(http.MethodGet, p, nil)
		require.Equal(t, http.StatusOK, status, "%s (from %s)", p, from)
		switch path.Ext(p) {
		case ".js":
			require.Contains(t, header.Get("Content-Type"), "javascript", p)
			for _, m := range importRef.FindAllStringSubmatch(string(body), -1) {
				for _, r := range m[1:] {
					if r != "" {
						visit(p, r)
					}
				}
			}
		case ".css":
			for _, m := range cssRef.FindAllStringSubmatch(string(body), -1) {
				visit(p, m[1])
			}
		}
	}
	for _, m := range htmlRef.FindAllStringSubmatch(html, -1) {
		visit(page, m[1])
	}
	return fetched
}

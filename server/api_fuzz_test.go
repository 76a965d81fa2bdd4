package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hookd/hookd"
	"github.com/hookd/hookd/internal/secretbox"
	"github.com/hookd/hookd/internal/storetest"
	"github.com/hookd/hookd/store"
)

// quoteRaw writes s as a JSON string without touching its bytes above
// 0x7f: json.Marshal would turn invalid UTF-8 into U+FFFD, and the point is
// to send it. Control characters become \u escapes, so NUL arrives as
// \u0000.
func quoteRaw(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// fuzzRequest is one request with the fuzzer's string s placed somewhere a
// client controls.
type fuzzRequest struct {
	method, path string
	body         func(q string) string // q is s quoted as a JSON string
	header       string                // a header to set to s
}

func fuzzRequests(id int64, s string) []fuzzRequest {
	p := url.PathEscape(s)
	q := url.QueryEscape(s)
	hook := fmt.Sprintf("/v2/admin/webhooks/%d", id)
	obj := func(format string) func(string) string {
		return func(v string) string { return strings.ReplaceAll(format, "$", v) }
	}
	raw := func(string) string { return s }
	return []fuzzRequest{
		{method: "GET", path: "/v2/events/" + p},
		{method: "GET", path: "/v2/events?type=" + q},
		{method: "GET", path: "/v2/events?tenant=" + q},
		{method: "GET", path: "/v2/events?since=" + q + "&until=" + q},
		{method: "GET", path: "/v2/events?page=" + q + "&per_page=" + q},
		{method: "DELETE", path: "/v2/admin/tokens/" + p},
		{method: "GET", path: "/v2/admin/tokens?tenant=" + q},
		{method: "GET", path: "/v2/admin/webhooks?event=" + q},
		{method: "GET", path: "/v2/admin/webhooks?status=" + q + "&tenant=" + q},
		{method: "GET", path: "/v2/admin/webhooks?q=" + q},
		{method: "GET", path: "/v2/admin/deliveries/1?format=" + q},
		{method: "GET", path: "/v2/admin/webhooks/" + p},
		{method: "GET", path: hook + "?tenant=" + q},
		{method: "GET", path: hook + "/deliveries?event_type=" + q},
		{method: "GET", path: hook + "/deliveries?status=" + q},
		{method: "GET", path: "/v2/admin/deliveries/" + p},
		{method: "GET", path: "/v2/event-types?group=" + q},
		{method: "GET", path: "/v2/event-types?tenant=" + q},
		{method: "DELETE", path: "/v2/event-types/" + p},
		{method: "GET", path: "/v2/webhooks/subscriptions/" + p},
		{method: "POST", path: "/v2/admin/webhooks", body: obj(`{"name":$,"url":"https://example.com/h","events":["comment.created"]}`)},
		{method: "POST", path: "/v2/admin/webhooks", body: obj(`{"name":"n","url":$,"events":["comment.created"]}`)},
		{method: "POST", path: "/v2/admin/webhooks", body: obj(`{"name":"n","url":"https://example.com/h","events":[$]}`)},
		{method: "POST", path: "/v2/admin/webhooks", body: obj(`{"name":"n","url":"https://example.com/h","events":["*"],"headers":{"X-Key":$}}`)},
		{method: "POST", path: "/v2/admin/webhooks", body: obj(`{"name":"n","url":"https://example.com/h","events":["*"],"headers":{$:"v"}}`)},
		{method: "POST", path: "/v2/admin/webhooks", body: obj(`{"name":"n","url":"https://example.com/h","events":["*"],"secret":$}`)},
		{method: "POST", path: "/v2/admin/webhooks", body: obj(`{"name":"n","url":"https://example.com/h","events":["*"],"tenant":$}`)},
		{method: "POST", path: "/v2/admin/webhooks", body: obj(`{"name":"n","url":"https://example.com/h","events":["*"],"format":$}`)},
		{method: "POST", path: "/v2/admin/webhooks", body: obj(`{$:1}`)},
		{method: "POST", path: "/v2/admin/webhooks", body: raw},
		{method: "PATCH", path: hook, body: obj(`{"name":$}`)},
		{method: "PATCH", path: hook, body: obj(`{"headers":{"X-Key":$}}`)},
		{method: "POST", path: hook + "/rotate-secret", body: obj(`{"secret":$}`)},
		{method: "POST", path: hook + "/rotate-secret", body: obj(`{"expires_in":$}`)},
		{method: "POST", path: hook + "/recover", body: obj(`{"since":$}`)},
		{method: "POST", path: "/v2/events", body: obj(`{"type":$,"data":{}}`)},
		{method: "POST", path: "/v2/events", body: obj(`{"type":"comment.created","data":{"text":$}}`)},
		{method: "POST", path: "/v2/events", body: obj(`{"type":"comment.created","data":{$:1}}`)},
		{method: "POST", path: "/v2/events", body: obj(`{"type":"comment.created","data":{},"id":$}`)},
		{method: "POST", path: "/v2/events", body: obj(`{"type":"comment.created","data":{},"tenant":$}`)},
		{method: "POST", path: "/v2/events", body: obj(`{"type":"comment.created","data":{}}`), header: "Idempotency-Key"},
		{method: "POST", path: "/v2/events", body: raw},
		{method: "POST", path: "/v2/events/batch", body: obj(`{"events":[{"type":$,"data":{}}]}`)},
		{method: "POST", path: "/v2/events/batch", body: obj(`{"events":[{"type":"comment.created","data":{"x":$},"id":$}]}`)},
		{method: "POST", path: "/v2/admin/tokens", body: obj(`{"name":$,"scopes":["webhooks.read"]}`)},
		{method: "POST", path: "/v2/admin/tokens", body: obj(`{"name":"n","scopes":[$],"tenant":$}`)},
		{method: "POST", path: "/v2/event-types", body: obj(`{"name":$,"description":"d"}`)},
		{method: "POST", path: "/v2/event-types", body: obj(`{"name":"fuzz.thing","description":$,"group":$}`)},
		{method: "POST", path: "/v2/event-types", body: obj(`{"name":"fuzz.other","description":"d","tenant":$}`)},
		{method: "DELETE", path: "/v2/event-types/fuzz.thing?tenant=" + q},
		{method: "POST", path: "/v2/webhooks/subscriptions", body: obj(`{"url":$,"events":[{"name":"content_published"}]}`)},
		{method: "POST", path: "/v2/webhooks/subscriptions", body: obj(`{"url":"https://example.com/s","authorization_header":$,"events":[{"name":$}]}`)},
		{method: "GET", path: "/v2/me", header: "Authorization"},
	}
}

// FuzzAPIInput drives the real router on a real database with hostile text
// (NUL, invalid UTF-8, huge numbers, odd escapes) in every place a client
// controls: path ids, query parameters, body fields and headers. No input
// may be answered with a 5xx: bad input is the client's error, 4xx.
func FuzzAPIInput(f *testing.F) {
	for _, s := range []string{"\x00", "a\x00b", "\xff", "\xc3\x28", "\xed\xa0\x80", "\xf4\x90\x80\x80", "caf\xe9",
		"comment.created", "", " ", "%", "%00", "..", "../..", "*", "comment.*", "9223372037", "-1", "1e400",
		"2026-01-02T15:04:05Z", "\\u0000", "'; DROP TABLE webhooks; --", strings.Repeat("x", 300), strings.Repeat("é", 200),
		"hkd_\xff_\x00", "Bearer hkd_a\x00b_c", "\u202e", "\U0001F600"} {
		f.Add(s)
	}
	db := storetest.NewDatabase(f, 10)
	// No rate limit and no auth-failure throttle: a 429 would answer before
	// the handlers the fuzzer is after.
	client, err := hookd.New(db.Pool, hookd.Config{EncryptionKey: testKey, Version: "test", AdminToken: adminToken,
		RateLimit: hookd.Unlimited, AuthFailureLimit: hookd.Unlimited})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = client.Stop(context.Background()) })
	w, err := client.CreateWebhook(context.Background(), hookd.Webhook{Name: "fuzz", URL: "https://example.com/h", Events: []string{"*"}})
	if err != nil {
		f.Fatal(err)
	}
	keys, err := secretbox.NewKeyring(testKey)
	if err != nil {
		f.Fatal(err)
	}
	if _, _, err := store.New(keys).CreateToken(context.Background(), db.Pool, store.CreateTokenParams{Name: "t", Scopes: []string{"webhooks.read"}}); err != nil {
		f.Fatal(err)
	}
	handler := client.Handler(hookd.HandlerConfig{})

	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range fuzzRequests(w.ID, s) {
			var body []byte
			if r.body != nil {
				body = []byte(r.body(quoteRaw(s)))
			}
			req := httptest.NewRequest(r.method, "http://hookd.test/", bytes.NewReader(body))
			// Set the path after parsing: NewRequest panics on some of
			// what a client can send raw.
			u, err := url.ParseRequestURI(r.path)
			if err != nil {
				continue // not something an HTTP client can send
			}
			req.URL = u
			req.RequestURI = r.path
			req.Header.Set("Authorization", "Bearer "+adminToken)
			req.Header.Set("Content-Type", "application/json")
			switch r.header {
			case "Authorization":
				req.Header.Set("Authorization", "Bearer "+s)
			case "":
			default:
				req.Header.Set(r.header, s)
			}
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			if rec.Code >= http.StatusInternalServerError {
				t.Fatalf("%s %s body %q → %d: %s", r.method, r.path, body, rec.Code, rec.Body)
			}
		}
	})
}

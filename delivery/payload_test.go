package delivery

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
)

func TestBuildBody(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 1, 2, 3, 4, 5, 678_000_000, time.FixedZone("x", 3600))
	body, err := BuildBody("evt_1", "comment.created", created, json.RawMessage(" {\n \"a\" : [1, 2], \"b\": \"ü\\u00e9\"} "))
	require.NoError(t, err)
	require.Equal(t, `{"id":"evt_1","type":"comment.created","created":"2026-01-02T02:04:05.678Z","version":"1","data":{"a":[1,2],"b":"ü\u00e9"}}`, string(body))
	require.True(t, json.Valid(body))

	for _, bad := range []string{``, `[]`, `"x"`, `null`, `{`, `{"a":1} x`} {
		require.Error(t, validateData("data", json.RawMessage(bad)), bad)
	}
}

func BenchmarkBuildBody(b *testing.B) {
	data := json.RawMessage(`{"id":123,"author":{"id":45,"name":"Ada"},"text":"` + strings.Repeat("lorem ipsum ", 80) + `"}`)
	created := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildBody("evt_06h0bgso45u81e5o7u8vv8rcmo", "comment.created", created, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuildRequest(b *testing.B) {
	cfg := Config{}.WithDefaults()
	w := &domain.Webhook{ID: 1, Secret: domain.NewSecret(), Headers: map[string]string{"X-Api-Key": "k"}}
	body := []byte(`{"id":"evt_1","type":"comment.created","created":"2026-01-02T02:04:05.678Z","version":"1","data":{"text":"` + strings.Repeat("x", 900) + `"}}`)
	info := attemptInfo{EventID: "evt_1", EventType: "comment.created", DeliveryID: 42, Number: 1}
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		_ = cfg.buildRequest(w, info, body, now)
	}
}

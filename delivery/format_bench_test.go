package delivery

import (
	"strings"
	"testing"
	"time"

	"github.com/hookd/hookd/domain"
)

// benchSource is a typical community event: a post with its author, about
// 1 KiB of data.
func benchSource() *bodySource {
	return &bodySource{
		ID: "evt_06h0bgso45u81e5o7u8vv8rcmo", Tenant: "acme", Type: "post.published", Created: time.Now(),
		Description: "A post or reply goes live, right away or once a moderator approves it.",
		Data: []byte(`{"id":123,"actor":{"id":"olQ88vTqYp","roleType":"admin","name":"Ada"},"object":{"id":"7YLkAXyezVhHloA",` +
			`"title":"Hello world","slug":"hello-world","shortContent":"<p>` + strings.Repeat("What a time to be alive! ", 30) +
			`</p>","repliesCount":0,"isReply":false,"ratio":1.50,"createdAt":"2021-12-20T04:23:32.032Z"},` +
			`"target":{"spaceId":"kBMLH6nwC78J","networkId":"CAxOmI7I7t"},"10":"index keys","2":"first"}`),
	}
}

// BenchmarkFormatBody builds one event's body in each format: the work done
// once per (event, format) at fan-out.
func BenchmarkFormatBody(b *testing.B) {
	for _, name := range domain.Formats {
		b.Run(name, func(b *testing.B) {
			src := benchSource()
			f := formats[name]
			b.SetBytes(int64(len(src.Data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.body(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFanOutBodies is the body work of one event fanning out to 1,000
// webhooks spread over the six formats: one body per format, whatever the
// number of webhooks (what storeForFanOut builds).
func BenchmarkFanOutBodies(b *testing.B) {
	src := benchSource()
	webhookFormats := make([]string, 1000)
	for i := range webhookFormats {
		webhookFormats[i] = domain.Formats[i%len(domain.Formats)]
	}
	b.ReportAllocs()
	for b.Loop() {
		built := map[string][]byte{}
		for _, name := range webhookFormats {
			if _, ok := built[name]; ok {
				continue
			}
			body, err := formats[name].body(src)
			if err != nil {
				b.Fatal(err)
			}
			built[name] = body
		}
		if len(built) != len(domain.Formats) {
			b.Fatal(len(built))
		}
	}
}

// BenchmarkBuildRequestFormats signs one attempt in each format.
func BenchmarkBuildRequestFormats(b *testing.B) {
	cfg := Config{}.WithDefaults()
	info := attemptInfo{EventID: "evt_06h0bgso45u81e5o7u8vv8rcmo", EventType: "post.published", DeliveryID: 42, Number: 1}
	now := time.Now()
	for _, name := range domain.Formats {
		b.Run(name, func(b *testing.B) {
			body, err := formats[name].body(benchSource())
			if err != nil {
				b.Fatal(err)
			}
			w := &domain.Webhook{ID: 1, Format: name, Secret: domain.NewSecret(), Headers: map[string]string{"X-Api-Key": "k"}}
			b.ReportAllocs()
			for b.Loop() {
				_ = cfg.buildRequest(w, info, body, now)
			}
		})
	}
}

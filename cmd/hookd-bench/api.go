package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// eventType is what every benchmark event is; it is in hookd's catalog.
const eventType = "comment.created"

// apiClient talks to hookd's public API with an admin token.
type apiClient struct {
	base  string
	token string
	http  *http.Client
}

func newAPIClient(base, token string, conns int) *apiClient {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &apiClient{base: base, token: token, http: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

// apiError is an answer with an unexpected status.
type apiError struct {
	Status int
	Body   string
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.Status, e.Body) }

// do sends body (already JSON) and decodes a want-status answer into out.
func (c *apiClient) do(ctx context.Context, method, path string, body []byte, want int, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != want {
		if len(b) > 300 {
			b = b[:300]
		}
		return &apiError{Status: res.StatusCode, Body: string(bytes.TrimSpace(b))}
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// webhookSpec is one webhook to create.
type webhookSpec struct {
	Tenant string
	URL    string
	// Format is the webhook's delivery format; "" is hookd's default.
	Format string
	// Filter is the webhook's payload filter; nil for none.
	Filter any
	// RateLimit is the webhook's deliveries per second; 0 for none.
	RateLimit int
}

// createWebhooks creates the webhooks, subscribed to eventType and never
// retried (retry_count 0: every delivery measured is a first attempt), a
// few at a time, and returns their ids in order.
func (c *apiClient) createWebhooks(ctx context.Context, specs []webhookSpec) ([]int64, error) {
	ids := make([]int64, len(specs))
	err := forEach(ctx, len(specs), 8, func(ctx context.Context, i int) error {
		fields := map[string]any{
			"name": "bench " + strconv.Itoa(i), "url": specs[i].URL, "events": []string{eventType},
			"retry_count": 0, "tenant": specs[i].Tenant,
		}
		if specs[i].Format != "" {
			fields["format"] = specs[i].Format
		}
		if specs[i].Filter != nil {
			fields["filter"] = specs[i].Filter
		}
		if specs[i].RateLimit > 0 {
			fields["rate_limit"] = specs[i].RateLimit
		}
		body, _ := json.Marshal(fields)
		var out struct {
			ID int64 `json:"id"`
		}
		if err := c.do(ctx, http.MethodPost, "/v2/admin/webhooks", body, http.StatusCreated, &out); err != nil {
			return fmt.Errorf("error creating webhook %d: %w", i, err)
		}
		ids[i] = out.ID
		return nil
	})
	return ids, err
}

// forEach runs fn for 0..n-1, limit at a time, and returns the first error;
// an error cancels the ctx the others get.
func forEach(ctx context.Context, n, limit int, fn func(context.Context, int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		sem   = make(chan struct{}, limit)
	)
	for i := range n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := fn(ctx, i); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// eventJSON is one event's JSON, written by hand: the producer makes
// thousands a second on the machine it measures.
func eventJSON(buf []byte, tenant, id string, n int) []byte {
	buf = append(buf, `{"type":"`+eventType+`","tenant":"`...)
	buf = append(buf, tenant...)
	buf = append(buf, `","id":"`...)
	buf = append(buf, id...)
	buf = append(buf, `","data":{"n":`...)
	buf = strconv.AppendInt(buf, int64(n), 10)
	return append(buf, `}}`...)
}

// emitted is POST /v2/events's answer.
type emitted struct {
	ID         string `json:"id"`
	Deliveries int    `json:"deliveries"`
}

// emit posts one event; it returns the HTTP status (0 on a transport
// error) and the answer.
func (c *apiClient) emit(ctx context.Context, tenant, id string, n int) (int, emitted, error) {
	var out emitted
	err := c.do(ctx, http.MethodPost, "/v2/events", eventJSON(nil, tenant, id, n), http.StatusAccepted, &out)
	return statusOf(err, http.StatusAccepted), out, err
}

// emitBatch posts events [from, to) of a batch; tenant and id name each.
func (c *apiClient) emitBatch(ctx context.Context, from, to int, tenant, id func(int) string) (int, error) {
	buf := make([]byte, 0, (to-from)*96+16)
	buf = append(buf, `{"events":[`...)
	for i := from; i < to; i++ {
		if i > from {
			buf = append(buf, ',')
		}
		buf = eventJSON(buf, tenant(i), id(i), i)
	}
	buf = append(buf, "]}"...)
	err := c.do(ctx, http.MethodPost, "/v2/events/batch", buf, http.StatusAccepted, nil)
	return statusOf(err, http.StatusAccepted), err
}

func statusOf(err error, ok int) int {
	if err == nil {
		return ok
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// healthVersion is the version /healthz reports.
func (c *apiClient) healthVersion(ctx context.Context) (string, error) {
	var out struct {
		Version string `json:"version"`
	}
	err := c.do(ctx, http.MethodGet, "/healthz", nil, http.StatusOK, &out)
	return out.Version, err
}

// errorLog keeps a count of failed requests and the first few causes.
type errorLog struct {
	mu      sync.Mutex
	count   int
	samples []string
}

func (l *errorLog) add(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.count++
	if len(l.samples) < 5 {
		l.samples = append(l.samples, err.Error())
	}
}

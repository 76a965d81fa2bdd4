package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// apiClient calls hookd's public API with the admin token.
type apiClient struct {
	token string
	http  *http.Client
}

func newAPIClient(token string, timeout time.Duration) *apiClient {
	return &apiClient{token: token, http: &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{MaxIdleConnsPerHost: 32, IdleConnTimeout: 30 * time.Second},
	}}
}

// response is one answer, read whole.
type response struct {
	Status  int
	Header  http.Header
	Body    []byte
	Latency time.Duration
}

// do sends method path to base with body as JSON (nil for none).
func (c *apiClient) do(ctx context.Context, base, method, path string, body any) (*response, error) {
	return c.doWithHeader(ctx, base, method, path, body, nil)
}

// doWithHeader is do with extra request headers.
func (c *apiClient) doWithHeader(ctx context.Context, base, method, path string, body any, header map[string]string) (*response, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		return &response{Latency: time.Since(start)}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	out := &response{Status: res.StatusCode, Header: res.Header, Body: b, Latency: time.Since(start)}
	return out, err
}

// webhook is a webhook the scenario created and where it points.
type webhook struct {
	ID         int64
	Index      int
	RetryCount int
}

// chaosEventType is the type of every event the scenarios emit. Webhooks
// subscribe to it alone: with "*" they would also hear hookd's operational
// events about each other's failures, load on the misbehaving endpoints
// that no scenario counts.
const chaosEventType = "comment.created"

// createWebhook subscribes the receiver's path for index i to the
// scenarios' events.
func (c *apiClient) createWebhook(ctx context.Context, base, receiverURL string, i, retryCount int) (webhook, error) {
	res, err := c.do(ctx, base, http.MethodPost, "/v2/admin/webhooks", map[string]any{
		"name": "chaos " + strconv.Itoa(i), "url": receiverURL + pathFor(i), "events": []string{chaosEventType},
		"status": "active", "retry_count": retryCount,
	})
	if err != nil {
		return webhook{}, err
	}
	if res.Status != http.StatusCreated {
		return webhook{}, fmt.Errorf("creating a webhook answered %d: %s", res.Status, res.Body)
	}
	var w struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(res.Body, &w); err != nil || w.ID == 0 {
		return webhook{}, fmt.Errorf("creating a webhook answered an unreadable body: %s", res.Body)
	}
	return webhook{ID: w.ID, Index: i, RetryCount: retryCount}, nil
}

// errorShape checks that an error answer is in hookd's error format with
// the given code and status.
func errorShape(body []byte, code string, status int) error {
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Data    struct {
			Status int `json:"status"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return fmt.Errorf("not JSON: %q", truncate(string(body), 120))
	}
	if e.Code != code || e.Data.Status != status || e.Message == "" {
		return fmt.Errorf("want code %q and data.status %d with a message, got %q", code, status, truncate(string(body), 160))
	}
	return nil
}

// retryAfterOK reports a Retry-After of a positive number of seconds.
func retryAfterOK(h http.Header) bool {
	n, err := strconv.Atoi(h.Get("Retry-After"))
	return err == nil && n > 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Package apitest drives hookd's HTTP API in tests: real handlers on a
// real database over real HTTP, with every response checked against the
// OpenAPI document, so the contract cannot drift from the code.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/openapi"
)

// Spec loads and validates the OpenAPI document.
func Spec(tb testing.TB) *openapi3.T {
	tb.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapi.Spec)
	require.NoError(tb, err)
	require.NoError(tb, doc.Validate(context.Background()))
	return doc
}

// Client sends requests to a hookd API at BaseURL and validates each
// response against the spec.
type Client struct {
	tb      testing.TB
	BaseURL string
	router  routers.Router
	http    *http.Client
}

// NewClient returns a client for the API at baseURL.
func NewClient(tb testing.TB, baseURL string) *Client {
	tb.Helper()
	doc := Spec(tb)
	// The servers entry is "/"; match any host.
	doc.Servers = openapi3.Servers{{URL: baseURL}}
	router, err := gorillamux.NewRouter(doc)
	require.NoError(tb, err)
	return &Client{tb: tb, BaseURL: baseURL, router: router, http: &http.Client{}}
}

// Response is an answer already read and validated.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map.
func (r *Response) JSON(tb testing.TB) map[string]any {
	tb.Helper()
	var m map[string]any
	require.NoError(tb, json.Unmarshal(r.Body, &m), "body: %s", r.Body)
	return m
}

// Decode decodes the body into v.
func (r *Response) Decode(tb testing.TB, v any) {
	tb.Helper()
	require.NoError(tb, json.Unmarshal(r.Body, v), "body: %s", r.Body)
}

// RequireError checks an error answer: status, code, and the seed's shape.
func (r *Response) RequireError(tb testing.TB, status int, code string) map[string]any {
	tb.Helper()
	require.Equal(tb, status, r.Status, "body: %s", r.Body)
	m := r.JSON(tb)
	require.Equal(tb, code, m["code"], "body: %s", r.Body)
	require.NotEmpty(tb, m["message"])
	data, ok := m["data"].(map[string]any)
	require.True(tb, ok, "data must be an object: %s", r.Body)
	require.EqualValues(tb, status, data["status"])
	return m
}

// Do sends a request. body may be nil, a []byte or string sent verbatim,
// or a value encoded as JSON.
func (c *Client) Do(method, path, token string, body any, headers ...string) *Response {
	c.tb.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		reader = bytes.NewReader(b)
	case string:
		reader = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(c.tb, err)
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.BaseURL+path, reader)
	require.NoError(c.tb, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.http.Do(req)
	require.NoError(c.tb, err)
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	require.NoError(c.tb, err)
	c.validate(req, resp, respBody)
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: respBody}
}

// validate holds a response to the spec. Requests to routes the spec does
// not have must be answered with the JSON 404/405 error shape.
func (c *Client) validate(req *http.Request, resp *http.Response, body []byte) {
	c.tb.Helper()
	u, _ := url.Parse(req.URL.String())
	vreq := req.Clone(context.Background())
	vreq.URL = u
	route, params, err := c.router.FindRoute(vreq)
	if err != nil {
		require.Contains(c.tb, []int{http.StatusNotFound, http.StatusMethodNotAllowed}, resp.StatusCode,
			"%s %s is not in the spec but was answered %d", req.Method, req.URL.Path, resp.StatusCode)
		var m map[string]any
		require.NoError(c.tb, json.Unmarshal(body, &m))
		require.Contains(c.tb, m, "code")
		return
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: vreq, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: resp.StatusCode,
		Header: resp.Header,
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	input.SetBodyBytes(body)
	err = openapi3filter.ValidateResponse(context.Background(), input)
	require.NoError(c.tb, err, "%s %s → %d does not match the spec; body: %s", req.Method, req.URL.Path, resp.StatusCode, body)
}

package delivery

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/hookd/hookd/domain"
)

// Defaults for the zero fields of SenderConfig.
const (
	DefaultSenderTimeout             = 10 * time.Second
	DefaultSenderUserAgent           = "hookd/dev"
	DefaultMaxResponseBytes    int64 = 64 << 10
	DefaultKeepBytes                 = 4 << 10
	DefaultMaxIdleConnsPerHost       = 100
)

const (
	// maxDialTimeout and tlsHandshakeTimeout bound the connection set-up
	// phases, so a black-holed address fails fast even with a long Timeout.
	maxDialTimeout      = 5 * time.Second
	tlsHandshakeTimeout = 5 * time.Second
	// idleConnTimeout closes pooled connections a receiver has not needed
	// for a while; webhook traffic to one host is often bursty.
	idleConnTimeout = 90 * time.Second
	// maxResponseHeaderBytes caps response headers, which are stored with
	// the attempt; a receiver has no reason to send more.
	maxResponseHeaderBytes = 64 << 10
)

// SenderConfig configures HTTP delivery. Zero values take the defaults noted.
type SenderConfig struct {
	// Timeout bounds the whole attempt: connecting, sending, waiting for the
	// response and reading its body. Default 10s.
	Timeout time.Duration
	// UserAgent is sent unless the request's Header has its own User-Agent.
	// Default "hookd/dev".
	UserAgent string
	// MaxResponseBytes is the most of a response body Send reads; a longer
	// body is abandoned and its connection closed rather than reused.
	// Default 64 KiB.
	MaxResponseBytes int64
	// KeepBytes is how much of the body read is kept in Result.Body (at most
	// MaxResponseBytes). Default 4 KiB; negative keeps nothing.
	KeepBytes int
	// DialControl, when set, is installed as net.Dialer.Control, so it sees
	// the address actually dialled (after DNS): the SSRF guard plugs in here.
	// Its error fails the attempt; wrap domain.ErrAddressNotAllowed to get the
	// Cause "destination address not allowed".
	DialControl func(network, address string, c syscall.RawConn) error
	// CheckHost, when set, sees the host of each address before it is
	// resolved; its error fails the attempt like DialControl's.
	CheckHost func(host string) error
	// MaxIdleConnsPerHost is how many idle keep-alive connections to one
	// host are kept for later attempts. Default 100.
	MaxIdleConnsPerHost int
	// TLSConfig, when set, is used (cloned) for HTTPS; tests use it to trust
	// httptest's CA. Default: the system roots, TLS 1.2 or later.
	TLSConfig *tls.Config
}

// withDefaults returns c with its zero fields set to their defaults.
func (c SenderConfig) withDefaults() SenderConfig {
	if c.Timeout <= 0 {
		c.Timeout = DefaultSenderTimeout
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultSenderUserAgent
	}
	if c.MaxResponseBytes <= 0 {
		c.MaxResponseBytes = DefaultMaxResponseBytes
	}
	switch {
	case c.KeepBytes == 0:
		c.KeepBytes = DefaultKeepBytes
	case c.KeepBytes < 0:
		c.KeepBytes = 0
	}
	if int64(c.KeepBytes) > c.MaxResponseBytes {
		c.KeepBytes = int(c.MaxResponseBytes)
	}
	if c.MaxIdleConnsPerHost <= 0 {
		c.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	}
	return c
}

// Sender POSTs webhook requests. It holds one Transport, so keep-alive
// connections are reused across attempts; create one and share it. It is
// safe for concurrent use.
type Sender struct {
	cfg       SenderConfig
	limits    causeTimeouts
	transport *http.Transport
}

// NewSender returns a Sender for cfg, defaults applied.
func NewSender(cfg SenderConfig) *Sender {
	cfg = cfg.withDefaults()
	dialer := &net.Dialer{
		Timeout:   min(maxDialTimeout, cfg.Timeout),
		KeepAlive: 30 * time.Second,
		Control:   cfg.DialControl,
	}
	var tlsConfig *tls.Config
	if cfg.TLSConfig != nil {
		tlsConfig = cfg.TLSConfig.Clone()
	}
	transport := &http.Transport{
		// Never an environment proxy: it would bypass DialControl (the proxy
		// is dialled, not the receiver) and send webhooks somewhere unexpected.
		Proxy:                  nil,
		DialContext:            guardDial(dialer.DialContext, cfg.CheckHost),
		TLSClientConfig:        tlsConfig,
		TLSHandshakeTimeout:    tlsHandshakeTimeout,
		ResponseHeaderTimeout:  cfg.Timeout,
		ForceAttemptHTTP2:      true, // a custom DialContext turns HTTP/2 off otherwise
		MaxIdleConnsPerHost:    cfg.MaxIdleConnsPerHost,
		IdleConnTimeout:        idleConnTimeout,
		MaxResponseHeaderBytes: maxResponseHeaderBytes,
		// The request must go out exactly as built (and signed): no
		// Accept-Encoding added, and the body we record is what was sent.
		DisableCompression: true,
	}
	return &Sender{
		cfg: cfg,
		limits: causeTimeouts{
			attempt:   cfg.Timeout,
			dial:      dialer.Timeout,
			handshake: tlsHandshakeTimeout,
		},
		transport: transport,
	}
}

// Request is one POST.
type Request struct {
	URL  string
	Body []byte
	// Header is sent as is; the Sender adds nothing but User-Agent (unless
	// Header has one) and Content-Length. It is not modified. (One exception
	// comes from net/http: a URL with a user:password@ part gets a Basic
	// Authorization header; hookd's URL validation refuses such URLs.)
	Header http.Header
}

// Result is the outcome of one attempt.
type Result struct {
	// StatusCode is the response status; 0 when no response arrived.
	StatusCode int
	// Header holds the response headers; nil when no response arrived.
	Header http.Header
	// Body is at most KeepBytes of the response body.
	Body []byte
	// Duration runs from just before the request until the body was read,
	// or until the failure.
	Duration time.Duration
	// Err is non-nil when no usable response arrived: timeout, refused, DNS,
	// TLS, reset, a dial refused by DialControl... Its *url.Error wrapping is
	// removed, so its text does not carry the URL.
	Err error
	// Cause is a readable reason for a failure, "" on success: "HTTP 500",
	// "redirect not followed (HTTP 301)", "timeout after 10s", "connection
	// refused", "DNS lookup failed: no such host", "TLS handshake failed:
	// …", "connection reset by peer", "connection closed before a response",
	// "destination address not allowed"... It never contains the URL's query
	// string or userinfo, nor header values.
	Cause string
	// ErrorKind classifies Cause for programs (the dashboard's advice, say):
	// one of domain's AttemptError… values; "" on success.
	ErrorKind string
	// Success is true for a 2xx status and nothing else: 3xx (304 included),
	// 4xx, 5xx and errors are failures.
	Success bool
	// RetryAfter is the receiver's Retry-After on a 429 or 503 (nil on any
	// other status, or when absent or unparseable); never negative.
	RetryAfter *time.Duration
}

// Send POSTs req and reports what happened; it never returns an error of its
// own, failures are in the Result. Redirects are not followed. cfg.Timeout
// bounds the whole exchange, including reading the response body; ctx can end
// it sooner. Once the status has arrived, a failure while reading the body
// does not change the outcome: the status is the receiver's answer, and Body
// holds what was read.
func (s *Sender) Send(ctx context.Context, req Request) Result {
	ctx, cancel := context.WithTimeoutCause(ctx, s.cfg.Timeout, errAttemptTimeout)
	defer cancel()

	start := time.Now()
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		err = stripURLError(err)
		return Result{
			Err:       err,
			Cause:     "invalid URL: " + scrub(err.Error(), req.URL),
			ErrorKind: domain.AttemptErrorInvalidURL,
			Duration:  time.Since(start),
		}
	}
	httpReq.Header = s.header(req.Header)

	// The transport itself, not an http.Client: a redirect is a failure
	// (the seed's "Response code"; following it would re-send a signed body
	// to a URL nobody registered), so the client's redirect machinery — and
	// its copy of every request's headers — would be pure cost.
	resp, err := s.transport.RoundTrip(httpReq)
	if err != nil {
		kind, cause := errorCause(err, context.Cause(ctx), s.limits, req.URL)
		return Result{Err: stripURLError(err), Cause: cause, ErrorKind: kind, Duration: time.Since(start)}
	}
	body := s.readBody(resp)
	res := Result{
		StatusCode: resp.StatusCode,
		Header:     resp.Header,
		Body:       body,
		Duration:   time.Since(start),
		Success:    resp.StatusCode >= 200 && resp.StatusCode <= 299,
	}
	res.ErrorKind, res.Cause = statusCause(resp.StatusCode)
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			res.RetryAfter = &d
		}
	}
	return res
}

// CloseIdle closes idle keep-alive connections, e.g. on shutdown.
func (s *Sender) CloseIdle() {
	s.transport.CloseIdleConnections()
}

// header returns the header to send: h's entries plus User-Agent when h has
// none. The caller's map is left alone; value slices are shared, which is
// safe because the transport only reads them.
func (s *Sender) header(h http.Header) http.Header {
	if _, ok := h["User-Agent"]; ok {
		return h // the transport only reads it
	}
	out := make(http.Header, len(h)+1)
	for k, v := range h {
		out[k] = v
	}
	if _, ok := h["User-Agent"]; !ok {
		out["User-Agent"] = []string{s.cfg.UserAgent}
	}
	return out
}

// readBody reads up to MaxResponseBytes of resp's body, keeps the first
// KeepBytes, and closes it. Reading to the end lets the transport put the
// connection back in its pool; a longer body is abandoned, which closes the
// connection instead, since draining it could take long.
func (s *Sender) readBody(resp *http.Response) []byte {
	defer resp.Body.Close()

	keep := int64(s.cfg.KeepBytes)
	var kept []byte
	var err error
	switch {
	case resp.ContentLength >= 0 && resp.ContentLength <= keep:
		// Exactly sized; the common case of a short or empty answer.
		kept = make([]byte, resp.ContentLength)
		var n int
		n, err = io.ReadFull(resp.Body, kept)
		kept = kept[:n]
	case resp.ContentLength > keep:
		kept = make([]byte, keep)
		var n int
		n, err = io.ReadFull(resp.Body, kept)
		kept = kept[:n]
	default:
		kept, err = io.ReadAll(io.LimitReader(resp.Body, keep))
	}
	if err != nil {
		return kept
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, s.cfg.MaxResponseBytes-int64(len(kept))))
	return kept
}

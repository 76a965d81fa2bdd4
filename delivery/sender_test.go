package delivery

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
)

// testServer is an httptest server on loopback that counts the connections
// it accepts, so tests can tell whether the Sender reused one.
type testServer struct {
	*httptest.Server
	newConns atomic.Int64
}

func startTestServer(t *testing.T, handler http.HandlerFunc) *testServer {
	t.Helper()
	ts := &testServer{Server: httptest.NewUnstartedServer(handler)}
	ts.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			ts.newConns.Add(1)
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// newTestSender returns a Sender whose idle connections are closed when the
// test ends, so httptest's Close does not wait on them.
func newTestSender(t *testing.T, cfg SenderConfig) *Sender {
	t.Helper()
	s := NewSender(cfg)
	t.Cleanup(s.CloseIdle)
	return s
}

func TestSendStatus(t *testing.T) {
	t.Parallel()

	for _, tt := range []struct {
		name        string
		status      int
		location    string
		wantSuccess bool
		wantCause   string
	}{
		{name: "OK", status: http.StatusOK, wantSuccess: true},
		{name: "Created", status: http.StatusCreated, wantSuccess: true},
		{name: "NoContent", status: http.StatusNoContent, wantSuccess: true},
		{name: "MovedPermanently", status: http.StatusMovedPermanently, location: "/elsewhere", wantCause: "redirect not followed (HTTP 301)"},
		{name: "Found", status: http.StatusFound, location: "/elsewhere", wantCause: "redirect not followed (HTTP 302)"},
		{name: "SeeOther", status: http.StatusSeeOther, location: "/elsewhere", wantCause: "redirect not followed (HTTP 303)"},
		{name: "TemporaryRedirect", status: http.StatusTemporaryRedirect, location: "/elsewhere", wantCause: "redirect not followed (HTTP 307)"},
		{name: "PermanentRedirect", status: http.StatusPermanentRedirect, location: "/elsewhere", wantCause: "redirect not followed (HTTP 308)"},
		{name: "NotModified", status: http.StatusNotModified, wantCause: "HTTP 304"},
		{name: "BadRequest", status: http.StatusBadRequest, wantCause: "HTTP 400"},
		{name: "Gone", status: http.StatusGone, wantCause: "HTTP 410"},
		{name: "InternalServerError", status: http.StatusInternalServerError, wantCause: "HTTP 500"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			var hits atomic.Int64
			srv := startTestServer(t, func(w http.ResponseWriter, _ *http.Request) {
				hits.Add(1)
				if tt.location != "" {
					w.Header().Set("Location", tt.location)
				}
				w.Header().Set("X-Answer", "yes")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, "answer body")
			})
			s := newTestSender(t, SenderConfig{})

			res := s.Send(context.Background(), Request{URL: srv.URL + "/hook", Body: []byte(`{}`)})
			require.NoError(t, res.Err)
			require.Equal(t, tt.status, res.StatusCode)
			require.Equal(t, tt.wantSuccess, res.Success)
			require.Equal(t, tt.wantCause, res.Cause)
			require.Equal(t, "yes", res.Header.Get("X-Answer"))
			require.Nil(t, res.RetryAfter)
			require.Positive(t, res.Duration)
			if tt.status != http.StatusNoContent && tt.status != http.StatusNotModified {
				require.Equal(t, "answer body", string(res.Body))
			}
			// Had the redirect been followed, /elsewhere would be a second hit.
			require.EqualValues(t, 1, hits.Load())
		})
	}
}

func TestSendTimeout(t *testing.T) {
	t.Parallel()

	const timeout = 200 * time.Millisecond

	// hang holds the request until the client gives up, bounded so a broken
	// Sender cannot wedge the test.
	hang := func(r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}

	t.Run("NoResponse", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, func(_ http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			hang(r)
		})
		s := newTestSender(t, SenderConfig{Timeout: timeout})

		res := s.Send(context.Background(), Request{URL: srv.URL, Body: []byte(`{}`)})
		require.Error(t, res.Err)
		require.Equal(t, "timeout after 200ms", res.Cause)
		require.False(t, res.Success)
		require.Zero(t, res.StatusCode)
		require.Nil(t, res.Header)
		require.GreaterOrEqual(t, res.Duration, timeout)
		require.Less(t, res.Duration, timeout+time.Second)
	})

	t.Run("CauseQuotesConfiguredTimeout", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, func(_ http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			hang(r)
		})
		s := newTestSender(t, SenderConfig{Timeout: 1500 * time.Millisecond})

		res := s.Send(context.Background(), Request{URL: srv.URL})
		require.Equal(t, "timeout after 1.5s", res.Cause)
	})

	t.Run("BodyHangsAfterStatus", func(t *testing.T) {
		t.Parallel()
		// The status is the receiver's answer; a body that never ends only
		// costs time, it does not turn a 200 into a failure.
		srv := startTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
			hang(r)
		})
		s := newTestSender(t, SenderConfig{Timeout: timeout})

		res := s.Send(context.Background(), Request{URL: srv.URL})
		require.NoError(t, res.Err)
		require.True(t, res.Success)
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, "partial", string(res.Body))
		require.GreaterOrEqual(t, res.Duration, timeout)
		require.Less(t, res.Duration, timeout+time.Second)
	})

	t.Run("CallerCancels", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, func(_ http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			hang(r)
		})
		s := newTestSender(t, SenderConfig{})

		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		res := s.Send(ctx, Request{URL: srv.URL})
		require.ErrorIs(t, res.Err, context.Canceled)
		require.Equal(t, "attempt cancelled", res.Cause)
	})

	t.Run("CallerDeadline", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, func(_ http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			hang(r)
		})
		s := newTestSender(t, SenderConfig{})

		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		res := s.Send(ctx, Request{URL: srv.URL})
		require.ErrorIs(t, res.Err, context.DeadlineExceeded)
		require.Equal(t, "timeout: deadline of the caller exceeded", res.Cause)
	})
}

func TestSendConnectionFailures(t *testing.T) {
	t.Parallel()

	t.Run("ClosedBeforeResponse", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			// Read the body first: closing with unread data makes the kernel
			// send RST, which is the next test's case.
			_, _ = io.Copy(io.Discard, r.Body)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		})
		s := newTestSender(t, SenderConfig{})

		res := s.Send(context.Background(), Request{URL: srv.URL, Body: []byte(`{}`)})
		require.Error(t, res.Err)
		require.False(t, res.Success)
		require.Zero(t, res.StatusCode)
		require.Equal(t, "connection closed before a response", res.Cause)
	})

	t.Run("ResetByPeer", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			// Linger 0 makes Close send RST instead of FIN.
			_ = conn.(*net.TCPConn).SetLinger(0)
			_ = conn.Close()
		})
		s := newTestSender(t, SenderConfig{})

		res := s.Send(context.Background(), Request{URL: srv.URL, Body: []byte(`{}`)})
		require.Error(t, res.Err)
		require.Zero(t, res.StatusCode)
		require.Equal(t, "connection reset by peer", res.Cause)
	})

	t.Run("Refused", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		s := newTestSender(t, SenderConfig{})

		res := s.Send(context.Background(), Request{URL: "http://" + addr + "/hook?token=s3cret"})
		require.ErrorIs(t, res.Err, syscall.ECONNREFUSED)
		require.Equal(t, "connection refused", res.Cause)
		require.NotContains(t, res.Err.Error(), "s3cret")
	})

	t.Run("DNSFailure", func(t *testing.T) {
		t.Parallel()
		s := newTestSender(t, SenderConfig{})

		res := s.Send(context.Background(), Request{URL: "https://does-not-exist.invalid/?token=s3cret"})
		var dnsErr *net.DNSError
		require.ErrorAs(t, res.Err, &dnsErr)
		require.Equal(t, "DNS lookup failed: no such host", res.Cause)
		require.NotContains(t, res.Err.Error(), "s3cret")
	})

	t.Run("UntrustedCertificate", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(_ http.ResponseWriter, _ *http.Request) {}))
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the server's side of the failed handshake
		srv.StartTLS()
		t.Cleanup(srv.Close)
		s := newTestSender(t, SenderConfig{})

		res := s.Send(context.Background(), Request{URL: srv.URL})
		require.Error(t, res.Err)
		require.Zero(t, res.StatusCode)
		require.Equal(t, "TLS handshake failed: certificate signed by unknown authority", res.Cause)
	})

	t.Run("HTTPSToPlainServer", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, func(_ http.ResponseWriter, _ *http.Request) {})
		s := newTestSender(t, SenderConfig{})

		res := s.Send(context.Background(), Request{URL: strings.Replace(srv.URL, "http://", "https://", 1)})
		require.Error(t, res.Err)
		require.Equal(t, "TLS handshake failed: the server answered with plain HTTP", res.Cause)
	})

	t.Run("InvalidURL", func(t *testing.T) {
		t.Parallel()
		s := newTestSender(t, SenderConfig{})

		res := s.Send(context.Background(), Request{URL: "https://example.com/%zz?token=s3cret"})
		require.Error(t, res.Err)
		require.True(t, strings.HasPrefix(res.Cause, "invalid URL: "), res.Cause)
		require.NotContains(t, res.Cause, "s3cret")
		require.NotContains(t, res.Err.Error(), "s3cret")
	})

	t.Run("UnsupportedScheme", func(t *testing.T) {
		t.Parallel()
		s := newTestSender(t, SenderConfig{})

		res := s.Send(context.Background(), Request{URL: "ftp://user:pa55@example.com/x?token=s3cret"})
		require.Error(t, res.Err)
		require.Equal(t, `unsupported protocol scheme "ftp"`, res.Cause)
	})
}

func TestSendDialControl(t *testing.T) {
	t.Parallel()

	t.Run("AddressNotAllowed", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int64
		srv := startTestServer(t, func(_ http.ResponseWriter, _ *http.Request) { hits.Add(1) })
		var dialled atomic.Value
		s := newTestSender(t, SenderConfig{
			DialControl: func(_, address string, _ syscall.RawConn) error {
				dialled.Store(address)
				return fmt.Errorf("refusing %s: %w", address, domain.ErrAddressNotAllowed)
			},
		})

		res := s.Send(context.Background(), Request{URL: srv.URL + "/hook?token=s3cret"})
		require.ErrorIs(t, res.Err, domain.ErrAddressNotAllowed)
		require.Equal(t, "destination address not allowed", res.Cause)
		require.Zero(t, res.StatusCode)
		require.Zero(t, hits.Load())
		// The guard sees the resolved IP and port, not the URL.
		require.Equal(t, srv.Listener.Addr().String(), dialled.Load())
	})

	t.Run("OtherErrorFailsTheAttempt", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, func(_ http.ResponseWriter, _ *http.Request) {})
		errGuard := errors.New("guard unavailable")
		s := newTestSender(t, SenderConfig{
			DialControl: func(string, string, syscall.RawConn) error { return errGuard },
		})

		res := s.Send(context.Background(), Request{URL: srv.URL})
		require.ErrorIs(t, res.Err, errGuard)
		require.Contains(t, res.Cause, "guard unavailable")
	})

	t.Run("AllowedAddressProceeds", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, func(_ http.ResponseWriter, _ *http.Request) {})
		s := newTestSender(t, SenderConfig{
			DialControl: func(string, string, syscall.RawConn) error { return nil },
		})

		res := s.Send(context.Background(), Request{URL: srv.URL})
		require.True(t, res.Success)
	})
}

func TestSendResponseBody(t *testing.T) {
	t.Parallel()

	big := bytes.Repeat([]byte("0123456789abcdef"), (1<<20)/16) // 1 MiB

	bigHandler := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write(big)
	}

	t.Run("KeptAndConnectionReused", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, bigHandler)
		// The whole body fits under MaxResponseBytes, so it is drained and
		// the connection goes back to the pool.
		s := newTestSender(t, SenderConfig{MaxResponseBytes: 2 << 20})

		for range 3 {
			res := s.Send(context.Background(), Request{URL: srv.URL, Body: []byte(`{}`)})
			require.True(t, res.Success)
			require.Len(t, res.Body, DefaultKeepBytes)
			require.Equal(t, big[:DefaultKeepBytes], res.Body)
		}
		require.EqualValues(t, 1, srv.newConns.Load())
	})

	t.Run("ChunkedKeptAndConnectionReused", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			for chunk := range slices.Chunk(big, 32<<10) {
				_, _ = w.Write(chunk)
				w.(http.Flusher).Flush()
			}
		})
		s := newTestSender(t, SenderConfig{MaxResponseBytes: 2 << 20, KeepBytes: 100})

		for range 2 {
			res := s.Send(context.Background(), Request{URL: srv.URL})
			require.True(t, res.Success)
			require.Equal(t, big[:100], res.Body)
		}
		require.EqualValues(t, 1, srv.newConns.Load())
	})

	t.Run("BeyondMaxResponseBytesClosesConnection", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, bigHandler)
		// Default 64 KiB: the rest of the 1 MiB is not read, so the
		// connection cannot be reused.
		s := newTestSender(t, SenderConfig{})

		for range 2 {
			res := s.Send(context.Background(), Request{URL: srv.URL})
			require.True(t, res.Success)
			require.Len(t, res.Body, DefaultKeepBytes)
		}
		require.EqualValues(t, 2, srv.newConns.Load())
	})

	t.Run("ShortBodiesReuseConnection", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			_, _ = io.WriteString(w, "ok")
		})
		s := newTestSender(t, SenderConfig{})

		for range 5 {
			res := s.Send(context.Background(), Request{URL: srv.URL, Body: []byte(`{}`)})
			require.True(t, res.Success)
			require.Equal(t, "ok", string(res.Body))
		}
		require.EqualValues(t, 1, srv.newConns.Load())
	})

	t.Run("NegativeKeepBytesKeepsNothing", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, bigHandler)
		s := newTestSender(t, SenderConfig{KeepBytes: -1, MaxResponseBytes: 2 << 20})

		res := s.Send(context.Background(), Request{URL: srv.URL})
		require.True(t, res.Success)
		require.Empty(t, res.Body)
	})
}

func TestSendRetryAfter(t *testing.T) {
	t.Parallel()

	seven := 7 * time.Second

	for _, tt := range []struct {
		name       string
		status     int
		retryAfter string
		want       *time.Duration
	}{
		{name: "TooManyRequests", status: http.StatusTooManyRequests, retryAfter: "7", want: &seven},
		{name: "ServiceUnavailable", status: http.StatusServiceUnavailable, retryAfter: "7", want: &seven},
		{name: "IgnoredOn500", status: http.StatusInternalServerError, retryAfter: "7"},
		{name: "IgnoredOn200", status: http.StatusOK, retryAfter: "7"},
		{name: "Absent", status: http.StatusTooManyRequests},
		{name: "Garbage", status: http.StatusTooManyRequests, retryAfter: "later"},
		{name: "Negative", status: http.StatusServiceUnavailable, retryAfter: "-3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startTestServer(t, func(w http.ResponseWriter, _ *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
			})
			s := newTestSender(t, SenderConfig{})

			res := s.Send(context.Background(), Request{URL: srv.URL})
			require.Equal(t, tt.status, res.StatusCode)
			require.Equal(t, tt.want, res.RetryAfter)
		})
	}

	t.Run("HTTPDate", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		s := newTestSender(t, SenderConfig{})

		res := s.Send(context.Background(), Request{URL: srv.URL})
		require.NotNil(t, res.RetryAfter)
		require.InDelta(t, time.Hour, *res.RetryAfter, float64(3*time.Second))
	})

	t.Run("HTTPDateInPast", func(t *testing.T) {
		t.Parallel()
		srv := startTestServer(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		s := newTestSender(t, SenderConfig{})

		res := s.Send(context.Background(), Request{URL: srv.URL})
		require.NotNil(t, res.RetryAfter)
		require.Zero(t, *res.RetryAfter)
	})
}

// rawCapture listens on loopback, answers one request with 204 and hands
// over the request's bytes exactly as they came off the wire.
func rawCapture(t *testing.T) (addr string, raw <-chan []byte) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })

	out := make(chan []byte, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		var buf bytes.Buffer
		// The client sends one request and then waits, so everything read
		// through the tee is that request.
		req, err := http.ReadRequest(bufio.NewReader(io.TeeReader(conn, &buf)))
		if err != nil {
			out <- nil
			return
		}
		_, _ = io.Copy(io.Discard, req.Body)
		_, _ = io.WriteString(conn, "HTTP/1.1 204 No Content\r\n\r\n")
		out <- buf.Bytes()
	}()
	return ln.Addr().String(), out
}

// splitRequest splits a raw HTTP/1.1 request into its request line, its
// header lines sorted, and its body.
func splitRequest(t *testing.T, raw []byte) (line string, headers []string, body []byte) {
	t.Helper()
	head, body, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	require.True(t, ok, "no end of header block in %q", raw)
	lines := strings.Split(string(head), "\r\n")
	headers = lines[1:]
	slices.Sort(headers)
	return lines[0], headers, body
}

func TestSendRequestOnTheWire(t *testing.T) {
	t.Parallel()

	// Bytes a JSON re-encoder or a "helpful" transport would change.
	body := []byte("{\"b\":2,  \"a\":\"\u00e9\\u00e9\"}\n\x00\xff")

	t.Run("ExactlyTheGivenHeadersAndBody", func(t *testing.T) {
		t.Parallel()
		addr, raw := rawCapture(t)
		s := newTestSender(t, SenderConfig{})
		header := http.Header{
			"Content-Type":    {"application/json"},
			"Hookd-Signature": {"t=1,v1=abc"},
			"X-Multi":         {"one", "two"},
			"Authorization":   {"Bearer tok"},
		}
		before := header.Clone()

		res := s.Send(context.Background(), Request{URL: "http://" + addr + "/hook?x=1&y=%20", Body: body, Header: header})
		require.True(t, res.Success, res.Cause)

		line, headers, gotBody := splitRequest(t, <-raw)
		require.Equal(t, "POST /hook?x=1&y=%20 HTTP/1.1", line)
		want := []string{
			"Authorization: Bearer tok",
			"Content-Length: " + strconv.Itoa(len(body)),
			"Content-Type: application/json",
			"Hookd-Signature: t=1,v1=abc",
			"Host: " + addr,
			"User-Agent: hookd/dev",
			"X-Multi: one",
			"X-Multi: two",
		}
		require.Equal(t, want, headers)
		require.Equal(t, body, gotBody)
		require.Equal(t, before, header, "the caller's header must not be modified")
	})

	t.Run("CallerUserAgentWins", func(t *testing.T) {
		t.Parallel()
		addr, raw := rawCapture(t)
		s := newTestSender(t, SenderConfig{UserAgent: "hookd/1.2.3"})

		res := s.Send(context.Background(), Request{
			URL:    "http://" + addr + "/",
			Header: http.Header{"User-Agent": {"receiver-specific/1"}},
		})
		require.True(t, res.Success, res.Cause)

		_, headers, gotBody := splitRequest(t, <-raw)
		require.Equal(t, []string{"Content-Length: 0", "Host: " + addr, "User-Agent: receiver-specific/1"}, headers)
		require.Empty(t, gotBody)
	})

	t.Run("ConfiguredUserAgent", func(t *testing.T) {
		t.Parallel()
		addr, raw := rawCapture(t)
		s := newTestSender(t, SenderConfig{UserAgent: "hookd/1.2.3"})

		res := s.Send(context.Background(), Request{URL: "http://" + addr + "/", Body: []byte("x")})
		require.True(t, res.Success, res.Cause)

		_, headers, _ := splitRequest(t, <-raw)
		require.Contains(t, headers, "User-Agent: hookd/1.2.3")
	})
}

func TestSendTLS(t *testing.T) {
	t.Parallel()

	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Proto", r.Proto)
		_, _ = w.Write(got)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)

	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	s := newTestSender(t, SenderConfig{TLSConfig: &tls.Config{RootCAs: roots}})

	res := s.Send(context.Background(), Request{URL: srv.URL, Body: []byte("echo")})
	require.True(t, res.Success, res.Cause)
	require.Equal(t, "echo", string(res.Body))
	require.Equal(t, "HTTP/2.0", res.Header.Get("X-Proto"))
}

func TestErrorCause(t *testing.T) {
	t.Parallel()

	const rawURL = "https://user:pa55word@example.com/hook?token=s3cret"
	lim := causeTimeouts{attempt: 10 * time.Second, dial: 5 * time.Second, handshake: 5 * time.Second}
	wrap := func(err error) error { return &url.Error{Op: "Post", URL: rawURL, Err: err} }
	dialErr := func(err error) error {
		return wrap(&net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 443}, Err: err})
	}

	for _, tt := range []struct {
		name     string
		err      error
		ctxCause error
		want     string
		kind     string
	}{
		{name: "AttemptTimeout", err: wrap(context.DeadlineExceeded), ctxCause: errAttemptTimeout, want: "timeout after 10s", kind: domain.AttemptErrorTimeout},
		{name: "AttemptTimeoutDuringDial", err: dialErr(context.DeadlineExceeded), ctxCause: errAttemptTimeout, want: "timeout after 10s", kind: domain.AttemptErrorTimeout},
		{name: "CallerDeadline", err: wrap(context.DeadlineExceeded), ctxCause: context.DeadlineExceeded, want: "timeout: deadline of the caller exceeded", kind: domain.AttemptErrorTimeout},
		{name: "CallerCancelled", err: wrap(context.Canceled), ctxCause: context.Canceled, want: "attempt cancelled", kind: domain.AttemptErrorCancelled},
		{name: "CallerCustomCause", err: wrap(context.Canceled), ctxCause: errors.New("shutting down"), want: "attempt cancelled", kind: domain.AttemptErrorCancelled},
		{name: "AddressNotAllowed", err: dialErr(fmt.Errorf("10.0.0.1: %w", domain.ErrAddressNotAllowed)), want: "destination address not allowed", kind: domain.AttemptErrorSSRF},
		{name: "AddressNotAllowedBeatsTimeout", err: dialErr(domain.ErrAddressNotAllowed), ctxCause: errAttemptTimeout, want: "destination address not allowed", kind: domain.AttemptErrorSSRF},
		{name: "DNSNotFound", err: dialErr(&net.DNSError{Err: "no such host", Name: "example.com", IsNotFound: true}), want: "DNS lookup failed: no such host", kind: domain.AttemptErrorDNS},
		{name: "DNSTimeout", err: dialErr(&net.DNSError{Err: "i/o timeout", Name: "example.com", IsTimeout: true}), want: "DNS lookup failed: timeout", kind: domain.AttemptErrorDNS},
		{name: "DNSOther", err: dialErr(&net.DNSError{Err: "server misbehaving", Name: "example.com", Server: "10.0.0.53:53"}), want: "DNS lookup failed: server misbehaving", kind: domain.AttemptErrorDNS},
		{name: "Refused", err: dialErr(&net.OpError{Op: "connect", Err: syscall.ECONNREFUSED}), want: "connection refused", kind: domain.AttemptErrorConnection},
		{name: "Reset", err: wrap(&net.OpError{Op: "read", Err: syscall.ECONNRESET}), want: "connection reset by peer", kind: domain.AttemptErrorConnection},
		{name: "BrokenPipe", err: wrap(&net.OpError{Op: "write", Err: syscall.EPIPE}), want: "connection closed while sending the request", kind: domain.AttemptErrorConnection},
		{name: "HostUnreachable", err: dialErr(syscall.EHOSTUNREACH), want: "host unreachable", kind: domain.AttemptErrorConnection},
		{name: "NetworkUnreachable", err: dialErr(syscall.ENETUNREACH), want: "network unreachable", kind: domain.AttemptErrorConnection},
		{name: "ConnectTimedOutByKernel", err: dialErr(syscall.ETIMEDOUT), want: "connection timed out", kind: domain.AttemptErrorTimeout},
		{name: "EOF", err: wrap(io.EOF), want: "connection closed before a response", kind: domain.AttemptErrorConnection},
		{name: "UnexpectedEOF", err: wrap(fmt.Errorf("reading: %w", io.ErrUnexpectedEOF)), want: "connection closed before a response", kind: domain.AttemptErrorConnection},
		{name: "UnknownAuthority", err: wrap(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), want: "TLS handshake failed: certificate signed by unknown authority", kind: domain.AttemptErrorTLS},
		{name: "RecordHeader", err: wrap(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), want: "TLS handshake failed: the server did not answer with TLS", kind: domain.AttemptErrorTLS},
		{name: "RemoteAlert", err: wrap(&net.OpError{Op: "remote error", Err: errors.New("tls: handshake failure")}), want: "TLS handshake failed: remote error: handshake failure", kind: domain.AttemptErrorTLS},
		{name: "OtherTLS", err: wrap(errors.New("tls: server selected unsupported protocol version 301")), want: "TLS handshake failed: server selected unsupported protocol version 301", kind: domain.AttemptErrorTLS},
		{name: "HandshakeTimeout", err: wrap(timeoutErr("net/http: TLS handshake timeout")), want: "TLS handshake timed out after 5s", kind: domain.AttemptErrorTLS},
		{name: "ResponseHeaderTimeout", err: wrap(timeoutErr("net/http: timeout awaiting response headers")), want: "timeout after 10s", kind: domain.AttemptErrorTimeout},
		{name: "DialTimeout", err: dialErr(timeoutErr("i/o timeout")), want: "connect timeout after 5s", kind: domain.AttemptErrorTimeout},
		{name: "FallbackScrubsURL", err: wrap(fmt.Errorf("something odd about %s", rawURL)), want: "something odd about https://example.com/hook", kind: domain.AttemptErrorOther},
		{name: "FallbackScrubsQuery", err: wrap(errors.New("bad query token=s3cret")), want: "bad query …", kind: domain.AttemptErrorOther},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kind, got := errorCause(tt.err, tt.ctxCause, lim, rawURL)
			require.Equal(t, tt.want, got)
			require.Equal(t, tt.kind, kind)
			require.NotContains(t, got, "s3cret")
			require.NotContains(t, got, "pa55word")
		})
	}
}

// timeoutErr is a net.Error that reports a timeout, like the transport's own.
type timeoutErr string

func (e timeoutErr) Error() string   { return string(e) }
func (e timeoutErr) Timeout() bool   { return true }
func (e timeoutErr) Temporary() bool { return true }

func TestStatusCause(t *testing.T) {
	t.Parallel()

	for _, tt := range []struct {
		code int
		want string
		kind string
	}{
		{code: 200, want: ""},
		{code: 299, want: ""},
		{code: 300, want: "HTTP 300", kind: domain.AttemptErrorStatus},
		{code: 301, want: "redirect not followed (HTTP 301)", kind: domain.AttemptErrorRedirect},
		{code: 304, want: "HTTP 304", kind: domain.AttemptErrorStatus},
		{code: 308, want: "redirect not followed (HTTP 308)", kind: domain.AttemptErrorRedirect},
		{code: 199, want: "HTTP 199", kind: domain.AttemptErrorStatus},
		{code: 404, want: "HTTP 404", kind: domain.AttemptErrorStatus},
		{code: 503, want: "HTTP 503", kind: domain.AttemptErrorStatus},
	} {
		t.Run(strconv.Itoa(tt.code), func(t *testing.T) {
			t.Parallel()
			kind, cause := statusCause(tt.code)
			require.Equal(t, tt.want, cause)
			require.Equal(t, tt.kind, kind)
		})
	}
}

func TestSenderConfigDefaults(t *testing.T) {
	t.Parallel()

	for _, tt := range []struct {
		name string
		in   SenderConfig
		want SenderConfig
	}{
		{
			name: "Zero",
			want: SenderConfig{Timeout: 10 * time.Second, UserAgent: "hookd/dev", MaxResponseBytes: 64 << 10, KeepBytes: 4 << 10, MaxIdleConnsPerHost: 100},
		},
		{
			name: "KeepCappedByMax",
			in:   SenderConfig{MaxResponseBytes: 100, KeepBytes: 1000},
			want: SenderConfig{Timeout: 10 * time.Second, UserAgent: "hookd/dev", MaxResponseBytes: 100, KeepBytes: 100, MaxIdleConnsPerHost: 100},
		},
		{
			name: "NegativeKeep",
			in:   SenderConfig{KeepBytes: -1},
			want: SenderConfig{Timeout: 10 * time.Second, UserAgent: "hookd/dev", MaxResponseBytes: 64 << 10, KeepBytes: 0, MaxIdleConnsPerHost: 100},
		},
		{
			name: "Kept",
			in:   SenderConfig{Timeout: time.Second, UserAgent: "x", MaxResponseBytes: 10, KeepBytes: 5, MaxIdleConnsPerHost: 2},
			want: SenderConfig{Timeout: time.Second, UserAgent: "x", MaxResponseBytes: 10, KeepBytes: 5, MaxIdleConnsPerHost: 2},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.in.withDefaults())
		})
	}

	t.Run("Transport", func(t *testing.T) {
		t.Parallel()
		s := NewSender(SenderConfig{Timeout: 2 * time.Second})
		require.Nil(t, s.transport.Proxy, "environment proxies must never be used")
		require.True(t, s.transport.ForceAttemptHTTP2)
		require.True(t, s.transport.DisableCompression)
		require.False(t, s.transport.DisableKeepAlives)
		require.Equal(t, 2*time.Second, s.transport.ResponseHeaderTimeout)
		require.Equal(t, 5*time.Second, s.transport.TLSHandshakeTimeout)
		require.Equal(t, 2*time.Second, s.limits.dial, "dial timeout is capped by Timeout")
		require.Equal(t, 100, s.transport.MaxIdleConnsPerHost)
	})
}

func BenchmarkSend(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	s := NewSender(SenderConfig{})
	defer s.CloseIdle()

	body := bytes.Repeat([]byte("a"), 1024)
	header := http.Header{
		"Content-Type":    {"application/json"},
		"Hookd-Signature": {SignatureHeaderValue(1700000000, body, testSecret)},
	}
	ctx := context.Background()

	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		res := s.Send(ctx, Request{URL: srv.URL + "/hook", Body: body, Header: header})
		if !res.Success {
			b.Fatalf("send failed: %s", res.Cause)
		}
	}
}

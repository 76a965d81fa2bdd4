package connlimit

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// serve runs an HTTP server on a limited listener and returns its address.
func serve(t *testing.T, limit int, rejected *atomic.Int64) (string, *Listener) {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	l := NewListener(inner, limit, func() { rejected.Add(1) })
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return inner.Addr().String(), l
}

// get sends one request on a new connection and returns the response,
// leaving the connection open.
func get(t *testing.T, addr string) (*http.Response, net.Conn) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	_, err = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	return res, c
}

func TestListenerAnswers503PastTheCap(t *testing.T) {
	t.Parallel()
	var rejected atomic.Int64
	addr, l := serve(t, 2, &rejected)

	// Two keep-alive connections hold both slots.
	var held []net.Conn
	for range 2 {
		res, c := get(t, addr)
		require.Equal(t, http.StatusOK, res.StatusCode)
		res.Body.Close()
		held = append(held, c)
	}
	require.Eventually(t, func() bool { return l.Open() == 2 }, time.Second, 10*time.Millisecond)

	// The third is told to come back, in the API's error shape, and closed.
	for range 5 {
		res, c := get(t, addr)
		require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
		require.Equal(t, "1", res.Header.Get("Retry-After"))
		var body struct {
			Code string `json:"code"`
			Data struct {
				Status int `json:"status"`
			} `json:"data"`
		}
		require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
		res.Body.Close()
		require.Equal(t, "service_unavailable", body.Code)
		require.Equal(t, 503, body.Data.Status)
		_, err := c.Read(make([]byte, 1))
		require.ErrorIs(t, err, io.EOF, "the refused connection is closed")
		c.Close()
	}
	require.EqualValues(t, 5, rejected.Load())
	require.Equal(t, 2, l.Open())

	// A slot freed is a slot to use.
	require.NoError(t, held[0].Close())
	require.Eventually(t, func() bool { return l.Open() == 1 }, 2*time.Second, 10*time.Millisecond)
	res, c := get(t, addr)
	require.Equal(t, http.StatusOK, res.StatusCode)
	res.Body.Close()
	c.Close()
	held[1].Close()
}

// TestListenerFloodStaysBounded: a flood of connections never holds more
// descriptors than the cap plus the bounded refusals in flight.
func TestListenerFloodStaysBounded(t *testing.T) {
	t.Parallel()
	var rejected atomic.Int64
	addr, l := serve(t, 4, &rejected)
	conns := make([]net.Conn, 0, 200)
	for range 200 {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		conns = append(conns, c)
	}
	require.Eventually(t, func() bool { return rejected.Load() == 196 }, 5*time.Second, 10*time.Millisecond)
	require.Equal(t, 4, l.Open())
	for _, c := range conns {
		c.Close()
	}
	require.Eventually(t, func() bool { return l.Open() == 0 }, 5*time.Second, 10*time.Millisecond)
}

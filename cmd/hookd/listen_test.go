package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd"
	"github.com/hookd/hookd/internal/storetest"
)

func TestAPIConnectionLimit(t *testing.T) {
	t.Parallel()
	base := Config{DBMaxConns: 20, Config: hookd.Config{Workers: 100}} // 284 descriptors reserved
	tests := []struct {
		name      string
		set       int
		fileLimit uint64
		want      int
		err       string
	}{
		{"DefaultUnderAHighLimit", 0, 1 << 20, 1024, ""},
		{"DefaultUnknownLimit", 0, 0, 1024, ""},
		{"DefaultLoweredToHalfTheHeadroom", 0, 1024, 370, ""},
		{"DefaultWithNoHeadroom", 0, 256, 0, "raise it"},
		{"ExplicitWithinTheHeadroom", 600, 1024, 600, ""},
		{"ExplicitAboveTheHeadroom", 5000, 1024, 0, "HOOKD_MAX_CONNECTIONS=5000"},
		{"ExplicitUnknownLimit", 5000, 0, 5000, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := base
			cfg.MaxConnections = tt.set
			got, err := apiConnectionLimit(cfg, tt.fileLimit)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
	cfg, err := loadConfig(env("HOOKD_MAX_CONNECTIONS", "77"))
	require.NoError(t, err)
	require.Equal(t, 77, cfg.MaxConnections)
}

// TestServeConnectionCap: past HOOKD_MAX_CONNECTIONS the real server answers
// 503 with Retry-After instead of running out of descriptors.
func TestServeConnectionCap(t *testing.T) {
	t.Parallel()
	db := storetest.NewDatabase(t, 4)
	cfg, err := loadConfig(env("DATABASE_URL", db.URL, "HOOKD_ADDR", "127.0.0.1:0", "HOOKD_ENCRYPTION_KEY", testKey(t),
		"HOOKD_MAX_CONNECTIONS", "3", "HOOKD_DB_MAX_CONNS", "4"))
	require.NoError(t, err)
	m := &Main{Config: cfg, Logger: slog.New(slog.DiscardHandler), NoWorkers: true}
	require.NoError(t, m.Run(context.Background()))
	t.Cleanup(func() { require.NoError(t, m.Close()) })

	healthz := func() (*http.Response, net.Conn) {
		c, err := net.Dial("tcp", m.Addr())
		require.NoError(t, err)
		_, err = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: hookd\r\n\r\n")
		require.NoError(t, err)
		require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		require.NoError(t, err)
		return res, c
	}
	var held []net.Conn
	for range 3 {
		res, c := healthz()
		require.Equal(t, http.StatusOK, res.StatusCode)
		res.Body.Close()
		held = append(held, c)
	}
	res, c := healthz()
	defer res.Body.Close()
	require.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	require.Equal(t, "1", res.Header.Get("Retry-After"))
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(body), `{"code":"service_unavailable"`), "%s", body)
	c.Close()
	for _, c := range held {
		c.Close()
	}
	require.Eventually(t, func() bool {
		res, c := healthz()
		res.Body.Close()
		c.Close()
		return res.StatusCode == http.StatusOK
	}, 5*time.Second, 20*time.Millisecond)
}

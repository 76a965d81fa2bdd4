// Package connlimit caps how many connections an HTTP server holds open.
// Past the cap a connection is answered 503 with Retry-After and closed, so
// a flood degrades into quick refusals instead of the process running out
// of file descriptors (accept: too many open files), which would also cut
// off its database and its deliveries.
package connlimit

import (
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// rejectBody is the API's error shape, so clients parse a refusal like any
// other 503.
const rejectBody = `{"code":"service_unavailable","message":"The server is at its connection limit; retry shortly.","data":{"status":503}}`

var rejectResponse = []byte("HTTP/1.1 503 Service Unavailable\r\n" +
	"Content-Type: application/json; charset=utf-8\r\n" +
	"Retry-After: 1\r\n" +
	"Cache-Control: no-store\r\n" +
	"Connection: close\r\n" +
	"Content-Length: " + strconv.Itoa(len(rejectBody)) + "\r\n\r\n" + rejectBody)

// rejectTimeout bounds how long a refused connection is kept to deliver its
// 503: the request it sent is drained first, since closing a socket with
// unread data resets it and the client would see a reset, not the answer.
const rejectTimeout = 2 * time.Second

// Listener wraps a net.Listener so that at most its limit of accepted
// connections are open at once.
type Listener struct {
	net.Listener
	slots     chan struct{}
	rejecting chan struct{}
	onReject  func()
}

// NewListener limits inner to limit open connections (at least 1).
// onReject, if set, is called for each connection refused.
func NewListener(inner net.Listener, limit int, onReject func()) *Listener {
	limit = max(limit, 1)
	return &Listener{
		Listener: inner,
		slots:    make(chan struct{}, limit),
		// Refusals in flight are bounded too, at a small fraction of the
		// cap: beyond it a connection is closed without an answer.
		rejecting: make(chan struct{}, max(limit/8, 8)),
		onReject:  onReject,
	}
}

// Accept returns the next connection while under the cap; over it, it
// answers and closes connections until one fits.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return &conn{Conn: c, release: func() { <-l.slots }}, nil
		default:
			if l.onReject != nil {
				l.onReject()
			}
			l.reject(c)
		}
	}
}

// Open returns how many accepted connections are open now.
func (l *Listener) Open() int { return len(l.slots) }

func (l *Listener) reject(c net.Conn) {
	select {
	case l.rejecting <- struct{}{}:
	default:
		_ = c.Close()
		return
	}
	go func() {
		defer func() { <-l.rejecting }()
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(rejectTimeout))
		if _, err := c.Write(rejectResponse); err != nil {
			return
		}
		if cw, ok := c.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(c, 64<<10))
	}()
}

// conn gives its slot back once, however often it is closed.
type conn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

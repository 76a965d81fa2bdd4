package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The receiver is the webhook endpoint, in a process of its own so its CPU
// is not the benchmark's: it answers 200 at once (or, under /slow/, holds
// the request until hookd gives up), records every request's Hookd-* headers
// and arrival time, and hands its records to the benchmark over /results.
//
//	POST /h/<i>        webhook i: recorded, answered 200
//	POST /slow/<i>     webhook i, hanging: recorded, never answered
//	GET  /count        {"requests":N,"ok":N,"unique":N,"slow":N,"slow_peak":N} so far
//	GET  /results?from=N   records N.. in the binary form of appendArrival

// arrival is one request the receiver saw.
type arrival struct {
	// At is the arrival time, time.Now().UnixNano() on the machine the
	// producer runs on.
	At         int64
	DeliveryID int64
	Attempt    int32
	// Webhook is the index in the request's path.
	Webhook int32
	Slow    bool
	EventID string
}

// receiverCount is /count's answer.
type receiverCount struct {
	// Requests is every request recorded, slow ones included.
	Requests int `json:"requests"`
	// OK is the requests answered 200.
	OK int `json:"ok"`
	// Unique is the distinct delivery ids among OK.
	Unique int `json:"unique"`
	// Slow is the requests held under /slow/.
	Slow int `json:"slow"`
	// SlowPeak is the most /slow/ requests held at once: what the hanging
	// endpoints took of hookd's workers.
	SlowPeak int `json:"slow_peak"`
}

// since is what c counts beyond an earlier count; the peak stays c's.
func (c receiverCount) since(earlier receiverCount) receiverCount {
	return receiverCount{Requests: c.Requests - earlier.Requests, OK: c.OK - earlier.OK,
		Unique: c.Unique - earlier.Unique, Slow: c.Slow - earlier.Slow, SlowPeak: c.SlowPeak}
}

// recorder is the receiver's state.
type recorder struct {
	mu       sync.Mutex
	arrivals []arrival
	seen     map[int64]struct{}
	count    receiverCount
	slowNow  int // /slow/ requests held now
}

func runReceiver(args []string) error {
	fs := flag.NewFlagSet("bench receiver", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	rec := &recorder{seen: map[int64]struct{}{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /count", rec.serveCount)
	mux.HandleFunc("GET /results", rec.serveResults)
	mux.HandleFunc("POST /h/{i}", func(w http.ResponseWriter, r *http.Request) { rec.receive(w, r, false) })
	mux.HandleFunc("POST /slow/{i}", func(w http.ResponseWriter, r *http.Request) { rec.receive(w, r, true) })
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 5 * time.Minute}
	// The parent reads this line to learn the address.
	fmt.Printf("receiver listening addr=%s\n", ln.Addr())
	return srv.Serve(ln)
}

// slowHold bounds how long a /slow/ request is held if hookd never gives up.
const slowHold = 5 * time.Minute

func (rec *recorder) receive(w http.ResponseWriter, r *http.Request, slow bool) {
	at := time.Now().UnixNano()
	_, _ = io.Copy(io.Discard, r.Body)
	a := arrival{At: at, Slow: slow, EventID: r.Header.Get("Hookd-Event-Id")}
	a.DeliveryID, _ = strconv.ParseInt(r.Header.Get("Hookd-Delivery-Id"), 10, 64)
	n, _ := strconv.Atoi(r.Header.Get("Hookd-Attempt"))
	a.Attempt = int32(n)
	i, _ := strconv.Atoi(r.PathValue("i"))
	a.Webhook = int32(i)

	rec.mu.Lock()
	rec.arrivals = append(rec.arrivals, a)
	rec.count.Requests++
	if slow {
		rec.count.Slow++
		rec.slowNow++
		rec.count.SlowPeak = max(rec.count.SlowPeak, rec.slowNow)
	} else {
		rec.count.OK++
		if _, dup := rec.seen[a.DeliveryID]; !dup {
			rec.seen[a.DeliveryID] = struct{}{}
			rec.count.Unique++
		}
	}
	rec.mu.Unlock()

	if slow {
		// Hang past hookd's timeout: it closes the connection, which ends
		// the request's context.
		select {
		case <-r.Context().Done():
		case <-time.After(slowHold):
		}
		rec.mu.Lock()
		rec.slowNow--
		rec.mu.Unlock()
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (rec *recorder) serveCount(w http.ResponseWriter, _ *http.Request) {
	rec.mu.Lock()
	c := rec.count
	rec.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(c)
}

func (rec *recorder) serveResults(w http.ResponseWriter, r *http.Request) {
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	rec.mu.Lock()
	list := rec.arrivals[min(max(from, 0), len(rec.arrivals)):]
	rec.mu.Unlock()
	// Records are only ever appended, so the slice taken stays valid.
	w.Header().Set("Content-Type", "application/octet-stream")
	bw := bufio.NewWriterSize(w, 256<<10)
	buf := make([]byte, 0, 64)
	for _, a := range list {
		buf = appendArrival(buf[:0], a)
		if _, err := bw.Write(buf); err != nil {
			return
		}
	}
	_ = bw.Flush()
}

// appendArrival encodes a: at, delivery id (8 bytes each), attempt,
// webhook (4 each), slow (1), event id length (2) and bytes.
func appendArrival(b []byte, a arrival) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(a.At))
	b = binary.LittleEndian.AppendUint64(b, uint64(a.DeliveryID))
	b = binary.LittleEndian.AppendUint32(b, uint32(a.Attempt))
	b = binary.LittleEndian.AppendUint32(b, uint32(a.Webhook))
	var slow byte
	if a.Slow {
		slow = 1
	}
	b = append(b, slow)
	id := a.EventID[:min(len(a.EventID), 0xffff)]
	b = binary.LittleEndian.AppendUint16(b, uint16(len(id)))
	return append(b, id...)
}

const arrivalHeader = 8 + 8 + 4 + 4 + 1 + 2

func decodeArrivals(r io.Reader) ([]arrival, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	var out []arrival
	head := make([]byte, arrivalHeader)
	for {
		if _, err := io.ReadFull(br, head); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
		a := arrival{
			At:         int64(binary.LittleEndian.Uint64(head[0:])),
			DeliveryID: int64(binary.LittleEndian.Uint64(head[8:])),
			Attempt:    int32(binary.LittleEndian.Uint32(head[16:])),
			Webhook:    int32(binary.LittleEndian.Uint32(head[20:])),
			Slow:       head[24] == 1,
		}
		id := make([]byte, binary.LittleEndian.Uint16(head[25:]))
		if _, err := io.ReadFull(br, id); err != nil {
			return out, err
		}
		a.EventID = string(id)
		out = append(out, a)
	}
}

// receiverProcess is the receiver, seen from the benchmark.
type receiverProcess struct {
	cmd    *exec.Cmd
	URL    string
	client *http.Client
	done   chan struct{}
}

// startReceiver re-executes this program as `bench receiver`.
func startReceiver(ctx context.Context) (*receiverProcess, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "receiver", "-addr", "127.0.0.1:0")
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("error starting the receiver: %w", err)
	}
	p := &receiverProcess{cmd: cmd, client: &http.Client{Timeout: 5 * time.Minute}, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, a, ok := strings.Cut(sc.Text(), "addr="); ok {
				select {
				case addr <- strings.TrimSpace(a):
				default:
				}
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(p.done) }()
	select {
	case a := <-addr:
		p.URL = "http://" + a
		return p, nil
	case <-p.done:
		return nil, errors.New("the receiver exited before it listened")
	case <-time.After(10 * time.Second):
	case <-ctx.Done():
	}
	p.stop()
	return nil, errors.New("the receiver did not start listening")
}

// hookURL is webhook i's endpoint, hanging when slow.
func (p *receiverProcess) hookURL(i int, slow bool) string {
	if slow {
		return fmt.Sprintf("%s/slow/%d", p.URL, i)
	}
	return fmt.Sprintf("%s/h/%d", p.URL, i)
}

func (p *receiverProcess) count(ctx context.Context) (receiverCount, error) {
	var c receiverCount
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/count", http.NoBody)
	if err != nil {
		return c, err
	}
	res, err := p.client.Do(req)
	if err != nil {
		return c, fmt.Errorf("error asking the receiver: %w", err)
	}
	defer res.Body.Close()
	err = json.NewDecoder(res.Body).Decode(&c)
	return c, err
}

// results fetches every record.
func (p *receiverProcess) results(ctx context.Context) ([]arrival, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/results?from=0", http.NoBody)
	if err != nil {
		return nil, err
	}
	res, err := p.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("error fetching the receiver's records: %w", err)
	}
	defer res.Body.Close()
	return decodeArrivals(res.Body)
}

// waitFor polls the receiver until done says so, ctx ends, or nothing new
// arrived for stall. It returns the last count; hookdDone, when it fires,
// ends the wait with an error (hookd died).
func (p *receiverProcess) waitFor(ctx context.Context, stall time.Duration, hookdDone <-chan struct{}, done func(receiverCount) bool) (receiverCount, error) {
	var (
		last     receiverCount
		progress = time.Now()
		tick     = time.NewTicker(100 * time.Millisecond)
	)
	defer tick.Stop()
	for {
		c, err := p.count(ctx)
		if err != nil {
			return last, err
		}
		if c.Requests != last.Requests {
			progress = time.Now()
		}
		last = c
		if done(c) {
			return c, nil
		}
		if time.Since(progress) > stall {
			return c, fmt.Errorf("no delivery for %s (received %d requests, %d unique deliveries)", stall, c.Requests, c.Unique)
		}
		select {
		case <-ctx.Done():
			return c, ctx.Err()
		case <-hookdDone:
			return c, errors.New("hookd exited")
		case <-tick.C:
		}
	}
}

func (p *receiverProcess) stop() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The series the benchmark cross-checks its own counts against.
const (
	seriesEventsAccepted   = "hookd_events_accepted_total"
	seriesDeliveriesQueued = "hookd_deliveries_queued_total"
	seriesSucceeded        = `hookd_delivery_attempts_total{outcome="succeeded"}`
	seriesFailed           = `hookd_delivery_attempts_total{outcome="failed"}`
	seriesRetried          = `hookd_delivery_attempts_total{outcome="retried"}`
	seriesCancelled        = `hookd_delivery_attempts_total{outcome="cancelled"}`
	seriesQueueAvailable   = `hookd_queue_jobs{state="available"}`
	seriesResident         = "process_resident_memory_bytes"
	// seriesSnoozes is a family: one series per reason.
	seriesSnoozes = "hookd_delivery_snoozes_total"
	// seriesHeldBack counts jobs queued for later at emit (stalled endpoints).
	seriesHeldBack = "hookd_delivery_held_back_total"
)

// metricsSnapshot is one scrape of /metrics: series (name and labels, as
// written) to value.
type metricsSnapshot map[string]float64

// scrape reads hookd's /metrics (Prometheus text format; hookd writes no
// timestamps, so a line is "series value").
func (c *apiClient) scrape(ctx context.Context) (metricsSnapshot, time.Duration, error) {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/metrics", http.NoBody)
	if err != nil {
		return nil, 0, err
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("error scraping /metrics: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, 0, fmt.Errorf("error scraping /metrics: HTTP %d", res.StatusCode)
	}
	out := metricsSnapshot{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		out[line[:i]] = v
	}
	return out, time.Since(start), sc.Err()
}

// delta is after's value of series minus before's (a missing series is 0).
func delta(before, after metricsSnapshot, series string) float64 {
	return after[series] - before[series]
}

// sumSeries adds up every series of family (any labels); ok is false when
// the snapshot has none, e.g. from a build older than the family.
func sumSeries(snap metricsSnapshot, family string) (sum float64, ok bool) {
	for series, v := range snap {
		if name, _, _ := strings.Cut(series, "{"); name == family {
			sum += v
			ok = true
		}
	}
	return sum, ok
}

// sumOf is sumSeries without the ok.
func sumOf(snap metricsSnapshot, family string) float64 {
	sum, _ := sumSeries(snap, family)
	return sum
}

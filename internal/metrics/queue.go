package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

var queueDepthDesc = prometheus.NewDesc("hookd_queue_jobs", "Delivery jobs in River's queue by state.", []string{"state"}, nil)

// jobStates are River's states worth watching.
var jobStates = []string{"available", "scheduled", "retryable", "running", "completed", "cancelled", "discarded"}

// QueueCollector reports the delivery queue's depth by state, read from
// the database at most once a second however often it is scraped.
type QueueCollector struct {
	pool *pgxpool.Pool

	mu      sync.Mutex
	at      time.Time
	counts  map[string]float64
	lastErr error
}

// NewQueueCollector watches River's jobs table through pool.
func NewQueueCollector(pool *pgxpool.Pool) *QueueCollector {
	return &QueueCollector{pool: pool}
}

// Describe implements prometheus.Collector.
func (c *QueueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueDepthDesc }

// Collect implements prometheus.Collector.
func (c *QueueCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) > time.Second {
		c.counts, c.lastErr = c.read()
		c.at = time.Now()
	}
	if c.lastErr != nil {
		ch <- prometheus.NewInvalidMetric(queueDepthDesc, c.lastErr)
		return
	}
	for _, s := range jobStates {
		ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, c.counts[s], s)
	}
}

func (c *QueueCollector) read() (map[string]float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, err := c.pool.Query(ctx, `SELECT state::text, count(*) FROM river_job GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = float64(n)
	}
	return out, rows.Err()
}

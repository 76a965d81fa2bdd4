package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	blockedKeysDesc = prometheus.NewDesc("hookd_ordering_blocked_keys",
		"Ordering keys whose head delivery is failing while later deliveries of the key wait.", nil, nil)
	oldestWaitDesc = prometheus.NewDesc("hookd_ordering_oldest_wait_seconds",
		"How long the longest-blocked ordering key has waited behind its failing head.", nil, nil)
)

// OrderingCollector reports blocked ordering keys, read through read at
// most every few seconds however often it is scraped (the query scans the
// pending ordered deliveries).
type OrderingCollector struct {
	read func(ctx context.Context) (blocked int, oldest time.Duration, err error)

	mu      sync.Mutex
	at      time.Time
	blocked int
	oldest  time.Duration
	lastErr error
}

// orderingEvery is how stale a scrape's answer may be.
const orderingEvery = 5 * time.Second

// NewOrderingCollector reports what read returns.
func NewOrderingCollector(read func(ctx context.Context) (int, time.Duration, error)) *OrderingCollector {
	return &OrderingCollector{read: read}
}

// Describe implements prometheus.Collector.
func (c *OrderingCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- blockedKeysDesc
	ch <- oldestWaitDesc
}

// Collect implements prometheus.Collector.
func (c *OrderingCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) > orderingEvery {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c.blocked, c.oldest, c.lastErr = c.read(ctx)
		cancel()
		c.at = time.Now()
	}
	if c.lastErr != nil {
		ch <- prometheus.NewInvalidMetric(blockedKeysDesc, c.lastErr)
		return
	}
	ch <- prometheus.MustNewConstMetric(blockedKeysDesc, prometheus.GaugeValue, float64(c.blocked))
	ch <- prometheus.MustNewConstMetric(oldestWaitDesc, prometheus.GaugeValue, c.oldest.Seconds())
}

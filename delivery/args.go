package delivery

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/metrics"
	"github.com/hookd/hookd/store"
)

// QueueDeliveries is the River queue delivery jobs run on.
const QueueDeliveries = "deliveries"

// maxJobAttempts is River's backstop only: a cycle ends by hookd's own count
// (the webhook's retry_count, at most domain.MaxRetrySchedule), and the job is
// completed in the transaction that records its last attempt. The slack
// covers attempts lost to crashes, which River counts and hookd does not.
const maxJobAttempts = 25

// DeliverArgs are a delivery job's arguments: ids only, since River indexes
// args and the body lives in hookd's own tables.
type DeliverArgs struct {
	DeliveryID int64 `json:"delivery_id"`
	// WebhookID and Tenant let a worker schedule the job (its endpoint's
	// concurrency, its tenant's share) before reading anything. Jobs queued
	// before Tenant existed have "", a tenant of their own.
	WebhookID int64  `json:"webhook_id"`
	Tenant    string `json:"tenant,omitempty"`
	// Cycle tells a job of an earlier cycle (one rescued after a crash)
	// from the current one.
	Cycle int `json:"cycle"`
}

// Kind names the job for River.
func (DeliverArgs) Kind() string { return "hookd_deliver" }

// InsertOpts puts delivery jobs on their queue.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDeliveries, MaxAttempts: maxJobAttempts}
}

func jobParams(deliveries []*domain.Delivery) []river.InsertManyParams {
	return heldJobParams(deliveries, nil)
}

// heldJobParams is jobParams with each job runnable after holdBack says
// (nil or 0: at once).
func heldJobParams(deliveries []*domain.Delivery, holdBack func(webhookID int64) time.Duration) []river.InsertManyParams {
	params := make([]river.InsertManyParams, len(deliveries))
	var now time.Time
	for i, d := range deliveries {
		params[i] = river.InsertManyParams{Args: DeliverArgs{DeliveryID: d.ID, WebhookID: d.WebhookID, Tenant: d.Tenant, Cycle: d.Cycle}}
		if holdBack == nil {
			continue
		}
		if wait := holdBack(d.WebhookID); wait > 0 {
			if now.IsZero() {
				now = time.Now()
			}
			params[i].InsertOpts = &river.InsertOpts{ScheduledAt: now.Add(wait)}
			metrics.HeldBack.Inc()
		}
	}
	return params
}

// insertJobs queues the jobs of deliveries in tx, for those released from
// an ordering key's hold.
func insertJobs(ctx context.Context, rc *river.Client[pgx.Tx], tx pgx.Tx, ds []*domain.Delivery) error {
	if _, err := rc.InsertManyTx(ctx, tx, jobParams(ds)); err != nil {
		return fmt.Errorf("error queueing released deliveries: %w", store.Classify(err))
	}
	metrics.DeliveriesQueued.Add(float64(len(ds)))
	return nil
}

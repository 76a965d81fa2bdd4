package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// OperationalEvent is hookd's report of a change to a webhook (see
// domain.EventWebhookFailing and the rest), to be emitted into Tenant in
// the transaction that made the change.
type OperationalEvent struct {
	Tenant string
	Type   string
	Data   json.RawMessage
	// WebhookID is the webhook the event is about: it never receives it.
	WebhookID int64
}

// EmitFunc emits operational events in tx: the delivery engine's fan-out,
// which queues River jobs the store cannot.
type EmitFunc func(ctx context.Context, tx pgx.Tx, events []OperationalEvent) error

// opCollector gathers, from one batch's statements, what its operational
// events need: the rows the webhook updates returned and the deliveries
// that failed for good.
type opCollector struct {
	failures  []*webhookOutcome // their row holds what the update returned
	successes []successSeen
	exhausted []OperationalEvent
}

// failureRow is what a webhook's failure update returned.
type failureRow struct {
	tenant, name, url, status string
	consecutive               int
	disabledNow, deleted      bool
}

// successSeen is a webhook whose success ended a run of failures: observed
// failed deliveries on its row, and before more in the same batch.
type successSeen struct {
	w        *webhookOutcome
	observed int
}

// reset forgets what an earlier try of the batch collected.
func (c *opCollector) reset() {
	c.failures, c.successes, c.exhausted = c.failures[:0], c.successes[:0], c.exhausted[:0]
}

// recovering reports whether some success ended a run of failures.
func (c *opCollector) recovering() bool { return len(c.successes) > 0 }

// watchSuccess reads a success update's row, returned only when it was
// written.
func (c *opCollector) watchSuccess(q *pgx.QueuedQuery, w *webhookOutcome) {
	q.Query(func(rows pgx.Rows) error {
		observed := 0
		for rows.Next() {
			if err := rows.Scan(&observed); err != nil {
				return err
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if observed > 0 || w.failedBefore > 0 {
			c.successes = append(c.successes, successSeen{w: w, observed: observed})
		}
		return nil
	})
}

// watchFailures reads a failure update's row.
func (c *opCollector) watchFailures(q *pgx.QueuedQuery, w *webhookOutcome) {
	q.QueryRow(func(row pgx.Row) error {
		var r failureRow
		if err := row.Scan(&r.tenant, &r.name, &r.url, &r.status, &r.consecutive, &r.disabledNow, &r.deleted); err != nil {
			return err
		}
		w.row = r
		c.failures = append(c.failures, w)
		return nil
	})
}

// queueExhausted reads the deliveries that used every attempt, once the
// batch has ended them. Those of operational events report nothing: two
// broken webhooks listening to each other would otherwise trade reports of
// reports without end. Nor do those of deleted webhooks.
func (c *opCollector) queueExhausted(b *pgx.Batch, ids []int64) {
	b.Queue(`SELECT d.id, d.webhook_id, d.tenant, d.event_id, d.event_type, d.attempts, coalesce(d.last_error, '')
		FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.id = ANY($1) AND d.status = 'failed' AND w.deleted_at IS NULL
			AND d.event_type <> ALL($2) ORDER BY d.id`,
		ids, []string{domain.EventWebhookFailing, domain.EventWebhookDisabled, domain.EventWebhookRecovered, domain.EventDeliveryExhausted}).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var (
					p      domain.DeliveryExhausted
					tenant string
				)
				if err := rows.Scan(&p.DeliveryID, &p.WebhookID, &tenant, &p.EventID, &p.EventType, &p.Attempts, &p.LastError); err != nil {
					return err
				}
				p.Tenant = tenant
				c.exhausted = append(c.exhausted, opEvent(tenant, domain.EventDeliveryExhausted, p.WebhookID, p))
			}
			return rows.Err()
		})
}

// reportOperational turns what the batch collected into events, settles
// the recoveries it saw, and emits them all in tx.
func (s *Store) reportOperational(ctx context.Context, tx pgx.Tx, c *opCollector, emit EmitFunc) error {
	if emit == nil {
		return nil
	}
	events := c.exhausted
	for _, w := range c.failures {
		r := w.row
		if r.deleted {
			continue
		}
		// Once per run: only the update that crosses the threshold warns.
		threshold := domain.FailingThreshold(w.disableAfter)
		before := r.consecutive - w.failedFinal
		if threshold > 0 && before < threshold && r.consecutive >= threshold && (r.status == domain.WebhookActive || r.disabledNow) {
			events = append(events, opEvent(r.tenant, domain.EventWebhookFailing, w.id, domain.WebhookFailing{
				WebhookID: w.id, Tenant: r.tenant, Name: r.name, URL: r.url, ConsecutiveFailures: r.consecutive,
				DisableAfter: w.disableAfter, LastError: w.lastCause}))
		}
		if r.disabledNow {
			reason := domain.DisabledConsecutiveFailures
			if w.gone {
				reason = domain.DisabledGone
			}
			events = append(events, opEvent(r.tenant, domain.EventWebhookDisabled, w.id, domain.WebhookDisabled{
				WebhookID: w.id, Tenant: r.tenant, Name: r.name, URL: r.url, Reason: reason, ConsecutiveFailures: r.consecutive}))
		}
	}
	recovered, err := s.settleRecoveries(ctx, tx, c.successes)
	if err != nil {
		return err
	}
	events = append(events, recovered...)
	if len(events) == 0 {
		return nil
	}
	if err := emit(ctx, tx, events); err != nil {
		return fmt.Errorf("error emitting operational events: %w", err)
	}
	return nil
}

// settleRecoveries takes, for each success that ended a run of failures,
// the failures it observed off the webhook's row and reports them as
// webhook.recovered. Only what was observed is taken: failures recorded
// since start the next run. A row that holds fewer than observed was
// settled already, by another report of the same run.
func (s *Store) settleRecoveries(ctx context.Context, tx pgx.Tx, seen []successSeen) ([]OperationalEvent, error) {
	if len(seen) == 0 {
		return nil, nil
	}
	var out []OperationalEvent
	b := &pgx.Batch{}
	for _, sc := range seen {
		b.Queue(`UPDATE webhooks SET failed_deliveries = failed_deliveries - $2,
				failing_since = CASE WHEN failed_deliveries = $2 THEN NULL ELSE failing_since END
			WHERE id = $1 AND failed_deliveries >= $2 AND deleted_at IS NULL
			RETURNING tenant, name, url`, sc.w.id, sc.observed).
			Query(func(rows pgx.Rows) error {
				for rows.Next() {
					var tenant, name, url string
					if err := rows.Scan(&tenant, &name, &url); err != nil {
						return err
					}
					out = append(out, opEvent(tenant, domain.EventWebhookRecovered, sc.w.id, domain.WebhookRecovered{
						WebhookID: sc.w.id, Tenant: tenant, Name: name, URL: url, FailedDeliveries: sc.observed + sc.w.failedBefore}))
				}
				return rows.Err()
			})
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("error settling recoveries: %w", err)
	}
	return out, nil
}

// opEvent builds one operational event; its data is one of domain's
// payload structs, which always marshal.
func opEvent(tenant, eventType string, webhookID int64, data any) OperationalEvent {
	raw, _ := json.Marshal(data) //nolint:errchkjson // plain structs of strings and numbers
	return OperationalEvent{Tenant: tenant, Type: eventType, Data: raw, WebhookID: webhookID}
}

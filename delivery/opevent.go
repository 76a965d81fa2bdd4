package delivery

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/store"
)

// emitOperational emits the store's operational events in tx, the
// transaction of the change they report: each into its webhook's tenant
// and, when Config.OperatorTenant names another, a copy into that one.
// The webhook an event is about never receives it, in either tenant.
func (d *Dispatcher) emitOperational(ctx context.Context, tx pgx.Tx, events []store.OperationalEvent) error {
	reqs := make([]EmitRequest, 0, len(events))
	exclude := make([]int64, 0, len(events))
	for _, e := range events {
		reqs = append(reqs, EmitRequest{Type: e.Type, Data: e.Data, Tenant: e.Tenant, operational: true})
		exclude = append(exclude, e.WebhookID)
		if op := d.cfg.OperatorTenant; op != "" && op != e.Tenant {
			reqs = append(reqs, EmitRequest{Type: e.Type, Data: e.Data, Tenant: op, operational: true})
			exclude = append(exclude, e.WebhookID)
		}
	}
	for len(reqs) > 0 {
		n := min(len(reqs), MaxBatch)
		if _, err := d.emitTx(ctx, tx, reqs[:n], exclude[:n]); err != nil {
			return err
		}
		reqs, exclude = reqs[n:], exclude[n:]
	}
	return nil
}

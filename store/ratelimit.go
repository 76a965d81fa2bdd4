package store

import (
	"context"
	"fmt"
	"time"
)

// RateSlot is what TakeRateSlot handed out.
type RateSlot struct {
	// Granted reports whether a slot was taken; Wait is then how long
	// from now until it is due (zero or less: now).
	Granted bool
	Wait    time.Duration
	// Free is, when no slot was granted, how long until one can be: the
	// slots up to the horizon are all taken.
	Free time.Duration
}

// TakeRateSlot takes the next send slot of a webhook limited to one send
// per period, across every process, in one statement: slots are handed out
// period apart in the order asked for (a GCRA whose "theoretical arrival
// time" is the row's tat), at most horizon ahead of now. The database's
// clock is the only one used. A new period applies to the slots after
// those handed out already; the row is deleted, starting afresh, when the
// webhook is enabled again or its limit lifted (UpdateWebhook).
func (s *Store) TakeRateSlot(ctx context.Context, db DBTX, webhookID int64, period, horizon time.Duration) (RateSlot, error) {
	var (
		out     RateSlot
		granted *int64
		tat     int64
	)
	err := db.QueryRow(ctx, `INSERT INTO webhook_rate_slots AS r (webhook_id, tat, granted)
			VALUES ($1, now() + $2 * interval '1 microsecond', now())
		ON CONFLICT (webhook_id) DO UPDATE SET
			granted = CASE WHEN r.tat <= now() + $3 * interval '1 microsecond' THEN greatest(r.tat, now()) END,
			tat = CASE WHEN r.tat <= now() + $3 * interval '1 microsecond'
				THEN greatest(r.tat, now()) + $2 * interval '1 microsecond' ELSE r.tat END
		RETURNING (extract(epoch FROM granted - now()) * 1e6)::bigint, (extract(epoch FROM tat - now()) * 1e6)::bigint`,
		webhookID, period.Microseconds(), horizon.Microseconds()).Scan(&granted, &tat)
	if err != nil {
		return RateSlot{}, fmt.Errorf("error taking a rate slot: %w", translate(err))
	}
	if granted != nil {
		out.Granted, out.Wait = true, time.Duration(*granted)*time.Microsecond
	} else {
		out.Free = time.Duration(tat)*time.Microsecond - horizon
	}
	return out, nil
}

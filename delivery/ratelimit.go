package delivery

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"

	"github.com/hookd/hookd/store"
)

// A webhook's rate_limit is held in Postgres, across every process: each
// send takes the next slot of the webhook's row (store.TakeRateSlot, one
// statement). A slot in the future is not waited for in a worker: the job
// is snoozed until it, holding the slot in its River metadata, and sends
// when it comes back. See delivery/scheduler.md.
const (
	// rateHorizon is how far ahead slots are handed out. Beyond it a job
	// holds none and is snoozed until slots free up (spread over half the
	// horizon): a backlog costs about one round trip per job and 30 s, and
	// a new rate applies within the horizon.
	rateHorizon = time.Minute
	// rateEarly is how soon a slot counts as now: River's polling (50 ms)
	// is coarser.
	rateEarly = 5 * time.Millisecond
)

// heldSlot is a rate slot a job took and was snoozed to wait for. It is
// this job's for one attempt: it is void once the delivery has made an
// attempt or started a new cycle since. (A process that dies mid-attempt
// leaves it valid: the attempt made again after the rescue takes no slot.)
type heldSlot struct {
	At       time.Time `json:"at"`
	Cycle    int       `json:"cycle"`
	Attempts int       `json:"attempts"`
}

// rateMetadata is how a held slot is kept in the job's metadata: as its
// recorded output, which River keeps across snoozes.
type rateMetadata struct {
	Output struct {
		RateSlot *heldSlot `json:"rate_slot"`
	} `json:"output"`
}

// rateWait decides whether a job of a rate-limited webhook may send now;
// otherwise it returns how long to snooze. It costs one round trip, unless
// the job holds a slot already.
func (w *Worker) rateWait(ctx context.Context, job *river.Job[DeliverArgs], t *store.AttemptTarget) (time.Duration, error) {
	var m rateMetadata
	_ = json.Unmarshal(job.Metadata, &m)
	if h := m.Output.RateSlot; h != nil && h.Cycle == t.Cycle && h.Attempts == t.Attempts {
		if d := time.Until(h.At); d > rateEarly {
			return d, nil // back early: another process's clock
		}
		return 0, nil
	}
	period := time.Second / time.Duration(*t.Webhook.RateLimit)
	slot, err := w.store.TakeRateSlot(ctx, w.pool, t.Webhook.ID, period, rateHorizon)
	if err != nil {
		return 0, err
	}
	if !slot.Granted {
		// Every slot up to the horizon is taken: come back, spread out, when
		// some have been used.
		return max(slot.Free, minSnooze) + rand.N(rateHorizon/2), nil
	}
	if slot.Wait <= rateEarly {
		return 0, nil
	}
	held := heldSlot{At: time.Now().Add(slot.Wait), Cycle: t.Cycle, Attempts: t.Attempts}
	if err := river.RecordOutput(ctx, map[string]any{"rate_slot": held}); err != nil {
		return 0, err
	}
	return slot.Wait, nil
}

package main

import (
	"fmt"
	"time"
)

// scale sizes a run. quick fits CI (the whole of chaos_test.go in about two
// minutes on two cores), full is `make chaos`, soak is for long local runs.
type scale struct {
	Name string

	// CrashEvents are emitted to CrashWebhooks webhooks; every process is
	// killed once the receiver has seen CrashKillAt of the deliveries. The
	// second kill (one process) gets as many again.
	CrashEvents   int
	CrashWebhooks int
	CrashKillAt   float64

	// DBLead is load before Postgres stops, DBOutage how long it stays
	// down, DBTail load after it returns.
	DBLead, DBOutage, DBTail time.Duration
	DBLoad                   load

	// ReceiverDeliveries go to misbehaving receivers.
	ReceiverDeliveries int

	// RollingSteps processes are replaced one at a time, RollingGap apart.
	RollingSteps int
	RollingGap   time.Duration
	RollingLoad  load

	// MixedDuration is how long the mixed-fault soak injects faults.
	MixedDuration time.Duration
	MixedLoad     load
}

var scales = map[string]scale{
	"quick": {
		Name:        "quick",
		CrashEvents: 600, CrashWebhooks: 4, CrashKillAt: 0.25,
		DBLead: 3 * time.Second, DBOutage: 10 * time.Second, DBTail: 3 * time.Second,
		DBLoad:             load{Batch: 5, Workers: 2, Pause: 100 * time.Millisecond},
		ReceiverDeliveries: 1_000,
		RollingSteps:       2, RollingGap: 2 * time.Second,
		RollingLoad:   load{Batch: 5, Workers: 2, Pause: 100 * time.Millisecond},
		MixedDuration: time.Minute,
		MixedLoad:     load{Batch: 5, Workers: 2, Pause: 200 * time.Millisecond},
	},
	"full": {
		Name:        "full",
		CrashEvents: 5_000, CrashWebhooks: 4, CrashKillAt: 0.25,
		DBLead: 5 * time.Second, DBOutage: 10 * time.Second, DBTail: 10 * time.Second,
		DBLoad:             load{Batch: 10, Workers: 2, Pause: 100 * time.Millisecond},
		ReceiverDeliveries: 10_000,
		RollingSteps:       6, RollingGap: 4 * time.Second,
		RollingLoad:   load{Batch: 10, Workers: 2, Pause: 100 * time.Millisecond},
		MixedDuration: 3 * time.Minute,
		MixedLoad:     load{Batch: 10, Workers: 2, Pause: 200 * time.Millisecond},
	},
	"soak": {
		Name:        "soak",
		CrashEvents: 10_000, CrashWebhooks: 4, CrashKillAt: 0.3,
		DBLead: 10 * time.Second, DBOutage: 10 * time.Second, DBTail: 20 * time.Second,
		DBLoad:             load{Batch: 10, Workers: 3, Pause: 100 * time.Millisecond},
		ReceiverDeliveries: 40_000,
		RollingSteps:       12, RollingGap: 5 * time.Second,
		RollingLoad:   load{Batch: 10, Workers: 3, Pause: 100 * time.Millisecond},
		MixedDuration: 10 * time.Minute,
		MixedLoad:     load{Batch: 10, Workers: 3, Pause: 150 * time.Millisecond},
	},
}

func scaleNamed(name string) (scale, error) {
	s, ok := scales[name]
	if !ok {
		return scale{}, fmt.Errorf("unknown scale %q: quick, full or soak", name)
	}
	return s, nil
}

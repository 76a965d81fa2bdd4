package main

import (
	"context"
	"errors"
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/delivery"
)

// TestChaosQuick runs every scenario at quick scale against real hookd
// processes and a private Postgres cluster: it is `make chaos` cut down to
// fit CI (about a minute and a half on two cores). The tables go to
// stdout (go test -v shows them).
func TestChaosQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos: starts hookd processes and a Postgres cluster; skipped with -short")
	}
	if _, err := postgresBin(); errors.Is(err, errNoPostgres) {
		t.Skip("chaos: " + err.Error())
	}
	sc, err := scaleNamed("quick")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	results, err := run(ctx, options{Scenarios: defaultScenarios(sc), Scale: sc, Seed: 1, Out: os.Stdout})
	require.NoError(t, err)
	require.Len(t, results, 4)

	for _, r := range results {
		t.Run(r.Scenario, func(t *testing.T) {
			require.NoError(t, r.Err)
			require.NotNil(t, r.Audit)
			require.Zero(t, r.Audit.Lost, "lost deliveries")
			require.Zero(t, r.Audit.DupUnexpected, "duplicates beyond what the fault allows")
			require.Positive(t, r.Audit.Accepted)
			for _, c := range r.Checks {
				require.True(t, c.OK, "%s: %s", c.Name, c.Detail)
			}
		})
	}
}

// TestProcOfClient maps hookd's River client ids (delivery.NewClientID)
// back to processes by their pid.
func TestProcOfClient(t *testing.T) {
	t.Parallel()
	a := &proc{name: "a", pid: 4711}
	b := &proc{name: "b", pid: 4712}
	procs := []*proc{a, b}

	require.Equal(t, a, procOfClient(procs, "hookd_vm_4711_5c5b214f"))
	require.Equal(t, b, procOfClient(procs, "hookd_my_host_4712_b723db7e"), "a host name may hold underscores")
	require.Nil(t, procOfClient(procs, "hookd_vm_4713_5c5b214f"), "no such process")
	require.Nil(t, procOfClient(procs, "vm_4711_5c5b214f"), "not a hookd client id")
	require.Nil(t, procOfClient(procs, "custom-id"))

	// The format hookd really uses: this process's own id.
	self := &proc{name: "self", pid: os.Getpid()}
	require.Equal(t, self, procOfClient([]*proc{a, self}, delivery.NewClientID()))
}

// TestLocalTCPPorts finds this process's own connection by its port, as
// the crash scenario finds the backends of live hookd processes.
func TestLocalTCPPorts(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer conn.Close()

	ports := localTCPPorts(os.Getpid())
	require.Contains(t, ports, conn.LocalAddr().(*net.TCPAddr).Port)
	require.Contains(t, ports, ln.Addr().(*net.TCPAddr).Port)
	require.Empty(t, localTCPPorts(-1), "no such process")
}

// TestPlannersAreDeterministic: the receiver's answers depend only on the
// seed, the delivery and the attempt, and a third of them misbehave.
func TestPlannersAreDeterministic(t *testing.T) {
	t.Parallel()
	p1, p2 := chaosPlanner(7), chaosPlanner(7)
	counts := map[behaviour]int{}
	for d := int64(1); d <= 3000; d++ {
		for n := 1; n <= 3; n++ {
			require.Equal(t, p1(d, n), p2(d, n))
			counts[p1(d, n).what]++
			if pl := p1(d, n); pl.what == answerSlow {
				require.Less(t, pl.delay, deliveryTimeout-lateMargin, "a slow answer is a timely one")
			}
		}
	}
	bad := counts[answer500] + counts[answerHang] + counts[answerReset] + counts[answerSlow]
	require.InDelta(t, 1.0/3, float64(bad)/9000, 0.02)
}

// TestAuditCountsDuplicatesAndLosses: the audit's arithmetic on a small,
// hand-made ledger.
func TestAuditCountsDuplicatesAndLosses(t *testing.T) {
	t.Parallel()
	now := time.Now()
	okHit := func(d int64, n int, event string, at time.Duration) hit {
		return hit{DeliveryID: d, Attempt: n, EventID: event, Arrived: now.Add(at), Answered: now.Add(at + time.Millisecond), Status: 200}
	}
	l := &ledger{
		events: map[string]bool{"e1": true, "e2": true},
		deliveries: map[int64]*dbDelivery{
			1: {ID: 1, EventID: "e1", WebhookID: 10, Status: "succeeded", Attempts: 1},
			2: {ID: 2, EventID: "e2", WebhookID: 10, Status: "pending"},
		},
		attempts: map[attemptKey][]*dbAttempt{
			{1, 1}: {{Key: attemptKey{1, 1}, Success: true, StartedAt: now}},
		},
	}
	l.byEvent = map[string][]*dbDelivery{"e1": {l.deliveries[1]}, "e2": {l.deliveries[2]}}
	hits := []hit{okHit(1, 1, "e1", 0), okHit(1, 1, "e1", time.Second)}
	accepted := map[string]time.Time{"e1": now, "e2": now, "e3": now}

	a := runAudit(accepted, 1, l, hits, auditRules{})
	require.Equal(t, 3, a.Accepted)
	require.Equal(t, 2, a.Stored)
	require.Equal(t, 2, a.Lost, "e2's delivery is pending, e3 was never stored")
	require.Equal(t, 2, a.LostEvents)
	require.Equal(t, 1, a.Duplicated)
	require.Equal(t, 1, a.DupUnexpected)

	a = runAudit(accepted, 1, l, hits, auditRules{allowDup: func(attemptKey, []hit) bool { return true }})
	require.Equal(t, 1, a.DupAllowed)
	require.Zero(t, a.DupUnexpected)
	require.Zero(t, a.SeenNotRecorded)
	require.Zero(t, a.RecordedNotSeen)
}

// TestLateAnswer: a timeout on an answer planned in time is excused only
// when attempts around it show the machine lagging that much.
func TestLateAnswer(t *testing.T) {
	t.Parallel()
	start := time.Now()
	timedOut := &dbAttempt{StartedAt: start, Duration: deliveryTimeout + 10*time.Millisecond}
	slowHit := func(arrivedAfter, delay time.Duration, answered bool) hit {
		h := hit{Plan: answerSlow, Arrived: start.Add(arrivedAfter), Delay: delay}
		if answered {
			h.Status, h.Answered = 200, h.Arrived.Add(delay)
		}
		return h
	}
	idle := []lagSample{{at: start, lag: 5 * time.Millisecond}}
	busy := []lagSample{{at: start.Add(-500 * time.Millisecond), lag: 600 * time.Millisecond}, {at: start.Add(3 * time.Second), lag: 900 * time.Millisecond}}

	require.Equal(t, lateMargin, lateTolerance(idle, start))
	require.Equal(t, 600*time.Millisecond, lateTolerance(busy, start), "only neighbours within a second count")

	for _, tt := range []struct {
		name    string
		h       hit
		rec     *dbAttempt
		samples []lagSample
		late    bool
	}{
		{"TimelyAnswerIdleMachine", slowHit(10*time.Millisecond, 470*time.Millisecond, true), timedOut, idle, false},
		{"TimelyAnswerBusyMachine", slowHit(10*time.Millisecond, 470*time.Millisecond, true), timedOut, busy, true},
		{"AnswerAtTheDeadline", slowHit(10*time.Millisecond, 900*time.Millisecond, true), timedOut, idle, true},
		{"CutOffBeforeItsAnswer", slowHit(400*time.Millisecond, 640*time.Millisecond, false), timedOut, idle, true},
		{"HookdGaveUpEarly", slowHit(10*time.Millisecond, 900*time.Millisecond, true), &dbAttempt{StartedAt: start, Duration: 500 * time.Millisecond}, busy, false},
		{"RecordedSuccess", slowHit(10*time.Millisecond, 900*time.Millisecond, true), &dbAttempt{StartedAt: start, Duration: time.Second, Success: true}, busy, false},
		{"PlannedHang", hit{Plan: answerHang, Arrived: start, Delay: chaosHang}, timedOut, busy, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.late, lateAnswer(tt.h, tt.rec, lateTolerance(tt.samples, tt.rec.StartedAt)))
		})
	}
}

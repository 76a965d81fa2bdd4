package delivery

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestRetryScheduleGaps(t *testing.T) {
	t.Parallel()
	def := retrySchedule{base: 5 * time.Second, count: 5}
	own := retrySchedule{base: 5 * time.Second, count: 3, schedule: []int{1, 7200, 3}}
	for k, want := range []time.Duration{5 * time.Second, 25 * time.Second, 125 * time.Second, 625 * time.Second, 3125 * time.Second} {
		require.Equal(t, want, def.gap(k+1), "the default is the seed's, scaled by the base")
	}
	require.Equal(t, 3125*time.Second, def.longest())
	for k, want := range []time.Duration{time.Second, 2 * time.Hour, 3 * time.Second} {
		require.Equal(t, want, own.gap(k+1), "a schedule of its own is used as given, not scaled")
	}
	require.Equal(t, 2*time.Hour, own.longest())
	require.Equal(t, 20*time.Millisecond, retrySchedule{base: 4 * time.Millisecond, count: 2}.gap(2))
}

// TestRetryAfterNeverEarlier: on 429 and 503 the wait is the longer of the
// schedule's and the receiver's, the latter capped at the schedule's
// longest wait or an hour, whichever is more.
func TestRetryAfterNeverEarlier(t *testing.T) {
	t.Parallel()
	d := func(v time.Duration) *time.Duration { return &v }
	short := retrySchedule{count: 3, schedule: []int{2, 10, 60}}
	long := retrySchedule{count: 2, schedule: []int{60, 7200}}
	def := retrySchedule{base: 5 * time.Second, count: 5}
	for _, tt := range []struct {
		name       string
		s          retrySchedule
		k          int
		retryAfter *time.Duration
		want       time.Duration
	}{
		{"NoHeader", short, 1, nil, 2 * time.Second},
		{"Longer", short, 1, d(30 * time.Second), 30 * time.Second},
		{"Shorter", short, 2, d(3 * time.Second), 10 * time.Second},
		{"Zero", short, 2, d(0), 10 * time.Second},
		{"CappedAtAnHour", short, 1, d(5 * time.Hour), time.Hour},
		{"CappedAtTheLongestWait", long, 1, d(5 * time.Hour), 2 * time.Hour},
		{"Huge", def, 1, d(1<<62 - 1), time.Hour},
		{"DefaultShorter", def, 3, d(time.Second), 125 * time.Second},
		{"DefaultLonger", def, 1, d(10 * time.Minute), 10 * time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, tt.s.next(tt.k, tt.retryAfter))
		})
	}
}

package delivery

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()

	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

	for _, tt := range []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{name: "Seconds", value: "7", want: 7 * time.Second, wantOK: true},
		{name: "Zero", value: "0", want: 0, wantOK: true},
		{name: "LeadingZeros", value: "0120", want: 2 * time.Minute, wantOK: true},
		{name: "SurroundingSpace", value: " 7 ", want: 7 * time.Second, wantOK: true},
		{name: "Huge", value: "99999999999999999999999", want: time.Duration(math.MaxInt64), wantOK: true},
		{name: "BeyondDuration", value: "9300000000", want: time.Duration(math.MaxInt64), wantOK: true},
		{name: "IMFFixdate", value: "Sun, 01 Jun 2025 12:01:30 GMT", want: 90 * time.Second, wantOK: true},
		{name: "RFC850", value: "Sunday, 01-Jun-25 12:00:10 GMT", want: 10 * time.Second, wantOK: true},
		{name: "ANSIC", value: "Sun Jun  1 12:00:05 2025", want: 5 * time.Second, wantOK: true},
		{name: "DateInPast", value: "Sat, 31 May 2025 12:00:00 GMT", want: 0, wantOK: true},
		{name: "DateNow", value: "Sun, 01 Jun 2025 12:00:00 GMT", want: 0, wantOK: true},
		{name: "Negative", value: "-5"},
		{name: "Plus", value: "+5"},
		{name: "Fraction", value: "1.5"},
		{name: "Unit", value: "5s"},
		{name: "Empty", value: ""},
		{name: "Spaces", value: "   "},
		{name: "Garbage", value: "soon"},
		{name: "BadDate", value: "Sun, 32 Jun 2025 12:00:00 GMT"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseRetryAfter(tt.value, now)
			require.Equal(t, tt.wantOK, ok)
			require.Equal(t, tt.want, got)
		})
	}
}

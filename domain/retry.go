package domain

// A webhook's own retry schedule: the seconds to wait after attempt k fails
// before attempt k+1. Without one, the default applies: the engine's retry
// base × 5^(k−1) (5, 25, 125, 625, 3125 s by default) for RetryCount steps.
const (
	// MaxRetrySchedule is the most steps a schedule may have.
	MaxRetrySchedule = 20
	// MaxRetryGap is the longest step: 7 days.
	MaxRetryGap = 7 * 24 * 3600
	// MaxRetryTotal bounds the steps' sum: 30 days.
	MaxRetryTotal = 30 * 24 * 3600
)

// LongOutageSchedule is the preset for an endpoint that may be down for a
// weekend: 11 retries, 1 min, 5 min, 30 min, 1 h, 3 h, 6 h, then every 12 h
// five times, the last about 71 hours (3 days) after the first attempt, like
// Stripe's.
var LongOutageSchedule = []int{60, 300, 1800, 3600, 10800, 21600, 43200, 43200, 43200, 43200, 43200}

// ValidateRetrySchedule checks a webhook's own retry schedule: 1 to
// MaxRetrySchedule steps, each 1 to MaxRetryGap seconds, MaxRetryTotal at
// most in all.
func ValidateRetrySchedule(s []int) error {
	if len(s) == 0 || len(s) > MaxRetrySchedule {
		return InvalidParam("retry_schedule", "retry_schedule must list 1 to %d waits in seconds.", MaxRetrySchedule)
	}
	total := 0
	for i, gap := range s {
		if gap < 1 || gap > MaxRetryGap {
			return InvalidParam("retry_schedule", "retry_schedule[%d] must be between 1 and %d seconds.", i, MaxRetryGap)
		}
		total += gap
	}
	if total > MaxRetryTotal {
		return InvalidParam("retry_schedule", "retry_schedule must add up to at most %d seconds (30 days).", MaxRetryTotal)
	}
	return nil
}

// validateRetryPolicy checks retry_count and retry_schedule together: the
// count alone takes the default's first steps (0 to MaxRetryCount); given
// with a schedule it must be the schedule's length.
func validateRetryPolicy(count *int, schedule []int, scheduleSet bool) error {
	if scheduleSet && schedule != nil {
		if err := ValidateRetrySchedule(schedule); err != nil {
			return err
		}
		if count != nil && *count != len(schedule) {
			return InvalidParam("retry_count", "retry_count must equal the length of retry_schedule (%d), or be left out.", len(schedule))
		}
		return nil
	}
	if count != nil {
		return ValidateRetryCount(*count)
	}
	return nil
}

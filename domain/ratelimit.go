package domain

// MaxRateLimit is the highest rate limit a webhook may have, in deliveries
// per second.
const MaxRateLimit = 10000

// ValidateRateLimit checks a webhook's rate limit: a whole number of
// deliveries per second, 1 to MaxRateLimit (no limit is null, not 0).
func ValidateRateLimit(n int) error {
	if n < 1 || n > MaxRateLimit {
		return InvalidParam("rate_limit", "rate_limit must be a whole number of deliveries per second from 1 to %d, or null for no limit.", MaxRateLimit)
	}
	return nil
}

// Package domain holds the types and rules every other hookd package shares:
// webhooks, events, deliveries, attempts, tokens, the error vocabulary, and
// the pure validation and matching logic. It imports nothing of hookd's own, so
// store, delivery and server can all depend on it without cycles.
package domain

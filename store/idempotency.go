package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// IdempotencyWindow is how long a first answer is replayed.
const IdempotencyWindow = "24 hours"

// StoredResponse is the first answer given to an idempotent request, with
// the route and body fingerprint of that request (nil for keys stored before
// they were recorded).
type StoredResponse struct {
	Status      int
	Body        []byte
	Route       *string
	Fingerprint []byte
}

// IdempotentRequest is what a key is claimed for: the scope it lives in
// (the calling token's tenant), the key, the route and a fingerprint of the
// request's body.
type IdempotentRequest struct {
	Scope       string
	Key         string
	Route       string
	Fingerprint []byte
}

// ClaimIdempotencyKey runs inside the request's transaction: it either
// claims (scope, key) for this request and returns nil, or returns the
// answer stored by the request that claimed it within the last 24 h, with
// that request's route and fingerprint for the caller to compare. A concurrent
// request with the same key waits here until the first commits or rolls
// back.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, tx pgx.Tx, r IdempotentRequest) (*StoredResponse, error) {
	var claimed bool
	tenant, key := r.Scope, r.Key
	err := tx.QueryRow(ctx, `INSERT INTO idempotency_keys (tenant, key, status, response, route, fingerprint)
		VALUES ($1, $2, 0, 'null', $3, $4)
		ON CONFLICT (tenant, key) DO UPDATE SET status = 0, response = 'null', created_at = now(),
				route = excluded.route, fingerprint = excluded.fingerprint
			WHERE idempotency_keys.created_at < now() - interval '`+IdempotencyWindow+`'
		RETURNING true`, tenant, key, r.Route, r.Fingerprint).Scan(&claimed)
	if err == nil {
		return nil, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("error claiming idempotency key: %w", translate(err))
	}
	var stored StoredResponse
	if err := tx.QueryRow(ctx, `SELECT status, response, route, fingerprint FROM idempotency_keys WHERE tenant = $1 AND key = $2`,
		tenant, key).Scan(&stored.Status, &stored.Body, &stored.Route, &stored.Fingerprint); err != nil {
		return nil, fmt.Errorf("error reading idempotency key: %w", translate(err))
	}
	return &stored, nil
}

// SaveIdempotentResponse stores the answer for a claimed key.
func (s *Store) SaveIdempotentResponse(ctx context.Context, tx pgx.Tx, tenant, key string, r StoredResponse) error {
	if _, err := tx.Exec(ctx, `UPDATE idempotency_keys SET status = $3, response = $4 WHERE tenant = $1 AND key = $2`,
		tenant, key, r.Status, r.Body); err != nil {
		return fmt.Errorf("error saving idempotent response: %w", translate(err))
	}
	return nil
}

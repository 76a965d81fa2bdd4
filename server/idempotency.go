package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

// unboundScope is the idempotency scope of tokens bound to no tenant; no
// tenant can be called that (tenants start with a letter or digit).
const unboundScope = "*"

// idempotencyKey reads the Idempotency-Key header: up to 255 printable
// characters.
func idempotencyKey(c *gin.Context) (string, error) {
	key := c.GetHeader("Idempotency-Key")
	if len(key) > 255 {
		return "", domain.InvalidParam("Idempotency-Key", "Idempotency-Key must be at most 255 characters.")
	}
	for i := 0; i < len(key); i++ {
		if key[i] < ' ' || key[i] > '~' {
			return "", domain.InvalidParam("Idempotency-Key", "Idempotency-Key must be printable ASCII.")
		}
	}
	return key, nil
}

// idempotentRequest describes the request a key is used for: scoped to the
// calling token's tenant (a key is the caller's, whatever tenants its body
// names), on this route, with this body.
func idempotentRequest(c *gin.Context, key string, body []byte) store.IdempotentRequest {
	scope := unboundScope
	if t := principal(c).Tenant; t != nil {
		scope = *t
	}
	return store.IdempotentRequest{Scope: scope, Key: key, Route: c.Request.Method + " " + c.FullPath(),
		Fingerprint: fingerprint(body)}
}

// fingerprint hashes a JSON body in a canonical form (keys sorted, no
// insignificant space), so the same request re-serialised by a client's
// retry still matches while a different one does not.
func fingerprint(body []byte) []byte {
	canonical := body
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) == nil {
		if b, err := json.Marshal(v); err == nil {
			canonical = b
		}
	}
	sum := sha256.Sum256(canonical)
	return sum[:]
}

// emitIdempotently runs emit in a transaction guarded by the request's
// Idempotency-Key: a key seen in the last 24 h with the same route and body
// answers with the stored first answer and creates nothing; with another
// route or body it is refused (422), as Stripe does, rather than answered
// with a result that is not this request's.
func (s *Server) emitIdempotently(c *gin.Context, body []byte, emit func(tx pgx.Tx) (any, bool, error)) error {
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	req := idempotentRequest(c, key, body)
	var (
		status   = http.StatusAccepted
		answer   []byte
		replayed bool
	)
	ctx := c.Request.Context()
	err = store.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if key != "" {
			stored, err := s.store.ClaimIdempotencyKey(ctx, tx, req)
			if err != nil {
				return err
			}
			if stored != nil {
				if stored.Fingerprint != nil && (stored.Route == nil || *stored.Route != req.Route ||
					!bytes.Equal(stored.Fingerprint, req.Fingerprint)) {
					return domain.ErrIdempotencyMismatch
				}
				status, answer, replayed = stored.Status, stored.Body, true
				return nil
			}
		}
		resp, wasReplay, err := emit(tx)
		if err != nil {
			return err
		}
		replayed = wasReplay
		if answer, err = json.Marshal(resp); err != nil {
			return err
		}
		if key != "" {
			return s.store.SaveIdempotentResponse(ctx, tx, req.Scope, key, store.StoredResponse{Status: status, Body: answer})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if replayed {
		c.Header("Idempotent-Replayed", "true")
	}
	c.Data(status, "application/json; charset=utf-8", answer)
	return nil
}

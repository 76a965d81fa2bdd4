package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ResealResult counts what a key rotation did.
type ResealResult struct {
	Webhooks int // rows examined
	Resealed int // rows re-encrypted under the current key
	// HeadersSealed counts webhooks whose plaintext custom headers were
	// sealed (stored before headers were).
	HeadersSealed int
}

// ResealCredentials re-encrypts every stored credential not yet sealed by
// the keyring's current key, batch by batch in short transactions, so
// servers holding both keys keep running throughout. Custom headers still
// in plaintext (stored before they were sealed) are sealed first.
func (s *Store) ResealCredentials(ctx context.Context, db DBTX, batchSize int) (ResealResult, error) {
	var (
		res    ResealResult
		lastID int64
	)
	sealed, err := s.SealPlaintextHeaders(ctx, db, batchSize)
	if err != nil {
		return res, err
	}
	res.HeadersSealed = sealed
	for {
		var n int
		err := InTx(ctx, db, func(tx pgx.Tx) error {
			rows, err := tx.Query(ctx, `SELECT id, secret_enc, previous_secret_enc, authorization_enc, headers_enc FROM webhooks
				WHERE id > $1 ORDER BY id LIMIT $2 FOR UPDATE`, lastID, batchSize)
			if err != nil {
				return err
			}
			type row struct {
				id                           int64
				secret, prev, authz, headers []byte
			}
			batch, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
				var x row
				err := r.Scan(&x.id, &x.secret, &x.prev, &x.authz, &x.headers)
				return x, err
			})
			if err != nil {
				return err
			}
			n = len(batch)
			for _, x := range batch {
				lastID = x.id
				if s.keys.IsCurrent(x.secret) && (x.prev == nil || s.keys.IsCurrent(x.prev)) && (x.authz == nil || s.keys.IsCurrent(x.authz)) &&
					(x.headers == nil || s.keys.IsCurrent(x.headers)) {
					continue
				}
				secret, err := s.reseal(x.secret, sealSecret)
				if err != nil {
					return fmt.Errorf("webhook %d: %w", x.id, err)
				}
				prev, err := s.reseal(x.prev, sealPreviousSecret)
				if err != nil {
					return fmt.Errorf("webhook %d: %w", x.id, err)
				}
				authz, err := s.reseal(x.authz, sealAuthorization)
				if err != nil {
					return fmt.Errorf("webhook %d: %w", x.id, err)
				}
				headers, err := s.reseal(x.headers, sealHeaders)
				if err != nil {
					return fmt.Errorf("webhook %d: %w", x.id, err)
				}
				if _, err := tx.Exec(ctx, `UPDATE webhooks SET secret_enc = $2, previous_secret_enc = $3, authorization_enc = $4,
						headers_enc = $5
					WHERE id = $1`, x.id, secret, prev, authz, headers); err != nil {
					return err
				}
				res.Resealed++
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("error re-sealing credentials: %w", translate(err))
		}
		res.Webhooks += n
		if n < batchSize {
			return res, nil
		}
	}
}

func (s *Store) reseal(ciphertext []byte, sealContext string) ([]byte, error) {
	if ciphertext == nil || s.keys.IsCurrent(ciphertext) {
		return ciphertext, nil
	}
	plain, err := s.keys.Open(ciphertext, sealContext)
	if err != nil {
		return nil, err
	}
	return s.keys.Seal(plain, sealContext), nil
}

package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// sealHeaders is the seal context of a webhook's custom headers.
const sealHeaders = "webhooks.headers"

// sealedHeaders is how custom headers are stored: the values sealed as one
// JSON object (nil when there are none), and a masked hint per name for
// every view that must not show them.
type sealedHeaders struct {
	enc   []byte
	hints map[string]string
}

func (s *Store) sealHeaders(headers map[string]string) (sealedHeaders, error) {
	if len(headers) == 0 {
		return sealedHeaders{hints: map[string]string{}}, nil
	}
	plain, err := json.Marshal(headers)
	if err != nil {
		return sealedHeaders{}, fmt.Errorf("error encoding headers: %w", err)
	}
	return sealedHeaders{enc: s.keys.Seal(string(plain), sealHeaders), hints: domain.HeaderHints(headers)}, nil
}

// openHeaders returns a webhook's custom headers in plaintext: the sealed
// ones, or for a row written before headers were sealed (and not yet sealed
// by SealPlaintextHeaders) its plaintext column.
func (s *Store) openHeaders(enc []byte, legacy map[string]string) (map[string]string, error) {
	if enc == nil {
		if legacy == nil {
			return map[string]string{}, nil
		}
		return legacy, nil
	}
	plain, err := s.keys.Open(enc, sealHeaders)
	if err != nil {
		return nil, err
	}
	var out map[string]string
	if err := json.Unmarshal([]byte(plain), &out); err != nil {
		return nil, fmt.Errorf("error decoding headers: %w", err)
	}
	return out, nil
}

// SealPlaintextHeaders seals the custom header values of webhooks stored
// before they were sealed (migration 11 could not: the key is not in the
// database), batch by batch in short transactions, and clears the
// plaintext. It returns how many webhooks it sealed; a second run finds
// none.
func (s *Store) SealPlaintextHeaders(ctx context.Context, db DBTX, batchSize int) (int, error) {
	total := 0
	for {
		var n int
		err := InTx(ctx, db, func(tx pgx.Tx) error {
			rows, err := tx.Query(ctx, `SELECT id, headers, headers_enc FROM webhooks WHERE headers <> '{}'
				ORDER BY id LIMIT $1 FOR UPDATE`, batchSize)
			if err != nil {
				return err
			}
			type row struct {
				id      int64
				headers map[string]string
				enc     []byte
			}
			batch, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
				var x row
				err := r.Scan(&x.id, &x.headers, &x.enc)
				return x, err
			})
			if err != nil {
				return err
			}
			n = len(batch)
			for _, x := range batch {
				if x.enc != nil {
					// Sealed already (written by this version); the plaintext
					// is a leftover.
					if _, err := tx.Exec(ctx, `UPDATE webhooks SET headers = '{}' WHERE id = $1`, x.id); err != nil {
						return err
					}
					continue
				}
				sealed, err := s.sealHeaders(x.headers)
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `UPDATE webhooks SET headers = '{}', headers_enc = $2, header_hints = $3 WHERE id = $1`,
					x.id, sealed.enc, sealed.hints); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("error sealing webhook headers: %w", err)
		}
		total += n
		if n < batchSize {
			return total, nil
		}
	}
}

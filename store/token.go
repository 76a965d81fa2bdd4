package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// Token values look like "hkd_<id>_<secret>": the id finds the row, the hash
// of the whole value proves it.
const tokenPrefix = "hkd_"

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return strings.ToLower(tokenEncoding.EncodeToString(b))
}

// HashToken returns the stored form of a token value.
func HashToken(value string) []byte {
	sum := sha256.Sum256([]byte(value))
	return sum[:]
}

// CreateTokenParams describe a new API token.
type CreateTokenParams struct {
	Name   string
	Scopes []string
	Tenant *string
}

// CreateToken stores a new token and returns it with its value, which is
// never retrievable again.
func (s *Store) CreateToken(ctx context.Context, db DBTX, p CreateTokenParams) (*domain.Token, string, error) {
	id := randomToken(10)
	value := tokenPrefix + id + "_" + randomToken(32)
	t := &domain.Token{ID: id, Kind: domain.TokenKindAPI, Name: p.Name, Scopes: p.Scopes, Tenant: p.Tenant}
	err := db.QueryRow(ctx, `INSERT INTO api_tokens (id, name, scopes, tenant, hash)
		VALUES ($1, $2, $3, $4, $5) RETURNING created_at`, id, p.Name, p.Scopes, p.Tenant, HashToken(value)).Scan(&t.CreatedAt)
	if err != nil {
		return nil, "", fmt.Errorf("error creating token: %w", translate(err))
	}
	return t, value, nil
}

// validTokenID reports whether id can be a token's id (lower-case base32),
// so a forged value never reaches the database: NUL or invalid UTF-8 would
// make Postgres fail instead of answering 401.
func validTokenID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// credentialID is the id part of a token or session value, prefix_id_secret.
func credentialID(value, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(value, prefix)
	if !ok {
		return "", false
	}
	id, _, ok := strings.Cut(rest, "_")
	return id, ok && validTokenID(id)
}

// lastUsedGranularity bounds how often authentication writes last_used_at.
const lastUsedGranularity = time.Minute

// AuthenticateToken finds the live token a value belongs to and checks its
// hash in constant time.
func (s *Store) AuthenticateToken(ctx context.Context, db DBTX, value string) (*domain.Token, error) {
	id, ok := credentialID(value, tokenPrefix)
	if !ok {
		return nil, domain.ErrInvalidToken
	}
	var (
		t    = domain.Token{Kind: domain.TokenKindAPI}
		hash []byte
	)
	err := db.QueryRow(ctx, `SELECT id, name, scopes, tenant, hash, created_at, last_used_at
		FROM api_tokens WHERE id = $1 AND revoked_at IS NULL`, id).
		Scan(&t.ID, &t.Name, &t.Scopes, &t.Tenant, &hash, &t.CreatedAt, &t.LastUsedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("error reading token: %w", translate(err))
	}
	if subtle.ConstantTimeCompare(hash, HashToken(value)) != 1 {
		return nil, domain.ErrInvalidToken
	}
	if t.LastUsedAt == nil || time.Since(*t.LastUsedAt) > lastUsedGranularity {
		if _, err := db.Exec(ctx, `UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, t.ID); err != nil {
			return nil, fmt.Errorf("error recording token use: %w", translate(err))
		}
	}
	return &t, nil
}

// ListTokens returns live tokens, newest first; a non-nil tenant restricts
// the list to tokens bound to it.
func (s *Store) ListTokens(ctx context.Context, db DBTX, tenant *string) ([]*domain.Token, error) {
	rows, err := db.Query(ctx, `SELECT id, name, scopes, tenant, created_at, last_used_at
		FROM api_tokens WHERE revoked_at IS NULL AND ($1::text IS NULL OR tenant = $1)
		ORDER BY created_at DESC, id`, tenant)
	if err != nil {
		return nil, fmt.Errorf("error listing tokens: %w", translate(err))
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*domain.Token, error) {
		t := domain.Token{Kind: domain.TokenKindAPI}
		err := r.Scan(&t.ID, &t.Name, &t.Scopes, &t.Tenant, &t.CreatedAt, &t.LastUsedAt)
		return &t, err
	})
	if err != nil {
		return nil, fmt.Errorf("error listing tokens: %w", translate(err))
	}
	return list, nil
}

// RevokeToken makes a token unusable at once.
func (s *Store) RevokeToken(ctx context.Context, db DBTX, id string, tenant *string) error {
	tag, err := db.Exec(ctx, `UPDATE api_tokens SET revoked_at = now()
		WHERE id = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR tenant = $2)`, id, tenant)
	if err != nil {
		return fmt.Errorf("error revoking token: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
		return domain.ErrTokenNotFound
	}
	return nil
}

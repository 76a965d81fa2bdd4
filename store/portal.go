package store

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// Portal session values look like "hkp_<id>_<secret>", told apart from API
// tokens ("hkd_…") by their prefix alone.
const portalPrefix = "hkp_"

// IsPortalSessionValue reports whether a bearer value is shaped like a
// portal session's rather than an API token's.
func IsPortalSessionValue(value string) bool { return strings.HasPrefix(value, portalPrefix) }

// IsCredentialValue reports whether a bearer value is shaped like a hookd
// credential: an API token or a portal session.
func IsCredentialValue(value string) bool {
	return strings.HasPrefix(value, tokenPrefix) || IsPortalSessionValue(value)
}

// portalPurgeAfter is how long expired or revoked sessions are kept, so a
// late request still gets "expired" rather than "unknown".
const portalPurgeAfter = 24 * time.Hour

// CreatePortalSessionParams describe a new portal session, validated.
type CreatePortalSessionParams struct {
	Tenant string
	Scopes []string
	TTL    time.Duration
}

// CreatePortalSession stores a new session and returns it with its value,
// which is never retrievable again. Sessions long past their end are purged
// on the way, so the table holds about a day of them.
func (s *Store) CreatePortalSession(ctx context.Context, db DBTX, p CreatePortalSessionParams) (*domain.PortalSession, string, error) {
	id := randomToken(10)
	value := portalPrefix + id + "_" + randomToken(32)
	ps := &domain.PortalSession{ID: id, Tenant: p.Tenant, Scopes: p.Scopes}
	err := InTx(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM portal_sessions WHERE expires_at < now() - make_interval(secs => $1)
			OR revoked_at < now() - make_interval(secs => $1)`, portalPurgeAfter.Seconds()); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO portal_sessions (id, tenant, scopes, hash, expires_at)
			VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING created_at, expires_at`,
			id, p.Tenant, p.Scopes, HashToken(value), p.TTL.Seconds()).Scan(&ps.CreatedAt, &ps.ExpiresAt)
	})
	if err != nil {
		return nil, "", fmt.Errorf("error creating portal session: %w", translate(err))
	}
	return ps, value, nil
}

// AuthenticatePortalSession finds the session a value belongs to, checks
// its hash in constant time, and returns it as the caller the API checks.
// A session past its end or revoked is refused with an error that says so.
func (s *Store) AuthenticatePortalSession(ctx context.Context, db DBTX, value string) (*domain.Token, error) {
	id, ok := credentialID(value, portalPrefix)
	if !ok {
		return nil, domain.ErrInvalidToken
	}
	var (
		tenant    string
		hash      []byte
		expiresAt time.Time
		revokedAt *time.Time
		expired   bool
		t         = domain.Token{ID: id, Kind: domain.TokenKindPortal, Name: "Portal session"}
	)
	err := db.QueryRow(ctx, `SELECT tenant, scopes, hash, created_at, last_used_at, expires_at, revoked_at, expires_at <= now()
		FROM portal_sessions WHERE id = $1`, id).
		Scan(&tenant, &t.Scopes, &hash, &t.CreatedAt, &t.LastUsedAt, &expiresAt, &revokedAt, &expired)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("error reading portal session: %w", translate(err))
	}
	if subtle.ConstantTimeCompare(hash, HashToken(value)) != 1 {
		return nil, domain.ErrInvalidToken
	}
	switch {
	case revokedAt != nil:
		return nil, domain.ErrPortalSessionRevoked
	case expired:
		return nil, domain.ErrPortalSessionExpired
	}
	if t.LastUsedAt == nil || time.Since(*t.LastUsedAt) > lastUsedGranularity {
		if _, err := db.Exec(ctx, `UPDATE portal_sessions SET last_used_at = now() WHERE id = $1`, id); err != nil {
			return nil, fmt.Errorf("error recording portal session use: %w", translate(err))
		}
	}
	t.Tenant, t.ExpiresAt = &tenant, &expiresAt
	return &t, nil
}

// RevokePortalSessions ends every live session of a tenant at once and
// returns how many there were.
func (s *Store) RevokePortalSessions(ctx context.Context, db DBTX, tenant string) (int, error) {
	tag, err := db.Exec(ctx, `UPDATE portal_sessions SET revoked_at = now()
		WHERE tenant = $1 AND revoked_at IS NULL AND expires_at > now()`, tenant)
	if err != nil {
		return 0, fmt.Errorf("error revoking portal sessions: %w", translate(err))
	}
	return int(tag.RowsAffected()), nil
}

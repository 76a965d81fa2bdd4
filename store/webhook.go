package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hookd/hookd/domain"
)

// webhookColumns are what every view of a webhook shows: header values only
// as hints (the plaintext `headers` column is read for rows not yet sealed,
// to derive theirs).
const webhookColumns = `id, tenant, kind, format, name, url, events, status, header_hints, headers, retry_count, secret_hint,
	authorization_hint, last_triggered_at, last_error, last_failure_at, consecutive_failures,
	disabled_reason, disabled_at, disabled_cancelled, failed_deliveries, failing_since, previous_secret_expires_at, created_at, updated_at, filter,
	retry_schedule, rate_limit`

func scanWebhook(row pgx.Row) (*domain.Webhook, error) { return scanWebhookWith(row) }

// scanWebhookWith scans webhookColumns followed by extra columns into extra.
// It leaves Headers nil: plaintext values are only for reveal and sending.
func scanWebhookWith(row pgx.Row, extra ...any) (*domain.Webhook, error) {
	var (
		w      domain.Webhook
		legacy map[string]string
	)
	dest := []any{&w.ID, &w.Tenant, &w.Kind, &w.Format, &w.Name, &w.URL, &w.Events, &w.Status, &w.HeaderHints, &legacy,
		&w.RetryCount, &w.SecretHint, &w.AuthorizationHint, &w.LastTriggeredAt, &w.LastError,
		&w.LastFailureAt, &w.ConsecutiveFailures, &w.DisabledReason, &w.DisabledAt, &w.DisabledCancelled,
		&w.FailedDeliveries, &w.FailingSince, &w.PreviousSecretExpiresAt, &w.CreatedAt, &w.UpdatedAt, &w.Filter, &w.RetrySchedule, &w.RateLimit}
	err := row.Scan(append(dest, extra...)...)
	if err != nil {
		return nil, err
	}
	if len(w.HeaderHints) == 0 {
		w.HeaderHints = domain.HeaderHints(legacy)
	}
	return &w, nil
}

// CreateWebhookParams are the fields of a new webhook, already validated.
type CreateWebhookParams struct {
	Tenant string
	Kind   string
	// Format is one of domain.Formats; "" is domain.FormatHookd.
	Format              string
	Name                string
	URL                 string
	Events              []string
	Status              string
	Headers             map[string]string
	RetryCount          int
	Secret              string
	AuthorizationHeader string
	// MaxPerTenant, when above zero, refuses the webhook if its tenant
	// already has that many.
	MaxPerTenant int
	// Filter is a validated payload filter; nil, null or {} for none.
	Filter json.RawMessage

	// RetrySchedule, when not nil, is the webhook's own schedule; its
	// length must be RetryCount.
	RetrySchedule []int
	// RateLimit is deliveries per second; nil: unlimited.
	RateLimit *int
}

// CreateWebhook inserts a webhook and returns it with its secret.
func (s *Store) CreateWebhook(ctx context.Context, db DBTX, p CreateWebhookParams) (*domain.Webhook, error) {
	var authEnc []byte
	var authHint *string
	if p.AuthorizationHeader != "" {
		authEnc = s.keys.Seal(p.AuthorizationHeader, sealAuthorization)
		h := domain.Hint(p.AuthorizationHeader)
		authHint = &h
	}
	if p.Headers == nil {
		p.Headers = map[string]string{}
	}
	if p.Format == "" {
		p.Format = domain.FormatHookd
	}
	headers, err := s.sealHeaders(p.Headers)
	if err != nil {
		return nil, err
	}
	var w *domain.Webhook
	err = InTx(ctx, db, func(tx pgx.Tx) error {
		if p.MaxPerTenant > 0 {
			// The advisory lock serialises creates per tenant so two at once
			// cannot both pass the count.
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('hookd.webhooks:' || $1, 0))`, p.Tenant); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM webhooks WHERE tenant = $1 AND deleted_at IS NULL`, p.Tenant).Scan(&n); err != nil {
				return err
			}
			if n >= p.MaxPerTenant {
				return domain.TooManyWebhooks(p.MaxPerTenant)
			}
		}
		var err error
		w, err = scanWebhook(tx.QueryRow(ctx, `
			INSERT INTO webhooks (tenant, kind, name, url, events, status, headers_enc, header_hints, retry_count,
				secret_enc, secret_hint, authorization_enc, authorization_hint, format, filter, retry_schedule, rate_limit)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16, $17)
			RETURNING `+webhookColumns,
			p.Tenant, p.Kind, p.Name, p.URL, p.Events, p.Status, headers.enc, headers.hints, p.RetryCount,
			s.keys.Seal(p.Secret, sealSecret), domain.Hint(p.Secret), authEnc, authHint, p.Format, filterParam(p.Filter),
			p.RetrySchedule, p.RateLimit))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("error creating webhook: %w", translate(err))
	}
	w.Secret = p.Secret
	w.AuthorizationHeader = p.AuthorizationHeader
	w.Headers = p.Headers
	return w, nil
}

// GetWebhook returns a live webhook. A non-nil tenant restricts the lookup to
// that tenant; a webhook of another tenant is reported as not found.
func (s *Store) GetWebhook(ctx context.Context, db DBTX, id int64, tenant *string) (*domain.Webhook, error) {
	w, err := scanWebhook(db.QueryRow(ctx, `SELECT `+webhookColumns+` FROM webhooks
		WHERE id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR tenant = $2)`, id, tenant))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrWebhookNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error reading webhook: %w", translate(err))
	}
	return w, nil
}

// Credentials are what a webhooks.write caller may reveal: the signing
// secret and the custom headers' values.
type Credentials struct {
	Secret  string
	Headers map[string]string
}

// RevealCredentials returns a webhook's current signing secret and custom
// headers in plaintext.
func (s *Store) RevealCredentials(ctx context.Context, db DBTX, id int64, tenant *string) (*Credentials, error) {
	var (
		secretEnc, headersEnc []byte
		legacy                map[string]string
	)
	err := db.QueryRow(ctx, `SELECT secret_enc, headers_enc, headers FROM webhooks
		WHERE id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR tenant = $2)`, id, tenant).Scan(&secretEnc, &headersEnc, &legacy)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrWebhookNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error reading webhook secret: %w", translate(err))
	}
	secret, err := s.keys.Open(secretEnc, sealSecret)
	if err != nil {
		return nil, fmt.Errorf("error opening webhook secret: %w", err)
	}
	headers, err := s.openHeaders(headersEnc, legacy)
	if err != nil {
		return nil, fmt.Errorf("error opening webhook headers: %w", err)
	}
	return &Credentials{Secret: secret, Headers: headers}, nil
}

// ListWebhooksParams filter and page a webhook list.
type ListWebhooksParams struct {
	Tenant  *string  // nil: every tenant
	Status  string   // "": any
	Matches []string // non-empty: webhooks whose patterns overlap these
	// Search, when set, keeps webhooks whose name or URL contains it,
	// ignoring case.
	Search string
	Limit  int
	Offset int
}

// ListWebhooks returns a page of live webhooks, newest first, and how many
// match in all.
func (s *Store) ListWebhooks(ctx context.Context, db DBTX, p ListWebhooksParams) ([]*domain.Webhook, int, error) {
	where := `deleted_at IS NULL
		AND ($1::text IS NULL OR tenant = $1)
		AND ($2 = '' OR status = $2)
		AND ($3::text[] IS NULL OR events && $3)
		AND ($4 = '' OR strpos(lower(name), lower($4)) > 0 OR strpos(lower(url), lower($4)) > 0)`
	var matches []string
	if len(p.Matches) > 0 {
		matches = p.Matches
	}
	args := []any{p.Tenant, p.Status, matches, p.Search}

	var total int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM webhooks WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("error counting webhooks: %w", translate(err))
	}
	rows, err := db.Query(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE `+where+`
		ORDER BY id DESC LIMIT $5 OFFSET $6`, append(args, p.Limit, p.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("error listing webhooks: %w", translate(err))
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*domain.Webhook, error) { return scanWebhook(r) })
	if err != nil {
		return nil, 0, fmt.Errorf("error listing webhooks: %w", translate(err))
	}
	return list, total, nil
}

// UpdateWebhookParams change the fields that are non-nil.
type UpdateWebhookParams struct {
	Name       *string
	URL        *string
	Events     []string // nil: unchanged
	Status     *string
	Headers    map[string]string // nil: unchanged
	RetryCount *int
	// AuthorizationHeader: nil unchanged, "" removes it.
	AuthorizationHeader *string
	// Format is one of domain.Formats. Switching to the standard format
	// needs a secret it can sign with (domain.ErrSecretNotStandard).
	Format *string
	// Filter: nil unchanged; null or {} removes it.
	Filter json.RawMessage

	// RetryCount alone takes the default schedule's first steps, unless it
	// is the length of the webhook's own schedule (a client echoing what it
	// read), which stays. RetrySchedule is set when SetRetrySchedule: the
	// webhook's own schedule (RetryCount becomes its length), or nil for the
	// default (RetryCount, or the old count within domain.MaxRetryCount).
	RetrySchedule    []int
	SetRetrySchedule bool
	// RateLimit is set when SetRateLimit; nil lifts the limit.
	RateLimit    *int
	SetRateLimit bool
}

// UpdateWebhook changes a live webhook and returns it. Setting status to
// active clears an automatic disable and its failure count.
func (s *Store) UpdateWebhook(ctx context.Context, db DBTX, id int64, tenant *string, p UpdateWebhookParams) (*domain.Webhook, error) {
	if p.Format != nil && *p.Format == domain.FormatStandard {
		// The secret is checked under the row's lock, so a rotation cannot
		// slip in between the check and the switch.
		var w *domain.Webhook
		err := InTx(ctx, db, func(tx pgx.Tx) error {
			if err := s.requireStandardSecret(ctx, tx, id, tenant); err != nil {
				return err
			}
			var err error
			w, err = s.updateWebhook(ctx, tx, id, tenant, p)
			return err
		})
		return w, err
	}
	return s.updateWebhook(ctx, db, id, tenant, p)
}

// requireStandardSecret locks a webhook's row and checks that its secret
// can sign the standard format.
func (s *Store) requireStandardSecret(ctx context.Context, tx pgx.Tx, id int64, tenant *string) error {
	var enc []byte
	err := tx.QueryRow(ctx, `SELECT secret_enc FROM webhooks
		WHERE id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR tenant = $2) FOR UPDATE`, id, tenant).Scan(&enc)
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.ErrWebhookNotFound
	}
	if err != nil {
		return fmt.Errorf("error reading webhook secret: %w", err)
	}
	secret, err := s.keys.Open(enc, sealSecret)
	if err != nil {
		return fmt.Errorf("error opening webhook secret: %w", err)
	}
	if _, ok := domain.StandardSecretKey(secret); !ok {
		return domain.ErrSecretNotStandard
	}
	return nil
}

func (s *Store) updateWebhook(ctx context.Context, db DBTX, id int64, tenant *string, p UpdateWebhookParams) (*domain.Webhook, error) {
	sets := []string{"updated_at = now()"}
	args := []any{id, tenant}
	add := func(expr string, v any) {
		args = append(args, v)
		sets = append(sets, fmt.Sprintf(expr, len(args)))
	}
	if p.Name != nil {
		add("name = $%d", *p.Name)
	}
	if p.URL != nil {
		add("url = $%d", *p.URL)
	}
	if p.Events != nil {
		add("events = $%d", p.Events)
	}
	if p.Headers != nil {
		sealed, err := s.sealHeaders(p.Headers)
		if err != nil {
			return nil, err
		}
		add("headers_enc = $%d", sealed.enc)
		add("header_hints = $%d", sealed.hints)
		sets = append(sets, "headers = '{}'")
	}
	switch {
	case p.SetRetrySchedule && p.RetrySchedule != nil:
		add("retry_schedule = $%d", p.RetrySchedule)
		add("retry_count = $%d", len(p.RetrySchedule))
	case p.SetRetrySchedule:
		sets = append(sets, "retry_schedule = NULL")
		if p.RetryCount != nil {
			add("retry_count = $%d", *p.RetryCount)
		} else {
			add("retry_count = least(retry_count, $%d)", domain.MaxRetryCount)
		}
	case p.RetryCount != nil:
		add("retry_count = $%d", *p.RetryCount)
		sets = append(sets, fmt.Sprintf("retry_schedule = CASE WHEN cardinality(retry_schedule) = $%d THEN retry_schedule END", len(args)))
	}
	if p.SetRateLimit {
		add("rate_limit = $%d", p.RateLimit)
	}
	if p.Format != nil {
		add("format = $%d", *p.Format)
	}
	if p.Filter != nil {
		add("filter = $%d::jsonb", filterParam(p.Filter))
	}
	if p.Status != nil {
		add("status = $%d", *p.Status)
		if *p.Status == domain.WebhookActive {
			sets = append(sets, "disabled_reason = NULL", "disabled_at = NULL", "disabled_cancelled = 0",
				"consecutive_failures = CASE WHEN status = 'inactive' THEN 0 ELSE consecutive_failures END")
		} else {
			// disabled_at marks the switch, which cancels what is queued.
			sets = append(sets, "disabled_at = CASE WHEN status = 'active' THEN now() ELSE disabled_at END")
		}
	}
	if p.AuthorizationHeader != nil {
		if *p.AuthorizationHeader == "" {
			sets = append(sets, "authorization_enc = NULL", "authorization_hint = NULL")
		} else {
			add("authorization_enc = $%d", s.keys.Seal(*p.AuthorizationHeader, sealAuthorization))
			add("authorization_hint = $%d", domain.Hint(*p.AuthorizationHeader))
		}
	}
	var w *domain.Webhook
	// Disabling locks the webhook, then its queued deliveries; recording an
	// attempt locks its delivery, then the webhook. Postgres breaks such a
	// deadlock by failing one side, which goes again (nothing of it stayed).
	err := retryDeadlock(func() error {
		return InTx(ctx, db, func(tx pgx.Tx) error {
			var err error
			w, err = scanWebhook(tx.QueryRow(ctx, `UPDATE webhooks SET `+strings.Join(sets, ", ")+`
			WHERE id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR tenant = $2)
			RETURNING `+webhookColumns, args...))
			if err != nil {
				return err
			}
			if (p.SetRateLimit && p.RateLimit == nil) || (p.Status != nil && *p.Status == domain.WebhookActive) {
				// A webhook enabled again starts afresh: the slots handed out
				// went to deliveries its disabling cancelled. A lifted limit
				// needs its row no more.
				if _, err := tx.Exec(ctx, `DELETE FROM webhook_rate_slots WHERE webhook_id = $1`, id); err != nil {
					return err
				}
			}
			if p.Status == nil || *p.Status != domain.WebhookInactive {
				return nil
			}
			if _, err := tx.Exec(ctx, cancelQueuedOnDisable, id); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT disabled_cancelled FROM webhooks WHERE id = $1`, id).Scan(&w.DisabledCancelled)
		})
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, domain.ErrWebhookNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("error updating webhook: %w", translate(err))
	}
	return w, nil
}

// DeleteWebhook removes a webhook from every view. The row stays so its
// delivery history does; its queued deliveries are cancelled.
func (s *Store) DeleteWebhook(ctx context.Context, db DBTX, id int64, tenant *string) error {
	// In the order disabling takes its locks: see UpdateWebhook.
	err := retryDeadlock(func() error {
		return InTx(ctx, db, func(tx pgx.Tx) error {
			tag, err := tx.Exec(ctx, `UPDATE webhooks SET deleted_at = now(), updated_at = now(), status = 'inactive'
			WHERE id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR tenant = $2)`, id, tenant)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return domain.ErrWebhookNotFound
			}
			_, err = tx.Exec(ctx, cancelQueuedOnDelete, id)
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("error deleting webhook: %w", translate(err))
	}
	return nil
}

// MaxSecretOverlap bounds how long a rotated-out secret keeps signing.
const MaxSecretOverlap = 30 * 24 * time.Hour

// RotateSecret makes secret the webhook's signing secret. The old one keeps
// signing alongside it until overlap has passed (0: it stops at once), so
// receivers can switch without dropping a request. A webhook in the
// standard format refuses a secret that format cannot sign with.
func (s *Store) RotateSecret(ctx context.Context, db DBTX, id int64, tenant *string, secret string, overlap time.Duration) (*domain.Webhook, error) {
	var w *domain.Webhook
	err := InTx(ctx, db, func(tx pgx.Tx) error {
		var (
			oldEnc []byte
			format string
		)
		err := tx.QueryRow(ctx, `SELECT secret_enc, format FROM webhooks
			WHERE id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR tenant = $2) FOR UPDATE`, id, tenant).Scan(&oldEnc, &format)
		if errors.Is(err, pgx.ErrNoRows) {
			return domain.ErrWebhookNotFound
		}
		if err != nil {
			return err
		}
		if err := domain.ValidateSecretForFormat(format, secret); err != nil {
			return err
		}
		var prevEnc []byte
		var prevExpires *time.Time
		if overlap > 0 {
			old, err := s.keys.Open(oldEnc, sealSecret)
			if err != nil {
				return fmt.Errorf("error opening webhook secret: %w", translate(err))
			}
			prevEnc = s.keys.Seal(old, sealPreviousSecret)
			t := time.Now().Add(overlap)
			prevExpires = &t
		}
		w, err = scanWebhook(tx.QueryRow(ctx, `UPDATE webhooks SET secret_enc = $2, secret_hint = $3,
				previous_secret_enc = $4, previous_secret_expires_at = $5, updated_at = now()
			WHERE id = $1 RETURNING `+webhookColumns,
			id, s.keys.Seal(secret, sealSecret), domain.Hint(secret), prevEnc, prevExpires))
		if err != nil {
			return err
		}
		w.Secret = secret
		w.PreviousSecretExpiresAt = prevExpires
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("error rotating secret: %w", translate(err))
	}
	return w, nil
}

// HourlyDeliveries is one hour of a webhook's deliveries, counted when
// they finished, and the response times of the hour's attempts.
type HourlyDeliveries struct {
	Hour time.Time
	// Succeeded and Failed count deliveries that ended that hour: with a
	// successful attempt (test events included, as in last_triggered_at),
	// or with the failed attempt after which hookd gave up.
	Succeeded int
	Failed    int
	// Attempts is every attempt of the hour; P50MS and P95MS their median
	// and 95th-percentile durations, nil without attempts.
	Attempts int
	P50MS    *float64
	P95MS    *float64
}

// WebhookHourlyDeliveries returns the last hours of a webhook, one entry
// per hour, oldest first, hours without any included, and their total (its
// Hour is the zero time). It counts attempts of deliveries created up to a
// day before the first hour, which covers the retry schedule; a redelivery
// of an older delivery is not in it.
func (s *Store) WebhookHourlyDeliveries(ctx context.Context, db DBTX, webhookID int64, hours int) ([]HourlyDeliveries, HourlyDeliveries, error) {
	rows, err := db.Query(ctx, `WITH span AS (
			SELECT date_trunc('hour', now()) - ($2::int - 1) * interval '1 hour' AS first),
		a AS (
			SELECT date_trunc('hour', a.started_at) AS hour, a.duration_ms, a.success,
				(NOT a.success AND d.status = 'failed' AND a.cycle = d.cycle AND a.number = d.attempts) AS gave_up
			FROM span, deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id
			WHERE d.webhook_id = $1 AND d.created_at >= span.first - interval '1 day' AND a.started_at >= span.first)
		SELECT h.hour, count(a.hour) FILTER (WHERE a.success), count(a.hour) FILTER (WHERE a.gave_up), count(a.hour),
			percentile_cont(0.5) WITHIN GROUP (ORDER BY a.duration_ms),
			percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_ms)
		FROM span, generate_series(span.first, date_trunc('hour', now()), interval '1 hour') AS h(hour)
		LEFT JOIN a ON a.hour = h.hour
		GROUP BY GROUPING SETS ((h.hour), ()) ORDER BY h.hour NULLS LAST`, webhookID, hours)
	if err != nil {
		return nil, HourlyDeliveries{}, fmt.Errorf("error counting deliveries: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (HourlyDeliveries, error) {
		var h HourlyDeliveries
		var hour *time.Time
		err := r.Scan(&hour, &h.Succeeded, &h.Failed, &h.Attempts, &h.P50MS, &h.P95MS)
		if hour != nil {
			h.Hour = *hour
		}
		return h, err
	})
	if err != nil || len(out) == 0 {
		return nil, HourlyDeliveries{}, fmt.Errorf("error counting deliveries: %w", translate(err))
	}
	return out[:len(out)-1], out[len(out)-1], nil
}

// WebhookFormat returns a webhook's format, deleted or not: a delivery's
// history outlives its webhook.
func (s *Store) WebhookFormat(ctx context.Context, db DBTX, id int64) (string, error) {
	var format string
	err := db.QueryRow(ctx, `SELECT format FROM webhooks WHERE id = $1`, id).Scan(&format)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", domain.ErrWebhookNotFound
	}
	if err != nil {
		return "", fmt.Errorf("error reading webhook format: %w", err)
	}
	return format, nil
}

// filterParam is a filter as the filter column takes it: NULL for none.
func filterParam(raw json.RawMessage) *string {
	if domain.FilterIsEmpty(raw) {
		return nil
	}
	s := string(raw)
	return &s
}

package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/storetest"
	"github.com/hookd/hookd/store"
)

type webhookBundle struct {
	ctx   context.Context
	store *store.Store
	tx    pgx.Tx
}

func setupWebhook(t *testing.T) *webhookBundle {
	t.Helper()
	return &webhookBundle{ctx: context.Background(), store: storetest.Store(t), tx: storetest.Tx(t)}
}

func newWebhookParams(tenant string) store.CreateWebhookParams {
	return store.CreateWebhookParams{
		Tenant: tenant, Kind: domain.KindWebhook, Name: "Slack", URL: "https://hooks.example.com/a",
		Events: []string{"comment.created", "feed.*"}, Status: domain.WebhookActive,
		Headers:    map[string]string{"X-Api-Key": "sk_live_0123456789abcdef", "Cookie": "session=s3cr3t-cookie-value"},
		RetryCount: 5, Secret: domain.NewSecret(),
	}
}

func TestCreateWebhook(t *testing.T) {
	t.Parallel()

	t.Run("StoresSecretSealed", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		p := newWebhookParams("acme")
		w, err := b.store.CreateWebhook(b.ctx, b.tx, p)
		require.NoError(t, err)
		require.Equal(t, p.Secret, w.Secret)
		require.Equal(t, domain.Hint(p.Secret), w.SecretHint)

		var raw []byte
		require.NoError(t, b.tx.QueryRow(b.ctx, `SELECT secret_enc FROM webhooks WHERE id = $1`, w.ID).Scan(&raw))
		require.NotContains(t, string(raw), p.Secret)

		revealed, err := b.store.RevealCredentials(b.ctx, b.tx, w.ID, nil)
		require.NoError(t, err)
		require.Equal(t, p.Secret, revealed.Secret)
		require.Equal(t, p.Headers, revealed.Headers)
	})

	t.Run("StoresHeadersSealed", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		p := newWebhookParams("acme")
		w, err := b.store.CreateWebhook(b.ctx, b.tx, p)
		require.NoError(t, err)
		require.Equal(t, p.Headers, w.Headers, "the creator gets back what it sent")
		want := map[string]string{"X-Api-Key": "••••cdef", "Cookie": "••••alue"}
		require.Equal(t, want, w.HeaderHints)

		// Every view but reveal and sending shows hints only.
		got, err := b.store.GetWebhook(b.ctx, b.tx, w.ID, nil)
		require.NoError(t, err)
		require.Nil(t, got.Headers)
		require.Equal(t, want, got.HeaderHints)
		list, _, err := b.store.ListWebhooks(b.ctx, b.tx, store.ListWebhooksParams{Limit: 10})
		require.NoError(t, err)
		require.Nil(t, list[0].Headers)
		sending, err := b.store.GetWebhookForSending(b.ctx, b.tx, w.ID, nil)
		require.NoError(t, err)
		require.Equal(t, p.Headers, sending.Headers)

		var row string
		require.NoError(t, b.tx.QueryRow(b.ctx, `SELECT row_to_json(w)::text || encode(headers_enc, 'escape') FROM webhooks w WHERE id = $1`,
			w.ID).Scan(&row))
		for _, v := range p.Headers {
			require.NotContains(t, row, v)
		}
		require.NotContains(t, row, "s3cr3t")

		// Replacing the headers reseals them; an empty set clears them.
		_, err = b.store.UpdateWebhook(b.ctx, b.tx, w.ID, nil, store.UpdateWebhookParams{Headers: map[string]string{"Authorization": "Bearer abcdefghijklmnop"}})
		require.NoError(t, err)
		revealed, err := b.store.RevealCredentials(b.ctx, b.tx, w.ID, nil)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"Authorization": "Bearer abcdefghijklmnop"}, revealed.Headers)
		updated, err := b.store.UpdateWebhook(b.ctx, b.tx, w.ID, nil, store.UpdateWebhookParams{Headers: map[string]string{}})
		require.NoError(t, err)
		require.Empty(t, updated.HeaderHints)
		revealed, err = b.store.RevealCredentials(b.ctx, b.tx, w.ID, nil)
		require.NoError(t, err)
		require.Empty(t, revealed.Headers)
	})

	// Rows written before headers were sealed keep working and are sealed
	// by SealPlaintextHeaders.
	t.Run("SealsPlaintextHeaders", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		p := newWebhookParams("legacy")
		p.Headers = nil
		w, err := b.store.CreateWebhook(b.ctx, b.tx, p)
		require.NoError(t, err)
		legacy := map[string]string{"X-Api-Key": "legacy-plaintext-key-123"}
		_, err = b.tx.Exec(b.ctx, `UPDATE webhooks SET headers = $2, headers_enc = NULL, header_hints = '{}' WHERE id = $1`, w.ID, legacy)
		require.NoError(t, err)

		got, err := b.store.GetWebhook(b.ctx, b.tx, w.ID, nil)
		require.NoError(t, err)
		require.Equal(t, map[string]string{"X-Api-Key": "••••-123"}, got.HeaderHints)
		sending, err := b.store.GetWebhookForSending(b.ctx, b.tx, w.ID, nil)
		require.NoError(t, err)
		require.Equal(t, legacy, sending.Headers)

		n, err := b.store.SealPlaintextHeaders(b.ctx, b.tx, 10)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		var plain map[string]string
		var enc []byte
		require.NoError(t, b.tx.QueryRow(b.ctx, `SELECT headers, headers_enc FROM webhooks WHERE id = $1`, w.ID).Scan(&plain, &enc))
		require.Empty(t, plain)
		require.NotContains(t, string(enc), "legacy-plaintext-key-123")
		revealed, err := b.store.RevealCredentials(b.ctx, b.tx, w.ID, nil)
		require.NoError(t, err)
		require.Equal(t, legacy, revealed.Headers)
		n, err = b.store.SealPlaintextHeaders(b.ctx, b.tx, 10)
		require.NoError(t, err)
		require.Zero(t, n, "a second run has nothing to do")
	})

	t.Run("TenantLimit", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		p := newWebhookParams("limited")
		p.MaxPerTenant = 2
		for range 2 {
			_, err := b.store.CreateWebhook(b.ctx, b.tx, p)
			require.NoError(t, err)
		}
		_, err := b.store.CreateWebhook(b.ctx, b.tx, p)
		require.Equal(t, domain.CodeLimitExceeded, domain.ErrorCode(err))
		require.ErrorContains(t, err, "limit of 2 webhooks")
	})
}

func TestWebhookTenantIsolation(t *testing.T) {
	t.Parallel()
	b := setupWebhook(t)
	w, err := b.store.CreateWebhook(b.ctx, b.tx, newWebhookParams("tenant-a"))
	require.NoError(t, err)
	other := "tenant-b"
	mine := "tenant-a"

	_, err = b.store.GetWebhook(b.ctx, b.tx, w.ID, &other)
	require.ErrorIs(t, err, domain.ErrWebhookNotFound)
	_, err = b.store.GetWebhook(b.ctx, b.tx, w.ID, &mine)
	require.NoError(t, err)

	name := "renamed"
	_, err = b.store.UpdateWebhook(b.ctx, b.tx, w.ID, &other, store.UpdateWebhookParams{Name: &name})
	require.ErrorIs(t, err, domain.ErrWebhookNotFound)
	require.ErrorIs(t, b.store.DeleteWebhook(b.ctx, b.tx, w.ID, &other), domain.ErrWebhookNotFound)

	list, total, err := b.store.ListWebhooks(b.ctx, b.tx, store.ListWebhooksParams{Tenant: &other, Limit: 10})
	require.NoError(t, err)
	require.Zero(t, total)
	require.Empty(t, list)
}

func TestListWebhooks(t *testing.T) {
	t.Parallel()
	b := setupWebhook(t)
	tenant := "list-tenant"
	p := newWebhookParams(tenant)
	p.Events = []string{"comment.*"}
	_, err := b.store.CreateWebhook(b.ctx, b.tx, p)
	require.NoError(t, err)
	p.Events = []string{"space.created"}
	p.Status = domain.WebhookInactive
	_, err = b.store.CreateWebhook(b.ctx, b.tx, p)
	require.NoError(t, err)

	_, total, err := b.store.ListWebhooks(b.ctx, b.tx, store.ListWebhooksParams{Tenant: &tenant, Limit: 10})
	require.NoError(t, err)
	require.Equal(t, 2, total)

	list, total, err := b.store.ListWebhooks(b.ctx, b.tx, store.ListWebhooksParams{
		Tenant: &tenant, Matches: domain.MatchPatterns("comment.created", "comment"), Limit: 10,
	})
	require.NoError(t, err)
	require.Equal(t, 1, total)
	require.Equal(t, []string{"comment.*"}, list[0].Events)

	_, total, err = b.store.ListWebhooks(b.ctx, b.tx, store.ListWebhooksParams{Tenant: &tenant, Status: domain.WebhookInactive, Limit: 10})
	require.NoError(t, err)
	require.Equal(t, 1, total)

	page, total, err := b.store.ListWebhooks(b.ctx, b.tx, store.ListWebhooksParams{Tenant: &tenant, Limit: 1, Offset: 1})
	require.NoError(t, err)
	require.Equal(t, 2, total)
	require.Len(t, page, 1)
}

func TestUpdateWebhook(t *testing.T) {
	t.Parallel()

	t.Run("PartialUpdateKeepsOtherFields", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		w, err := b.store.CreateWebhook(b.ctx, b.tx, newWebhookParams("upd"))
		require.NoError(t, err)
		retries := 2
		got, err := b.store.UpdateWebhook(b.ctx, b.tx, w.ID, nil, store.UpdateWebhookParams{RetryCount: &retries})
		require.NoError(t, err)
		require.Equal(t, 2, got.RetryCount)
		require.Equal(t, w.Name, got.Name)
		require.Equal(t, w.Events, got.Events)
		require.Equal(t, w.HeaderHints, got.HeaderHints)
	})

	t.Run("ReactivationClearsDisable", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		w, err := b.store.CreateWebhook(b.ctx, b.tx, newWebhookParams("reactivate"))
		require.NoError(t, err)
		_, err = b.tx.Exec(b.ctx, `UPDATE webhooks SET status = 'inactive', disabled_reason = 'too many failures',
			disabled_at = now(), consecutive_failures = 20 WHERE id = $1`, w.ID)
		require.NoError(t, err)
		active := domain.WebhookActive
		got, err := b.store.UpdateWebhook(b.ctx, b.tx, w.ID, nil, store.UpdateWebhookParams{Status: &active})
		require.NoError(t, err)
		require.Nil(t, got.DisabledReason)
		require.Nil(t, got.DisabledAt)
		require.Zero(t, got.ConsecutiveFailures)
	})

	t.Run("AuthorizationSetAndCleared", func(t *testing.T) {
		t.Parallel()
		b := setupWebhook(t)
		w, err := b.store.CreateWebhook(b.ctx, b.tx, newWebhookParams("auth"))
		require.NoError(t, err)
		require.Nil(t, w.AuthorizationHint)
		v := "Bearer abcdefghijklmnop"
		got, err := b.store.UpdateWebhook(b.ctx, b.tx, w.ID, nil, store.UpdateWebhookParams{AuthorizationHeader: &v})
		require.NoError(t, err)
		require.Equal(t, "••••mnop", *got.AuthorizationHint)
		empty := ""
		got, err = b.store.UpdateWebhook(b.ctx, b.tx, w.ID, nil, store.UpdateWebhookParams{AuthorizationHeader: &empty})
		require.NoError(t, err)
		require.Nil(t, got.AuthorizationHint)
	})
}

func TestDeleteWebhook(t *testing.T) {
	t.Parallel()
	b := setupWebhook(t)
	w, err := b.store.CreateWebhook(b.ctx, b.tx, newWebhookParams("del"))
	require.NoError(t, err)
	require.NoError(t, b.store.DeleteWebhook(b.ctx, b.tx, w.ID, nil))
	_, err = b.store.GetWebhook(b.ctx, b.tx, w.ID, nil)
	require.ErrorIs(t, err, domain.ErrWebhookNotFound)
	require.ErrorIs(t, b.store.DeleteWebhook(b.ctx, b.tx, w.ID, nil), domain.ErrWebhookNotFound)
}

func TestRestartDelivery(t *testing.T) {
	t.Parallel()
	b := setupWebhook(t)
	w, err := b.store.CreateWebhook(b.ctx, b.tx, newWebhookParams("restart"))
	require.NoError(t, err)
	ev := &domain.Event{ID: domain.NewEventID(), Tenant: "restart", Type: "comment.created", Body: []byte(`{}`), CreatedAt: time.Now()}
	_, err = b.store.InsertEvents(b.ctx, b.tx, []*domain.Event{ev})
	require.NoError(t, err)
	ds, err := b.store.InsertDeliveries(b.ctx, b.tx, []store.NewDelivery{{EventID: ev.ID, WebhookID: w.ID, Tenant: "restart", EventType: ev.Type}})
	require.NoError(t, err)

	_, err = b.store.RestartDelivery(b.ctx, b.tx, ds[0].ID, nil)
	require.ErrorIs(t, err, domain.ErrDeliveryPending, "a pending delivery has a cycle under way")

	require.NoError(t, b.store.CancelDelivery(b.ctx, b.tx, ds[0].ID, "test", false, nil))
	d, err := b.store.RestartDelivery(b.ctx, b.tx, ds[0].ID, nil)
	require.NoError(t, err)
	require.Equal(t, domain.DeliveryPending, d.Status)
	require.Equal(t, 2, d.Cycle)
	require.Zero(t, d.Attempts)

	other := "someone-else"
	_, err = b.store.RestartDelivery(b.ctx, b.tx, ds[0].ID, &other)
	require.ErrorIs(t, err, domain.ErrDeliveryNotFound)
}

// TestRecordAttemptsFoldsWebhookOutcomes: in one batch, failures before a
// success do not count as consecutive; failures after it do, and reaching
// the threshold disables the webhook.
func TestRecordAttemptsFoldsWebhookOutcomes(t *testing.T) {
	t.Parallel()
	b := setupWebhook(t)
	w, err := b.store.CreateWebhook(b.ctx, b.tx, newWebhookParams("fold"))
	require.NoError(t, err)
	ev := &domain.Event{ID: domain.NewEventID(), Tenant: "fold", Type: "comment.created", Body: []byte(`{}`), CreatedAt: time.Now()}
	_, err = b.store.InsertEvents(b.ctx, b.tx, []*domain.Event{ev})
	require.NoError(t, err)
	rows := make([]store.NewDelivery, 4)
	for i := range rows {
		rows[i] = store.NewDelivery{EventID: ev.ID, WebhookID: w.ID, Tenant: "fold", EventType: ev.Type}
	}
	ds, err := b.store.InsertDeliveries(b.ctx, b.tx, rows)
	require.NoError(t, err)
	result := func(d *domain.Delivery, ok bool) store.AttemptResult {
		r := store.AttemptResult{Attempt: domain.Attempt{DeliveryID: d.ID, WebhookID: w.ID, Cycle: 1, Number: 1,
			StartedAt: time.Now(), RequestHeaders: map[string]string{}, Success: ok}, DisableAfter: 2}
		if ok {
			r.Status = domain.DeliverySucceeded
		} else {
			r.Status, r.Cause = domain.DeliveryFailed, "HTTP 500"
		}
		return r
	}
	require.NoError(t, b.store.RecordAttempts(b.ctx, b.tx, []store.AttemptResult{
		result(ds[0], false), result(ds[1], true), result(ds[2], false),
	}, nil, nil))
	got, err := b.store.GetWebhook(b.ctx, b.tx, w.ID, nil)
	require.NoError(t, err)
	require.Equal(t, 1, got.ConsecutiveFailures, "only the failure after the success counts")
	require.Equal(t, domain.WebhookActive, got.Status)

	require.NoError(t, b.store.RecordAttempts(b.ctx, b.tx, []store.AttemptResult{result(ds[3], false)}, nil, nil))
	got, err = b.store.GetWebhook(b.ctx, b.tx, w.ID, nil)
	require.NoError(t, err)
	require.Equal(t, 2, got.ConsecutiveFailures)
	require.Equal(t, domain.WebhookInactive, got.Status)
	var n int
	require.NoError(t, b.tx.QueryRow(b.ctx, `SELECT count(*) FROM delivery_attempts`).Scan(&n))
	require.Equal(t, 4, n)
}

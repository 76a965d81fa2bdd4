package hookd_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd"
	"github.com/hookd/hookd/domain"
)

func TestCreateWebhookRetrySchedule(t *testing.T) {
	ctx := context.Background()
	client := testClient(t)
	base := hookd.Webhook{Tenant: "facade-policy", Name: "a", URL: "https://example.com/a", Events: []string{"*"}}

	w, err := client.CreateWebhook(ctx, base)
	require.NoError(t, err)
	require.Nil(t, w.RetrySchedule, "the default schedule")
	require.Equal(t, domain.DefaultRetryCount, w.RetryCount)

	own := base
	own.RetrySchedule = domain.LongOutageSchedule
	w, err = client.CreateWebhook(ctx, own)
	require.NoError(t, err)
	require.Equal(t, domain.LongOutageSchedule, w.RetrySchedule)
	require.Equal(t, len(domain.LongOutageSchedule), w.RetryCount, "the count is the schedule's length")

	bad := base
	three := 3
	bad.RetrySchedule, bad.RetryCount = []int{1, 2}, &three
	_, err = client.CreateWebhook(ctx, bad)
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Contains(t, de.Params, "retry_count")

	bad = base
	bad.RetrySchedule = []int{0}
	_, err = client.CreateWebhook(ctx, bad)
	require.ErrorAs(t, err, &de)
	require.Contains(t, de.Params, "retry_schedule")
}

func TestCreateWebhookRateLimit(t *testing.T) {
	ctx := context.Background()
	client := testClient(t)
	five := 5
	w, err := client.CreateWebhook(ctx, hookd.Webhook{Tenant: "facade-rate", Name: "a", URL: "https://example.com/a", Events: []string{"*"},
		RateLimit: &five})
	require.NoError(t, err)
	require.Equal(t, &five, w.RateLimit)

	zero := 0
	_, err = client.CreateWebhook(ctx, hookd.Webhook{Tenant: "facade-rate", Name: "b", URL: "https://example.com/b", Events: []string{"*"},
		RateLimit: &zero})
	var de *domain.Error
	require.ErrorAs(t, err, &de)
	require.Contains(t, de.Params, "rate_limit")
}

package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/storetest"
	"github.com/hookd/hookd/store"
)

func TestCatalogShipsSeedEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, tx := storetest.Store(t), storetest.Tx(t)
	types, err := s.ListEventTypes(ctx, tx, nil)
	require.NoError(t, err)
	byName := map[string]domain.EventType{}
	for _, et := range types {
		byName[et.Name] = et
		require.NotEmpty(t, et.Description, et.Name)
		require.NotEmpty(t, et.Group, et.Name)
	}

	f, err := os.Open("../migrations/testdata/seed_event_names.txt")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		name := sc.Text()
		_, ok := byName[name]
		require.True(t, ok, "seed event %q missing from the catalog", name)
		n++
	}
	require.Greater(t, n, 100)
	require.Equal(t, "comment", byName["comment.created"].Group)
	require.Equal(t, "content", byName["content_published"].Group)
	require.Contains(t, byName, domain.TestEventType)

	// hookd's operational events are built in, in groups a webhook can
	// subscribe to with webhook.* and delivery.*.
	for name, group := range map[string]string{
		domain.EventWebhookFailing: "webhook", domain.EventWebhookDisabled: "webhook",
		domain.EventWebhookRecovered: "webhook", domain.EventDeliveryExhausted: "delivery",
	} {
		require.Contains(t, byName, name)
		require.Equal(t, group, byName[name].Group, name)
		require.Equal(t, "hookd", byName[name].Source, name)
		require.Nil(t, byName[name].Tenant, name)
		require.True(t, domain.IsOperationalEvent(name))
	}
}

func TestCreateEventType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, tx := storetest.Store(t), storetest.Tx(t)
	invoice := domain.EventType{Name: "invoice.paid", Description: "An invoice was paid.", Group: "invoice"}
	et, err := s.CreateEventType(ctx, tx, "acme", invoice, 0)
	require.NoError(t, err)
	require.Equal(t, "custom", et.Source)
	require.Equal(t, "acme", *et.Tenant)
	_, err = s.CreateEventType(ctx, tx, "acme", domain.EventType{Name: "invoice.paid", Description: "again", Group: "invoice"}, 0)
	require.ErrorIs(t, err, domain.ErrEventTypeExists)
	_, err = s.CreateEventType(ctx, tx, "acme", domain.EventType{Name: "comment.created", Description: "dup of seed", Group: "comment"}, 0)
	require.ErrorIs(t, err, domain.ErrEventTypeExists)

	// Another tenant has a catalog of its own: the name is free there, and
	// acme's type is not in it.
	_, err = s.GetEventType(ctx, tx, strPtr("globex"), "invoice.paid")
	require.ErrorIs(t, err, domain.ErrEventTypeNotFound)
	_, err = s.CreateEventType(ctx, tx, "globex", invoice, 0)
	require.NoError(t, err)
	got, err := s.GetEventType(ctx, tx, strPtr("acme"), "invoice.paid")
	require.NoError(t, err)
	require.Equal(t, "acme", *got.Tenant)
	builtin, err := s.GetEventType(ctx, tx, strPtr("acme"), "comment.created")
	require.NoError(t, err)
	require.Nil(t, builtin.Tenant)
	acme, err := s.Catalog(ctx, tx, "acme")
	require.NoError(t, err)
	require.True(t, acme.Has("invoice.paid"))
	require.True(t, acme.Has("comment.created"))
	initech, err := s.Catalog(ctx, tx, "initech")
	require.NoError(t, err)
	require.False(t, initech.Has("invoice.paid"))
}

func TestEventTypeCapPerTenant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, tx := storetest.Store(t), storetest.Tx(t)
	for i := range 3 {
		_, err := s.CreateEventType(ctx, tx, "small", domain.EventType{Name: fmt.Sprintf("thing.n%d", i), Description: "d", Group: "thing"}, 3)
		require.NoError(t, err)
	}
	_, err := s.CreateEventType(ctx, tx, "small", domain.EventType{Name: "thing.n3", Description: "d", Group: "thing"}, 3)
	require.ErrorIs(t, err, domain.ErrTooManyEventTypes)
	// The cap is each tenant's.
	_, err = s.CreateEventType(ctx, tx, "other", domain.EventType{Name: "thing.n3", Description: "d", Group: "thing"}, 3)
	require.NoError(t, err)
	// Deleting one makes room.
	require.NoError(t, s.DeleteEventType(ctx, tx, "small", "thing.n0"))
	_, err = s.CreateEventType(ctx, tx, "small", domain.EventType{Name: "thing.n3", Description: "d", Group: "thing"}, 3)
	require.NoError(t, err)
}

func TestDeleteEventType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, tx := storetest.Store(t), storetest.Tx(t)
	for _, name := range []string{"invoice.paid", "invoice.sent", "refund.issued", "payout.made"} {
		_, err := s.CreateEventType(ctx, tx, "acme", domain.EventType{Name: name, Description: "d", Group: domain.DefaultGroup(name)}, 0)
		require.NoError(t, err)
	}
	hook := func(tenant string, events ...string) int64 {
		w, err := s.CreateWebhook(ctx, tx, store.CreateWebhookParams{Tenant: tenant, Kind: domain.KindWebhook, Name: "w",
			URL: "https://example.com", Events: events, Status: domain.WebhookActive, Secret: domain.NewSecret()})
		require.NoError(t, err)
		return w.ID
	}
	byName := hook("acme", "invoice.paid")
	byInvoiceGroup := hook("acme", "invoice.*") // invoice.sent keeps the group valid, until deleted
	byGroup := hook("acme", "refund.*")         // refund.issued is the group's only type
	hook("acme", "*")
	hook("globex", "payout.made") // another tenant's webhook does not count

	tests := []struct {
		name string
		want error
	}{
		{"comment.created", domain.ErrEventTypeBuiltIn},
		{"nope.nope", domain.ErrEventTypeNotFound},
		{"invoice.sent", nil},
		{"payout.made", nil},
	}
	for _, tt := range tests {
		err := s.DeleteEventType(ctx, tx, "acme", tt.name)
		if tt.want == nil {
			require.NoError(t, err, tt.name)
			_, err := s.GetEventType(ctx, tx, strPtr("acme"), tt.name)
			require.ErrorIs(t, err, domain.ErrEventTypeNotFound, tt.name)
			continue
		}
		require.ErrorIs(t, err, tt.want, tt.name)
	}
	for name, user := range map[string]int64{"invoice.paid": byName, "refund.issued": byGroup} {
		err := s.DeleteEventType(ctx, tx, "acme", name)
		require.Equal(t, domain.CodeConflict, domain.ErrorCode(err), name)
		require.ErrorContains(t, err, fmt.Sprint(user), name)
	}
	// With invoice.sent gone, invoice.* relies on invoice.paid alone; once
	// both webhooks let go, the type can go.
	require.NoError(t, s.DeleteWebhook(ctx, tx, byName, nil))
	require.ErrorContains(t, s.DeleteEventType(ctx, tx, "acme", "invoice.paid"), fmt.Sprintf("(%d)", byInvoiceGroup))
	require.NoError(t, s.DeleteWebhook(ctx, tx, byInvoiceGroup, nil))
	require.NoError(t, s.DeleteEventType(ctx, tx, "acme", "invoice.paid"))
	// Another tenant cannot delete acme's types.
	require.ErrorIs(t, s.DeleteEventType(ctx, tx, "globex", "refund.issued"), domain.ErrEventTypeNotFound)
}

func strPtr(s string) *string { return &s }

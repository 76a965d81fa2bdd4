package store_test

import (
	"bufio"
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/internal/storetest"
)

func TestCatalogShipsSeedEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, tx := storetest.Store(t), storetest.Tx(t)
	types, err := s.ListEventTypes(ctx, tx)
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
}

func TestCreateEventType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, tx := storetest.Store(t), storetest.Tx(t)
	et, err := s.CreateEventType(ctx, tx, domain.EventType{Name: "invoice.paid", Description: "An invoice was paid.", Group: "invoice"})
	require.NoError(t, err)
	require.Equal(t, "custom", et.Source)
	_, err = s.CreateEventType(ctx, tx, domain.EventType{Name: "invoice.paid", Description: "again", Group: "invoice"})
	require.ErrorIs(t, err, domain.ErrEventTypeExists)
	_, err = s.CreateEventType(ctx, tx, domain.EventType{Name: "comment.created", Description: "dup of seed", Group: "comment"})
	require.ErrorIs(t, err, domain.ErrEventTypeExists)
}

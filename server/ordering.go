package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

type blockedKeyJSON struct {
	Key     string       `json:"key"`
	Head    deliveryJSON `json:"head"`
	Since   string       `json:"since"`
	Waiting int          `json:"waiting"`
}

type blockedKeysJSON struct {
	Keys []blockedKeyJSON `json:"keys"`
}

// maxBlockedKeys bounds one answer; the longest blocked come first.
const maxBlockedKeys = 100

// blockedKeys lists the webhook's ordering keys held back by a failing
// delivery: the head each waits for, since when, and how many wait.
func (s *Server) blockedKeys(c *gin.Context) error {
	w, err := s.webhookFromPath(c)
	if err != nil {
		return err
	}
	list, err := s.store.BlockedKeys(c.Request.Context(), s.pool, w.ID, maxBlockedKeys)
	if err != nil {
		return err
	}
	out := blockedKeysJSON{Keys: make([]blockedKeyJSON, len(list))}
	for i, k := range list {
		out.Keys[i] = blockedKeyJSON{Key: k.Key, Head: renderDelivery(k.Head), Since: formatTime(k.Since), Waiting: k.Waiting}
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// skipDelivery ends a pending delivery as failed without sending it; for an
// ordered delivery that releases the next of its key.
func (s *Server) skipDelivery(c *gin.Context) error {
	id, tenant, err := deliveryScope(c)
	if err != nil {
		return err
	}
	d, err := s.dispatch.Skip(c.Request.Context(), id, tenant)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, deliveryMessageJSON{deliveryJSON: renderDelivery(d), Message: "Delivery skipped."})
	return nil
}

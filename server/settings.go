package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
)

// settingsJSON is what a client (the dashboard) needs to know of this
// server's configuration to check a form before sending it and to show
// receivers the right header name.
type settingsJSON struct {
	SignatureHeader      string `json:"signature_header"`
	AllowHTTP            bool   `json:"allow_http"`
	MaxWebhooksPerTenant *int   `json:"max_webhooks_per_tenant"`
	MaxRetryCount        int    `json:"max_retry_count"`
	// MaxRetrySchedule is how many waits a webhook's own schedule may
	// list; LongOutageSchedule is the README's preset for long outages.
	MaxRetrySchedule   int   `json:"max_retry_schedule"`
	LongOutageSchedule []int `json:"long_outage_schedule"`
}

// settings answers GET /v2/settings for any token.
func (s *Server) settings(c *gin.Context) error {
	out := settingsJSON{SignatureHeader: s.cfg.SignatureHeader, AllowHTTP: s.cfg.URLPolicy.AllowHTTP, MaxRetryCount: domain.MaxRetryCount,
		MaxRetrySchedule: domain.MaxRetrySchedule, LongOutageSchedule: domain.LongOutageSchedule}
	if n := s.cfg.webhookCap(); n > 0 {
		out.MaxWebhooksPerTenant = &n
	}
	c.JSON(http.StatusOK, out)
	return nil
}

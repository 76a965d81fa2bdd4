package server

import (
	"math"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/store"
)

// hourJSON is one hour of a webhook's chart.
type hourJSON struct {
	Hour      string `json:"hour"`
	Succeeded int    `json:"succeeded"`
	Failed    int    `json:"failed"`
	Attempts  int    `json:"attempts"`
	P50MS     *int   `json:"p50_ms"`
	P95MS     *int   `json:"p95_ms"`
}

type statsJSON struct {
	Hours     []hourJSON `json:"hours"`
	Succeeded int        `json:"succeeded"`
	Failed    int        `json:"failed"`
	Attempts  int        `json:"attempts"`
	P50MS     *int       `json:"p50_ms"`
	P95MS     *int       `json:"p95_ms"`
}

// webhookStats is the last 24 hours of a webhook per hour, for the
// dashboard's charts: deliveries by the hour they finished (so the latest
// success is where last_triggered_at says) and the attempts' response times.
func (s *Server) webhookStats(c *gin.Context) error {
	w, err := s.webhookFromPath(c)
	if err != nil {
		return err
	}
	hours, total, err := s.store.WebhookHourlyDeliveries(c.Request.Context(), s.pool, w.ID, 24)
	if err != nil {
		return err
	}
	out := statsJSON{Hours: make([]hourJSON, len(hours)), Succeeded: total.Succeeded, Failed: total.Failed,
		Attempts: total.Attempts, P50MS: roundMS(total.P50MS), P95MS: roundMS(total.P95MS)}
	for i, h := range hours {
		out.Hours[i] = renderHour(h)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func renderHour(h store.HourlyDeliveries) hourJSON {
	return hourJSON{Hour: formatTime(h.Hour), Succeeded: h.Succeeded, Failed: h.Failed, Attempts: h.Attempts,
		P50MS: roundMS(h.P50MS), P95MS: roundMS(h.P95MS)}
}

func roundMS(v *float64) *int {
	if v == nil {
		return nil
	}
	n := int(math.Round(*v))
	return &n
}

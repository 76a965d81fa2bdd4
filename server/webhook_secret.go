package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/store"
)

// defaultSecretOverlap keeps a rotated-out secret signing for a day.
const defaultSecretOverlap = 24 * time.Hour

type rotatedJSON struct {
	Secret                  string  `json:"secret"`
	PreviousSecretExpiresAt *string `json:"previous_secret_expires_at"`
	Message                 string  `json:"message"`
}

// rotateSecret replaces a webhook's signing secret; until the old one
// expires, every request carries a signature for each.
func (s *Server) rotateSecret(c *gin.Context) error {
	id, tenant, err := webhookScope(c)
	if err != nil {
		return err
	}
	obj := object{}
	if c.Request.ContentLength != 0 {
		if obj, err = decodeObject(c, maxAdminBody); err != nil {
			return err
		}
	}
	if err := obj.allow([]string{"secret", "expires_in"}); err != nil {
		return err
	}
	var (
		v         domain.Validation
		secret    string
		expiresIn int64
	)
	if readField(obj, &v, "secret", &secret, false) {
		v.Add(domain.ValidateSecret(secret))
	}
	overlap := defaultSecretOverlap
	if readField(obj, &v, "expires_in", &expiresIn, false) {
		// Bounded in seconds before any arithmetic: 9223372037 s in a
		// time.Duration wraps to a negative overlap.
		maxSeconds := int64(store.MaxSecretOverlap / time.Second)
		if expiresIn < 0 || expiresIn > maxSeconds {
			v.Add(domain.InvalidParam("expires_in", "expires_in must be between 0 and %d seconds.", maxSeconds))
		} else {
			overlap = time.Duration(expiresIn) * time.Second
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if secret == "" {
		secret = domain.NewSecret()
	}
	w, err := s.store.RotateSecret(c.Request.Context(), s.pool, id, tenant, secret, overlap)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, rotatedJSON{Secret: w.Secret, PreviousSecretExpiresAt: formatTimePtr(w.PreviousSecretExpiresAt),
		Message: "Secret rotated."})
	return nil
}

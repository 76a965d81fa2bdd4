package server

import (
	"context"

	"github.com/hookd/hookd/domain"
)

// webhookInput holds the fields a create or update request carried; nil
// means absent.
type webhookInput = domain.WebhookFields

// readOnlyWebhookFields appear in responses; a client echoing them back in a
// request is told they cannot be changed rather than that they are unknown.
var readOnlyWebhookFields = []string{
	"id", "secret_hint", "last_triggered_at", "last_error", "last_failure_at", "consecutive_failures",
	"disabled_reason", "disabled_at", "concurrency", "disabled_cancelled", "previous_secret_expires_at", "created_at", "updated_at",
	"message",
}

// readField decodes one field into dst and records its error; it reports
// whether the field is present and well-typed.
func readField(o object, v *domain.Validation, name string, dst any, required bool) bool {
	var (
		present bool
		err     error
	)
	if required {
		err = o.require(name, dst)
		present = err == nil
	} else {
		present, err = o.field(name, dst, false)
	}
	v.Add(err)
	return present && err == nil
}

// check validates the fields present in in, through the one webhook
// validation every API shares. The catalog is loaded only when events are
// given.
func (s *Server) check(ctx context.Context, in *webhookInput, v *domain.Validation) error {
	rules := domain.WebhookRules{URLs: s.cfg.URLPolicy, SignatureHeader: s.cfg.SignatureHeader}
	if in.Events != nil {
		catalog, err := s.store.Catalog(ctx, s.pool)
		if err != nil {
			return err
		}
		rules.Catalog = catalog
	}
	in.Validate(rules, v)
	return nil
}

// deref returns *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

package server

import (
	"context"

	"github.com/hookd/hookd/domain"
)

// webhookInput holds the fields a create or update request carried; nil
// means absent.
type webhookInput struct {
	Name                *string
	URL                 *string
	Events              []string
	Status              *string
	Secret              *string
	Headers             map[string]string
	RetryCount          *int
	Tenant              string
	AuthorizationHeader *string
}

// readOnlyWebhookFields appear in responses; a client echoing them back in a
// request is told they cannot be changed rather than that they are unknown.
var readOnlyWebhookFields = []string{
	"id", "secret_hint", "last_triggered_at", "last_error", "last_failure_at", "consecutive_failures",
	"disabled_reason", "disabled_at", "created_at", "updated_at", "message",
}

// readField decodes one field into dst and records its error; it reports
// whether the field is present and well-typed.
func readField(o object, v *validation, name string, dst any, required bool) bool {
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
	v.add(err)
	return present && err == nil
}

// check validates the fields present in in. Events are checked against the
// catalog, loaded only when events are given.
func (s *Server) check(ctx context.Context, in *webhookInput, v *validation) error {
	if in.URL != nil {
		v.add(s.cfg.URLPolicy.ValidateURL(*in.URL))
	}
	if in.Name != nil {
		v.add(domain.ValidateName(*in.Name))
	}
	if in.Events != nil {
		catalog, err := s.store.Catalog(ctx, s.pool)
		if err != nil {
			return err
		}
		v.add(catalog.ValidatePatterns(in.Events))
	}
	if in.Status != nil {
		v.add(domain.ValidateStatus(*in.Status))
	}
	if in.Secret != nil {
		v.add(domain.ValidateSecret(*in.Secret))
	}
	if in.Headers != nil {
		v.add(domain.ValidateHeaders(in.Headers, s.cfg.SignatureHeader))
	}
	if in.RetryCount != nil {
		v.add(domain.ValidateRetryCount(*in.RetryCount))
	}
	if in.AuthorizationHeader != nil {
		v.add(domain.ValidateAuthorizationHeader(*in.AuthorizationHeader))
	}
	if in.Tenant != "" {
		v.add(domain.ValidateTenant(in.Tenant))
	}
	return nil
}

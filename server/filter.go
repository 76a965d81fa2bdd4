package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
)

type filterTestJSON struct {
	Matches    bool `json:"matches"`
	Subscribed bool `json:"subscribed"`
}

// filterTest answers whether an event {type, data} of the webhook's tenant
// passes its filter — the one saved, or the "filter" given, so an editor can
// try a filter before saving it — and whether its event patterns select the
// type at all.
func (s *Server) filterTest(c *gin.Context) error {
	w, err := s.webhookFromPath(c)
	if err != nil {
		return err
	}
	obj, err := decodeObject(c, maxAdminBody)
	if err != nil {
		return err
	}
	if err := obj.allow([]string{"type", "data", "filter"}); err != nil {
		return err
	}
	var (
		v         domain.Validation
		eventType string
	)
	readField(obj, &v, "type", &eventType, true)
	data := obj["data"]
	if trimmed := bytes.TrimSpace(data); data != nil && (len(trimmed) == 0 || trimmed[0] != '{') {
		v.Add(domain.InvalidParam("data", "data must be a JSON object."))
	} else if data != nil {
		var decoded any
		_ = json.Unmarshal(data, &decoded)
		v.Add(checkFieldText("data", data, &decoded))
	}
	raw := w.Filter
	if given := readFilter(obj, &v); given != nil {
		raw = given
	}
	var filter *domain.Filter
	if !domain.FilterIsEmpty(raw) {
		filter, err = domain.ParseFilter(raw)
		v.Add(err)
	}
	if err := v.Err(); err != nil {
		return err
	}
	doc, err := domain.NewFilterDocument(eventType, w.Tenant, data)
	if err != nil {
		return domain.InvalidParam("data", "data must be a JSON object.")
	}
	group := ""
	et, err := s.store.GetEventType(c.Request.Context(), s.pool, &w.Tenant, eventType)
	switch {
	case err == nil:
		group = et.Group
	case !errors.Is(err, domain.ErrEventTypeNotFound):
		return err
	}
	c.JSON(http.StatusOK, filterTestJSON{Matches: filter.Match(doc), Subscribed: domain.Matches(w.Events, eventType, group)})
	return nil
}

package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
)

type eventTypeListJSON struct {
	EventTypes []eventTypeJSON `json:"event_types"`
	Total      int             `json:"total"`
}

// listEventTypes returns the whole catalog (it is small), optionally only
// one group.
func (s *Server) listEventTypes(c *gin.Context) error {
	types, err := s.store.ListEventTypes(c.Request.Context(), s.pool)
	if err != nil {
		return err
	}
	group := c.Query("group")
	out := eventTypeListJSON{EventTypes: make([]eventTypeJSON, 0, len(types))}
	for _, t := range types {
		if group == "" || t.Group == group {
			out.EventTypes = append(out.EventTypes, renderEventType(t))
		}
	}
	out.Total = len(out.EventTypes)
	c.JSON(http.StatusOK, out)
	return nil
}

type eventTypeCreatedJSON struct {
	eventTypeJSON
	Message string `json:"message"`
}

func (s *Server) createEventType(c *gin.Context) error {
	obj, err := decodeObject(c, maxAdminBody)
	if err != nil {
		return err
	}
	if err := obj.allow([]string{"name", "description", "group"}, "source"); err != nil {
		return err
	}
	var (
		v                        domain.Validation
		name, description, group string
	)
	if readField(obj, &v, "name", &name, true) {
		v.Add(domain.ValidateEventTypeName(name))
	}
	if readField(obj, &v, "description", &description, true) {
		if strings.TrimSpace(description) == "" || len(description) > 500 {
			v.Add(domain.InvalidParam("description", "description must be 1-500 characters."))
		}
	}
	if readField(obj, &v, "group", &group, false) {
		if !groupPattern(group) {
			v.Add(domain.InvalidParam("group", "group must be 1-100 lower-case letters, digits, '_' or '-'."))
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if group == "" {
		group = domain.DefaultGroup(name)
	}
	t, err := s.store.CreateEventType(c.Request.Context(), s.pool, domain.EventType{Name: name, Description: description, Group: group})
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, eventTypeCreatedJSON{eventTypeJSON: renderEventType(*t), Message: "Event type created successfully."})
	return nil
}

func groupPattern(g string) bool {
	if g == "" || len(g) > 100 {
		return false
	}
	for _, r := range g {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

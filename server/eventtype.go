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

// listEventTypes returns the catalog (it is small), optionally only one
// group: the built-in types and the caller's tenant's own; an unbound token
// sees every tenant's, or those of the tenant it names.
func (s *Server) listEventTypes(c *gin.Context) error {
	tenant, err := tenantFilter(principal(c), c.Query("tenant"))
	if err != nil {
		return err
	}
	types, err := s.store.ListEventTypes(c.Request.Context(), s.pool, tenant)
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
	if err := obj.allow([]string{"name", "description", "group", "tenant"}, "source"); err != nil {
		return err
	}
	var (
		v                                domain.Validation
		name, description, group, tenant string
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
	readField(obj, &v, "tenant", &tenant, false)
	if err := v.Err(); err != nil {
		return err
	}
	owner, err := tenantForCreate(principal(c), tenant)
	if err != nil {
		return err
	}
	if group == "" {
		group = domain.DefaultGroup(name)
	}
	t, err := s.store.CreateEventType(c.Request.Context(), s.pool, owner,
		domain.EventType{Name: name, Description: description, Group: group}, s.cfg.eventTypeCap())
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, eventTypeCreatedJSON{eventTypeJSON: renderEventType(*t), Message: "Event type created successfully."})
	return nil
}

// deleteEventType removes one of the tenant's custom event types that no
// webhook needs any longer.
func (s *Server) deleteEventType(c *gin.Context) error {
	owner, err := tenantForCreate(principal(c), c.Query("tenant"))
	if err != nil {
		return err
	}
	if err := s.store.DeleteEventType(c.Request.Context(), s.pool, owner, c.Param("name")); err != nil {
		return err
	}
	c.JSON(http.StatusOK, messageJSON{Message: "Event type deleted successfully."})
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

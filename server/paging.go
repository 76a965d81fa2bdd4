package server

import (
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
)

// Page sizes of every list.
const (
	defaultPerPage = 20
	maxPerPage     = 100
)

type page struct {
	Limit  int
	Offset int
}

// parsePage reads page (from 1) and per_page (1–100, default 20).
func parsePage(c *gin.Context) (page, error) {
	n, err := queryInt(c, "page", 1, 1, 1_000_000)
	if err != nil {
		return page{}, err
	}
	per, err := queryInt(c, "per_page", defaultPerPage, 1, maxPerPage)
	if err != nil {
		return page{}, err
	}
	return page{Limit: per, Offset: (n - 1) * per}, nil
}

func queryInt(c *gin.Context, name string, def, lo, hi int) (int, error) {
	raw, ok := c.GetQuery(name)
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		return 0, domain.InvalidParam(name, "%s must be an integer between %d and %d.", name, lo, hi)
	}
	return n, nil
}

// pathID parses the :id of a route; anything but a positive integer is
// answered as notFound, since no such record can exist.
func pathID(c *gin.Context, notFound error) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound
	}
	return id, nil
}

// listScope reads a list request's page and the tenant the caller is
// restricted to (nil: every tenant).
func listScope(c *gin.Context) (page, *string, error) {
	pg, err := parsePage(c)
	if err != nil {
		return page{}, nil, err
	}
	tenant, err := tenantFilter(principal(c), c.Query("tenant"))
	return pg, tenant, err
}

// resourceScope returns the :id of a route about one resource (notFound
// when it is malformed) and the caller's tenant.
func resourceScope(c *gin.Context, notFound error) (int64, *string, error) {
	id, err := pathID(c, notFound)
	if err != nil {
		return 0, nil, err
	}
	tenant, err := tenantFilter(principal(c), c.Query("tenant"))
	if err != nil {
		return 0, nil, err
	}
	return id, tenant, nil
}

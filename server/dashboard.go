package server

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/web"
)

// dashboardCSP allows the dashboard its own files and API only: no inline
// script, no other origin.
const dashboardCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// dashboardRoutes serves the embedded dashboard at / and its files under
// /ui/.
func (s *Server) dashboardRoutes(r *gin.Engine) {
	files := http.FileServerFS(web.FS)
	secure := func(c *gin.Context) {
		c.Header("Content-Security-Policy", dashboardCSP)
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Referrer-Policy", "no-referrer")
	}
	r.GET("/", func(c *gin.Context) {
		secure(c)
		c.Header("Cache-Control", "no-cache")
		index, err := fs.ReadFile(web.FS, "index.html")
		if err != nil {
			s.abortWithError(c, err)
			return
		}
		c.Data(http.StatusOK, "text/html; charset=utf-8", index)
	})
	r.GET("/ui/*filepath", func(c *gin.Context) {
		secure(c)
		path := strings.TrimPrefix(c.Param("filepath"), "/")
		if path == "" || path == "index.html" {
			c.Redirect(http.StatusFound, "/")
			return
		}
		if _, err := fs.Stat(web.FS, path); err != nil {
			s.abortWithError(c, domain.ErrNoRoute)
			return
		}
		c.Header("Cache-Control", "no-cache")
		c.Request.URL.Path = "/" + path
		files.ServeHTTP(c.Writer, c.Request)
	})
}

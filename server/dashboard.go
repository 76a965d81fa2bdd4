package server

import (
	"bytes"
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
	"github.com/hookd/hookd/web"
)

// dashboardCSP allows the dashboard its own files and API only: no inline
// script, no other origin. Only the portal page may be framed, and only by
// the operator's chosen origins.
func dashboardCSP(frameAncestors string) string {
	return "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
		"connect-src 'self'; frame-ancestors " + frameAncestors + "; base-uri 'none'; form-action 'none'"
}

// Modes the dashboard starts in, told by index.html's hookd-mode meta tag:
// sign in with a token, behind the host's login, or a tenant's portal
// (its token in the URL's fragment).
const (
	modeToken  = "token"
	modeHost   = "host"
	modePortal = "portal"
)

var modeMeta = []byte(`<meta name="hookd-mode" content="` + modeToken + `">`)

// dashboardRoutes serves the embedded dashboard at / and /portal, and its
// files under /ui/. Every URL in the pages is relative, so the dashboard
// works wherever a host mounts the handler.
func (s *Server) dashboardRoutes(r *gin.Engine) {
	files := http.FileServerFS(web.FS)
	secure := func(c *gin.Context, frameAncestors string) {
		c.Header("Content-Security-Policy", dashboardCSP(frameAncestors))
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Referrer-Policy", "no-referrer")
	}
	index, err := fs.ReadFile(web.FS, "index.html")
	if err != nil || !bytes.Contains(index, modeMeta) {
		panic("web: index.html lacks its hookd-mode meta tag") // a build without its dashboard
	}
	page := func(c *gin.Context, mode, frameAncestors string) {
		secure(c, frameAncestors)
		if frameAncestors == "'none'" {
			c.Header("X-Frame-Options", "DENY")
		}
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "text/html; charset=utf-8",
			bytes.Replace(index, modeMeta, []byte(`<meta name="hookd-mode" content="`+mode+`">`), 1))
	}
	r.GET("/", func(c *gin.Context) {
		mode := modeToken
		if authenticatorFrom(c.Request.Context()) != nil {
			mode = modeHost
		}
		page(c, mode, "'none'")
	})
	r.GET(portalPath, func(c *gin.Context) { page(c, modePortal, frameAncestors(s.cfg.PortalFrameAncestors)) })
	r.GET("/ui/*filepath", func(c *gin.Context) {
		secure(c, "'none'")
		path := strings.TrimPrefix(c.Param("filepath"), "/")
		if path == "" || path == "index.html" {
			// Relative, as the browser resolves it: the handler may be
			// mounted under a prefix this request no longer shows.
			c.Header("Location", "../")
			c.Status(http.StatusFound)
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

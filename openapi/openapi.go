// Package openapi embeds the API contract, openapi.yaml, which the server
// serves at /openapi.yaml and its tests hold the routes and responses to.
package openapi

import _ "embed"

// Spec is the OpenAPI 3 document describing hookd's HTTP API.
//
//go:embed openapi.yaml
var Spec []byte

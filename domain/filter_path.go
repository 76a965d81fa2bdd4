package domain

import (
	"fmt"
	"strings"
)

// parseFilterPath splits a dotted path; it must start at the envelope's
// type, tenant or data and have no empty or operator-like segments.
func parseFilterPath(key, at string) ([]string, error) {
	where := joinAt(at, fmt.Sprintf("%q", key))
	segs := strings.Split(key, ".")
	for _, s := range segs {
		if s == "" {
			return nil, filterError(where, "is not a valid path: segments must not be empty")
		}
		if strings.HasPrefix(s, "$") {
			return nil, filterError(where, "is not a valid path: segments must not start with $")
		}
	}
	switch segs[0] {
	case "data":
	case "type", "tenant":
		if len(segs) > 1 {
			return nil, filterError(where, "is not a valid path: %s is a string", segs[0])
		}
	default:
		return nil, filterError(where, "must start with type, tenant or data (as in data.space_id)")
	}
	return segs, nil
}

// lookup returns the values path reaches in root: through objects, into
// each object element of an array on the way, and at the end the value
// itself and, when it is an array, each of its elements.
func lookup(root map[string]any, path []string) []any {
	v, ok := root[path[0]]
	if !ok {
		return nil
	}
	if len(path) == 1 {
		if _, isArr := v.([]any); !isArr {
			return []any{v}
		}
	}
	return walk(v, path[1:], nil)
}

func walk(v any, path []string, out []any) []any {
	if len(path) == 0 {
		out = append(out, v)
		if arr, ok := v.([]any); ok {
			out = append(out, arr...)
		}
		return out
	}
	switch t := v.(type) {
	case map[string]any:
		if child, ok := t[path[0]]; ok {
			return walk(child, path[1:], out)
		}
	case []any:
		for _, el := range t {
			if m, ok := el.(map[string]any); ok {
				if child, ok := m[path[0]]; ok {
					out = walk(child, path[1:], out)
				}
			}
		}
	}
	return out
}

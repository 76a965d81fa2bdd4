package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Filter limits: a filter is configuration, not data, so these are generous
// for a person writing one and keep a hostile one cheap to check.
const (
	MaxFilterBytes = 16 << 10
	MaxFilterDepth = 16
	MaxFilterIn    = 1000
)

// Filter is a compiled payload filter: a small MongoDB-style language over an
// event's envelope {"type", "tenant", "data"}. Compile it once (ParseFilter)
// and match it against many events; it is safe for concurrent use.
//
// The language:
//
//	{"data.space_id": 12}                          a bare value is $eq
//	{"type": "user_notification_created", "data.category": {"$in": ["like", "mention"]}}
//	{"$or": [{"data.user.id": {"$gte": 100}}, {"data.pinned": true}]}
//
// Fields are dotted paths starting at type, tenant or data. Several keys in
// one object must all hold ($and). Operators: $eq $ne $in $nin $gt $gte $lt
// $lte $exists $not on a field; $and $or (non-empty arrays of filters) and
// $not (a filter) at the top level. As in MongoDB:
//   - numbers compare as numbers (1 equals 1.0); $gt, $gte, $lt and $lte
//     compare two numbers or two strings (byte-wise) and are false for
//     any other pair, and for a missing field;
//   - a path through an array looks inside each object element, and a field
//     holding an array matches when the array itself or any element does
//     ({"data.tags": "x"} matches "tags": ["x", "y"]);
//   - null equals a missing field as well as null; $ne and $nin are the
//     negations of $eq and $in, so they match a missing field;
//   - {"$exists": false} matches a missing field (null exists);
//   - objects are equal when they hold the same keys with equal values, in
//     any order; arrays when they hold equal elements in the same order.
//
// An empty filter {} matches every event.
type Filter struct {
	match pred
}

// pred is a compiled filter or field condition over the envelope.
type pred func(root map[string]any) bool

// Match reports whether doc passes the filter. A nil filter matches all.
func (f *Filter) Match(doc FilterDocument) bool {
	if f == nil || f.match == nil {
		return true
	}
	return f.match(doc.root)
}

// FilterDocument is an event's envelope decoded once, to be matched against
// any number of filters.
type FilterDocument struct {
	root map[string]any
}

// NewFilterDocument decodes an event's data (a JSON object; empty means {})
// into the envelope filters see.
func NewFilterDocument(eventType, tenant string, data []byte) (FilterDocument, error) {
	var v any = map[string]any{}
	if len(bytes.TrimSpace(data)) > 0 {
		var err error
		if v, err = decodeFilterJSON(data); err != nil {
			return FilterDocument{}, fmt.Errorf("error decoding event data: %w", err)
		}
	}
	return FilterDocument{root: map[string]any{"type": eventType, "tenant": tenant, "data": v}}, nil
}

// ParseFilter validates and compiles a filter. Bad input is an invalid_param
// error naming "filter" whose message says which part is wrong and where.
func ParseFilter(raw []byte) (*Filter, error) {
	if len(raw) > MaxFilterBytes {
		return nil, filterError("", "must be at most %d bytes", MaxFilterBytes)
	}
	v, err := decodeFilterJSON(raw)
	if err != nil {
		return nil, filterError("", "must be valid JSON")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, filterError("", "must be a JSON object")
	}
	p, err := compileFilter(obj, "", 1)
	if err != nil {
		return nil, err
	}
	return &Filter{match: p}, nil
}

// ValidateFilter checks a filter as ParseFilter does.
func ValidateFilter(raw []byte) error {
	_, err := ParseFilter(raw)
	return err
}

// filterError is an invalid_param on "filter"; at names where in the filter
// (a path, an operator), "" the filter as a whole.
func filterError(at, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	if at == "" {
		return InvalidParam("filter", "filter %s.", msg)
	}
	return InvalidParam("filter", "filter: %s %s.", at, msg)
}

func compileFilter(obj map[string]any, at string, depth int) (pred, error) {
	if depth > MaxFilterDepth {
		return nil, filterError(at, "is nested more than %d levels deep", MaxFilterDepth)
	}
	keys := sortedKeys(obj)
	preds := make([]pred, 0, len(keys))
	for _, k := range keys {
		p, err := compileClause(k, obj[k], at, depth)
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	return all(preds), nil
}

func compileClause(key string, v any, at string, depth int) (pred, error) {
	where := joinAt(at, key)
	switch key {
	case "$and", "$or":
		list, ok := v.([]any)
		if !ok || len(list) == 0 {
			return nil, filterError(where, "must be a non-empty array of filters")
		}
		preds := make([]pred, len(list))
		for i, el := range list {
			obj, ok := el.(map[string]any)
			if !ok {
				return nil, filterError(fmt.Sprintf("%s[%d]", where, i), "must be an object")
			}
			p, err := compileFilter(obj, fmt.Sprintf("%s[%d]", where, i), depth+1)
			if err != nil {
				return nil, err
			}
			preds[i] = p
		}
		if key == "$and" {
			return all(preds), nil
		}
		return anyOf(preds), nil
	case "$not":
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, filterError(where, "must be a filter object")
		}
		p, err := compileFilter(obj, where, depth+1)
		if err != nil {
			return nil, err
		}
		return func(root map[string]any) bool { return !p(root) }, nil
	}
	if strings.HasPrefix(key, "$") {
		if fieldOperators[key] {
			return nil, filterError(where, "applies to a field, as in {\"data.x\": {%q: …}}", key)
		}
		return nil, filterError(where, "is not a known operator")
	}
	path, err := parseFilterPath(key, at)
	if err != nil {
		return nil, err
	}
	cond, err := compileCondition(v, where, depth+1)
	if err != nil {
		return nil, err
	}
	return func(root map[string]any) bool { return cond(lookup(root, path)) }, nil
}

// fieldOperators are the operators a field's condition may use.
var fieldOperators = map[string]bool{"$eq": true, "$ne": true, "$in": true, "$nin": true, "$gt": true, "$gte": true,
	"$lt": true, "$lte": true, "$exists": true, "$not": true}

// cond is a compiled field condition over the values a path resolved to
// (none: the field is missing).
type cond func(vals []any) bool

func compileCondition(v any, at string, depth int) (cond, error) {
	if depth > MaxFilterDepth {
		return nil, filterError(at, "is nested more than %d levels deep", MaxFilterDepth)
	}
	obj, ok := v.(map[string]any)
	if !ok || !hasOperator(obj) {
		return eqCond(v), nil // a literal, objects included, is $eq
	}
	keys := sortedKeys(obj)
	conds := make([]cond, 0, len(keys))
	for _, op := range keys {
		if !strings.HasPrefix(op, "$") {
			return nil, filterError(at, "mixes operators and fields (%q)", op)
		}
		c, err := compileOperator(op, obj[op], joinAt(at, op), depth)
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
	}
	return func(vals []any) bool {
		for _, c := range conds {
			if !c(vals) {
				return false
			}
		}
		return true
	}, nil
}

func compileOperator(op string, arg any, at string, depth int) (cond, error) {
	switch op {
	case "$eq":
		return eqCond(arg), nil
	case "$ne":
		eq := eqCond(arg)
		return func(vals []any) bool { return !eq(vals) }, nil
	case "$in", "$nin":
		list, ok := arg.([]any)
		if !ok {
			return nil, filterError(at, "must be an array")
		}
		if len(list) > MaxFilterIn {
			return nil, filterError(at, "must list at most %d values", MaxFilterIn)
		}
		in := inCond(list)
		if op == "$nin" {
			return func(vals []any) bool { return !in(vals) }, nil
		}
		return in, nil
	case "$gt", "$gte", "$lt", "$lte":
		switch arg.(type) {
		case filterNumber, string:
		default:
			return nil, filterError(at, "must be a number or a string")
		}
		test := orderTests[op]
		return func(vals []any) bool {
			for _, v := range vals {
				if c, ok := compareOrdered(v, arg); ok && test(c) {
					return true
				}
			}
			return false
		}, nil
	case "$exists":
		want, ok := arg.(bool)
		if !ok {
			return nil, filterError(at, "must be true or false")
		}
		return func(vals []any) bool { return (len(vals) > 0) == want }, nil
	case "$not":
		obj, ok := arg.(map[string]any)
		if !ok || len(obj) == 0 || !allOperators(obj) {
			return nil, filterError(at, "must be an object of operators, as in {\"$not\": {\"$gt\": 5}}")
		}
		c, err := compileCondition(obj, at, depth+1)
		if err != nil {
			return nil, err
		}
		return func(vals []any) bool { return !c(vals) }, nil
	}
	return nil, filterError(at, "is not a known operator")
}

var orderTests = map[string]func(int) bool{
	"$gt":  func(c int) bool { return c > 0 },
	"$gte": func(c int) bool { return c >= 0 },
	"$lt":  func(c int) bool { return c < 0 },
	"$lte": func(c int) bool { return c <= 0 },
}

func eqCond(want any) cond {
	if want == nil {
		return func(vals []any) bool {
			if len(vals) == 0 {
				return true
			}
			for _, v := range vals {
				if v == nil {
					return true
				}
			}
			return false
		}
	}
	if s, ok := want.(string); ok { // the common case, without the general comparison
		return func(vals []any) bool {
			for _, v := range vals {
				if vs, ok := v.(string); ok && vs == s {
					return true
				}
			}
			return false
		}
	}
	return func(vals []any) bool {
		for _, v := range vals {
			if filterEqual(v, want) {
				return true
			}
		}
		return false
	}
}

func inCond(list []any) cond {
	strs := map[string]bool{}
	var others []any
	withNull := false
	for _, w := range list {
		switch w := w.(type) {
		case string:
			strs[w] = true
		case nil:
			withNull = true
		default:
			others = append(others, w)
		}
	}
	return func(vals []any) bool {
		if withNull && len(vals) == 0 {
			return true
		}
		for _, v := range vals {
			switch v := v.(type) {
			case string:
				if strs[v] {
					return true
				}
			case nil:
				if withNull {
					return true
				}
			default:
				for _, w := range others {
					if filterEqual(v, w) {
						return true
					}
				}
			}
		}
		return false
	}
}

func all(preds []pred) pred {
	if len(preds) == 1 {
		return preds[0]
	}
	return func(root map[string]any) bool {
		for _, p := range preds {
			if !p(root) {
				return false
			}
		}
		return true
	}
}

func anyOf(preds []pred) pred {
	return func(root map[string]any) bool {
		for _, p := range preds {
			if p(root) {
				return true
			}
		}
		return false
	}
}

func hasOperator(obj map[string]any) bool {
	for k := range obj {
		if strings.HasPrefix(k, "$") {
			return true
		}
	}
	return false
}

func allOperators(obj map[string]any) bool {
	for k := range obj {
		if !strings.HasPrefix(k, "$") {
			return false
		}
	}
	return true
}

func sortedKeys(obj map[string]any) []string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func joinAt(at, part string) string {
	if at == "" {
		return part
	}
	return at + "." + part
}

// decodeFilterJSON decodes one JSON value with numbers as filterNumber.
func decodeFilterJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after JSON value")
	}
	return convertNumbers(v), nil
}

func convertNumbers(v any) any {
	switch t := v.(type) {
	case json.Number:
		return newFilterNumber(string(t))
	case map[string]any:
		for k, el := range t {
			t[k] = convertNumbers(el)
		}
	case []any:
		for i, el := range t {
			t[i] = convertNumbers(el)
		}
	}
	return v
}

package domain

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// FuzzFilter builds a random valid filter and a random event from the fuzzer's
// bytes and holds the compiled predicate to refMatch, a plain reading of the
// rules in Filter's documentation that interprets the JSON each time.
func FuzzFilter(f *testing.F) {
	for _, seed := range []string{"", "\x00", "\x01\x02\x03", "\x05\x04\x03\x02\x01\x00\xff", "abcdefghijklmnop",
		"\x09\x13\x22\x31\x40\x52\x67\x78\x89\x9a\xab\xbc", strings.Repeat("\x07\x11", 40)} {
		f.Add([]byte(seed), []byte(seed))
	}
	f.Fuzz(func(t *testing.T, filterSeed, docSeed []byte) {
		filter := (&gen{b: filterSeed}).filter(3)
		raw, err := json.Marshal(filter)
		if err != nil {
			t.Fatal(err)
		}
		compiled, err := ParseFilter(raw)
		if err != nil {
			t.Fatalf("refused a valid filter %s: %v", raw, err)
		}
		data, err := json.Marshal((&gen{b: docSeed}).object(3))
		if err != nil {
			t.Fatal(err)
		}
		checkAgainstReference(t, raw, compiled, data)
	})
}

// FuzzParseFilter feeds ParseFilter arbitrary bytes: it never panics, and a
// filter it accepts agrees with refMatch on a few events.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{`{}`, `{"data.space_id": 12}`, `{"data.a": {"$in": [1, "x", null]}}`,
		`{"$or": [{"type": "a"}, {"$not": {"data.b": {"$gt": 2.5}}}]}`, `{"data.x": {"$not": {"$exists": true}}}`,
		`{"data.arr.a": {"$nin": [[1], {"a": 1}]}}`, `{"data.a": {"$lte": "m", "$ne": null}}`, `{"$and": []}`,
		`{"x": 1}`, `{"data.": 1}`, `{"$where": "1"}`, `[]`, `{"data.a": {"$gt": true}}`, `{"data.n": 9007199254740993}`} {
		f.Add([]byte(s))
	}
	docs := []string{`{}`, `{"a": 1, "b": "x", "arr": [{"a": 1}, {"a": [2, 3]}], "n": 9007199254740993}`,
		`{"a": null, "space_id": 12, "b": 2.5, "x": {"y": [1, "x"]}}`, `{"a": [1, "x", null], "arr": [[1], {"a": 1}]}`}
	f.Fuzz(func(t *testing.T, raw []byte) {
		compiled, err := ParseFilter(raw)
		if err != nil {
			if ErrorCode(err) != CodeInvalidParam {
				t.Fatalf("error of code %q", ErrorCode(err))
			}
			return
		}
		for _, d := range docs {
			checkAgainstReference(t, raw, compiled, []byte(d))
		}
	})
}

func checkAgainstReference(t *testing.T, filter []byte, compiled *Filter, data []byte) {
	t.Helper()
	doc, err := NewFilterDocument("comment.created", "acme", data)
	if err != nil {
		t.Fatal(err)
	}
	var refFilter map[string]any
	refDecode(t, filter, &refFilter)
	var refData any
	refDecode(t, data, &refData)
	root := map[string]any{"type": "comment.created", "tenant": "acme", "data": refData}
	if got, want := compiled.Match(doc), refMatch(refFilter, root); got != want {
		t.Fatalf("filter %s on %s: compiled %v, reference %v", filter, data, got, want)
	}
}

func refDecode(t *testing.T, raw []byte, dst any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		t.Fatal(err)
	}
}

// refMatch interprets a valid filter over root, straight from the rules.
func refMatch(filter, root map[string]any) bool {
	for key, v := range filter {
		switch key {
		case "$and":
			for _, el := range v.([]any) {
				if !refMatch(el.(map[string]any), root) {
					return false
				}
			}
		case "$or":
			found := false
			for _, el := range v.([]any) {
				found = found || refMatch(el.(map[string]any), root)
			}
			if !found {
				return false
			}
		case "$not":
			if refMatch(v.(map[string]any), root) {
				return false
			}
		default:
			if !refCondition(refValues(root, strings.Split(key, ".")), v) {
				return false
			}
		}
	}
	return true
}

// refValues: the values at the end of path; arrays on the way are looked
// into element by element; an array at the end stands for itself and each
// element.
func refValues(v any, path []string) []any {
	if len(path) == 0 {
		out := []any{v}
		if arr, ok := v.([]any); ok {
			out = append(out, arr...)
		}
		return out
	}
	var out []any
	switch t := v.(type) {
	case map[string]any:
		if child, ok := t[path[0]]; ok {
			out = append(out, refValues(child, path[1:])...)
		}
	case []any:
		for _, el := range t {
			if m, ok := el.(map[string]any); ok {
				if child, ok := m[path[0]]; ok {
					out = append(out, refValues(child, path[1:])...)
				}
			}
		}
	}
	return out
}

func refCondition(vals []any, c any) bool {
	obj, ok := c.(map[string]any)
	isOps := false
	if ok {
		for k := range obj {
			isOps = isOps || strings.HasPrefix(k, "$")
		}
	}
	if !isOps {
		return refEq(vals, c)
	}
	for op, arg := range obj {
		var hold bool
		switch op {
		case "$eq":
			hold = refEq(vals, arg)
		case "$ne":
			hold = !refEq(vals, arg)
		case "$in", "$nin":
			for _, w := range arg.([]any) {
				hold = hold || refEq(vals, w)
			}
			if op == "$nin" {
				hold = !hold
			}
		case "$gt", "$gte", "$lt", "$lte":
			for _, v := range vals {
				if cmp, ok := refCompare(v, arg); ok {
					hold = hold || (op == "$gt" && cmp > 0) || (op == "$gte" && cmp >= 0) ||
						(op == "$lt" && cmp < 0) || (op == "$lte" && cmp <= 0)
				}
			}
		case "$exists":
			hold = (len(vals) > 0) == arg.(bool)
		case "$not":
			hold = !refCondition(vals, arg)
		default:
			panic("reference given an invalid operator " + op)
		}
		if !hold {
			return false
		}
	}
	return true
}

func refEq(vals []any, want any) bool {
	if want == nil && len(vals) == 0 {
		return true
	}
	for _, v := range vals {
		if refEqual(v, want) {
			return true
		}
	}
	return false
}

func refEqual(a, b any) bool {
	an, aNum := a.(json.Number)
	bn, bNum := b.(json.Number)
	if aNum || bNum {
		if !aNum || !bNum {
			return false
		}
		c, _ := refCompare(an, bn)
		return c == 0
	}
	switch a := a.(type) {
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !refEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k := range a {
			if _, ok := b[k]; !ok || !refEqual(a[k], b[k]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func refCompare(a, b any) (int, bool) {
	if as, ok := a.(string); ok {
		bs, ok := b.(string)
		return strings.Compare(as, bs), ok
	}
	an, ok1 := a.(json.Number)
	bn, ok2 := b.(json.Number)
	if !ok1 || !ok2 {
		return 0, false
	}
	ai, err1 := strconv.ParseInt(string(an), 10, 64)
	bi, err2 := strconv.ParseInt(string(bn), 10, 64)
	if err1 == nil && err2 == nil {
		switch {
		case ai < bi:
			return -1, true
		case ai > bi:
			return 1, true
		}
		return 0, true
	}
	af, _ := strconv.ParseFloat(string(an), 64)
	bf, _ := strconv.ParseFloat(string(bn), 64)
	switch {
	case af < bf:
		return -1, true
	case af > bf:
		return 1, true
	}
	return 0, true
}

// gen turns fuzz bytes into filters and documents over a small vocabulary,
// so that matches and misses both happen often.
type gen struct {
	b []byte
	i int
}

func (g *gen) n(k int) int {
	if g.i >= len(g.b) {
		return 0
	}
	v := int(g.b[g.i]) % k
	g.i++
	return v
}

var genPaths = []string{"data.a", "data.b", "data.a.b", "data.arr", "data.arr.a", "type", "tenant", "data.x.y"}

func (g *gen) filter(depth int) map[string]any {
	out := map[string]any{}
	for range g.n(3) {
		switch c := g.n(6); {
		case c == 0 && depth > 0:
			list := make([]any, 1+g.n(2))
			for i := range list {
				list[i] = g.filter(depth - 1)
			}
			out[[]string{"$and", "$or"}[g.n(2)]] = list
		case c == 1 && depth > 0:
			out["$not"] = g.filter(depth - 1)
		default:
			out[genPaths[g.n(len(genPaths))]] = g.condition(depth)
		}
	}
	return out
}

func (g *gen) condition(depth int) any {
	if g.n(3) == 0 {
		return g.value(1)
	}
	return g.operators(depth)
}

func (g *gen) operators(depth int) map[string]any {
	ops := map[string]any{}
	for range 1 + g.n(2) {
		switch g.n(9) {
		case 0:
			ops["$eq"] = g.value(1)
		case 1:
			ops["$ne"] = g.value(1)
		case 2, 3:
			list := make([]any, g.n(4))
			for i := range list {
				list[i] = g.value(1)
			}
			ops[[]string{"$in", "$nin"}[g.n(2)]] = list
		case 4, 5:
			var arg any = json.Number(strconv.Itoa(g.n(4)))
			if g.n(2) == 0 {
				arg = []string{"a", "b", "like", "m"}[g.n(4)]
			}
			ops[[]string{"$gt", "$gte", "$lt", "$lte"}[g.n(4)]] = arg
		case 6, 7:
			ops["$exists"] = g.n(2) == 0
		case 8:
			if depth > 0 {
				ops["$not"] = g.operators(depth - 1)
			}
		}
	}
	if len(ops) == 0 {
		ops["$exists"] = true
	}
	return ops
}

func (g *gen) value(depth int) any {
	switch g.n(9) {
	case 0:
		return nil
	case 1:
		return g.n(2) == 0
	case 2, 3:
		return json.Number([]string{"0", "1", "2", "3", "1.0", "2.5", "-1"}[g.n(7)])
	case 4, 5:
		return []string{"a", "b", "like", "comment.created", "acme", ""}[g.n(6)]
	case 6, 7:
		if depth > 0 {
			list := make([]any, g.n(3))
			for i := range list {
				list[i] = g.value(depth - 1)
			}
			return list
		}
		return "a"
	default:
		if depth > 0 {
			return g.object(depth - 1)
		}
		return json.Number("1")
	}
}

func (g *gen) object(depth int) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"a", "b", "arr", "x", "y"} {
		if g.n(2) == 0 {
			out[k] = g.value(depth)
		}
	}
	return out
}

// TestFilterReferenceAgrees runs the generator over many seeds without the
// fuzzing engine, so every test run checks the compiled predicate.
func TestFilterReferenceAgrees(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	bytesOf := func() []byte {
		b := make([]byte, 64)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	for range 3000 {
		filter := (&gen{b: bytesOf()}).filter(3)
		raw, err := json.Marshal(filter)
		if err != nil {
			t.Fatal(err)
		}
		compiled, err := ParseFilter(raw)
		if err != nil {
			t.Fatalf("refused a valid filter %s: %v", raw, err)
		}
		for range 4 {
			data, err := json.Marshal((&gen{b: bytesOf()}).object(3))
			if err != nil {
				t.Fatal(err)
			}
			checkAgainstReference(t, raw, compiled, data)
		}
	}
}

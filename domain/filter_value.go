package domain

import (
	"math"
	"strconv"
	"strings"
)

// filterNumber is a JSON number as filters compare it: exactly when both
// sides are integers that fit in 64 bits (ids), as float64 otherwise.
type filterNumber struct {
	f     float64
	i     int64
	isInt bool
}

func newFilterNumber(s string) filterNumber {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return filterNumber{f: float64(i), i: i, isInt: true}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		f = math.NaN() // not reached for numbers encoding/json accepted
	}
	return filterNumber{f: f}
}

func compareNumbers(a, b filterNumber) int {
	if a.isInt && b.isInt {
		switch {
		case a.i < b.i:
			return -1
		case a.i > b.i:
			return 1
		}
		return 0
	}
	switch {
	case a.f < b.f:
		return -1
	case a.f > b.f:
		return 1
	}
	return 0
}

// compareOrdered compares two numbers or two strings; ok is false for any
// other pair, which no ordering operator matches.
func compareOrdered(a, b any) (int, bool) {
	switch a := a.(type) {
	case filterNumber:
		if b, ok := b.(filterNumber); ok {
			return compareNumbers(a, b), true
		}
	case string:
		if b, ok := b.(string); ok {
			return strings.Compare(a, b), true
		}
	}
	return 0, false
}

// filterEqual is deep equality of decoded JSON values, numbers by value.
func filterEqual(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case bool:
		b, ok := b.(bool)
		return ok && a == b
	case string:
		b, ok := b.(string)
		return ok && a == b
	case filterNumber:
		b, ok := b.(filterNumber)
		return ok && compareNumbers(a, b) == 0
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !filterEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, av := range a {
			bv, ok := b[k]
			if !ok || !filterEqual(av, bv) {
				return false
			}
		}
		return true
	}
	return false
}

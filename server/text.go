package server

import (
	"encoding/json"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
)

// checkRequestText refuses NUL and invalid UTF-8 in path ids and query
// parameters before any handler passes them to Postgres, which cannot hold
// NUL and refuses invalid UTF-8: that is the client's error (400 naming the
// parameter), never a 500.
func checkRequestText(c *gin.Context) error {
	for _, p := range c.Params {
		if err := domain.ValidateText(p.Key, p.Value); err != nil {
			return err
		}
	}
	for name, values := range c.Request.URL.Query() {
		field := strings.ToValidUTF8(strings.ReplaceAll(name, "\x00", ""), "\uFFFD")
		if err := domain.ValidateText(field, name); err != nil {
			return err
		}
		for _, v := range values {
			if err := domain.ValidateText(field, v); err != nil {
				return err
			}
		}
	}
	return nil
}

var rawMessageType = reflect.TypeOf(json.RawMessage(nil))

// checkFieldText refuses NUL and invalid UTF-8 in the strings of a decoded
// body field. encoding/json silently turns invalid UTF-8 into U+FFFD, so the
// raw bytes are checked too; raw JSON kept as is (an event's data) is the
// caller's to check.
func checkFieldText(name string, raw []byte, dst any) error {
	v := reflect.ValueOf(dst)
	if v.Kind() == reflect.Pointer && containsRaw(v.Type().Elem()) {
		return nil
	}
	if !utf8.Valid(raw) {
		return domain.InvalidParam(name, "%s must be valid UTF-8.", name)
	}
	if hasNUL(v) {
		return domain.InvalidParam(name, "%s must not contain NUL characters.", name)
	}
	return nil
}

func containsRaw(t reflect.Type) bool {
	switch {
	case t == rawMessageType:
		return true
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Pointer:
		return containsRaw(t.Elem())
	}
	return false
}

func hasNUL(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return strings.IndexByte(v.String(), 0) >= 0
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && hasNUL(v.Elem())
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if hasNUL(v.Index(i)) {
				return true
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if hasNUL(iter.Key()) || hasNUL(iter.Value()) {
				return true
			}
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() && hasNUL(v.Field(i)) {
				return true
			}
		}
	}
	return false
}

package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hookd/hookd/domain"
)

// Body limits.
const (
	maxAdminBody = 1 << 20 // 1 MiB
)

// object is a decoded JSON object whose fields are decoded one by one, so
// every error can name its field and absent can be told from null.
type object map[string]json.RawMessage

// readBody reads at most limit bytes of the request body.
func readBody(c *gin.Context, limit int64) ([]byte, error) {
	if c.Request.ContentLength > limit {
		return nil, domain.ErrBodyTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return nil, domain.ErrBodyTooLarge
	}
	if err != nil {
		return nil, &domain.Error{Code: domain.CodeInvalidJSON, Message: "Request body could not be read."}
	}
	return body, nil
}

// decodeObject reads a JSON object body of at most limit bytes.
func decodeObject(c *gin.Context, limit int64) (object, error) {
	body, err := readBody(c, limit)
	if err != nil {
		return nil, err
	}
	return parseObject(body)
}

func parseObject(body []byte) (object, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, &domain.Error{Code: domain.CodeInvalidJSON, Message: "Request body must be a JSON object."}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var obj object
	if err := dec.Decode(&obj); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, &domain.Error{Code: domain.CodeInvalidJSON, Message: "Request body must be a JSON object."}
		}
		return nil, &domain.Error{Code: domain.CodeInvalidJSON, Message: "Request body is not valid JSON: " + jsonErrorText(err)}
	}
	if obj == nil {
		return nil, &domain.Error{Code: domain.CodeInvalidJSON, Message: "Request body must be a JSON object."}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &domain.Error{Code: domain.CodeInvalidJSON, Message: "Request body must hold a single JSON object."}
	}
	return obj, nil
}

func jsonErrorText(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%s (at byte %d).", strings.TrimPrefix(syn.Error(), "json: "), syn.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of input."
	}
	return strings.TrimPrefix(err.Error(), "json: ") + "."
}

// allow refuses any field not in allowed, and any in readOnly with a
// message that says so.
func (o object) allow(allowed []string, readOnly ...string) error {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if slices.Contains(allowed, k) {
			continue
		}
		if slices.Contains(readOnly, k) {
			return domain.InvalidParam(k, "%s cannot be changed.", k)
		}
		return domain.InvalidParam(k, "unknown field %q.", k)
	}
	return nil
}

// field decodes o[name] into dst. It reports whether the field was present;
// null is refused unless nullable, in which case dst is left unchanged.
func (o object) field(name string, dst any, nullable bool) (bool, error) {
	raw, ok := o[name]
	if !ok {
		return false, nil
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		if nullable {
			return true, nil
		}
		return true, domain.InvalidParam(name, "%s must not be null.", name)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return true, domain.InvalidParam(name, "%s must be %s.", name, describeType(reflect.TypeOf(dst).Elem()))
	}
	return true, checkFieldText(name, raw, dst)
}

// require is field for a field that must be present.
func (o object) require(name string, dst any) error {
	present, err := o.field(name, dst, false)
	if err != nil {
		return err
	}
	if !present {
		return domain.InvalidParam(name, "%s is required.", name)
	}
	return nil
}

func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "an array of strings"
		}
		if t.Elem().Kind() == reflect.Struct {
			return "an array of objects of the documented shape"
		}
		return "an array"
	case reflect.Map:
		return "an object with string values"
	case reflect.Struct:
		return "an object of the documented shape"
	case reflect.Pointer:
		return describeType(t.Elem())
	}
	return "of the documented type"
}

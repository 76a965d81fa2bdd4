package server

import (
	"errors"
	"testing"

	"github.com/hookd/hookd/domain"
)

// FuzzParseObject: any request body either decodes to an object or is
// refused with invalid_json; reading fields never panics and fails only
// with invalid_param.
func FuzzParseObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"name":"x","events":["a.b"],"retry_count":3}`, `[]`, `null`, ``, `{"a":1} {}`,
		`{"name":`, `{"headers":{"X":1}}`, `{"events":[1,2]}`, "\xff", `{"name":"\u0000"}`, `{"a":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		obj, err := parseObject(body)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeInvalidJSON {
				t.Fatalf("parseObject error %v is not invalid_json", err)
			}
			return
		}
		var (
			name    string
			events  []string
			headers map[string]string
			retries int
		)
		for field, dst := range map[string]any{"name": &name, "events": &events, "headers": &headers, "retry_count": &retries} {
			if _, err := obj.field(field, dst, false); err != nil && domain.ErrorCode(err) != domain.CodeInvalidParam {
				t.Fatalf("field %s: %v", field, err)
			}
		}
		if err := obj.allow([]string{"name"}); err != nil && domain.ErrorCode(err) != domain.CodeInvalidParam {
			t.Fatalf("allow: %v", err)
		}
	})
}

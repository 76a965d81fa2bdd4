package domain

import (
	"errors"
	"maps"
)

// Validation gathers field errors so a form can show all of them at once.
// The combined error's code and message are those of the first error; its
// Params hold every field's message.
type Validation struct {
	first  *Error
	params map[string]string
}

// Add records err (nil is ignored). An error that is not an *Error counts
// as invalid_param with its text.
func (v *Validation) Add(err error) {
	if err == nil {
		return
	}
	var de *Error
	if !errors.As(err, &de) {
		de = &Error{Code: CodeInvalidParam, Message: err.Error()}
	}
	if v.first == nil {
		v.first = de
		v.params = map[string]string{}
	}
	for k, msg := range de.Params {
		if _, seen := v.params[k]; !seen {
			v.params[k] = msg
		}
	}
}

// Has reports whether field has an error already.
func (v *Validation) Has(field string) bool {
	_, ok := v.params[field]
	return ok
}

// Err returns the combined error, nil when nothing was added.
func (v *Validation) Err() error {
	if v.first == nil {
		return nil
	}
	return &Error{Code: v.first.Code, Message: v.first.Message, Params: maps.Clone(v.params)}
}

package server

import (
	"errors"
	"maps"

	"github.com/hookd/hookd/domain"
)

// validation gathers field errors so a form can show all of them at once.
// The answer's code and message are those of the first error.
type validation struct {
	first  *domain.Error
	params map[string]string
}

func (v *validation) add(err error) {
	if err == nil {
		return
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		de = &domain.Error{Code: domain.CodeInvalidParam, Message: err.Error()}
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

func (v *validation) has(field string) bool {
	_, ok := v.params[field]
	return ok
}

func (v *validation) err() error {
	if v.first == nil {
		return nil
	}
	return &domain.Error{Code: v.first.Code, Message: v.first.Message, Params: maps.Clone(v.params)}
}

// Package startstop gives hookd's background services one lifecycle: Start
// launches a service's loop, Stop ends it and waits until it has returned.
// It follows River's internal/startstop.BaseStartStop.
package startstop

import (
	"context"
	"errors"
	"sync"
)

// ErrStarted is returned by Start on a service already running.
var ErrStarted = errors.New("service already started")

// Service is what every background service of hookd implements.
type Service interface {
	// Start launches the service; its loop runs until Stop (ctx's values
	// are kept, its cancellation is not: a service outlives the request or
	// command that started it).
	Start(ctx context.Context) error
	// Stop ends the service and waits for its loop to return. Stopping a
	// service that is not running does nothing.
	Stop()
}

// Base implements Service around one loop function. Embed it and call
// StartFunc from Start.
type Base struct {
	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// StartFunc runs loop in a goroutine until Stop cancels its context.
func (b *Base) StartFunc(ctx context.Context, loop func(ctx context.Context)) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done != nil {
		return ErrStarted
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	b.cancel, b.done = cancel, make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		loop(ctx)
	}(b.done)
	return nil
}

// Stop cancels the loop and waits for it to return.
func (b *Base) Stop() {
	b.mu.Lock()
	cancel, done := b.cancel, b.done
	b.cancel, b.done = nil, nil
	b.mu.Unlock()
	if done == nil {
		return
	}
	cancel()
	<-done
}

// Started reports whether the loop is running.
func (b *Base) Started() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.done != nil
}

package store_test

import (
	"testing"

	"github.com/hookd/hookd/internal/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

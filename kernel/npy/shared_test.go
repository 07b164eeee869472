package npy

import (
	"testing"

	"github.com/rnnlab/rnnlab/internal/shareddata"
)

// TestMain prints how many tests were skipped for want of ../shared/data
// (and fails them under CI=true): internal/shareddata.
func TestMain(m *testing.M) { shareddata.Main(m) }

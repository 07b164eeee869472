package npy

import (
	"testing"

	"github.com/rnnlab/rnnlab/build/shareddata"
)

// TestMain prints how many tests were skipped for want of ../shared/data
// (and fails them under CI=true): build/shareddata.
func TestMain(m *testing.M) { shareddata.Main(m) }

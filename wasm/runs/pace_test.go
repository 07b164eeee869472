package runs

import (
	"testing"
	"time"
)

// TestFramePacedByWallClock checks that a run.RealTime kind (the live
// spiking network, 10 ms a unit) trains as many units a frame as the wall
// clock advanced since the last frame, whatever the frame budget, and that
// a long gap (a tab in the background) is not made up beyond paceLag.
func TestFramePacedByWallClock(t *testing.T) {
	c := newClock()
	d := newDriver(t, "kind=spiking&n=200&play=1&every=100000", c)
	if _, err := d.Frame(4 * time.Millisecond); err != nil { // the evaluation at unit 0
		t.Fatal(err)
	}
	if n, err := d.Frame(4 * time.Millisecond); err != nil || n != 0 { // the first paced frame owes nothing yet
		t.Fatalf("first paced frame: %d units (%v), want 0", n, err)
	}
	total := 0
	for i := 0; i < 6; i++ {
		c.Sleep(50 * time.Millisecond)
		n, err := d.Frame(4 * time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if n != 5 {
			t.Errorf("frame %d after 50 ms of wall time: %d units of 10 ms, want 5", i, n)
		}
		total += n
	}
	c.Sleep(3 * time.Second)
	n, err := d.Frame(4 * time.Millisecond)
	if err != nil || n != int(paceLag/(10*time.Millisecond)) {
		t.Errorf("after a 3 s gap: %d units (%v), want %d (paceLag)", n, err, paceLag/(10*time.Millisecond))
	}
	if got := d.Status().Step; got != total+n {
		t.Errorf("the run is at unit %d, want %d", got, total+n)
	}
}

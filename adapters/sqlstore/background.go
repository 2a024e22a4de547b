package sqlstore

import "time"

// takeBatch waits for an append on q, then takes those already queued
// behind it, up to limit, into batch (reused). It returns false once quit
// is closed.
func takeBatch(q <-chan *appendOp, quit <-chan struct{}, batch []*appendOp, limit int) ([]*appendOp, bool) {
	select {
	case op := <-q:
		batch = append(batch[:0], op)
	case <-quit:
		return batch[:0], false
	}
	for len(batch) < limit {
		select {
		case op := <-q:
			batch = append(batch, op)
		default:
			return batch, true
		}
	}
	return batch, true
}

// repeat calls run after each wake, once delay has passed (so that what
// follows the wake closely joins the run), and at every tick, until quit
// is closed. A run under way when quit is closed finishes first.
func repeat(quit, wake <-chan struct{}, delay, tick time.Duration, run func()) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-quit:
			return
		case <-wake:
			select {
			case <-time.After(delay):
			case <-quit:
				return
			}
		case <-t.C:
		}
		run()
	}
}

package lifecycle

import (
	"time"

	"github.com/govit-cn/govit/calendar"
)

// ObligationsOf lists the duties of a folded project, for tests that
// compare folds.
func ObligationsOf(rb *Rulebook, cal *calendar.Calendar, p *Project, asOf time.Time) ([]Obligation, error) {
	return obligationsOf(rb, cal, p, asOf)
}

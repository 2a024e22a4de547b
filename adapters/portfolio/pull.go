package portfolio

import (
	"iter"

	"github.com/govit-cn/govit/lifecycle"
)

// iterPull is iter.Pull2 for summaries.
func iterPull(seq iter.Seq2[lifecycle.Summary, error]) (func() (lifecycle.Summary, error, bool), func()) {
	return iter.Pull2(seq)
}

package lifecycle

import (
	"context"
)

// OverlapFeatures is what the 第四条 check needs of a project's
// declaration in force, computed once when it is declared: the texts the
// similarity is scored on, and their character bigrams (review.Bigrams),
// the keys of the index.
type OverlapFeatures struct {
	Unit     string
	Name     string
	Content  string
	ParentID string
	Grams    []uint64
}

// OverlapQuery asks an OverlapIndex for the projects that may reach
// MinPercent similarity with a declaration whose bigrams are Grams.
type OverlapQuery struct {
	// Grams are the declaration's distinct bigrams, sorted.
	Grams []uint64
	// MinPercent is the similarity threshold of the policy (1–100).
	MinPercent int
	// Unit, if not empty, keeps the projects of that unit only.
	Unit string
}

// OverlapCandidate is a project an OverlapIndex found.
type OverlapCandidate struct {
	ProjectID string
	State     State
	Unit      string
	Name      string
	Content   string
	ParentID  string
}

// OverlapIndex is a Store that keeps the OverlapFeatures of each project
// (AppendRequest.Overlap) in an index.
type OverlapIndex interface {
	// OverlapCandidates returns, ordered by project ID, a superset of the
	// projects whose bigrams reach q.MinPercent Jaccard similarity with
	// q.Grams (100 × shared ≥ MinPercent × either): no project that
	// reaches it may be missing. The caller scores the candidates exactly.
	OverlapCandidates(ctx context.Context, q OverlapQuery) ([]OverlapCandidate, error)
}

// OverlapProbe is the part of q.Grams an index must look up, and the
// least number of them a project must hold to be a candidate.
//
// A project B reaching the threshold t = MinPercent/100 with the
// declaration A shares s ≥ t·|A ∪ B| ≥ t·|A| bigrams with it. Take the
// bigrams of A in any order: if B held none of the first |A| − ⌈t·|A|⌉ + 1,
// it would share at most ⌈t·|A|⌉ − 1 of the rest, too few. So B holds at
// least one of that prefix (prefix filtering), and an index needs to look
// up only those — the rarest first, to read the fewest entries.
//
// Counting the prefix bigrams m that B holds bounds s ≤ m + (|A| − len),
// and s·(100 + MinPercent) ≥ MinPercent·(|A| + |B|) is needed; with s ≤
// |A|, |B| and the bound on s, Admit decides in integers whether B may
// reach the threshold.
type OverlapProbe struct {
	// Size is |A|, Rest is |A| minus the prefix length.
	Size, Rest int
	MinPercent int
}

// NewOverlapProbe returns the probe of a declaration of size distinct
// bigrams and the prefix length to look up.
func NewOverlapProbe(size, minPercent int) (OverlapProbe, int) {
	minPercent = min(max(minPercent, 1), 100)
	need := (minPercent*size + 99) / 100 // ⌈t·|A|⌉
	prefix := size - need + 1
	return OverlapProbe{Size: size, Rest: size - prefix, MinPercent: minPercent}, prefix
}

// Admit reports whether a project of size bigrams holding matched of the
// prefix may reach the threshold.
func (p OverlapProbe) Admit(size, matched int) bool {
	s := min(matched+p.Rest, size, p.Size)
	return s*(100+p.MinPercent) >= p.MinPercent*(p.Size+size)
}

// SizeRange is the range of sizes a project reaching the threshold can
// have: MinPercent·|B| ≤ 100·|A| and 100·|B| ≥ MinPercent·|A|.
func (p OverlapProbe) SizeRange() (lo, hi int) {
	return (p.MinPercent*p.Size + 99) / 100, 100 * p.Size / p.MinPercent
}

package review

import (
	"fmt"
	"slices"
	"unicode"
)

// OverlapPolicy sets how Overlaps looks for duplicate investment and
// construction (第四条 避免重复投资、重复建设).
//
// Similarity is the Jaccard index of the character bigrams of the project
// name and content (项目名称, 项目内容及功能), after width folding and
// dropping spaces and punctuation: the bigrams both texts share, over the
// bigrams either has. It is computed in integers; a pair is flagged when
// 100 × shared ≥ MinPercent × either.
type OverlapPolicy struct {
	// MinPercent is the similarity, in percent, from which an existing
	// project is flagged (1–100).
	MinPercent int
	// SameUnitOnly restricts the comparison to projects of the same
	// declaring unit. By default every unit's projects are compared, as
	// 第四条 is about 各自为政、自成体系 across departments.
	SameUnitOnly bool
}

// DefaultOverlapPolicy flags projects of any unit from 50% similarity.
func DefaultOverlapPolicy() OverlapPolicy {
	return OverlapPolicy{MinPercent: 50}
}

// Overlaps compares a new declaration with existing projects under
// DefaultOverlapPolicy; see OverlapPolicy.Overlaps.
func Overlaps(d Declaration, existing []Declaration) []Finding {
	return DefaultOverlapPolicy().Overlaps(d, existing)
}

// Overlaps reports existing projects whose name and content are so similar
// to d's that they may be the same investment twice (第四条). Each finding,
// code "possible_duplicate_investment", is a warning for the reviewer, not
// a refusal: similar wording can have good reasons.
//
// Projects that are d itself or phases of the same phased project (第八条:
// matching ID, ParentID) are not compared. Findings are ordered by
// similarity, highest first, then by position in existing. A MinPercent
// outside 1–100 is read as the nearest bound.
func (p OverlapPolicy) Overlaps(d Declaration, existing []Declaration) []Finding {
	minPct := min(max(p.MinPercent, 1), 100)
	mine := bigramSet(d.Name, d.Content)
	if len(mine) == 0 {
		return nil
	}
	type hit struct {
		index, percent int
	}
	var hits []hit
	for i, e := range existing {
		if p.SameUnitOnly && normalizeTitle(e.Unit) != normalizeTitle(d.Unit) {
			continue
		}
		if relatedPhases(d, e) {
			continue
		}
		theirs := bigramSet(e.Name, e.Content)
		shared := intersectSorted(mine, theirs)
		either := len(mine) + len(theirs) - shared
		if either == 0 || 100*shared < minPct*either {
			continue
		}
		hits = append(hits, hit{i, 100 * shared / either})
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return b.percent - a.percent })
	fs := make([]Finding, 0, len(hits))
	for _, h := range hits {
		e := existing[h.index]
		ref := e.Name
		if e.ID != "" {
			ref = fmt.Sprintf("%s（%s）", e.Name, e.ID)
		}
		fs = append(fs, Finding{
			Code: "possible_duplicate_investment", Article: "第四条",
			ZH: fmt.Sprintf("与%s已有项目“%s”的名称和内容相似度为 %d%%，请核查是否重复投资、重复建设", e.Unit, ref, h.percent),
			EN: fmt.Sprintf("name and content are %d%% similar to the existing project %q of %s; check for duplicate investment", h.percent, ref, e.Unit),
		})
	}
	return fs
}

// relatedPhases reports whether a and b are the same project or phases of
// one phased project.
func relatedPhases(a, b Declaration) bool {
	switch {
	case a.ID != "" && a.ID == b.ID:
		return true
	case a.ParentID != "" && (a.ParentID == b.ID || a.ParentID == b.ParentID):
		return true
	case b.ParentID != "" && b.ParentID == a.ID:
		return true
	}
	return false
}

// bigramSet returns the sorted distinct character bigrams of the texts,
// each normalised; bigrams do not span from one text to the next.
func bigramSet(texts ...string) []uint64 {
	var set []uint64
	for _, t := range texts {
		prev := rune(-1)
		for _, r := range t {
			r = foldWidth(r)
			if !letterOrDigit(r) {
				continue
			}
			r = unicode.ToLower(r)
			if prev >= 0 {
				set = append(set, uint64(prev)<<32|uint64(r))
			}
			prev = r
		}
	}
	slices.Sort(set)
	return slices.Compact(set)
}

// intersectSorted counts the values two sorted distinct slices share.
func intersectSorted(a, b []uint64) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			n++
			i++
			j++
		}
	}
	return n
}

// Bigrams returns the sorted distinct character bigrams Overlaps scores a
// declaration's texts on (its name and content, each normalised, bigrams
// not spanning from one text to the next), for an index that finds the
// candidates before Overlaps scores them.
func Bigrams(name, content string) []uint64 { return bigramSet(name, content) }

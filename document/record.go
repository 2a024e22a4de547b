package document

import (
	"slices"
	"time"

	"github.com/govit-cn/govit/review"
)

// Status is the outcome of one check.
type Status string

// The outcomes of a check.
const (
	Passed     Status = "passed"
	Failed     Status = "failed"
	NotChecked Status = "not_checked"
)

// Property is one of the four properties of an electronic record that
// DA/T 70-2018 checks.
type Property string

// The four properties of DA/T 70-2018.
const (
	Authenticity Property = "authenticity" // 真实性
	Integrity    Property = "integrity"    // 完整性
	Usability    Property = "usability"    // 可用性
	Security     Property = "security"     // 安全性
)

// The checks run on arrival, by name.
const (
	CheckFixity     = "fixity"     // digest computed while writing; declared digest; stored size
	CheckName       = "name"       // a plain file name whose extension fits the content
	CheckSize       = "size"       // a non-empty body within the limit, as recorded
	CheckFormat     = "format"     // sniffed media type on the allow-list
	CheckOpen       = "open"       // no encryption, no proprietary container
	CheckParse      = "parse"      // the file's structure reads
	CheckContainer  = "container"  // ZIP: paths, entries, expansion
	CheckVirus      = "virus"      // the Scanner's verdict
	CheckSignatures = "signatures" // electronic signatures and seals
)

// CheckResult is the recorded outcome of one check on arrival.
type CheckResult struct {
	// Check names the check (CheckFixity, …).
	Check string `json:"check"`
	// Property is the DA/T 70-2018 property it serves.
	Property Property `json:"property"`
	Status   Status   `json:"status"`
	// Code is a stable code for a failure or a note, e.g. "zip_path_unsafe".
	Code string `json:"code,omitempty"`
	// ZH and EN explain the outcome.
	ZH string `json:"zh,omitempty"`
	EN string `json:"en,omitempty"`
	// By names who checked (the scanner), when not this package.
	By string `json:"by,omitempty"`
}

// Record is the payload of the event that files one version of a
// document: what the archive keeps of it beside its bytes.
type Record struct {
	// Slot is the document's slot key, e.g. "contract:HT-2026-001".
	Slot string `json:"slot"`
	// Version counts the slot's uploads from 1.
	Version int `json:"version"`
	// Name is the file name as sent (base name only).
	Name string `json:"name"`
	// Size is the length in bytes.
	Size int64 `json:"size"`
	// MediaType is sniffed from the content, e.g. "application/pdf".
	MediaType string `json:"media_type"`
	// Digest is the content's digest; the blob is stored under it.
	Digest Digest `json:"digest"`
	// Checks are the results of the checks on arrival, in order.
	Checks []CheckResult `json:"checks"`
	// TOC is the table of contents read from a requirement
	// specification, when one could be read.
	TOC *TOC `json:"toc,omitempty"`
}

// Passed reports whether no check on arrival failed.
func (r Record) Passed() bool {
	return !slices.ContainsFunc(r.Checks, func(c CheckResult) bool { return c.Status == Failed })
}

// Withdrawal is the payload of the event that withdraws one version of a
// document; the slot's current version falls back to the latest version
// not withdrawn. The bytes stay in the store: an archive does not forget.
type Withdrawal struct {
	Slot    string `json:"slot"`
	Version int    `json:"version"`
	// Reason is required: an archive records why.
	Reason string `json:"reason"`
}

// Version is one version of a document in a Register.
type Version struct {
	Record
	// At is when it was filed, ProjectVersion the project version of the
	// event that filed it, By who filed it.
	At             time.Time `json:"at"`
	ProjectVersion int64     `json:"project_version"`
	By             string    `json:"by"`
	// Withdrawn, with its reason, once withdrawn.
	Withdrawn        bool   `json:"withdrawn,omitempty"`
	WithdrawalReason string `json:"withdrawal_reason,omitempty"`
}

// SlotHistory is one slot with its versions, oldest first.
type SlotHistory struct {
	Slot     string    `json:"slot"`
	Versions []Version `json:"versions"`
}

// Current returns the latest version not withdrawn.
func (h SlotHistory) Current() (Version, bool) {
	for i := len(h.Versions) - 1; i >= 0; i-- {
		if !h.Versions[i].Withdrawn {
			return h.Versions[i], true
		}
	}
	return Version{}, false
}

// Register is the fold of a project's document events: every slot with
// its versions, slots in the order first filed.
type Register struct {
	Slots []SlotHistory `json:"slots,omitempty"`
}

// Clone returns a deep copy.
func (g Register) Clone() Register {
	out := Register{Slots: make([]SlotHistory, len(g.Slots))}
	for i, h := range g.Slots {
		out.Slots[i] = SlotHistory{Slot: h.Slot, Versions: slices.Clone(h.Versions)}
	}
	if g.Slots == nil {
		out.Slots = nil
	}
	return out
}

// History returns the slot's history, if it has one.
func (g *Register) History(slot string) (SlotHistory, bool) {
	for _, h := range g.Slots {
		if h.Slot == slot {
			return h, true
		}
	}
	return SlotHistory{}, false
}

// Current returns the slot's current version.
func (g *Register) Current(slot string) (Version, bool) {
	h, ok := g.History(slot)
	if !ok {
		return Version{}, false
	}
	return h.Current()
}

// NextVersion is the version number the slot's next upload gets.
func (g *Register) NextVersion(slot string) int {
	h, _ := g.History(slot)
	return len(h.Versions) + 1
}

// File adds a version.
func (g *Register) File(v Version) {
	for i := range g.Slots {
		if g.Slots[i].Slot == v.Slot {
			g.Slots[i].Versions = append(g.Slots[i].Versions, v)
			return
		}
	}
	g.Slots = append(g.Slots, SlotHistory{Slot: v.Slot, Versions: []Version{v}})
}

// Withdraw marks a version withdrawn; it reports whether there was such a
// version not yet withdrawn.
func (g *Register) Withdraw(w Withdrawal) bool {
	for i := range g.Slots {
		if g.Slots[i].Slot != w.Slot {
			continue
		}
		for j := range g.Slots[i].Versions {
			v := &g.Slots[i].Versions[j]
			if v.Version == w.Version && !v.Withdrawn {
				v.Withdrawn, v.WithdrawalReason = true, w.Reason
				return true
			}
		}
	}
	return false
}

// Counting returns the current version of each slot that passed its
// checks on arrival: what counts for the archive of 第十五条.
func (g *Register) Counting() map[string]Version {
	out := make(map[string]Version)
	for _, h := range g.Slots {
		if v, ok := h.Current(); ok && v.Passed() {
			out[h.Slot] = v
		}
	}
	return out
}

// ArchiveKeys returns the keys of the documents of 第十五条
// (review.Documents) that the register holds, for review.CheckArchive: a
// document counts only when the current version of its slot passed its
// checks on arrival. The project contracts (项目合同) count when every
// contract in contracts has its "contract:<number>" slot counting, and
// there is at least one.
func (g *Register) ArchiveKeys(contracts []string) []string {
	counting := g.Counting()
	var keys []string
	for _, d := range review.Documents() {
		if d.Key == review.DocContracts {
			ok := len(contracts) > 0
			for _, c := range contracts {
				if _, filed := counting[Slot{Kind: KindContract, Qualifier: c}.String()]; !filed {
					ok = false
				}
			}
			if ok {
				keys = append(keys, d.Key)
			}
			continue
		}
		if _, ok := counting[d.Key]; ok {
			keys = append(keys, d.Key)
		}
	}
	return keys
}

package document_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/review"
)

func version(slot string, v int, ok bool) document.Version {
	st := document.Passed
	if !ok {
		st = document.Failed
	}
	return document.Version{Record: document.Record{Slot: slot, Version: v, Name: slot + ".pdf",
		Checks: []document.CheckResult{{Check: document.CheckName, Status: st}}}}
}

func TestRegister_CurrentAndWithdrawal(t *testing.T) {
	var g document.Register
	assert.Equal(t, 1, g.NextVersion("test_report"))
	g.File(version("test_report", 1, true))
	g.File(version("test_report", 2, true))
	assert.Equal(t, 3, g.NextVersion("test_report"))
	cur, ok := g.Current("test_report")
	require.True(t, ok)
	assert.Equal(t, 2, cur.Version)

	require.True(t, g.Withdraw(document.Withdrawal{Slot: "test_report", Version: 2, Reason: "错传"}))
	assert.False(t, g.Withdraw(document.Withdrawal{Slot: "test_report", Version: 2, Reason: "again"}), "withdrawn once")
	cur, _ = g.Current("test_report")
	assert.Equal(t, 1, cur.Version, "falls back to the latest not withdrawn")
	h, _ := g.History("test_report")
	assert.Len(t, h.Versions, 2, "history keeps the withdrawn version")
	assert.Equal(t, "错传", h.Versions[1].WithdrawalReason)

	require.True(t, g.Withdraw(document.Withdrawal{Slot: "test_report", Version: 1, Reason: "x"}))
	_, ok = g.Current("test_report")
	assert.False(t, ok)

	c := g.Clone()
	c.File(version("user_report", 1, true))
	assert.Len(t, g.Slots, 1, "a clone is independent")
}

// Test第十五条_ArchiveFromFiles: a 第十五条 document counts only when the
// current version of its slot passed its checks; the contracts count when
// every contract of the project has its copy.
func Test第十五条_ArchiveFromFiles(t *testing.T) {
	var g document.Register
	g.File(version("construction_plan", 1, true))
	g.File(version("test_report", 1, true))
	g.File(version("test_report", 2, false)) // current version failed a check
	g.File(version("user_report", 1, true))
	g.Withdraw(document.Withdrawal{Slot: "user_report", Version: 1, Reason: "x"})
	g.File(version("contract:HT-1", 1, true))
	g.File(version("requirement_spec", 1, true)) // not a 第十五条 document

	assert.Equal(t, []string{review.DocConstructionPlan}, g.ArchiveKeys([]string{"HT-1", "HT-2"}), "HT-2 lacks its copy")
	assert.Equal(t, []string{review.DocConstructionPlan, review.DocContracts}, g.ArchiveKeys([]string{"HT-1"}))
	assert.Equal(t, []string{review.DocConstructionPlan}, g.ArchiveKeys(nil), "no contract: the contracts are not filed")

	fs := review.CheckArchive(review.ArchiveFacts{}, g.ArchiveKeys([]string{"HT-1"}))
	var missing []string
	for _, f := range fs {
		missing = append(missing, f.Field)
	}
	assert.Equal(t, []string{"documents.data_structure_design", "documents.procurement_documents", "documents.test_report",
		"documents.acceptance_report", "documents.user_report", "documents.acceptance_opinion"}, missing)
}

func TestKinds_CoverArchive(t *testing.T) {
	archive := map[string]bool{}
	for _, k := range document.Kinds() {
		if k.Archive != "" {
			archive[k.Archive] = true
		}
		assert.NotEmpty(t, k.Article, k.Key)
	}
	for _, d := range review.Documents() {
		assert.True(t, archive[d.Key], "第十五条 document %s has a slot kind", d.Key)
	}
}

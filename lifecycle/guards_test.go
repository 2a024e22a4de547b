package lifecycle_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// articleRef is how a guard cites the measure: an article (第十一条, with
// an item 第十一条第（一）项) or an annex (附件1).
var articleRef = regexp.MustCompile(`^(第[一二三四五六七八九十]+条(第（[一二三四五六七八九十]+）项)?|附件[0-9]+)$`)

// TestGuardsCiteTheirArticles: every guard of the transition table names
// the provision behind it and says in Chinese and in English what it
// requires; the guards the table rows name are exactly those Guards lists.
func TestGuardsCiteTheirArticles(t *testing.T) {
	listed := map[string]bool{}
	for _, g := range lifecycle.Guards() {
		assert.NotEmpty(t, g.Name)
		assert.False(t, listed[g.Name], "guard %s listed twice", g.Name)
		listed[g.Name] = true
		assert.Regexp(t, articleRef, g.Article, "guard %s cites its article", g.Name)
		assert.NotEmpty(t, g.ZH, "guard %s says in Chinese what it requires", g.Name)
		assert.NotEmpty(t, g.EN, "guard %s says in English what it requires", g.Name)
	}
	used := map[string]bool{}
	rb := lifecycle.Yubei2019()
	for _, kind := range []review.Kind{review.Construction, review.Operation} {
		for _, row := range rb.Table(kind) {
			for _, g := range row.Guards {
				assert.True(t, listed[g.Name], "%s %s names guard %s, which Guards does not list", kind, row.Action, g.Name)
				used[g.Name] = true
			}
		}
	}
	for name := range listed {
		assert.True(t, used[name], "guard %s is in no row of either table", name)
	}
}

// omOperating declares a 运维类 project for budget year 2026 and takes it to
// operation with contract YW-1, on clock c.
func omOperating(t *testing.T, c *clock) (*lifecycle.Engine, string) {
	t.Helper()
	c.Set(2025, time.December, 1)
	e := newEngine(t, c)
	id := declare(t, e, declaration(review.Operation, false, district("80")))
	do(t, e, id, bdb, lifecycle.ActOMEvaluation, omEvaluation(review.OMGood, district("60")))
	c.Set(2026, time.January, 5)
	do(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2026, "type": "annual"})
	do(t, e, id, unitA, lifecycle.ActSignContract, contract("YW-1", "40", "2026-01-05", false))
	return e, id
}

// decided is the error of Decide for an action on a project read from the
// engine and then altered by alter, to reach a guard that the state alone
// already decides on every history the engine can write.
func decided(t *testing.T, e *lifecycle.Engine, c *clock, id string, alter func(*lifecycle.Project), actor lifecycle.Actor, action lifecycle.Action, payload any) error {
	t.Helper()
	p, err := e.Get(context.Background(), bdb, id)
	require.NoError(t, err)
	alter(p)
	_, err = lifecycle.DecideJSON(e.Rulebook(p.DeclaredAt), p, actor, action, js(t, payload), c.Now())
	return err
}

// TestEveryGuardRefuses: for every guard of the table, a case named after
// its article in which that guard, and no other check, refuses the
// action; the refusal names the guard, cites its article, and explains
// itself in Chinese and English under a stable code.
func TestEveryGuardRefuses(t *testing.T) {
	cases := map[string]func(t *testing.T, c *clock) error{
		lifecycle.GuardNotClassified: func(t *testing.T, c *clock) error {
			d := declaration(review.Construction, false, district("100"))
			d.Classified = true
			_, _, err := newEngine(t, c).Declare(context.Background(), unitA, d)
			return err
		},
		lifecycle.GuardInScope: func(t *testing.T, c *clock) error {
			d := declaration(review.Construction, false, district("100"))
			for _, cat := range review.ItemCategories() {
				if cat.Excluded() {
					d.Items = []review.Item{{Category: cat, Name: "办公电脑"}}
					break
				}
			}
			require.NotEmpty(t, d.Items, "some item category is out of scope")
			_, _, err := newEngine(t, c).Declare(context.Background(), unitA, d)
			return err
		},
		lifecycle.GuardDeclarationValid: func(t *testing.T, c *clock) error {
			d := declaration(review.Construction, false, district("100"))
			d.Name = ""
			_, _, err := newEngine(t, c).Declare(context.Background(), unitA, d)
			return err
		},
		lifecycle.GuardSameProject: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := declare(t, e, declaration(review.Construction, false, district("100")))
			do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(false))
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActDeclare,
				js(t, declaration(review.Operation, false, district("100"))))
			return err
		},
		lifecycle.GuardBudgetYear: func(t *testing.T, c *clock) error {
			e, id := omOperating(t, c)
			next := declaration(review.Operation, false, district("70"))
			next.BudgetYear = 2025 // before the year in operation, 2026
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActDeclare, js(t, next))
			return err
		},
		lifecycle.GuardPreliminaryCriteria: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := declare(t, e, declaration(review.Construction, false, district("100")))
			input := preliminary(true)
			// 第六条 has criteria (一) to (四) only.
			input["judgment"].(map[string]any)["concerns"] = []map[string]any{{"criterion": 5, "zh": "不在审核内容之列"}}
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, bdb, lifecycle.ActPreliminaryReview, js(t, input))
			return err
		},
		lifecycle.GuardPreliminaryPassed: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := declare(t, e, declaration(review.Construction, false, district("100")))
			do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
			return decided(t, e, c, id, func(p *lifecycle.Project) { p.Preliminary = nil },
				bdb, lifecycle.ActExpertReview, expert(true, district("100")))
		},
		lifecycle.GuardExpertPanel: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := declare(t, e, declaration(review.Construction, false, district("100")))
			do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
			panel := expert(true, district("100"))
			panel["organisers"] = []string{"bdb", "finance"}
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, bdb, lifecycle.ActExpertReview, js(t, panel))
			return err
		},
		lifecycle.GuardExpertPassed: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := declare(t, e, declaration(review.Construction, false, district("100")))
			do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
			do(t, e, id, bdb, lifecycle.ActExpertReview, expert(true, district("100")))
			return decided(t, e, c, id, func(p *lifecycle.Project) { p.Expert = nil },
				gov, lifecycle.ActDeliberate, map[string]any{"approved": true})
		},
		lifecycle.GuardOMCriteria: func(t *testing.T, c *clock) error {
			c.Set(2025, time.December, 1)
			e := newEngine(t, c)
			id := declare(t, e, declaration(review.Operation, false, district("80")))
			ev := omEvaluation(review.OMGood, district("60"))
			ev["opinion"] = "" // no opinion recorded
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, bdb, lifecycle.ActOMEvaluation, js(t, ev))
			return err
		},
		lifecycle.GuardFixedAsset: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := declare(t, e, declaration(review.Construction, false, district("100")))
			toBudget(t, e, id, district("100"))
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActApplyInitiation, nil)
			return err
		},
		lifecycle.GuardInitiatedIfFixedAsset: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := declare(t, e, declaration(review.Construction, true, district("100")))
			toBudget(t, e, id, district("100"))
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActStartProcurement, nil)
			return err
		},
		lifecycle.GuardApprovedAndBudgeted: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := approvedProject(t, e)
			return decided(t, e, c, id, func(p *lifecycle.Project) { p.Budgeting = nil },
				unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-03", false))
		},
		lifecycle.GuardNoChangePending: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := approvedProject(t, e)
			do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("50"))
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActSignContract,
				js(t, contract("A", "1", "2025-03-03", false)))
			return err
		},
		lifecycle.GuardContractValid: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := approvedProject(t, e)
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActSignContract,
				js(t, contract("A", "1", "2025-03-04", false))) // tomorrow
			return err
		},
		lifecycle.GuardWithinInvestment: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := approvedProject(t, e) // 1000 万元 approved
			do(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "999.99", "2025-03-03", false))
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActSignContract,
				js(t, contract("B", "0.011", "2025-03-03", false)))
			return err
		},
		lifecycle.GuardContractUnfiled: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := approvedProject(t, e)
			do(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-03", false))
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActFileContract,
				js(t, map[string]any{"contract_id": "B"}))
			return err
		},
		lifecycle.GuardChangeAssessed: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := approvedProject(t, e)
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActRequestChange,
				js(t, map[string]any{"reason": "", "items": []any{}}))
			return err
		},
		lifecycle.GuardChangePending: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := approvedProject(t, e)
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, bdb, lifecycle.ActApproveChange, nil)
			return err
		},
		lifecycle.GuardChangeApprover: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := approvedProject(t, e) // not a fixed-asset project: bdb alone approves
			do(t, e, id, unitA, lifecycle.ActRequestChange, changeOf("50"))
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, drc, lifecycle.ActApproveChange, nil)
			return err
		},
		lifecycle.GuardAcceptancePrerequisites: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := approvedProject(t, e)
			do(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-03", false))
			facts := acceptanceFacts(false)
			facts["facts"].(map[string]any)["sharing_platform_connected"] = false
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActApplyAcceptance, js(t, facts))
			return err
		},
		lifecycle.GuardArchiveComplete: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := approvedProject(t, e)
			do(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-03", false))
			do(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false))
			do(t, e, id, bdb, lifecycle.ActAccept, map[string]any{"passed": true, "opinion": "通过"})
			do(t, e, id, unitA, lifecycle.ActDeliver, nil)
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActArchive,
				js(t, map[string]any{"documents": []string{}}))
			return err
		},
		lifecycle.GuardBudgeted: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := declare(t, e, declaration(review.Construction, true, district("100")))
			do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
			do(t, e, id, bdb, lifecycle.ActExpertReview, expert(true, district("100")))
			do(t, e, id, gov, lifecycle.ActDeliberate, map[string]any{"approved": true})
			do(t, e, id, unitA, lifecycle.ActApplyInitiation, nil)
			do(t, e, id, drc, lifecycle.ActApproveInitiation, map[string]any{"approved": true, "number": "渝北发改投〔2025〕7号"})
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActStartProcurement, nil)
			return err
		},
		lifecycle.GuardNotBudgeted: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := declare(t, e, declaration(review.Construction, true, district("100")))
			toBudget(t, e, id, district("100"))
			do(t, e, id, unitA, lifecycle.ActApplyInitiation, nil)
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, finance, lifecycle.ActBudget,
				js(t, map[string]any{"year": 2025, "type": "additional"}))
			return err
		},
		lifecycle.GuardNotArchived: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := approvedProject(t, e)
			do(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-03", false))
			do(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false))
			do(t, e, id, bdb, lifecycle.ActAccept, map[string]any{"passed": true, "opinion": "通过"})
			do(t, e, id, unitA, lifecycle.ActArchive, allDocuments())
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActArchive, js(t, allDocuments()))
			return err
		},
		lifecycle.GuardNotEvaluated: func(t *testing.T, c *clock) error {
			e := newEngine(t, c)
			id := approvedProject(t, e)
			do(t, e, id, unitA, lifecycle.ActSignContract, contract("A", "1", "2025-03-03", false))
			do(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false))
			do(t, e, id, bdb, lifecycle.ActAccept, map[string]any{"passed": true, "opinion": "通过"})
			do(t, e, id, bdb, lifecycle.ActEvaluate, map[string]any{"opinion": "良好"})
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, bdb, lifecycle.ActEvaluate,
				js(t, map[string]any{"opinion": "再评"}))
			return err
		},
		lifecycle.GuardActiveContract: func(t *testing.T, c *clock) error {
			e, id := omOperating(t, c)
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActTerminateContract,
				js(t, map[string]any{"contract_id": "YW-9", "reason": "服务商无法履约"}))
			return err
		},
		lifecycle.GuardWrittenReason: func(t *testing.T, c *clock) error {
			e, id := omOperating(t, c)
			_, _, err := e.DoJSON(context.Background(), id, lifecycle.AnyVersion, unitA, lifecycle.ActTerminateContract,
				js(t, map[string]any{"contract_id": "YW-1", "reason": ""}))
			return err
		},
	}
	names := map[string]bool{}
	for _, g := range lifecycle.Guards() {
		names[g.Name] = true
		t.Run(g.Article+"/"+g.Name+" refuses", func(t *testing.T) {
			refuse, ok := cases[g.Name]
			require.True(t, ok, "guard %s has no case that makes it refuse", g.Name)
			err := refuse(t, newClock(at(2025, time.March, 3)))
			var le *lifecycle.Error
			require.ErrorAs(t, err, &le, "guard %s", g.Name)
			assert.Equal(t, g.Name, le.Guard, "%v", err)
			assert.Equal(t, g.Article, le.Article, "%v", err)
			assert.Contains(t, []lifecycle.Kind{lifecycle.KindRefused, lifecycle.KindInvalid, lifecycle.KindForbidden}, le.Kind)
			assert.Regexp(t, `^[a-z][a-z0-9_]*$`, le.Code)
			assert.NotEmpty(t, le.ZH)
			assert.NotEmpty(t, le.EN)
			for _, f := range le.Findings {
				assert.NotEmpty(t, f.Code, "finding %+v", f)
				assert.NotEmpty(t, f.Article, "finding %+v", f)
				assert.NotEmpty(t, f.ZH, "finding %+v", f)
				assert.NotEmpty(t, f.EN, "finding %+v", f)
			}
		})
	}
	for name := range cases {
		assert.True(t, names[name], "case for %s, which is not a guard", name)
	}
}

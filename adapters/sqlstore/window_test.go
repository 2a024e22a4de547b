package sqlstore

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// TestKeptFoldOfTheFormerFormatIsRebuilt checks that a kept fold of the
// format before the windowed lists is not read: the engine replays the
// history (the project it returns holds the latest lifecycle.ListWindow
// audits and their total), and the next append keeps a fold of the
// current format.
func TestKeptFoldOfTheFormerFormatIsRebuilt(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			s := open(t, d.dsn(t))
			e := engineOver(t, s, -1)
			p, _, err := e.Declare(t.Context(), engUnit, engDeclaration("区教委", "智慧教育云平台", "建设全区中小学统一的教育管理与资源共享平台"))
			require.NoError(t, err)
			const audits = lifecycle.ListWindow + 3
			for i := range audits {
				_, _, err := e.DoJSON(t.Context(), p.ID, lifecycle.AnyVersion, engAudit, lifecycle.ActAudit, engJS(t, map[string]any{"summary": fmt.Sprint("检查", i)}))
				require.NoError(t, err)
			}
			// The fold as format 1 kept it: every audit, no totals.
			snap, err := s.LoadSnapshot(t.Context(), p.ID)
			require.NoError(t, err)
			require.NotNil(t, snap.Data)
			var fold map[string]any
			require.NoError(t, json.Unmarshal(snap.Data, &fold))
			fold["format"] = 1
			proj := fold["project"].(map[string]any)
			delete(proj, "audits_total")
			proj["audits"] = []any{}
			old, err := json.Marshal(fold)
			require.NoError(t, err)
			_, err = s.DB().ExecContext(t.Context(), `UPDATE snapshots SET data = $1 WHERE project_id = $2`, old, p.ID)
			require.NoError(t, err)

			got, err := e.Get(t.Context(), engUnit, p.ID)
			require.NoError(t, err)
			assert.Len(t, got.Audits, lifecycle.ListWindow)
			assert.Equal(t, audits, got.AuditsTotal)
			n, err := s.AuditFolds(t.Context(), func(id, detail string) { t.Errorf("%s: %s", id, detail) })
			require.NoError(t, err)
			assert.Equal(t, 1, n)

			_, _, err = e.DoJSON(t.Context(), p.ID, lifecycle.AnyVersion, engAudit, lifecycle.ActAudit, engJS(t, map[string]any{"summary": "复查"}))
			require.NoError(t, err)
			snap, err = s.LoadSnapshot(t.Context(), p.ID)
			require.NoError(t, err)
			kept, ok, err := lifecycle.DecodeSnapshot(snap.Data)
			require.NoError(t, err)
			require.True(t, ok, "the append keeps a fold of the current format")
			assert.Equal(t, audits+1, kept.AuditsTotal)
			assert.Len(t, kept.Audits, lifecycle.ListWindow)
		})
	}
}

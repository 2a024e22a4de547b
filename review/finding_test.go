package review

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFinding(t *testing.T) {
	f := Finding{Code: "budget_total_mismatch", Article: "附件1", Field: "budget.total", ZH: "合计不符", EN: "total differs"}
	t.Run("附件1/string names code, article, field and message", func(t *testing.T) {
		assert.Equal(t, "budget_total_mismatch (附件1) budget.total: total differs", f.String())
		assert.Equal(t, "out_of_scope", Finding{Code: "out_of_scope"}.String())
	})
	t.Run("附件1/JSON names", func(t *testing.T) {
		data, err := json.Marshal(Finding{Code: "c", Article: "a", ZH: "z", EN: "e"})
		require.NoError(t, err)
		assert.JSONEq(t, `{"code":"c","article":"a","zh":"z","en":"e"}`, string(data))
	})
	t.Run("附件1/error carries every finding", func(t *testing.T) {
		g := Finding{Code: "field_required", Article: "附件1", Field: "unit", EN: "unit is required"}
		err := errorOf([]Finding{f, g})
		var rerr *Error
		require.True(t, errors.As(err, &rerr))
		assert.Equal(t, []string{"budget_total_mismatch", "field_required"}, rerr.Codes())
		assert.Equal(t, f.String()+"; "+g.String(), err.Error())
	})
	t.Run("附件1/no findings is no error", func(t *testing.T) {
		assert.NoError(t, errorOf(nil))
	})
}

package sqlstore

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// TestTextTheDatabaseCannotHold: an ID, filter or cursor with NUL or bytes
// that are not UTF-8 (which PostgreSQL refuses) finds nothing or is an
// invalid request, never a failure of the store, on both databases.
func TestTextTheDatabaseCannotHold(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			s := open(t, d.dsn(t))
			ctx := t.Context()
			_, err := s.Append(ctx, 0, testEvents("p1", 1, 1), lifecycle.Summary{Name: "学籍平台", Unit: "区教委", Kind: "construction", State: "declared"})
			require.NoError(t, err)
			_, err = s.Append(ctx, 0, testEvents("p2", 1, 1), lifecycle.Summary{Name: "挂号平台", Unit: "区卫健委", Kind: "construction", State: "declared"})
			require.NoError(t, err)

			for _, id := range []string{"p1\x00", "\x00", "\xff", "p\xfe1"} {
				_, err := s.Load(ctx, id)
				assert.ErrorIs(t, err, lifecycle.ErrNotFound, "Load %q", id)
				_, err = s.Verify(ctx, id)
				assert.ErrorIs(t, err, lifecycle.ErrNotFound, "Verify %q", id)
			}
			for _, q := range []lifecycle.Query{{Unit: "区教委\x00"}, {Unit: "\xff"}, {State: "declared\x00"}, {Kind: "\xc3"}} {
				page, next, err := s.List(ctx, q)
				require.NoError(t, err, "%+v", q)
				assert.Empty(t, page, "%+v", q)
				assert.Empty(t, next, "%+v", q)
			}
			// IDs order by bytes and never hold NUL: after "p1\x00…" comes p2.
			page, _, err := s.List(ctx, lifecycle.Query{After: "p1\x00zz"})
			require.NoError(t, err)
			require.Len(t, page, 1)
			assert.Equal(t, "p2", page[0].ProjectID)
			_, _, err = s.List(ctx, lifecycle.Query{After: "p\xff"})
			assert.ErrorIs(t, err, lifecycle.ErrInvalid)

			for name, sum := range map[string]lifecycle.Summary{
				"name": {Name: "学籍\x00平台", Unit: "区教委"},
				"unit": {Name: "学籍平台", Unit: "区教委\xff"},
			} {
				_, err := s.Append(ctx, 0, testEvents("p3", 1, 1), sum)
				require.ErrorIs(t, err, lifecycle.ErrInvalid, name)
				assert.Contains(t, err.Error(), name)
			}
			ev := testEvents("p3", 1, 1)
			ev[0].Actor.ID = "u\x001"
			_, err = s.Append(ctx, 0, ev, lifecycle.Summary{Name: "学籍平台", Unit: "区教委"})
			require.ErrorIs(t, err, lifecycle.ErrInvalid)
			assert.Contains(t, err.Error(), "actor.id")
			_, err = s.Load(ctx, "p3")
			assert.ErrorIs(t, err, lifecycle.ErrNotFound, "nothing of a refused append is stored")
		})
	}
}

package sqlstore

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/sqlstore/sqltest"
	"github.com/govit-cn/govit/lifecycle"
)

// BenchmarkVerifyLongHistory checks the chain of one project of 10,000
// events on SQLite: Verify of the project, VerifyAfter from the start, and
// VerifyAfter from the point before the last event (a page viewed again
// after one more action).
func BenchmarkVerifyLongHistory(b *testing.B) {
	s := open(b, sqltest.SQLitePath(b))
	ctx := b.Context()
	const n = 10_000
	for v := int64(1); v <= n; v += 1000 {
		_, err := s.Append(ctx, v-1, testEvents("p", v, v+999), lifecycle.Summary{})
		require.NoError(b, err)
	}
	b.Run("Verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rep, err := s.Verify(ctx, "p")
			require.NoError(b, err)
			require.True(b, rep.OK())
		}
	})
	b.Run("VerifyAfter/start", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rep, _, err := s.VerifyAfter(ctx, "p", ChainPoint{})
			require.NoError(b, err)
			require.True(b, rep.OK())
		}
	})
	_, at, err := s.VerifyAfter(ctx, "p", ChainPoint{})
	require.NoError(b, err)
	var before ChainPoint
	rows := s.DB().QueryRowContext(ctx, `SELECT hash FROM events WHERE project_id = 'p' AND version = $1`, at.Version-1)
	require.NoError(b, rows.Scan(&before.Hash))
	before.Version = at.Version - 1
	b.Run("VerifyAfter/one-more", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rep, _, err := s.VerifyAfter(ctx, "p", before)
			require.NoError(b, err)
			require.True(b, rep.OK())
			require.EqualValues(b, 1, rep.Events)
		}
	})
}

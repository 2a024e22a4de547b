package sqlstore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/lifecycle"
)

// TestFoldKeepsUpWithConcurrentDeclarations writes and rewrites the
// features of a few projects from several goroutines, each in its own
// transaction, while others fold the pending projects in: after a last
// fold the postings and document frequencies are exactly those of the
// features as they ended, and no project is left pending. A project
// rewritten while a fold had read it keeps its pending mark (its version
// moved), so the change is folded in later rather than lost.
func TestFoldKeepsUpWithConcurrentDeclarations(t *testing.T) {
	for _, d := range dialects {
		t.Run(string(d.name), func(t *testing.T) {
			ctx := t.Context()
			st := open(t, d.dsn(t))
			st.overlapBits = 3 // blocks of 8 projects: many block edges
			vocabulary := make([]uint64, 40)
			for i := range vocabulary {
				vocabulary[i] = uint64(1000 + i)
			}
			write := func(rng *rand.Rand, project string) error {
				grams := slices.Clone(vocabulary[:5+rng.IntN(30)])
				rng.Shuffle(len(grams), func(i, j int) { grams[i], grams[j] = grams[j], grams[i] })
				grams = grams[:1+rng.IntN(len(grams))]
				tx, err := st.db.BeginTx(ctx, nil)
				if err != nil {
					return err
				}
				defer tx.Rollback() //nolint:errcheck // no-op after Commit
				if err := st.putOverlap(ctx, tx, project, &lifecycle.OverlapFeatures{Unit: "区教委", Name: project, Grams: grams}); err != nil {
					return err
				}
				return tx.Commit()
			}
			// Each project is declared once first: in the store, the
			// append's version check makes a project's first declaration
			// one writer's.
			rng := rand.New(rand.NewPCG(99, 7))
			for i := range 30 {
				require.NoError(t, write(rng, fmt.Sprintf("P%02d", i)))
			}
			var wg sync.WaitGroup
			errs := make(chan error, 16)
			for w := range 4 {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(w), 7))
					for range 40 {
						if err := write(rng, fmt.Sprintf("P%02d", rng.IntN(30))); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			for range 2 {
				wg.Go(func() {
					for range 20 {
						if err := st.FoldOverlap(ctx); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			postingsAgree(t, st)
			var pending int
			require.NoError(t, st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM overlap_pending`).Scan(&pending))
			require.Zero(t, pending)
			var indexed int
			require.NoError(t, st.db.QueryRowContext(ctx,
				`SELECT COUNT(*) FROM overlap_features WHERE indexed_grams = grams AND indexed_size = size`).Scan(&indexed))
			var all int
			require.NoError(t, st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM overlap_features`).Scan(&all))
			require.Equal(t, all, indexed, "every project's postings are those of its features")
		})
	}
}

func TestValueRows(t *testing.T) {
	require.Equal(t, "($1, $2), ($3, $4), ($5, $6)", valueRows(3, 2))
	require.Equal(t, "($1, $2, $3)", valueRows(1, 3))
	require.Equal(t, "", valueRows(0, 3))
}

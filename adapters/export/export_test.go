package export

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// summaries yields n synthetic projects without holding them.
func summaries(n int) iter.Seq2[lifecycle.Summary, error] {
	at := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	return func(yield func(lifecycle.Summary, error) bool) {
		for i := range n {
			s := lifecycle.Summary{
				ProjectID: fmt.Sprintf("p%07d", i), Name: fmt.Sprintf("智慧政务项目%d", i), Unit: "区教委",
				Kind: string(review.Construction), State: lifecycle.StateApproved, Version: 5,
				Requested:  review.MustBudget("1.5", "", fmt.Sprintf("%d.000001", i), ""),
				Approved:   review.MustBudget("", "", fmt.Sprintf("%d.25", i), ""),
				DeclaredAt: at, ApprovedAt: at.Add(72 * time.Hour), UpdatedAt: at.Add(72 * time.Hour),
				NextDuty: lifecycle.DutyContractFiling, NextDue: at.Add(240 * time.Hour),
			}
			if !yield(s, nil) {
				return
			}
		}
	}
}

func TestProjectsCSV(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, ProjectsCSV(&buf, summaries(3)))
	require.True(t, strings.HasPrefix(buf.String(), BOM), "UTF-8 with BOM, for Excel")
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), BOM))).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 4)
	assert.Equal(t, projectHeader, recs[0])
	row := recs[3]
	assert.Equal(t, "p0000002", row[0])
	assert.Equal(t, "智慧政务项目2", row[1])
	assert.Equal(t, "建设类", row[3])
	assert.Equal(t, "2.000001", row[9], "amounts exact, never floating point")
	assert.Equal(t, "3.500001", row[11])
	assert.Equal(t, "2.25", row[16])
	assert.Equal(t, "2026-03-02 10:00:00", row[17], "Beijing time")
	assert.Equal(t, "合同备案（第十二条）", row[19])
	assert.Equal(t, "2026-03-12", row[20])
}

func TestProjectsStopAtError(t *testing.T) {
	boom := fmt.Errorf("store down")
	rows := func(yield func(lifecycle.Summary, error) bool) {
		if yield(lifecycle.Summary{ProjectID: "a"}, nil) {
			yield(lifecycle.Summary{}, boom)
		}
	}
	require.ErrorIs(t, ProjectsCSV(io.Discard, rows), boom)
	require.ErrorIs(t, ProjectsXLSX(io.Discard, rows), boom)
}

func TestProjectsXLSX(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, ProjectsXLSX(&buf, summaries(5)))
	f, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows("项目清单")
	require.NoError(t, err)
	require.Len(t, rows, 6)
	assert.Equal(t, projectHeader, rows[0])
	assert.Equal(t, "p0000004", rows[5][0])
	assert.Equal(t, "4.000001", rows[5][9])
}

// peakHeap runs fn while sampling the heap in use, and returns the peak.
func peakHeap(t *testing.T, fn func()) uint64 {
	t.Helper()
	runtime.GC()
	var (
		peak atomic.Uint64
		stop = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return peak.Load()
}

// countingWriter counts what is written and keeps none of it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// xlsxRows and xlsxSmall are the XLSX exports the memory test compares:
// 100,000 rows and a third of that, both past the 16 MiB of sheet XML
// (some 14,000 rows) that excelize's stream writer holds in memory before
// it moves rows to a temporary file.
func xlsxRows() int { return 100_000 }

func xlsxSmall() int { return 100_000 / 3 }

// TestExportsOfManyRowsInConstantMemory exports a number of projects and
// ten (CSV) or three (XLSX) times as many, up to 100,000, and holds the
// peak heap of the larger to that of the smaller: rows are streamed,
// never gathered.
func TestExportsOfManyRowsInConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 rows")
	}
	for _, tc := range []struct {
		name  string
		write func(io.Writer, iter.Seq2[lifecycle.Summary, error]) error
		small int
		rows  int
	}{{"csv", ProjectsCSV, 10_000, 100_000}, {"xlsx", ProjectsXLSX, xlsxSmall(), xlsxRows()}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "xlsx" && raceDetector {
				// The race detector slows excelize twentyfold and moves
				// its heap; the check runs without it (go test ./...).
				t.Skip("the XLSX memory check runs without -race")
			}
			var small, large countingWriter
			p10k := peakHeap(t, func() { require.NoError(t, tc.write(&small, summaries(tc.small))) })
			p100k := peakHeap(t, func() { require.NoError(t, tc.write(&large, summaries(tc.rows))) })
			t.Logf("%s: %d rows %d bytes, peak heap %.1f MiB; %d rows %d bytes, peak heap %.1f MiB",
				tc.name, tc.small, small.n, float64(p10k)/(1<<20), tc.rows, large.n, float64(p100k)/(1<<20))
			require.Greater(t, large.n, 2*small.n+small.n/2, "several times the rows")
			assert.Less(t, p100k, p10k+16<<20, "the heap does not grow with the rows")
			assert.Less(t, p100k, uint64(96<<20), "the heap stays small")
		})
	}
}

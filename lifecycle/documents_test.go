package lifecycle_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/document/doctest"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// memBlobs is a document.BlobStore in memory (lifecycle may not import the
// adapters' stores).
type memBlobs struct {
	mu sync.Mutex
	m  map[document.Digest][]byte
}

func (s *memBlobs) Put(_ context.Context, d document.Digest, size int64, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[d] = b
	return nil
}

func (s *memBlobs) Open(_ context.Context, d document.Digest) (io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[d]
	if !ok {
		return nil, document.ErrBlobNotFound
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (s *memBlobs) Stat(_ context.Context, d document.Digest) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[d]
	if !ok {
		return 0, document.ErrBlobNotFound
	}
	return int64(len(b)), nil
}

func docEngine(t *testing.T, c *clock) (*lifecycle.Engine, *memBlobs) {
	blobs := &memBlobs{m: map[document.Digest][]byte{}}
	e := newEngine(t, c, func(cfg *lifecycle.Config) {
		cfg.Documents = &document.Ingester{Blobs: blobs, TempDir: t.TempDir(), MaxSize: 1 << 20}
	})
	return e, blobs
}

func file(t *testing.T, e *lifecycle.Engine, actor lifecycle.Actor, id, slot, name string, body []byte) (*lifecycle.Project, lifecycle.Event) {
	t.Helper()
	p, ev, err := e.FileDocument(context.Background(), actor, id, slot, name, bytes.NewReader(body), document.Digest{})
	require.NoError(t, err, "file %s", slot)
	return p, ev
}

func TestFileDocument_VersionsHistoryAndReplay(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e, _ := docEngine(t, c)
	p, _, err := e.Declare(ctx, unitA, declaration(review.Construction, false, district("100")))
	require.NoError(t, err)
	id := p.ID

	v1 := doctest.PDF(nil, 10)
	p, ev := file(t, e, unitA, id, "test_report", "测评报告.pdf", v1)
	assert.Equal(t, lifecycle.ActFileDocument, ev.Action)
	assert.Equal(t, int64(2), ev.Version)
	assert.Equal(t, lifecycle.StateDeclared, p.State, "documents change no state")
	var rec document.Record
	require.NoError(t, jsonUnmarshal(ev.Payload, &rec))
	assert.Equal(t, "test_report", rec.Slot)
	assert.Equal(t, 1, rec.Version)
	assert.Equal(t, int64(len(v1)), rec.Size)
	assert.Equal(t, document.MediaPDF, rec.MediaType)
	assert.Equal(t, document.SHA256, rec.Digest.Alg)
	assert.NotEmpty(t, rec.Checks)

	v2 := doctest.PDF(nil, 20)
	p, _ = file(t, e, unitA, id, "test_report", "测评报告（修订）.pdf", v2)
	cur, ok := p.Documents.Current("test_report")
	require.True(t, ok)
	assert.Equal(t, 2, cur.Version)

	v, rc, err := e.OpenDocument(ctx, unitA, id, "test_report", 0)
	require.NoError(t, err)
	got, _ := io.ReadAll(rc)
	rc.Close()
	assert.Equal(t, v2, got)
	assert.Equal(t, 2, v.Version)
	_, rc, err = e.OpenDocument(ctx, bdb, id, "test_report", 1)
	require.NoError(t, err, "a bureau reads every project's documents")
	got, _ = io.ReadAll(rc)
	rc.Close()
	assert.Equal(t, v1, got)

	p, _, err = e.WithdrawDocument(ctx, unitA, id, "test_report", 0, "版本有误")
	require.NoError(t, err)
	cur, _ = p.Documents.Current("test_report")
	assert.Equal(t, 1, cur.Version)
	assert.Equal(t, p, replayed(t, e, id), "replay rebuilds the documents")

	reg, err := e.Documents(ctx, unitA, id)
	require.NoError(t, err)
	require.Len(t, reg.Slots, 1)
	assert.Len(t, reg.Slots[0].Versions, 2)
	assert.True(t, reg.Slots[0].Versions[1].Withdrawn)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func jsonDecode(b []byte, v any) error { return json.Unmarshal(b, v) }

// TestFileDocument_Isolation: a unit neither files, lists nor reads another
// unit's documents: the project is not found.
func TestFileDocument_Isolation(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e, _ := docEngine(t, c)
	p, _, err := e.Declare(ctx, unitA, declaration(review.Construction, false, district("100")))
	require.NoError(t, err)
	file(t, e, unitA, p.ID, "requirement_spec", "spec.docx", doctest.DOCX(doctest.Outline2()))

	_, _, err = e.FileDocument(ctx, unitB, p.ID, "test_report", "a.pdf", bytes.NewReader(doctest.PDF(nil, 0)), document.Digest{})
	assert.Equal(t, lifecycle.KindNotFound, lifecycle.KindOf(err))
	_, err = e.Documents(ctx, unitB, p.ID)
	assert.Equal(t, lifecycle.KindNotFound, lifecycle.KindOf(err))
	_, _, err = e.OpenDocument(ctx, unitB, p.ID, "requirement_spec", 0)
	assert.Equal(t, lifecycle.KindNotFound, lifecycle.KindOf(err))
	_, _, err = e.WithdrawDocument(ctx, unitB, p.ID, "requirement_spec", 0, "x")
	assert.Equal(t, lifecycle.KindNotFound, lifecycle.KindOf(err))
}

// Test第七条_ExpertOpinionFiledByBDB: the expert opinion is the bureau's
// (第七条), every other document the unit's.
func Test第七条_ExpertOpinionFiledByBDB(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e, _ := docEngine(t, c)
	p, _, err := e.Declare(ctx, unitA, declaration(review.Construction, false, district("100")))
	require.NoError(t, err)
	_, _, err = e.FileDocument(ctx, unitA, p.ID, "expert_opinion", "意见.pdf", bytes.NewReader(doctest.PDF(nil, 0)), document.Digest{})
	var le *lifecycle.Error
	require.ErrorAs(t, err, &le)
	assert.Equal(t, lifecycle.KindForbidden, le.Kind)
	assert.Equal(t, "第七条", le.Article)
	file(t, e, bdb, p.ID, "expert_opinion", "意见.pdf", doctest.PDF(nil, 0))
	_, _, err = e.FileDocument(ctx, bdb, p.ID, "test_report", "a.pdf", bytes.NewReader(doctest.PDF(nil, 0)), document.Digest{})
	require.ErrorAs(t, err, &le)
	assert.Equal(t, lifecycle.KindForbidden, le.Kind)
}

func TestFileDocument_Refusals(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	blobs := &memBlobs{m: map[document.Digest][]byte{}}
	e := newEngine(t, c, func(cfg *lifecycle.Config) {
		cfg.Documents = &document.Ingester{Blobs: blobs, TempDir: t.TempDir(), MaxSize: 1 << 20, Scanner: eicar{}}
	})
	p, _, err := e.Declare(ctx, unitA, declaration(review.Construction, false, district("100")))
	require.NoError(t, err)
	cases := []struct {
		slot, name, code string
		body             []byte
	}{
		{"nonsense", "a.pdf", "document_slot_invalid", doctest.PDF(nil, 0)},
		{"contract", "a.pdf", "document_slot_invalid", doctest.PDF(nil, 0)},
		{"test_report", "a.exe", "format_not_allowed", []byte("MZ\x90\x00 executable")},
		{"test_report", "a.pdf", "virus_found", append(doctest.PDF(nil, 0), doctest.EICAR...)},
		{"test_report", "a.pdf", "document_too_large", make([]byte, 2<<20)},
	}
	for _, cs := range cases {
		t.Run(cs.code, func(t *testing.T) {
			_, _, err := e.FileDocument(ctx, unitA, p.ID, cs.slot, cs.name, bytes.NewReader(cs.body), document.Digest{})
			var le *lifecycle.Error
			require.ErrorAs(t, err, &le)
			assert.Equal(t, lifecycle.KindInvalid, le.Kind)
			assert.Equal(t, cs.code, le.Code, le.EN)
		})
	}
	events, err := e.Events(ctx, unitA, p.ID)
	require.NoError(t, err)
	assert.Len(t, events, 1, "no refused file left an event")
	assert.Empty(t, blobs.m, "nor a blob")
	le := refused(t, e, p.ID, unitA, lifecycle.ActFileDocument, map[string]any{"slot": "test_report", "version": 1,
		"name": "a.pdf", "size": 1, "media_type": "application/pdf", "digest": map[string]any{"alg": "sha256", "hex": "00"}}, lifecycle.KindInvalid)
	assert.NotEmpty(t, le.Code, "a file's record is never taken from a caller")
}

type eicar struct{}

func (eicar) Name() string { return "fake" }
func (eicar) Scan(_ context.Context, r io.Reader) (document.Verdict, error) {
	b, _ := io.ReadAll(r)
	return document.Verdict{Infected: bytes.Contains(b, []byte(doctest.EICAR)), Signature: "Eicar-Test-Signature"}, nil
}

// Test第六条第一项_TOCFromFiledSpecification: the preliminary review takes
// the table of contents from the filed DOCX specification when the
// submission brings none, and records its source; a missing section is a
// finding of 第六条第（一）项; a typed table of contents stands.
func Test第六条第一项_TOCFromFiledSpecification(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e, _ := docEngine(t, c)
	var partial []doctest.Heading
	for _, h := range doctest.Outline2() {
		if h.Title != "3.7 安全需求分析" {
			partial = append(partial, h)
		}
	}
	p, _, err := e.Declare(ctx, unitA, declaration(review.Construction, false, district("100")))
	require.NoError(t, err)
	id := p.ID
	p, _ = file(t, e, unitA, id, "requirement_spec", "需求说明.docx", doctest.DOCX(partial))
	spec, _ := p.Documents.Current("requirement_spec")
	require.NotNil(t, spec.TOC)

	payload := preliminary(true)
	delete(payload["submission"].(map[string]any), "table_of_contents")
	p = do(t, e, id, bdb, lifecycle.ActPreliminaryReview, payload)
	require.Equal(t, lifecycle.StateReturned, p.State)
	require.NotEmpty(t, p.Findings)
	assert.Equal(t, review.OutlineArticle, p.Findings[0].Article)
	assert.Contains(t, p.Findings[0].ZH, "安全需求分析")
	var sub review.PreliminarySubmission
	require.NoError(t, jsonDecode(p.Preliminary.Submission, &sub))
	require.NotNil(t, sub.TableOfContentsFrom)
	assert.Equal(t, review.TOCSource{Slot: "requirement_spec", Version: 1, Digest: spec.Digest.String(), Source: document.TOCDocxHeadings}, *sub.TableOfContentsFrom)

	// The unit files the complete specification and declares again.
	do(t, e, id, unitA, lifecycle.ActDeclare, declaration(review.Construction, false, district("100")))
	file(t, e, unitA, id, "requirement_spec", "需求说明v2.docx", doctest.DOCX(doctest.Outline2()))
	p = do(t, e, id, bdb, lifecycle.ActPreliminaryReview, payload)
	assert.Equal(t, lifecycle.StatePreliminaryPassed, p.State, "%v", p.Findings)
	assert.Equal(t, p, replayed(t, e, id))
}

func Test第六条第一项_ManualTOCStands(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e, _ := docEngine(t, c)
	p, _, err := e.Declare(ctx, unitA, declaration(review.Construction, false, district("100")))
	require.NoError(t, err)
	file(t, e, unitA, p.ID, "requirement_spec", "需求说明.docx", doctest.DOCX(doctest.Outline2()[:3]))
	payload := preliminary(true)
	payload["submission"].(map[string]any)["table_of_contents_from"] = map[string]any{"slot": "forged", "source": "pdf_bookmarks"}
	p = do(t, e, p.ID, bdb, lifecycle.ActPreliminaryReview, payload)
	assert.Equal(t, lifecycle.StatePreliminaryPassed, p.State, "the typed table of contents is complete")
	var sub review.PreliminarySubmission
	require.NoError(t, jsonDecode(p.Preliminary.Submission, &sub))
	assert.Nil(t, sub.TableOfContentsFrom, "only the engine says where a table of contents came from")
}

// Test第十五条_ArchiveReadsFiledDocuments: with electronic documents the
// archive counts the files that passed their checks, not a list of names;
// documents that cannot exist stay not required; the archived files are
// closed.
func Test第十五条_ArchiveReadsFiledDocuments(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e, _ := docEngine(t, c)
	p, _, err := e.Declare(ctx, unitA, declaration(review.Construction, false, district("100")))
	require.NoError(t, err)
	id := p.ID
	do(t, e, id, bdb, lifecycle.ActPreliminaryReview, preliminary(true))
	do(t, e, id, bdb, lifecycle.ActExpertReview, expert(true, district("100")))
	do(t, e, id, gov, lifecycle.ActDeliberate, map[string]any{"approved": true})
	do(t, e, id, finance, lifecycle.ActBudget, map[string]any{"year": 2025, "type": "additional"})
	do(t, e, id, unitA, lifecycle.ActStartProcurement, nil)
	c.Set(2025, time.May, 6)
	do(t, e, id, unitA, lifecycle.ActSignContract, contract("HT-1", "90", "2025-05-06", false))
	do(t, e, id, unitA, lifecycle.ActFileContract, map[string]any{"contract_id": "HT-1"})
	c.Set(2025, time.November, 3)
	do(t, e, id, unitA, lifecycle.ActApplyAcceptance, acceptanceFacts(false))
	do(t, e, id, bdb, lifecycle.ActAccept, map[string]any{"passed": true, "opinion": "同意"})
	do(t, e, id, unitA, lifecycle.ActDeliver, nil)

	// A list of names no longer archives.
	le := refused(t, e, id, unitA, lifecycle.ActArchive, allDocuments(), lifecycle.KindRefused)
	assert.Equal(t, "第十五条", le.Article)

	pdf := func(n int) []byte { return doctest.PDF(nil, n) }
	for i, slot := range []string{"construction_plan", "data_structure_design", "procurement_documents", "contract:HT-1",
		"test_report", "acceptance_report", "user_report"} {
		file(t, e, unitA, id, slot, slot+".pdf", pdf(i))
	}
	// The acceptance opinion filed under a wrong extension failed its name
	// check: it does not count.
	file(t, e, unitA, id, "acceptance_opinion", "opinion.docx", pdf(99))
	le = refused(t, e, id, unitA, lifecycle.ActArchive, nil, lifecycle.KindRefused)
	var missing []string
	for _, f := range le.Findings {
		missing = append(missing, f.Field)
	}
	assert.Equal(t, []string{"documents.acceptance_opinion"}, missing,
		"立项批复 (not fixed asset), 监理报告 (no supervision) and 变更说明 (no change) are not required")

	obs, err := e.Obligations(ctx, unitA, id, c.Now())
	require.NoError(t, err)
	var duty lifecycle.Obligation
	for _, o := range obs {
		if o.Duty == lifecycle.DutyArchive {
			duty = o
		}
	}
	assert.Equal(t, []string{"acceptance_opinion"}, duty.Missing, "the archive duty reads the filed documents")

	file(t, e, unitA, id, "acceptance_opinion", "opinion.pdf", pdf(99))
	c.Set(2025, time.November, 10)
	p = do(t, e, id, unitA, lifecycle.ActArchive, map[string]any{"documents": []string{"nonsense"}})
	require.Equal(t, lifecycle.StateArchived, p.State)
	require.NotNil(t, p.Archive)
	assert.Equal(t, []string{"construction_plan", "data_structure_design", "procurement_documents", "contracts",
		"test_report", "acceptance_report", "user_report", "acceptance_opinion"}, p.Archive.Documents, "what was counted, not what was sent")
	require.Len(t, p.Archive.Files, 8)
	for _, f := range p.Archive.Files {
		cur, _ := p.Documents.Current(f.Slot)
		assert.Equal(t, cur.Digest, f.Digest, f.Slot)
	}
	// Archived documents are kept as filed; other documents may follow.
	_, _, err = e.FileDocument(ctx, unitA, id, "test_report", "x.pdf", bytes.NewReader(pdf(5)), document.Digest{})
	require.Error(t, err)
	assert.Equal(t, "archive_closed", err.(*lifecycle.Error).Code)
	_, _, err = e.WithdrawDocument(ctx, unitA, id, "test_report", 0, "x")
	assert.Equal(t, "archive_closed", err.(*lifecycle.Error).Code)
	file(t, e, unitA, id, "change_request:later", "x.pdf", pdf(6))

	obs, err = e.Obligations(ctx, bdb, id, c.Now())
	require.NoError(t, err)
	for _, o := range obs {
		assert.Equal(t, lifecycle.ObligationMetOnTime, o.Status, "%s %s", o.Duty, o.Ref)
		assert.Empty(t, o.Missing)
	}
	assert.Equal(t, p.Version+1, replayed(t, e, id).Version)
}

// TestVerifyDocuments: a changed or missing blob is reported by project,
// slot and version.
func TestVerifyDocuments(t *testing.T) {
	ctx := context.Background()
	c := newClock(at(2025, time.March, 3))
	e, blobs := docEngine(t, c)
	var ids []string
	for range 2 {
		p, _, err := e.Declare(ctx, unitA, declaration(review.Construction, false, district("100")))
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	_, ev1 := file(t, e, unitA, ids[0], "test_report", "a.pdf", doctest.PDF(nil, 1))
	_, ev2 := file(t, e, unitA, ids[1], "user_report", "b.pdf", doctest.PDF(nil, 2))
	file(t, e, unitA, ids[1], "acceptance_report", "c.pdf", doctest.PDF(nil, 3))
	rep, err := e.VerifyDocuments(ctx, "")
	require.NoError(t, err)
	assert.True(t, rep.OK())
	assert.Equal(t, 2, rep.Projects)
	assert.Equal(t, 3, rep.Files)

	var r1, r2 document.Record
	require.NoError(t, jsonDecode(ev1.Payload, &r1))
	require.NoError(t, jsonDecode(ev2.Payload, &r2))
	blobs.mu.Lock()
	blobs.m[r1.Digest] = append(bytes.Clone(blobs.m[r1.Digest][:10]), 'X')
	delete(blobs.m, r2.Digest)
	blobs.mu.Unlock()
	rep, err = e.VerifyDocuments(ctx, "")
	require.NoError(t, err)
	require.Len(t, rep.Problems, 2)
	got := map[string]string{}
	for _, pr := range rep.Problems {
		got[fmt.Sprintf("%s/%s/%d", pr.ProjectID, pr.Slot, pr.Version)] = pr.Problem
	}
	assert.Equal(t, map[string]string{ids[0] + "/test_report/1": document.FixityChanged, ids[1] + "/user_report/1": document.FixityMissing}, got)
	rep, err = e.VerifyDocuments(ctx, ids[1])
	require.NoError(t, err)
	assert.Len(t, rep.Problems, 1)
}

package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/review"
)

// The document actions. They change no state: they file a version of a
// document, or withdraw one, into the project's history, so the hash
// chain of the history covers the files' contents (their digests). They
// are taken through Engine.FileDocument and Engine.WithdrawDocument, never
// through Do: the record of a file is what the engine found in it, not
// what a caller says of it.
const (
	ActFileDocument     Action = "file_document"
	ActWithdrawDocument Action = "withdraw_document"
)

// isDocumentAction reports whether a is a document action.
func isDocumentAction(a Action) bool { return a == ActFileDocument || a == ActWithdrawDocument }

// DocumentFiler is the role that files documents of a kind: the expert
// opinion is the bureau's (第七条: 区大数据发展局…组织…专家…评审，并出具评审意见);
// every other document is the building unit's (第六条, 第十一条, 第十二条,
// 第十三条, and 第十五条: 项目建设单位…将项目相关资料的电子文档报送…存档).
func DocumentFiler(kind string) Role {
	if kind == document.KindExpertOpinion {
		return RoleBDB
	}
	return RoleUnit
}

// archiveClosed reports whether the slot is closed because the project's
// archive of 第十五条 is filed: the documents of an archive are kept as
// filed (存档备查), neither replaced nor withdrawn.
func archiveClosed(p *Project, k document.Kind) bool {
	return k.Archive != "" && !p.ArchivedAt.IsZero()
}

// mayFile checks that the actor may file or withdraw a document of the
// slot's kind on p.
func mayFile(p *Project, actor Actor, slot document.Slot) *Error {
	k, _ := document.KindByKey(slot.Kind)
	role := DocumentFiler(slot.Kind)
	if !actor.Has(role) {
		return &Error{Kind: KindForbidden, Code: "role_forbidden", Article: k.Article,
			ZH: fmt.Sprintf("%s由%s报送", k.ZH, role.ZH()),
			EN: fmt.Sprintf("the %s is filed by %s", k.EN, role)}
	}
	if role == RoleUnit && actor.Unit != p.Unit {
		return NotFoundError(p.ID)
	}
	if p.State == StateWithdrawn {
		return &Error{Kind: KindRefused, Code: "project_withdrawn", Article: k.Article,
			ZH: "项目已撤回，不再报送资料", EN: "the project is withdrawn; no documents are filed for it"}
	}
	if archiveClosed(p, k) {
		return &Error{Kind: KindRefused, Code: "archive_closed", Article: "第十五条",
			ZH: fmt.Sprintf("项目资料已报送存档，%s不再更换或撤回", k.ZH),
			EN: fmt.Sprintf("the archive is filed; the %s is no longer replaced or withdrawn", k.EN)}
	}
	return nil
}

// parseSlot reads a slot for the engine, as an invalid-input Error.
func parseSlot(s string) (document.Slot, *Error) {
	slot, err := document.ParseSlot(s)
	if err != nil {
		var re *review.Error
		if errors.As(err, &re) {
			return document.Slot{}, invalidFindings(re.Findings)
		}
		return document.Slot{}, &Error{Kind: KindInvalid, Code: "document_slot_invalid", ZH: err.Error(), EN: err.Error()}
	}
	return slot, nil
}

func invalidFindings(fs []review.Finding) *Error {
	return &Error{Kind: KindInvalid, Code: fs[0].Code, Article: fs[0].Article, ZH: fs[0].ZH, EN: fs[0].EN, Findings: fs}
}

// documentsOff is the error of a document call on an engine configured
// without Config.Documents.
func documentsOff() *Error {
	return &Error{Kind: KindUnavailable, Code: "documents_not_configured",
		ZH: "未配置电子文档存储", EN: "no document store is configured"}
}

// checksArticle cites the standard the checks on arrival follow.
const checksArticle = "DA/T 70-2018"

// fileConflictRetries bounds the retries of a document's event when the
// project moves on while the file is checked.
const fileConflictRetries = 5

// FileDocument files a new version of a document (the slot's next
// version): the body is streamed into the document store, hashed while it
// is written and checked on arrival (document.Ingester), then recorded as
// an event of the project's history carrying the slot, version, name,
// size, media type, digest and every check's result. A file over the size
// limit is refused (code "document_too_large", Err a
// *document.TooLargeError), a file unfit to keep is refused naming its
// check (code of the check, article DA/T 70-2018); neither leaves anything
// behind. The blob is stored before its event, so no event names a
// missing blob.
//
// The project's unit files every document but the expert opinion, which
// bdb files (DocumentFiler); a unit reaches only its own projects.
func (e *Engine) FileDocument(ctx context.Context, actor Actor, projectID, slot, name string, body io.Reader, declared document.Digest) (*Project, Event, error) {
	if err := ctxError(ctx); err != nil {
		return nil, Event{}, err
	}
	if e.docs == nil {
		return nil, Event{}, documentsOff()
	}
	sl, serr := parseSlot(slot)
	if serr != nil {
		return nil, Event{}, serr
	}
	_, p, err := e.loadVisible(ctx, actor, projectID)
	if err != nil {
		return nil, Event{}, err
	}
	if ferr := mayFile(p, actor, sl); ferr != nil {
		return nil, Event{}, ferr
	}
	rec, err := e.docs.Ingest(ctx, document.Incoming{Slot: sl, Name: name, Body: body, Declared: declared})
	if err != nil {
		return nil, Event{}, ingestError(err)
	}
	k, _ := document.KindByKey(sl.Kind)
	for attempt := 0; ; attempt++ {
		rec.Version = p.Documents.NextVersion(rec.Slot)
		payload, err := json.Marshal(rec)
		if err != nil {
			return nil, Event{}, &Error{Kind: KindInvalid, Code: "document_unencodable", ZH: "文档记录无法编码", EN: "the document record cannot be encoded", Err: err}
		}
		q, ev, err := e.commitDocument(ctx, p, actor, ActFileDocument, k.Article, DocumentFiler(sl.Kind), payload)
		if KindOf(err) == KindConflict && attempt < fileConflictRetries {
			if _, p, err = e.loadVisible(ctx, actor, projectID); err != nil {
				return nil, Event{}, err
			}
			if ferr := mayFile(p, actor, sl); ferr != nil {
				return nil, Event{}, ferr
			}
			continue
		}
		return q, ev, err
	}
}

// ingestError maps the ingester's refusals to Errors.
func ingestError(err error) error {
	var tl *document.TooLargeError
	var re *document.RefusedError
	var be *document.BodyError
	switch {
	case errors.As(err, &be):
		return &Error{Kind: KindInvalid, Code: "document_upload_incomplete",
			ZH: "文件未完整上传：" + be.Err.Error(), EN: "the file did not arrive whole: " + be.Err.Error(), Err: err}
	case errors.As(err, &tl):
		return &Error{Kind: KindInvalid, Code: "document_too_large", Article: checksArticle,
			ZH: fmt.Sprintf("文件超过 %d 字节的上限", tl.Limit), EN: fmt.Sprintf("the file exceeds the limit of %d bytes", tl.Limit), Err: err}
	case errors.As(err, &re):
		f := re.Failure
		return &Error{Kind: KindInvalid, Code: f.Code, Article: checksArticle, ZH: f.ZH, EN: f.EN, Err: err,
			Findings: []review.Finding{{Code: f.Code, Article: checksArticle, Field: "file", ZH: f.ZH, EN: f.EN}}}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ctxCause(err)
	}
	return &Error{Kind: KindUnavailable, Code: "document_store_unavailable",
		ZH: "电子文档暂时无法保存，请稍后重试", EN: "the document cannot be stored now; retry later", Err: err}
}

// WithdrawDocument withdraws one version of a document (0: the current
// one), with a reason. The slot's current version falls back to the
// latest version not withdrawn; the bytes stay stored and the version
// stays in the history. Who may withdraw is who may file (DocumentFiler);
// the documents of a filed archive are not withdrawn (第十五条).
func (e *Engine) WithdrawDocument(ctx context.Context, actor Actor, projectID, slot string, version int, reason string) (*Project, Event, error) {
	if err := ctxError(ctx); err != nil {
		return nil, Event{}, err
	}
	sl, serr := parseSlot(slot)
	if serr != nil {
		return nil, Event{}, serr
	}
	if strings.TrimSpace(reason) == "" {
		return nil, Event{}, invalidFindings([]review.Finding{{Code: "withdrawal_reason_missing", Field: "reason",
			ZH: "撤回文档须说明理由", EN: "a withdrawal needs its reason"}})
	}
	k, _ := document.KindByKey(sl.Kind)
	for attempt := 0; ; attempt++ {
		_, p, err := e.loadVisible(ctx, actor, projectID)
		if err != nil {
			return nil, Event{}, err
		}
		if ferr := mayFile(p, actor, sl); ferr != nil {
			return nil, Event{}, ferr
		}
		v := version
		if v == 0 {
			cur, ok := p.Documents.Current(sl.String())
			if !ok {
				return nil, Event{}, documentNotFound(projectID, sl.String(), 0)
			}
			v = cur.Version
		}
		h, _ := p.Documents.History(sl.String())
		if v < 1 || v > len(h.Versions) || h.Versions[v-1].Withdrawn {
			return nil, Event{}, documentNotFound(projectID, sl.String(), v)
		}
		payload, _ := json.Marshal(document.Withdrawal{Slot: sl.String(), Version: v, Reason: reason})
		q, ev, err := e.commitDocument(ctx, p, actor, ActWithdrawDocument, k.Article, DocumentFiler(sl.Kind), payload)
		if KindOf(err) == KindConflict && attempt < fileConflictRetries {
			continue
		}
		return q, ev, err
	}
}

func documentNotFound(projectID, slot string, version int) *Error {
	if version == 0 {
		return &Error{Kind: KindNotFound, Code: "document_not_found",
			ZH: fmt.Sprintf("项目 %s 没有资料 %s", projectID, slot), EN: fmt.Sprintf("project %s has no document %s", projectID, slot)}
	}
	return &Error{Kind: KindNotFound, Code: "document_not_found",
		ZH: fmt.Sprintf("项目 %s 没有资料 %s 的第 %d 版", projectID, slot, version),
		EN: fmt.Sprintf("project %s has no version %d of document %s", projectID, version, slot)}
}

// commitDocument appends a document event to p (as loaded) and returns the
// project after it.
func (e *Engine) commitDocument(ctx context.Context, p *Project, actor Actor, action Action, article string, role Role, payload json.RawMessage) (*Project, Event, error) {
	ev := Event{ProjectID: p.ID, Version: p.Version + 1, Action: action, Actor: actor, Role: role,
		At: e.clock().UTC(), Article: article, Payload: payload}
	q := e.copy.project(p)
	stored, err := e.commit(ctx, e.RulebookOf(q), q, ev)
	if err != nil {
		return nil, Event{}, err
	}
	return e.own(q), stored, nil
}

// applyDocument folds a document event: it files or withdraws a version,
// and changes no state.
func (p *Project) applyDocument(e Event, owned bool) *Error {
	if p.State == StateNone {
		return badHistory(e, "项目的第一个事件须为申报", "a project's first event must be its declaration")
	}
	if !owned {
		p.Documents = p.Documents.Clone()
	}
	switch e.Action {
	case ActFileDocument:
		var r document.Record
		if err := json.Unmarshal(e.Payload, &r); err != nil {
			return badHistory(e, "载荷无法读取："+err.Error(), "unreadable payload: "+err.Error())
		}
		if r.Version != p.Documents.NextVersion(r.Slot) || !r.Digest.Valid() {
			return badHistory(e, "文档版本或摘要无效", "invalid document version or digest")
		}
		p.Documents.File(document.Version{Record: r, At: e.At, ProjectVersion: e.Version, By: e.Actor.ID})
	case ActWithdrawDocument:
		var w document.Withdrawal
		if err := json.Unmarshal(e.Payload, &w); err != nil {
			return badHistory(e, "载荷无法读取："+err.Error(), "unreadable payload: "+err.Error())
		}
		if !p.Documents.Withdraw(w) {
			return badHistory(e, "撤回的文档版本不存在", "the withdrawn document version does not exist")
		}
	}
	p.Version = e.Version
	p.UpdatedAt = e.At
	return nil
}

// Documents returns the project's documents: each slot with its current
// version and history.
func (e *Engine) Documents(ctx context.Context, actor Actor, projectID string) (document.Register, error) {
	_, p, err := e.loadVisible(ctx, actor, projectID)
	if err != nil {
		return document.Register{}, err
	}
	return p.Documents.Clone(), nil
}

// OpenDocument returns a version of a document (0: the current one) and
// its bytes, which the caller closes. A blob missing from the store is
// KindCorrupt (the history names it: the store lost it).
func (e *Engine) OpenDocument(ctx context.Context, actor Actor, projectID, slot string, version int) (document.Version, io.ReadCloser, error) {
	if e.docs == nil {
		return document.Version{}, nil, documentsOff()
	}
	_, p, err := e.loadVisible(ctx, actor, projectID)
	if err != nil {
		return document.Version{}, nil, err
	}
	v, derr := versionOf(p, projectID, slot, version)
	if derr != nil {
		return document.Version{}, nil, derr
	}
	rc, err := e.docs.Blobs.Open(ctx, v.Digest)
	if errors.Is(err, document.ErrBlobNotFound) {
		return document.Version{}, nil, &Error{Kind: KindCorrupt, Code: "document_blob_missing",
			ZH: fmt.Sprintf("资料 %s 第 %d 版的文件 %s 缺失", slot, v.Version, v.Digest),
			EN: fmt.Sprintf("the file %s of version %d of %s is missing", v.Digest, v.Version, slot), Err: err}
	}
	if err != nil {
		return document.Version{}, nil, ingestError(err)
	}
	return v, rc, nil
}

// versionOf finds a version (0: current) of a slot.
func versionOf(p *Project, projectID, slot string, version int) (document.Version, *Error) {
	h, ok := p.Documents.History(slot)
	if !ok {
		return document.Version{}, documentNotFound(projectID, slot, 0)
	}
	if version == 0 {
		v, ok := h.Current()
		if !ok {
			return document.Version{}, documentNotFound(projectID, slot, 0)
		}
		return v, nil
	}
	if version < 1 || version > len(h.Versions) {
		return document.Version{}, documentNotFound(projectID, slot, version)
	}
	return h.Versions[version-1], nil
}

// FixityReport is what VerifyDocuments found.
type FixityReport struct {
	// Projects and Files count what was checked.
	Projects int `json:"projects"`
	Files    int `json:"files"`
	// Problems lists every file that no longer matches its record, by
	// project and slot.
	Problems []ProjectFixityProblem `json:"problems,omitempty"`
}

// ProjectFixityProblem is a fixity problem of one project's file.
type ProjectFixityProblem struct {
	ProjectID string `json:"project_id"`
	document.FixityProblem
}

// OK reports whether every file matched its record.
func (r FixityReport) OK() bool { return len(r.Problems) == 0 }

// VerifyDocuments re-reads every stored version of every document of one
// project, or of every project when projectID is empty, and re-computes
// its digest (fixity): a file changed, shortened or missing is reported by
// project, slot and version. It reads each file once, streaming.
func (e *Engine) VerifyDocuments(ctx context.Context, projectID string) (FixityReport, error) {
	var rep FixityReport
	if e.docs == nil {
		return rep, documentsOff()
	}
	check := func(id string) error {
		p, err := e.load(ctx, id)
		if err != nil {
			return err
		}
		rep.Projects++
		for _, h := range p.Documents.Slots {
			for _, v := range h.Versions {
				rep.Files++
				prob, err := document.VerifyBlob(ctx, e.docs.Blobs, e.docs.Hashes, v.Record)
				if err != nil {
					return ingestError(err)
				}
				if prob != nil {
					rep.Problems = append(rep.Problems, ProjectFixityProblem{ProjectID: id, FixityProblem: *prob})
				}
			}
		}
		return nil
	}
	if projectID != "" {
		return rep, check(projectID)
	}
	after := ""
	for {
		page, next, err := e.store.List(ctx, Query{After: after, Limit: 500})
		if err != nil {
			return rep, storeError(err)
		}
		for _, s := range page {
			if err := check(s.ProjectID); err != nil {
				return rep, err
			}
		}
		if next == "" {
			return rep, nil
		}
		after = next
	}
}

// ArchiveFromFiles reports whether the engine reads the archive of
// 第十五条 from filed documents (Config.Documents set) rather than from
// the keys an archive payload lists.
func (e *Engine) ArchiveFromFiles() bool { return e.docs != nil }

// ArchivedFile is one version of a document counted by the archive of
// 第十五条.
type ArchivedFile struct {
	Slot    string          `json:"slot" jsonschema:"required"`
	Version int             `json:"version" jsonschema:"required"`
	Digest  document.Digest `json:"digest" jsonschema:"required"`
}

// archiveFromFiles replaces the documents an archive payload lists with
// those the project has filed: the 第十五条 documents whose current version
// passed its checks on arrival, the contracts when every contract of the
// project has its copy filed (document.Register.ArchiveKeys), and the
// versions counted. A payload that is not a JSON object is left for
// decide to refuse.
func archiveFromFiles(p *Project, payload json.RawMessage) json.RawMessage {
	var r ArchivePayload
	if len(payload) > 0 {
		if err := json.Unmarshal(payload, &r); err != nil {
			return payload
		}
	}
	ids := make([]string, len(p.Contracts))
	for i, c := range p.Contracts {
		ids[i] = c.ID
	}
	r.Documents = p.Documents.ArchiveKeys(ids)
	if r.Documents == nil {
		r.Documents = []string{}
	}
	r.Files = nil
	counting := p.Documents.Counting()
	for _, h := range p.Documents.Slots {
		v, ok := counting[h.Slot]
		if !ok {
			continue
		}
		if k, _ := document.KindByKey(strings.SplitN(h.Slot, ":", 2)[0]); k.Archive == "" {
			continue
		}
		r.Files = append(r.Files, ArchivedFile{Slot: h.Slot, Version: v.Version, Digest: v.Digest})
	}
	out, err := json.Marshal(r)
	if err != nil {
		return payload
	}
	return out
}

// fromFilesInput is fromFiles for an action's input, typed or JSON: a
// typed payload of the two actions concerned is written as JSON first.
func fromFilesInput(p *Project, action Action, in input) input {
	if action != ActArchive && action != ActPreliminaryReview {
		return in
	}
	raw := in.raw
	if !in.json {
		b, err := json.Marshal(in.typed)
		if err != nil || in.typed == nil {
			return in
		}
		raw = b
	}
	return input{raw: fromFiles(p, action, raw), json: true}
}

// fromFiles completes an action's payload from the documents filed: the
// archive of 第十五条 (archiveFromFiles) and the table of contents of the
// preliminary review (tocFromFiles).
func fromFiles(p *Project, action Action, payload json.RawMessage) json.RawMessage {
	switch action {
	case ActArchive:
		return archiveFromFiles(p, payload)
	case ActPreliminaryReview:
		return tocFromFiles(p, payload)
	}
	return payload
}

// tocFromFiles gives the preliminary review of 第六条第（一）项 the table of
// contents read from the filed requirement specification (its current
// version, if it passed its checks and a table of contents could be read
// from it) when the submission brings none, and records which file it
// came from (submission.table_of_contents_from). A table of contents typed
// into the submission stands: manual entry stays possible. A payload that
// does not read as JSON objects is left for decide to refuse.
func tocFromFiles(p *Project, payload json.RawMessage) json.RawMessage {
	var in map[string]json.RawMessage
	if json.Unmarshal(payload, &in) != nil || in == nil {
		return payload
	}
	sub := map[string]json.RawMessage{}
	if raw, ok := in["submission"]; ok && string(raw) != "null" {
		if json.Unmarshal(raw, &sub) != nil || sub == nil {
			return payload
		}
	}
	var typed []string
	if raw, ok := sub["table_of_contents"]; ok {
		if json.Unmarshal(raw, &typed) != nil {
			return payload
		}
	}
	delete(sub, "table_of_contents_from") // only the engine says where a TOC came from
	if len(typed) == 0 {
		if v, ok := p.Documents.Current(document.KindRequirementSpec); ok && v.Passed() && v.TOC != nil {
			sub["table_of_contents"], _ = json.Marshal(v.TOC.Lines())
			sub["table_of_contents_from"], _ = json.Marshal(review.TOCSource{
				Slot: v.Slot, Version: v.Version, Digest: v.Digest.String(), Source: v.TOC.Source})
		}
	}
	var err error
	if in["submission"], err = json.Marshal(sub); err != nil {
		return payload
	}
	out, err := json.Marshal(in)
	if err != nil {
		return payload
	}
	return out
}

// missingDocuments tells the archive duty of 第十五条, while it is not
// met, which documents the filed files still lack: those review.CheckArchive
// finds missing (and the rulebook requires) among the documents whose
// current version passed its checks.
func missingDocuments(rb *Rulebook, p *Project, obs []Obligation) {
	for i := range obs {
		if obs[i].Duty != DutyArchive || !obs[i].Met.IsZero() {
			continue
		}
		ids := make([]string, len(p.Contracts))
		for j, c := range p.Contracts {
			ids[j] = c.ID
		}
		for _, f := range review.CheckArchive(p.archiveFacts(), p.Documents.ArchiveKeys(ids)) {
			key := strings.TrimPrefix(f.Field, "documents.")
			if f.Code == "archive_document_missing" && slices.Contains(rb.ArchiveDocuments, key) {
				obs[i].Missing = append(obs[i].Missing, key)
			}
		}
	}
}

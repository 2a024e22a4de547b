package httpapi

import (
	"archive/zip"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/lifecycle"
)

// DocumentTransferTimeout is how long an upload or a download of a
// document (or an archive package) may take, replacing the server's
// request timeouts for those routes.
const DocumentTransferTimeout = 30 * time.Minute

// multipartOverhead is what the multipart framing and the small fields may
// add to a document's bytes.
const multipartOverhead = 64 << 10

// documentRoutes are the document endpoints.
func (s *Server) documentRoutes() []route {
	return []route{
		{http.MethodPost, "/v1/projects/{id}/documents", true, s.postDocument},
		{http.MethodGet, "/v1/projects/{id}/documents", true, s.listDocuments},
		{http.MethodGet, "/v1/projects/{id}/documents/{doc}/content", true, s.getDocumentContent},
		{http.MethodPost, "/v1/projects/{id}/documents/{doc}/withdrawal", true, s.postWithdrawal},
		{http.MethodGet, "/v1/projects/{id}/archive.zip", true, s.getArchiveZip},
	}
}

// extendDeadlines gives a document transfer its own time.
func extendDeadlines(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	dl := time.Now().Add(DocumentTransferTimeout)
	_ = rc.SetReadDeadline(dl)
	_ = rc.SetWriteDeadline(dl)
}

// documentProblem turns an engine error about a file into a problem: a
// file over the limit is 413, a format not allowed 415, a file that failed
// another check on arrival 422, naming the check; the rest as usual.
func documentProblem(err error) error {
	var tl *document.TooLargeError
	if errors.As(err, &tl) {
		return newProblem(http.StatusRequestEntityTooLarge, "document_too_large",
			fmt.Sprintf("文件超过 %d 字节的上限", tl.Limit), fmt.Sprintf("the file exceeds the limit of %d bytes", tl.Limit))
	}
	var re *document.RefusedError
	var le *lifecycle.Error
	if errors.As(err, &re) && errors.As(err, &le) {
		status := http.StatusUnprocessableEntity
		if re.Failure.Code == "format_not_allowed" {
			status = http.StatusUnsupportedMediaType
		}
		return &Problem{Status: status, Code: le.Code, Article: le.Article, ZH: le.ZH, EN: le.EN, Errors: fieldErrors(le.Findings)}
	}
	return err
}

// postDocument files a document: multipart/form-data with the field
// "slot" (and optionally "digest", "sha256:<hex>", the sender's digest of
// the file), then the part "file". The file is streamed into the document
// store, never held in memory.
func (s *Server) postDocument(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := checkQuery(r); p != nil {
		return p
	}
	extendDeadlines(w)
	if s.maxDocument > 0 {
		r.Body = http.MaxBytesReader(w, r.Body, s.maxDocument+multipartOverhead)
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return newProblem(http.StatusUnsupportedMediaType, "multipart_required",
			"请以 multipart/form-data 上传：字段 slot，然后文件字段 file",
			"send multipart/form-data: the field slot, then the file part file")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return badMultipart(err)
	}
	var slot, digest string
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return newProblem(http.StatusBadRequest, "document_file_missing", "缺少文件字段 file", "the part file is missing")
		}
		if err != nil {
			return badMultipart(err)
		}
		switch part.FormName() {
		case "slot", "digest":
			b, err := io.ReadAll(io.LimitReader(part, 1024))
			if err != nil {
				return badMultipart(err)
			}
			if part.FormName() == "slot" {
				slot = strings.TrimSpace(string(b))
			} else {
				digest = strings.TrimSpace(string(b))
			}
		case "file":
			if slot == "" {
				return newProblem(http.StatusBadRequest, "document_slot_missing",
					"缺少字段 slot（须在文件之前发送）", "the field slot is missing (send it before the file)")
			}
			var declared document.Digest
			if digest != "" {
				if declared, err = document.ParseDigest(digest); err != nil {
					return badParam("digest", "摘要格式应为 sha256:<64 位十六进制>", "the digest must read sha256:<64 hex digits>")
				}
			}
			p, ev, err := s.engine.FileDocument(r.Context(), actor, r.PathValue("id"), slot, part.FileName(), part, declared)
			if err != nil {
				var mb *http.MaxBytesError
				if errors.As(err, &mb) {
					return newProblem(http.StatusRequestEntityTooLarge, "document_too_large",
						fmt.Sprintf("文件超过 %d 字节的上限", s.maxDocument), fmt.Sprintf("the file exceeds the limit of %d bytes", s.maxDocument))
				}
				return documentProblem(err)
			}
			var rec document.Record
			if err := json.Unmarshal(ev.Payload, &rec); err != nil {
				return err
			}
			v, _ := p.Documents.History(rec.Slot)
			w.Header().Set("Location", documentLocation(p.ID, rec.Slot, rec.Version))
			w.Header().Set("ETag", etag(p.Version))
			writeJSON(w, http.StatusCreated, map[string]any{"project_id": p.ID, "project_version": p.Version,
				"document": v.Versions[rec.Version-1]})
			return nil
		default:
			return newProblem(http.StatusBadRequest, "multipart_field_unknown",
				fmt.Sprintf("未知的字段 %q（应为 slot、digest、file）", part.FormName()),
				fmt.Sprintf("unknown part %q (expected slot, digest, file)", part.FormName()))
		}
	}
}

func badMultipart(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return newProblem(http.StatusRequestEntityTooLarge, "document_too_large",
			fmt.Sprintf("请求超过 %d 字节的上限", mb.Limit), fmt.Sprintf("the request exceeds the limit of %d bytes", mb.Limit))
	}
	return newProblem(http.StatusBadRequest, "multipart_malformed", "multipart 请求格式错误："+err.Error(), "malformed multipart request: "+err.Error())
}

// documentLocation is the content URL of a version.
func documentLocation(projectID, slot string, version int) string {
	return "/v1/projects/" + url.PathEscape(projectID) + "/documents/" + url.PathEscape(slot) + "/content?version=" + strconv.Itoa(version)
}

// slotView is a slot in the list: its current version and its history.
type slotView struct {
	Slot     string             `json:"slot"`
	Current  *document.Version  `json:"current"`
	Versions []document.Version `json:"versions"`
}

// listDocuments lists the project's documents.
func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := checkQuery(r); p != nil {
		return p
	}
	reg, err := s.engine.Documents(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	items := make([]slotView, 0, len(reg.Slots))
	for _, h := range reg.Slots {
		v := slotView{Slot: h.Slot, Versions: h.Versions}
		if cur, ok := h.Current(); ok {
			v.Current = &cur
		}
		items = append(items, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

// versionParam reads ?version=n (0 when absent: the current version).
func versionParam(r *http.Request) (int, *Problem) {
	if p := checkQuery(r, "version"); p != nil {
		return 0, p
	}
	raw := r.URL.Query().Get("version")
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, badParam("version", "版本须为正整数", "version must be a positive integer")
	}
	return n, nil
}

// getDocumentContent answers a version's bytes as an attachment, with the
// digest as its ETag and in Repr-Digest (RFC 9530).
func (s *Server) getDocumentContent(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	n, p := versionParam(r)
	if p != nil {
		return p
	}
	v, rc, err := s.engine.OpenDocument(r.Context(), actor, r.PathValue("id"), r.PathValue("doc"), n)
	if err != nil {
		return err
	}
	defer rc.Close()
	tag := `"` + v.Digest.String() + `"`
	h := w.Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", "private, no-cache")
	if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == tag || inm == "*" || strings.Contains(inm, tag)) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	if v.Digest.Alg == document.SHA256 {
		if raw, err := hex.DecodeString(v.Digest.Hex); err == nil {
			h.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(raw)+":")
		}
	}
	h.Set("Content-Type", v.MediaType)
	h.Set("Content-Length", strconv.FormatInt(v.Size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": v.Name}))
	if r.Method == http.MethodHead {
		return nil
	}
	extendDeadlines(w)
	w.WriteHeader(http.StatusOK)
	if _, err := io.CopyBuffer(w, rc, make([]byte, 256<<10)); err != nil {
		panic(http.ErrAbortHandler) // the response has begun: cut it
	}
	return nil
}

// withdrawalBody is the body of a withdrawal.
type withdrawalBody struct {
	// Version is the version withdrawn; 0 or absent: the current one.
	Version int    `json:"version,omitempty"`
	Reason  string `json:"reason"`
}

// postWithdrawal withdraws a version of a document.
func (s *Server) postWithdrawal(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := checkQuery(r); p != nil {
		return p
	}
	body, err := readBody(w, r, s.maxBody)
	if err != nil {
		return err
	}
	var in withdrawalBody
	if p := readJSON(body, &in); p != nil {
		return p
	}
	proj, _, err := s.engine.WithdrawDocument(r.Context(), actor, r.PathValue("id"), r.PathValue("doc"), in.Version, in.Reason)
	if err != nil {
		return err
	}
	h, _ := proj.Documents.History(r.PathValue("doc"))
	v := slotView{Slot: h.Slot, Versions: h.Versions}
	if cur, ok := h.Current(); ok {
		v.Current = &cur
	}
	w.Header().Set("ETag", etag(proj.Version))
	writeJSON(w, http.StatusOK, v)
	return nil
}

// ArchiveManifest is manifest.json of an archive package.
type ArchiveManifest struct {
	ProjectID string `json:"project_id"`
	// ProjectVersion is the version of the project the package was made
	// at; events.json holds its events up to it.
	ProjectVersion int64     `json:"project_version"`
	CreatedAt      time.Time `json:"created_at"`
	// Files lists the current version of every document, with the path
	// of its bytes in the package.
	Files []ManifestFile `json:"files"`
}

// ManifestFile is one document of a package.
type ManifestFile struct {
	Path      string                 `json:"path"`
	Slot      string                 `json:"slot"`
	Version   int                    `json:"version"`
	Name      string                 `json:"name"`
	Size      int64                  `json:"size"`
	MediaType string                 `json:"media_type"`
	Digest    document.Digest        `json:"digest"`
	Checks    []document.CheckResult `json:"checks"`
}

// packagePath is where a document's bytes go in a package:
// documents/<slot>/v<version>/<name>, the slot's colon replaced so that
// every platform can unpack it.
func packagePath(v document.Version) string {
	slot := strings.Map(func(r rune) rune {
		if r == ':' || r == '\\' || r == '/' || unicode.IsControl(r) {
			return '_'
		}
		return r
	}, v.Slot)
	name := path.Base(strings.ReplaceAll(v.Name, `\`, "_"))
	if name == "." || name == "/" || name == ".." {
		name = "file"
	}
	return fmt.Sprintf("documents/%s/v%d/%s", slot, v.Version, name)
}

// getArchiveZip streams the project's archive package: manifest.json,
// events.json (the project's history, whose file events carry the
// digests), a checksum list manifest-sha256.txt in the format of
// sha256sum, and the current version of every document, read from the
// store one at a time. Nothing is held whole in memory.
func (s *Server) getArchiveZip(w http.ResponseWriter, r *http.Request, actor lifecycle.Actor) error {
	if p := checkQuery(r); p != nil {
		return p
	}
	id := r.PathValue("id")
	events, err := s.engine.Events(r.Context(), actor, id)
	if err != nil {
		return err
	}
	proj, err := lifecycle.Replay(events)
	if err != nil {
		return err
	}
	man := ArchiveManifest{ProjectID: id, ProjectVersion: proj.Version, CreatedAt: s.clock().UTC(), Files: []ManifestFile{}}
	var current []document.Version
	for _, h := range proj.Documents.Slots {
		if v, ok := h.Current(); ok {
			current = append(current, v)
			man.Files = append(man.Files, ManifestFile{Path: packagePath(v), Slot: v.Slot, Version: v.Version, Name: v.Name,
				Size: v.Size, MediaType: v.MediaType, Digest: v.Digest, Checks: v.Checks})
		}
	}
	// Open the first file before answering, so a store that fails is a
	// clean error rather than a cut package.
	extendDeadlines(w)
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": id + "-archive.zip"}))
	w.Header().Set("ETag", etag(proj.Version))
	if r.Method == http.MethodHead {
		return nil
	}
	w.WriteHeader(http.StatusOK)
	zw := zip.NewWriter(w)
	put := func(name string, body func(io.Writer) error) {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: man.CreatedAt})
		if err == nil {
			err = body(f)
		}
		if err != nil {
			s.log.ErrorContext(r.Context(), "archive package cut short", "project", id, "entry", name, "error", err)
			panic(http.ErrAbortHandler)
		}
	}
	put("manifest.json", func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(man)
	})
	put("events.json", func(w io.Writer) error { return json.NewEncoder(w).Encode(events) })
	put("manifest-sha256.txt", func(w io.Writer) error {
		for _, f := range man.Files {
			if f.Digest.Alg != document.SHA256 {
				continue
			}
			if _, err := fmt.Fprintf(w, "%s  %s\n", f.Digest.Hex, f.Path); err != nil {
				return err
			}
		}
		return nil
	})
	buf := make([]byte, 256<<10)
	for i, v := range current {
		put(man.Files[i].Path, func(w io.Writer) error {
			_, rc, err := s.engine.OpenDocument(r.Context(), actor, id, v.Slot, v.Version)
			if err != nil {
				return err
			}
			defer rc.Close()
			_, err = io.CopyBuffer(w, rc, buf)
			return err
		})
	}
	if err := zw.Close(); err != nil {
		panic(http.ErrAbortHandler)
	}
	return nil
}

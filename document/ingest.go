package document

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"image"
	_ "image/jpeg" // DecodeConfig of JPEG for the parse check
	_ "image/png"  // DecodeConfig of PNG for the parse check
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultMaxSize is the size limit of one document when Ingester.MaxSize
// is zero: 512 MiB.
const DefaultMaxSize = 512 << 20

// DefaultMaxParse is the size up to which a PDF's structure is parsed on
// arrival when Ingester.MaxParse is zero: 64 MiB. Larger PDFs (scans) are
// recorded as not parsed, so a parse never holds a large file in memory.
const DefaultMaxParse = 64 << 20

// Ingester takes a document in: it streams the upload to a staging file,
// hashing it as it is written, runs the checks on arrival, and puts the
// bytes in the blob store. It holds at most one copy buffer of the upload
// in memory, whatever its size.
type Ingester struct {
	// Blobs keeps the bytes; required.
	Blobs BlobStore
	// Scanner scans for viruses; nil records the check as not checked.
	Scanner Scanner
	// MaxSize caps a document, in bytes (DefaultMaxSize when zero).
	MaxSize int64
	// MaxParse caps the size of a PDF whose structure is parsed
	// (DefaultMaxParse when zero).
	MaxParse int64
	// Alg is the digest algorithm (SHA256 when empty); Hashes supplies
	// implementations beyond SHA-256 (SM3).
	Alg    Alg
	Hashes Hashes
	// TempDir is where uploads are staged when Blobs is not a Stager
	// (os.TempDir() when empty).
	TempDir string
	// Zip bounds ZIP-based documents (DefaultZipLimits when zero).
	Zip ZipLimits
}

// Incoming is one document arriving.
type Incoming struct {
	Slot Slot
	// Name is the file name as sent.
	Name string
	// Body is read to its end (or to the size limit).
	Body io.Reader
	// Declared is the digest the sender computed, if it sent one; it must
	// match.
	Declared Digest
}

// TooLargeError refuses a document over the size limit; nothing of it is
// kept.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("document: the file exceeds the limit of %d bytes", e.Limit)
}

// RefusedError refuses a document that failed a check that makes it unfit
// to keep; nothing of it is kept. Checks are the results up to the failure.
type RefusedError struct {
	Failure CheckResult
	Checks  []CheckResult
}

func (e *RefusedError) Error() string {
	return "document: refused: " + e.Failure.Code + ": " + e.Failure.EN
}

// BodyError is a failure to read the upload itself (the sender stopped,
// the request was cut): nothing is kept.
type BodyError struct{ Err error }

func (e *BodyError) Error() string { return "document: reading the upload: " + e.Err.Error() }

// Unwrap returns the reader's error.
func (e *BodyError) Unwrap() error { return e.Err }

// isWriteError reports whether a copy's error came from writing the
// staging file f rather than from reading the upload.
func isWriteError(err error, f *os.File) bool {
	var pe *os.PathError
	return errors.As(err, &pe) && pe.Path == f.Name()
}

// ErrScanner wraps a scanner's failure to give a verdict.
var ErrScanner = errors.New("document: the virus scanner gave no verdict")

// copyBuf is the copy buffer size.
const copyBuf = 256 << 10

// Ingest takes in one document and returns its record (Version left
// zero for the caller to number). A document over the limit gives a
// *TooLargeError, a document unfit to keep a *RefusedError; either way
// nothing is stored. The staging file is removed whatever happens; the
// blob is stored (durably, for a Stager) before Ingest returns, so a
// record that names it is never written before it exists.
func (in *Ingester) Ingest(ctx context.Context, inc Incoming) (Record, error) {
	if in.Blobs == nil {
		return Record{}, errors.New("document: Ingester.Blobs is required")
	}
	alg := in.Alg
	if alg == "" {
		alg = SHA256
	}
	limit := in.MaxSize
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	h, err := in.Hashes.newHash(alg)
	if err != nil {
		return Record{}, err
	}
	var declaredHash hash.Hash
	if !inc.Declared.IsZero() && inc.Declared.Alg != alg {
		if declaredHash, err = in.Hashes.newHash(inc.Declared.Alg); err != nil {
			return Record{}, err
		}
	}
	stager, staged := in.Blobs.(Stager)
	var f *os.File
	if staged {
		f, err = stager.TempFile()
	} else {
		f, err = os.CreateTemp(in.TempDir, "govit-upload-*")
	}
	if err != nil {
		return Record{}, fmt.Errorf("document: staging: %w", err)
	}
	adopted := false
	defer func() {
		if !adopted {
			f.Close()
		}
		os.Remove(f.Name())
	}()

	ws := []io.Writer{f, h}
	if declaredHash != nil {
		ws = append(ws, declaredHash)
	}
	n, err := io.CopyBuffer(io.MultiWriter(ws...), io.LimitReader(inc.Body, limit+1), make([]byte, copyBuf))
	if err != nil {
		if isWriteError(err, f) {
			return Record{}, fmt.Errorf("document: staging: %w", err)
		}
		return Record{}, &BodyError{Err: err}
	}
	if n > limit {
		return Record{}, &TooLargeError{Limit: limit}
	}
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	rec := Record{Slot: inc.Slot.String(), Name: inc.Name, Size: n, Digest: sum(alg, h)}
	rec.MediaType = Sniff(f, n, inc.Name)

	refuse := func(fe *FileError) (Record, error) {
		c := failed(fe)
		rec.Checks = append(rec.Checks, c)
		return Record{}, &RefusedError{Failure: c, Checks: rec.Checks}
	}

	// Fixity: the digest computed while writing, against the declared one.
	if !inc.Declared.IsZero() {
		got := rec.Digest
		if declaredHash != nil {
			got = sum(inc.Declared.Alg, declaredHash)
		}
		if got != inc.Declared {
			return refuse(fileErr(CheckFixity, "digest_mismatch",
				fmt.Sprintf("文件摘要 %s 与申报的 %s 不符：传输中可能损坏", got, inc.Declared),
				fmt.Sprintf("the file's digest %s differs from the declared %s: damaged in transit?", got, inc.Declared)))
		}
	}
	// Size.
	if n == 0 {
		return refuse(fileErr(CheckSize, "file_empty", "文件为空", "the file is empty"))
	}
	rec.Checks = append(rec.Checks, passed(CheckSize, fmt.Sprintf("%d 字节", n), fmt.Sprintf("%d bytes", n)))
	// Name.
	if fe := checkName(inc.Name); fe != nil {
		return refuse(fe)
	}
	// Format.
	format, ok := formatOf(rec.MediaType)
	if !ok {
		return refuse(notAllowed(rec.MediaType))
	}
	rec.Checks = append(rec.Checks, passed(CheckFormat, format.ZH+"（"+format.MediaType+"）", format.MediaType))
	if ext := strings.ToLower(path.Ext(inc.Name)); !slices.Contains(format.Extensions, ext) {
		rec.Checks = append(rec.Checks, failed(fileErr(CheckName, "extension_mismatch",
			fmt.Sprintf("文件名扩展名“%s”与内容（%s）不符，应为 %s", ext, format.ZH, strings.Join(format.Extensions, " 或 ")),
			fmt.Sprintf("the extension %q does not fit the content (%s); expected %s", ext, format.MediaType, strings.Join(format.Extensions, " or ")))))
	} else {
		rec.Checks = append(rec.Checks, passed(CheckName, "文件名与内容相符", "the name fits the content"))
	}
	// Open, parse, container.
	for _, c := range in.structure(f, n, rec.MediaType) {
		if c.Status == Failed {
			rec.Checks = append(rec.Checks, c)
			return Record{}, &RefusedError{Failure: c, Checks: rec.Checks}
		}
		rec.Checks = append(rec.Checks, c)
	}
	// Viruses.
	if in.Scanner == nil {
		rec.Checks = append(rec.Checks, CheckResult{Check: CheckVirus, Property: Security, Status: NotChecked,
			Code: "no_scanner", ZH: "未配置病毒扫描程序", EN: "no virus scanner is configured"})
	} else {
		v, err := in.Scanner.Scan(ctx, io.NewSectionReader(f, 0, n))
		if err != nil {
			return Record{}, fmt.Errorf("%w: %s: %w", ErrScanner, in.Scanner.Name(), err)
		}
		if v.Infected {
			fe := fileErr(CheckVirus, "virus_found", "发现病毒："+v.Signature, "a virus was found: "+v.Signature)
			c := failed(fe)
			c.By = in.Scanner.Name()
			rec.Checks = append(rec.Checks, c)
			return Record{}, &RefusedError{Failure: c, Checks: rec.Checks}
		}
		c := passed(CheckVirus, "未发现病毒", "no virus found")
		c.By = in.Scanner.Name()
		rec.Checks = append(rec.Checks, c)
	}
	rec.Checks = append(rec.Checks, CheckResult{Check: CheckSignatures, Property: Authenticity, Status: NotChecked,
		Code: "signatures_not_checked", ZH: "电子签名、签章未检测（需接入 CA）",
		EN: "electronic signatures and seals are not checked (needs a CA)"})
	// The table of contents of a requirement specification.
	if inc.Slot.Kind == KindRequirementSpec && (rec.MediaType != MediaPDF || n <= in.maxParse()) {
		if t, err := ReadTOC(rec.MediaType, f, n); err == nil {
			rec.TOC = &t
		}
	}

	// Store, then confirm the stored size (fixity of the stored copy).
	if staged {
		adopted = true
		err = stager.Adopt(ctx, rec.Digest, n, f)
	} else {
		err = in.Blobs.Put(ctx, rec.Digest, n, io.NewSectionReader(f, 0, n))
	}
	if err != nil {
		return Record{}, fmt.Errorf("document: storing the blob: %w", err)
	}
	stored, err := in.Blobs.Stat(ctx, rec.Digest)
	if err != nil {
		return Record{}, fmt.Errorf("document: confirming the blob: %w", err)
	}
	if stored != n {
		return Record{}, fmt.Errorf("document: the stored blob %s has %d bytes, not %d", rec.Digest, stored, n)
	}
	fix := passed(CheckFixity, "摘要 "+rec.Digest.String(), "digest "+rec.Digest.String())
	if !inc.Declared.IsZero() {
		fix.ZH += "，与申报一致"
		fix.EN += ", as declared"
	}
	rec.Checks = append([]CheckResult{fix}, rec.Checks...)
	return rec, nil
}

// maxParse is the size up to which a PDF is parsed.
func (in *Ingester) maxParse() int64 {
	if in.MaxParse <= 0 {
		return DefaultMaxParse
	}
	return in.MaxParse
}

// propertyOf gives each check its DA/T 70-2018 property.
var propertyOf = map[string]Property{
	CheckFixity: Authenticity, CheckName: Authenticity, CheckSize: Authenticity,
	CheckFormat: Usability, CheckOpen: Usability, CheckParse: Usability,
	CheckContainer: Security, CheckVirus: Security, CheckSignatures: Authenticity,
}

func passed(check, zh, en string) CheckResult {
	return CheckResult{Check: check, Property: propertyOf[check], Status: Passed, ZH: zh, EN: en}
}

func failed(fe *FileError) CheckResult {
	return CheckResult{Check: fe.Check, Property: propertyOf[fe.Check], Status: Failed, Code: fe.Code, ZH: fe.ZH, EN: fe.EN}
}

func notAllowed(mediaType string) *FileError {
	var names []string
	for _, f := range Formats() {
		names = append(names, f.ZH)
	}
	if mediaType == "application/x-ole-storage" {
		return fileErr(CheckOpen, "format_not_open",
			"文件为旧式 Office 复合文档或加密文档，不是开放的归档格式；请转为 PDF、OFD 或 DOCX",
			"the file is a legacy Office compound file or an encrypted document, not an open archival format; convert it to PDF, OFD or DOCX")
	}
	return fileErr(CheckFormat, "format_not_allowed",
		fmt.Sprintf("文件格式 %s 不在归档格式清单内（%s）", mediaType, strings.Join(names, "、")),
		fmt.Sprintf("the format %s is not allowed for archiving (PDF, OFD, DOCX, WPS, JPEG, PNG, TIFF)", mediaType))
}

// maxName caps a file name, in bytes.
const maxName = 255

// checkName refuses a name that is not a plain file name.
func checkName(name string) *FileError {
	bad := func(zh, en string) *FileError { return fileErr(CheckName, "file_name_invalid", zh, en) }
	switch {
	case strings.TrimSpace(name) == "":
		return bad("缺少文件名", "the file name is missing")
	case !utf8.ValidString(name):
		return bad("文件名不是有效的 UTF-8", "the file name is not valid UTF-8")
	case len(name) > maxName:
		return bad(fmt.Sprintf("文件名超过 %d 字节", maxName), fmt.Sprintf("the file name is longer than %d bytes", maxName))
	case strings.ContainsAny(name, `/\`), name == ".", name == "..":
		return bad("文件名不得含路径", "the file name must not contain a path")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return bad("文件名含控制字符", "the file name contains control characters")
	}
	return nil
}

// structure runs the open, container and parse checks for the format.
func (in *Ingester) structure(f *os.File, n int64, mediaType string) []CheckResult {
	ok := func(check, zh, en string) CheckResult { return passed(check, zh, en) }
	switch mediaType {
	case MediaDOCX, MediaOFD:
		if err := CheckZip(f, n, in.Zip); err != nil {
			return []CheckResult{failed(asFileError(err))}
		}
		out := []CheckResult{ok(CheckContainer, "ZIP 容器路径、条目数和解压大小均在限度内", "ZIP paths, entries and expansion within limits"),
			ok(CheckOpen, "开放格式，未加密", "an open format, not encrypted")}
		var err error
		if mediaType == MediaDOCX {
			_, err = ReadDOCXTOC(f, n)
		} else {
			_, err = ReadOFDTOC(f, n)
		}
		if err != nil {
			return append(out, failed(asFileError(err)))
		}
		return append(out, ok(CheckParse, "文档结构可读", "the document's structure reads"))
	case MediaPDF:
		if maxParse := in.maxParse(); n > maxParse {
			return []CheckResult{{Check: CheckParse, Property: Usability, Status: NotChecked, Code: "pdf_too_large_to_parse",
				ZH: fmt.Sprintf("PDF 超过 %d 字节，未解析结构", maxParse), EN: fmt.Sprintf("the PDF exceeds %d bytes; its structure was not parsed", maxParse)}}
		}
		if _, err := readPDF(io.NewSectionReader(f, 0, n)); err != nil {
			return []CheckResult{failed(asFileError(err))}
		}
		return []CheckResult{ok(CheckOpen, "未加密", "not encrypted"), ok(CheckParse, "PDF 结构可读", "the PDF's structure reads")}
	case MediaJPEG, MediaPNG:
		if _, _, err := image.DecodeConfig(io.NewSectionReader(f, 0, n)); err != nil {
			return []CheckResult{failed(fileErr(CheckParse, "image_unreadable", "图像无法读取："+err.Error(), "the image cannot be read: "+err.Error()))}
		}
		return []CheckResult{ok(CheckParse, "图像可读", "the image reads")}
	case MediaWPS:
		return []CheckResult{{Check: CheckParse, Property: Usability, Status: NotChecked, Code: "wps_not_parsed",
			ZH: "WPS 文档结构未解析", EN: "the WPS document's structure is not parsed"}}
	}
	return []CheckResult{{Check: CheckParse, Property: Usability, Status: NotChecked, Code: "not_parsed",
		ZH: "结构未解析", EN: "the structure is not parsed"}}
}

func asFileError(err error) *FileError {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	return fileErr(CheckParse, "file_unreadable", "文件无法读取："+err.Error(), "the file cannot be read: "+err.Error())
}

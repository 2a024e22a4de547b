package document_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/document/doctest"
	"github.com/govit-cn/govit/review"
)

func headings(hs []doctest.Heading) []document.Heading {
	out := make([]document.Heading, len(hs))
	for i, h := range hs {
		out[i] = document.Heading{Level: h.Level, Title: h.Title}
	}
	return out
}

func readTOC(t *testing.T, mediaType string, b []byte) (document.TOC, error) {
	t.Helper()
	return document.ReadTOC(mediaType, bytes.NewReader(b), int64(len(b)))
}

// Test第六条第一项_TOCFromDOCX: the headings of a DOCX specification, read
// from its heading styles (by outline level, by a "标题 N" style name, by a
// direct outline level), meet 附件2; the TOC-field paragraph is no heading.
func Test第六条第一项_TOCFromDOCX(t *testing.T) {
	want := doctest.Outline2()
	want = append(want, doctest.Heading{Level: 3, Title: "4.3.1 统一身份认证子系统"})
	toc, err := readTOC(t, document.MediaDOCX, doctest.DOCX(want))
	require.NoError(t, err)
	assert.Equal(t, document.TOCDocxHeadings, toc.Source)
	assert.Equal(t, headings(want), toc.Headings)
	assert.Empty(t, review.CheckOutline(toc.Lines()))
}

// Test第六条第一项_TOCFromPDF: the bookmarks of a PDF, nested, are its
// table of contents and meet 附件2.
func Test第六条第一项_TOCFromPDF(t *testing.T) {
	want := doctest.Outline2()
	toc, err := readTOC(t, document.MediaPDF, doctest.PDF(want, 0))
	require.NoError(t, err)
	assert.Equal(t, document.TOCPDFBookmarks, toc.Source)
	assert.Equal(t, headings(want), toc.Headings)
	assert.Empty(t, review.CheckOutline(toc.Lines()))
}

// Test第六条第一项_TOCFromOFD: the outline of an OFD document.
func Test第六条第一项_TOCFromOFD(t *testing.T) {
	want := doctest.Outline2()
	toc, err := readTOC(t, document.MediaOFD, doctest.OFD(want))
	require.NoError(t, err)
	assert.Equal(t, document.TOCOFDOutline, toc.Source)
	assert.Equal(t, headings(want), toc.Headings)
	assert.Empty(t, review.CheckOutline(toc.Lines()))
}

// Test第六条第一项_MissingSectionFound: a specification without 3.7
// 安全需求分析 is caught by the 附件2 check, from each format.
func Test第六条第一项_MissingSectionFound(t *testing.T) {
	var hs []doctest.Heading
	for _, h := range doctest.Outline2() {
		if h.Title != "3.7 安全需求分析" {
			hs = append(hs, h)
		}
	}
	for name, c := range map[string]struct {
		mt string
		b  []byte
	}{
		"docx": {document.MediaDOCX, doctest.DOCX(hs)},
		"pdf":  {document.MediaPDF, doctest.PDF(hs, 0)},
		"ofd":  {document.MediaOFD, doctest.OFD(hs)},
	} {
		t.Run(name, func(t *testing.T) {
			toc, err := readTOC(t, c.mt, c.b)
			require.NoError(t, err)
			fs := review.CheckOutline(toc.Lines())
			require.Len(t, fs, 1)
			assert.Equal(t, review.OutlineArticle, fs[0].Article)
			assert.Contains(t, fs[0].ZH, "安全需求分析")
		})
	}
}

func TestReadTOC_NoHeadings(t *testing.T) {
	for name, c := range map[string]struct {
		mt string
		b  []byte
	}{
		"docx": {document.MediaDOCX, doctest.DOCX(nil)},
		"pdf":  {document.MediaPDF, doctest.PDF(nil, 0)},
		"ofd":  {document.MediaOFD, doctest.OFD(nil)},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := readTOC(t, c.mt, c.b)
			var fe *document.FileError
			require.True(t, errors.As(err, &fe), "%v", err)
			assert.Equal(t, "toc_empty", fe.Code)
		})
	}
}

func TestReadTOC_BadFilesNameTheProblem(t *testing.T) {
	cases := []struct {
		name, mt, code string
		b              []byte
	}{
		{"docx not a zip", document.MediaDOCX, "docx_unreadable", []byte("not a zip")},
		{"docx without body", document.MediaDOCX, "docx_unreadable", doctest.Zip(doctest.Entry{Name: "[Content_Types].xml", Body: []byte("<Types/>")})},
		{"docx broken xml", document.MediaDOCX, "docx_xml_invalid", doctest.Zip(doctest.Entry{Name: "word/document.xml", Body: []byte("<w:document><w:body><w:p>")})},
		{"ofd without OFD.xml", document.MediaOFD, "ofd_unreadable", doctest.Zip(doctest.Entry{Name: "Doc_0/Document.xml", Body: []byte("<x/>")})},
		{"ofd without root", document.MediaOFD, "ofd_unreadable", doctest.Zip(doctest.Entry{Name: "OFD.xml", Body: []byte("<OFD/>")})},
		{"pdf without objects", document.MediaPDF, "pdf_unreadable", []byte("%PDF-1.7\nnothing here\n")},
		{"pdf encrypted", document.MediaPDF, "pdf_encrypted", doctest.EncryptedPDF()},
		{"image", document.MediaPNG, "toc_unsupported_format", doctest.PNG()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := readTOC(t, c.mt, c.b)
			var fe *document.FileError
			require.True(t, errors.As(err, &fe), "%v", err)
			assert.Equal(t, c.code, fe.Code, fe.EN)
			assert.NotEmpty(t, fe.ZH)
		})
	}
}

func FuzzReadDOCXTOC(f *testing.F) {
	f.Add(doctest.DOCX(doctest.Outline2()))
	f.Add(doctest.DOCX(nil))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		toc, err := document.ReadDOCXTOC(bytes.NewReader(b), int64(len(b)))
		checkFuzzResult(t, toc, err)
	})
}

func FuzzReadOFDTOC(f *testing.F) {
	f.Add(doctest.OFD(doctest.Outline2()))
	f.Add(doctest.OFD(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		toc, err := document.ReadOFDTOC(bytes.NewReader(b), int64(len(b)))
		checkFuzzResult(t, toc, err)
	})
}

func FuzzReadPDFTOC(f *testing.F) {
	f.Add(doctest.PDF(doctest.Outline2()[:5], 0))
	f.Add(doctest.PDF(nil, 0))
	f.Add(doctest.EncryptedPDF())
	f.Fuzz(func(t *testing.T, b []byte) {
		toc, err := document.ReadPDFTOC(bytes.NewReader(b))
		checkFuzzResult(t, toc, err)
	})
}

// checkFuzzResult: a reader either names the problem with a *FileError or
// returns headings within the limits.
func checkFuzzResult(t *testing.T, toc document.TOC, err error) {
	t.Helper()
	if err != nil {
		var fe *document.FileError
		require.True(t, errors.As(err, &fe), "not a FileError: %T %v", err, err)
		require.NotEmpty(t, fe.Code)
		require.NotEmpty(t, fe.EN)
		return
	}
	require.LessOrEqual(t, len(toc.Headings), 5000)
	for _, h := range toc.Headings {
		require.GreaterOrEqual(t, h.Level, 1)
		require.LessOrEqual(t, len(h.Title), 1000)
		require.NotEmpty(t, h.Title)
	}
}

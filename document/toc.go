package document

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The sources of a table of contents.
const (
	TOCDocxHeadings = "docx_headings" // DOCX paragraphs with a heading style or outline level
	TOCPDFBookmarks = "pdf_bookmarks" // PDF outline (bookmarks)
	TOCOFDOutline   = "ofd_outline"   // OFD Document.xml Outlines
	TOCManual       = "manual"        // typed in by the unit
)

// Heading is one entry of a table of contents.
type Heading struct {
	// Level is 1 for a chapter, 2 for a section, and so on.
	Level int    `json:"level"`
	Title string `json:"title"`
}

// TOC is a table of contents with where it was read from.
type TOC struct {
	Source   string    `json:"source"`
	Headings []Heading `json:"headings"`
}

// Lines returns the headings' titles, one a line, for review.CheckOutline.
func (t TOC) Lines() []string {
	out := make([]string, len(t.Headings))
	for i, h := range t.Headings {
		out[i] = h.Title
	}
	return out
}

// Limits of the readers, so a hostile file cannot make them work without
// end.
const (
	// maxHeadings caps the headings read.
	maxHeadings = 5000
	// maxTitle caps a heading's title, in bytes.
	maxTitle = 1000
	// maxPart caps an XML part read from a container.
	maxPart = 64 << 20
	// maxDepth caps outline nesting.
	maxDepth = 32
)

// ErrNoTOC is returned (wrapped in a *FileError) when a file has no table
// of contents a program can read: no heading styles, no bookmarks, no
// outline.
var ErrNoTOC = errors.New("document: no table of contents found")

// ReadTOC reads the table of contents of a requirement specification: the
// heading paragraphs of a DOCX, the bookmarks of a PDF, the outline of an
// OFD. mediaType is the sniffed type (Sniff). Errors are *FileError
// naming the problem; a file without any heading gives code "toc_empty".
func ReadTOC(mediaType string, ra io.ReaderAt, size int64) (TOC, error) {
	var t TOC
	var err error
	switch mediaType {
	case MediaDOCX:
		t, err = ReadDOCXTOC(ra, size)
	case MediaPDF:
		t, err = ReadPDFTOC(io.NewSectionReader(ra, 0, size))
	case MediaOFD:
		t, err = ReadOFDTOC(ra, size)
	default:
		return TOC{}, fileErr(CheckParse, "toc_unsupported_format",
			fmt.Sprintf("无法从 %s 读取目录：请上传 DOCX、PDF 或 OFD，或手工填写目录", mediaType),
			fmt.Sprintf("a table of contents cannot be read from %s: upload DOCX, PDF or OFD, or enter it by hand", mediaType))
	}
	if err != nil {
		return TOC{}, err
	}
	if len(t.Headings) == 0 {
		return TOC{}, fileErr(CheckParse, "toc_empty",
			"文件中没有可读取的目录（标题样式、书签或大纲）",
			"the file has no readable table of contents (heading styles, bookmarks or outline)")
	}
	return t, nil
}

// cleanTitle trims a title, replaces invalid UTF-8 and caps its length.
func cleanTitle(s string) string {
	s = strings.ToValidUTF8(strings.Join(strings.Fields(s), " "), "\uFFFD")
	if len(s) > maxTitle {
		s = s[:maxTitle]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

// openPart opens a container part by exact name.
func openPart(zr *zip.Reader, name string) (io.ReadCloser, error) {
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			return struct {
				io.Reader
				io.Closer
			}{io.LimitReader(rc, maxPart), rc}, nil
		}
	}
	return nil, fmt.Errorf("part %s missing", name)
}

// ---- DOCX --------------------------------------------------------------

// ReadDOCXTOC reads the headings of a DOCX (WordprocessingML): each body
// paragraph whose outline level is set, directly (w:pPr/w:outlineLvl) or
// by its paragraph style (w:outlineLvl in word/styles.xml, or a style named
// "heading N" / "标题 N", following basedOn), is a heading of level
// outline level + 1. The title is the paragraph's text (w:t). Paragraphs
// of the table-of-contents field itself use TOC styles, which have no
// outline level, and are not headings.
func ReadDOCXTOC(ra io.ReaderAt, size int64) (TOC, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return TOC{}, fileErr(CheckParse, "docx_unreadable", "DOCX 文件无法读取："+err.Error(), "the DOCX file cannot be read: "+err.Error())
	}
	levels, err := docxStyleLevels(zr)
	if err != nil {
		return TOC{}, err
	}
	rc, err := openPart(zr, "word/document.xml")
	if err != nil {
		return TOC{}, fileErr(CheckParse, "docx_unreadable", "DOCX 缺少正文 word/document.xml", "the DOCX lacks its body, word/document.xml")
	}
	defer rc.Close()
	t := TOC{Source: TOCDocxHeadings}
	dec := xml.NewDecoder(rc)
	var (
		inPara, inPPr, inText bool
		style, direct         = "", -1
		text                  strings.Builder
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return TOC{}, fileErr(CheckParse, "docx_xml_invalid", "DOCX 正文不是有效的 XML："+err.Error(), "the DOCX body is not valid XML: "+err.Error())
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "p":
				inPara, style, direct = true, "", -1
				text.Reset()
			case "pPr":
				inPPr = inPara
			case "pStyle":
				if inPPr {
					style = attr(el, "val")
				}
			case "outlineLvl":
				if inPPr {
					if n, err := strconv.Atoi(attr(el, "val")); err == nil {
						direct = n
					}
				}
			case "t":
				inText = inPara && !inPPr
			case "tab":
				if inPara && !inPPr {
					text.WriteByte(' ')
				}
			}
		case xml.EndElement:
			switch el.Name.Local {
			case "pPr":
				inPPr = false
			case "t":
				inText = false
			case "p":
				if !inPara {
					continue
				}
				inPara = false
				lvl := direct
				if lvl < 0 {
					if l, ok := levels[style]; ok {
						lvl = l
					}
				}
				title := cleanTitle(text.String())
				if lvl >= 0 && lvl < 9 && title != "" {
					if len(t.Headings) >= maxHeadings {
						return TOC{}, tooManyHeadings()
					}
					t.Headings = append(t.Headings, Heading{Level: lvl + 1, Title: title})
				}
			}
		case xml.CharData:
			if inText && text.Len() < 4*maxTitle {
				text.Write(el)
			}
		}
	}
	return t, nil
}

func tooManyHeadings() *FileError {
	return fileErr(CheckParse, "toc_too_large", fmt.Sprintf("目录超过 %d 个标题", maxHeadings),
		fmt.Sprintf("the table of contents has more than %d headings", maxHeadings))
}

func attr(el xml.StartElement, local string) string {
	for _, a := range el.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// docxStyle is what ReadDOCXTOC needs of a paragraph style.
type docxStyle struct {
	name, basedOn string
	outline       int // -1 when not set
}

// docxStyleLevels maps each paragraph style ID to its outline level
// (0-based), for the styles that have one.
func docxStyleLevels(zr *zip.Reader) (map[string]int, error) {
	rc, err := openPart(zr, "word/styles.xml")
	if err != nil {
		return map[string]int{}, nil // no styles: only direct outline levels
	}
	defer rc.Close()
	styles := map[string]*docxStyle{}
	dec := xml.NewDecoder(rc)
	var cur *docxStyle
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fileErr(CheckParse, "docx_xml_invalid", "DOCX 样式表不是有效的 XML："+err.Error(), "the DOCX styles are not valid XML: "+err.Error())
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "style":
				cur = nil
				if attr(el, "type") == "paragraph" {
					cur = &docxStyle{outline: -1}
					if len(styles) < 10000 {
						styles[attr(el, "styleId")] = cur
					}
				}
			case "name":
				if cur != nil {
					cur.name = attr(el, "val")
				}
			case "basedOn":
				if cur != nil {
					cur.basedOn = attr(el, "val")
				}
			case "outlineLvl":
				if cur != nil {
					if n, err := strconv.Atoi(attr(el, "val")); err == nil {
						cur.outline = n
					}
				}
			}
		case xml.EndElement:
			if el.Name.Local == "style" {
				cur = nil
			}
		}
	}
	out := map[string]int{}
	for id := range styles {
		if l := styleLevel(styles, id); l >= 0 {
			out[id] = l
		}
	}
	return out, nil
}

// styleLevel resolves a style's outline level through basedOn.
func styleLevel(styles map[string]*docxStyle, id string) int {
	for range maxDepth {
		s, ok := styles[id]
		if !ok {
			return -1
		}
		if s.outline >= 0 {
			return s.outline
		}
		if l := headingName(s.name); l >= 0 {
			return l
		}
		id = s.basedOn
	}
	return -1
}

// headingName returns N-1 for a style named "heading N" or "标题 N".
func headingName(name string) int {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, p := range []string{"heading", "标题"} {
		if rest, ok := strings.CutPrefix(n, p); ok {
			if l, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil && l >= 1 && l <= 9 {
				return l - 1
			}
		}
	}
	return -1
}

// ---- OFD ---------------------------------------------------------------

// ReadOFDTOC reads the outline of an OFD (GB/T 33190): OFD.xml names the
// document root (DocBody/DocRoot), whose Outlines hold OutlineElem
// elements with a Title, nested for lower levels.
func ReadOFDTOC(ra io.ReaderAt, size int64) (TOC, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return TOC{}, fileErr(CheckParse, "ofd_unreadable", "OFD 文件无法读取："+err.Error(), "the OFD file cannot be read: "+err.Error())
	}
	root, err := ofdDocRoot(zr)
	if err != nil {
		return TOC{}, err
	}
	rc, err := openPart(zr, root)
	if err != nil {
		return TOC{}, fileErr(CheckParse, "ofd_unreadable", fmt.Sprintf("OFD 缺少文档根 %s", root), fmt.Sprintf("the OFD lacks its document root %s", root))
	}
	defer rc.Close()
	t := TOC{Source: TOCOFDOutline}
	dec := xml.NewDecoder(rc)
	depth, inOutlines := 0, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return TOC{}, fileErr(CheckParse, "ofd_xml_invalid", "OFD 文档不是有效的 XML："+err.Error(), "the OFD document is not valid XML: "+err.Error())
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "Outlines":
				inOutlines = true
			case "OutlineElem":
				if !inOutlines {
					continue
				}
				depth++
				title := cleanTitle(attr(el, "Title"))
				if title != "" && depth <= maxDepth {
					if len(t.Headings) >= maxHeadings {
						return TOC{}, tooManyHeadings()
					}
					t.Headings = append(t.Headings, Heading{Level: depth, Title: title})
				}
			}
		case xml.EndElement:
			switch el.Name.Local {
			case "Outlines":
				inOutlines, depth = false, 0
			case "OutlineElem":
				if inOutlines && depth > 0 {
					depth--
				}
			}
		}
	}
	return t, nil
}

// ofdDocRoot returns the path of the first document's Document.xml from
// OFD.xml.
func ofdDocRoot(zr *zip.Reader) (string, error) {
	rc, err := openPart(zr, "OFD.xml")
	if err != nil {
		return "", fileErr(CheckParse, "ofd_unreadable", "OFD 缺少入口文件 OFD.xml", "the OFD lacks its entry file OFD.xml")
	}
	defer rc.Close()
	var doc struct {
		Bodies []struct {
			DocRoot string `xml:"DocRoot"`
		} `xml:"DocBody"`
	}
	if err := xml.NewDecoder(rc).Decode(&doc); err != nil {
		return "", fileErr(CheckParse, "ofd_xml_invalid", "OFD.xml 不是有效的 XML："+err.Error(), "OFD.xml is not valid XML: "+err.Error())
	}
	if len(doc.Bodies) == 0 || strings.TrimSpace(doc.Bodies[0].DocRoot) == "" {
		return "", fileErr(CheckParse, "ofd_unreadable", "OFD.xml 未指明文档根（DocBody/DocRoot）", "OFD.xml names no document root (DocBody/DocRoot)")
	}
	root := strings.TrimSpace(doc.Bodies[0].DocRoot)
	return strings.TrimPrefix(path.Clean("/"+root), "/"), nil
}

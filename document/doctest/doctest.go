// Package doctest builds small documents for tests: DOCX files with
// heading styles, PDF files with bookmarks, OFD files with an outline,
// images, and hostile ZIP containers. Everything is generated; nothing is
// copied from elsewhere.
package doctest

import (
	"archive/zip"
	"bytes"
	"encoding/hex"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"strings"
	"unicode/utf16"
)

// Heading is one heading of a generated document: its level (1 = chapter)
// and title.
type Heading struct {
	Level int
	Title string
}

// Entry is one file of a ZIP container.
type Entry struct {
	Name string
	Body []byte
	// Store keeps the entry uncompressed.
	Store bool
}

// Zip builds a ZIP container of the entries, in order.
func Zip(entries ...Entry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		m := zip.Deflate
		if e.Store {
			m = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: m})
		if err != nil {
			panic(err)
		}
		w.Write(e.Body)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

// DOCX builds a WordprocessingML document whose headings use the built-in
// styles: level 1 style "Heading1" named "heading 1", level 2 style
// "2" named "标题 2" (as a Chinese Word names it, with its outline level
// only through the name), level 3 a direct w:outlineLvl. Between headings
// it puts body text, and before them a table-of-contents paragraph in style
// TOC1 (not a heading).
func DOCX(headings []Heading) []byte {
	var body strings.Builder
	para := func(style, extra, text string) {
		body.WriteString("<w:p><w:pPr>")
		if style != "" {
			fmt.Fprintf(&body, `<w:pStyle w:val="%s"/>`, style)
		}
		body.WriteString(extra)
		fmt.Fprintf(&body, "</w:pPr><w:r><w:t>%s</w:t></w:r></w:p>", html.EscapeString(text))
	}
	para("TOC1", "", "目录 ........ 1")
	for _, h := range headings {
		switch h.Level {
		case 1:
			para("Heading1", "", h.Title)
		case 2:
			para("2", "", h.Title)
		default:
			para("", fmt.Sprintf(`<w:outlineLvl w:val="%d"/>`, h.Level-1), h.Title)
		}
		para("", "", "正文内容。")
	}
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + wordNS + `><w:body>` + body.String() + `</w:body></w:document>`
	styles := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles ` + wordNS + `>` +
		`<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="2"><w:name w:val="标题 2"/><w:basedOn w:val="Normal"/></w:style>` +
		`<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>` +
		`</w:styles>`
	ct := `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	return Zip(
		Entry{Name: "[Content_Types].xml", Body: []byte(ct)},
		Entry{Name: "word/document.xml", Body: []byte(doc)},
		Entry{Name: "word/styles.xml", Body: []byte(styles)},
	)
}

// OFD builds an OFD package whose document has the headings as its
// outline (nested OutlineElem by level).
func OFD(headings []Heading) []byte {
	var out strings.Builder
	depth := 0
	for _, h := range headings {
		for depth >= h.Level {
			out.WriteString("</ofd:OutlineElem>")
			depth--
		}
		for depth < h.Level-1 { // a level skipped: an untitled parent
			out.WriteString(`<ofd:OutlineElem Title="">`)
			depth++
		}
		fmt.Fprintf(&out, `<ofd:OutlineElem Title="%s">`, html.EscapeString(h.Title))
		depth++
	}
	for ; depth > 0; depth-- {
		out.WriteString("</ofd:OutlineElem>")
	}
	ns := `xmlns:ofd="http://www.ofdspec.org/2016"`
	entry := `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD ` + ns + ` Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`
	doc := `<?xml version="1.0" encoding="UTF-8"?><ofd:Document ` + ns + `><ofd:CommonData><ofd:MaxUnitID>1</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages><ofd:Outlines>` + out.String() + `</ofd:Outlines></ofd:Document>`
	page := `<?xml version="1.0" encoding="UTF-8"?><ofd:Page ` + ns + `><ofd:Content/></ofd:Page>`
	return Zip(
		Entry{Name: "OFD.xml", Body: []byte(entry)},
		Entry{Name: "Doc_0/Document.xml", Body: []byte(doc)},
		Entry{Name: "Doc_0/Pages/Page_0/Content.xml", Body: []byte(page)},
	)
}

// pdfText encodes a string as a PDF text string: UTF-16BE with a byte
// order mark, in hex.
func pdfText(s string) string {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2, 2+2*len(u))
	b[0], b[1] = 0xFE, 0xFF
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return "<" + strings.ToUpper(hex.EncodeToString(b)) + ">"
}

// PDF builds a one-page PDF whose bookmarks are the headings (nested by
// level). padding adds that many bytes of page content (for size tests).
func PDF(headings []Heading, padding int) []byte {
	return pdf(headings, padding, "")
}

// EncryptedPDF builds a PDF whose trailer names an encryption dictionary.
func EncryptedPDF() []byte {
	return pdf([]Heading{{1, "项目概述"}}, 0, "enc")
}

type outlineNode struct {
	title string
	kids  []*outlineNode
	num   int
}

func pdf(headings []Heading, padding int, variant string) []byte {
	// Build the tree.
	root := &outlineNode{}
	stack := []*outlineNode{root}
	for _, h := range headings {
		lvl := max(h.Level, 1)
		for len(stack) > lvl {
			stack = stack[:len(stack)-1]
		}
		for len(stack) < lvl { // skipped level
			n := &outlineNode{title: "-"}
			parent := stack[len(stack)-1]
			parent.kids = append(parent.kids, n)
			stack = append(stack, n)
		}
		n := &outlineNode{title: h.Title}
		parent := stack[len(stack)-1]
		parent.kids = append(parent.kids, n)
		stack = append(stack, n)
	}
	// Number objects: 1 catalog, 2 pages, 3 page, 4 content, 5 outlines, then items.
	next := 6
	var number func(n *outlineNode)
	number = func(n *outlineNode) {
		for _, k := range n.kids {
			k.num = next
			next++
			number(k)
		}
	}
	root.num = 5
	number(root)
	objs := map[int]string{}
	content := "BT /F1 12 Tf 72 720 Td (govit) Tj ET\n" + strings.Repeat("%", padding)
	catalog := "<< /Type /Catalog /Pages 2 0 R"
	if len(headings) > 0 {
		catalog += " /Outlines 5 0 R /PageMode /UseOutlines"
	}
	objs[1] = catalog + " >>"
	objs[2] = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
	objs[3] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
	objs[4] = fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content)
	var count func(n *outlineNode) int
	count = func(n *outlineNode) int {
		c := len(n.kids)
		for _, k := range n.kids {
			c += count(k)
		}
		return c
	}
	var emit func(n *outlineNode, parent int)
	emit = func(n *outlineNode, parent int) {
		for i, k := range n.kids {
			d := fmt.Sprintf("<< /Title %s /Parent %d 0 R /Dest [3 0 R /XYZ 0 842 0]", pdfText(k.title), parent)
			if i > 0 {
				d += fmt.Sprintf(" /Prev %d 0 R", n.kids[i-1].num)
			}
			if i < len(n.kids)-1 {
				d += fmt.Sprintf(" /Next %d 0 R", n.kids[i+1].num)
			}
			if len(k.kids) > 0 {
				d += fmt.Sprintf(" /First %d 0 R /Last %d 0 R /Count %d", k.kids[0].num, k.kids[len(k.kids)-1].num, count(k))
			}
			objs[k.num] = d + " >>"
			emit(k, k.num)
		}
	}
	if len(root.kids) > 0 {
		objs[5] = fmt.Sprintf("<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>", root.kids[0].num, root.kids[len(root.kids)-1].num, count(root))
		emit(root, 5)
	} else {
		objs[5] = "<< /Type /Outlines /Count 0 >>"
	}
	trailerExtra := ""
	if variant == "enc" {
		objs[next] = "<< /Filter /Standard /V 2 /R 3 /Length 128 /O <" + strings.Repeat("00", 32) + "> /U <" + strings.Repeat("00", 32) + "> /P -4 >>"
		trailerExtra = fmt.Sprintf(" /Encrypt %d 0 R /ID [<%s> <%s>]", next, strings.Repeat("AB", 16), strings.Repeat("AB", 16))
		next++
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, next)
	for i := 1; i < next; i++ {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i, objs[i])
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", next)
	for i := 1; i < next; i++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", offsets[i])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", next, trailerExtra, xref)
	return b.Bytes()
}

// PNG builds a small PNG image.
func PNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// EICAR is the EICAR anti-virus test file, which every scanner reports as
// a virus (it is harmless).
const EICAR = `X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*`

// Outline2 is a table of contents that meets 附件2: its eight chapters
// and every numbered section, with the numbering a unit would use.
func Outline2() []Heading {
	chapters := []struct {
		title    string
		sections []string
	}{
		{"项目概述", []string{"项目名称", "项目建设单位及负责人", "编制依据", "建设目标、规模、内容、周期", "总投资估算及来源", "经济及社会效益"}},
		{"单位现状", []string{"项目建设单位概况", "信息化现状"}},
		{"需求分析", []string{"项目建设的背景", "项目建设的依据", "采用信息系统实现业务需要的需求分析", "业务流程分析", "功能需求分析", "数据分析", "安全需求分析", "设备需求分析", "软件需求分析"}},
		{"建设方案", []string{"建设目标", "总体架构", "应用系统", "网络系统", "服务器和存储系统", "软件", "系统安全", "其他辅助设施和设备建设内容", "土建及配套工程（不涉及）"}},
		{"项目实施进度和组织安排", []string{"项目建设周期", "项目实施计划", "责任人和组织保障"}},
		{"项目风险及控制措施", nil},
		{"总投资详细估算和资金来源", nil},
		{"经济和社会效益", []string{"项目经济效益", "项目社会效益"}},
	}
	numerals := []string{"一", "二", "三", "四", "五", "六", "七", "八"}
	var hs []Heading
	for i, c := range chapters {
		hs = append(hs, Heading{1, fmt.Sprintf("第%s章 %s", numerals[i], c.title)})
		for j, s := range c.sections {
			hs = append(hs, Heading{2, fmt.Sprintf("%d.%d %s", i+1, j+1, s)})
		}
	}
	return hs
}

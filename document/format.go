package document

import (
	"archive/zip"
	"bytes"
	"io"
	"path"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// The media types allowed for archiving.
const (
	MediaPDF  = "application/pdf"
	MediaOFD  = "application/ofd"
	MediaDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	MediaWPS  = "application/wps-office.wps"
	MediaJPEG = "image/jpeg"
	MediaPNG  = "image/png"
	MediaTIFF = "image/tiff"
)

// Format is one format allowed for archiving.
type Format struct {
	MediaType string `json:"media_type"`
	// Extensions are the file name extensions that fit it, lower case.
	Extensions []string `json:"extensions"`
	ZH         string   `json:"zh"`
}

// Formats is the allow-list for archiving: the formats a district archive
// keeps for 文书类 records — PDF, OFD (GB/T 33190, the national layout
// format), DOCX (an open container), WPS (the national word processor's
// own format), and JPEG, PNG and TIFF images. Each call returns a fresh
// copy.
func Formats() []Format {
	return []Format{
		{MediaPDF, []string{".pdf"}, "PDF 版式文档"},
		{MediaOFD, []string{".ofd"}, "OFD 版式文档"},
		{MediaDOCX, []string{".docx"}, "DOCX 文字处理文档"},
		{MediaWPS, []string{".wps"}, "WPS 文字处理文档"},
		{MediaJPEG, []string{".jpg", ".jpeg"}, "JPEG 图像"},
		{MediaPNG, []string{".png"}, "PNG 图像"},
		{MediaTIFF, []string{".tif", ".tiff"}, "TIFF 图像"},
	}
}

// formatOf returns the allowed format with the media type.
func formatOf(mediaType string) (Format, bool) {
	for _, f := range Formats() {
		if f.MediaType == mediaType {
			return f, true
		}
	}
	return Format{}, false
}

// sniffLen is how much of the head of a file is sniffed.
const sniffLen = 3072

// oleMagic opens every OLE2 compound file (legacy Office, WPS, and an
// encrypted OOXML file).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Sniff returns the media type of the content of ra (size bytes), read
// from the bytes and never from the name: magic numbers (with
// github.com/gabriel-vasile/mimetype), then, for a ZIP container, its
// entries (DOCX has [Content_Types].xml and word/document.xml, OFD has
// OFD.xml). An OLE2 compound file is WPS when its name ends in .wps, and
// "application/x-ole-storage" otherwise. Unreadable ZIPs are
// "application/zip".
func Sniff(ra io.ReaderAt, size int64, name string) string {
	head := make([]byte, min(size, sniffLen))
	n, _ := ra.ReadAt(head, 0)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, oleMagic):
		if strings.EqualFold(path.Ext(name), ".wps") {
			return MediaWPS
		}
		return "application/x-ole-storage"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return sniffZip(ra, size)
	}
	mt := mimetype.Detect(head)
	base := mt.String()
	if i := strings.IndexByte(base, ';'); i >= 0 {
		base = base[:i]
	}
	return base
}

func sniffZip(ra io.ReaderAt, size int64) string {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return "application/zip"
	}
	var ct, word, ofd bool
	for _, f := range zr.File {
		switch f.Name {
		case "[Content_Types].xml":
			ct = true
		case "word/document.xml":
			word = true
		case "OFD.xml":
			ofd = true
		}
	}
	switch {
	case ofd:
		return MediaOFD
	case ct && word:
		return MediaDOCX
	}
	return "application/zip"
}

package document

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// pdfConfig is a pdfcpu configuration built here rather than with
// model.NewDefaultConfiguration, which creates a configuration directory
// in the user's home on first use: reading a PDF must touch nothing else.
func pdfConfig() *model.Configuration {
	lim := model.DefaultResourceLimits()
	// Tighter than pdfcpu's defaults: only a PDF of at most
	// DefaultMaxParse bytes is parsed, and a hostile one must not make
	// the reader decode or list far more than a real document holds.
	lim.MaxStreamBytes = DefaultMaxParse
	lim.MaxDecodeBytes = DefaultMaxParse
	lim.MaxObjectCount = 1_000_000
	lim.MaxXRefEntries = 1_000_000
	return &model.Configuration{
		Reader15:                  true,
		ValidationMode:            model.ValidationRelaxed,
		UnsupportedResourcePolicy: model.UnsupportedResourceSkip,
		Offline:                   true,
		Limits:                    lim,
		Cmd:                       model.LISTBOOKMARKS,
	}
}

// readPDF reads and validates (relaxed) a PDF. An encrypted PDF is refused
// with code "pdf_encrypted", even when it opens without a password: an
// archived file must not be encrypted.
func readPDF(rs io.ReadSeeker) (ctx *model.Context, err error) {
	defer func() {
		// pdfcpu recovers its own faults in its API; this guards the rest.
		if v := recover(); v != nil {
			ctx, err = nil, pdfErr(fmt.Errorf("%v", v))
		}
	}()
	ctx, err = api.ReadContext(rs, pdfConfig())
	if err != nil {
		return nil, pdfErr(err)
	}
	if ctx.XRefTable == nil {
		return nil, pdfErr(errors.New("no cross-reference table"))
	}
	if ctx.XRefTable.Encrypt != nil || ctx.E != nil {
		return nil, pdfEncrypted()
	}
	if err := api.ValidateContext(ctx); err != nil {
		return nil, pdfErr(err)
	}
	return ctx, nil
}

func pdfEncrypted() *FileError {
	return fileErr(CheckOpen, "pdf_encrypted", "PDF 文件已加密，归档文件不得加密", "the PDF is encrypted; archived files must not be")
}

func pdfErr(err error) *FileError {
	msg := err.Error()
	if errors.Is(err, pdfcpu.ErrWrongPassword) || strings.Contains(strings.ToLower(msg), "password") ||
		strings.Contains(strings.ToLower(msg), "encrypt") {
		return pdfEncrypted()
	}
	if len(msg) > 300 {
		msg = msg[:300]
	}
	msg = strings.ToValidUTF8(msg, "\uFFFD")
	return fileErr(CheckParse, "pdf_unreadable", "PDF 文件无法读取："+msg, "the PDF cannot be read: "+msg)
}

// ReadPDFTOC reads the bookmarks (outline) of a PDF with
// github.com/pdfcpu/pdfcpu: each bookmark is a heading, its nesting depth
// the level. An encrypted PDF is refused.
func ReadPDFTOC(rs io.ReadSeeker) (t TOC, err error) {
	ctx, err := readPDF(rs)
	if err != nil {
		return TOC{}, err
	}
	defer func() {
		if v := recover(); v != nil {
			t, err = TOC{}, pdfErr(fmt.Errorf("%v", v))
		}
	}()
	bms, err := pdfcpu.Bookmarks(ctx)
	if err != nil {
		if errors.Is(err, pdfcpu.ErrNoBookmarks) {
			return TOC{Source: TOCPDFBookmarks}, nil
		}
		return TOC{}, pdfErr(err)
	}
	t = TOC{Source: TOCPDFBookmarks}
	var walk func(bs []pdfcpu.Bookmark, level int) error
	walk = func(bs []pdfcpu.Bookmark, level int) error {
		if level > maxDepth {
			return nil
		}
		for _, b := range bs {
			if title := cleanTitle(b.Title); title != "" {
				if len(t.Headings) >= maxHeadings {
					return tooManyHeadings()
				}
				t.Headings = append(t.Headings, Heading{Level: level, Title: title})
			}
			if err := walk(b.Kids, level+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(bms, 1); err != nil {
		return TOC{}, err
	}
	return t, nil
}

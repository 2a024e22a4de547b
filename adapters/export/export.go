// Package export writes what the bureaus of 第三条 take away from govit:
// the project list and the portfolio statistics as CSV (UTF-8 with a byte
// order mark, so that Excel reads the Chinese correctly) and XLSX; the
// declaration form of 附件1 of one project as a workbook laid out like the
// paper form, to print, stamp (盖章) and file; and the audit record of one
// project (第十六条): its events with their chain hashes and the chain's
// verification.
//
// Lists are streamed: rows are read from an iterator and written as they
// come, and XLSX goes through excelize's stream writer (which moves rows
// to a temporary file past a threshold), so memory stays flat however
// many projects there are.
package export

import (
	"archive/zip"
	"encoding/csv"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/govit-cn/govit/calendar"
	"github.com/govit-cn/govit/lifecycle"
	"github.com/govit-cn/govit/review"
)

// BOM is the UTF-8 byte order mark CSV files begin with.
const BOM = "\uFEFF"

// Media types of the exports.
const (
	ContentTypeCSV  = "text/csv; charset=utf-8"
	ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// newCSV writes the BOM and returns a CSV writer on w.
func newCSV(w io.Writer) (*csv.Writer, error) {
	if _, err := io.WriteString(w, BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // as Excel writes it
	return cw, nil
}

// date is the Beijing date of t, YYYY-MM-DD, or "" for the zero time.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return calendar.DateOf(t).Format(time.DateOnly)
}

// stamp is the Beijing date and time of t, or "" for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(beijing).Format("2006-01-02 15:04:05")
}

var beijing = time.FixedZone("CST", 8*3600)

// kindZH is the form's label of a kind (建设类, 运维类).
func kindZH(k string) string { return review.Kind(k).ZH() }

// DutyZH names a duty of lifecycle.Obligation in Chinese, with its article.
func DutyZH(duty string) string {
	switch duty {
	case lifecycle.DutyContractFiling:
		return "合同备案（第十二条）"
	case lifecycle.DutyArchive:
		return "电子档案归档（第十五条）"
	case lifecycle.DutyOMDeclaration:
		return "运维需求申报（第五条）"
	}
	return duty
}

// amounts are the four sources and the total of b as decimal text.
func amounts(b review.Budget) []string {
	return []string{b.Central.String(), b.Municipal.String(), b.District.String(), b.SelfFunded.String(), b.Total().String()}
}

// writeWorkbook writes f to w as it is zipped. excelize's WriteTo would
// first build the whole file in a buffer; with its zip writer pointed at w
// (SetZipWriter) nothing but the compressor's window is held.
func writeWorkbook(f *excelize.File, w io.Writer) error {
	zw := zip.NewWriter(w)
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	_, err := f.WriteTo(io.Discard)
	return err
}

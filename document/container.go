package document

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// ZipLimits bound what a ZIP-based document (DOCX, OFD) may hold.
type ZipLimits struct {
	// MaxEntries caps the number of entries (DefaultZipLimits: 10,000).
	MaxEntries int
	// MaxExpanded caps the total size of the entries once inflated
	// (1 GiB).
	MaxExpanded int64
	// MaxRatio caps the ratio of an entry's inflated size to its
	// compressed size, for entries inflating beyond 1 MiB (200).
	MaxRatio int64
}

// DefaultZipLimits are the limits used when Ingester.Zip is zero.
var DefaultZipLimits = ZipLimits{MaxEntries: 10_000, MaxExpanded: 1 << 30, MaxRatio: 200}

func (l ZipLimits) orDefault() ZipLimits {
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultZipLimits.MaxEntries
	}
	if l.MaxExpanded <= 0 {
		l.MaxExpanded = DefaultZipLimits.MaxExpanded
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultZipLimits.MaxRatio
	}
	return l
}

// FileError is a file refused for what it is: unreadable, unsafe or not
// fit for archiving. Code is stable (e.g. "zip_path_unsafe"); ZH and EN
// explain it.
type FileError struct {
	Check  string
	Code   string
	ZH, EN string
}

func (e *FileError) Error() string { return "document: " + e.Code + ": " + e.EN }

func fileErr(check, code, zh, en string) *FileError {
	return &FileError{Check: check, Code: code, ZH: zh, EN: en}
}

// ratioFloor is the inflated size below which the ratio is not checked:
// small XML parts legitimately compress very well.
const ratioFloor = 1 << 20

// CheckZip checks a ZIP container (DOCX, OFD) against path tricks,
// encryption and zip bombs. It inflates every entry (to nothing), so the
// limits hold for the real sizes, not only for what the headers claim,
// and every entry's CRC-32 is checked. Errors are *FileError.
func CheckZip(ra io.ReaderAt, size int64, lim ZipLimits) error {
	lim = lim.orDefault()
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return fileErr(CheckParse, "zip_unreadable", "ZIP 容器无法读取："+err.Error(), "the ZIP container cannot be read: "+err.Error())
	}
	if len(zr.File) > lim.MaxEntries {
		return fileErr(CheckContainer, "zip_too_many_entries",
			fmt.Sprintf("ZIP 容器有 %d 个条目，超过上限 %d", len(zr.File), lim.MaxEntries),
			fmt.Sprintf("the ZIP container has %d entries, over the limit of %d", len(zr.File), lim.MaxEntries))
	}
	seen := make(map[string]bool, len(zr.File))
	var total int64
	for _, f := range zr.File {
		if reason := unsafeZipPath(f.Name); reason != "" {
			return fileErr(CheckContainer, "zip_path_unsafe",
				fmt.Sprintf("ZIP 条目路径“%s”不安全：%s", f.Name, reason),
				fmt.Sprintf("the ZIP entry path %q is unsafe: %s", f.Name, reason))
		}
		key := strings.ToLower(strings.TrimSuffix(f.Name, "/"))
		if seen[key] {
			return fileErr(CheckContainer, "zip_duplicate_entry",
				fmt.Sprintf("ZIP 条目“%s”重复", f.Name), fmt.Sprintf("the ZIP entry %q appears twice", f.Name))
		}
		seen[key] = true
		if f.Flags&0x1 != 0 {
			return fileErr(CheckOpen, "zip_encrypted",
				fmt.Sprintf("ZIP 条目“%s”已加密，归档文件不得加密", f.Name),
				fmt.Sprintf("the ZIP entry %q is encrypted; archived files must not be", f.Name))
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return fileErr(CheckContainer, "zip_method_unsupported",
				fmt.Sprintf("ZIP 条目“%s”使用不支持的压缩方法 %d", f.Name, f.Method),
				fmt.Sprintf("the ZIP entry %q uses unsupported compression method %d", f.Name, f.Method))
		}
		n, err := inflate(f, lim.MaxExpanded-total)
		total += n
		switch {
		case errors.Is(err, errExpanded):
			return fileErr(CheckContainer, "zip_bomb",
				fmt.Sprintf("ZIP 容器解压后超过 %d 字节（疑似压缩炸弹）", lim.MaxExpanded),
				fmt.Sprintf("the ZIP container inflates beyond %d bytes (a zip bomb?)", lim.MaxExpanded))
		case err != nil:
			return fileErr(CheckParse, "zip_entry_unreadable",
				fmt.Sprintf("ZIP 条目“%s”无法解压：%v", f.Name, err),
				fmt.Sprintf("the ZIP entry %q cannot be inflated: %v", f.Name, err))
		}
		if n > ratioFloor && n > lim.MaxRatio*max(int64(f.CompressedSize64), 1) {
			return fileErr(CheckContainer, "zip_bomb",
				fmt.Sprintf("ZIP 条目“%s”压缩比超过 %d（疑似压缩炸弹）", f.Name, lim.MaxRatio),
				fmt.Sprintf("the ZIP entry %q has a compression ratio over %d (a zip bomb?)", f.Name, lim.MaxRatio))
		}
	}
	return nil
}

var errExpanded = errors.New("expanded beyond the limit")

// inflate reads an entry to its end, at most budget bytes.
func inflate(f *zip.File, budget int64) (int64, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, io.LimitReader(rc, budget+1))
	if err != nil {
		return n, err
	}
	if n > budget {
		return n, errExpanded
	}
	return n, nil
}

// unsafeZipPath says why an entry name is unsafe, or "" when it is safe.
func unsafeZipPath(name string) string {
	switch {
	case name == "":
		return "empty name"
	case strings.ContainsRune(name, 0):
		return "NUL in the name"
	case strings.ContainsRune(name, '\\'):
		return "backslash in the name"
	case strings.HasPrefix(name, "/"):
		return "absolute path"
	case len(name) >= 2 && name[1] == ':':
		return "drive letter"
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "parent directory (..)"
		}
	}
	if c := path.Clean(name); c != strings.TrimSuffix(name, "/") {
		return "not a clean path"
	}
	return ""
}

package blobstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/govit-cn/govit/document"
)

// Dir keeps blobs in a directory: <root>/<alg>/<xx>/<hex>, read-only
// files, written to <root>/tmp first, synced, then renamed into place, so
// a blob is either whole under its name or absent — a crash mid-upload
// leaves at most a staging file, which OpenDir sweeps. It implements
// document.BlobStore and document.Stager.
type Dir struct {
	root string
}

// staleAfter is the age of a staging file that OpenDir removes: older than
// any upload in progress.
const staleAfter = 24 * time.Hour

// OpenDir opens (creating it if needed) a blob directory, and removes
// staging files older than a day left by a crash.
func OpenDir(root string) (*Dir, error) {
	if root == "" {
		return nil, errors.New("blobstore: empty directory")
	}
	d := &Dir{root: root}
	if err := os.MkdirAll(d.tmp(), 0o750); err != nil {
		return nil, fmt.Errorf("blobstore: %w", err)
	}
	entries, err := os.ReadDir(d.tmp())
	if err != nil {
		return nil, fmt.Errorf("blobstore: %w", err)
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
			os.Remove(filepath.Join(d.tmp(), e.Name()))
		}
	}
	return d, nil
}

// Root is the directory.
func (d *Dir) Root() string { return d.root }

func (d *Dir) tmp() string { return filepath.Join(d.root, "tmp") }

func (d *Dir) path(dg document.Digest) (string, error) {
	if !dg.Valid() {
		return "", fmt.Errorf("blobstore: invalid digest %q", dg)
	}
	return filepath.Join(d.root, filepath.FromSlash(dg.Key())), nil
}

// TempFile implements document.Stager.
func (d *Dir) TempFile() (*os.File, error) {
	return os.CreateTemp(d.tmp(), "upload-*")
}

// Adopt implements document.Stager: it syncs f and renames it under dg
// (kept as it is if a blob is already there), and syncs the directory.
func (d *Dir) Adopt(ctx context.Context, dg document.Digest, size int64, f *os.File) error {
	defer f.Close()
	if err := ctx.Err(); err != nil {
		return err
	}
	if !strings.HasPrefix(f.Name(), d.tmp()+string(filepath.Separator)) {
		return fmt.Errorf("blobstore: %s is not a staging file of %s", f.Name(), d.root)
	}
	if st, err := f.Stat(); err != nil {
		return err
	} else if st.Size() != size {
		return fmt.Errorf("blobstore: staged %d bytes, expected %d", st.Size(), size)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	if err := f.Chmod(0o440); err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	return d.place(dg, f.Name())
}

// place renames a synced staging file under dg unless dg is held.
func (d *Dir) place(dg document.Digest, staged string) error {
	p, err := d.path(dg)
	if err != nil {
		return err
	}
	if _, err := os.Stat(p); err == nil {
		return os.Remove(staged)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	if err := os.Rename(staged, p); err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	return syncDir(filepath.Dir(p))
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Put implements document.BlobStore: it copies r to a staging file,
// checks its size and digest against dg, then places it.
func (d *Dir) Put(ctx context.Context, dg document.Digest, size int64, r io.Reader) error {
	if _, err := d.path(dg); err != nil {
		return err
	}
	f, err := d.TempFile()
	if err != nil {
		return fmt.Errorf("blobstore: %w", err)
	}
	defer os.Remove(f.Name())
	var w io.Writer = f
	h := hashFor(dg.Alg)
	if h != nil {
		w = io.MultiWriter(f, h)
	}
	n, err := io.Copy(w, io.LimitReader(r, size+1))
	if err != nil {
		f.Close()
		return fmt.Errorf("blobstore: %w", err)
	}
	if n != size {
		f.Close()
		return fmt.Errorf("blobstore: got %d bytes, expected %d", n, size)
	}
	if h != nil {
		if got := fmt.Sprintf("%x", h.Sum(nil)); got != dg.Hex {
			f.Close()
			return fmt.Errorf("blobstore: content has %s digest %s, not %s", dg.Alg, got, dg.Hex)
		}
	}
	return d.Adopt(ctx, dg, size, f)
}

// Open implements document.BlobStore.
func (d *Dir) Open(ctx context.Context, dg document.Digest) (io.ReadCloser, error) {
	p, err := d.path(dg)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", document.ErrBlobNotFound, dg)
	}
	return f, err
}

// Stat implements document.BlobStore.
func (d *Dir) Stat(ctx context.Context, dg document.Digest) (int64, error) {
	p, err := d.path(dg)
	if err != nil {
		return 0, err
	}
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("%w: %s", document.ErrBlobNotFound, dg)
	}
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

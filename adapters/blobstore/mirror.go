package blobstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/govit-cn/govit/document"
)

// Mirror keeps every blob in a primary store and copies it to replicas
// (e.g. S3-compatible storage in another place): a document is filed only
// once every copy is written. Reads come from the primary, and from the
// first replica that holds the blob when the primary has lost it. When the
// primary is a document.Stager, so is the Mirror.
type Mirror struct {
	Primary  document.BlobStore
	Replicas []document.BlobStore
}

// Put implements document.BlobStore.
func (m *Mirror) Put(ctx context.Context, d document.Digest, size int64, r io.Reader) error {
	if err := m.Primary.Put(ctx, d, size, r); err != nil {
		return err
	}
	return m.replicate(ctx, d, size)
}

// replicate copies the primary's blob to every replica.
func (m *Mirror) replicate(ctx context.Context, d document.Digest, size int64) error {
	for i, rep := range m.Replicas {
		rc, err := m.Primary.Open(ctx, d)
		if err != nil {
			return err
		}
		err = rep.Put(ctx, d, size, readerAtOrNot(rc))
		rc.Close()
		if err != nil {
			return fmt.Errorf("blobstore: replica %d: %w", i+1, err)
		}
	}
	return nil
}

// readerAtOrNot passes a file on as a section (io.ReaderAt), so an S3
// replica sends it in parts without buffering them.
func readerAtOrNot(rc io.ReadCloser) io.Reader {
	if f, ok := rc.(*os.File); ok {
		if st, err := f.Stat(); err == nil {
			return io.NewSectionReader(f, 0, st.Size())
		}
	}
	return rc
}

// TempFile implements document.Stager when the primary does.
func (m *Mirror) TempFile() (*os.File, error) {
	s, ok := m.Primary.(document.Stager)
	if !ok {
		return nil, errors.New("blobstore: the primary store stages no files")
	}
	return s.TempFile()
}

// Adopt implements document.Stager when the primary does.
func (m *Mirror) Adopt(ctx context.Context, d document.Digest, size int64, f *os.File) error {
	s, ok := m.Primary.(document.Stager)
	if !ok {
		f.Close()
		return errors.New("blobstore: the primary store stages no files")
	}
	if err := s.Adopt(ctx, d, size, f); err != nil {
		return err
	}
	return m.replicate(ctx, d, size)
}

// Open implements document.BlobStore.
func (m *Mirror) Open(ctx context.Context, d document.Digest) (io.ReadCloser, error) {
	rc, err := m.Primary.Open(ctx, d)
	if !errors.Is(err, document.ErrBlobNotFound) {
		return rc, err
	}
	for _, rep := range m.Replicas {
		if rc, rerr := rep.Open(ctx, d); rerr == nil {
			return rc, nil
		}
	}
	return nil, err
}

// Stat implements document.BlobStore: the primary's size.
func (m *Mirror) Stat(ctx context.Context, d document.Digest) (int64, error) {
	return m.Primary.Stat(ctx, d)
}

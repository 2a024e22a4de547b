package httpapi

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"runtime"
	rtmetrics "runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govit-cn/govit/adapters/blobstore/blobtest"
	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/lifecycle"
)

// pdfStream writes a PDF-headed file of size bytes without holding it:
// the sniffed type is PDF, and beyond document.DefaultMaxParse its
// structure is not parsed, so the upload measures streaming, hashing,
// staging and storing.
func pdfStream(w io.Writer, size int64) error {
	head := []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	if _, err := w.Write(head); err != nil {
		return err
	}
	buf := make([]byte, 64<<10)
	for i := range buf {
		buf[i] = byte('a' + i%26)
	}
	left := size - int64(len(head))
	for left > 0 {
		n := min(left, int64(len(buf)))
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
		left -= n
	}
	return nil
}

// heapPeak samples the live heap while f runs and returns its growth at
// the peak over the heap before.
func heapPeak(f func()) uint64 {
	sample := []rtmetrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { rtmetrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if v := read(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// BenchmarkDocumentUpload files documents of 2, 20 and 200 MB over HTTP
// (multipart, streamed by the client too) into the blob directory: the
// heap's peak growth per upload (peak-heap-B) stays flat while the size
// grows a hundredfold.
func BenchmarkDocumentUpload(b *testing.B) {
	for _, size := range []int64{2 << 20, 20 << 20, 200 << 20} {
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			blobs := blobtest.Dir(b)
			h := newHarness(b, nil, func(lc *lifecycle.Config, c *Config) {
				// MaxParse 1: no size has its PDF structure parsed, so every
				// size takes the same path.
				lc.Documents = &document.Ingester{Blobs: blobs, MaxSize: 1 << 30, MaxParse: 1}
			})
			id, _ := h.declare(asUnitA, declaration(unitA, "学籍平台"))
			client := &http.Client{}
			b.SetBytes(size)
			b.ReportAllocs()
			var peak uint64
			b.ResetTimer()
			for b.Loop() {
				p := heapPeak(func() {
					pr, pw := io.Pipe()
					mw := multipart.NewWriter(pw)
					go func() {
						err := mw.WriteField("slot", "acceptance_report")
						var fw io.Writer
						if err == nil {
							fw, err = mw.CreateFormFile("file", "scan.pdf")
						}
						if err == nil {
							err = pdfStream(fw, size)
						}
						if err == nil {
							err = mw.Close()
						}
						pw.CloseWithError(err)
					}()
					req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, h.srv.URL+"/v1/projects/"+id+"/documents", pr)
					if err != nil {
						b.Fatal(err)
					}
					req.Header.Set("Content-Type", mw.FormDataContentType())
					req.Header.Set("Authorization", "Bearer "+asUnitA)
					resp, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						b.Fatalf("status %d", resp.StatusCode)
					}
				})
				peak = max(peak, p)
			}
			b.ReportMetric(float64(peak), "peak-heap-B")
		})
	}
}

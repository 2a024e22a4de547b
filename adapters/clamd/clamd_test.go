package clamd_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govit-cn/govit/adapters/clamd"
	"github.com/govit-cn/govit/document"
	"github.com/govit-cn/govit/document/doctest"
)

// fakeClamd speaks the clamd protocol on loopback: PING, and INSTREAM,
// finding the EICAR string; it refuses streams over maxLen like clamd's
// StreamMaxLength, and records the largest chunk it was sent.
type fakeClamd struct {
	ln       net.Listener
	maxLen   int
	mu       sync.Mutex
	maxChunk int
	received int
}

func startFake(t *testing.T, maxLen int) *fakeClamd {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f := &fakeClamd{ln: ln, maxLen: maxLen}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeClamd) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	cmd, err := r.ReadString(0)
	if err != nil {
		return
	}
	switch cmd {
	case "zPING\x00":
		c.Write([]byte("PONG\x00"))
	case "zINSTREAM\x00":
		var data bytes.Buffer
		for {
			var n uint32
			if err := binary.Read(r, binary.BigEndian, &n); err != nil {
				return
			}
			if n == 0 {
				break
			}
			f.mu.Lock()
			f.maxChunk = max(f.maxChunk, int(n))
			f.mu.Unlock()
			if data.Len()+int(n) > f.maxLen {
				c.Write([]byte("INSTREAM size limit exceeded. ERROR\x00"))
				return
			}
			if _, err := io.CopyN(&data, r, int64(n)); err != nil {
				return
			}
		}
		f.mu.Lock()
		f.received = data.Len()
		f.mu.Unlock()
		if bytes.Contains(data.Bytes(), []byte(doctest.EICAR)) {
			c.Write([]byte("stream: Eicar-Test-Signature FOUND\x00"))
			return
		}
		c.Write([]byte("stream: OK\x00"))
	default:
		c.Write([]byte("UNKNOWN COMMAND\x00"))
	}
}

func TestScan(t *testing.T) {
	f := startFake(t, 1<<20)
	c := clamd.New("tcp", f.ln.Addr().String())
	c.ChunkSize = 1000
	var _ document.Scanner = c
	require.NoError(t, c.Ping(t.Context()))

	clean := bytes.Repeat([]byte("正文"), 2000)
	v, err := c.Scan(t.Context(), bytes.NewReader(clean))
	require.NoError(t, err)
	assert.False(t, v.Infected)
	f.mu.Lock()
	assert.Equal(t, len(clean), f.received, "the whole file was streamed")
	assert.LessOrEqual(t, f.maxChunk, 1000, "in chunks")
	f.mu.Unlock()

	infected := append(append([]byte{}, clean...), doctest.EICAR...)
	v, err = c.Scan(t.Context(), bytes.NewReader(infected))
	require.NoError(t, err)
	assert.True(t, v.Infected)
	assert.Equal(t, "Eicar-Test-Signature", v.Signature)

	v, err = c.Scan(t.Context(), strings.NewReader(""))
	require.NoError(t, err)
	assert.False(t, v.Infected)
}

func TestScanSizeLimit(t *testing.T) {
	f := startFake(t, 100)
	c := clamd.New("tcp", f.ln.Addr().String())
	_, err := c.Scan(t.Context(), bytes.NewReader(make([]byte, 5000)))
	require.ErrorIs(t, err, clamd.ErrSizeLimit)
}

func TestScanUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	c := clamd.New("tcp", addr)
	_, err = c.Scan(t.Context(), strings.NewReader("x"))
	require.Error(t, err)
}

// TestScanHonoursContext: a clamd that never answers does not hold the
// scan past its context.
func TestScanHonoursContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go io.Copy(io.Discard, c) // reads, never answers
		}
	}()
	c := clamd.New("tcp", ln.Addr().String())
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Scan(ctx, strings.NewReader("x"))
	require.Error(t, err)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.False(t, errors.Is(err, clamd.ErrSizeLimit))
}

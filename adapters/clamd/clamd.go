// Package clamd is a document.Scanner that asks a ClamAV daemon (clamd)
// to scan each file, over TCP or a Unix socket, with the INSTREAM command:
// the file is sent in length-prefixed chunks, never held whole in memory.
//
// ClamAV is one scanner among others: a district that must use a
// domestic antivirus product plugs in its own document.Scanner.
package clamd

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/govit-cn/govit/document"
)

// Client speaks to one clamd. It is safe for concurrent use: every scan
// opens its own connection.
type Client struct {
	network, address string
	// ChunkSize is the size of each INSTREAM chunk (64 KiB when zero).
	ChunkSize int
	// Timeout bounds one scan when the context has no deadline (2
	// minutes when zero).
	Timeout time.Duration
	dialer  net.Dialer
}

// New returns a client for clamd at network ("tcp" or "unix") and address
// (e.g. "127.0.0.1:3310", "/run/clamav/clamd.ctl").
func New(network, address string) *Client {
	return &Client{network: network, address: address}
}

// Name implements document.Scanner.
func (c *Client) Name() string { return "clamd " + c.address }

// ErrSizeLimit is returned when clamd refuses a stream longer than its
// StreamMaxLength.
var ErrSizeLimit = errors.New("clamd: the file exceeds clamd's StreamMaxLength")

// Scan implements document.Scanner with INSTREAM.
func (c *Client) Scan(ctx context.Context, r io.Reader) (document.Verdict, error) {
	if _, ok := ctx.Deadline(); !ok {
		t := c.Timeout
		if t <= 0 {
			t = 2 * time.Minute
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	conn, err := c.dialer.DialContext(ctx, c.network, c.address)
	if err != nil {
		return document.Verdict{}, fmt.Errorf("clamd: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()

	size := c.ChunkSize
	if size <= 0 {
		size = 64 << 10
	}
	w := bufio.NewWriterSize(conn, size+4)
	if _, err := w.WriteString("zINSTREAM\x00"); err != nil {
		return document.Verdict{}, fmt.Errorf("clamd: %w", err)
	}
	buf := make([]byte, size)
	var lenBuf [4]byte
	for {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			binary.BigEndian.PutUint32(lenBuf[:], uint32(n))
			w.Write(lenBuf[:])
			if _, err := w.Write(buf[:n]); err != nil {
				// clamd may close early (size limit): read its answer.
				break
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return document.Verdict{}, fmt.Errorf("clamd: reading the file: %w", rerr)
		}
	}
	binary.BigEndian.PutUint32(lenBuf[:], 0)
	w.Write(lenBuf[:])
	w.Flush()
	reply, err := bufio.NewReader(io.LimitReader(conn, 4096)).ReadString(0)
	if err != nil && reply == "" {
		return document.Verdict{}, fmt.Errorf("clamd: no reply: %w", err)
	}
	return parseReply(strings.TrimRight(reply, "\x00\n"))
}

// parseReply reads "stream: OK", "stream: <signature> FOUND" or
// "<message> ERROR".
func parseReply(reply string) (document.Verdict, error) {
	body := reply
	if _, after, ok := strings.Cut(reply, ": "); ok {
		body = after
	}
	switch {
	case body == "OK":
		return document.Verdict{}, nil
	case strings.HasSuffix(body, " FOUND"):
		return document.Verdict{Infected: true, Signature: strings.TrimSuffix(body, " FOUND")}, nil
	case strings.Contains(body, "size limit exceeded"):
		return document.Verdict{}, ErrSizeLimit
	}
	return document.Verdict{}, fmt.Errorf("clamd: unexpected reply %q", reply)
}

// Ping checks that clamd answers PONG.
func (c *Client) Ping(ctx context.Context) error {
	conn, err := c.dialer.DialContext(ctx, c.network, c.address)
	if err != nil {
		return fmt.Errorf("clamd: %w", err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	if _, err := conn.Write([]byte("zPING\x00")); err != nil {
		return fmt.Errorf("clamd: %w", err)
	}
	reply, err := bufio.NewReader(io.LimitReader(conn, 64)).ReadString(0)
	if strings.TrimRight(reply, "\x00\n") != "PONG" {
		return fmt.Errorf("clamd: no PONG (%q, %v)", reply, err)
	}
	return nil
}

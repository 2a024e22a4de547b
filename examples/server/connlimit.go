package main

import (
	"net"
	"strconv"
	"sync"
	"time"
)

// connLimitListener caps the connections open at once, idle keep-alive
// ones included: a connection accepted over the cap is answered at once
// with a 503 and Retry-After and closed, rather than left waiting in the
// accept queue or served at the cost of the others.
type connLimitListener struct {
	net.Listener
	slots chan struct{}
}

func limitConns(l net.Listener, n int) net.Listener {
	return &connLimitListener{Listener: l, slots: make(chan struct{}, n)}
}

func (l *connLimitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return &limitedConn{Conn: c, release: func() { <-l.slots }}, nil
		default:
			go refuseConn(c)
		}
	}
}

// overCapacity is the whole answer to a connection over the cap.
var overCapacity = func() []byte {
	body := `{"type":"urn:govit:problem:too_many_connections","title":"Service Unavailable","status":503,` +
		`"code":"too_many_connections","zh":"连接数已达上限，请稍后重试","en":"too many connections; retry later"}` + "\n"
	return []byte("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n" +
		"Retry-After: 1\r\nConnection: close\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}()

// refuseConn answers c with overCapacity (giving it a second) and closes
// it. The request, if any, is not read.
func refuseConn(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(time.Second))
	_, _ = c.Write(overCapacity)
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	_ = c.Close()
}

// limitedConn gives its slot back once, when closed.
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

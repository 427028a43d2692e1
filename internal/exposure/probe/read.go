package probe

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"unicode/utf8"
)

// MaxBanner bounds what is read from any server in one exchange.
const MaxBanner = 64 << 10

// readAtMost reads until max bytes, EOF, the deadline, or until done says the
// message is complete. It returns what arrived even on a time-out.
func readAtMost(c net.Conn, max int, done func([]byte) bool) ([]byte, error) {
	buf := make([]byte, 0, min(max, 4096))
	tmp := make([]byte, 4096)
	for len(buf) < max {
		n, err := c.Read(tmp[:min(len(tmp), max-len(buf))])
		buf = append(buf, tmp[:n]...)
		if done != nil && done(buf) {
			return buf, nil
		}
		if err != nil {
			if len(buf) > 0 && (errors.Is(err, io.EOF) || isTimeout(err)) {
				return buf, nil
			}
			return buf, err
		}
	}
	return buf, nil
}

// readFull reads exactly n bytes (n bounded by the caller).
func readFull(c net.Conn, n int) ([]byte, error) {
	b := make([]byte, n)
	_, err := io.ReadFull(c, b)
	return b, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// lineReader reads CRLF lines of at most max bytes each.
type lineReader struct {
	r   *bufio.Reader
	max int
}

func newLineReader(c net.Conn) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(io.LimitReader(c, MaxBanner), 1024), max: 1024}
}

// line returns the next line without its end; an over-long line is an error.
func (l *lineReader) line() (string, error) {
	var sb strings.Builder
	for {
		frag, isPrefix, err := l.r.ReadLine()
		sb.Write(frag)
		if sb.Len() > l.max {
			return "", errors.New("ligne trop longue")
		}
		if err != nil {
			return sb.String(), err
		}
		if !isPrefix {
			return sb.String(), nil
		}
	}
}

// printable turns a banner into a short printable string (escapes binary).
func printable(b []byte, max int) string {
	var sb strings.Builder
	for len(b) > 0 && sb.Len() < max {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size <= 1:
			sb.WriteString("\\x")
			sb.WriteByte("0123456789abcdef"[b[0]>>4])
			sb.WriteByte("0123456789abcdef"[b[0]&15])
		case r == '\r':
			sb.WriteString("\\r")
		case r == '\n':
			sb.WriteString("\\n")
		case r < 0x20 || r == 0x7f:
			sb.WriteString("\\x")
			sb.WriteByte("0123456789abcdef"[r>>4])
			sb.WriteByte("0123456789abcdef"[r&15])
		default:
			sb.WriteRune(r)
		}
		b = b[size:]
	}
	return sb.String()
}

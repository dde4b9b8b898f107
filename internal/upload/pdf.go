package upload

import (
	"bytes"
	"compress/zlib"
	"io"
	"strconv"
)

// activeNames are PDF names that make a document do something by itself:
// run a script, start a program, submit or fetch data, open another file,
// or carry other files inside it.
var activeNames = map[string]bool{
	"JavaScript": true, "JS": true, "Launch": true, "EmbeddedFile": true, "EmbeddedFiles": true,
	"RichMedia": true, "XFA": true, "AA": true, "SubmitForm": true, "ImportData": true, "GoToR": true, "GoToE": true,
}

// maxInflated bounds the bytes inflated from a PDF's object streams, against
// compression bombs; real object streams are far smaller.
const maxInflated = 64 << 20

// checkPDF accepts a complete PDF without active content. It reads the
// dictionaries at top level and inside compressed object streams (where
// PDF 1.5 and later keep most of them), decoding #xx escapes in names so that
// /J#61vaScript counts as /JavaScript. Page content streams are skipped: they
// draw, they cannot act. /OpenAction is allowed only as a plain destination
// ("open at page 1"), which office suites write into ordinary PDFs.
func checkPDF(data []byte) error {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return ErrUnsupported
	}
	if !bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF")) {
		return ErrBrokenPDF
	}
	locked := bytes.Contains(data, []byte("/Encrypt"))
	budget := maxInflated
	rest := data
	for {
		i := streamKeyword(rest)
		if i < 0 {
			return checkNames(rest)
		}
		head := rest[:i]
		if err := checkNames(head); err != nil {
			return err
		}
		start := i + len("stream")
		if start < len(rest) && rest[start] == '\r' {
			start++
		}
		if start < len(rest) && rest[start] == '\n' {
			start++
		}
		dict := head[max(0, bytes.LastIndex(head, []byte("obj"))):]
		end := streamEnd(rest, start, dict)
		if end < 0 {
			return ErrBrokenPDF
		}
		if hasName(dict, "ObjStm") {
			if !hasName(dict, "FlateDecode") {
				if locked {
					return ErrLockedPDF
				}
				return ErrBrokenPDF
			}
			objs, err := inflate(rest[start:end], &budget)
			if err != nil {
				if locked {
					return ErrLockedPDF
				}
				return ErrBrokenPDF
			}
			if err := checkNames(objs); err != nil {
				return err
			}
		}
		rest = rest[end:]
		if j := bytes.Index(rest, []byte("endstream")); j >= 0 {
			rest = rest[j+len("endstream"):]
		}
	}
}

// streamKeyword returns the index of the next "stream" keyword that starts
// stream data (followed by an end of line, and not part of "endstream").
func streamKeyword(b []byte) int {
	off := 0
	for {
		i := bytes.Index(b[off:], []byte("stream"))
		if i < 0 {
			return -1
		}
		i += off
		after := i + len("stream")
		if (i == 0 || b[i-1] != 'd') && after < len(b) && (b[after] == '\r' || b[after] == '\n') {
			return i
		}
		off = after
	}
}

// streamEnd returns where the data of the stream starting at start ends:
// by its direct /Length when that is consistent, else at "endstream".
func streamEnd(b []byte, start int, dict []byte) int {
	if n, ok := directLength(dict); ok && start+n <= len(b) {
		tail := bytes.TrimLeft(b[start+n:min(len(b), start+n+16)], "\r\n \t")
		if bytes.HasPrefix(tail, []byte("endstream")) {
			return start + n
		}
	}
	i := bytes.Index(b[start:], []byte("endstream"))
	if i < 0 {
		return -1
	}
	return start + i
}

// directLength reads "/Length 123" from a stream dictionary; an indirect
// length ("/Length 12 0 R") is not followed.
func directLength(dict []byte) (int, bool) {
	i := bytes.Index(dict, []byte("/Length"))
	if i < 0 {
		return 0, false
	}
	f := bytes.Fields(dict[i+len("/Length"):])
	if len(f) == 0 {
		return 0, false
	}
	num := f[0]
	if j := bytes.IndexAny(num, "/>"); j >= 0 {
		num = num[:j]
	}
	n, err := strconv.Atoi(string(num))
	if err != nil || n < 0 {
		return 0, false
	}
	if len(f) >= 3 && bytes.HasPrefix(f[2], []byte("R")) {
		return 0, false
	}
	return n, true
}

// inflate decompresses a FlateDecode stream, charging its size to budget.
func inflate(b []byte, budget *int) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, int64(*budget)+1))
	if err != nil && err != io.ErrUnexpectedEOF {
		return nil, err
	}
	if len(out) > *budget {
		return nil, ErrBrokenPDF
	}
	*budget -= len(out)
	return out, nil
}

// checkNames refuses b when it holds an active name, or an /OpenAction that
// is not a plain destination array.
func checkNames(b []byte) error {
	var err error
	eachName(b, func(name string, after []byte) bool {
		if activeNames[name] {
			err = ErrActivePDF
			return false
		}
		if name == "OpenAction" && !bytes.HasPrefix(bytes.TrimLeft(after, " \t\r\n\f\x00"), []byte("[")) {
			err = ErrActivePDF
			return false
		}
		return true
	})
	return err
}

// hasName reports whether b holds the PDF name /name.
func hasName(b []byte, name string) bool {
	found := false
	eachName(b, func(n string, _ []byte) bool {
		found = n == name
		return !found
	})
	return found
}

// eachName calls fn with every PDF name in b, #xx escapes decoded, and the
// bytes after it, until fn returns false.
func eachName(b []byte, fn func(name string, after []byte) bool) {
	for i := 0; i < len(b); i++ {
		if b[i] != '/' {
			continue
		}
		j := i + 1
		var name []byte
		for j < len(b) && !pdfDelimiter(b[j]) {
			if b[j] == '#' && j+2 < len(b) && isHex(b[j+1]) && isHex(b[j+2]) {
				name = append(name, unhex(b[j+1])<<4|unhex(b[j+2]))
				j += 3
				continue
			}
			name = append(name, b[j])
			j++
		}
		if !fn(string(name), b[j:]) {
			return
		}
		i = j - 1
	}
}

func pdfDelimiter(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ', '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

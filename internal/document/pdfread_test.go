package document

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
)

// readPDF checks the structure of a PDF as PDF writes it (content streams
// FlateDecode-compressed,
// one classic cross-reference table) and returns each page's content
// stream in page order: the header and end marker are there, startxref
// points at the table, every object starts where the table says, the page
// tree counts its kids, and every stream is as long as its /Length.
func readPDF(pdf []byte) ([][]byte, error) {
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) {
		return nil, fmt.Errorf("no PDF header")
	}
	if !bytes.HasSuffix(bytes.TrimRight(pdf, "\r\n"), []byte("%%EOF")) {
		return nil, fmt.Errorf("no %%%%EOF at the end")
	}
	objs, trailer, err := xref(pdf)
	if err != nil {
		return nil, err
	}
	root, err := ref(trailer, "Root")
	if err != nil {
		return nil, fmt.Errorf("trailer: %w", err)
	}
	pagesRef, err := ref(objs[root], "Pages")
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	pages := objs[pagesRef]
	kids := regexp.MustCompile(`/Kids \[([0-9 R]*)\]`).FindSubmatch(pages)
	count := regexp.MustCompile(`/Count (\d+)`).FindSubmatch(pages)
	if kids == nil || count == nil {
		return nil, fmt.Errorf("page tree without /Kids or /Count: %q", pages)
	}
	var contents [][]byte
	for _, m := range regexp.MustCompile(`(\d+) 0 R`).FindAllSubmatch(kids[1], -1) {
		n, _ := strconv.Atoi(string(m[1]))
		page := objs[n]
		if !bytes.Contains(page, []byte("/Type /Page\n")) {
			return nil, fmt.Errorf("kid %d is not a page", n)
		}
		c, err := ref(page, "Contents")
		if err != nil {
			return nil, fmt.Errorf("page object %d: %w", n, err)
		}
		s, err := stream(objs[c])
		if err != nil {
			return nil, fmt.Errorf("content object %d: %w", c, err)
		}
		contents = append(contents, s)
	}
	if strconv.Itoa(len(contents)) != string(count[1]) {
		return nil, fmt.Errorf("page tree counts %s pages but has %d", count[1], len(contents))
	}
	return contents, nil
}

// xref reads the cross-reference table and returns every object's body by
// number, and the trailer dictionary.
func xref(pdf []byte) (map[int][]byte, []byte, error) {
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(pdf)
	if m == nil {
		return nil, nil, fmt.Errorf("no startxref")
	}
	at, _ := strconv.Atoi(string(m[1]))
	if at >= len(pdf) || !bytes.HasPrefix(pdf[at:], []byte("xref\n0 ")) {
		return nil, nil, fmt.Errorf("startxref %d does not point at the table", at)
	}
	head := regexp.MustCompile(`^xref\n0 (\d+)\n`).FindSubmatch(pdf[at:])
	size, _ := strconv.Atoi(string(head[1]))
	entries := pdf[at+len(head[0]):]
	if len(entries) < 20*size {
		return nil, nil, fmt.Errorf("table of %d entries is cut short", size)
	}
	objs := make(map[int][]byte, size)
	for i := 1; i < size; i++ {
		e := entries[20*i : 20*i+20]
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil || e[17] != 'n' {
			return nil, nil, fmt.Errorf("entry %d: %q", i, e)
		}
		head := fmt.Sprintf("%d 0 obj\n", i)
		if off >= len(pdf) || !bytes.HasPrefix(pdf[off:], []byte(head)) {
			return nil, nil, fmt.Errorf("object %d is not at offset %d", i, off)
		}
		body := pdf[off+len(head):]
		end := bytes.Index(body, []byte("\nendobj"))
		if end < 0 {
			return nil, nil, fmt.Errorf("object %d has no endobj", i)
		}
		objs[i] = body[:end]
	}
	trailer := entries[20*size:]
	if !bytes.HasPrefix(trailer, []byte("trailer\n")) {
		return nil, nil, fmt.Errorf("no trailer after the table")
	}
	if !bytes.Contains(trailer, []byte(fmt.Sprintf("/Size %d\n", size))) {
		return nil, nil, fmt.Errorf("trailer /Size is not %d", size)
	}
	return objs, trailer, nil
}

// ref returns the object number a dictionary's key refers to.
func ref(dict []byte, key string) (int, error) {
	m := regexp.MustCompile(`/` + key + ` (\d+) 0 R`).FindSubmatch(dict)
	if m == nil {
		return 0, fmt.Errorf("no /%s reference", key)
	}
	return strconv.Atoi(string(m[1]))
}

// stream returns the data of a stream object whose /Length is direct,
// inflated when it is FlateDecode-compressed.
func stream(obj []byte) ([]byte, error) {
	m := regexp.MustCompile(`^<<\s*(/Filter /FlateDecode\s*)?/Length (\d+)\s*>>\nstream\n`).FindSubmatch(obj)
	if m == nil {
		return nil, fmt.Errorf("not a stream with a direct /Length")
	}
	n, _ := strconv.Atoi(string(m[2]))
	data := obj[len(m[0]):]
	if len(data) < n || !bytes.HasPrefix(data[n:], []byte("\nendstream")) {
		return nil, fmt.Errorf("stream is not %d bytes long", n)
	}
	if len(m[1]) == 0 {
		return data[:n], nil
	}
	zr, err := zlib.NewReader(bytes.NewReader(data[:n]))
	if err != nil {
		return nil, fmt.Errorf("inflate stream: %w", err)
	}
	defer zr.Close()
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("inflate stream: %w", err)
	}
	return out, nil
}

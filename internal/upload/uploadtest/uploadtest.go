// Package uploadtest makes sample files for tests of uploads: photos with and
// without metadata, a decompression bomb, and small PDFs with or without
// active content.
package uploadtest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// Secret is text hidden in the metadata of JPEGWithMetadata, which a cleaned
// photo must not contain.
const Secret = "GPS -0.9471 100.3543 rahasia"

// Image returns a w×h picture: its left half red, its right half blue, with a
// gradient so that it does not compress to nothing.
func Image(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{R: 220, G: uint8(y * 60 / max(1, h)), B: 20, A: 255}
			if x >= w/2 {
				c = color.RGBA{R: 20, G: uint8(y * 60 / max(1, h)), B: 220, A: 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// JPEG returns Image(w, h) encoded as JPEG.
func JPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, Image(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// JPEGWithMetadata returns JPEG(w, h) with an EXIF block holding orientation
// (1–8) and Secret, and a comment holding Secret, as phones write them.
func JPEGWithMetadata(t testing.TB, w, h, orientation int) []byte {
	t.Helper()
	plain := JPEG(t, w, h)
	// TIFF header, big-endian, one IFD with Orientation and ImageDescription.
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a\x00\x00\x00\x08")
	desc := Secret + "\x00"
	_ = binary.Write(&tiff, binary.BigEndian, uint16(2))
	_ = binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	_ = binary.Write(&tiff, binary.BigEndian, uint32(1))
	_ = binary.Write(&tiff, binary.BigEndian, []uint16{uint16(orientation), 0})
	_ = binary.Write(&tiff, binary.BigEndian, []uint16{0x010e, 2})
	_ = binary.Write(&tiff, binary.BigEndian, uint32(len(desc)))
	_ = binary.Write(&tiff, binary.BigEndian, uint32(8+2+2*12+4)) // offset of the text
	_ = binary.Write(&tiff, binary.BigEndian, uint32(0))          // no next IFD
	tiff.WriteString(desc)
	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)

	var out bytes.Buffer
	out.Write(plain[:2]) // SOI
	out.Write([]byte{0xff, 0xe1})
	_ = binary.Write(&out, binary.BigEndian, uint16(len(app1)+2))
	out.Write(app1)
	com := []byte(Secret)
	out.Write([]byte{0xff, 0xfe})
	_ = binary.Write(&out, binary.BigEndian, uint16(len(com)+2))
	out.Write(com)
	out.Write(plain[2:])
	return out.Bytes()
}

// PNG returns a w×h PNG; transparent makes its right half fully transparent.
func PNG(t testing.TB, w, h int, transparent bool) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{R: 20, G: 160, B: 60, A: 255}
			if transparent && x >= w/2 {
				c = color.NRGBA{}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// PNGBomb returns a small PNG whose header claims w×h pixels: decoding it in
// full would take w×h×4 bytes of memory.
func PNGBomb(t testing.TB, w, h int) []byte {
	t.Helper()
	b := PNG(t, 1, 1, false)
	// Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4)...
	binary.BigEndian.PutUint32(b[16:], uint32(w))
	binary.BigEndian.PutUint32(b[20:], uint32(h))
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

// PDF returns a one-page PDF whose catalog dictionary also holds catalog
// (e.g. "/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"); "" gives a
// plain, harmless PDF.
func PDF(catalog string) []byte {
	content := "BT /F1 24 Tf 40 100 Td (Surat Pernyataan) Tj ET"
	return build([]string{
		"<< /Type /Catalog /Pages 2 0 R " + catalog + " >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}, "")
}

// PDFWithObjectStream returns a PDF 1.5 whose catalog sits in a compressed
// object stream, holding catalog like PDF does.
func PDFWithObjectStream(catalog string) []byte {
	obj := "<< /Type /Catalog /Pages 2 0 R " + catalog + " >>"
	header := "1 0 "
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write([]byte(header + obj))
	_ = zw.Close()
	stream := fmt.Sprintf("<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream",
		len(header), z.Len(), z.String())
	return build([]string{
		stream,
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] >>",
	}, "")
}

// PDFWithBinaryContent returns a PDF whose page content stream holds bytes
// that look like an active name; content streams draw and cannot act.
func PDFWithBinaryContent() []byte {
	content := "q \x00\x01/JS \xff\x02/Launch\x00 Q"
	return build([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}, "")
}

// build joins objects 1..n into a PDF with a cross-reference table;
// trailerExtra is added to the trailer dictionary.
func build(objects []string, trailerExtra string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, trailerExtra, xref)
	return b.Bytes()
}

// Text returns text pretending to be a photo: what a renamed .txt holds.
func Text() []byte {
	return []byte(strings.Repeat("Ini bukan foto, hanya teks biasa yang namanya diganti menjadi foto.jpg.\n", 20))
}

// LockedPDF returns an encrypted PDF whose object stream cannot be read
// without the key, as a password-protected PDF is.
func LockedPDF() []byte {
	garbage := "\x8a\x11\x93\x07\xfe\x52\x00\x61\x9c\x3d\xe4\x88\x10\x42\x77\xab"
	return build([]string{
		fmt.Sprintf("<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", len(garbage), garbage),
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] >>",
		"<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>",
	}, "/Encrypt 4 0 R")
}

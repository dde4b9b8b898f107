package upload_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"strings"
	"testing"

	"lapak/internal/apperr"
	"lapak/internal/upload"
	"lapak/internal/upload/uploadtest"
)

// The WebP samples in testdata come from golang.org/x/image/testdata (BSD licence).

func process(t *testing.T, data []byte) (upload.File, error) {
	t.Helper()
	return upload.Process(context.Background(), bytes.NewReader(data))
}

// decodeJPEG checks that f is a JPEG of the size it claims and returns it.
func decodeJPEG(t *testing.T, f upload.File) image.Image {
	t.Helper()
	if f.ContentType != upload.JPEG || f.Ext != ".jpg" {
		t.Fatalf("stored as %q %q, want %q .jpg", f.ContentType, f.Ext, upload.JPEG)
	}
	img, err := jpeg.Decode(bytes.NewReader(f.Data))
	if err != nil {
		t.Fatalf("stored photo does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != f.Width || b.Dy() != f.Height {
		t.Errorf("stored photo is %dx%d, File says %dx%d", b.Dx(), b.Dy(), f.Width, f.Height)
	}
	return img
}

func checkSum(t *testing.T, f upload.File) {
	t.Helper()
	sum := sha256.Sum256(f.Data)
	if got, want := f.SHA256, hex.EncodeToString(sum[:]); got != want {
		t.Errorf("SHA256 = %s, want %s", got, want)
	}
}

// near reports whether c is within 40 of want in each channel.
func near(c color.Color, want color.RGBA) bool {
	r, g, b, _ := c.RGBA()
	d := func(a uint32, b uint8) bool { x := int(a>>8) - int(b); return x > -40 && x < 40 }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

var (
	red   = color.RGBA{R: 220, G: 30, B: 20}
	blue  = color.RGBA{R: 20, G: 30, B: 220}
	white = color.RGBA{R: 255, G: 255, B: 255}
)

func TestProcess_Refused(t *testing.T) {
	t.Parallel()
	jpg := uploadtest.JPEG(t, 400, 300)
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty file", nil, upload.ErrEmpty},
		{"text renamed to .jpg", uploadtest.Text(), upload.ErrUnsupported},
		{"HTML", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), upload.ErrUnsupported},
		{"SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`), upload.ErrUnsupported},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), upload.ErrUnsupported},
		{"ZIP", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), upload.ErrUnsupported},
		{"JPEG signature only", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), upload.ErrBrokenImage},
		{"JPEG cut in the middle", jpg[:len(jpg)/2], upload.ErrBrokenImage},
		{"PNG cut in the middle", uploadtest.PNG(t, 300, 300, false)[:60], upload.ErrBrokenImage},
		{"decompression bomb", uploadtest.PNGBomb(t, 50000, 50000), upload.ErrTooManyPixels},
		{"larger than 10 MB", bytes.Repeat([]byte{0xff}, upload.MaxSize+1), upload.ErrTooLarge},
		{"PDF without end", uploadtest.PDF("")[:200], upload.ErrBrokenPDF},
		{"PDF with JavaScript", uploadtest.PDF("/Names << /JavaScript << /Names [(a) 5 0 R] >> >>"), upload.ErrActivePDF},
		{"PDF opening with a script", uploadtest.PDF("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), upload.ErrActivePDF},
		{"PDF with a hidden name", uploadtest.PDF("/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"), upload.ErrActivePDF},
		{"PDF opening with an indirect action", uploadtest.PDF("/OpenAction 9 0 R"), upload.ErrActivePDF},
		{"PDF launching a program", uploadtest.PDF("/OpenAction << /S /Launch /F (cmd.exe) >>"), upload.ErrActivePDF},
		{"PDF with an embedded file", uploadtest.PDF("/Names << /EmbeddedFiles << /Names [(x.exe) 6 0 R] >> >>"), upload.ErrActivePDF},
		{"PDF with additional actions", uploadtest.PDF("/AA << /WC << /S /URI /URI (http://x) >> >>"), upload.ErrActivePDF},
		{"PDF with a script in an object stream", uploadtest.PDFWithObjectStream("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), upload.ErrActivePDF},
		{"locked PDF", uploadtest.LockedPDF(), upload.ErrLockedPDF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := process(t, tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Process: got %v, want %v", err, tt.want)
			}
			if f.Data != nil {
				t.Errorf("Process returned %d bytes with its error", len(f.Data))
			}
			if !errors.Is(err, apperr.Invalid) {
				t.Errorf("error %v is not apperr.Invalid", err)
			}
			if msg := apperr.Message(err); msg == "" || strings.Contains(msg, "upload") {
				t.Errorf("message for users %q, want a sentence in Indonesian", msg)
			}
		})
	}
}

// TestProcess_ReadsAtMostTheLimit: a huge upload is not read beyond the limit.
func TestProcess_ReadsAtMostTheLimit(t *testing.T) {
	t.Parallel()
	r := &countingReader{}
	_, err := upload.Process(context.Background(), r)
	if !errors.Is(err, upload.ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	if r.n > upload.MaxSize+64<<10 {
		t.Errorf("read %d bytes, want about %d", r.n, upload.MaxSize+1)
	}
}

// countingReader yields zero bytes forever, counting them.
type countingReader struct{ n int }

func (r *countingReader) Read(p []byte) (int, error) {
	clear(p)
	r.n += len(p)
	return len(p), nil
}

func TestProcess_ReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection lost")
	_, err := upload.Process(context.Background(), io.MultiReader(bytes.NewReader([]byte("%PDF-")), errReader{boom}))
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want the read error", err)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// TestProcess_LargePhoto: a 3000×2000 photo is stored at 2000×1333 as a JPEG
// without its EXIF block or comment.
func TestProcess_LargePhoto(t *testing.T) {
	t.Parallel()
	data := uploadtest.JPEGWithMetadata(t, 3000, 2000, 1)
	if !bytes.Contains(data, []byte(uploadtest.Secret)) {
		t.Fatal("sample lacks its metadata")
	}
	f, err := process(t, data)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	img := decodeJPEG(t, f)
	if f.Width != 2000 || f.Height != 1333 {
		t.Errorf("stored %dx%d, want 2000x1333", f.Width, f.Height)
	}
	if bytes.Contains(f.Data, []byte(uploadtest.Secret)) || bytes.Contains(f.Data, []byte("Exif")) {
		t.Error("stored photo still carries the metadata")
	}
	if !near(img.At(100, 600), red) || !near(img.At(1900, 600), blue) {
		t.Errorf("colours changed: left %v, right %v", img.At(100, 600), img.At(1900, 600))
	}
	checkSum(t, f)
}

func TestProcess_SmallPhotoKeepsItsSize(t *testing.T) {
	t.Parallel()
	f, err := process(t, uploadtest.JPEG(t, 640, 480))
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	decodeJPEG(t, f)
	if f.Width != 640 || f.Height != 480 {
		t.Errorf("stored %dx%d, want 640x480", f.Width, f.Height)
	}
}

func TestProcess_TallPhoto(t *testing.T) {
	t.Parallel()
	f, err := process(t, uploadtest.JPEG(t, 1000, 4000))
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	decodeJPEG(t, f)
	if f.Width != 500 || f.Height != 2000 {
		t.Errorf("stored %dx%d, want 500x2000", f.Width, f.Height)
	}
}

// TestProcess_Orientation: a phone photo taken sideways is stored upright.
// The sample is red on the left and blue on the right as stored.
func TestProcess_Orientation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		orientation   int
		w, h          int
		first, second image.Point // points expected red, then blue
	}{
		{1, 300, 200, image.Pt(20, 100), image.Pt(280, 100)},
		{3, 300, 200, image.Pt(280, 100), image.Pt(20, 100)}, // upside down: sides swap
		{6, 200, 300, image.Pt(100, 20), image.Pt(100, 280)}, // turned clockwise: left goes on top
		{8, 200, 300, image.Pt(100, 280), image.Pt(100, 20)}, // turned anticlockwise: left goes below
		{2, 300, 200, image.Pt(280, 100), image.Pt(20, 100)}, // mirrored
	}
	for _, tt := range tests {
		f, err := process(t, uploadtest.JPEGWithMetadata(t, 300, 200, tt.orientation))
		if err != nil {
			t.Fatalf("orientation %d: Process: %v", tt.orientation, err)
		}
		img := decodeJPEG(t, f)
		if f.Width != tt.w || f.Height != tt.h {
			t.Errorf("orientation %d: stored %dx%d, want %dx%d", tt.orientation, f.Width, f.Height, tt.w, tt.h)
			continue
		}
		if !near(img.At(tt.first.X, tt.first.Y), red) || !near(img.At(tt.second.X, tt.second.Y), blue) {
			t.Errorf("orientation %d: at %v got %v (want red), at %v got %v (want blue)", tt.orientation,
				tt.first, img.At(tt.first.X, tt.first.Y), tt.second, img.At(tt.second.X, tt.second.Y))
		}
	}
}

// TestProcess_TransparentPNG: PNGs become JPEGs, transparency turning white.
func TestProcess_TransparentPNG(t *testing.T) {
	t.Parallel()
	f, err := process(t, uploadtest.PNG(t, 200, 100, true))
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	img := decodeJPEG(t, f)
	if !near(img.At(180, 50), white) {
		t.Errorf("transparent part is %v, want white", img.At(180, 50))
	}
	if near(img.At(20, 50), white) {
		t.Errorf("opaque part is white, want green")
	}
	checkSum(t, f)
}

func TestProcess_WebP(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"blue-purple-pink.lossy.webp", "gopher-doc.with-alpha.lossless.webp"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := process(t, data)
		if err != nil {
			t.Fatalf("%s: Process: %v", name, err)
		}
		decodeJPEG(t, f)
		checkSum(t, f)
	}
}

// TestProcess_PDF: harmless PDFs are stored byte for byte.
func TestProcess_PDF(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data []byte
	}{
		{"plain", uploadtest.PDF("")},
		{"opening at page 1", uploadtest.PDF("/OpenAction [3 0 R /XYZ null null 0]")},
		{"with an object stream", uploadtest.PDFWithObjectStream("/PageMode /UseNone")},
		{"with binary page content", uploadtest.PDFWithBinaryContent()},
		{"with a link", uploadtest.PDF("/URI << /Base (https://oss.go.id/) >>")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := process(t, tt.data)
			if err != nil {
				t.Fatalf("Process: %v", err)
			}
			if f.ContentType != upload.PDF || f.Ext != ".pdf" || f.Width != 0 {
				t.Errorf("stored as %q %q %d px, want %q .pdf", f.ContentType, f.Ext, f.Width, upload.PDF)
			}
			if !bytes.Equal(f.Data, tt.data) {
				t.Error("PDF was changed, want it stored as uploaded")
			}
			checkSum(t, f)
		})
	}
}

func TestProcess_CanceledWhileWaiting(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// Whether it waits or not depends on other decodes; it must never hang
	// and must either succeed or report the canceled context.
	_, err := upload.Process(ctx, bytes.NewReader(uploadtest.JPEG(t, 50, 50)))
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want nil or context.Canceled", err)
	}
}

func TestFilename(t *testing.T) {
	t.Parallel()
	tests := []struct {
		original, ext, want string
	}{
		{"KTP Budi.JPG", ".jpg", "KTP Budi.jpg"},
		{"scan.png", ".jpg", "scan.jpg"},
		{"NIB.pdf", ".pdf", "NIB.pdf"},
		{`C:\Users\budi\Desktop\npwp.pdf`, ".pdf", "npwp.pdf"},
		{"../../etc/passwd", ".pdf", "passwd.pdf"},
		{"a\"b<c>\r\nd.pdf", ".pdf", "abcd.pdf"},
		{"buku\u202etxt.exe", ".pdf", "bukutxt.pdf"},
		{"   ", ".jpg", "dokumen.jpg"},
		{"..", ".jpg", "dokumen.jpg"},
		{"", ".pdf", "dokumen.pdf"},
		{strings.Repeat("é", 300) + ".pdf", ".pdf", strings.Repeat("é", 100) + ".pdf"},
	}
	for _, tt := range tests {
		if got := upload.Filename(tt.original, "dokumen", tt.ext); got != tt.want {
			t.Errorf("Filename(%q) = %q, want %q", tt.original, got, tt.want)
		}
	}
}

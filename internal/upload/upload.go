// Package upload checks and cleans files that people upload, before anything
// is stored. It reads at most MaxSize bytes, recognises the type by content
// (never by name), decodes photos and re-encodes them as JPEG no larger than
// MaxSide pixels (which drops metadata and anything hidden in the file), and
// accepts PDFs only without active content (scripts, launch actions, embedded
// files). It knows nothing of where files are stored (package blob) or of
// what they are for.
package upload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"lapak/internal/apperr"
)

// Limits on what is accepted.
const (
	MaxSize   = 10 << 20   // bytes read from an upload
	MaxPixels = 40_000_000 // pixels of a photo before decoding (decompression bombs)
	MaxSide   = 2000       // pixels of the long side of a stored photo
	Quality   = 85         // JPEG quality of stored photos
)

// Content types of stored files.
const (
	JPEG = "image/jpeg"
	PDF  = "application/pdf"
)

// Reasons an upload is refused. Each is apperr.Invalid with a message for
// users; compare with errors.Is.
var (
	ErrEmpty         = apperr.E(apperr.Invalid, "Berkas kosong. Pilih foto atau PDF yang berisi dokumen Anda.")
	ErrTooLarge      = apperr.E(apperr.Invalid, "Berkas terlalu besar: paling besar 10 MB.")
	ErrUnsupported   = apperr.E(apperr.Invalid, "Berkas ini bukan foto (JPEG, PNG atau WebP) atau PDF. Unggah foto atau PDF dokumen Anda.")
	ErrBrokenImage   = apperr.E(apperr.Invalid, "Foto ini rusak atau tidak lengkap sehingga tidak dapat dibuka. Ambil ulang fotonya lalu unggah lagi.")
	ErrTooManyPixels = apperr.E(apperr.Invalid, "Ukuran gambar foto ini terlalu besar (lebih dari 40 megapiksel). Perkecil fotonya lalu unggah lagi.")
	ErrBrokenPDF     = apperr.E(apperr.Invalid, "PDF ini rusak atau tidak lengkap sehingga tidak dapat diperiksa. Simpan ulang PDF-nya lalu unggah lagi.")
	ErrActivePDF     = apperr.E(apperr.Invalid, "PDF ini berisi skrip, tindakan otomatis atau lampiran tersembunyi, sehingga ditolak demi keamanan. Cetak ulang dokumennya ke PDF, atau unggah foto dokumennya.")
	ErrLockedPDF     = apperr.E(apperr.Invalid, "PDF ini terkunci sehingga isinya tidak dapat diperiksa. Unggah PDF tanpa kata sandi, atau foto dokumennya.")
)

// File is an accepted upload, ready to store.
type File struct {
	Data        []byte // the bytes to store
	ContentType string // JPEG or PDF
	Ext         string // ".jpg" or ".pdf"
	SHA256      string // hex SHA-256 of Data
	Width       int    // of a photo after resizing; 0 for a PDF
	Height      int
}

// decoding bounds how many photos are decoded at once: a 40-megapixel photo
// takes some 160 MB while it is resized.
var decoding = make(chan struct{}, 2)

// Process reads r (at most MaxSize bytes) and returns the file to store, or
// one of the Err values above. A read error from r is returned wrapped, so
// the caller can recognise, say, an *http.MaxBytesError.
func Process(ctx context.Context, r io.Reader) (File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return File{}, fmt.Errorf("upload: read: %w", err)
	}
	switch {
	case len(data) == 0:
		return File{}, ErrEmpty
	case len(data) > MaxSize:
		return File{}, ErrTooLarge
	}
	var f File
	switch sniff(data) {
	case "jpeg":
		f, err = processImage(ctx, data, jpeg.DecodeConfig, jpeg.Decode, true)
	case "png":
		f, err = processImage(ctx, data, png.DecodeConfig, png.Decode, false)
	case "webp":
		f, err = processImage(ctx, data, webp.DecodeConfig, webp.Decode, false)
	case "pdf":
		if err = checkPDF(data); err == nil {
			f = File{Data: data, ContentType: PDF, Ext: ".pdf"}
		}
	default:
		return File{}, ErrUnsupported
	}
	if err != nil {
		return File{}, err
	}
	sum := sha256.Sum256(f.Data)
	f.SHA256 = hex.EncodeToString(sum[:])
	return f, nil
}

// sniff names the type of data when both http.DetectContentType and the
// format's own signature agree, else "".
func sniff(data []byte) string {
	detected := http.DetectContentType(data)
	switch {
	case detected == "image/jpeg" && bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "jpeg"
	case detected == "image/png" && bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case detected == "image/webp" && len(data) >= 12 && string(data[0:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "webp"
	case detected == "application/pdf" && bytes.HasPrefix(data, []byte("%PDF-")):
		return "pdf"
	}
	return ""
}

// processImage decodes a photo after checking its size, turns it upright,
// shrinks it to MaxSide and re-encodes it as JPEG on a white background.
func processImage(ctx context.Context, data []byte,
	decodeConfig func(io.Reader) (image.Config, error), decode func(io.Reader) (image.Image, error), exif bool) (File, error) {
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return File{}, fmt.Errorf("%w (%v)", ErrBrokenImage, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return File{}, ErrBrokenImage
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return File{}, ErrTooManyPixels
	}
	select {
	case decoding <- struct{}{}:
		defer func() { <-decoding }()
	case <-ctx.Done():
		return File{}, fmt.Errorf("upload: wait to decode: %w", ctx.Err())
	}
	src, err := decode(bytes.NewReader(data))
	if err != nil {
		return File{}, fmt.Errorf("%w (%v)", ErrBrokenImage, err)
	}
	b := src.Bounds()
	if b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return File{}, ErrBrokenImage
	}
	w, h := fit(b.Dx(), b.Dy(), MaxSide)
	img := flatten(src, w, h)
	if exif {
		img = orient(img, exifOrientation(data))
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: Quality}); err != nil {
		return File{}, fmt.Errorf("upload: encode jpeg: %w", err)
	}
	return File{Data: out.Bytes(), ContentType: JPEG, Ext: ".jpg", Width: img.Rect.Dx(), Height: img.Rect.Dy()}, nil
}

// fit returns w×h scaled down so that its long side is at most side.
func fit(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, max(1, int((int64(h)*int64(side)+int64(w)/2)/int64(w)))
	}
	return max(1, int((int64(w)*int64(side)+int64(h)/2)/int64(h))), side
}

// flatten draws src scaled to w×h onto a white canvas, so transparent parts
// of a PNG or WebP come out white rather than black.
func flatten(src image.Image, w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	op := draw.Src
	if o, ok := src.(interface{ Opaque() bool }); !ok || !o.Opaque() {
		draw.Draw(dst, dst.Rect, image.White, image.Point{}, draw.Src)
		op = draw.Over
	}
	if b := src.Bounds(); b.Dx() == w && b.Dy() == h {
		draw.Draw(dst, dst.Rect, src, b.Min, op)
	} else {
		draw.CatmullRom.Scale(dst, dst.Rect, src, b, op, nil)
	}
	return dst
}

// Filename returns a safe name to offer when the file is downloaded: the base
// of original without control characters, quotes or path separators, at most
// 100 characters, ending in ext. An unusable original gives fallback+ext.
func Filename(original, fallback, ext string) string {
	name := original
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "")
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), r == '"', r == '\'', r == '<', r == '>', r == ':', r == '*', r == '?', r == '|',
			unicode.Is(unicode.Bidi_Control, r):
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.TrimSuffix(name, path.Ext(name))
	name = strings.Trim(strings.Join(strings.Fields(name), " "), " .")
	if r := []rune(name); len(r) > 100 {
		name = strings.TrimSpace(string(r[:100]))
	}
	if name == "" {
		name = fallback
	}
	return name + ext
}

package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"io"
	"io/fs"
	"path/filepath"
	"testing"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/blob"
	"lapak/internal/catalog"
	"lapak/internal/supplier"
	"lapak/internal/upload"
	"lapak/internal/upload/uploadtest"
)

// files counts the files under dir.
func files(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func TestService_Photos(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sup := f.mustSupplier("Toko Sangir Jaya", supplier.StatusVerified, supplier.ScaleMikro, false, "13.11.01")
	other := f.mustSupplier("Toko Lain", supplier.StatusVerified, supplier.ScaleMikro, false, "13.11.02")
	owner := as(auth.RoleSupplier, 0, sup)
	dir := t.TempDir()
	store := blob.NewLocal(dir)
	l := f.mustListing(sup, f.input("Map plastik", "3000", "KAT01"), true)

	bigJPEG := append(uploadtest.JPEG(t, 64, 64), bytes.Repeat([]byte{0}, 40<<20)...)
	refused := []struct {
		name string
		data []byte
		want error
	}{
		{"not an image", uploadtest.Text(), upload.ErrUnsupported},
		{"a 40 MB photo", bigJPEG, upload.ErrTooLarge},
		{"a decompression bomb", uploadtest.PNGBomb(t, 100_000, 100_000), upload.ErrTooManyPixels},
		{"a huge declared size", uploadtest.PNGBomb(t, 9000, 9000), upload.ErrTooManyPixels},
		{"a PDF", uploadtest.PDF(""), catalog.ErrNotPhoto},
		{"an empty file", nil, upload.ErrEmpty},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.AddPhoto(owner, store, l.ID, bytes.NewReader(tc.data))
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if apperr.KindOf(err) != apperr.Invalid || apperr.Message(err) == "" {
				t.Errorf("error %v has no message for users", err)
			}
		})
	}
	if n := files(t, dir); n != 0 {
		t.Fatalf("%d files stored by refused uploads", n)
	}
	if got, _ := f.svc.Listing(owner, l.ID); len(got.Photos) != 0 {
		t.Fatalf("refused uploads left %d photos", len(got.Photos))
	}

	t.Run("another supplier", func(t *testing.T) {
		_, err := f.svc.AddPhoto(as(auth.RoleSupplier, 0, other), store, l.ID, bytes.NewReader(uploadtest.JPEG(t, 50, 50)))
		if !errors.Is(err, apperr.Forbidden) {
			t.Errorf("got %v, want Forbidden", err)
		}
	})

	p, err := f.svc.AddPhoto(owner, store, l.ID, bytes.NewReader(uploadtest.JPEGWithMetadata(t, 3000, 2000, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 1200 || p.Height != 800 || p.Position != 0 {
		t.Errorf("stored photo %dx%d at %d, want 1200x800 at 0", p.Width, p.Height, p.Position)
	}
	for key, side := range map[string]int{p.Key: 1200, p.ThumbKey: 360} {
		rc, err := f.svc.PhotoFile(visitor, store, key)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(data, []byte(uploadtest.Secret)) {
			t.Error("stored photo keeps the phone's metadata")
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width != side {
			t.Errorf("served %s: %dx%d %v, want width %d", key, cfg.Width, cfg.Height, err, side)
		}
	}
	for range catalog.MaxPhotos - 1 {
		if _, err := f.svc.AddPhoto(owner, store, l.ID, bytes.NewReader(uploadtest.JPEG(t, 80, 60))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.AddPhoto(owner, store, l.ID, bytes.NewReader(uploadtest.JPEG(t, 80, 60))); !errors.Is(err, catalog.ErrTooManyPhotos) {
		t.Errorf("ninth photo: got %v, want ErrTooManyPhotos", err)
	}
	got, _ := f.svc.Listing(owner, l.ID)
	last := got.Photos[len(got.Photos)-1]
	if err := f.svc.MakeCover(owner, l.ID, last.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DeletePhoto(owner, store, l.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = f.svc.Listing(owner, l.ID)
	if len(got.Photos) != catalog.MaxPhotos-1 || got.Photos[0].ID != last.ID {
		t.Errorf("after cover and delete: %d photos, first %d (want %d)", len(got.Photos), got.Photos[0].ID, last.ID)
	}
	for i, ph := range got.Photos {
		if ph.Position != i {
			t.Errorf("photo %d at position %d", i, ph.Position)
		}
	}
	if n := files(t, dir); n != 2*(catalog.MaxPhotos-1) {
		t.Errorf("%d files stored, want %d", n, 2*(catalog.MaxPhotos-1))
	}
	// Photos of a hidden listing are not served to visitors.
	if err := f.svc.HideListing(owner, l.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.PhotoFile(visitor, store, last.ThumbKey); !errors.Is(err, apperr.NotFound) {
		t.Errorf("photo of a hidden listing: got %v, want NotFound", err)
	}
	if _, err := f.svc.PhotoFile(context.Background(), store, "../../etc/passwd"); !errors.Is(err, apperr.NotFound) {
		t.Errorf("forged key: got %v, want NotFound", err)
	}
}

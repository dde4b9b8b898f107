package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"lapak/internal/blob"
)

// files lists the regular files under dir, relative to it.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

func readAll(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	rc, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%s): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNewKey(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		k := blob.NewKey()
		if !blob.ValidKey(k) {
			t.Fatalf("NewKey() = %q, which ValidKey refuses", k)
		}
		if seen[k] {
			t.Fatalf("NewKey() repeated %q", k)
		}
		seen[k] = true
	}
}

func TestValidKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		want bool
	}{
		{"0123456789abcdef0123456789abcdef", true},
		{"", false},
		{"0123456789abcdef0123456789abcde", false},   // too short
		{"0123456789abcdef0123456789abcdef0", false}, // too long
		{"0123456789ABCDEF0123456789abcdef", false},  // upper case
		{"../../../../etc/passwd/aaaaaaaaa", false},
		{"..%2f..%2f0123456789abcdef012345", false},
		{"0123456789abcdef0123456789abcd/f", false},
		{"0123456789abcdef0123456789abcd\x00f", false},
	}
	for _, tt := range tests {
		if got := blob.ValidKey(tt.key); got != tt.want {
			t.Errorf("ValidKey(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestLocal_PutOpenStatDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s := blob.NewLocal(dir)
	key := blob.NewKey()
	body := bytes.Repeat([]byte("lapak "), 100000)

	if err := s.Put(ctx, key, bytes.NewReader(body)); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if got := readAll(t, s, key); !bytes.Equal(got, body) {
		t.Errorf("Open returned %d bytes, want the %d stored", len(got), len(body))
	}
	info, err := s.Stat(ctx, key)
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	if info.Size != int64(len(body)) {
		t.Errorf("Stat size = %d, want %d", info.Size, len(body))
	}
	// Sharded in two levels of folders, with no temporary file left behind.
	want := filepath.Join(key[0:2], key[2:4], key)
	if got := files(t, dir); len(got) != 1 || got[0] != want {
		t.Errorf("files on disk = %v, want [%s]", got, want)
	}
	fi, err := os.Stat(filepath.Join(dir, want))
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm&0o007 != 0 {
		t.Errorf("blob file mode %v, want no access for others", perm)
	}

	// Put replaces.
	if err := s.Put(ctx, key, strings.NewReader("baru")); err != nil {
		t.Fatalf("Put again: %v", err)
	}
	if got := string(readAll(t, s, key)); got != "baru" {
		t.Errorf("after second Put, Open = %q, want %q", got, "baru")
	}

	if err := s.Delete(ctx, key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open after Delete: got %v, want ErrNotFound", err)
	}
	if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat after Delete: got %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Errorf("Delete of a missing blob: got %v, want nil", err)
	}
}

// TestLocal_RefusesForeignKeys: a key that is not NewKey's form never reaches
// the file system, so nothing outside the folder can be read, written or removed.
func TestLocal_RefusesForeignKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	dir := filepath.Join(root, "files")
	outside := filepath.Join(root, "secret")
	if err := os.WriteFile(outside, []byte("rahasia"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := blob.NewLocal(dir)
	for _, key := range []string{"../secret", "../../secret", "/etc/passwd", "..", "", "aa/../../secret"} {
		if err := s.Put(ctx, key, strings.NewReader("x")); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q): got %v, want ErrInvalidKey", key, err)
		}
		if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Open(%q): got %v, want ErrInvalidKey", key, err)
		}
		if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Stat(%q): got %v, want ErrInvalidKey", key, err)
		}
		if err := s.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Delete(%q): got %v, want ErrInvalidKey", key, err)
		}
	}
	if b, err := os.ReadFile(outside); err != nil || string(b) != "rahasia" {
		t.Errorf("file outside the store changed: %q, %v", b, err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("files written: %v, want none", got)
	}
}

// failingReader yields some bytes, then an error.
type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("connection lost")
	}
	n := min(len(p), r.n)
	r.n -= n
	return n, nil
}

// TestLocal_FailedPutLeavesNothing: a write that fails halfway leaves neither
// the blob nor a temporary file, and keeps an earlier blob under that key.
func TestLocal_FailedPutLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s := blob.NewLocal(dir)

	key := blob.NewKey()
	if err := s.Put(ctx, key, &failingReader{n: 100000}); err == nil {
		t.Fatal("Put from a failing reader: got nil error")
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("files after failed Put: %v, want none", got)
	}

	if err := s.Put(ctx, key, strings.NewReader("lama")); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, key, &failingReader{n: 10}); err == nil {
		t.Fatal("second Put from a failing reader: got nil error")
	}
	if got := string(readAll(t, s, key)); got != "lama" {
		t.Errorf("after failed replace, Open = %q, want %q", got, "lama")
	}
	if got := files(t, dir); len(got) != 1 {
		t.Errorf("files after failed replace: %v, want only the blob", got)
	}
}

func TestLocal_CanceledContext(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := blob.NewLocal(dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Put(ctx, blob.NewKey(), strings.NewReader("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a canceled context: got %v, want context.Canceled", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("files: %v, want none", got)
	}
}

func TestLocal_NoFolder(t *testing.T) {
	t.Parallel()
	s := blob.NewLocal("")
	if err := s.Put(context.Background(), blob.NewKey(), strings.NewReader("x")); err == nil {
		t.Error("Put on a store without a folder: got nil error")
	}
}

func TestLocal_Concurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := blob.NewLocal(t.TempDir())
	var wg sync.WaitGroup
	keys := make([]string, 50)
	for i := range keys {
		keys[i] = blob.NewKey()
		wg.Go(func() {
			if err := s.Put(ctx, keys[i], strings.NewReader(keys[i])); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, k := range keys {
		if got := string(readAll(t, s, k)); got != k {
			t.Errorf("Open(%s) = %q", k, got)
		}
	}
}

// Package blob stores files (documents, photos) by key behind one small
// interface, so that the local folder used by default can be replaced by an
// S3-compatible store when Lapak runs on several machines. Keys are made by
// NewKey, never taken from users. The package knows nothing of what the files
// contain: checking and cleaning uploads is package upload's job.
package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Store keeps blobs by key. Implementations must be safe for concurrent use.
type Store interface {
	// Put stores everything r yields under key, replacing any blob there.
	// Readers never see a partly written blob.
	Put(ctx context.Context, key string, r io.Reader) error
	// Open returns the blob under key; ErrNotFound when there is none.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the blob under key; deleting a missing blob is not an error.
	Delete(ctx context.Context, key string) error
	// Stat describes the blob under key; ErrNotFound when there is none.
	Stat(ctx context.Context, key string) (Info, error)
}

// Info describes a stored blob.
type Info struct {
	Size    int64
	ModTime time.Time
}

var (
	// ErrNotFound means no blob is stored under the key.
	ErrNotFound = errors.New("blob: not found")
	// ErrInvalidKey means the key was not made by NewKey.
	ErrInvalidKey = errors.New("blob: invalid key")
)

// keyLen is the length of a key: 128 random bits in lower-case hex.
const keyLen = 32

// NewKey returns a fresh random key.
func NewKey() string {
	var b [keyLen / 2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// ValidKey reports whether key has the form NewKey makes. Only such keys are
// accepted by the stores, which is why a key can never name a path outside
// the store.
func ValidKey(key string) bool {
	if len(key) != keyLen {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Local is a Store in a folder on the local disk. Blob abcdef… lives in
// dir/ab/cd/abcdef…, so no folder holds more than a few thousand files.
type Local struct {
	dir string
}

// NewLocal returns a Local store in dir, created on the first Put. An empty
// dir gives a store whose every operation fails, so that a server started
// without a data folder never writes files somewhere unexpected.
func NewLocal(dir string) *Local { return &Local{dir: dir} }

// path returns the file of key, refusing keys not made by NewKey.
func (l *Local) path(key string) (string, error) {
	if l.dir == "" {
		return "", errors.New("blob: local store has no folder")
	}
	if !ValidKey(key) {
		return "", fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	return filepath.Join(l.dir, key[0:2], key[2:4], key), nil
}

// Put writes r to a temporary file next to the blob, flushes it to disk and
// renames it into place, so a crash leaves either the old blob or the new one.
func (l *Local) Put(ctx context.Context, key string, r io.Reader) (err error) {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-"+key+"-*")
	if err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := io.Copy(tmp, ctxReader{ctx, r}); err != nil {
		return fmt.Errorf("blob: put %s: write: %w", key, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("blob: put %s: sync: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("blob: put %s: close: %w", key, err)
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("blob: put %s: rename: %w", key, err)
	}
	// The rename itself is only durable once the folder is flushed.
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("blob: put %s: sync folder: %w", key, err)
	}
	return nil
}

// Open opens the blob's file for reading.
func (l *Local) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", key, err)
	}
	return f, nil
}

// Delete removes the blob's file.
func (l *Local) Delete(ctx context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	return nil
}

// Stat returns the size and time of the blob's file.
func (l *Local) Stat(ctx context.Context, key string) (Info, error) {
	p, err := l.path(key)
	if err != nil {
		return Info{}, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Info{}, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	if err != nil {
		return Info{}, fmt.Errorf("blob: stat %s: %w", key, err)
	}
	return Info{Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// ctxReader stops a long copy when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

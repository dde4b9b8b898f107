// Package web holds Lapak's templ components and its static files (our own CSS
// and a small script), embedded in the binary and served under content-hashed
// URLs. Components take domain types and a Page; they never query anything.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var staticFS embed.FS

// asset is one static file with its hashed name.
type asset struct {
	data        []byte
	contentType string
	etag        string
}

var (
	assetURL    = map[string]string{} // "app.css" -> "/static/app.3f2a1b9c.css"
	assetByPath = map[string]asset{}  // "app.3f2a1b9c.css" -> file
)

func init() {
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		h := hex.EncodeToString(sum[:])[:10]
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + h + ext
		assetURL[name] = "/static/" + hashed
		assetByPath[hashed] = asset{data: data, contentType: contentType(ext), etag: `"` + h + `"`}
		return nil
	})
	if err != nil {
		panic(err)
	}
}

func contentType(ext string) string {
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/x-icon"
	}
	return "application/octet-stream"
}

// Asset returns the content-hashed URL of a static file, e.g. Asset("app.css").
func Asset(name string) string {
	u, ok := assetURL[name]
	if !ok {
		panic("web: unknown asset " + name)
	}
	return u
}

// StaticHandler serves hashed static files with year-long immutable caching.
// Mount it under /static/.
func StaticHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		a, ok := assetByPath[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", a.contentType)
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("ETag", a.etag)
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(string(a.data)))
	})
}

package opendata_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The official OCDS 1.1.5 schemas in testdata (see testdata/README.md).
var schemaFiles = []struct{ file, id, sha256 string }{
	{"release-schema.json", "https://standard.open-contracting.org/schema/1__1__5/release-schema.json",
		"fac192e1ccfb061f5164bdb2d64c29e517c0f81661996b97de40cebc55a2c1bc"},
	{"release-package-schema.json", "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json",
		"06577cec73cc16eca0cac331a7ea9ee9cd684b21c55f5f0711f7442623153698"},
}

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

// packageSchema compiles the release package schema offline, with format
// assertions (date-time, uri), after checking the files are the official ones.
func packageSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	schemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		for _, f := range schemaFiles {
			data, err := os.ReadFile(filepath.Join("testdata", f.file))
			if err != nil {
				schemaErr = err
				return
			}
			if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != f.sha256 {
				schemaErr = &os.PathError{Op: "check sha256", Path: f.file, Err: os.ErrInvalid}
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
			if err != nil {
				schemaErr = err
				return
			}
			if err := c.AddResource(f.id, doc); err != nil {
				schemaErr = err
				return
			}
		}
		schema, schemaErr = c.Compile(schemaFiles[1].id)
	})
	if schemaErr != nil {
		t.Fatalf("OCDS schema: %v", schemaErr)
	}
	return schema
}

// validatePackage checks that data is a valid OCDS 1.1 release package.
func validatePackage(t *testing.T, data []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("release package is not JSON: %v\n%s", err, data)
	}
	if err := packageSchema(t).Validate(doc); err != nil {
		t.Fatalf("release package does not validate against the OCDS schema:\n%v", err)
	}
}

// TestSchema_RefusesAnInvalidPackage shows the validator is not a
// rubber stamp: a release without its ocid, with an unknown contract
// status and a date that is no date-time fails.
func TestSchema_RefusesAnInvalidPackage(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		`{"uri": "http://x/p", "version": "1.1", "publishedDate": "2026-11-25T10:00:00+07:00", "publisher": {"name": "X"},
			"releases": [{"id": "r", "date": "2026-11-25T10:00:00+07:00", "tag": ["award"], "initiationType": "tender"}]}`,
		`{"uri": "http://x/p", "version": "1.1", "publishedDate": "2026-11-25T10:00:00+07:00", "publisher": {"name": "X"},
			"releases": [{"ocid": "o", "id": "r", "date": "2026-11-25T10:00:00+07:00", "tag": ["award"], "initiationType": "tender",
			"contracts": [{"id": "c", "awardID": "a", "status": "completed"}]}]}`,
		`{"uri": "http://x/p", "version": "1.1", "publishedDate": "25 November 2026", "publisher": {"name": "X"},
			"releases": [{"ocid": "o", "id": "r", "date": "2026-11-25T10:00:00+07:00", "tag": ["award"], "initiationType": "tender"}]}`,
	} {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(bad)))
		if err != nil {
			t.Fatal(err)
		}
		if err := packageSchema(t).Validate(doc); err == nil {
			t.Errorf("invalid package validated:\n%s", bad)
		}
	}
}

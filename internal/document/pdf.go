package document

import "errors"

// PDF renders d as a PDF, the same bytes every time for the same d.
// TODO(helper): fpdf rendering.
func PDF(d Data) ([]byte, error) { return nil, errors.New("document: PDF not built yet") }

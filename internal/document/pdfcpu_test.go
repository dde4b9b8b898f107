package document

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"lapak/internal/rupiah"
)

// pdfcpu, an independent reader, accepts every kind's PDF and the
// multi-page one in strict mode, counts the same pages, and finds the
// number, the total and the terbilang in the page content.
func TestPDF_ValidForPdfcpu(t *testing.T) {
	model.ConfigPath = "disable" // no config.yml in the user's config folder
	many := sample(SP)
	many.Lines = manyLines(60)
	docs := map[string]Data{"sixty lines": many}
	for _, k := range Kinds {
		docs[string(k)] = sample(k)
	}
	for name, d := range docs {
		t.Run(name, func(t *testing.T) {
			pdf, err := PDF(d)
			if err != nil {
				t.Fatal(err)
			}
			conf := model.NewDefaultConfiguration()
			conf.ValidationMode = model.ValidationStrict
			ctx, err := api.ReadContext(bytes.NewReader(pdf), conf)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if err := api.ValidateContext(ctx); err != nil {
				t.Fatalf("validate: %v", err)
			}
			ours := parse(t, pdf)
			if ctx.PageCount != len(ours.pages) {
				t.Errorf("pdfcpu counts %d pages, readPDF %d", ctx.PageCount, len(ours.pages))
			}
			var text []string
			for p := 1; p <= ctx.PageCount; p++ {
				rd, err := pdfcpu.ExtractPageContent(ctx, p)
				if err != nil {
					t.Fatalf("page %d: %v", p, err)
				}
				c, err := io.ReadAll(rd)
				if err != nil {
					t.Fatalf("page %d: %v", p, err)
				}
				text = append(text, showText(c))
			}
			all := flat(strings.Join(text, "\n"))
			for _, want := range []string{d.Number, rupiah.Format(d.Total), d.TerbilangLine()} {
				if !strings.Contains(all, want) {
					t.Errorf("pdfcpu's page content lacks %q", want)
				}
			}
		})
	}
}

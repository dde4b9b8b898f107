package invitation_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"lapak/internal/invitation"
)

// sampleLetters returns n invitations as Issue returns them.
func sampleLetters(n int) []invitation.Issued {
	list := make([]invitation.Issued, n)
	expires := time.Date(2026, 7, 11, 9, 0, 0, 0, time.UTC)
	for i := range list {
		code := fmt.Sprintf("AB%02X-%04X", i%256, i%65536)
		list[i] = invitation.Issued{
			Invitee: invitation.Invitee{EntryID: int64(i + 1), BusinessName: fmt.Sprintf("Rumah Makan Sederhana Nomor %d", i+1),
				OwnerName: "Hj. Nurhayati Datuak Rangkayo Basa", Address: "Jl. Lintas Sumatera Km. 12, Jorong Pasar Baru, dekat masjid raya",
				KecamatanName: "Sungai Pagu", NagariName: "Pasar Muara Labuh", Phone: "+6281234567890"},
			ID: int64(i + 1), Code: code, URL: "https://lapak.solselkab.go.id/activate?code=" + code, ExpiresAt: expires,
		}
	}
	return list
}

// pages counts the pages of a PDF written by fpdf.
func pages(pdf []byte) int {
	return bytes.Count(pdf, []byte("/Type /Page")) - bytes.Count(pdf, []byte("/Type /Pages"))
}

// TestWriteLetters: one A4 page per invitation, each with its code.
func TestWriteLetters(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	list := sampleLetters(3)
	list[1].OwnerName, list[1].Address, list[1].NagariName = "", "", "" // sparse registry rows still make one page
	list[2].BusinessName = string(bytes.Repeat([]byte("Usaha Bernama Sangat Panjang "), 8))
	if err := invitation.WriteLetters(&buf, list, time.Date(2026, 5, 12, 3, 0, 0, 0, time.UTC)); err != nil {
		t.Fatalf("WriteLetters: %v", err)
	}
	out := buf.Bytes()
	if !bytes.HasPrefix(out, []byte("%PDF")) {
		t.Fatalf("output starts with %q, want %%PDF", out[:min(len(out), 8)])
	}
	if got := pages(out); got != 3 {
		t.Errorf("got %d pages, want 3", got)
	}
	if !bytes.Contains(out, []byte("/MediaBox [0 0 595.28 841.89]")) && !bytes.Contains(out, []byte("595.28 841.89")) {
		t.Error("pages are not A4")
	}
}

// BenchmarkLetters writes the letters of the whole registry (9.782 UMKM) per
// iteration and reports pages per second:
//
//	go test -run '^$' -bench Letters -benchtime 1x -cpu 2 ./internal/invitation/
func BenchmarkLetters(b *testing.B) {
	const registry = 9782
	list := sampleLetters(registry)
	b.ReportAllocs()
	start := time.Now()
	n := 0
	for b.Loop() {
		if err := invitation.WriteLetters(io.Discard, list, time.Now()); err != nil {
			b.Fatal(err)
		}
		n++
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(n*registry)/elapsed.Seconds(), "pages/s")
	b.ReportMetric(elapsed.Seconds()/float64(n), "s/registry")
}

package catalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"strconv"

	"github.com/jackc/pgx/v5"
	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"lapak/internal/apperr"
	"lapak/internal/audit"
	"lapak/internal/auth"
	"lapak/internal/blob"
	"lapak/internal/postgres"
	"lapak/internal/upload"
)

// Sizes of stored photos: the long side in pixels.
const (
	photoSide = 1200
	thumbSide = 360
)

// Photo is one picture of a listing, stored twice: at photoSide and as a
// thumbnail.
type Photo struct {
	ID        int64
	ListingID int64
	Position  int // 0 is the cover
	Key       string
	ThumbKey  string
	Width     int
	Height    int
	Generated string // a drawing recipe for demo pictures, "" for uploads
}

// ErrTooManyPhotos refuses a ninth photo.
var ErrTooManyPhotos = apperr.E(apperr.Invalid, "Satu produk paling banyak punya 8 foto. Hapus foto lama sebelum menambah yang baru.")

// ErrNotPhoto refuses a PDF or other document uploaded as a photo.
var ErrNotPhoto = apperr.E(apperr.Invalid, "Berkas ini bukan foto. Unggah foto JPEG, PNG atau WebP.")

const photoColumns = `id, listing_id, position, blob_key, thumb_key, width, height, generated`

func photos(ctx context.Context, db postgres.DBTX, listingID int64) ([]Photo, error) {
	rows, err := db.Query(ctx, "SELECT "+photoColumns+" FROM listing_photos WHERE listing_id = $1 ORDER BY position", listingID)
	if err != nil {
		return nil, postgres.Classify(err)
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Photo])
}

// coverThumbs returns the cover photo of each listing that has one.
func coverThumbs(ctx context.Context, db postgres.DBTX, listingIDs []int64) (map[int64]Photo, error) {
	rows, err := db.Query(ctx, "SELECT "+photoColumns+" FROM listing_photos WHERE listing_id = ANY($1) AND position = 0", listingIDs)
	if err != nil {
		return nil, postgres.Classify(err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Photo])
	if err != nil {
		return nil, postgres.Classify(err)
	}
	out := make(map[int64]Photo, len(list))
	for _, p := range list {
		out[p.ListingID] = p
	}
	return out, nil
}

// AddPhoto checks the photo in r (see package upload: its type by content,
// its size, its pixel count), stores it resized with a thumbnail in store,
// and adds it to listing id after the others. The supplier's people may.
// A refused photo leaves nothing stored.
func (s *Service) AddPhoto(ctx context.Context, store blob.Store, id int64, r io.Reader) (Photo, error) {
	l, err := loadListing(ctx, s.db, id, false)
	if err != nil {
		return Photo{}, err
	}
	if !CanManage(auth.UserFrom(ctx), l.SupplierID) {
		return Photo{}, apperr.E(apperr.Forbidden, "Anda hanya dapat mengubah foto produk usaha Anda sendiri.")
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM listing_photos WHERE listing_id = $1`, id).Scan(&n); err != nil {
		return Photo{}, postgres.Classify(err)
	}
	if n >= MaxPhotos {
		return Photo{}, ErrTooManyPhotos
	}
	f, err := upload.Process(ctx, r)
	if err != nil {
		return Photo{}, err
	}
	if f.ContentType != upload.JPEG {
		return Photo{}, ErrNotPhoto
	}
	img, err := jpeg.Decode(bytes.NewReader(f.Data))
	if err != nil {
		return Photo{}, fmt.Errorf("catalog: decode processed photo: %w", err)
	}
	main, w, h, err := resizeJPEG(img, photoSide, 82)
	if err != nil {
		return Photo{}, err
	}
	thumb, _, _, err := resizeJPEG(img, thumbSide, 78)
	if err != nil {
		return Photo{}, err
	}
	p := Photo{ListingID: id, Key: blob.NewKey(), ThumbKey: blob.NewKey(), Width: w, Height: h}
	if err := store.Put(ctx, p.Key, bytes.NewReader(main)); err != nil {
		return Photo{}, fmt.Errorf("catalog: store photo: %w", err)
	}
	if err := store.Put(ctx, p.ThumbKey, bytes.NewReader(thumb)); err != nil {
		_ = store.Delete(ctx, p.Key)
		return Photo{}, fmt.Errorf("catalog: store thumbnail: %w", err)
	}
	err = postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := loadListing(ctx, tx, id, true); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM listing_photos WHERE listing_id = $1`, id).Scan(&p.Position); err != nil {
			return err
		}
		if p.Position >= MaxPhotos {
			return ErrTooManyPhotos
		}
		err := tx.QueryRow(ctx, `INSERT INTO listing_photos (listing_id, position, blob_key, thumb_key, width, height)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, id, p.Position, p.Key, p.ThumbKey, p.Width, p.Height).Scan(&p.ID)
		if err != nil {
			return postgres.Classify(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE listings SET version = version + 1, updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "listing.photo_add", Entity: "listing", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"photo_id": p.ID, "sha256": f.SHA256}})
	})
	if err != nil {
		_ = store.Delete(ctx, p.Key)
		_ = store.Delete(ctx, p.ThumbKey)
		return Photo{}, fmt.Errorf("catalog: add photo to %d: %w", id, err)
	}
	return p, nil
}

// DeletePhoto removes photo photoID of listing id; the later photos move up.
// The supplier's people may.
func (s *Service) DeletePhoto(ctx context.Context, store blob.Store, id, photoID int64) error {
	var p Photo
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		l, err := loadListing(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !CanManage(auth.UserFrom(ctx), l.SupplierID) {
			return apperr.E(apperr.Forbidden, "Anda hanya dapat mengubah foto produk usaha Anda sendiri.")
		}
		rows, err := tx.Query(ctx, "DELETE FROM listing_photos WHERE id = $1 AND listing_id = $2 RETURNING "+photoColumns, photoID, id)
		if err != nil {
			return err
		}
		p, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Photo])
		if err != nil {
			return postgres.NotFound(err, "Foto tidak ditemukan.")
		}
		if _, err := tx.Exec(ctx, `UPDATE listing_photos SET position = position - 1 WHERE listing_id = $1 AND position > $2`, id, p.Position); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE listings SET version = version + 1, updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "listing.photo_delete", Entity: "listing", EntityID: strconv.FormatInt(id, 10),
			Details: map[string]any{"photo_id": photoID}})
	})
	if err != nil {
		return fmt.Errorf("catalog: delete photo %d: %w", photoID, err)
	}
	// The rows are gone; a file left behind by a failed delete is harmless.
	_ = store.Delete(ctx, p.Key)
	_ = store.Delete(ctx, p.ThumbKey)
	return nil
}

// MakeCover moves photo photoID of listing id to the front. The supplier's people may.
func (s *Service) MakeCover(ctx context.Context, id, photoID int64) error {
	err := postgres.Tx(ctx, s.db, func(tx pgx.Tx) error {
		l, err := loadListing(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !CanManage(auth.UserFrom(ctx), l.SupplierID) {
			return apperr.E(apperr.Forbidden, "Anda hanya dapat mengubah foto produk usaha Anda sendiri.")
		}
		var pos int
		if err := tx.QueryRow(ctx, `SELECT position FROM listing_photos WHERE id = $1 AND listing_id = $2`, photoID, id).Scan(&pos); err != nil {
			return postgres.NotFound(err, "Foto tidak ditemukan.")
		}
		_, err = tx.Exec(ctx, `UPDATE listing_photos SET position = CASE WHEN id = $2 THEN 0 ELSE position + 1 END
			WHERE listing_id = $1 AND position <= $3`, id, photoID, pos)
		return err
	})
	if err != nil {
		return fmt.Errorf("catalog: make cover %d: %w", photoID, err)
	}
	return nil
}

// PhotoFile opens the stored picture under key (a photo or a thumbnail) of a
// listing that the user in ctx may see. Demo pictures are drawn and stored
// on first use.
func (s *Service) PhotoFile(ctx context.Context, store blob.Store, key string) (io.ReadCloser, error) {
	if !blob.ValidKey(key) {
		return nil, apperr.E(apperr.NotFound, "Foto tidak ditemukan.")
	}
	var p Photo
	var thumb bool
	err := s.db.QueryRow(ctx, "SELECT "+photoColumns+", thumb_key = $1 FROM listing_photos WHERE blob_key = $1 OR thumb_key = $1", key).
		Scan(&p.ID, &p.ListingID, &p.Position, &p.Key, &p.ThumbKey, &p.Width, &p.Height, &p.Generated, &thumb)
	if err != nil {
		return nil, postgres.NotFound(err, "Foto tidak ditemukan.")
	}
	var visible bool
	var supplierID int64
	if err := s.db.QueryRow(ctx, `SELECT status = 'published' AND supplier_active, supplier_id FROM listings WHERE id = $1`, p.ListingID).
		Scan(&visible, &supplierID); err != nil {
		return nil, postgres.NotFound(err, "Foto tidak ditemukan.")
	}
	u := auth.UserFrom(ctx)
	if !visible && !CanManage(u, supplierID) && !canSeeAll(u) {
		return nil, apperr.E(apperr.NotFound, "Foto tidak ditemukan.")
	}
	f, err := store.Open(ctx, key)
	if errors.Is(err, blob.ErrNotFound) && p.Generated != "" {
		img := drawDemo(p.Generated)
		side := photoSide
		if thumb {
			side = thumbSide
		}
		data, _, _, err := resizeJPEG(img, side, 80)
		if err != nil {
			return nil, err
		}
		// Keep it for next time; a failure only means drawing it again.
		_ = store.Put(ctx, key, bytes.NewReader(data))
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: open photo: %w", err)
	}
	return f, nil
}

// resizeJPEG scales img down so its long side is at most side and encodes it.
func resizeJPEG(img image.Image, side, quality int) ([]byte, int, int, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > side || h > side {
		if w >= h {
			w, h = side, max(1, (h*side+w/2)/w)
		} else {
			w, h = max(1, (w*side+h/2)/h), side
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
	} else {
		draw.ApproxBiLinear.Scale(dst, dst.Rect, img, b, draw.Src, nil)
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: quality}); err != nil {
		return nil, 0, 0, fmt.Errorf("catalog: encode jpeg: %w", err)
	}
	return out.Bytes(), w, h, nil
}

// DemoRecipe returns the drawing recipe of a demo picture for a product.
func DemoRecipe(title string, n int) string {
	r := []rune(title)
	if len(r) > 60 {
		r = r[:60]
	}
	return "demo:" + strconv.Itoa(n) + ":" + string(r)
}

// drawDemo draws a 800×600 picture for a recipe: a coloured background, a
// box standing for the product and the product's first words.
func drawDemo(recipe string) image.Image {
	h := fnv.New32a()
	_, _ = h.Write([]byte(recipe))
	sum := h.Sum32()
	base := color.RGBA{uint8(80 + sum%140), uint8(80 + (sum>>8)%140), uint8(80 + (sum>>16)%140), 255}
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for y := 0; y < 600; y++ {
		f := 255 - y/6
		c := color.RGBA{uint8(int(base.R) * f / 255), uint8(int(base.G) * f / 255), uint8(int(base.B) * f / 255), 255}
		for x := 0; x < 800; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	box := image.Rect(220+int(sum%60), 150, 580-int(sum>>5%60), 470)
	draw.Draw(img, box, image.NewUniform(color.RGBA{250, 248, 240, 255}), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(box.Min.X, box.Min.Y, box.Max.X, box.Min.Y+40), image.NewUniform(base), image.Point{}, draw.Src)
	// The words, drawn small and scaled up four times.
	label := recipe
	if _, rest, ok := cutTwice(recipe); ok {
		label = rest
	}
	if len(label) > 24 {
		label = label[:24]
	}
	small := image.NewRGBA(image.Rect(0, 0, 200, 20))
	d := font.Drawer{Dst: small, Src: image.NewUniform(color.RGBA{20, 20, 20, 255}), Face: basicfont.Face7x13, Dot: fixed.P(2, 14)}
	d.DrawString(label)
	draw.NearestNeighbor.Scale(img, image.Rect(0, 500, 800, 580), small, small.Bounds(), draw.Over, nil)
	return img
}

// cutTwice splits "demo:N:title" into its prefix and title.
func cutTwice(s string) (string, string, bool) {
	for i, n := 0, 0; i < len(s); i++ {
		if s[i] == ':' {
			n++
			if n == 2 {
				return s[:i], s[i+1:], true
			}
		}
	}
	return s, "", false
}

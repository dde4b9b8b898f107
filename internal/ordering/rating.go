package ordering

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"lapak/internal/apperr"
	"lapak/internal/auth"
	"lapak/internal/notify"
	"lapak/internal/postgres"
	"lapak/internal/validate"
)

// RatingInput is the PPK's rating of the supplier after completion (1–5 each).
type RatingInput struct {
	OnTime, AsDescribed, Communication int
	Comment                            string
}

// maxRatingComment is the longest comment a rating may carry, in characters.
const maxRatingComment = 1000

// validate checks each score is 1–5 and the comment fits.
func (in RatingInput) validate() error {
	errs := validate.Errors{}
	for field, score := range map[string]int{"on_time": in.OnTime, "as_described": in.AsDescribed, "communication": in.Communication} {
		if score < 1 || score > 5 {
			errs.Add(field, "Pilih nilai 1 sampai 5.")
		}
	}
	if utf8.RuneCountInString(in.Comment) > maxRatingComment {
		errs.Add("comment", fmt.Sprintf("Komentar paling banyak %d karakter.", maxRatingComment))
	}
	return errs.Err()
}

// Rate records the designated PPK's rating of a completed order, once: a
// second rating is apperr.Conflict, anyone else gets apperr.Forbidden and a
// score outside 1–5 gives validate.Errors. The supplier's people are told.
func (s *Service) Rate(ctx context.Context, orderID int64, in RatingInput) error {
	return s.step(ctx, orderID, "", ActRate, actionStates[ActRate], func(tx pgx.Tx, o *Order, now time.Time) (change, error) {
		var rated bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM order_ratings WHERE order_id = $1)`, o.ID).Scan(&rated); err != nil {
			return change{}, postgres.Classify(err)
		}
		if rated {
			return change{}, apperr.E(apperr.Conflict, "Pesanan ini sudah dinilai.")
		}
		if err := in.validate(); err != nil {
			return change{}, err
		}
		u := auth.UserFrom(ctx)
		if _, err := tx.Exec(ctx, `INSERT INTO order_ratings (order_id, supplier_id, on_time, as_described, communication, comment, user_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, o.ID, o.SupplierID, in.OnTime, in.AsDescribed, in.Communication, in.Comment, u.ID, now); err != nil {
			return change{}, postgres.Classify(err)
		}
		owners, err := supplierUserIDs(ctx, tx, o.SupplierID)
		if err != nil {
			return change{}, err
		}
		return change{
			Kind:    "rate",
			Note:    in.Comment,
			Details: map[string]any{"on_time": in.OnTime, "as_described": in.AsDescribed, "communication": in.Communication},
			Notify: []notify.Note{{UserIDs: owners, Kind: "order.rated",
				Message: fmt.Sprintf("PPK %s memberi penilaian untuk pesanan %s (rata-rata %s dari 5).", u.Name, o.SPNumber,
					oneDecimal(float64(in.OnTime+in.AsDescribed+in.Communication)/3))}},
		}, nil
	})
}

// supplierUserIDs returns the enabled accounts that act for supplier id.
func supplierUserIDs(ctx context.Context, db postgres.DBTX, supplierID int64) ([]int64, error) {
	rows, err := db.Query(ctx, supplierUsersQuery, supplierID)
	if err != nil {
		return nil, fmt.Errorf("ordering: people of supplier %d: %w", supplierID, postgres.Classify(err))
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("ordering: people of supplier %d: %w", supplierID, postgres.Classify(err))
	}
	return ids, nil
}

// supplierUsersQuery reads the enabled accounts of supplier $1.
const supplierUsersQuery = `SELECT r.user_id FROM user_roles r JOIN users u ON u.id = r.user_id
	WHERE r.role = 'supplier' AND r.supplier_id = $1 AND u.disabled_at IS NULL ORDER BY r.user_id`

// oneDecimal writes x with one decimal and a decimal comma, as users read it ("4,3").
func oneDecimal(x float64) string {
	tenths := int64(x*10 + 0.5)
	return fmt.Sprintf("%d,%d", tenths/10, tenths%10)
}

// RatingSummary is the average of a set of ratings; the zero value means
// no rating yet.
type RatingSummary struct {
	Count                              int
	OnTime, AsDescribed, Communication float64
	Overall                            float64 // the mean of the three averages
}

// ratingAverages is the SELECT list every summary query shares.
const ratingAverages = `count(*)::int, coalesce(avg(r.on_time), 0)::float8, coalesce(avg(r.as_described), 0)::float8,
	coalesce(avg(r.communication), 0)::float8`

func (r *RatingSummary) setOverall() {
	if r.Count > 0 {
		r.Overall = (r.OnTime + r.AsDescribed + r.Communication) / 3
	}
}

// SupplierRating returns the averages of every rating of supplier
// supplierID. Ratings are public to signed-in users, so it checks no
// permission; callers decide who sees the page.
func SupplierRating(ctx context.Context, db postgres.DBTX, supplierID int64) (RatingSummary, error) {
	var r RatingSummary
	err := db.QueryRow(ctx, `SELECT `+ratingAverages+` FROM order_ratings r WHERE r.supplier_id = $1`, supplierID).
		Scan(&r.Count, &r.OnTime, &r.AsDescribed, &r.Communication)
	if err != nil {
		return RatingSummary{}, fmt.Errorf("ordering: rating of supplier %d: %w", supplierID, postgres.Classify(err))
	}
	r.setOverall()
	return r, nil
}

// ListingRating returns the averages of the ratings of the orders that
// contain listing listingID. It checks no permission (see SupplierRating).
func ListingRating(ctx context.Context, db postgres.DBTX, listingID int64) (RatingSummary, error) {
	var r RatingSummary
	err := db.QueryRow(ctx, `SELECT `+ratingAverages+` FROM order_ratings r
		WHERE r.order_id IN (SELECT order_id FROM order_lines WHERE listing_id = $1)`, listingID).
		Scan(&r.Count, &r.OnTime, &r.AsDescribed, &r.Communication)
	if err != nil {
		return RatingSummary{}, fmt.Errorf("ordering: rating of listing %d: %w", listingID, postgres.Classify(err))
	}
	r.setOverall()
	return r, nil
}

// SupplierRatings returns the rating summaries of several suppliers at once
// (for search results); a supplier without ratings is absent from the map,
// so looking it up gives the zero summary. It checks no permission.
func SupplierRatings(ctx context.Context, db postgres.DBTX, supplierIDs []int64) (map[int64]RatingSummary, error) {
	out := map[int64]RatingSummary{}
	if len(supplierIDs) == 0 {
		return out, nil
	}
	rows, err := db.Query(ctx, `SELECT r.supplier_id, `+ratingAverages+` FROM order_ratings r
		WHERE r.supplier_id = ANY($1) GROUP BY r.supplier_id`, supplierIDs)
	if err != nil {
		return nil, fmt.Errorf("ordering: ratings of suppliers: %w", postgres.Classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r RatingSummary
		if err := rows.Scan(&id, &r.Count, &r.OnTime, &r.AsDescribed, &r.Communication); err != nil {
			return nil, fmt.Errorf("ordering: ratings of suppliers: %w", err)
		}
		r.setOverall()
		out[id] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ordering: ratings of suppliers: %w", postgres.Classify(err))
	}
	return out, nil
}

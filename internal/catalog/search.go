package catalog

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lapak/internal/postgres"
	"lapak/internal/region"
	"lapak/internal/supplier"
)

// Sort orders search results.
type Sort string

// Orders of search results.
const (
	SortRelevance Sort = "relevance"
	SortPriceAsc  Sort = "price_asc"
	SortPriceDesc Sort = "price_desc"
	SortNewest    Sort = "newest"
)

// Sorts lists the orders in display order.
var Sorts = []Sort{SortRelevance, SortPriceAsc, SortPriceDesc, SortNewest}

// Label is the order's name for users.
func (s Sort) Label() string {
	switch s {
	case SortPriceAsc:
		return "Harga terendah"
	case SortPriceDesc:
		return "Harga tertinggi"
	case SortNewest:
		return "Terbaru"
	}
	return "Paling sesuai"
}

// PageSize is how many results a page shows.
const PageSize = 20

// Caps that keep every search fast: counts and facets are computed over at
// most summaryCap matching listings, and relevance ranks at most rankCap of
// them (docs/catalog-search.md explains the trade-off).
const (
	summaryCap = 2000
	rankCap    = 1000
)

// Query is a catalog search: words and filters. Zero fields match everything.
type Query struct {
	Text       string
	CategoryID int64
	Kecamatan  string // kecamatan code the listing must serve
	MinPrice   int64
	MaxPrice   int64
	Scale      supplier.Scale
	LocalOnly  bool
	SSHOnly    bool // linked to an SSH item and priced within its ceiling
	SupplierID int64
	Sort       Sort
	After      string // cursor from Results.Next
	Limit      int
}

// Card is a listing as a search result shows it.
type Card struct {
	ID            int64
	Title         string
	Kind          Kind
	Unit          string
	Price         int64
	MinOrder      int
	Origin        Origin
	LeadTimeDays  int
	ServesAll     bool
	SSHCeiling    int64
	PublishedAt   time.Time
	SupplierID    int64
	SupplierName  string
	SupplierScale supplier.Scale
	SupplierPKP   bool
	SupplierKec   string
	ThumbKey      string
	rank          float32
}

// AboveCeiling reports whether the card's price is above its SSH ceiling.
func (c Card) AboveCeiling() bool { return c.SSHCeiling > 0 && c.Price > c.SSHCeiling }

// WithinCeiling reports whether the card is linked to SSH and priced within it.
func (c Card) WithinCeiling() bool { return c.SSHCeiling > 0 && c.Price <= c.SSHCeiling }

// FacetValue is one value of a filter with the number of results having it.
type FacetValue struct {
	Value string
	Label string
	Count int
}

// Facets count the results by filter value.
type Facets struct {
	Categories []FacetValue
	Kecamatan  []FacetValue
	Scales     []FacetValue
	Local      int
	SSH        int
}

// Results is one page of a search.
type Results struct {
	Cards     []Card
	Total     int  // matching listings; at least this many when Capped
	Capped    bool // more than Total match; counts are of the first Total
	Facets    Facets
	Next      string   // cursor of the next page, "" on the last
	Words     []string // the words searched for, after corrections
	Corrected string   // the query as corrected ("did you mean"), "" when unchanged
	Relaxed   bool     // no listing has every word: these have some of them
	Cut       bool     // the query was longer than MaxQueryLen and was cut
	Ignored   bool     // the query had no searchable word (only stopwords or punctuation)
	Sort      Sort     // the order used
}

// summary is what a search's pages share: counts and ranked candidates.
type summary struct {
	total  int
	facets rawFacets
	ranked []rankedID
}

type rawFacets struct {
	catIDs   []int64
	catNs    []int32
	kecCodes []string
	kecNs    []int32
	scales   []string
	scaleNs  []int32
	local    int
	ssh      int
}

type rankedID struct {
	id   int64
	rank float32
}

// resolved is one query word after "did you mean".
type resolved struct {
	word  string   // as typed (normalized)
	use   string   // what is searched for: the word or its correction
	more  []string // for the last word: longer known words it starts
	fixed bool
}

// references are labels for facets.
type references struct {
	categories map[int64]Category
	children   map[int64][]int64
	order      []int64
	kecamatan  []region.Kecamatan
}

func (s *Service) references(ctx context.Context) (references, error) {
	return s.refs.get("", func() (references, error) {
		cats, err := s.Categories(ctx)
		if err != nil {
			return references{}, err
		}
		r := references{categories: map[int64]Category{}, children: map[int64][]int64{}}
		for _, c := range cats {
			r.categories[c.ID] = c
			r.order = append(r.order, c.ID)
			if c.ParentID != 0 {
				r.children[c.ParentID] = append(r.children[c.ParentID], c.ID)
			}
		}
		rows, err := s.db.Query(ctx, `SELECT code, name FROM kecamatan ORDER BY code`)
		if err != nil {
			return references{}, postgres.Classify(err)
		}
		r.kecamatan, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (region.Kecamatan, error) {
			var k region.Kecamatan
			return k, row.Scan(&k.Code, &k.Name)
		})
		return r, err
	})
}

// descendants returns id and every category below it.
func (r references) descendants(id int64) []int64 {
	out := []int64{id}
	for i := 0; i < len(out); i++ {
		out = append(out, r.children[out[i]]...)
	}
	return out
}

// Search finds published listings of verified suppliers. Anyone may search.
// Words are stemmed (so "pembelian kertas" finds "Kertas HVS"), misspelt
// words are corrected from the words listings use, the last word also
// matches longer words it starts (search as you type), and when no listing
// has every word, those with most of them are shown (Relaxed).
func (s *Service) Search(ctx context.Context, q Query) (Results, error) {
	res := Results{Sort: q.Sort}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = PageSize
	}
	if !slices.Contains(Sorts, q.Sort) {
		res.Sort = SortRelevance
	}
	words, cut := Words(q.Text)
	res.Cut = cut
	res.Ignored = len(words) == 0 && strings.TrimSpace(q.Text) != ""
	if len(words) == 0 && res.Sort == SortRelevance {
		res.Sort = SortNewest
	}
	refs, err := s.references(ctx)
	if err != nil {
		return res, fmt.Errorf("catalog: search: %w", err)
	}
	var tsq string
	if len(words) > 0 {
		rw, err := s.resolve(ctx, words)
		if err != nil {
			return res, fmt.Errorf("catalog: search: %w", err)
		}
		var corrected []string
		for _, w := range rw {
			res.Words = append(res.Words, w.use)
			corrected = append(corrected, w.use)
			if w.fixed {
				res.Corrected = "set"
			}
		}
		if res.Corrected != "" {
			res.Corrected = strings.Join(corrected, " ")
		}
		tsq = tsQuery(rw, " & ")
		sum, err := s.summary(ctx, q, refs, tsq)
		if err != nil {
			return res, err
		}
		if sum.total == 0 && len(rw) > 1 {
			or := tsQuery(rw, " | ")
			relaxed, err := s.summary(ctx, q, refs, or)
			if err != nil {
				return res, err
			}
			if relaxed.total > 0 {
				tsq, res.Relaxed = or, true
			}
		}
	}
	sum, err := s.summary(ctx, q, refs, tsq)
	if err != nil {
		return res, err
	}
	res.Total, res.Capped = min(sum.total, summaryCap), sum.total > summaryCap
	res.Facets = sum.facets.label(refs)
	switch {
	case tsq != "" && res.Sort == SortRelevance:
		err = s.rankedPage(ctx, q, refs, sum.ranked, &res)
	case tsq != "" && (res.Sort == SortPriceAsc || res.Sort == SortPriceDesc) && sum.total > summaryCap:
		err = s.pricedPage(ctx, q, refs, tsq, &res)
	default:
		err = s.livePage(ctx, q, refs, tsq, sum.total <= summaryCap, &res)
	}
	if err != nil {
		return res, fmt.Errorf("catalog: search: %w", err)
	}
	return res, nil
}

// maxPriced is how many matches of a broad search are kept in price order.
const maxPriced = 250_000

// priced is a match of a broad search in price order.
type priced struct{ price, id int64 }

// priceOrder returns every match of a broad search by price, from a cache:
// walking the price index hoping to meet matches is slow when they all
// cost more (or less) than most listings, and reading tens of thousands of
// matches to sort them is too slow to repeat for every page. Prices shown
// are always live; the order may lag a price change by up to a minute.
func (s *Service) priceOrder(ctx context.Context, q Query, refs references, tsq string) ([]priced, error) {
	return s.prices.get(summaryKey(q, tsq), func() ([]priced, error) {
		w := filters(q, refs, tsq)
		query := fmt.Sprintf("SELECT l.price, l.id FROM listings l WHERE %s ORDER BY l.price, l.id LIMIT %d", w.sql(), maxPriced)
		var out []priced
		err := s.readWith(ctx, true, true, query, w.args, func(rows pgx.Rows) error {
			for rows.Next() {
				var p priced
				if err := rows.Scan(&p.price, &p.id); err != nil {
					return err
				}
				out = append(out, p)
			}
			return rows.Err()
		})
		return out, err
	})
}

// pricedPage shows the page of a broad search in price order after the cursor.
func (s *Service) pricedPage(ctx context.Context, q Query, refs references, tsq string, res *Results) error {
	list, err := s.priceOrder(ctx, q, refs, tsq)
	if err != nil {
		return err
	}
	desc := res.Sort == SortPriceDesc
	if desc {
		list = slices.Clone(list)
		slices.Reverse(list)
	}
	start := 0
	if p, id, ok := parseIntCursor(q.After, 'p'); ok {
		start = len(list)
		for i, c := range list {
			after := c.price > p || (c.price == p && c.id > id)
			if desc {
				after = c.price < p || (c.price == p && c.id < id)
			}
			if after {
				start = i
				break
			}
		}
	}
	for start < len(list) && len(res.Cards) < q.Limit {
		end := min(len(list), start+q.Limit+q.Limit/2)
		batch := list[start:end]
		ids := make([]int64, len(batch))
		for i, c := range batch {
			ids[i] = c.id
		}
		w := filters(q, refs, "")
		w.add("l.id = ANY(" + w.arg(ids) + ")")
		var cards []Card
		err := s.read(ctx, false, "SELECT "+cardColumns+cardFrom+" WHERE "+w.sql(), w.args, func(rows pgx.Rows) error {
			var err error
			cards, err = scanCards(rows, false)
			return err
		})
		if err != nil {
			return err
		}
		byID := make(map[int64]Card, len(cards))
		for _, c := range cards {
			byID[c.ID] = c
		}
		for i, c := range batch {
			card, ok := byID[c.id]
			if !ok {
				continue
			}
			res.Cards = append(res.Cards, card)
			if len(res.Cards) == q.Limit {
				if start+i+1 < len(list) {
					res.Next = "p" + strconv.FormatInt(c.price, 10) + "." + strconv.FormatInt(c.id, 10)
				}
				return nil
			}
		}
		start = end
	}
	return nil
}

// tsQuery joins the words' operands with op (" & " or " | ").
func tsQuery(words []resolved, op string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		if len(w.more) > 0 {
			parts[i] = "(" + strings.Join(append([]string{w.use}, w.more...), " | ") + ")"
		} else {
			parts[i] = w.use
		}
	}
	return strings.Join(parts, op)
}

// resolve checks the words against the words listings use: an unknown word
// is replaced by the most similar known one, and the last word also stands
// for the known words it starts.
func (s *Service) resolve(ctx context.Context, words []string) ([]resolved, error) {
	return s.words.get(strings.Join(words, " "), func() ([]resolved, error) {
		rows, err := s.db.Query(ctx, `SELECT t.w, k.known, f.word, CASE WHEN t.i = $2 AND NOT k.exact AND length(t.w) >= $3 THEN
				ARRAY(SELECT sw.word FROM search_words sw WHERE sw.word LIKE t.w || '%' AND sw.word <> t.w ORDER BY sw.uses DESC, sw.word LIMIT 8)
				ELSE '{}' END
			FROM unnest($1::text[]) WITH ORDINALITY AS t(w, i)
			CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM search_words sw WHERE sw.word = t.w) AS exact,
				t.w !~ '[a-z]' OR length(t.w) < 3 OR EXISTS (SELECT 1 FROM search_words sw
					WHERE sw.word = t.w OR sw.stem = coalesce((ts_lexize('lapak_stem', t.w))[1], t.w)) AS known) k
			LEFT JOIN LATERAL (SELECT sw.word FROM search_words sw
				WHERE NOT k.known AND length(t.w) >= 4 AND sw.word % t.w AND similarity(sw.word, t.w) >= 0.35
				ORDER BY similarity(sw.word, t.w) DESC, sw.uses DESC, sw.word LIMIT 1) f ON true
			ORDER BY t.i`, words, len(words), minPrefixLen)
		if err != nil {
			return nil, postgres.Classify(err)
		}
		defer rows.Close()
		var out []resolved
		for rows.Next() {
			var r resolved
			var known bool
			var fix *string
			if err := rows.Scan(&r.word, &known, &fix, &r.more); err != nil {
				return nil, err
			}
			r.use = r.word
			last := len(out) == len(words)-1
			switch {
			case known:
			case last && len(r.more) > 0:
			case fix != nil:
				r.use, r.fixed = *fix, true
			}
			if known && !last {
				r.more = nil
			}
			out = append(out, r)
		}
		return out, rows.Err()
	})
}

// where builds the conditions every search shares.
type where struct {
	conds []string
	args  []any
}

func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

func (w *where) sql() string { return strings.Join(w.conds, " AND ") }

func filters(q Query, refs references, tsq string) *where {
	w := &where{}
	w.add("l.status = 'published'")
	w.add("l.supplier_active")
	if tsq != "" {
		w.add("l.search_vec @@ to_tsquery('lapak_id', " + w.arg(tsq) + ")")
	}
	if q.CategoryID != 0 {
		w.add("l.category_id = ANY(" + w.arg(refs.descendants(q.CategoryID)) + ")")
	}
	if q.Kecamatan != "" {
		w.add("(cardinality(l.served_kecamatan) = 0 OR l.served_kecamatan @> ARRAY[" + w.arg(q.Kecamatan) + "::text])")
	}
	if q.MinPrice > 0 {
		w.add("l.price >= " + w.arg(q.MinPrice))
	}
	if q.MaxPrice > 0 {
		w.add("l.price <= " + w.arg(q.MaxPrice))
	}
	if q.Scale != "" {
		w.add("l.supplier_scale = " + w.arg(string(q.Scale)))
	}
	if q.LocalOnly {
		w.add("l.origin = 'local'")
	}
	if q.SSHOnly {
		w.add("l.ssh_ceiling IS NOT NULL AND l.price <= l.ssh_ceiling")
	}
	if q.SupplierID != 0 {
		w.add("l.supplier_id = " + w.arg(q.SupplierID))
	}
	return w
}

// summaryKey identifies what a summary depends on: the query and filters,
// not the order or the page.
func summaryKey(q Query, tsq string) string {
	return fmt.Sprintf("%s|%d|%s|%d|%d|%s|%t|%t|%d", tsq, q.CategoryID, q.Kecamatan, q.MinPrice, q.MaxPrice, q.Scale, q.LocalOnly, q.SSHOnly, q.SupplierID)
}

func (s *Service) summary(ctx context.Context, q Query, refs references, tsq string) (summary, error) {
	return s.summaries.get(summaryKey(q, tsq), func() (summary, error) {
		w := filters(q, refs, tsq)
		rank, order, ranked := "0::real", " ORDER BY l.published_at DESC, l.id DESC", "(SELECT NULL::bigint[] AS ids, NULL::real[] AS ranks)"
		if tsq != "" {
			rank, order = "ts_rank(l.search_vec, to_tsquery('lapak_id', $1))", ""
			ranked = fmt.Sprintf(`(SELECT array_agg(id ORDER BY rank DESC, id DESC) AS ids, array_agg(rank ORDER BY rank DESC, id DESC) AS ranks
				FROM (SELECT id, rank FROM m ORDER BY rank DESC, id DESC LIMIT %d) x)`, rankCap)
		}
		query := fmt.Sprintf(`WITH m AS MATERIALIZED (
				SELECT l.id, l.category_id, l.supplier_scale, l.origin = 'local' AS local,
					(l.ssh_ceiling IS NOT NULL AND l.price <= l.ssh_ceiling) AS ssh_ok, l.served_kecamatan, %s AS rank
				FROM listings l WHERE %s%s LIMIT %d)
			SELECT (SELECT count(*) FROM m)::int, c.ids, c.ns, k.codes, k.ns, sc.names, sc.ns,
				(SELECT count(*) FROM m WHERE local)::int, (SELECT count(*) FROM m WHERE ssh_ok)::int, r.ids, r.ranks
			FROM (SELECT array_agg(category_id ORDER BY category_id) AS ids, array_agg(n ORDER BY category_id) AS ns
					FROM (SELECT category_id, count(*)::int AS n FROM m GROUP BY 1) x) c,
				(SELECT array_agg(code ORDER BY code) AS codes, array_agg(n ORDER BY code) AS ns
					FROM (SELECT kk.code, count(*)::int AS n FROM kecamatan kk JOIN m
						ON cardinality(m.served_kecamatan) = 0 OR kk.code = ANY(m.served_kecamatan) GROUP BY 1) x) k,
				(SELECT array_agg(supplier_scale ORDER BY supplier_scale) AS names, array_agg(n ORDER BY supplier_scale) AS ns
					FROM (SELECT supplier_scale, count(*)::int AS n FROM m GROUP BY 1) x) sc,
				%s r`, rank, w.sql(), order, summaryCap+1, ranked)
		var sum summary
		var ids []int64
		var ranks []float32
		err := s.read(ctx, tsq != "", query, w.args, func(rows pgx.Rows) error {
			if !rows.Next() {
				return rows.Err()
			}
			f := &sum.facets
			return rows.Scan(&sum.total, &f.catIDs, &f.catNs, &f.kecCodes, &f.kecNs, &f.scales, &f.scaleNs, &f.local, &f.ssh, &ids, &ranks)
		})
		if err != nil {
			return summary{}, fmt.Errorf("catalog: search summary: %w", err)
		}
		sum.ranked = make([]rankedID, len(ids))
		for i := range ids {
			sum.ranked[i] = rankedID{ids[i], ranks[i]}
		}
		return sum, nil
	})
}

// read runs one query in a read-only transaction without JIT compilation
// (which costs more than these short queries), and, for text searches,
// without sequential scans: with a LIMIT the planner may otherwise walk
// the whole table hoping to meet matches early. The statements travel in
// one round trip.
func (s *Service) read(ctx context.Context, noSeqScan bool, query string, args []any, scan func(pgx.Rows) error) (err error) {
	return s.readWith(ctx, noSeqScan, false, query, args, scan)
}

// readWith is read that can also forbid plain index scans: when few
// listings match the words, reading them all through the text index and
// sorting them beats walking the price index in the hope of meeting them.
func (s *Service) readWith(ctx context.Context, noSeqScan, noIndexScan bool, query string, args []any, scan func(pgx.Rows) error) (err error) {
	b := &pgx.Batch{}
	b.Queue("BEGIN READ ONLY")
	b.Queue("SET LOCAL jit = off")
	if noSeqScan {
		b.Queue("SET LOCAL enable_seqscan = off")
	}
	if noIndexScan {
		b.Queue("SET LOCAL enable_indexscan = off")
	}
	b.Queue(query, args...)
	b.Queue("COMMIT")
	br := s.db.SendBatch(ctx, b)
	defer func() {
		if cerr := br.Close(); err == nil && cerr != nil {
			err = postgres.Classify(cerr)
		}
	}()
	for range b.Len() - 2 {
		if _, err := br.Exec(); err != nil {
			return postgres.Classify(err)
		}
	}
	rows, err := br.Query()
	if err != nil {
		return postgres.Classify(err)
	}
	err = scan(rows)
	rows.Close()
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		return postgres.Classify(err)
	}
	if _, err := br.Exec(); err != nil {
		return postgres.Classify(err)
	}
	return nil
}

func (f rawFacets) label(refs references) Facets {
	var out Facets
	counts := map[int64]int{}
	for i, id := range f.catIDs {
		counts[id] = int(f.catNs[i])
	}
	for _, id := range refs.order {
		if n := counts[id]; n > 0 {
			out.Categories = append(out.Categories, FacetValue{strconv.FormatInt(id, 10), refs.categories[id].Name, n})
		}
	}
	kec := map[string]int{}
	for i, c := range f.kecCodes {
		kec[c] = int(f.kecNs[i])
	}
	for _, k := range refs.kecamatan {
		out.Kecamatan = append(out.Kecamatan, FacetValue{k.Code, k.Name, kec[k.Code]})
	}
	sc := map[string]int{}
	for i, name := range f.scales {
		sc[name] = int(f.scaleNs[i])
	}
	for _, name := range []supplier.Scale{supplier.ScaleMikro, supplier.ScaleKecil, supplier.ScaleMenengah} {
		out.Scales = append(out.Scales, FacetValue{string(name), name.Label(), sc[string(name)]})
	}
	out.Local, out.SSH = f.local, f.ssh
	return out
}

const cardColumns = `l.id, l.title, l.kind, l.unit, l.price, l.min_order, l.origin, l.lead_time_days, cardinality(l.served_kecamatan) = 0,
	coalesce(l.ssh_ceiling, 0), l.published_at, l.supplier_id, s.name, s.scale, s.pkp, coalesce(k.name, ''),
	coalesce((SELECT p.thumb_key FROM listing_photos p WHERE p.listing_id = l.id AND p.position = 0), '')`

const cardFrom = ` FROM listings l JOIN suppliers s ON s.id = l.supplier_id LEFT JOIN kecamatan k ON k.code = s.kecamatan_code`

func scanCards(rows pgx.Rows, withRank bool) ([]Card, error) {
	var out []Card
	for rows.Next() {
		var c Card
		var kind, origin, scale string
		var published *time.Time
		dest := []any{&c.ID, &c.Title, &kind, &c.Unit, &c.Price, &c.MinOrder, &origin, &c.LeadTimeDays, &c.ServesAll,
			&c.SSHCeiling, &published, &c.SupplierID, &c.SupplierName, &scale, &c.SupplierPKP, &c.SupplierKec, &c.ThumbKey}
		if withRank {
			dest = append(dest, &c.rank)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		c.Kind, c.Origin, c.SupplierScale = Kind(kind), Origin(origin), supplier.Scale(scale)
		if published != nil {
			c.PublishedAt = *published
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// rankedPage shows the page of ranked candidates after the cursor, fetched
// live so that a listing hidden or suspended since is not shown.
func (s *Service) rankedPage(ctx context.Context, q Query, refs references, ranked []rankedID, res *Results) error {
	start := 0
	if r, id, ok := parseRankCursor(q.After); ok {
		start = len(ranked)
		for i, c := range ranked {
			if c.rank < r || (c.rank == r && c.id < id) {
				start = i
				break
			}
		}
	}
	for start < len(ranked) && len(res.Cards) < q.Limit {
		end := min(len(ranked), start+q.Limit+q.Limit/2)
		batch := ranked[start:end]
		ids := make([]int64, len(batch))
		for i, c := range batch {
			ids[i] = c.id
		}
		w := filters(q, refs, "")
		w.add("l.id = ANY(" + w.arg(ids) + ")")
		var cards []Card
		err := s.read(ctx, false, "SELECT "+cardColumns+cardFrom+" WHERE "+w.sql(), w.args, func(rows pgx.Rows) error {
			var err error
			cards, err = scanCards(rows, false)
			return err
		})
		if err != nil {
			return err
		}
		byID := make(map[int64]Card, len(cards))
		for _, c := range cards {
			byID[c.ID] = c
		}
		for i, c := range batch {
			card, ok := byID[c.id]
			if !ok {
				continue
			}
			card.rank = c.rank
			res.Cards = append(res.Cards, card)
			if len(res.Cards) == q.Limit {
				if start+i+1 < len(ranked) {
					res.Next = rankCursor(c.rank, c.id)
				}
				return nil
			}
		}
		start = end
	}
	return nil
}

// livePage reads a page in price or date order straight from the indexes.
func (s *Service) livePage(ctx context.Context, q Query, refs references, tsq string, few bool, res *Results) error {
	w := filters(q, refs, tsq)
	var order string
	switch res.Sort {
	case SortPriceAsc:
		order = "l.price, l.id"
		if p, id, ok := parseIntCursor(q.After, 'p'); ok {
			w.add("(l.price, l.id) > (" + w.arg(p) + ", " + w.arg(id) + ")")
		}
	case SortPriceDesc:
		order = "l.price DESC, l.id DESC"
		if p, id, ok := parseIntCursor(q.After, 'p'); ok {
			w.add("(l.price, l.id) < (" + w.arg(p) + ", " + w.arg(id) + ")")
		}
	default:
		res.Sort = SortNewest
		order = "l.published_at DESC, l.id DESC"
		if t, id, ok := parseIntCursor(q.After, 'n'); ok {
			w.add("(l.published_at, l.id) < (" + w.arg(time.UnixMicro(t)) + ", " + w.arg(id) + ")")
		}
	}
	query := fmt.Sprintf("SELECT %s%s WHERE %s ORDER BY %s LIMIT %d", cardColumns, cardFrom, w.sql(), order, q.Limit+1)
	err := s.readWith(ctx, false, few && tsq != "", query, w.args, func(rows pgx.Rows) error {
		var err error
		res.Cards, err = scanCards(rows, false)
		return err
	})
	if err != nil {
		return err
	}
	if len(res.Cards) > q.Limit {
		res.Cards = res.Cards[:q.Limit]
		last := res.Cards[q.Limit-1]
		if res.Sort == SortNewest {
			res.Next = "n" + strconv.FormatInt(last.PublishedAt.UnixMicro(), 10) + "." + strconv.FormatInt(last.ID, 10)
		} else {
			res.Next = "p" + strconv.FormatInt(last.Price, 10) + "." + strconv.FormatInt(last.ID, 10)
		}
	}
	return nil
}

func parseIntCursor(s string, kind byte) (int64, int64, bool) {
	if len(s) < 4 || s[0] != kind {
		return 0, 0, false
	}
	a, b, ok := strings.Cut(s[1:], ".")
	if !ok {
		return 0, 0, false
	}
	x, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	return x, id, err1 == nil && err2 == nil && id > 0
}

func rankCursor(rank float32, id int64) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], math.Float32bits(rank))
	return "r" + hex.EncodeToString(b[:]) + "." + strconv.FormatInt(id, 10)
}

func parseRankCursor(s string) (float32, int64, bool) {
	if len(s) < 11 || s[0] != 'r' {
		return 0, 0, false
	}
	a, b, ok := strings.Cut(s[1:], ".")
	raw, err1 := hex.DecodeString(a)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || len(raw) != 4 || id <= 0 {
		return 0, 0, false
	}
	r := math.Float32frombits(binary.BigEndian.Uint32(raw))
	if math.IsNaN(float64(r)) {
		return 0, 0, false
	}
	return r, id, true
}

// OtherOffers lists other published listings linked to the same SSH item,
// cheapest first. Anyone may.
func (s *Service) OtherOffers(ctx context.Context, sshItemID, exceptID int64, limit int) ([]Card, error) {
	var cards []Card
	err := s.read(ctx, false, "SELECT "+cardColumns+cardFrom+` WHERE l.ssh_item_id = $1 AND l.id <> $2 AND l.status = 'published'
		AND l.supplier_active ORDER BY l.price, l.id LIMIT $3`, []any{sshItemID, exceptID, limit}, func(rows pgx.Rows) error {
		var err error
		cards, err = scanCards(rows, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("catalog: other offers: %w", err)
	}
	return cards, nil
}

// MaxCompare is how many listings can be compared side by side.
const MaxCompare = 4

// Compare returns the listings of ids (at most MaxCompare) that the user may
// see, in the order asked, with their photos. Anyone may.
func (s *Service) Compare(ctx context.Context, ids []int64) ([]Listing, error) {
	var out []Listing
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] || len(out) == MaxCompare {
			continue
		}
		seen[id] = true
		l, err := s.Listing(ctx, id)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// Choices returns the categories and kecamatan that search filters offer,
// from a cache refreshed every minute.
func (s *Service) Choices(ctx context.Context) ([]Category, []region.Kecamatan, error) {
	refs, err := s.references(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("catalog: choices: %w", err)
	}
	cats := make([]Category, 0, len(refs.order))
	for _, id := range refs.order {
		cats = append(cats, refs.categories[id])
	}
	return cats, refs.kecamatan, nil
}

-- Catalog search: trigram matching for "did you mean", and a text search
-- configuration for Indonesian. PostgreSQL's own `indonesian` configuration
-- has no stopword list, and stop files live in the server's share folder,
-- which Lapak cannot write. So text is normalized by catalog_normalize()
-- before it is parsed, and stopwords (and their stems) are deleted from the
-- resulting vectors by catalog_vector(). The Go side (catalog.Words) applies
-- the same rules to queries; a test keeps both lists equal. See
-- docs/catalog-search.md.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TEXT SEARCH DICTIONARY lapak_stem (TEMPLATE = snowball, Language = indonesian);
CREATE TEXT SEARCH CONFIGURATION lapak_id (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION lapak_id ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_asciipart, hword_part WITH lapak_stem;

-- catalog_normalize lower-cases t, turns everything but a-z and 0-9 into
-- spaces, and separates letters from digits ("A4" becomes "a 4", "80gram"
-- becomes "80 gram"), as catalog.Words does in Go.
CREATE FUNCTION catalog_normalize(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT regexp_replace(regexp_replace(lower(t), '[^a-z0-9]+', ' ', 'g'), '([a-z])(?=[0-9])|([0-9])(?=[a-z])', '\1\2 ', 'g')
$$;

-- catalog_stopwords lists the words that carry no meaning in a catalog
-- search: Indonesian function words, and words any buyer's query could hold
-- ("beli", "harga"). Keep it equal to stopwords in internal/catalog/words.go.
CREATE FUNCTION catalog_stopwords() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY['ada','adalah','agar','akan','anda','antara','apa','apabila','atau','bagaimana','bagi','bahwa',
        'beberapa','belanja','beli','belum','berbagai','bisa','boleh','butuh','cari','dalam','dan','dapat','dari',
        'demikian','dengan','di','dia','dibeli','dijual','harga','harus','hanya','hingga','ia','ingin','ini','itu',
        'jika','juga','jual','kalau','kami','kamu','karena','ke','kepada','kita','lagi','maka','membeli','mencari',
        'menjual','mereka','mohon','murah','namun','nya','pada','para','pembelian','pengadaan','penjualan','per',
        'perlu','pula','saja','sangat','saya','se','sebagai','sedang','sehingga','semua','seperti','serta',
        'sesuai','setiap','sudah','supaya','tanpa','tapi','telah','tentang','terhadap','termurah','tersebut',
        'tetapi','tidak','tolong','untuk','yaitu','yakni','yang']
$$;

-- catalog_stop_lexemes is every stopword and its stem ("pembelian" is
-- indexed as "beli"), computed once here from the stemmer.
DO $do$
DECLARE lexemes text[];
BEGIN
    SELECT array_agg(DISTINCT x ORDER BY x) INTO lexemes FROM (
        SELECT unnest(catalog_stopwords()) AS x
        UNION SELECT (ts_lexize('lapak_stem', w))[1] FROM unnest(catalog_stopwords()) AS w) s
    WHERE x IS NOT NULL;
    EXECUTE format('CREATE FUNCTION catalog_stop_lexemes() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
        format('SELECT %L::text[]', lexemes));
END
$do$;

-- catalog_vector is what a listing is found by: its title (weight A), its
-- category and SSH item (B) and the start of its description (C), stemmed,
-- without stopwords.
CREATE FUNCTION catalog_vector(title text, keywords text, description text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ts_delete(
        setweight(to_tsvector('lapak_id', catalog_normalize(coalesce(title, ''))), 'A') ||
        setweight(to_tsvector('lapak_id', catalog_normalize(coalesce(keywords, ''))), 'B') ||
        setweight(to_tsvector('lapak_id', catalog_normalize(left(coalesce(description, ''), 500))), 'C'),
        catalog_stop_lexemes())
$$;

-- search_words holds the distinct words of listing titles and categories,
-- for "did you mean": a typo is looked up here by trigram similarity, a table
-- of thousands of rows rather than a million titles.
CREATE TABLE search_words (
    word  text PRIMARY KEY CHECK (word ~ '^[a-z0-9]{1,40}$'),
    stem  text NOT NULL,
    uses  int NOT NULL DEFAULT 1 CHECK (uses >= 0)
);
CREATE INDEX search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);
CREATE INDEX search_words_stem_idx ON search_words (stem);

DROP TABLE search_words;
DROP FUNCTION catalog_vector(text, text, text);
DROP FUNCTION catalog_stop_lexemes();
DROP FUNCTION catalog_stopwords();
DROP FUNCTION catalog_normalize(text);
DROP TEXT SEARCH CONFIGURATION lapak_id;
DROP TEXT SEARCH DICTIONARY lapak_stem;

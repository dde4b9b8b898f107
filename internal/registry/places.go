package registry

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"lapak/internal/postgres"
)

// kecamatan and nagari as the matcher knows them.
type kecamatan struct {
	code, name string
	nagari     []*nagari
}

type nagari struct {
	code, name string
	kec        *kecamatan
}

// places finds kecamatan and nagari by the names and codes lists use.
type places struct {
	kecByKey  map[string]*kecamatan // placeKey, initials of 3+ words, Kemendagri and BPS code digits
	kecs      []*kecamatan
	nagByCode map[string]*nagari // Kemendagri and BPS code digits
	nagByName map[string][]*nagari
	byCode    map[string]*kecamatan // Kemendagri code, for names
	nagari    map[string]*nagari    // Kemendagri code
}

// placeRow is a kecamatan (kec empty) or nagari as stored.
type placeRow struct{ code, kec, name, bps string }

// loadPlaces reads the regency's kecamatan and nagari.
func loadPlaces(ctx context.Context, db postgres.DBTX) (*places, error) {
	rows, err := db.Query(ctx, `SELECT code, '', name, coalesce(bps_code, '') FROM kecamatan
		UNION ALL SELECT code, kecamatan_code, name, coalesce(bps_code, '') FROM nagari ORDER BY 2, 1`)
	if err != nil {
		return nil, fmt.Errorf("registry: load regions: %w", postgres.Classify(err))
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (placeRow, error) {
		var p placeRow
		err := row.Scan(&p.code, &p.kec, &p.name, &p.bps)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("registry: load regions: %w", postgres.Classify(err))
	}
	p := buildPlaces(list)
	if len(p.kecs) == 0 {
		return nil, invalid(ErrNoRegions, "Data wilayah (kecamatan dan nagari) belum dimuat, jadi kecamatan tidak dapat dicocokkan. Minta admin menjalankan 'lapak seed reference'.")
	}
	return p, nil
}

// buildPlaces indexes kecamatan and nagari; kecamatan come first in list.
func buildPlaces(list []placeRow) *places {
	p := &places{kecByKey: map[string]*kecamatan{}, nagByCode: map[string]*nagari{},
		nagByName: map[string][]*nagari{}, byCode: map[string]*kecamatan{}, nagari: map[string]*nagari{}}
	for _, r := range list {
		if r.kec != "" {
			continue
		}
		k := &kecamatan{code: r.code, name: r.name}
		p.kecs = append(p.kecs, k)
		p.byCode[r.code] = k
		p.kecByKey[placeKey(r.name)] = k
		if len(words(r.name)) >= 3 {
			p.kecByKey[initials(r.name)] = k
		}
		p.kecByKey[digitsOnly(r.code)] = k
		if r.bps != "" {
			p.kecByKey[r.bps] = k
		}
	}
	for _, r := range list {
		k := p.byCode[r.kec]
		if r.kec == "" || k == nil {
			continue
		}
		n := &nagari{code: r.code, name: r.name, kec: k}
		k.nagari = append(k.nagari, n)
		p.nagari[r.code] = n
		p.nagByCode[digitsOnly(r.code)] = n
		if r.bps != "" {
			p.nagByCode[r.bps] = n
		}
		key := placeKey(r.name)
		p.nagByName[key] = append(p.nagByName[key], n)
	}
	return p
}

// fuzzyLimit is how many typing mistakes a name of n letters may have and
// still match: none for short names, where one letter tells places apart.
func fuzzyLimit(n int) int {
	switch {
	case n >= 10:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// closest returns the candidate whose key is nearest to key, when it is
// within fuzzyLimit and no other candidate is as near.
func closest[T any](key string, candidates []T, keyOf func(T) string) (T, bool) {
	var best T
	bestD, ties := 1<<30, 0
	for _, c := range candidates {
		d := levenshtein(key, keyOf(c))
		switch {
		case d < bestD:
			best, bestD, ties = c, d, 1
		case d == bestD:
			ties++
		}
	}
	if ties != 1 || bestD > fuzzyLimit(len(key)) {
		var zero T
		return zero, false
	}
	return best, true
}

// kecamatan finds a kecamatan by name ("Kec. Sangir", "PAUAH DUO", "KPGD",
// with a typing mistake or two in long names) or by Kemendagri or BPS code.
func (p *places) kecamatan(s string) *kecamatan {
	if d := digitsOnly(s); d != "" {
		return p.kecByKey[d]
	}
	key := placeKey(s)
	if key == "" {
		return nil
	}
	if k, ok := p.kecByKey[key]; ok {
		return k
	}
	k, _ := closest(key, p.kecs, func(k *kecamatan) string { return placeKey(k.name) })
	return k
}

// nagariIn finds a nagari of kecamatan k by name or code. When it is not in k,
// elsewhere is a nagari of that name in another kecamatan, if any.
func (p *places) nagariIn(k *kecamatan, s string) (n, elsewhere *nagari) {
	if d := digitsOnly(s); d != "" {
		n := p.nagByCode[d]
		if n != nil && n.kec != k {
			return nil, n
		}
		return n, nil
	}
	key := placeKey(s)
	for _, c := range p.nagByName[key] {
		if c.kec == k {
			return c, nil
		}
	}
	if c, ok := closest(key, k.nagari, func(n *nagari) string { return placeKey(n.name) }); ok {
		return c, nil
	}
	if cs := p.nagByName[key]; len(cs) > 0 {
		return nil, cs[0]
	}
	return nil, nil
}

package catalog

import (
	"container/list"
	"sync"
	"time"
)

// ttlCache is a small least-recently-used cache whose entries expire, with
// one computation at a time per key: when many requests miss on the same
// key at once, one computes and the others wait for its answer.
type ttlCache[V any] struct {
	mu      sync.Mutex
	ttl     time.Duration
	max     int
	now     func() time.Time
	order   *list.List // of *cacheEntry[V], most recent first
	entries map[string]*list.Element
	calls   map[string]*cacheCall[V]
	gen     uint64 // bumped by clear; answers computed under an older gen are not kept
	hits    uint64
	misses  uint64
}

type cacheEntry[V any] struct {
	key     string
	val     V
	expires time.Time
}

type cacheCall[V any] struct {
	done chan struct{}
	val  V
	err  error
}

func newTTLCache[V any](ttl time.Duration, max int) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, max: max, now: time.Now, order: list.New(),
		entries: map[string]*list.Element{}, calls: map[string]*cacheCall[V]{}}
}

// get returns the value under key, computing it with fn when missing or expired.
func (c *ttlCache[V]) get(key string, fn func() (V, error)) (V, error) {
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		e := el.Value.(*cacheEntry[V])
		if c.now().Before(e.expires) {
			c.order.MoveToFront(el)
			c.hits++
			c.mu.Unlock()
			return e.val, nil
		}
		c.order.Remove(el)
		delete(c.entries, key)
	}
	c.misses++
	if call, ok := c.calls[key]; ok {
		c.mu.Unlock()
		<-call.done
		return call.val, call.err
	}
	call := &cacheCall[V]{done: make(chan struct{})}
	c.calls[key] = call
	gen := c.gen
	c.mu.Unlock()

	call.val, call.err = fn()

	c.mu.Lock()
	delete(c.calls, key)
	if call.err == nil && gen == c.gen {
		el := c.order.PushFront(&cacheEntry[V]{key: key, val: call.val, expires: c.now().Add(c.ttl)})
		c.entries[key] = el
		for c.order.Len() > c.max {
			last := c.order.Back()
			c.order.Remove(last)
			delete(c.entries, last.Value.(*cacheEntry[V]).key)
		}
	}
	c.mu.Unlock()
	close(call.done)
	return call.val, call.err
}

// clear forgets every entry.
func (c *ttlCache[V]) clear() {
	c.mu.Lock()
	c.order.Init()
	clear(c.entries)
	c.gen++
	c.mu.Unlock()
}

// stats returns the hits and misses so far.
func (c *ttlCache[V]) stats() (hits, misses uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

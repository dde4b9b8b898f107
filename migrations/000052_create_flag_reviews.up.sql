-- Auditors' reviews of red flags (internal/reporting/flags.go): an auditor
-- marks one kind of flag on one order as reviewed, once, with a note. The
-- flags themselves are computed from orders on every read; only the review
-- is stored.
CREATE TABLE flag_reviews (
    order_id     bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('split', 'repeat_pair', 'fast_order', 'price', 'fast_completion')),
    note         text NOT NULL CHECK (length(note) BETWEEN 5 AND 2000),
    reviewed_by  bigint NOT NULL REFERENCES users (id),
    reviewed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, kind)
);

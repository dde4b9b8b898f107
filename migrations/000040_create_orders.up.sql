-- Orders: carts, checked-out orders and their lines, negotiation offers, the
-- timeline of events and the per-OPD document counters (DESIGN.md section 2,
-- docs/ordering.md). Money is whole rupiah; line prices include PPN for a
-- PKP supplier, unit_dpp is the price before tax that negotiation works on.

-- A cart is the items a buyer (PP or PPK) has picked for their OPD, grouped by
-- supplier at checkout: one order per supplier.
CREATE TABLE cart_items (
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    listing_id  bigint NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    supplier_id bigint NOT NULL REFERENCES suppliers (id),
    opd_id      bigint NOT NULL REFERENCES opds (id),
    qty         int NOT NULL CHECK (qty BETWEEN 1 AND 100000000),
    -- last_key: the idempotency key of the last form that added to the line,
    -- so a double-clicked "add to cart" adds once.
    last_key    text NOT NULL DEFAULT '' CHECK (length(last_key) <= 100),
    added_at    timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, listing_id)
);
CREATE INDEX cart_items_supplier_idx ON cart_items (user_id, supplier_id);

CREATE TABLE orders (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    opd_id            bigint NOT NULL REFERENCES opds (id),
    supplier_id       bigint NOT NULL REFERENCES suppliers (id),
    rup_package_id    bigint NOT NULL REFERENCES rup_packages (id),
    buyer_user_id     bigint NOT NULL REFERENCES users (id),
    ppk_user_id       bigint NOT NULL REFERENCES users (id),
    state             text NOT NULL CHECK (state IN ('negotiating', 'awaiting_ppk', 'awaiting_supplier', 'processing',
                          'shipped', 'received', 'awaiting_payment', 'paid', 'completed',
                          'cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired')),
    -- checkout_key is the idempotency key of the checkout form: a retried
    -- or double-clicked checkout finds the order it already made.
    checkout_key      text NOT NULL CHECK (length(checkout_key) BETWEEN 8 AND 100),
    delivery_address  text NOT NULL CHECK (length(delivery_address) BETWEEN 5 AND 500),
    requested_date    date NOT NULL,
    notes             text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    -- The supplier's tax status when the order was placed.
    supplier_pkp      boolean NOT NULL,
    supplier_pp55     boolean NOT NULL,
    -- total is the contract value including PPN at the current agreed
    -- prices (while negotiating: the supplier's latest price); it is what
    -- the rules and the RUP ledger count.
    total             bigint NOT NULL CHECK (total >= 0 AND total <= 1000000000000),
    -- received_total is the value of what the BAST states was received.
    received_total    bigint CHECK (received_total >= 0),
    negotiation_turn  text CHECK (negotiation_turn IN ('buyer', 'supplier')),
    rule_outcome      jsonb NOT NULL,
    rule_version_ids  bigint[] NOT NULL DEFAULT '{}',
    flagged           boolean NOT NULL DEFAULT false,
    justifications    jsonb NOT NULL DEFAULT '{}',
    -- supplier_alert is set when the supplier is suspended while the order is open.
    supplier_alert    text NOT NULL DEFAULT '' CHECK (length(supplier_alert) <= 500),
    sp_number         text UNIQUE,
    -- deadline_at is when an order awaiting the PPK or the supplier expires
    -- (3 hari kerja); reminded_at when the reminder before it went out.
    deadline_at       timestamptz,
    reminded_at       timestamptz,
    payment_alerted_at timestamptz,
    end_reason        text NOT NULL DEFAULT '' CHECK (length(end_reason) <= 1000),
    placed_at         timestamptz NOT NULL DEFAULT now(),
    agreed_at         timestamptz,
    signed_at         timestamptz,
    accepted_at       timestamptz,
    shipped_at        timestamptz,
    received_at       timestamptz,
    bast_at           timestamptz,
    invoiced_at       timestamptz,
    paid_at           timestamptz,
    completed_at      timestamptz,
    ended_at          timestamptz,
    version           int NOT NULL DEFAULT 1,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (buyer_user_id, checkout_key),
    CHECK ((state = 'negotiating') = (negotiation_turn IS NOT NULL)),
    CHECK (state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired') OR (end_reason <> '' AND ended_at IS NOT NULL)),
    CHECK (state IN ('negotiating', 'awaiting_ppk', 'cancelled', 'rejected_by_ppk', 'expired') OR sp_number IS NOT NULL)
);
CREATE INDEX orders_opd_idx ON orders (opd_id, state, placed_at DESC);
CREATE INDEX orders_supplier_idx ON orders (supplier_id, state, placed_at DESC);
CREATE INDEX orders_ppk_idx ON orders (ppk_user_id, state);
CREATE INDEX orders_package_live_idx ON orders (rup_package_id)
    WHERE state NOT IN ('cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired');
CREATE INDEX orders_deadline_idx ON orders (deadline_at) WHERE deadline_at IS NOT NULL;
CREATE INDEX orders_bast_idx ON orders (bast_at) WHERE state = 'awaiting_payment';
-- Open data pages completed orders by completion date.
CREATE INDEX orders_completed_idx ON orders (completed_at, id) WHERE state = 'completed';

CREATE TABLE order_lines (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id      bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    position      smallint NOT NULL CHECK (position BETWEEN 1 AND 200),
    listing_id    bigint NOT NULL REFERENCES listings (id),
    title         text NOT NULL,
    unit          text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('goods', 'services')),
    category_id   bigint REFERENCES categories (id),
    ssh_item_id   bigint REFERENCES ssh_items (id),
    ssh_ceiling   bigint,
    qty           int NOT NULL CHECK (qty BETWEEN 1 AND 100000000),
    -- list_price: the listing's price per unit at checkout (incl. PPN for PKP).
    list_price    bigint NOT NULL CHECK (list_price > 0),
    -- unit_dpp: the agreed price per unit before tax; unit_price: what the
    -- buyer pays per unit (unit_dpp plus PPN for PKP); total = qty × unit_price.
    unit_dpp      bigint NOT NULL CHECK (unit_dpp > 0),
    unit_price    bigint NOT NULL CHECK (unit_price > 0),
    total         bigint NOT NULL CHECK (total >= 0),
    shipped_qty   int NOT NULL DEFAULT 0 CHECK (shipped_qty BETWEEN 0 AND qty),
    received_qty  int NOT NULL DEFAULT 0 CHECK (received_qty BETWEEN 0 AND shipped_qty),
    UNIQUE (order_id, position)
);
CREATE INDEX order_lines_listing_idx ON order_lines (listing_id);

-- Negotiation: each offer names a price before tax per line; see
-- docs/ordering.md for who may offer what.
CREATE TABLE order_offers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    round       int NOT NULL CHECK (round >= 1),
    side        text NOT NULL CHECK (side IN ('buyer', 'supplier')),
    user_id     bigint NOT NULL REFERENCES users (id),
    -- prices: {"<line id>": unit_dpp, ...}; total: the order total at these prices incl. PPN.
    prices      jsonb NOT NULL,
    total       bigint NOT NULL,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (order_id, round)
);

-- The timeline: one row per transition or notable act, never changed.
CREATE TABLE order_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    user_id     bigint REFERENCES users (id), -- NULL: the system (timers)
    kind        text NOT NULL,
    from_state  text NOT NULL DEFAULT '',
    to_state    text NOT NULL DEFAULT '',
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    details     jsonb NOT NULL DEFAULT '{}',
    -- key: the idempotency key of the form that caused it; a retry finds it.
    key         text CHECK (length(key) BETWEEN 8 AND 100)
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);
CREATE UNIQUE INDEX order_events_key_idx ON order_events (order_id, key) WHERE key IS NOT NULL;

-- Document numbers: a gapless sequence per scope (an OPD, or a supplier for
-- invoices), year and kind, advanced in the transaction that signs.
CREATE TABLE document_counters (
    scope  text NOT NULL,
    year   int NOT NULL,
    kind   text NOT NULL,
    last   int NOT NULL CHECK (last >= 1),
    PRIMARY KEY (scope, year, kind)
);

-- Signed documents: the content as signed (JSON the print view is rendered
-- from), the PDF as signed and its SHA-256. Never changed once written.
CREATE TABLE order_documents (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('sp', 'bast', 'invoice', 'kuitansi')),
    number      text NOT NULL,
    content     jsonb NOT NULL,
    pdf         bytea NOT NULL,
    -- renderer names the code that rendered pdf (document.Renderer); while it
    -- is current, the content must still render to exactly these bytes.
    renderer    text NOT NULL,
    pdf_sha256  text NOT NULL CHECK (pdf_sha256 ~ '^[0-9a-f]{64}$'),
    signed_by   bigint REFERENCES users (id),
    signed_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (order_id, kind),
    UNIQUE (kind, number)
);

-- The PDF is kept as stored (no pglz compression on every signing); it is
-- ~10 KB and read only when someone opens the document.
ALTER TABLE order_documents ALTER COLUMN pdf SET STORAGE EXTERNAL;

CREATE FUNCTION order_documents_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'order documents are never changed once signed' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER order_documents_immutable BEFORE UPDATE ON order_documents
    FOR EACH ROW EXECUTE FUNCTION order_documents_immutable();

-- A supplier suspended while it has open orders: the orders carry an alert
-- that buyers, the PPK and auditors see; they are not cancelled by it.
CREATE FUNCTION orders_flag_suspended_supplier() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE orders SET supplier_alert = left('Penyedia dibekukan oleh Koperindag: ' || coalesce(nullif(NEW.suspended_reason, ''), 'tanpa alasan tercatat'), 500),
        updated_at = now()
    WHERE supplier_id = NEW.id
      AND state NOT IN ('completed', 'cancelled', 'rejected_by_ppk', 'rejected_by_supplier', 'expired');
    RETURN NULL;
END $$;
CREATE TRIGGER suppliers_flag_orders AFTER UPDATE OF status ON suppliers
    FOR EACH ROW WHEN (NEW.status = 'suspended' AND OLD.status IS DISTINCT FROM 'suspended')
    EXECUTE FUNCTION orders_flag_suspended_supplier();

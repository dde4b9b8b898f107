-- Fulfilment of an order: shipments (partial allowed, per line), the PPK's
-- inspections (fungsi, jumlah, waktu; notes and photos), the treasurer's
-- payment with the taxes collected, and the PPK's rating of the supplier.

CREATE TABLE order_shipments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    shipped_on  date NOT NULL,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    user_id     bigint NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_shipments_order_idx ON order_shipments (order_id);

CREATE TABLE order_shipment_lines (
    shipment_id bigint NOT NULL REFERENCES order_shipments (id) ON DELETE CASCADE,
    line_id     bigint NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    qty         int NOT NULL CHECK (qty >= 1),
    PRIMARY KEY (shipment_id, line_id)
);

CREATE TABLE order_inspections (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id      bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    inspected_on  date NOT NULL,
    fungsi_ok     boolean NOT NULL,
    jumlah_ok     boolean NOT NULL,
    waktu_ok      boolean NOT NULL,
    notes         text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    -- complete: the inspector closed the delivery (all, or what arrived).
    complete      boolean NOT NULL,
    user_id       bigint NOT NULL REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_inspections_order_idx ON order_inspections (order_id);

CREATE TABLE order_inspection_lines (
    inspection_id bigint NOT NULL REFERENCES order_inspections (id) ON DELETE CASCADE,
    line_id       bigint NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    qty           int NOT NULL CHECK (qty >= 0),
    PRIMARY KEY (inspection_id, line_id)
);

CREATE TABLE order_inspection_photos (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inspection_id bigint NOT NULL REFERENCES order_inspections (id) ON DELETE CASCADE,
    blob_key      text NOT NULL UNIQUE CHECK (blob_key ~ '^[0-9a-f]{32}$'),
    width         int NOT NULL DEFAULT 0,
    height        int NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE order_payments (
    order_id       bigint PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    paid_on        date NOT NULL,
    method         text NOT NULL CHECK (method IN ('up', 'kkpd', 'sp2d')),
    reference      text NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
    gross          bigint NOT NULL CHECK (gross >= 0),
    ppn_collected  bigint NOT NULL CHECK (ppn_collected >= 0),
    pph22          bigint NOT NULL CHECK (pph22 >= 0),
    pph23          bigint NOT NULL CHECK (pph23 >= 0),
    pp55           bigint NOT NULL CHECK (pp55 >= 0),
    net            bigint NOT NULL CHECK (net >= 0),
    breakdown      jsonb NOT NULL,
    user_id        bigint NOT NULL REFERENCES users (id),
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (net = gross - ppn_collected - pph22 - pph23 - pp55)
);

CREATE TABLE order_ratings (
    order_id       bigint PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    supplier_id    bigint NOT NULL REFERENCES suppliers (id),
    on_time        smallint NOT NULL CHECK (on_time BETWEEN 1 AND 5),
    as_described   smallint NOT NULL CHECK (as_described BETWEEN 1 AND 5),
    communication  smallint NOT NULL CHECK (communication BETWEEN 1 AND 5),
    comment        text NOT NULL DEFAULT '' CHECK (length(comment) <= 1000),
    user_id        bigint NOT NULL REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_ratings_supplier_idx ON order_ratings (supplier_id, created_at DESC);

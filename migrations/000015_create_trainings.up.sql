-- Pembekalan: training sessions for suppliers, with invitations and attendance.
CREATE TABLE trainings (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic       text NOT NULL CHECK (length(topic) BETWEEN 3 AND 200),
    starts_at   timestamptz NOT NULL,
    place       text NOT NULL CHECK (length(place) BETWEEN 2 AND 200),
    kecamatan_code text REFERENCES kecamatan (code),
    capacity    int CHECK (capacity > 0),
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE training_participants (
    training_id  bigint NOT NULL REFERENCES trainings (id) ON DELETE CASCADE,
    supplier_id  bigint NOT NULL REFERENCES suppliers (id),
    invited_at   timestamptz NOT NULL DEFAULT now(),
    attended     boolean NOT NULL DEFAULT false,
    recorded_by  bigint REFERENCES users (id),
    PRIMARY KEY (training_id, supplier_id)
);
CREATE INDEX training_participants_supplier_idx ON training_participants (supplier_id) WHERE attended;

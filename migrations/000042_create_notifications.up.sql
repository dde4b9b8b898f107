-- In-app notifications: always written, in the transaction of what they
-- announce; e-mail goes through the outbox as well when the user has one.
CREATE TABLE notifications (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    order_id    bigint REFERENCES orders (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    message     text NOT NULL CHECK (length(message) BETWEEN 1 AND 1000),
    link        text NOT NULL DEFAULT '' CHECK (link = '' OR link ~ '^/'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

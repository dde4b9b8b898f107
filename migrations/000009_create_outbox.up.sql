-- Outgoing e-mail, written in the transaction that causes it and delivered
-- afterwards (SMTP when configured, else the log). Admins read it in development.
CREATE TABLE outbox_emails (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    to_address    text NOT NULL,
    subject       text NOT NULL,
    body          text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    attempts      int NOT NULL DEFAULT 0,
    last_error    text NOT NULL DEFAULT '',
    next_attempt  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_emails_pending_idx ON outbox_emails (next_attempt) WHERE sent_at IS NULL;

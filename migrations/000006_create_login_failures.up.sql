-- Failed sign-ins, counted per account and per IP address to throttle guessing.
CREATE TABLE login_failures (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identifier  text NOT NULL,
    ip          text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_identifier_idx ON login_failures (identifier, at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, at);

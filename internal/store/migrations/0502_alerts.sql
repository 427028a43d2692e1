-- Alert subscriptions and the deliveries made: (subscription, event key)
-- is unique, so the same event never alerts a subscriber twice.
CREATE TABLE alert_subscriptions (
    id         {{autoid}},
    login      TEXT NOT NULL,
    applicant  TEXT NOT NULL DEFAULT '',
    subject    TEXT NOT NULL DEFAULT '',
    kinds      TEXT NOT NULL,
    channel    TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    target     TEXT NOT NULL,
    secret     BYTEA,
    digest     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL
);

CREATE INDEX alert_subscriptions_login ON alert_subscriptions (login);

CREATE TABLE alert_deliveries (
    subscription BIGINT NOT NULL REFERENCES alert_subscriptions (id),
    event_key    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    applicant    TEXT NOT NULL,
    subject      TEXT NOT NULL,
    title        TEXT NOT NULL,
    detail       TEXT NOT NULL,
    event_at     TEXT NOT NULL,
    sent_at      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (subscription, event_key)
);

-- 003_webhook.sql — the shop's webhook feed.  order_events is the outbox:
-- the sender (storypress webhook) posts events in id order and keeps here
-- the last one the receiver accepted, so a restart neither loses nor
-- repeats a delivery (a receiver may still see one twice after a crash
-- between its 2xx and our update: X-Storypress-Event lets it tell).
CREATE TABLE webhook_cursor (
    one            boolean PRIMARY KEY DEFAULT true CHECK (one),
    last_event_id  bigint NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

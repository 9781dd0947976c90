-- 001_init.sql — the first schema of storypress.
-- Migrations are numbered, applied once each by `storypress migrate` (or a
-- daemon at start) under an advisory lock, and never edited after they land.

CREATE TABLE customers (
    id          text PRIMARY KEY,
    email       text NOT NULL,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per accepted order.  state mirrors the spool directory the order
-- is in (the spool is the truth; fsck mends differences).
CREATE TABLE orders (
    id            text PRIMARY KEY,
    customer_id   text NOT NULL REFERENCES customers (id),
    state         text NOT NULL,
    attempts      integer NOT NULL DEFAULT 0,   -- at the current stage
    next_attempt  timestamptz,
    last_error    text,
    purged_at     timestamptz,                  -- its spool entry was removed by cleanup
    canonical     text NOT NULL,                -- order_canonical(): duplicate detection
    order_json    jsonb NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_state_idx ON orders (state);
-- Ids that differ only in case would collide on a case-insensitive
-- filesystem (a shop's export, an operator's laptop): refused at intake.
CREATE UNIQUE INDEX orders_id_folded_idx ON orders (lower(id));
CREATE INDEX orders_customer_idx ON orders (customer_id, received_at);

-- Every transition, in order.
CREATE TABLE order_events (
    id          bigserial PRIMARY KEY,
    order_id    text NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_state  text,
    to_state    text NOT NULL,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    worker      text NOT NULL,
    detail      jsonb
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);
CREATE INDEX order_events_at_idx ON order_events (at);

-- Drops moved to rejected/ (they may have no usable order id).
CREATE TABLE rejects (
    id          bigserial PRIMARY KEY,
    entry       text NOT NULL,      -- its name in rejected/
    order_id    text,
    reason      text NOT NULL,
    worker      text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    -- the drop itself (device, inode, size, mtime): a worker that dies after
    -- recording and before the rename records the same drop once, not twice
    drop_key    text UNIQUE
);
CREATE INDEX rejects_at_idx ON rejects (at);

-- Every call to a paid remote API.
CREATE TABLE api_calls (
    id           bigserial PRIMARY KEY,
    order_id     text REFERENCES orders (id) ON DELETE CASCADE,
    provider     text NOT NULL,
    model        text,
    kind         text NOT NULL,     -- story, image, print, cost, token, status
    tokens_in    bigint NOT NULL DEFAULT 0,
    tokens_out   bigint NOT NULL DEFAULT 0,
    images       integer NOT NULL DEFAULT 0,
    latency_ms   bigint NOT NULL DEFAULT 0,
    http_status  integer,
    cost         numeric(14, 6) NOT NULL DEFAULT 0,
    error        text,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_calls_order_idx ON api_calls (order_id);
CREATE INDEX api_calls_at_idx ON api_calls (at);

-- At most one print job per order, ever: the primary key is the guarantee
-- behind "no book is printed twice".  The row is written (state 'intent')
-- before the provider is called.
CREATE TABLE print_jobs (
    order_id         text PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    provider         text NOT NULL,
    state            text NOT NULL,   -- intent, submitted, finished
    external_id      text NOT NULL,   -- sent to the provider: the order id
    provider_job_id  text,
    status           text,            -- the provider's: CREATED ... SHIPPED, REJECTED
    status_detail    jsonb,
    cost             numeric(14, 2),
    currency         text,
    tracking         jsonb,
    intent_at        timestamptz NOT NULL DEFAULT now(),
    submitted_at     timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX print_jobs_status_idx ON print_jobs (status);

-- Daily order limits: scope 'customer' (key = customer id) or 'group'
-- (key = group name); customer_groups puts customers in groups.
CREATE TABLE quotas (
    scope        text NOT NULL CHECK (scope IN ('customer', 'group')),
    key          text NOT NULL,
    daily_limit  integer NOT NULL CHECK (daily_limit >= 0),
    PRIMARY KEY (scope, key)
);
CREATE TABLE customer_groups (
    customer_id  text NOT NULL,
    group_name   text NOT NULL,
    PRIMARY KEY (customer_id, group_name)
);

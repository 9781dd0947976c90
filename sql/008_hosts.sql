-- 008_hosts.sql — several storypress hosts on one database, and the
-- provider limits they share (docs/scaling.md).
--
-- Every host names itself (host_name); each connection says which host it
-- is with `SET storypress.host` (lib/db.c, db_connect), so the host columns
-- below fill themselves in from their default and no statement that writes
-- these tables needs to change.  Rows written before this migration belong
-- to the host that applied it (the one host there was).

-- The host that owns the order: the one whose spool holds it.  Only the
-- owner moves it (db_record_transition checks; a row written by someone who
-- named no host, NULL, goes to the first host that moves it); `storypress
-- adopt` gives a dead host's orders to another in one UPDATE ... WHERE
-- host = old.
ALTER TABLE orders ADD COLUMN host text
    DEFAULT nullif(current_setting('storypress.host', true), '');
CREATE INDEX orders_host_state_idx ON orders (host, state);

-- Who did it: the host of every event, API call, print job and reject.
ALTER TABLE order_events ADD COLUMN host text
    DEFAULT nullif(current_setting('storypress.host', true), '');
ALTER TABLE api_calls ADD COLUMN host text
    DEFAULT nullif(current_setting('storypress.host', true), '');
ALTER TABLE print_jobs ADD COLUMN host text
    DEFAULT nullif(current_setting('storypress.host', true), '');
ALTER TABLE rejects ADD COLUMN host text
    DEFAULT nullif(current_setting('storypress.host', true), '');

-- One token bucket per provider for every host (lib/ratelimit.c): rpm
-- tokens a minute, at most burst saved up; blocked_until is set by a 429's
-- Retry-After and holds every host back.  A take is one UPDATE of this row.
CREATE TABLE rate_limits (
    provider       text PRIMARY KEY,
    rpm            integer NOT NULL CHECK (rpm > 0),
    burst          double precision NOT NULL CHECK (burst >= 1),
    max_in_flight  integer NOT NULL CHECK (max_in_flight > 0),
    tokens         double precision NOT NULL,
    refilled_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    blocked_until  timestamptz,
    granted        boolean NOT NULL DEFAULT false, -- the last take's answer
    taken          bigint NOT NULL DEFAULT 0       -- tokens handed out, ever
);

-- Requests in flight: one row per slot (0 .. max_in_flight - 1) while a
-- request is out.  A lease expires: the slots of a host that died come
-- back after lease_seconds without anyone mending them.
CREATE TABLE rate_leases (
    provider    text NOT NULL REFERENCES rate_limits (provider) ON DELETE CASCADE,
    slot        integer NOT NULL,
    host        text NOT NULL,
    holder      text NOT NULL,   -- host/pid: who to blame in a report
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (provider, slot)
);

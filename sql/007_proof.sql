-- 007_proof.sql — the proof before print: every redo of pages an operator or
-- the shop asked for, with what changed and what it cost.  max_redos counts
-- these rows; storypress stats sums them.
CREATE TABLE proof_redos (
    id          bigserial PRIMARY KEY,
    order_id    text NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    by          text NOT NULL,               -- storypress:<user>, or the shop's drop
    pages       integer[] NOT NULL,          -- story pages, from 1
    new_text    boolean NOT NULL,
    new_art     boolean NOT NULL,
    images      integer NOT NULL DEFAULT 0,  -- pictures drawn again
    cost        numeric(12, 6) NOT NULL DEFAULT 0, -- paid calls of this redo, USD
    detail      jsonb
);
CREATE INDEX proof_redos_order_idx ON proof_redos (order_id, id);
CREATE INDEX proof_redos_at_idx ON proof_redos (at);

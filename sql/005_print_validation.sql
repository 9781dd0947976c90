-- 005_print_validation.sql — Lulu's file validations before a print job.
--
-- The print stage asks Lulu to validate interior.pdf and cover.pdf
-- (POST /validate-interior/, /validate-cover/) and creates the job only when
-- both are valid.  One row per order and file: the latest validation, with
-- Lulu's id, so that a restarted daemon polls the validation it started
-- instead of starting another, and a finished one is not asked again for
-- the same bytes (source_md5).  Each request is also a row in api_calls.
CREATE TABLE print_validations (
    order_id        text NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    part            text NOT NULL CHECK (part IN ('interior', 'cover')),
    provider        text NOT NULL,
    validation_id   text NOT NULL,   -- Lulu's id of the validation
    source_md5      text NOT NULL,   -- the file validated
    pod_package_id  text,
    page_count      integer,
    status          text,            -- NULL, VALIDATING, VALIDATED, NORMALIZING, NORMALIZED, ERROR
    errors          jsonb,           -- Lulu's list of errors (ERROR)
    polls           integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, part)
);

-- true from the intent until just before the first POST /print-jobs/: while
-- it is true no job can exist at the provider, so a retry need not search
-- for one.  A row written before this column existed (or by hand) is false:
-- the retry searches, as before.
ALTER TABLE print_jobs ADD COLUMN never_posted boolean NOT NULL DEFAULT false;

-- 002_print.sql — what the print stage needs beyond 001's print_jobs row.
--
-- print_jobs.state: intent (written and committed before the provider is
-- called), submitted (the provider holds a job: provider_job_id), finished
-- (the job reached an end: shipped, rejected, cancelled, an error, or the
-- outbox wrote it).  status_detail holds the history of the provider's
-- statuses as a JSON array, oldest first; status is the latest.

ALTER TABLE print_jobs
    ADD CONSTRAINT print_jobs_state_check CHECK (state IN ('intent', 'submitted', 'finished'));

-- Checksums of the files sent: {"interior": {"sha256", "md5"}, "cover": {...}}.
ALTER TABLE print_jobs ADD COLUMN checksums jsonb;

-- Names under lulu_publish_dir from which the provider fetches the PDFs:
-- {"interior": "<32 hex>.pdf", "cover": "<32 hex>.pdf"}.  Chosen before the
-- files are published, so that a crash never leaves a file nobody knows of;
-- set to NULL once the files are removed.
ALTER TABLE print_jobs ADD COLUMN published jsonb;

-- When the provider was last asked for the job's status.
ALTER TABLE print_jobs ADD COLUMN last_polled_at timestamptz;

-- The jobs still followed (status polls), oldest poll first.
CREATE INDEX print_jobs_active_idx ON print_jobs (last_polled_at NULLS FIRST)
    WHERE state = 'submitted';

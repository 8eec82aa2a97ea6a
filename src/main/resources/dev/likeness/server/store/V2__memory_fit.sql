-- Likeness studio store, version 2: a job may say how much memory it needs; workers claim only jobs they fit.
ALTER TABLE likeness_jobs ADD COLUMN min_memory_mb bigint;

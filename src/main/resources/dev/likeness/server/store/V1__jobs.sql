-- Likeness studio store, version 1: the job queue, its files, live previews and the workers.
CREATE SEQUENCE likeness_job_seq;
CREATE SEQUENCE likeness_change_seq;

CREATE TABLE likeness_jobs (
    id               text PRIMARY KEY,
    seq              bigint NOT NULL UNIQUE,
    kind             text NOT NULL,
    spec             jsonb NOT NULL,
    inputs           int NOT NULL,
    submitter        text,
    model            text,
    state            text NOT NULL,
    attempts         int NOT NULL DEFAULT 0,
    lease_owner      text,
    lease_expires    timestamptz,
    cancel_requested boolean NOT NULL DEFAULT false,
    created          timestamptz NOT NULL DEFAULT now(),
    started          timestamptz,
    finished         timestamptz,
    error_code       text,
    error_message    text,
    progress         jsonb,
    preview_seq      bigint NOT NULL DEFAULT 0,
    change_seq       bigint NOT NULL
);
CREATE INDEX likeness_jobs_waiting ON likeness_jobs (seq) WHERE state IN ('QUEUED', 'RUNNING');
CREATE INDEX likeness_jobs_changes ON likeness_jobs (change_seq);
CREATE INDEX likeness_jobs_submitter ON likeness_jobs (submitter, seq) WHERE state IN ('QUEUED', 'RUNNING');

CREATE TABLE likeness_job_inputs (
    job_id text NOT NULL REFERENCES likeness_jobs (id) ON DELETE CASCADE,
    idx    int NOT NULL,
    png    bytea NOT NULL,
    PRIMARY KEY (job_id, idx)
);

-- area 'work': checkpoints and scratch of the running attempt; 'results': what the finished job produced
CREATE TABLE likeness_job_files (
    job_id text NOT NULL REFERENCES likeness_jobs (id) ON DELETE CASCADE,
    area   text NOT NULL,
    name   text NOT NULL,
    sha256 text NOT NULL,
    size   bigint NOT NULL,
    PRIMARY KEY (job_id, area, name)
);

-- data is null when the blob is too large for the table: it is then a file named by its sha256 in the shared folder
CREATE TABLE likeness_blobs (
    sha256 text PRIMARY KEY,
    size   bigint NOT NULL,
    data   bytea
);

CREATE TABLE likeness_previews (
    job_id text PRIMARY KEY REFERENCES likeness_jobs (id) ON DELETE CASCADE,
    step   int NOT NULL,
    total  int NOT NULL,
    image  int NOT NULL,
    width  int NOT NULL,
    height int NOT NULL,
    png    bytea NOT NULL
);

CREATE TABLE likeness_workers (
    id           text PRIMARY KEY,
    host         text NOT NULL,
    device       text NOT NULL,
    memory_bytes bigint NOT NULL,
    model        text,
    kinds        text[] NOT NULL,
    running      text,
    started      timestamptz NOT NULL DEFAULT now(),
    seen         timestamptz NOT NULL DEFAULT now()
);

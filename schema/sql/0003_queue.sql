-- The durable job queue: one operation per plugin instance per request
-- round (a round starts each time a request enters its provisioning step;
-- a rejected verification starts another). Workers claim with
-- FOR UPDATE SKIP LOCKED and hold a lease; a worker that dies leaves its
-- lease to expire and the operation goes back to pending.
CREATE TABLE operations (
    id           bigserial PRIMARY KEY,
    request_id   bigint NOT NULL REFERENCES requests(id),
    round        integer NOT NULL,
    instance     text NOT NULL,
    intent       text NOT NULL CHECK (intent IN ('create', 'update', 'disable', 'enable')),
    person       jsonb NOT NULL,       -- the identity record when queued
    params       jsonb,
    depends_on   text[] NOT NULL DEFAULT '{}',
    state        text NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'running', 'done', 'dead')),
    attempts     integer NOT NULL DEFAULT 0,
    next_at      timestamptz NOT NULL DEFAULT now(),
    lease_until  timestamptz,
    leased_by    text,
    outcome      text,                 -- ok, noop, notfound, resolved, conflict, fail, config, retry
    message      text,
    object       text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (request_id, round, instance)
);
CREATE INDEX operations_ready ON operations (next_at, id) WHERE state = 'pending';
CREATE INDEX operations_running ON operations (lease_until) WHERE state = 'running';
CREATE INDEX operations_request ON operations (request_id, round);

ALTER TABLE requests ADD COLUMN provisioning_round integer NOT NULL DEFAULT 0;

-- One-time tokens for the set-password flow: only the hash is kept.
CREATE TABLE password_tokens (
    id           bigserial PRIMARY KEY,
    person_id    bigint NOT NULL REFERENCES people(id),
    token_hash   text NOT NULL UNIQUE,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);

-- Manual tasks: steps people do outside the system (PR04's desktop backup
-- before an exit, registering or inactivating the position in the
-- document system). Opened when a request enters its provisioning step;
-- the step does not end while one is open.
CREATE TABLE tasks (
    id          bigserial PRIMARY KEY,
    request_id  bigint NOT NULL REFERENCES requests(id),
    round       integer NOT NULL,
    name        text NOT NULL,
    title       text NOT NULL,
    role        text NOT NULL,
    checklist   jsonb NOT NULL DEFAULT '[]',
    state       text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
    done_by     text,
    done_role   text,
    done_at     timestamptz,
    note        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (request_id, round, name)
);
CREATE INDEX tasks_open ON tasks (role, id) WHERE state = 'open';

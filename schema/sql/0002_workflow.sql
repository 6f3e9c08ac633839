-- People, requests and their steps, idempotency keys, and the change log.

-- The identity record. Rows are never deleted, and login, uidNumber, mail
-- and extension are unique across every row ever written: an identifier
-- given to one person is never given to another, and a rehire (same
-- employee_number) finds the same row and so the same identifiers.
CREATE SEQUENCE uid_number_seq START 20000;

CREATE TABLE people (
    id              bigserial PRIMARY KEY,
    employee_number text NOT NULL UNIQUE,
    national_id     text NOT NULL,
    given_names     text NOT NULL,
    family_names    text NOT NULL,
    unit            text NOT NULL,
    position        text NOT NULL,
    contract_type   text NOT NULL CHECK (contract_type IN ('staff', 'consultant')),
    start_date      date NOT NULL,
    end_date        date,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'active', 'disabled')),
    uid             text UNIQUE,
    uid_number      integer UNIQUE,
    mail            text UNIQUE,
    extension       text UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (contract_type <> 'consultant' OR end_date IS NOT NULL),
    CHECK (end_date IS NULL OR end_date >= start_date)
);

-- One row per request (hire, exit, transfer; later access and call-code
-- requests). payload holds what the submitter sent, as last corrected.
CREATE TABLE requests (
    id              bigserial PRIMARY KEY,
    type            text NOT NULL,
    state           text NOT NULL,
    person_id       bigint NOT NULL REFERENCES people(id),
    payload         jsonb NOT NULL,
    effective_at    timestamptz,
    submitted_by    text NOT NULL,
    submitted_role  text NOT NULL,
    provisioning_mode text NOT NULL DEFAULT 'manual'
                    CHECK (provisioning_mode IN ('manual', 'queued')),
    conclusion      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    closed_at       timestamptz
);
CREATE INDEX requests_person ON requests (person_id, id);
CREATE INDEX requests_type_state ON requests (type, state, id);
CREATE INDEX requests_created ON requests (created_at, id);
-- At most one open request of a kind per person: the database refuses a
-- second one even when two submissions race.
CREATE UNIQUE INDEX requests_one_open
    ON requests (person_id, type)
    WHERE state NOT IN ('closed', 'cancelled', 'rejected');

-- Every step taken: who, in which role, when, from which state to which.
CREATE TABLE request_steps (
    id          bigserial PRIMARY KEY,
    request_id  bigint NOT NULL REFERENCES requests(id),
    action      text NOT NULL,
    from_state  text,
    to_state    text NOT NULL,
    actor       text NOT NULL,
    actor_role  text NOT NULL,
    note        text,
    at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX request_steps_request ON request_steps (request_id, id);

-- Idempotency-Key: a retried POST returns the first answer.
CREATE TABLE idempotency_keys (
    actor        text NOT NULL,
    key          text NOT NULL,
    fingerprint  text NOT NULL,   -- sha256 of method, path and body
    status       integer NOT NULL,
    response     text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor, key)
);

-- The change log (bitácora). Append-only and hash-chained: each entry's
-- hash covers its fields and the previous entry's hash, so an altered,
-- inserted or removed row breaks the chain at that point.
CREATE TABLE changelog (
    seq             bigint PRIMARY KEY,
    at              timestamptz NOT NULL,
    actor           text NOT NULL,
    actor_role      text NOT NULL,
    request_id      bigint,
    employee_number text,
    system          text NOT NULL,
    action          text NOT NULL,
    object          text,
    before          jsonb,
    after           jsonb,
    outcome         text NOT NULL,
    error           text,
    prev_hash       text NOT NULL,
    hash            text NOT NULL
);
CREATE INDEX changelog_request ON changelog (request_id, seq);
CREATE INDEX changelog_person ON changelog (employee_number, seq);
CREATE INDEX changelog_at ON changelog (at, seq);

-- The text an entry's hash covers; verify recomputes it. NULL is written
-- as \N so that NULL and an empty string hash differently.
CREATE FUNCTION changelog_digest_input(
    p_seq bigint, p_at timestamptz, p_actor text, p_role text, p_request bigint,
    p_emp text, p_system text, p_action text, p_object text, p_before jsonb,
    p_after jsonb, p_outcome text, p_error text, p_prev text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(E'\x1f',
        p_seq::text,
        to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        coalesce(p_actor, E'\\N'), coalesce(p_role, E'\\N'),
        coalesce(p_request::text, E'\\N'), coalesce(p_emp, E'\\N'),
        coalesce(p_system, E'\\N'), coalesce(p_action, E'\\N'),
        coalesce(p_object, E'\\N'), coalesce(p_before::text, E'\\N'),
        coalesce(p_after::text, E'\\N'), coalesce(p_outcome, E'\\N'),
        coalesce(p_error, E'\\N'), p_prev)
$$;

-- Appends one entry. A transaction-scoped advisory lock orders writers, so
-- the chain has no forks and seq has no gaps; call it last in a
-- transaction so the lock is held briefly.
CREATE FUNCTION changelog_append(
    p_actor text, p_role text, p_request bigint, p_emp text, p_system text,
    p_action text, p_object text, p_before jsonb, p_after jsonb,
    p_outcome text, p_error text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    last_seq  bigint;
    last_hash text;
    ts        timestamptz;
    h         text;
BEGIN
    PERFORM pg_advisory_xact_lock(x'70766463686c6f67'::bigint);  -- "pvdchlog"
    SELECT seq, hash INTO last_seq, last_hash FROM changelog ORDER BY seq DESC LIMIT 1;
    last_seq := coalesce(last_seq, 0) + 1;
    last_hash := coalesce(last_hash, repeat('0', 64));
    ts := date_trunc('microseconds', clock_timestamp());
    h := encode(sha256(convert_to(changelog_digest_input(last_seq, ts, p_actor, p_role,
            p_request, p_emp, p_system, p_action, p_object, p_before, p_after,
            p_outcome, p_error, last_hash), 'UTF8')), 'hex');
    INSERT INTO changelog (seq, at, actor, actor_role, request_id, employee_number, system,
                           action, object, before, after, outcome, error, prev_hash, hash)
    VALUES (last_seq, ts, p_actor, p_role, p_request, p_emp, p_system, p_action, p_object,
            p_before, p_after, p_outcome, p_error, last_hash, h);
    RETURN last_seq;
END
$$;

-- Rows cannot be changed or removed through SQL, whoever asks.
CREATE FUNCTION changelog_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the change log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER changelog_no_update_delete BEFORE UPDATE OR DELETE ON changelog
    FOR EACH ROW EXECUTE FUNCTION changelog_refuse_change();
CREATE TRIGGER changelog_no_truncate BEFORE TRUNCATE ON changelog
    FOR EACH STATEMENT EXECUTE FUNCTION changelog_refuse_change();

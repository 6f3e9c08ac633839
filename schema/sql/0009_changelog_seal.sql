-- The change log without a global lock, sealed in batches (issue 15).
--
-- Until now every append took one advisory lock to read the last entry's
-- hash and chain to it, so every writing transaction of the service
-- queued behind the one holding it. Now a step's transaction only inserts
-- its entries (seq from a sequence: unique, not gapless, not commit
-- order). A sealer in the daemon later takes the committed entries that
-- have no position yet, in seq order, gives them the next positions
-- (pos, gapless), chains them (prev_hash, hash) and signs the new head
-- with a key the database does not hold (changelog_seals). This is how
-- Certificate Transparency's sequencer and signed tree heads work
-- (RFC 9162); heads mailed to the auditors let them catch a rewrite
-- that also re-signs nothing.
--
-- Existing entries were chained in seq order: they keep their hashes and
-- get pos = seq, so the chain goes on from the last of them.

ALTER TABLE changelog DISABLE TRIGGER changelog_no_update_delete;
ALTER TABLE changelog ADD COLUMN pos bigint;
UPDATE changelog SET pos = seq;
ALTER TABLE changelog ENABLE TRIGGER changelog_no_update_delete;
ALTER TABLE changelog ALTER COLUMN prev_hash DROP NOT NULL;
ALTER TABLE changelog ALTER COLUMN hash DROP NOT NULL;
ALTER TABLE changelog ADD CONSTRAINT changelog_sealed_whole
    CHECK ((pos IS NULL) = (hash IS NULL) AND (pos IS NULL) = (prev_hash IS NULL));

CREATE SEQUENCE changelog_seq_seq OWNED BY changelog.seq;
SELECT setval('changelog_seq_seq', coalesce((SELECT max(seq) FROM changelog), 0) + 1, false);
ALTER TABLE changelog ALTER COLUMN seq SET DEFAULT nextval('changelog_seq_seq');

CREATE UNIQUE INDEX changelog_pos ON changelog (pos);
-- pages are ordered by (at, seq): a person's newest entries, or a day's,
-- come straight from an index, however long the history
DROP INDEX changelog_person;
CREATE INDEX changelog_person ON changelog (employee_number, at, seq);
-- what the sealer looks for: small, since entries leave it within a second
CREATE INDEX changelog_unsealed ON changelog (seq) WHERE pos IS NULL;

-- One row per seal: the chain up to last_pos ends in head_hash, signed
-- (Ed25519, base64) over changelog_head_text(...) by the key key_id
-- (the first 16 hex digits of the SHA-256 of its raw public key).
CREATE TABLE changelog_seals (
    no         bigint PRIMARY KEY,
    last_pos   bigint NOT NULL UNIQUE,
    head_hash  text NOT NULL,
    entries    integer NOT NULL,
    sealed_at  timestamptz NOT NULL,
    key_id     text NOT NULL,
    signature  text NOT NULL
);

-- Seals and positioned entries are written once. The only change the log
-- accepts is the sealer's: giving an unsealed entry its position and
-- hashes, and nothing else.
CREATE OR REPLACE FUNCTION changelog_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'changelog' AND OLD.pos IS NULL AND NEW.pos IS NOT NULL
       AND (OLD.seq, OLD.at, OLD.actor, OLD.actor_role, OLD.request_id, OLD.employee_number, OLD.system,
            OLD.action, OLD.object, OLD.before, OLD.after, OLD.outcome, OLD.error)
           IS NOT DISTINCT FROM
           (NEW.seq, NEW.at, NEW.actor, NEW.actor_role, NEW.request_id, NEW.employee_number, NEW.system,
            NEW.action, NEW.object, NEW.before, NEW.after, NEW.outcome, NEW.error) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the change log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER changelog_seals_no_update_delete BEFORE UPDATE OR DELETE ON changelog_seals
    FOR EACH ROW EXECUTE FUNCTION changelog_refuse_change();
CREATE TRIGGER changelog_seals_no_truncate BEFORE TRUNCATE ON changelog_seals
    FOR EACH STATEMENT EXECUTE FUNCTION changelog_refuse_change();

-- The locking append is gone: provisiond inserts entries itself.
DROP FUNCTION changelog_append(text, text, bigint, text, text, text, text, jsonb, jsonb, text, text);

-- The text an entry's hash covers, for tools and tests (provisiond builds
-- the same text in C: changelog.c). The first field is the position, with
-- ":seq" after it when the two differ, so the entries chained before
-- this migration (pos = seq) keep their hashes.
CREATE FUNCTION changelog_digest_input(
    p_pos bigint, p_seq bigint, p_at timestamptz, p_actor text, p_role text, p_request bigint,
    p_emp text, p_system text, p_action text, p_object text, p_before jsonb,
    p_after jsonb, p_outcome text, p_error text, p_prev text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(E'\x1f',
        CASE WHEN p_pos = p_seq THEN p_pos::text ELSE p_pos::text || ':' || p_seq::text END,
        to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        coalesce(p_actor, E'\\N'), coalesce(p_role, E'\\N'),
        coalesce(p_request::text, E'\\N'), coalesce(p_emp, E'\\N'),
        coalesce(p_system, E'\\N'), coalesce(p_action, E'\\N'),
        coalesce(p_object, E'\\N'), coalesce(p_before::text, E'\\N'),
        coalesce(p_after::text, E'\\N'), coalesce(p_outcome, E'\\N'),
        coalesce(p_error, E'\\N'), p_prev)
$$;

-- Access a person holds because a request granted it (access requests),
-- on top of what birthright rules give their unit and position (those live
-- in the plugins' configuration and follow the person's unit and position).
-- kind 'level' is an access level of the catalogue (name "system:level"),
-- kind 'group' a directory group. A row is current while revoked_at is
-- NULL; ending it keeps the history (which request granted it, which one
-- took it away: an access request, an exit, a rollback).
CREATE TABLE access_grants (
    id                  bigserial PRIMARY KEY,
    person_id           bigint NOT NULL REFERENCES people(id),
    kind                text NOT NULL CHECK (kind IN ('level', 'group')),
    name                text NOT NULL,
    granted_request_id  bigint NOT NULL REFERENCES requests(id),
    granted_at          timestamptz NOT NULL DEFAULT now(),
    revoked_request_id  bigint REFERENCES requests(id),
    revoked_at          timestamptz,
    CHECK ((revoked_at IS NULL) = (revoked_request_id IS NULL))
);
-- one current grant of a thing per person
CREATE UNIQUE INDEX access_grants_current
    ON access_grants (person_id, kind, name) WHERE revoked_at IS NULL;
CREATE INDEX access_grants_granted ON access_grants (granted_request_id);
CREATE INDEX access_grants_revoked ON access_grants (revoked_request_id) WHERE revoked_request_id IS NOT NULL;

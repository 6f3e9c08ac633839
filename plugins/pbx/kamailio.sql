-- SPDX-FileCopyrightText: 2026 provisiond developers
-- SPDX-License-Identifier: GPL-3.0-or-later
-- kamailio.sql - the PBX database that provisiond's pbx plugin writes and
-- Kamailio reads (plugins/pbx/README.md, contrib/kamailio/README.md).
--
-- Apply it to the PBX's own PostgreSQL database, after Kamailio's own
-- tables (they make the "version" table this file adds a row to):
--
--   psql -d pbx -f /usr/share/kamailio/postgres/standard-create.sql
--   psql -d pbx -f /usr/share/kamailio/postgres/usrloc-create.sql
--   psql -d pbx -f /usr/share/provisiond/pbx/kamailio.sql
--
-- Not auth_db-create.sql: its "subscriber" table is replaced by the view
-- pvd_subscriber below, which lists enabled extensions only, so disabling
-- an extension (an exit) refuses its next REGISTER and its next call at
-- once, with nothing to delete.
--
-- Running this file again changes nothing (IF NOT EXISTS, OR REPLACE).
--
-- Privileges (roles are the administrator's; see plugins/pbx/README.md):
--   the provisioner: SELECT, INSERT, UPDATE on pvd_extension, pvd_call_code
--   Kamailio:        SELECT on pvd_subscriber, pvd_active_call_code, version;
--                    SELECT, INSERT, UPDATE, DELETE on location, location_attrs
--                    (and their sequences)
-- Kamailio never reads the tables themselves.

BEGIN;

-- One row per person who ever had an extension. A number once given stays
-- with its owner (employee_number) for good: a disabled extension keeps it,
-- a rehire gets it back with the same credentials, and it is never given
-- to anybody else.
CREATE TABLE IF NOT EXISTS pvd_extension (
    extension   text PRIMARY KEY CHECK (extension ~ '^[0-9]{1,15}$'),
    owner       text NOT NULL UNIQUE CHECK (owner <> ''),
    realm       text NOT NULL,
    caller_id   text NOT NULL DEFAULT '',
    level       text NOT NULL,
    level_rank  integer NOT NULL CHECK (level_rank BETWEEN 1 AND 4),
    -- digest credentials: md5(extension:realm:password) and
    -- md5(extension@realm:realm:password); the password itself is mailed
    -- to the person once and stored nowhere
    ha1         text NOT NULL CHECK (ha1 ~ '^[0-9a-f]{32}$'),
    ha1b        text NOT NULL CHECK (ha1b ~ '^[0-9a-f]{32}$'),
    enabled     boolean NOT NULL DEFAULT true,
    -- the provisiond operation that last set the password: a redelivered
    -- operation (the daemon stopped before recording it, so the password
    -- was never mailed) sets a new one instead of losing it
    password_op bigint,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A person's call code (UIT-PR01): one per owner, a new issue replaces the
-- old one. Only the hash is kept: lower-case hex SHA-256 of
-- "<pepper>:<code>", the pepper being a secret shared by provisiond
-- (code_pepper_file) and the routing script, so the table alone does not
-- give the codes back even by trying all 10^6 of them.
CREATE TABLE IF NOT EXISTS pvd_call_code (
    owner       text PRIMARY KEY REFERENCES pvd_extension (owner),
    code_hash   text NOT NULL UNIQUE CHECK (code_hash ~ '^[0-9a-f]{64}$'),
    level       text NOT NULL,
    level_rank  integer NOT NULL CHECK (level_rank BETWEEN 1 AND 4),
    enabled     boolean NOT NULL DEFAULT true,
    request_id  bigint,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- What Kamailio's auth_db reads (columns of its subscriber table, version
-- 7), enabled extensions only, plus the extension's own calling level
-- (loaded into $avp(caller_rank) by auth_db's load_credentials).
CREATE OR REPLACE VIEW pvd_subscriber AS
    SELECT e.extension::bigint AS id,          -- unused by auth_db
           e.extension::varchar(64) AS username,
           e.realm::varchar(64) AS domain,
           ''::varchar(64) AS password,
           e.ha1::varchar(128) AS ha1,
           e.ha1b::varchar(128) AS ha1b,
           e.level_rank,
           e.caller_id
      FROM pvd_extension e
     WHERE e.enabled;

-- Codes that work: enabled codes of enabled extensions.
CREATE OR REPLACE VIEW pvd_active_call_code AS
    SELECT c.code_hash, c.level, c.level_rank, c.owner, e.extension
      FROM pvd_call_code c
      JOIN pvd_extension e ON e.owner = c.owner
     WHERE c.enabled AND e.enabled;

-- auth_db checks the version of the table it reads.
INSERT INTO version (table_name, table_version) VALUES ('pvd_subscriber', 7)
    ON CONFLICT (table_name) DO NOTHING;

COMMIT;

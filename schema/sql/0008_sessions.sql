-- Console sessions. The browser holds 256 random bits in an HttpOnly
-- cookie; only their SHA-256 is kept, so reading this table does not let
-- anyone act as the person. Roles are not stored: every request reads
-- them from the directory again, as a Basic sign-in would, so removing
-- someone from a role group (or locking the account) takes effect at
-- once. A session ends at the first of: idle_timeout without a request,
-- expires_at (absolute), sign-out (revoked_at).
CREATE TABLE sessions (
    id            bigserial PRIMARY KEY,
    id_hash       text NOT NULL UNIQUE CHECK (id_hash ~ '^[0-9a-f]{64}$'),
    login         text NOT NULL,        -- the directory's canonical uid
    dn            text NOT NULL,
    client_addr   text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX sessions_login ON sessions (login) WHERE revoked_at IS NULL;

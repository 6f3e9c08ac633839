-- Bearer tokens for systems (HR's feed, scripts, monitoring).
-- Only the SHA-256 of a token is kept: the token itself is shown once, when
-- it is created, and cannot be recovered from the database.
CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL UNIQUE
                 CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    role         text NOT NULL,
    token_hash   text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    revoked_by   text
);

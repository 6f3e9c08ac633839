-- Who stands behind a bearer token, and behind a request's submission.
-- Separation of duties compares people, not credentials: a token is the
-- person (or operator) who created it acting through a system, so an
-- administrator who creates an hr token and a tim_head token still cannot
-- file and approve the same hire.
ALTER TABLE api_tokens ADD COLUMN owner text;
UPDATE api_tokens SET owner = created_by WHERE owner IS NULL;
ALTER TABLE api_tokens ALTER COLUMN owner SET NOT NULL;

ALTER TABLE requests ADD COLUMN submitted_owner text;
UPDATE requests SET submitted_owner = submitted_by WHERE submitted_owner IS NULL;
ALTER TABLE requests ALTER COLUMN submitted_owner SET NOT NULL;

-- Set-password tokens: how the token reached the person, and its
-- revocation (a new one is refused while one is outstanding).
ALTER TABLE password_tokens ADD COLUMN delivery text NOT NULL DEFAULT 'letter'
    CHECK (delivery IN ('letter', 'mail'));
ALTER TABLE password_tokens ADD COLUMN revoked_at timestamptz;
ALTER TABLE password_tokens ADD COLUMN revoked_by text;
-- of several unused tokens of one person, only the newest stays usable
UPDATE password_tokens t SET revoked_at = now(), revoked_by = 'system (superseded)'
 WHERE t.used_at IS NULL AND EXISTS (SELECT 1 FROM password_tokens n
       WHERE n.person_id = t.person_id AND n.used_at IS NULL AND n.id > t.id);
CREATE UNIQUE INDEX password_tokens_one_outstanding ON password_tokens (person_id)
    WHERE used_at IS NULL AND revoked_at IS NULL;

-- A private address HR gave at the hire, for set-password tokens mailed
-- through a channel TIM does not read. Never shown in the change log.
ALTER TABLE people ADD COLUMN private_mail text;

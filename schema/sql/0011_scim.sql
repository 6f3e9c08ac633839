-- SCIM 2.0 (provisiond/scim/, docs/scim.md): the keys a SCIM client knows
-- a person by. userName is the client's (Entra ID and Okta look a User up
-- by it before creating one); provisiond's own login (uid) is made by its
-- naming rules and stays apart. userName is unique without regard to
-- case, as RFC 7643 makes it; externalId is the client's identifier.
-- Neither is HR data: no procedure sets them, the SCIM calls do.
ALTER TABLE people ADD COLUMN scim_user_name text, ADD COLUMN scim_external_id text;
CREATE UNIQUE INDEX people_scim_user_name ON people (lower(scim_user_name));
CREATE INDEX people_scim_external_id ON people (scim_external_id);
-- GET /Users?filter=userName eq "..." reads the name a User answers to:
-- the client's, else the login, else the HR number
CREATE INDEX people_scim_user_name_shown ON people (lower(coalesce(scim_user_name, uid, employee_number)));

-- A request's version: its ETag, and what If-Match on an action is checked
-- against (engine/act.c, under the row lock). 1 when filed, one more on
-- every change of the row by whoever makes it (a step, a correction, a
-- reschedule, a provisioning round), so no writer can forget it.
ALTER TABLE requests ADD COLUMN version bigint NOT NULL DEFAULT 1;

CREATE FUNCTION requests_next_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END
$$;

-- an UPDATE that changes nothing leaves the version (and open screens) alone
CREATE TRIGGER requests_version BEFORE UPDATE ON requests
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION requests_next_version();

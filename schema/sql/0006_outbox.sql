-- Institutional e-mail the service sends (a call code or SIP password to
-- its owner, a conclusion note to HR or to the unit head), written in the
-- transaction of the step that causes it and sent by the outbox worker
-- through the configured SMTP relay. A relay that is down delays a
-- message, never loses it: it stays 'pending' and is retried with backoff
-- for as long as it takes. A message carrying a secret has it only in
-- body, which is erased once the relay has accepted the message; what is
-- kept says that it was sent, to whom and why.
CREATE TABLE outbox (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL,        -- call_code, sip_password, conclusion, ...
    rcpt          text NOT NULL,
    subject       text NOT NULL,
    body          text,                 -- NULL once sent
    secret        boolean NOT NULL DEFAULT false,
    request_id    bigint REFERENCES requests(id),
    state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent')),
    attempts      integer NOT NULL DEFAULT 0,
    next_at       timestamptz NOT NULL DEFAULT now(),
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    sent_at       timestamptz,
    CHECK ((state = 'sent') = (sent_at IS NOT NULL)),
    CHECK (state = 'pending' OR body IS NULL)
);
CREATE INDEX outbox_due ON outbox (next_at, id) WHERE state = 'pending';
CREATE INDEX outbox_request ON outbox (request_id) WHERE request_id IS NOT NULL;

-- Who hears the conclusion of a request: the address of whoever filed it
-- and, for call codes, of the unit head who approved it.
ALTER TABLE requests ADD COLUMN notify_mails text[] NOT NULL DEFAULT '{}';

-- Call-code requests (PR01) queue intent 'call_code' for the PBX plugin.
ALTER TABLE operations DROP CONSTRAINT operations_intent_check;
ALTER TABLE operations ADD CONSTRAINT operations_intent_check
    CHECK (intent IN ('create', 'update', 'disable', 'enable', 'call_code'));

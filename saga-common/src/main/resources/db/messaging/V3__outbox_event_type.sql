-- The kind of each outbox event (the event class's simple name), sent as the eventType header, so a consumer of a
-- topic that carries several kinds can tell them apart before reading the payload.
ALTER TABLE outbox_event ADD COLUMN event_type VARCHAR(64);

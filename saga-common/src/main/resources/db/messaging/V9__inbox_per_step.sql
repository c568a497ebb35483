-- A participant's inbox keys an event by the step that applied it (<step>:<eventId>), so two steps of one service
-- (a route with a second SagaStep) each apply an event once. Version 9: the services' own migrations use 1, 4, 5
-- and 8 in the same history.
ALTER TABLE inbox_event ALTER COLUMN event_id SET DATA TYPE VARCHAR(128);

-- joined_saga: for a participant (credit-route, payment-route), the LRA its step of each order joined, and the
-- decision of the order's outcome event once one settled it (JoinedSagas). Callbacks and outcome events are checked
-- against it, so neither can act on an order in the name of another saga, and a final decision is never reversed.
-- order-route has the table too (one migration set for all services) and leaves it empty.
CREATE TABLE joined_saga (
    order_id   VARCHAR(64)  PRIMARY KEY,
    saga_id    VARCHAR(512),
    decision   VARCHAR(10),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Customers and their credit. credit_reserved = pending + confirmed reservations; the CHECK is the last line
-- of defence for the rule that a customer never has more reserved than the limit.
CREATE TABLE customer (
    customer_id     VARCHAR(64)    PRIMARY KEY,
    name            VARCHAR(200)   NOT NULL,
    credit_limit    NUMERIC(12, 2) NOT NULL,
    credit_reserved NUMERIC(12, 2) NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT customer_credit_within_limit CHECK (credit_reserved >= 0 AND credit_reserved <= credit_limit)
);

-- One row per order the saga asked about, keyed by order id: the outcome of the reserve step, or a RELEASED
-- tombstone written by a compensation that arrived first, so that a late reserve step is refused.
CREATE TABLE credit_reservation (
    order_id    VARCHAR(64)    PRIMARY KEY,
    customer_id VARCHAR(64),
    amount      NUMERIC(12, 2) NOT NULL,
    status      VARCHAR(20)    NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX credit_reservation_by_customer ON credit_reservation (customer_id);

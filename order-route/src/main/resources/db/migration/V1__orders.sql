-- Orders and the state of their saga. rejection_reason is recorded when a participant refuses, before the
-- compensation callback turns the order REJECTED; a compensation with no recorded reason means the LRA timed out.
CREATE TABLE orders (
    order_id            VARCHAR(36)    PRIMARY KEY,
    customer_id         VARCHAR(64)    NOT NULL,
    amount              NUMERIC(12, 2) NOT NULL,
    currency            VARCHAR(3)     NOT NULL,
    payment_token       VARCHAR(64)    NOT NULL,
    status              VARCHAR(16)    NOT NULL,
    rejection_reason    VARCHAR(32),
    saga_id             VARCHAR(512),
    idempotency_key     VARCHAR(128)   UNIQUE,
    request_fingerprint VARCHAR(64),
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX orders_by_customer ON orders (customer_id, created_at);
CREATE INDEX orders_by_status ON orders (status, created_at);

-- What order-route asks to charge for each order (PaymentRequested on payment-requests), kept until credit is
-- reserved and the payment step runs. The payment token is the one secret of the saga: it is erased as soon as the
-- payment was authorized or declined, and no other service's topic or table ever holds it.
-- Version 10: saga-common's db/messaging holds 2, 3, 6, 7 and 9 in the same history.
CREATE TABLE payment_request (
    order_id       VARCHAR(64)    PRIMARY KEY,
    customer_id    VARCHAR(64)    NOT NULL,
    amount         NUMERIC(12, 2) NOT NULL,
    currency       VARCHAR(3)     NOT NULL,
    payment_token  VARCHAR(64),
    received_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

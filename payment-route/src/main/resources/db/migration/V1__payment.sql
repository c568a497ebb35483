-- One row per order the saga asked to pay, keyed by order id: the outcome of the authorize step.
--
-- A compensation that arrives before the authorize step leaves a tombstone here: a VOIDED row without amount and
-- currency. It lives in this table rather than in a table of its own on purpose: the step and the early
-- compensation then both insert under the same UNIQUE order_id, so when they race, one of them fails with a
-- unique violation, retries and sees the other's row. With two tables both could commit (each seeing no row of
-- the other), leaving an AUTHORIZED payment next to a tombstone. Tombstones are not payments: the API hides them.
CREATE TABLE payment (
    payment_id  VARCHAR(64)    PRIMARY KEY,
    order_id    VARCHAR(64)    NOT NULL,
    amount      NUMERIC(12, 2),
    currency    VARCHAR(3),
    status      VARCHAR(20)    NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT payment_one_per_order UNIQUE (order_id),
    CONSTRAINT payment_status_known CHECK (status IN ('AUTHORIZED', 'CAPTURED', 'VOIDED', 'DECLINED')),
    -- Either a real payment (amount and currency) or a tombstone (neither, and VOIDED).
    CONSTRAINT payment_or_tombstone CHECK (
        (amount IS NOT NULL AND currency IS NOT NULL)
        OR (amount IS NULL AND currency IS NULL AND status = 'VOIDED'))
);

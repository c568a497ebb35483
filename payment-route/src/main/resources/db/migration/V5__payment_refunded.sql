-- A captured payment is refunded when the order's outcome is REJECTED after all (PaymentStatus.REFUNDED). Version 5:
-- saga-common's db/messaging holds 2 and 3 in the same history, and order-route's numbering is kept alike.
ALTER TABLE payment DROP CONSTRAINT payment_status_known;
ALTER TABLE payment ADD CONSTRAINT payment_status_known
    CHECK (status IN ('AUTHORIZED', 'CAPTURED', 'VOIDED', 'DECLINED', 'REFUNDED'));

-- The customer a payment is for, so a customer's token reads its own payments only (the public API's authorization).
-- Version 8: saga-common's db/messaging holds 2, 3, 6 and 7 in the same history. Rows of earlier versions and
-- tombstones have none: only an administrator sees those.
ALTER TABLE payment ADD COLUMN customer_id VARCHAR(64);

-- When the reservation's row was first written: the time credit-route decided (reserved or refused), or released
-- an order it had reserved nothing for. updated_at alone loses it once the reservation is confirmed or released,
-- and an order's timeline (GET /api/orders/{id}/timeline) shows both moments. Older rows take their last change.
ALTER TABLE credit_reservation ADD COLUMN created_at TIMESTAMP WITH TIME ZONE;
UPDATE credit_reservation SET created_at = updated_at;
ALTER TABLE credit_reservation ALTER COLUMN created_at SET NOT NULL;

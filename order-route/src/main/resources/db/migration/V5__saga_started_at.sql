-- When the order's LRA was started: the saga's time limit runs from then. Usually a moment after created_at, but
-- later for an order whose saga was resumed after a crash (OrderResumer).
ALTER TABLE orders ADD COLUMN saga_started_at TIMESTAMP WITH TIME ZONE;

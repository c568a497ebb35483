-- GET /admin/sagas/stuck looks up the order of each LRA the coordinator lists, by its id. Version 4 because
-- saga-common's db/messaging holds 2 and 3 and migrates in the same history.
CREATE INDEX orders_by_saga ON orders (saga_id);

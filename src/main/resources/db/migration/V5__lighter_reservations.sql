-- A reservation lives for the length of one call and is written by the admission statement on every call, so it should
-- cost as little as possible. Its tenant and key come from the key's own row in that same statement, so the foreign keys
-- proved nothing, yet each insert checked both and share-locked the tenant's and the key's rows (two of those lockers at
-- once need a MultiXact). The sweeper scans the few in-flight reservations without an index on created_at.
-- The ledger keeps its foreign keys: its rows are the money.
ALTER TABLE reservation DROP CONSTRAINT reservation_tenant_id_fkey;
ALTER TABLE reservation DROP CONSTRAINT reservation_key_id_fkey;
DROP INDEX reservation_created;

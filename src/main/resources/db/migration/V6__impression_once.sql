-- Each stored impression carries an id: its time, then a hash of its environment and fields. On
-- PostgreSQL, the store of several instances, it is unique per environment
-- (db/vendor/postgresql/V6_1), so an impression sent again to another instance is stored once.
-- Rows stored before this column existed have none.
ALTER TABLE fme_impression ADD COLUMN impression_id VARCHAR(64);

-- An impression is stored once: one that arrives again (an SDK's or FME's retry after an answer
-- that got lost, or a request sent again to another instance) finds its row by this id, a hash of
-- its environment and fields. Rows stored before this column existed have none.
ALTER TABLE fme_impression ADD COLUMN impression_id VARCHAR(64);
CREATE UNIQUE INDEX fme_impression_once ON fme_impression (environment_id, impression_id);

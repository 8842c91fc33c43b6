-- PostgreSQL only: an impression is stored once (see V6). Not on the embedded H2 store of one
-- instance, where this index halved the speed of taking impressions in (docs/decisions.md).
CREATE UNIQUE INDEX fme_impression_once ON fme_impression (environment_id, impression_id);

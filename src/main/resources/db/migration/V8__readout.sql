-- The experiment readout (docs/readout.md): a flag's impressions by key in time, and one key's
-- events of one type in time, so that both are read in index order.
--
-- fme_impression_by_flag leaves the treatment out: with it, an index entry of the longest flag,
-- key and treatment could pass PostgreSQL's limit of about 2,700 bytes, and the insert would fail.
CREATE INDEX fme_impression_by_flag ON fme_impression (environment_id, flag, identity_key, impression_time);

-- Replaces fme_event_by_type (environment_id, event_type_id, traffic_type), its prefix: the event
-- types query still uses it, and each event still updates as many indexes. event_value comes last
-- so that the readout reads no event row, only the index.
DROP INDEX fme_event_by_type;
CREATE INDEX fme_event_by_key ON fme_event (environment_id, event_type_id, traffic_type, identity_key, event_time, event_value);

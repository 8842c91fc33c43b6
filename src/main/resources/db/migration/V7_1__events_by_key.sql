-- The events of one key (the query API's ?key=, the console's look-up): without it, a full scan of the environment's events.
CREATE INDEX fme_event_of_key ON fme_event (environment_id, identity_key, id);

-- The journal entry an event or a seen messageId was mapped from (the last entry of its poll; none
-- through Kafka). After a kill, the embedded store can hold part of the transaction it was writing;
-- the rows of entries not yet marked mapped are then told apart from those of entries that are.
ALTER TABLE fme_event ADD COLUMN journal_entry BIGINT;
ALTER TABLE seen_message ADD COLUMN journal_entry BIGINT;

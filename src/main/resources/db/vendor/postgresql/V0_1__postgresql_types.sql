-- PostgreSQL only: Flyway reads this folder as classpath:db/vendor/{vendor} (spring.flyway.locations),
-- beside the migrations shared by every database in db/migration.
--
-- The shared migrations use BLOB (the aggregator's serialized batches) and CLOB (long JSON text),
-- which H2 has and PostgreSQL has not. Declaring both names here, before V1 runs, as domains over
-- PostgreSQL's own types lets the shared files run unchanged on both databases (an applied
-- migration is never edited: its checksum would no longer match on existing H2 files).
CREATE DOMAIN blob AS BYTEA;
CREATE DOMAIN clob AS TEXT;

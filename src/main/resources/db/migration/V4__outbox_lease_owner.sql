-- Several instances may share one database: a batch being sent records the instance that claimed
-- it (fme.instance-id), so that an instance starting up resumes its own interrupted batches and
-- not another live instance's. Empty for batches claimed before this column existed.
ALTER TABLE outbound_batch ADD COLUMN claimed_by VARCHAR(200);

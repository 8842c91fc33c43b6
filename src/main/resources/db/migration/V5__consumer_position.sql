-- With fme.queue=kafka: for each consumer group and partition, the offset of the next record not
-- yet stored. Written in the same transaction as what the records stored, so a record read again
-- (after an instance died, or a rebalance) is recognised and skipped, whatever it holds.
CREATE TABLE consumer_position (
    group_id     VARCHAR(200) NOT NULL,
    topic        VARCHAR(200) NOT NULL,
    partition_no INT          NOT NULL,
    next_offset  BIGINT       NOT NULL,
    PRIMARY KEY (group_id, topic, partition_no)
);

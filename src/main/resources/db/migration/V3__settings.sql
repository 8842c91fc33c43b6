-- Integration settings (contract section 2) kept in the database, seeded from the file at first
-- start. Each change is a new row holding the whole document in the file's format, inbound
-- credentials hashed; the newest row is the one in force.
CREATE TABLE settings_version (
    version    BIGINT        NOT NULL PRIMARY KEY,
    document   VARCHAR(1000000) NOT NULL,
    changed_at TIMESTAMP     NOT NULL,
    change     VARCHAR(300)  NOT NULL
);

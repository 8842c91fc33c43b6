package io.fmebridge.store;

import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Stores for tests that need the schema and nothing else. */
public final class TestStores {
    private TestStores() {
    }

    /** A fresh H2 store in memory, its schema migrated, named {@code <name>-<random>}. */
    public static DriverManagerDataSource migratedInMemory(String name) {
        var dataSource = new DriverManagerDataSource("jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return dataSource;
    }
}

package io.fmebridge.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The PostgreSQL server of {@code .ci/services.sh start postgres}
 * ({@code jdbc:postgresql://127.0.0.1:55432/fme_test}, user fme, password fme; FME_TEST_PG_URL,
 * FME_TEST_PG_USER and FME_TEST_PG_PASSWORD point elsewhere), and databases of their own for
 * tests. A test class that needs it is annotated
 * {@code @EnabledIf("io.fmebridge.store.TestPostgres#answers")}: without a server its tests are
 * reported as skipped, not passed.
 */
public final class TestPostgres {
    public static final String URL = setting("FME_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:55432/fme_test");
    public static final String USER = setting("FME_TEST_PG_USER", "fme");
    public static final String PASSWORD = setting("FME_TEST_PG_PASSWORD", "fme");

    private static Boolean answers;

    private TestPostgres() {
    }

    private static String setting(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }

    /** With {@code FME_SERVICE_TESTS=required} (as in CI) a missing server fails the tests instead of skipping them. */
    public static void requiredButMissing(String what) {
        if ("required".equals(System.getenv("FME_SERVICE_TESTS"))) {
            throw new IllegalStateException(what + " (FME_SERVICE_TESTS=required): start one with bash .ci/services.sh start postgres");
        }
    }

    /** Whether a PostgreSQL server answers at {@link #URL}; asked once. */
    public static synchronized boolean answers() {
        if (answers == null) {
            DriverManager.setLoginTimeout(3);
            try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
                answers = c.isValid(3);
            } catch (SQLException e) {
                answers = false;
            }
            if (!answers) {
                requiredButMissing("no PostgreSQL at " + URL);
                System.err.println("Skipped: no PostgreSQL at " + URL + "; start one with .ci/services.sh start postgres");
            }
        }
        return answers;
    }

    /** Creates an empty database with a random name and returns its name. */
    public static String createDatabase(String prefix) {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE DATABASE " + name);
        return name;
    }

    /** Drops the database, ending any connection still open to it (a cached Spring context's pool). */
    public static void dropDatabase(String name) {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /** The JDBC URL of another database on the same server. */
    public static String urlOf(String database) {
        int slash = URL.indexOf('/', "jdbc:postgresql://".length());
        int query = URL.indexOf('?', slash);
        return URL.substring(0, slash + 1) + database + (query < 0 ? "" : URL.substring(query));
    }

    /** A database with the service's schema, migrated as the service does at start. */
    public static DriverManagerDataSource migrated(String database) {
        DriverManagerDataSource dataSource = new DriverManagerDataSource(urlOf(database), USER, PASSWORD);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration", "classpath:db/vendor/postgresql").load().migrate();
        return dataSource;
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}

package io.fmebridge.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** How far each partition is stored moves on only from where it was read. */
class ConsumerPositionsTest {
    private DriverManagerDataSource dataSource;
    private ConsumerPositions positions;

    @BeforeEach
    void database() {
        dataSource = io.fmebridge.store.TestStores.migratedInMemory("positions");
        positions = new ConsumerPositions(new JdbcTemplate(dataSource));
    }

    @Test
    void aPartitionMovesOnFromWhereItWasRead() throws Exception {
        advance(new ConsumerPositions.Advance("g", "t", Map.of(), Map.of(0, 10L, 1, 3L)));
        assertThat(positions.read("g", "t", Set.of(0, 1, 2))).isEqualTo(Map.of(0, 10L, 1, 3L));

        advance(new ConsumerPositions.Advance("g", "t", Map.of(0, 10L), Map.of(0, 25L)));
        assertThat(positions.read("g", "t", Set.of(0))).isEqualTo(Map.of(0, 25L));
        assertThat(positions.read("other-group", "t", Set.of(0))).isEmpty();
    }

    @Test
    void aPollReadBeforeAnotherConsumerMovedThePartitionFails() throws Exception {
        advance(new ConsumerPositions.Advance("g", "t", Map.of(), Map.of(0, 10L)));
        advance(new ConsumerPositions.Advance("g", "t", Map.of(0, 10L), Map.of(0, 20L))); // the other consumer

        assertThatThrownBy(() -> advance(new ConsumerPositions.Advance("g", "t", Map.of(0, 10L), Map.of(0, 15L))))
                .isInstanceOf(SQLException.class).hasMessageContaining("read again");
        assertThatThrownBy(() -> advance(new ConsumerPositions.Advance("g", "t", Map.of(), Map.of(0, 15L))))
                .isInstanceOf(SQLException.class);
        assertThat(positions.read("g", "t", Set.of(0))).isEqualTo(Map.of(0, 20L));
    }

    private void advance(ConsumerPositions.Advance advance) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                ConsumerPositions.advance(c, advance);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }
}

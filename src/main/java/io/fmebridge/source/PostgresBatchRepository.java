package io.fmebridge.source;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.processor.aggregate.jdbc.JdbcAggregationRepository;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The aggregator's repository on PostgreSQL. A failed insert (two instances adding the first piece
 * of one batch) would abort PostgreSQL's whole transaction, so the insert says ON CONFLICT DO
 * NOTHING, and a row not inserted is reported the way Camel reports it on other databases.
 * Camel's own PostgresAggregationRepository does the same, but in 4.17 its INSERT leaves out the
 * version column it then binds, so every insert fails ("column index is out of range: 3").
 */
public class PostgresBatchRepository extends JdbcAggregationRepository {

    public PostgresBatchRepository(PlatformTransactionManager transactions, String repositoryName, DataSource dataSource) {
        super(transactions, repositoryName, dataSource);
    }

    @Override
    protected void insert(CamelContext camelContext, String key, Exchange exchange, String repositoryName, Long version)
            throws Exception {
        String sql = "INSERT INTO " + repositoryName + " (exchange, id, version) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
        if (insertHelper(camelContext, key, exchange, sql, version) == 0 && getRepositoryName().equals(repositoryName)) {
            throw new DataIntegrityViolationException("No row was inserted due to data violation");
        }
    }
}

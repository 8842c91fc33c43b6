package io.fmebridge.store;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The idempotent consumer's repository: which messageIds each destination took in within the
 * dedupe window. Keys are {@code <destinationId>/<messageId>}.
 *
 * <p>Unlike a repository that commits each key on its own, a key claimed here is written by the
 * {@link GroupCommitWriter} in the same transaction as the message's data: a crash between the
 * two can't mark a message as seen that was never stored. Until that commit the claim is held in
 * memory, so that the same messageId arriving meanwhile is still a duplicate. A request keeps its
 * claims in a {@link Claims} exchange property, released after its commit or when it fails.
 */
public class SeenMessages extends ServiceSupport implements IdempotentRepository {
    private static final long CLAIM_EXPIRY_MS = Duration.ofMinutes(2).toMillis();

    private final JdbcTemplate jdbc;
    private final long windowMillis;
    private final ConcurrentHashMap<String, Long> claims = new ConcurrentHashMap<>();

    public SeenMessages(JdbcTemplate jdbc, Duration window) {
        this.jdbc = jdbc;
        this.windowMillis = window.toMillis();
    }

    /** The exchange property that holds a request's {@link Claims}. */
    public static final String CLAIMS = "seenMessageClaims";

    /** The messageIds one request has claimed. */
    public final class Claims {
        private final java.util.List<String> keys = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        void add(String key) {
            keys.add(key);
        }

        /** Lets the keys go: once written they are found in the database, if not they may come again. */
        public void release() {
            synchronized (keys) {
                keys.forEach(claims::remove);
                keys.clear();
            }
        }
    }

    public Claims newClaims() {
        return new Claims();
    }

    /** Claims the key for the request the exchange belongs to; false when it is a duplicate. */
    @Override
    public boolean add(Exchange exchange, String key) {
        boolean claimed = add(key);
        if (claimed) {
            Claims held = exchange.getProperty(CLAIMS, Claims.class);
            if (held != null) {
                held.add(key);
            }
        }
        return claimed;
    }

    /** Claims the key; false when it is a duplicate. */
    @Override
    public boolean add(String key) {
        long now = System.currentTimeMillis();
        Long previous = claims.putIfAbsent(key, now);
        if (previous != null) {
            if (now - previous < CLAIM_EXPIRY_MS) {
                return false;
            }
            claims.put(key, now); // a claim left by a request that never finished
        }
        if (inDatabase(key, now)) {
            claims.remove(key);
            return false;
        }
        return true;
    }

    @Override
    public boolean contains(String key) {
        return claims.containsKey(key) || inDatabase(key, System.currentTimeMillis());
    }

    @Override
    public boolean remove(String key) {
        return claims.remove(key) != null;
    }

    @Override
    public boolean confirm(String key) {
        return true; // the key is written with the data, by the commit
    }

    @Override
    public void clear() {
        claims.clear();
    }

    /** Forgets messageIds older than the window. */
    public int purge() {
        return jdbc.update("DELETE FROM seen_message WHERE seen_at < ?", System.currentTimeMillis() - windowMillis);
    }

    private boolean inDatabase(String key, long now) {
        int slash = key.indexOf('/');
        Integer found = jdbc.query("SELECT 1 FROM seen_message WHERE destination_id = ? AND message_id = ? AND seen_at >= ?",
                rs -> rs.next() ? 1 : null, key.substring(0, slash), key.substring(slash + 1), now - windowMillis);
        return found != null;
    }
}

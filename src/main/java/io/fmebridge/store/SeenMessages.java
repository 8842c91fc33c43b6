package io.fmebridge.store;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jdbc.core.JdbcTemplate;

import io.fmebridge.api.RequestRejectedException;

/**
 * The idempotent consumer's repository: which messageIds each destination took in within the
 * dedupe window. Keys are {@code <destinationId>/<messageId>}.
 *
 * <p>Unlike a repository that commits each key on its own, a key claimed here is written by the
 * {@link GroupCommitWriter} in the same transaction as the message's data: a crash between the
 * two can't mark a message as seen that was never stored. Until that commit the claim is held in
 * memory. A request keeps its claims in a {@link Claims} exchange property; the writer releases
 * them after the commit, or the error answer when the request fails before reaching the writer.
 */
public class SeenMessages extends ServiceSupport implements IdempotentRepository {
    private static final long CLAIM_EXPIRY_MS = Duration.ofMinutes(2).toMillis();

    /** The exchange property that holds a request's {@link Claims}. */
    public static final String CLAIMS = "seenMessageClaims";

    private final JdbcTemplate jdbc;
    private final long windowMillis;
    private final int retryAfterSeconds;
    private final boolean lookInDatabase;
    private final ConcurrentHashMap<String, Claim> claims = new ConcurrentHashMap<>();

    private record Claim(Claims owner, long at) {
    }

    public SeenMessages(JdbcTemplate jdbc, Duration window, int retryAfterSeconds) {
        this(jdbc, window, retryAfterSeconds, true);
    }

    /**
     * @param lookInDatabase false on a store shared by several instances (PostgreSQL): there the
     *                       writer's insert into {@code seen_message} decides, in the transaction
     *                       that stores the message, so a look-up ahead would only cost a query per
     *                       messageId; the claims still catch a repeat within the request and
     *                       between requests of this instance
     */
    public SeenMessages(JdbcTemplate jdbc, Duration window, int retryAfterSeconds, boolean lookInDatabase) {
        this.jdbc = jdbc;
        this.windowMillis = window.toMillis();
        this.retryAfterSeconds = retryAfterSeconds;
        this.lookInDatabase = lookInDatabase;
    }

    /** The idempotent consumer's key for a messageId: they count once per destination, and destination ids have no '/'. */
    public static String key(String destinationId, String messageId) {
        return destinationId + '/' + messageId;
    }

    /** How long a messageId is remembered: one seen earlier than this is taken in again. */
    public long windowMillis() {
        return windowMillis;
    }

    /** The messageIds one request has claimed. */
    public final class Claims {
        /** A messageId in the database counts only if written for an entry below this one: see {@link io.fmebridge.queue.LogPoll#unmappedFrom}. */
        private final long unmappedFrom;
        private final java.util.List<String> keys = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        /** Keys claimed ahead by {@link #lookUp}: true until the idempotent consumer takes the first of them in. */
        private final Map<String, Boolean> lookedUp = new ConcurrentHashMap<>();
        private volatile boolean handedToWriter;

        private Claims(long unmappedFrom) {
            this.unmappedFrom = unmappedFrom;
        }

        void add(String key) {
            keys.add(key);
        }

        /** From now on only the writer lets go of these keys: it may still write them. */
        public void handToWriter() {
            handedToWriter = true;
        }

        /** Lets the keys go: once written they are found in the database, if not they may come again. */
        public void release() {
            synchronized (keys) {
                keys.forEach(key -> claims.computeIfPresent(key, (k, c) -> c.owner() == this ? null : c));
                keys.clear();
            }
        }

        /** For a request that failed before its data was handed to the writer. */
        public void releaseUnlessHandedToWriter() {
            if (!handedToWriter) {
                release();
            }
        }
    }

    public Claims newClaims() {
        return new Claims(Long.MAX_VALUE);
    }

    /** Claims for the messages of one poll of a log: messageIds its unmapped entries left in the database don't count. */
    public Claims newClaims(Object poll) {
        return new Claims(poll instanceof io.fmebridge.queue.LogPoll p ? p.unmappedFrom() : Long.MAX_VALUE);
    }

    /**
     * Claims the key for the request the exchange belongs to; false when it is a duplicate: in
     * the database, or earlier in the same request. A key that another request holds and has not
     * yet committed is neither: that request may still fail, so this one is answered 503 with
     * {@code Retry-After}, and Segment's retry finds the outcome.
     */
    @Override
    public boolean add(Exchange exchange, String key) {
        Claims owner = exchange.getProperty(CLAIMS, Claims.class);
        if (owner == null) {
            owner = newClaims();
        }
        Boolean fresh = owner.lookedUp.get(key);
        if (fresh != null) { // decided by the request's look-up: new the first time, a duplicate after
            return fresh && owner.lookedUp.replace(key, Boolean.TRUE, Boolean.FALSE);
        }
        int slash = key.indexOf('/'); // destination ids have no '/'
        return !claimAll(owner, key.substring(0, slash), List.of(key.substring(slash + 1)))[0];
    }

    /**
     * Claims all of a request's messageIds with one look-up ({@link #claimAll}) and keeps the
     * answers with the request's claims, for {@link #add(Exchange, String)} to give per message.
     */
    public void lookUp(Claims owner, String destinationId, List<String> messageIds) {
        boolean[] duplicate = claimAll(owner, destinationId, messageIds);
        for (int i = 0; i < messageIds.size(); i++) {
            if (messageIds.get(i) != null) {
                String key = key(destinationId, messageIds.get(i));
                if (duplicate[i]) {
                    owner.lookedUp.putIfAbsent(key, Boolean.FALSE);
                } else {
                    owner.lookedUp.put(key, Boolean.TRUE);
                }
            }
        }
    }

    /**
     * {@link #add(Exchange, String)} for every messageId of a request at once, in their order, with
     * one database look-up for all of them instead of one each. Returns, for each messageId, whether
     * it is a duplicate (in the database within the window, or earlier in the same request); a null
     * messageId is never one. Throws like {@code add} when another request holds one of them.
     */
    public boolean[] claimAll(Claims owner, String destinationId, List<String> messageIds) {
        boolean[] duplicate = new boolean[messageIds.size()];
        long now = System.currentTimeMillis();
        Map<String, Integer> claimedHere = new HashMap<>();
        Claim mine = new Claim(owner, now);
        for (int i = 0; i < messageIds.size(); i++) {
            String messageId = messageIds.get(i);
            if (messageId == null) {
                continue;
            }
            String key = key(destinationId, messageId);
            Claim held = claims.putIfAbsent(key, mine);
            if (held != null) {
                if (held.owner() == owner) {
                    duplicate[i] = true;
                    continue;
                }
                if (now - held.at() < CLAIM_EXPIRY_MS || !claims.replace(key, held, mine)) {
                    claimedHere.keySet().forEach(k -> claims.remove(k, mine)); // this request keeps nothing
                    throw RequestRejectedException.saturated("a message of this request is being stored by another request "
                            + "right now; retry", retryAfterSeconds);
                }
            }
            claimedHere.put(key, i);
        }
        Set<String> inDatabase = lookInDatabase ? inDatabase(destinationId, claimedHere.keySet(), now, owner.unmappedFrom)
                : Set.of();
        claimedHere.forEach((key, i) -> {
            if (inDatabase.contains(key)) {
                claims.remove(key, mine);
                duplicate[i] = true;
            } else {
                owner.add(key);
            }
        });
        return duplicate;
    }

    /**
     * The keys among these that the destination took in within the window: one connection and one
     * prepared statement for all of them, each a look-up on the primary key. A row tagged with a
     * journal entry at or above {@code unmappedFrom} is not counted: that entry is not marked mapped,
     * so the row was left by a transaction a kill cut short, whose event may not be stored.
     */
    private Set<String> inDatabase(String destinationId, Set<String> keys, long now, long unmappedFrom) {
        Set<String> found = new HashSet<>();
        if (keys.isEmpty()) {
            return found;
        }
        jdbc.execute((java.sql.Connection c) -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement(
                    "SELECT journal_entry FROM seen_message WHERE destination_id = ? AND message_id = ? AND seen_at >= ?")) {
                ps.setString(1, destinationId);
                ps.setLong(3, now - windowMillis);
                for (String key : keys) {
                    ps.setString(2, StoredText.of(key.substring(destinationId.length() + 1))); // as the writer stored it
                    try (java.sql.ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            long entry = rs.getLong(1);
                            if (rs.wasNull() || entry < unmappedFrom) {
                                found.add(key);
                            }
                        }
                    }
                }
            }
            return null;
        });
        return found;
    }

    @Override
    public boolean add(String key) {
        throw new UnsupportedOperationException("claims belong to a request: use add(exchange, key)");
    }

    @Override
    public boolean contains(String key) {
        int slash = key.indexOf('/');
        return claims.containsKey(key)
                || !inDatabase(key.substring(0, slash), Set.of(key), System.currentTimeMillis(), Long.MAX_VALUE).isEmpty();
    }

    @Override
    public boolean remove(Exchange exchange, String key) {
        Claims owner = exchange.getProperty(CLAIMS, Claims.class);
        return claims.computeIfPresent(key, (k, c) -> c.owner() == owner ? null : c) == null;
    }

    @Override
    public boolean remove(String key) {
        return false; // only the owner of a claim may let it go
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
}

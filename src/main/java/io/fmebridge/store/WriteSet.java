package io.fmebridge.store;

import java.util.ArrayList;
import java.util.List;

import io.fmebridge.destination.MappingResult;

/**
 * Everything one request writes: the results of its messages and the duplicate claims they
 * hold. Committed in one piece, so a request is stored whole or not at all.
 */
public final class WriteSet {
    private final List<MappingResult> results = new ArrayList<>();
    private final List<String> claims = new ArrayList<>();

    public void add(MappingResult result, String claim) {
        results.add(result);
        if (claim != null) {
            claims.add(claim);
        }
    }

    public List<MappingResult> results() {
        return results;
    }

    /** The keys this request claimed in {@link SeenMessages}; released once committed. */
    public List<String> claims() {
        return claims;
    }
}

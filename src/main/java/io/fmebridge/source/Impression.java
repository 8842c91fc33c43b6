package io.fmebridge.source;

/**
 * One impression: a key was served a treatment of a flag (contract 5.1). Times are epoch ms;
 * {@code changeNumber} and {@code bucketingKey} may be null.
 */
public record Impression(
        String environmentId,
        String flag,
        String key,
        String treatment,
        long time,
        Long changeNumber,
        String label,
        String bucketingKey) {
}

package io.fmebridge.queue;

/** One record for a topic: its key (which decides the partition) and its value. */
public record QueuedRecord(String key, byte[] value) {
}

package io.fmebridge.operations;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.fmebridge.destination.Drop;
import io.fmebridge.destination.DropReason;
import io.fmebridge.destination.MappingResult;
import io.fmebridge.store.WriteSet;

/**
 * One log line per drop, once it is committed, with the destination and the messageId as
 * {@code key=value} pairs so that logs can be searched by them. Duplicates are logged at DEBUG:
 * a retry storm would otherwise fill the log. Never a credential: drops hold none.
 */
@Component
public class CommitLog {
    private static final Logger log = LoggerFactory.getLogger("io.fmebridge.drops");

    public void committed(WriteSet writeSet) {
        for (MappingResult result : writeSet.results()) {
            for (Drop drop : result.drops()) {
                if (drop.reason() == DropReason.DUPLICATE) {
                    log.debug("destination={} messageId={} reason={}", drop.destinationId(), clean(drop.messageId()),
                            drop.reason().code());
                } else {
                    log.info("destination={} messageId={} reason={} detail={}", drop.destinationId(), clean(drop.messageId()),
                            drop.reason().code(), clean(drop.detail()));
                }
            }
        }
        writeSet.impressions().forEach(w -> w.deadLetters().forEach(d ->
                log.info("source={} messageId={} dead-lettered: {}", d.sourceId(), d.messageId(), d.reason())));
    }

    /** Text from a message as one printable line: no forged log lines, no control bytes. */
    static String clean(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.append(Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE
                || Character.getType(c) == Character.FORMAT ? "?" : Character.toString(c)));
        return out.toString();
    }
}

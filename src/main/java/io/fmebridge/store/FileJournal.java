package io.fmebridge.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fmebridge.api.RequestRejectedException;
import io.fmebridge.queue.LogEntry;

/**
 * The embedded journal as append-only files, one directory per log ({@code fme-journal/segment/},
 * {@code fme-journal/impressions/}), each a run of segment files named by their first entry's id.
 *
 * <p>An append is one record at the end of the current segment. A single appender thread writes
 * every request waiting at that moment (group commit) and, with {@code fsync}, forces the file to
 * disk before any of them is answered: one {@code fdatasync} a group, a fraction of a millisecond,
 * where a flush of an H2 file writes its changed pages and its header. Readers see only what is
 * on disk. A torn record at a file's end (a crash mid-write, never answered 200) is cut off at
 * start. Whole segments are deleted once every entry in them is mapped and the newest is older
 * than the retention.
 *
 * <p>A record: its length and a CRC-32C of the rest, then the id, the receive time, the target,
 * the kind and the body as received.
 */
public final class FileJournal implements Journal, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileJournal.class);
    private static final int MAX_REQUESTS_PER_GROUP = 1024;
    private static final int FIXED = 8 + 8 + 2 + 2; // id, received at, target length, kind length
    private static final int HEAD = 8;              // length, crc
    private static final int MAX_RECORD = Integer.MAX_VALUE - 64;
    private static final long INDEX_EVERY = 256 * 1024;
    private static final String SUFFIX = ".log";

    private final Path dir;
    private final String group;
    private final boolean fsync;
    private final long segmentBytes;
    private final int retryAfterSeconds;
    private final Consumer<GroupCommitWriter.GroupTiming> onTimed;
    private final Map<String, LogFiles> logs = new ConcurrentHashMap<>();
    private final Map<String, String> targets = new ConcurrentHashMap<>();
    private final int queueCapacity;
    private final AppendSignal signal = new AppendSignal();
    private volatile GroupCommitQueue<Pending> queue; // from start on
    private long nextId = 1; // the appender's alone once started

    private record Pending(LogEntry entry, CompletableFuture<Long> done) implements GroupCommitQueue.Waiting {
    }

    /** What {@link #behind} needs of an entry not yet mapped, kept in memory. */
    private record Meta(String target, long receivedAt) {
    }

    private static final int MAX_CURSORS = 8;

    private record Cursor(Segment segment, long position) {
    }

    private static final class Segment {
        final long firstId;
        final Path path;
        final FileChannel channel;
        final ConcurrentSkipListMap<Long, Long> index = new ConcurrentSkipListMap<>(); // id -> position, sparse
        volatile long size;   // bytes on disk that readers may read
        volatile long lastId; // 0 while empty
        long entries;
        long newestReceivedAt;
        long indexedAt = -INDEX_EVERY;

        Segment(long firstId, Path path, FileChannel channel) {
            this.firstId = firstId;
            this.path = path;
            this.channel = channel;
        }

        void added(long id, long position, long receivedAt) {
            if (position - indexedAt >= INDEX_EVERY) {
                index.put(id, position);
                indexedAt = position;
            }
            lastId = id;
            entries++;
            newestReceivedAt = Math.max(newestReceivedAt, receivedAt);
        }
    }

    private static final class LogFiles {
        final String name;
        final Path dir;
        final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
        final ConcurrentSkipListMap<Long, Meta> unmapped = new ConcurrentSkipListMap<>();
        final ReentrantLock lock = new ReentrantLock(); // the appender's writes against the purge's deletes
        volatile long durableId;
        /** Where each reader's last read ended, by the id it reads next: delivery and the readout read one log apart. */
        final java.util.concurrent.ConcurrentSkipListMap<Long, Cursor> cursors = new java.util.concurrent.ConcurrentSkipListMap<>();

        LogFiles(String name, Path dir) {
            this.name = name;
            this.dir = dir;
        }

        Segment current() {
            var last = segments.lastEntry();
            return last == null ? null : last.getValue();
        }
    }

    /**
     * Opens the journal in {@code dir}, cutting off a torn record at a file's end. Call {@link #start}
     * before appending.
     *
     * @param positions the first entry not yet mapped, per log: entries below it are not counted as behind
     */
    public FileJournal(Path dir, String group, boolean fsync, long segmentBytes, int queueCapacity, int retryAfterSeconds,
                       Consumer<GroupCommitWriter.GroupTiming> onTimed, Map<String, Long> positions) {
        this.dir = dir;
        this.group = group;
        this.fsync = fsync;
        this.segmentBytes = segmentBytes;
        this.retryAfterSeconds = retryAfterSeconds;
        this.onTimed = onTimed;
        this.queueCapacity = queueCapacity;
        try {
            Files.createDirectories(dir);
            for (String name : new String[] {LogEntry.SEGMENT, LogEntry.IMPRESSIONS}) {
                LogFiles files = new LogFiles(name, dir.resolve(name));
                Files.createDirectories(files.dir);
                open(files, positions.getOrDefault(name, 0L));
                logs.put(name, files);
            }
        } catch (IOException e) {
            closeChannels();
            throw new UncheckedIOException("could not open the journal in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The directory for the store at {@code jdbc:h2:file:/data/fme}: {@code /data/fme-journal}; null for any other store. */
    public static Path besideStore(String storeUrl) {
        if (storeUrl == null || !storeUrl.startsWith("jdbc:h2:file:")) {
            return null;
        }
        String path = storeUrl.substring("jdbc:h2:file:".length());
        int options = path.indexOf(';');
        return Path.of((options < 0 ? path : path.substring(0, options)) + "-journal");
    }

    /** The last id of any entry kept, in any log (0 for none). */
    public long lastId() {
        long last = 0;
        for (LogFiles files : logs.values()) {
            last = Math.max(last, lastIdOf(files));
        }
        return last;
    }

    /**
     * Writes entries that keep their ids (taken over from an earlier journal, in id order) before
     * {@link #start}. An id at or below its log's last one is already here and is left out.
     */
    public int importEntries(List<LogEntry> entries) {
        if (queue != null) {
            throw new IllegalStateException("the journal is already started");
        }
        List<LogEntry> missing = new ArrayList<>();
        Map<String, Long> last = new java.util.HashMap<>();
        for (LogEntry e : entries) {
            long above = last.computeIfAbsent(e.log(), log -> lastIdOf(logs.get(log)));
            if (e.id() > above) {
                missing.add(e);
                last.put(e.log(), e.id());
            }
        }
        if (missing.isEmpty()) {
            return 0;
        }
        try {
            writeGroup(missing, missing.stream().map(LogEntry::id).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the journal: " + e.getMessage(), e);
        }
        return missing.size();
    }

    /** Starts appending, with ids above {@code idsAbove} and above every entry kept. */
    public void start(long idsAbove) {
        nextId = Math.max(idsAbove, lastId()) + 1;
        queue = new GroupCommitQueue<>(queueCapacity, MAX_REQUESTS_PER_GROUP, "journal-writer", this::append);
    }

    @Override
    public String group() {
        return group;
    }

    /**
     * Appends the entry and returns once it is written (and with {@code fsync}, on disk); a full
     * queue, a write that fails or takes too long is a 503 with Retry-After, having kept nothing.
     */
    public void append(LogEntry entry) {
        Pending pending = new Pending(entry, new CompletableFuture<>());
        GroupCommitQueue<Pending> appending = queue; // null until start: a request then gets 503, not a 500
        if (appending == null || !appending.offer(pending)) {
            throw RequestRejectedException.saturated("the service is saturated; nothing of this request was kept", retryAfterSeconds);
        }
        GroupCommitQueue.await(pending, retryAfterSeconds, "the journal is too slow right now", cause -> {
            LOG.warn("Could not append to the journal: {}", cause.toString());
            return RequestRejectedException.saturated("the journal can't be written right now", retryAfterSeconds);
        });
    }

    @Override
    public void appended() {
        signal.signal();
    }

    @Override
    public void awaitAppend(long millis) throws InterruptedException {
        signal.await(millis);
    }

    private void append(List<Pending> group) {
        List<LogEntry> entries = new ArrayList<>(group.size());
        List<Long> ids = new ArrayList<>(group.size());
        long first = nextId;
        for (Pending p : group) {
            entries.add(p.entry());
            ids.add(nextId++);
        }
        try {
            writeGroup(entries, ids);
        } catch (IOException e) {
            nextId = first; // nothing of the group is readable: its ids are free again
            group.forEach(p -> p.done().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).done().complete(ids.get(i));
        }
        appended();
    }

    /** Writes the entries with their ids, forces them to disk, then lets readers see them. */
    private void writeGroup(List<LogEntry> entries, List<Long> ids) throws IOException {
        long began = System.nanoTime();
        Map<LogFiles, List<Integer>> byLog = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            byLog.computeIfAbsent(logs.get(entries.get(i).log()), k -> new ArrayList<>()).add(i);
        }
        Map<LogFiles, Segment> written = new LinkedHashMap<>();
        Map<LogFiles, List<long[]>> placed = new LinkedHashMap<>(); // per entry: index, position
        try {
            for (var e : byLog.entrySet()) {
                LogFiles files = e.getKey();
                files.lock.lock();
                Segment segment = writable(files, ids.get(e.getValue().get(0)));
                written.put(files, segment);
                long position = segment.size;
                List<ByteBuffer> buffers = new ArrayList<>();
                List<long[]> at = new ArrayList<>();
                for (int i : e.getValue()) {
                    ByteBuffer record = encode(entries.get(i), ids.get(i));
                    at.add(new long[] {i, position});
                    position += record.remaining();
                    buffers.add(record);
                }
                placed.put(files, at);
                writeFully(segment.channel, buffers, segment.size);
            }
            long wrote = System.nanoTime();
            if (fsync) {
                for (Segment segment : written.values()) {
                    segment.channel.force(false);
                }
            }
            long forced = System.nanoTime();
            for (var e : written.entrySet()) {
                LogFiles files = e.getKey();
                Segment segment = e.getValue();
                long last = 0;
                for (long[] at : placed.get(files)) {
                    LogEntry entry = entries.get((int) at[0]);
                    long id = ids.get((int) at[0]);
                    segment.added(id, at[1], entry.receivedAt());
                    files.unmapped.put(id, new Meta(intern(entry.target()), entry.receivedAt()));
                    last = id;
                }
                segment.size = segment.channel.size();
                files.durableId = last;
            }
            onTimed.accept(new GroupCommitWriter.GroupTiming(entries.size(), wrote - began, forced - wrote));
        } catch (IOException | RuntimeException e) {
            for (Segment segment : written.values()) {
                try {
                    segment.channel.truncate(segment.size); // the next group writes where this one began
                } catch (IOException truncateFailed) {
                    LOG.warn("Could not cut a failed append off {}: {}", segment.path, truncateFailed.toString());
                }
            }
            throw e instanceof IOException io ? io : new IOException(e);
        } finally {
            for (LogFiles files : byLog.keySet()) {
                if (files.lock.isHeldByCurrentThread()) {
                    files.lock.unlock();
                }
            }
        }
    }

    /** The segment to write to, a new one (named by {@code firstId}) when there is none or the current is full. */
    private Segment writable(LogFiles files, long firstId) throws IOException {
        Segment current = files.current();
        if (current != null && current.size < segmentBytes) {
            if (current.channel.size() != current.size) {
                current.channel.truncate(current.size); // left by a write that failed
            }
            return current;
        }
        Path path = files.dir.resolve(String.format("%020d", firstId) + SUFFIX);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (fsync) {
            forceDirectory(files.dir); // the new file's name on disk before anything in it is answered
        }
        Segment segment = new Segment(firstId, path, channel);
        files.segments.put(firstId, segment);
        return segment;
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.debug("Could not force the directory {}: {}", dir, e.toString()); // not every file system allows it
        }
    }

    private static ByteBuffer encode(LogEntry entry, long id) {
        byte[] target = StoredText.of(entry.target(), 200).getBytes(StandardCharsets.UTF_8);
        byte[] kind = entry.kind() == null ? null : entry.kind().getBytes(StandardCharsets.UTF_8);
        int length = FIXED + target.length + (kind == null ? 0 : kind.length) + entry.body().length;
        ByteBuffer b = ByteBuffer.allocate(HEAD + length);
        b.putInt(length).putInt(0).putLong(id).putLong(entry.receivedAt());
        b.putShort((short) target.length).put(target);
        b.putShort(kind == null ? -1 : (short) kind.length);
        if (kind != null) {
            b.put(kind);
        }
        b.put(entry.body());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), HEAD, length);
        b.putInt(4, (int) crc.getValue());
        return b.flip();
    }

    private static void writeFully(FileChannel channel, List<ByteBuffer> buffers, long at) throws IOException {
        channel.position(at);
        ByteBuffer[] array = buffers.toArray(ByteBuffer[]::new);
        long left = 0;
        for (ByteBuffer b : array) {
            left += b.remaining();
        }
        while (left > 0) {
            left -= channel.write(array);
        }
    }

    private String intern(String target) {
        String t = StoredText.of(target, 200);
        return targets.computeIfAbsent(t, k -> k);
    }

    @Override
    public List<LogEntry> read(String log, long from, int maxEntries, long maxBytes) {
        LogFiles files = logs.get(log); // what is below from is not known to be mapped: another consumer may read it
        long durable = files.durableId;
        List<LogEntry> entries = new ArrayList<>();
        Cursor cursor = files.cursors.remove(from); // taken: the reader's cursor moves on to where this read ends
        Segment segment;
        long position;
        if (cursor != null && files.segments.containsKey(cursor.segment().firstId)) {
            segment = cursor.segment();
            position = cursor.position();
        } else {
            var floor = files.segments.floorEntry(from);
            segment = floor != null ? floor.getValue() : (files.segments.isEmpty() ? null : files.segments.firstEntry().getValue());
            if (segment == null) {
                return entries;
            }
            var indexed = segment.index.floorEntry(from);
            position = indexed == null ? 0 : indexed.getValue();
        }
        long bytes = 0;
        long lastId = from - 1;
        try {
            while (entries.size() < maxEntries && (entries.isEmpty() || bytes < maxBytes)) {
                if (position >= segment.size) {
                    var next = files.segments.higherEntry(segment.firstId);
                    if (next == null) {
                        break;
                    }
                    segment = next.getValue();
                    position = 0;
                    continue;
                }
                ByteBuffer record = readRecord(segment.channel, position, true);
                long id = record.getLong(HEAD);
                if (id > durable) {
                    break;
                }
                if (id >= from) {
                    LogEntry entry = decode(log, record);
                    entries.add(entry);
                    bytes += entry.body().length;
                    lastId = id;
                }
                position += record.limit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the " + log + " journal at " + segment.path + ": " + e.getMessage(), e);
        }
        files.cursors.put(lastId + 1, new Cursor(segment, position));
        while (files.cursors.size() > MAX_CURSORS) {
            files.cursors.pollFirstEntry(); // the furthest behind: a reader that stopped reading
        }
        return entries;
    }

    /** The record at {@code position}, head included; with {@code whole} false, only what {@link #open} needs of it. */
    private static ByteBuffer readRecord(FileChannel channel, long position, boolean whole) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(HEAD);
        readFully(channel, head, position);
        int length = head.getInt(0);
        if (length < FIXED || length > MAX_RECORD) {
            throw new IOException("a record of " + length + " bytes at " + position);
        }
        int reading = whole ? length : Math.min(length, FIXED + 2 * 1024);
        ByteBuffer record = ByteBuffer.allocate(HEAD + reading);
        record.put(head.flip());
        readFully(channel, record, position + HEAD);
        record.flip();
        if (whole) {
            CRC32C crc = new CRC32C();
            crc.update(record.array(), HEAD, length);
            if ((int) crc.getValue() != record.getInt(4)) {
                throw new IOException("a record whose checksum does not match at " + position);
            }
        }
        return record;
    }

    /** Fills what is left of {@code into} from the file, starting at {@code position}. */
    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw new IOException("the file ends inside a record");
            }
            at += n;
        }
    }

    private static LogEntry decode(String log, ByteBuffer record) {
        record.position(HEAD);
        long id = record.getLong();
        long receivedAt = record.getLong();
        String target = text(record, record.getShort());
        short kindLength = record.getShort();
        String kind = kindLength < 0 ? null : text(record, kindLength);
        byte[] body = new byte[record.remaining()];
        record.get(body);
        return new LogEntry(id, log, target, kind, receivedAt, body);
    }

    private static String text(ByteBuffer record, int length) {
        String s = new String(record.array(), record.position(), length, StandardCharsets.UTF_8);
        record.position(record.position() + length);
        return s;
    }

    @Override
    public boolean hasFrom(String log, long from) {
        return logs.get(log).durableId >= from;
    }

    @Override
    public void mapped(String log, long next) {
        logs.get(log).unmapped.headMap(next).clear();
    }

    @Override
    public Map<String, Behind> behind(String log, long next) {
        LogFiles files = logs.get(log);
        files.unmapped.headMap(next).clear(); // mapped: no longer behind, and never again
        Map<String, long[]> counted = new TreeMap<>();
        for (Meta m : files.unmapped.values()) {
            long[] c = counted.computeIfAbsent(m.target(), k -> new long[] {0, Long.MAX_VALUE});
            c[0]++;
            c[1] = Math.min(c[1], m.receivedAt());
        }
        Map<String, Behind> behind = new LinkedHashMap<>();
        counted.forEach((target, c) -> behind.put(target, new Behind(c[0], c[1])));
        return behind;
    }

    /**
     * Deletes whole segments whose entries are all mapped (below {@code next}) and whose newest
     * entry was received before {@code before}; {@code chunk} does not apply. Returns how many
     * entries went with them.
     */
    @Override
    public int purge(String log, long next, long before, int chunk) {
        LogFiles files = logs.get(log);
        int deleted = 0;
        files.lock.lock();
        try {
            for (Segment s : new ArrayList<>(files.segments.values())) {
                boolean mapped = s.lastId > 0 && s.lastId < next;
                if (!mapped || s.newestReceivedAt >= before) {
                    break;
                }
                files.segments.remove(s.firstId);
                s.channel.close();
                Files.deleteIfExists(s.path);
                deleted += (int) s.entries;
            }
        } catch (IOException e) {
            LOG.warn("Could not delete a mapped segment of the {} journal: {}", log, e.toString());
        } finally {
            files.lock.unlock();
        }
        return deleted;
    }

    /** Reads every segment of the log: its ids, what is behind the position, and a torn end cut off. */
    private void open(LogFiles files, long position) throws IOException {
        List<Path> paths;
        try (Stream<Path> list = Files.list(files.dir)) {
            paths = list.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
        for (int i = 0; i < paths.size(); i++) {
            Path path = paths.get(i);
            String name = path.getFileName().toString();
            long firstId;
            try {
                firstId = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
            } catch (NumberFormatException e) {
                LOG.warn("Leaving {} alone: not a journal segment", path);
                continue;
            }
            boolean last = i == paths.size() - 1;
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Segment segment = new Segment(firstId, path, channel);
            long end = channel.size();
            long at = 0;
            while (at < end) {
                ByteBuffer record;
                try {
                    record = readRecord(channel, at, last);
                } catch (IOException torn) {
                    LOG.warn("Cutting {} bytes off the end of journal segment {} ({}): a write that was never answered",
                            end - at, path, torn.getMessage());
                    channel.truncate(at);
                    channel.force(true);
                    break;
                }
                long id = record.getLong(HEAD);
                long receivedAt = record.getLong(HEAD + 8);
                segment.added(id, at, receivedAt);
                if (id >= position) {
                    int targetLength = record.getShort(HEAD + 16);
                    String target = new String(record.array(), HEAD + 18, targetLength, StandardCharsets.UTF_8);
                    files.unmapped.put(id, new Meta(intern(target), receivedAt));
                }
                at += HEAD + record.getInt(0);
            }
            segment.size = at;
            files.segments.put(firstId, segment);
            if (segment.lastId > 0) {
                files.durableId = segment.lastId;
            }
        }
    }

    private static long lastIdOf(LogFiles files) {
        for (Segment s : files.segments.descendingMap().values()) {
            if (s.lastId > 0) {
                return s.lastId;
            }
        }
        return 0;
    }

    private void closeChannels() {
        for (LogFiles files : logs.values()) {
            for (Segment s : files.segments.values()) {
                try {
                    s.channel.close();
                } catch (IOException e) {
                    LOG.debug("Could not close {}: {}", s.path, e.toString());
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (queue != null) {
            queue.close();
        }
        closeChannels();
    }
}

package dev.smtpapi.tracker.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.testsupport.LocalCassandra;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The events table as chunks, against the real Cassandra: every event written comes back once, newest first,
 * however the writes grouped them (a batch written again from another first event after a crash, a slot with
 * more events than a chunk holds), within the window's bounds, and beside the rows of the table of earlier
 * versions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventStoreTest {
    private static final String KEYSPACE = "event_store_chunks";
    private static final EventJson JSON = new EventJson(new ObjectMapper());
    private static final Instant BASE = Instant.parse("2026-11-30T09:59:59.950Z");
    private final Random random = new Random(42);
    private CqlSession session;

    @BeforeAll
    void connect() {
        session = CassandraConnector.connect(StoreSettings.builder()
                .contactPoint(LocalCassandra.host(), LocalCassandra.port()).keyspace(KEYSPACE).build());
    }

    @AfterAll
    void drop() {
        LocalCassandra.dropKeyspace(session, KEYSPACE);
        session.close();
    }

    @BeforeEach
    void empty() {
        session.execute("TRUNCATE " + KEYSPACE + ".engagement_event_chunks");
        session.execute("TRUNCATE " + KEYSPACE + ".engagement_events");
    }

    private EventStore store() {
        return EventStore.create(session, KEYSPACE, com.datastax.oss.driver.api.core.ConsistencyLevel.LOCAL_QUORUM,
                Duration.ofDays(1), JSON);
    }

    /** An event at {@code millis} after BASE, {@code tick} 100-ns units into that millisecond. */
    private TrackingEvent eventAt(long millis, int tick) {
        long unixMillis = BASE.toEpochMilli() + millis;
        long timestamp = (unixMillis + 12_219_292_800_000L) * 10_000 + tick;
        long msb = (timestamp & 0xFFFF_FFFFL) << 32 | (timestamp >>> 32 & 0xFFFF) << 16 | 0x1000
                | (timestamp >>> 48 & 0x0FFF);
        long lsb = random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return TrackingEvent.builder().eventId(new UUID(msb, lsb)).type(EventType.CLICK).messageId("m" + millis)
                .campaignId(Optional.of("spring")).rcptTo("ann@example.com").rawRcptTo("Ann@Example.com")
                .ipAddress("192.0.2.1").userAgent("Firefox").targetLinkUrl(Optional.of("https://example.com/" + tick))
                .build();
    }

    private static List<TrackingEvent> newestFirst(List<TrackingEvent> events) {
        List<TrackingEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong((TrackingEvent e) -> e.eventId().timestamp()).reversed());
        return sorted;
    }

    private static List<UUID> ids(List<TrackingEvent> events) {
        return events.stream().map(TrackingEvent::eventId).toList();
    }

    /** 1,000 events over 200 ms around an hour's end: several events a slot, two hours, every bucket. */
    private List<TrackingEvent> spread() {
        List<TrackingEvent> events = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            events.add(eventAt(i / 5, i % 5 * 7 + 1));
        }
        Collections.shuffle(events, random);
        return events;
    }

    @Test
    void everyEventComesBackOnceNewestFirst() {
        List<TrackingEvent> events = spread();
        EventStore store = store();
        store.writeAll(events);

        List<TrackingEvent> read = store.list(BASE.minusSeconds(1), BASE.plusSeconds(1));

        assertThat(ids(read)).containsExactlyElementsOf(ids(newestFirst(events)));
        assertThat(read).containsExactlyInAnyOrderElementsOf(events);
        long rows = session.execute("SELECT count(*) FROM " + KEYSPACE + ".engagement_event_chunks").one().getLong(0);
        assertThat(rows).as("one row per 10 ms slot written, not one per event").isEqualTo(20);
    }

    @Test
    void eventsWrittenAgainInOtherChunksAreReadOnce() {
        List<TrackingEvent> events = spread();
        EventStore store = store();
        store.writeAll(events.subList(0, 600));
        // After a crash the writer starts again from its committed position with another batch; and a batch
        // Cassandra kept refusing is written event by event.
        store.writeAll(events.subList(300, 1_000));
        for (TrackingEvent event : events.subList(550, 560)) {
            store.writeAll(List.of(event));
        }

        assertThat(ids(store.list(BASE.minusSeconds(1), BASE.plusSeconds(1))))
                .containsExactlyElementsOf(ids(newestFirst(events)));
    }

    @Test
    void aSlotWithMoreEventsThanAChunkHoldsIsWrittenInSeveralChunks() {
        List<TrackingEvent> burst = new ArrayList<>();
        for (int i = 0; i < EventStore.MAX_CHUNK_EVENTS * 2 + 10; i++) {
            burst.add(eventAt(i % 10, i / 10 + 1)); // all in one 10 ms slot
        }
        EventStore store = store();
        store.writeAll(burst);

        assertThat(ids(store.list(BASE.minusSeconds(1), BASE.plusSeconds(1))))
                .containsExactlyElementsOf(ids(newestFirst(burst)));
        long rows = session.execute("SELECT count(*) FROM " + KEYSPACE + ".engagement_event_chunks").one().getLong(0);
        assertThat(rows).isEqualTo(3);
    }

    @Test
    void theWindowIncludesBothEndsToTheMillisecond() {
        List<TrackingEvent> events = List.of(eventAt(9, 1), eventAt(10, 9_999), eventAt(14, 1), eventAt(20, 1),
                eventAt(21, 1));
        EventStore store = store();
        store.writeAll(events);

        List<TrackingEvent> read = store.list(BASE.plusMillis(10), BASE.plusMillis(20));

        assertThat(ids(read)).containsExactly(events.get(3).eventId(), events.get(2).eventId(),
                events.get(1).eventId());
    }

    @Test
    void rowsOfTheEarlierTableAreReadBesideTheChunks() {
        List<TrackingEvent> events = spread();
        List<TrackingEvent> earlier = events.subList(0, 400);
        for (TrackingEvent event : events.subList(0, 450)) { // 50 of them in both tables
            session.execute(SimpleStatement.newInstance("INSERT INTO " + KEYSPACE + ".engagement_events (hour, "
                    + "bucket, event_id, event) VALUES (?, ?, ?, ?)", event.hour(), event.bucket(), event.eventId(),
                    JSON.toSpoolLine(event)));
        }
        EventStore store = store(); // finds the earlier table's rows when it is made
        store.writeAll(events.subList(earlier.size(), events.size()));

        assertThat(ids(store.list(BASE.minusSeconds(1), BASE.plusSeconds(1))))
                .containsExactlyElementsOf(ids(newestFirst(events)));
    }

    @Test
    void aCellOfPlainLinesAndADamagedCellAreReadAsFarAsTheyGo() {
        TrackingEvent plain = eventAt(30, 1);
        TrackingEvent other = eventAt(31, 1);
        long slot = 30;
        Instant slotStart = BASE.plusMillis(slot).minusMillis(BASE.plusMillis(slot).toEpochMilli() % 10);
        byte[] lines = (JSON.toSpoolLine(plain) + "\nnot an event\n" + JSON.toSpoolLine(other))
                .getBytes(StandardCharsets.UTF_8);
        String insert = "INSERT INTO " + KEYSPACE + ".engagement_event_chunks (hour, bucket, slot, chunk, events) "
                + "VALUES (?, ?, ?, ?, ?)";
        session.execute(SimpleStatement.newInstance(insert, plain.hour(), plain.bucket(), slotStart,
                plain.eventId(), ByteBuffer.wrap(lines)));
        session.execute(SimpleStatement.newInstance(insert, plain.hour(), plain.bucket(), slotStart,
                Uuids.timeBased(), ByteBuffer.wrap(new byte[] {ChunkCodec.DEFLATED, 7, 7, 7})));

        assertThat(ids(store().list(BASE, BASE.plusSeconds(1)))).containsExactly(other.eventId(), plain.eventId());
    }

    @Test
    void theCodecGivesBackTheLinesItWasGiven() {
        byte[] lines = (JSON.toSpoolLine(eventAt(1, 1)) + "\n" + JSON.toSpoolLine(eventAt(2, 1)))
                .getBytes(StandardCharsets.UTF_8);

        ByteBuffer cell = ChunkCodec.encode(lines);

        assertThat(cell.get(0)).isEqualTo(ChunkCodec.DEFLATED);
        assertThat(cell.remaining()).isLessThan(lines.length);
        assertThat(ChunkCodec.decode(cell)).isEqualTo(lines);
        assertThat(ChunkCodec.decode(ByteBuffer.wrap(lines))).isEqualTo(lines);
    }
}

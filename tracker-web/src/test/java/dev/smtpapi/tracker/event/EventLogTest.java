package dev.smtpapi.tracker.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local event log on a real file system: appends, consumers, restarts, damage and bounds. */
class EventLogTest {
    private final EventJson json = new EventJson(new ObjectMapper());

    @TempDir
    Path directory;

    private EventLog open(long maxBytes, long segmentBytes) {
        return EventLog.open(new EventLogSettings(directory, maxBytes, segmentBytes, 100, Duration.ofMillis(1)), json,
                Clock.systemUTC(), new SimpleMeterRegistry());
    }

    private EventLog open() {
        return open(1L << 30, 64L << 20);
    }

    private static TrackingEvent click(String message) {
        return TrackingEvent.builder().eventId(TrackingEvent.newEventId()).type(EventType.CLICK).messageId(message)
                .campaignId(Optional.of("winter")).rcptTo("ann@example.com").rawRcptTo("Ann@Example.com")
                .ipAddress("192.0.2.1").userAgent("Firefox").targetLinkUrl(Optional.of("https://example.com/"))
                .build();
    }

    private static List<UUID> ids(List<EventFeed.LoggedEvent> events) {
        return events.stream().map(e -> e.event().eventId()).toList();
    }

    @Test
    void a_lingering_poll_takes_the_events_recorded_meanwhile_too_and_each_once() throws Exception {
        try (EventLog log = open()) {
            EventFeed feed = log.consumer("cassandra");
            TrackingEvent first = click("m0");
            log.append(first);
            List<TrackingEvent> meanwhile = List.of(click("m1"), click("m2"));
            Thread appender = new Thread(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
                log.appendAll(meanwhile);
            });
            appender.start();

            List<EventFeed.LoggedEvent> batch = feed.poll(10, Duration.ofSeconds(1), Duration.ofMillis(1_000));
            appender.join();

            assertThat(ids(batch)).containsExactly(first.eventId(), meanwhile.get(0).eventId(),
                    meanwhile.get(1).eventId());
            assertThat(ids(feed.poll(2, Duration.ZERO, Duration.ofMillis(200))))
                    .as("a full batch does not linger; not committed: the same events again")
                    .containsExactly(first.eventId(), meanwhile.get(0).eventId());
        }
    }

    @Test
    void a_lingering_poll_names_the_first_event_it_found_before_it_lingers() throws Exception {
        try (EventLog log = open()) {
            EventFeed feed = log.consumer("cassandra");
            TrackingEvent first = click("m0");
            log.append(first);
            CompletableFuture<UUID> found = new CompletableFuture<>();
            CompletableFuture<List<EventFeed.LoggedEvent>> batch = CompletableFuture.supplyAsync(() -> {
                try {
                    return feed.poll(10, Duration.ofSeconds(1), Duration.ofSeconds(3),
                            event -> found.complete(event.eventId()));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            assertThat(found.get(2, TimeUnit.SECONDS))
                    .as("told while the poll still lingers (the Cassandra writer's settledUntil counts on it)")
                    .isEqualTo(first.eventId());
            assertThat(batch).isNotDone();
            assertThat(ids(batch.get(5, TimeUnit.SECONDS))).containsExactly(first.eventId());
        }
    }

    @Test
    void a_full_group_commit_is_written_at_once_without_waiting_out_the_interval() throws Exception {
        try (EventLog log = EventLog.open(new EventLogSettings(directory, 1L << 30, 64L << 20, 8,
                Duration.ofMinutes(10)), json, Clock.systemUTC(), new SimpleMeterRegistry())) {
            List<CompletableFuture<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                answers.add(log.appendAsync(click("m" + i)));
            }
            Thread.sleep(200);
            assertThat(answers).as("7 of 8: the committer waits for the batch to fill (or its interval)")
                    .noneMatch(CompletableFuture::isDone);

            answers.add(log.appendAsync(click("m7")));

            for (CompletableFuture<Boolean> answer : answers) {
                assertThat(answer.get(5, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(log.lastPosition()).isEqualTo(8);
        }
    }

    @Test
    void events_appended_from_many_threads_are_each_recorded_once_in_the_order_of_their_positions()
            throws Exception {
        int threads = 8;
        int perThread = 500;
        try (EventLog log = open()) {
            EventFeed feed = log.consumer("cassandra");
            List<Thread> appenders = new ArrayList<>();
            List<UUID> appended = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int thread = t;
                appenders.add(new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        TrackingEvent event = click("m" + thread + "-" + i);
                        if (i % 2 == 0 ? log.append(event) : log.appendAsync(event).join()) {
                            appended.add(event.eventId());
                        }
                    }
                }));
            }
            appenders.forEach(Thread::start);
            for (Thread appender : appenders) {
                appender.join();
            }

            List<UUID> read = new ArrayList<>();
            long expected = 0;
            List<EventFeed.LoggedEvent> batch;
            while (!(batch = feed.poll(1000, Duration.ZERO, Duration.ZERO)).isEmpty()) {
                for (EventFeed.LoggedEvent event : batch) {
                    assertThat(event.position()).isEqualTo(++expected);
                    read.add(event.event().eventId());
                }
                feed.commit(batch.get(batch.size() - 1));
            }
            assertThat(appended).hasSize(threads * perThread);
            assertThat(read).containsExactlyInAnyOrderElementsOf(appended);
        }
    }

    @Test
    void a_consumer_reads_events_in_order_and_resumes_after_its_commit_across_a_restart() throws Exception {
        List<TrackingEvent> appended = new ArrayList<>();
        try (EventLog log = open()) {
            EventFeed feed = log.consumer("cassandra");
            for (int i = 0; i < 5; i++) {
                appended.add(click("m" + i));
                assertThat(log.append(appended.get(i))).isTrue();
            }
            List<EventFeed.LoggedEvent> first = feed.poll(3, Duration.ofSeconds(1));
            assertThat(first).extracting(EventFeed.LoggedEvent::event).containsExactlyElementsOf(appended.subList(0, 3));
            assertThat(feed.poll(3, Duration.ZERO)).as("not committed: the same events again")
                    .extracting(EventFeed.LoggedEvent::event).containsExactlyElementsOf(appended.subList(0, 3));
            feed.commit(first.get(2));
        }
        try (EventLog log = open()) {
            EventFeed feed = log.consumer("cassandra");
            List<EventFeed.LoggedEvent> rest = feed.poll(10, Duration.ofSeconds(1));
            assertThat(ids(rest)).containsExactly(appended.get(3).eventId(), appended.get(4).eventId());
            TrackingEvent later = click("m5");
            log.append(later);
            feed.commit(rest.get(1));
            assertThat(ids(feed.poll(10, Duration.ofSeconds(1)))).containsExactly(later.eventId());
        }
    }

    @Test
    void a_poll_waits_for_the_next_event() throws Exception {
        try (EventLog log = open()) {
            EventFeed feed = log.consumer("webhooks");
            TrackingEvent event = click("late");
            Thread appender = new Thread(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                log.append(event);
            });
            appender.start();
            assertThat(ids(feed.poll(10, Duration.ofSeconds(10)))).containsExactly(event.eventId());
            appender.join();
        }
    }

    @Test
    void a_new_consumer_starts_after_what_was_recorded_before_it() throws Exception {
        try (EventLog log = open()) {
            log.consumer("cassandra");
            log.append(click("before"));
            EventFeed late = log.consumer("webhooks");
            TrackingEvent after = click("after");
            log.append(after);
            assertThat(ids(late.poll(10, Duration.ofSeconds(1)))).containsExactly(after.eventId());
        }
    }

    @Test
    void a_torn_last_record_is_cut_off_at_start_up_and_the_whole_ones_are_kept() throws Exception {
        TrackingEvent kept = click("kept");
        try (EventLog log = open()) {
            log.consumer("cassandra");
            log.append(kept);
        }
        Path segment = onlySegment();
        long whole = Files.size(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            // A crash in mid-write: the header of a record and part of its payload.
            channel.write(ByteBuffer.allocate(30).putInt(EventLog.MAGIC).putInt(400).putLong(2).putInt(7).flip());
        }
        try (EventLog log = open()) {
            assertThat(Files.size(segment)).isEqualTo(whole);
            EventFeed feed = log.consumer("cassandra");
            assertThat(ids(feed.poll(10, Duration.ofSeconds(1)))).containsExactly(kept.eventId());
            TrackingEvent next = click("next");
            assertThat(log.append(next)).isTrue();
            assertThat(ids(feed.poll(10, Duration.ofSeconds(1)))).containsExactly(kept.eventId(), next.eventId());
        }
    }

    @Test
    void a_damaged_record_goes_to_the_dead_letter_directory_and_the_events_after_it_are_read() throws Exception {
        List<TrackingEvent> events = List.of(click("a"), click("b"), click("c"));
        try (EventLog log = open()) {
            log.consumer("cassandra");
            events.forEach(log::append);
            log.append(click("in-the-next-segment-after-a-restart"));
        }
        Path segment = onlySegment();
        long secondRecord = EventLog.HEADER_BYTES + json.toSpoolLine(events.get(0)).getBytes().length;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap("garbage".getBytes()), secondRecord + EventLog.HEADER_BYTES + 3);
        }
        try (EventLog log = open()) {
            List<EventFeed.LoggedEvent> read = log.consumer("cassandra").poll(10, Duration.ofSeconds(1));
            assertThat(read).extracting(e -> e.event().messageId())
                    .containsExactly("a", "c", "in-the-next-segment-after-a-restart");
            try (Stream<Path> dead = Files.list(directory.resolve("dead-letter"))) {
                assertThat(dead).hasSize(1);
            }
        }
    }

    @Test
    void when_full_new_events_are_dropped_and_counted() {
        try (EventLog log = open(1 << 20, 1 << 18)) {
            log.consumer("cassandra");
            int recorded = 0;
            while (log.append(click("fill-" + recorded))) {
                recorded++;
            }
            assertThat(recorded).isGreaterThan(1000);
            assertThat(log.append(click("one-more"))).isFalse();
            assertThat(log.dropped()).isEqualTo(2);
            assertThat(log.isFull()).isTrue();
            assertThat(log.sizeBytes()).isLessThanOrEqualTo(1 << 20);
        }
    }

    @Test
    void segments_are_deleted_once_every_registered_consumer_is_past_them() throws Exception {
        try (EventLog log = open(1 << 24, 4096)) {
            EventFeed cassandra = log.consumer("cassandra");
            EventFeed webhooks = log.consumer("webhooks");
            for (int i = 0; i < 200; i++) {
                log.append(click("m" + i));
            }
            int segments = log.segmentCount();
            assertThat(segments).isGreaterThan(3);
            List<EventFeed.LoggedEvent> all = cassandra.poll(1000, Duration.ofSeconds(1));
            assertThat(all).hasSize(200);
            cassandra.commit(all.get(199));
            assertThat(log.segmentCount()).as("webhooks has not read them yet").isEqualTo(segments);
            List<EventFeed.LoggedEvent> seen = webhooks.poll(1000, Duration.ofSeconds(1));
            assertThat(ids(seen)).isEqualTo(ids(all));
            webhooks.commit(seen.get(199));
            assertThat(log.segmentCount()).isEqualTo(1);
        }
    }

    @Test
    void a_second_tracker_on_the_same_directory_fails_naming_it() {
        try (EventLog log = open()) {
            assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(directory.toString());
        }
    }

    @Test
    void the_spool_files_of_an_earlier_tracker_move_into_the_log() throws Exception {
        TrackingEvent first = click("spooled-1");
        TrackingEvent second = click("spooled-2");
        Files.writeString(directory.resolve("events.spool"), json.toSpoolLine(first) + "\n{\"torn\n");
        Files.writeString(directory.resolve("events-1.replay"), json.toSpoolLine(second) + "\n");
        try (EventLog log = open()) {
            EventFeed feed = log.consumer("cassandra");

            assertThat(LegacySpoolImport.importInto(log, directory)).isEqualTo(2);
            assertThat(feed.poll(10, Duration.ofSeconds(1))).extracting(EventFeed.LoggedEvent::event)
                    .containsExactlyInAnyOrder(first, second);
            assertThat(directory.resolve("events.spool")).doesNotExist();
            assertThat(directory.resolve("events-1.replay")).doesNotExist();
            assertThat(Files.readString(directory.resolve("dead-letter").resolve("events.jsonl"))).contains("torn");
        }
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> segments = files.filter(p -> p.getFileName().toString().startsWith("segment-")).toList();
            assertThat(segments).hasSize(1);
            return segments.get(0);
        }
    }
}

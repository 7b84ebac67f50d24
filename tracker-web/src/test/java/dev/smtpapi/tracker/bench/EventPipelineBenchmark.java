package dev.smtpapi.tracker.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.tracker.event.EventJson;
import dev.smtpapi.tracker.event.CassandraEventWriter;
import dev.smtpapi.tracker.event.EventLog;
import dev.smtpapi.tracker.event.EventLogSettings;
import dev.smtpapi.tracker.event.EventStore;
import dev.smtpapi.tracker.event.EventType;
import dev.smtpapi.tracker.event.TrackingEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The event pipeline's sustained write rate into Cassandra beside the simplest single-row insert, both with
 * the same number of writes in flight (the pipeline's batch size), each for SECONDS after a short warm-up.
 * Usage: {@code EventPipelineBenchmark HOST:PORT KEYSPACE SECONDS IN_FLIGHT}.
 */
public final class EventPipelineBenchmark {
    private EventPipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String[] hostPort = args[0].split(":");
        String keyspace = args[1];
        int seconds = Integer.parseInt(args[2]);
        int inFlight = Integer.parseInt(args[3]);
        StoreSettings settings = StoreSettings.builder().contactPoint(hostPort[0], Integer.parseInt(hostPort[1]))
                .keyspace(keyspace).consistency(DefaultConsistencyLevel.LOCAL_ONE).build();
        try (CqlSession session = CassandraConnector.connect(settings)) {
            session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS " + keyspace
                    + ".bench_raw (id timeuuid PRIMARY KEY, value text)").setTimeout(Duration.ofSeconds(30)));
            rawInserts(session, keyspace, inFlight, 3);
            pipeline(session, keyspace, inFlight, 3);
            double rawSum = 0;
            double pipelineSum = 0;
            // Alternating rounds, so load from elsewhere on the machine hits both alike.
            for (int round = 1; round <= 2; round++) {
                double raw = rawInserts(session, keyspace, inFlight, seconds);
                double pipeline = pipeline(session, keyspace, inFlight, seconds);
                System.out.printf("round %d: raw single-row insert (%d in flight) %.0f rows/s, event pipeline "
                        + "(%d events in flight) %.0f events/s%n", round, inFlight, raw, inFlight, pipeline);
                rawSum += raw;
                pipelineSum += pipeline;
            }
            System.out.printf("ratio pipeline / raw (sum of rounds): %.2f%n", pipelineSum / rawSum);
        }
    }

    private static double rawInserts(CqlSession session, String keyspace, int inFlight, int seconds)
            throws InterruptedException {
        PreparedStatement insert = session.prepare("INSERT INTO " + keyspace + ".bench_raw (id, value) VALUES (?, ?)");
        Semaphore permits = new Semaphore(inFlight);
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
            permits.acquire();
            session.executeAsync(insert.bind(Uuids.timeBased(), "click")
                    .setConsistencyLevel(DefaultConsistencyLevel.LOCAL_ONE).setIdempotent(true))
                    .whenComplete((result, error) -> {
                        if (error == null) {
                            done.incrementAndGet();
                        }
                        permits.release();
                    });
        }
        permits.acquire(inFlight);
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * 64 producer threads append events to the event log (each waiting for its group commit, as a request does)
     * while the Cassandra writer stores them; the rate is what reached Cassandra in the window.
     */
    private static double pipeline(CqlSession session, String keyspace, int batchSize, int seconds)
            throws Exception {
        EventJson json = new EventJson(new ObjectMapper());
        EventStore store = EventStore.create(session, keyspace, DefaultConsistencyLevel.LOCAL_ONE, Duration.ofDays(1),
                json);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EventLog log = EventLog.open(new EventLogSettings(Files.createTempDirectory("bench-log"), 1L << 32, 64L << 20,
                1000, Duration.ofMillis(2)), json, Clock.systemUTC(), registry);
        CassandraEventWriter writer = CassandraEventWriter.start(log, store, batchSize, Duration.ofSeconds(1),
                Clock.systemUTC(), registry);
        long end = System.nanoTime() + Duration.ofSeconds(seconds + 1).toNanos();
        List<Thread> producers = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            Thread producer = new Thread(() -> {
                while (System.nanoTime() < end) {
                    if (writer.lagEvents() > 50_000) {
                        Thread.onSpinWait();
                        continue;
                    }
                    log.append(event());
                }
            });
            producer.start();
            producers.add(producer);
        }
        Thread.sleep(500);
        double before = registry.counter("smtpapi.tracker.events.written").count();
        long start = System.nanoTime();
        Thread.sleep(Duration.ofSeconds(seconds).toMillis());
        double after = registry.counter("smtpapi.tracker.events.written").count();
        double rate = (after - before) / ((System.nanoTime() - start) / 1e9);
        for (Thread producer : producers) {
            producer.join();
        }
        writer.close();
        log.close();
        return rate;
    }

    private static TrackingEvent event() {
        return TrackingEvent.builder().eventId(TrackingEvent.newEventId()).type(EventType.CLICK)
                .messageId("bench-1").campaignId(Optional.of("load-test")).rcptTo("reader@example.com")
                .rawRcptTo("Reader@example.com").rcptMetaJson(Optional.of("{\"segment\":\"bench\"}"))
                .rcptTags(List.of("bench")).ipAddress("198.51.100.7")
                .userAgent("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
                .targetLinkUrl(Optional.of("https://shop.example.com/item/1")).targetLinkName(Optional.of("item"))
                .build();
    }
}

package dev.smtpapi.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A campaign goes out through the real James stack on a three-node cluster (keyspace replicated three times,
 * mailet and trackers at LOCAL_QUORUM) while its readers click and open through both trackers. Midway, node
 * 3 is killed with SIGKILL; later it is started again. A quorum of two is there all along, so nothing may
 * be lost: every copy is tracked, every link resolves, every event is stored once, and node 3, once back,
 * holds every row it missed (hinted handoff), read from it alone at consistency ONE.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeLossClusterTest {
    private static final int LOST_NODE = 3;
    private static final int RECIPIENTS_PER_MAIL = 5;
    private static final int MAILS_BEFORE_THE_KILL = 6;
    private static final int MAILS_WHILE_DOWN = 8;
    private static final int MAILS_AFTER_THE_RESTART = 4;
    private static final Duration PACE = Duration.ofMillis(1500);
    private static final Duration SETTLE = Duration.ofMinutes(4);
    private static final String KEYSPACE = "smtpapi";
    private static final String BOOTS = "https://shop.example.com/autumn/boots?utm_source=newsletter&utm_medium=email";
    private static final String CARE_GUIDE = "https://shop.example.com/guides/leather-care#oils";

    private Stack stack;
    private ClusterStack cluster;
    private TrackerClient first;
    private TrackerClient second;
    private String campaign;
    private String subject;
    private CqlSession cql;

    /** What each recipient's copy looked like and what its clicks and open answered. */
    private final Map<String, DeliveredCopy> copies = new ConcurrentHashMap<>();
    private final List<String> answers = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger mailsSent = new AtomicInteger();
    private final Set<String> recipients = ConcurrentHashMap.newKeySet();
    private int copiesWhileDown;

    @BeforeAll
    void sendACampaignWhileANodeIsKilledAndStartedAgain() throws Exception {
        stack = Stack.fromSystemProperty();
        cluster = ClusterStack.fromSystemProperty();
        first = new TrackerClient(stack);
        second = new TrackerClient(cluster.tracker2Url(), stack.apiKey());
        String run = UUID.randomUUID().toString().substring(0, 8);
        campaign = "node-loss-" + run;
        subject = "Autumn is here " + run;
        cql = CqlSession.builder()
                .addContactPoints(cluster.contactPoints())
                .withLocalDatacenter("datacenter1")
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                        .build())
                .build();

        Sender sender = new Sender(run);
        Clicker clicker = new Clicker();
        sender.start();
        clicker.start();
        try {
            awaitTrue("the first mails to be sent", () -> mailsSent.get() >= MAILS_BEFORE_THE_KILL);
            cluster.killNode(LOST_NODE);
            int copiesAtKill = copies.size();
            awaitTrue("mails to be sent while node " + LOST_NODE + " is down",
                    () -> mailsSent.get() >= MAILS_BEFORE_THE_KILL + MAILS_WHILE_DOWN);
            cluster.startNode(LOST_NODE);  // mail keeps going out while it starts
            copiesWhileDown = copies.size() - copiesAtKill;
            int sentAtRestart = mailsSent.get();
            awaitTrue("mails to be sent after the restart", () -> mailsSent.get() >= sentAtRestart + MAILS_AFTER_THE_RESTART);
        } finally {
            sender.finish();
        }
        clicker.finishAfter(mailsSent.get() * RECIPIENTS_PER_MAIL);
        System.out.printf("node-loss test: %d mails, %d copies, %d of them delivered while node %d was down%n",
                mailsSent.get(), copies.size(), copiesWhileDown, LOST_NODE);
    }

    @AfterAll
    void closeTheSession() {
        if (cql != null) {
            cql.close();
        }
    }

    @Test
    void everyCopyWentOutTrackedNoneUntracked() throws Exception {
        assertThat(failures).as("sending and clicking").isEmpty();
        assertThat(copies.keySet()).as("a copy for each recipient").isEqualTo(recipients)
                .hasSize(mailsSent.get() * RECIPIENTS_PER_MAIL);
        assertThat(copiesWhileDown).as("copies delivered while node %d was down", LOST_NODE).isPositive();
        for (Map.Entry<String, DeliveredCopy> entry : copies.entrySet()) {
            DeliveredCopy copy = entry.getValue();
            assertThat(copy.header("X-MSYS-API")).as("X-MSYS-API in %s's copy", entry.getKey()).isEmpty();
            assertThat(copy.htmlLinks().subList(0, 2)).as("tracked links in %s's copy", entry.getKey())
                    .allMatch(link -> link.startsWith(stack.clickPrefix()));
            assertThat(copy.images()).as("open pixel in %s's copy", entry.getKey())
                    .anyMatch(src -> src.startsWith(stack.openPrefix()));
        }
    }

    @Test
    void everyLinkResolvedThroughEitherTracker() {
        assertThat(answers).as("answers to two clicks and one open per copy").hasSize(3 * copies.size());
        assertThat(answers).as("what the trackers answered").allSatisfy(answer -> assertThat(answer)
                .matches("(first|second) (click 302 " + Pattern.quote(BOOTS) + "|click 302 "
                        + Pattern.quote(CARE_GUIDE) + "|open 200 image/gif) for .*"));
        assertThat(answers).anyMatch(answer -> answer.startsWith("second click"));
    }

    @Test
    void everyEventIsStoredOnceAndBothTrackersListThem() throws Exception {
        int expected = 3 * copies.size();
        for (TrackerClient tracker : List.of(first, second)) {
            JsonNode results = awaitEventCount(tracker, expected);
            Set<String> ids = new HashSet<>();
            Map<String, Integer> perRecipientAndKind = new HashMap<>();
            for (JsonNode event : results) {
                ids.add(event.path("event_id").asText());
                String kind = event.path("type").asText() + " " + event.path("target_link_url").asText("");
                perRecipientAndKind.merge(event.path("rcpt_to").asText() + " " + kind, 1, Integer::sum);
            }
            assertThat(ids).as("distinct event ids").hasSize(expected);
            assertThat(perRecipientAndKind).as("events per recipient and kind").hasSize(expected)
                    .allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
            for (String rcpt : recipients) {
                assertThat(perRecipientAndKind).containsKeys(rcpt + " click " + BOOTS, rcpt + " click " + CARE_GUIDE,
                        rcpt + " open ");
            }
        }
    }

    @Test
    void theRestartedNodeHoldsEveryRowItMissedReadFromItAlone() throws Exception {
        Node healthy = node(1);
        Node lost = node(LOST_NODE);
        awaitTrue("the driver to see node " + LOST_NODE + " up again", () -> lost.getState() == NodeState.UP);
        Footprint expected = new Footprint(-1, copies.size(), 3 * copies.size());
        Footprint[] last = new Footprint[2];
        awaitTrue(() -> "node " + LOST_NODE + " to hold every row node 1 holds (last seen: node 1 " + last[0]
                + ", node " + LOST_NODE + " " + last[1] + ", expected " + expected + ")", () -> {
                    last[0] = footprint(healthy);
                    last[1] = footprint(lost);
                    return last[0].equals(last[1]) && last[1].matches(expected);
                });
        assertThat(last[1].recipients()).as("recipient rows on node %d", LOST_NODE).isEqualTo(copies.size());
        assertThat(last[1].events()).as("events on node %d", LOST_NODE).isEqualTo(3 * copies.size());
        assertThat(hintsReplayedTo(LOST_NODE)).as("node 1 or 2 logged hints replayed to node %d", LOST_NODE).isTrue();
    }

    /** The campaign's rows one node holds: messages, recipients, events. */
    private record Footprint(int messages, int recipients, int events) {
        boolean matches(Footprint expected) {
            return recipients == expected.recipients && events == expected.events;
        }
    }

    private Footprint footprint(Node node) {
        Set<UUID> messages = campaignMessagesOn(node);
        return new Footprint(messages.size(), recipientRowsOn(node, messages), campaignEventsOn(node));
    }

    // ------------------------------------------------------------------------------------------------------

    /** Sends one mail to RECIPIENTS_PER_MAIL new remote recipients every PACE until finished. */
    private final class Sender extends Thread {
        private final Outbox outbox = new Outbox(stack);
        private final String run;
        private volatile boolean finished;

        Sender(String run) {
            super("campaign-sender");
            this.run = run;
        }

        @Override
        public void run() {
            for (int mail = 1; !finished; mail++) {
                List<String> to = new ArrayList<>();
                for (int r = 1; r <= RECIPIENTS_PER_MAIL; r++) {
                    to.add("reader-" + run + "-" + mail + "-" + r + "@example.com");
                }
                try {
                    outbox.send(outbox.message("autumn-newsletter.eml", Map.of("TO", String.join(", ", to),
                            "SUBJECT", subject, "MESSAGE_ID", run + "." + mail, "CAMPAIGN", campaign)),
                            "news@" + stack.domain(), to);
                    recipients.addAll(to);
                    mailsSent.incrementAndGet();
                    Thread.sleep(PACE.toMillis());
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failures.add("mail " + mail + " was refused: " + e);
                    return;
                }
            }
        }

        void finish() throws InterruptedException {
            finished = true;
            join(Duration.ofMinutes(1).toMillis());
        }
    }

    /**
     * Reads each copy as the SMTP sink received it and, as its reader would, clicks its two tracked links and
     * loads its pixel, spreading them over both trackers.
     */
    private final class Clicker extends Thread {
        private final Session session = Session.getInstance(new Properties());
        private final Set<Path> seen = new HashSet<>();
        private volatile int target = Integer.MAX_VALUE;

        Clicker() {
            super("campaign-clicker");
        }

        @Override
        public void run() {
            try {
                while (copies.size() < target) {
                    clickNewCopies();
                    Thread.sleep(300);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failures.add("reading or clicking failed: " + e);
            }
        }

        private void clickNewCopies() throws Exception {
            if (!Files.isDirectory(stack.sinkDirectory())) {
                return;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(stack.sinkDirectory(), "*.eml")) {
                for (Path file : files) {
                    if (seen.contains(file)) {
                        continue;
                    }
                    MimeMessage message;
                    try (InputStream in = Files.newInputStream(file)) {
                        message = new MimeMessage(session, in);
                    }
                    seen.add(file);
                    if (message.getSubject() == null || !message.getSubject().contains(subject)) {
                        continue;
                    }
                    String rcpt = message.getHeader("X-Sink-Rcpt-To", ",").replaceAll("[<>]", "").strip();
                    DeliveredCopy copy = DeliveredCopy.of(message);
                    boolean even = copies.size() % 2 == 0;
                    click(even ? "first" : "second", copy.htmlLinks().get(0), rcpt);
                    click(even ? "second" : "first", copy.htmlLinks().get(1), rcpt);
                    open(even ? "first" : "second", copy, rcpt);
                    copies.put(rcpt, copy);
                }
            }
        }

        private void click(String which, String link, String rcpt) throws Exception {
            HttpResponse<byte[]> response = client(which).get(through(which, link));
            answers.add(which + " click " + response.statusCode() + " "
                    + response.headers().firstValue("Location").orElse("(no Location)") + " for " + rcpt);
        }

        private void open(String which, DeliveredCopy copy, String rcpt) throws Exception {
            String pixel = copy.images().stream().filter(src -> src.startsWith(stack.openPrefix())).findFirst()
                    .orElseThrow(() -> new AssertionError(rcpt + "'s copy has no open pixel"));
            HttpResponse<byte[]> response = client(which).get(through(which, pixel));
            answers.add(which + " open " + response.statusCode() + " "
                    + response.headers().firstValue("Content-Type").orElse("(no type)") + " for " + rcpt);
        }

        private TrackerClient client(String which) {
            return which.equals("first") ? first : second;
        }

        /** The same tracked URL, sent to the second tracker when asked: it serves the same links. */
        private String through(String which, String url) {
            return which.equals("first") ? url
                    : cluster.tracker2Url() + url.substring(stack.trackerUrl().toString().length());
        }

        void finishAfter(int copiesExpected) throws InterruptedException {
            target = copiesExpected;
            join(SETTLE.toMillis());
            if (isAlive()) {
                interrupt();
                failures.add("only " + copies.size() + " of " + copiesExpected + " copies reached the SMTP sink within "
                        + SETTLE.toMinutes() + " minutes");
            }
        }
    }

    private JsonNode awaitEventCount(TrackerClient tracker, int expected) throws Exception {
        Instant deadline = Instant.now().plus(SETTLE);
        JsonNode results;
        do {
            results = tracker.events(Map.of("campaigns", campaign, "per_page", "10000")).path("results");
            if (results.size() >= expected) {
                break;
            }
            Thread.sleep(1000);
        } while (Instant.now().isBefore(deadline));
        assertThat(results.size()).as("events of the campaign listed by the events API").isEqualTo(expected);
        return results;
    }

    private Node node(int n) {
        InetSocketAddress address = cluster.node(n);
        return cql.getMetadata().getNodes().values().stream()
                .filter(node -> node.getEndPoint().resolve() instanceof InetSocketAddress socket
                        && socket.getAddress().getHostAddress().equals(address.getAddress().getHostAddress()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the driver does not know node " + n + " at " + address));
    }

    /** Rows read at consistency ONE with {@code node} as coordinator: it prefers itself, so its own data. */
    private List<Row> readOn(Node node, String cql, Object... values) {
        return this.cql.execute(SimpleStatement.newInstance(cql, values)
                .setConsistencyLevel(ConsistencyLevel.ONE)
                .setNode(node)).all();
    }

    private Set<UUID> campaignMessagesOn(Node node) {
        Set<UUID> keys = new HashSet<>();
        for (Row row : readOn(node, "SELECT message_key, campaign_id FROM " + KEYSPACE + ".messages")) {
            if (campaign.equals(row.getString("campaign_id"))) {
                keys.add(row.getUuid("message_key"));
            }
        }
        return keys;
    }

    private int recipientRowsOn(Node node, Set<UUID> messageKeys) {
        int rows = 0;
        for (UUID key : messageKeys) {
            rows += readOn(node, "SELECT rcpt_index FROM " + KEYSPACE + ".recipients WHERE message_key = ?", key).size();
        }
        return rows;
    }

    /**
     * The campaign's events this node holds, each counted once: the tracker stores them as chunks (one cell of a
     * write's events per 10 ms slot: their spool lines, DEFLATE-compressed after a marker byte 1).
     */
    private int campaignEventsOn(Node node) {
        Set<String> events = new HashSet<>();
        for (Row row : readOn(node, "SELECT events FROM " + KEYSPACE + ".engagement_event_chunks")) {
            for (String line : chunkLines(row.getByteBuffer("events")).split("\n")) {
                java.util.regex.Matcher id = EVENT_ID.matcher(line);
                if (line.contains("\"campaign_id\":\"" + campaign + "\"") && id.find()) {
                    events.add(id.group(1));
                }
            }
        }
        return events.size();
    }

    private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":\"([0-9a-f-]{36})\"");

    private static String chunkLines(java.nio.ByteBuffer cell) {
        byte[] bytes = new byte[cell.remaining()];
        cell.duplicate().get(bytes);
        if (bytes.length == 0 || bytes[0] != 1) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
        try {
            inflater.setInput(bytes, 1, bytes.length - 1);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[16384];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && inflater.needsInput()) {
                    break;
                }
                out.write(buffer, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (java.util.zip.DataFormatException e) {
            throw new AssertionError("a chunk cell does not inflate: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private boolean hintsReplayedTo(int n) throws Exception {
        String address = cluster.node(n).getAddress().getHostAddress();
        for (int other = 1; other <= 3; other++) {
            if (other != n && Files.isRegularFile(cluster.nodeLog(other))) {
                for (String line : Files.readAllLines(cluster.nodeLog(other), StandardCharsets.UTF_8)) {
                    if (line.contains("Finished hinted handoff") && line.contains(address)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void awaitTrue(String what, Supplier<Boolean> condition) throws InterruptedException {
        awaitTrue(() -> what, condition);
    }

    private static void awaitTrue(Supplier<String> what, Supplier<Boolean> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(SETTLE);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + SETTLE.toMinutes() + " minutes for " + what.get());
            }
            Thread.sleep(500);
        }
    }
}

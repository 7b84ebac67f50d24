package dev.smtpapi.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.store.MessageRecord;
import dev.smtpapi.store.RecipientRecord;
import dev.smtpapi.tracker.event.TrackingEvent;
import dev.smtpapi.token.TrackingToken;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

/**
 * The WAR that ships (target/smtpapi-tracker-VERSION.war), deployed in a real Tomcat 11 with its configuration
 * named by a context parameter, answers a click and records it.
 */
class WarDeploymentTest {
    private static final String TARGET = "https://docs.example.com/getting-started?lang=en";

    @Test
    void the_war_answers_a_click_in_tomcat_and_records_the_event() throws Exception {
        Path war = findWar();
        assertThat(libraries(war)).anyMatch(name -> name.startsWith("smtpapi-core-"))
                .anyMatch(name -> name.startsWith("java-driver-core-"))
                .noneMatch(name -> name.startsWith("jetty-") || name.startsWith("jakarta.servlet-api"));

        Path directory = Files.createTempDirectory("tracker-war");
        // The data the mailet would write, through the fixture's session; the WAR shares its keyspace and key.
        try (TrackerFixture mailetSide = TrackerFixture.start(WarDeploymentTest.class)) {
            String keyspace = mailetSide.keyspace;
            Path keys = mailetSide.directory.resolve("keys");
            Path configFile = TrackerFixture.writeConfig(directory.resolve("tracker.properties"),
                    TrackerFixture.baseOptions(keyspace, keys, directory), "tracker in Tomcat");
            UUID key = UUID.randomUUID();
            Instant now = Instant.now();
            MessageRecord message = MessageRecord.builder().messageKey(key).messageId("war-" + key)
                    .campaignId(Optional.of("docs")).sentAt(now).expiry(now.plus(30, ChronoUnit.DAYS))
                    .links(List.of(LinkRecord.of(TARGET))).build();
            mailetSide.mailetSide.writeAll(message, List.of(RecipientRecord.of(key, 0, "Reader@Example.com")));
            String token = mailetSide.codec.encode(TrackingToken.click(key, 0, 0, message.expiry()));

            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(directory.resolve("tomcat").toString());
            Files.createDirectories(directory.resolve("tomcat").resolve("webapps"));
            tomcat.setPort(0);
            tomcat.getConnector();
            tomcat.setAddDefaultWebXmlToWebapp(false);
            Context context = tomcat.addWebapp("/track", war.toAbsolutePath().toString());
            context.addParameter("smtpapi.tracker.config", configFile.toString());
            tomcat.start();
            try {
                int port = tomcat.getConnector().getLocalPort();
                HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
                HttpResponse<String> click = http.send(HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/track/f/docs/" + token))
                        .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0").build(),
                        HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/track/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(click.statusCode()).isEqualTo(302);
                assertThat(click.headers().firstValue("Location")).contains(TARGET);
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).contains("\"cassandra\":\"up\"");
                // The report page and the chart library it serves itself, under the WAR's context path.
                HttpResponse<String> report = http.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                        + port + "/track/report/")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(report.statusCode()).isEqualTo(200);
                assertThat(report.body()).contains("action=\"/track/report/sign-in\"",
                        "src=\"/track/report/assets/chart.umd.min.js\"");
                assertThat(http.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                        + "/track/report/assets/chart.umd.min.js")).build(), HttpResponse.BodyHandlers.ofString())
                        .body()).contains("Chart.js v4");
                List<TrackingEvent> events = awaitEvents(mailetSide, keyspace, "war-" + key);
                assertThat(events).hasSize(1);
                assertThat(events.get(0).rcptTo()).isEqualTo("reader@example.com");
                assertThat(events.get(0).targetLinkUrl()).contains(TARGET);

                // The API key filter guards the API in the WAR as it does stand-alone.
                String api = "http://127.0.0.1:" + port + "/track/api/v1/events/message";
                HttpResponse<String> refused = http.send(HttpRequest.newBuilder(java.net.URI.create(api)).build(),
                        HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> listed = http.send(HttpRequest.newBuilder(java.net.URI.create(api))
                        .header("Authorization", TrackerFixture.API_KEY).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(401);
                assertThat(refused.body()).contains("\"errors\"");
                assertThat(listed.statusCode()).isEqualTo(200);
                assertThat(listed.body()).contains("war-" + key);
            } finally {
                tomcat.stop();
                tomcat.destroy();
            }
        }
    }

    private static List<TrackingEvent> awaitEvents(TrackerFixture fixture, String keyspace, String messageId)
            throws InterruptedException {
        var events = dev.smtpapi.tracker.event.EventStore.create(fixture.session, keyspace,
                com.datastax.oss.driver.api.core.DefaultConsistencyLevel.ONE, Duration.ofDays(1),
                new dev.smtpapi.tracker.event.EventJson(new com.fasterxml.jackson.databind.ObjectMapper()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<TrackingEvent> found = new ArrayList<>();
            for (TrackingEvent event : events.list(Instant.now().minus(1, ChronoUnit.HOURS), Instant.now())) {
                if (event.messageId().equals(messageId)) {
                    found.add(event);
                }
            }
            if (!found.isEmpty() || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(100);
        }
    }

    private static Path findWar() throws Exception {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(file -> file.getFileName().toString().matches("smtpapi-tracker-.*\\.war"))
                    .findFirst().orElseThrow(() -> new AssertionError("no smtpapi-tracker-*.war in target/"));
        }
    }

    private static List<String> libraries(Path war) throws Exception {
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(war.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (entry.getName().startsWith("WEB-INF/lib/")) {
                    names.add(entry.getName().substring("WEB-INF/lib/".length()));
                }
            }
        }
        return names;
    }
}

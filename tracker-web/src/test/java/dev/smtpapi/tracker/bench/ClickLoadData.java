package dev.smtpapi.tracker.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.smtpapi.store.CassandraConnector;
import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.store.MessageRecord;
import dev.smtpapi.store.RecipientRecord;
import dev.smtpapi.store.StoreSettings;
import dev.smtpapi.store.CassandraTagStore;
import dev.smtpapi.token.SigningKeys;
import dev.smtpapi.token.TokenCodec;
import dev.smtpapi.token.TrackingToken;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes what the mailet would for a campaign (MESSAGES messages of one recipient and LINKS links each) and
 * prints one click path per line for the load generator. Usage:
 * {@code ClickLoadData HOST:PORT KEYSPACE KEY_FILE MESSAGES LINKS OUT_FILE}.
 */
public final class ClickLoadData {
    private ClickLoadData() {
    }

    public static void main(String[] args) throws Exception {
        String[] hostPort = args[0].split(":");
        String keyspace = args[1];
        TokenCodec codec = TokenCodec.of(SigningKeys.load(Path.of(args[2])));
        int messages = Integer.parseInt(args[3]);
        int links = Integer.parseInt(args[4]);
        StoreSettings settings = StoreSettings.builder().contactPoint(hostPort[0], Integer.parseInt(hostPort[1]))
                .keyspace(keyspace).build();
        Instant sentAt = Instant.now().minus(1, ChronoUnit.HOURS);
        try (CqlSession session = CassandraConnector.connect(settings);
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[5])))) {
            CassandraTagStore store = CassandraTagStore.create(session, settings);
            for (int m = 0; m < messages; m++) {
                UUID key = UUID.randomUUID();
                List<LinkRecord> table = new ArrayList<>();
                for (int l = 0; l < links; l++) {
                    table.add(LinkRecord.of("https://shop.example.com/item/" + l + "?utm_source=mail&m=" + m,
                            Optional.of("item-" + l), false));
                }
                MessageRecord message = MessageRecord.builder().messageKey(key).messageId("bench-" + m)
                        .campaignId(Optional.of("load-test")).metadataJson(Optional.of("{\"segment\":\"bench\"}"))
                        .tags(List.of("bench")).sentAt(sentAt).expiry(sentAt.plus(30, ChronoUnit.DAYS))
                        .links(table).build();
                store.writeAll(message, List.of(RecipientRecord.of(key, 0, "reader" + m + "@example.com")));
                for (int l = 0; l < links; l++) {
                    out.println("/f/a/" + codec.encode(TrackingToken.click(key, 0, l, message.expiry())));
                }
            }
        }
        System.out.println("wrote " + messages + " messages, " + messages * links + " click paths to " + args[5]);
    }
}

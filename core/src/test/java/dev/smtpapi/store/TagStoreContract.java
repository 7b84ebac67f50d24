package dev.smtpapi.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.smtpapi.token.TrackingToken;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TagStore} does, run against each implementation by a subclass: what is written resolves to
 * exactly itself until its expiry, and nothing else resolves.
 */
abstract class TagStoreContract {
    static final Duration LIFETIME = Duration.ofDays(365);

    /** The store under test; the same one for every call within a test. */
    abstract TagStore store();

    /** Another store over the same storage, with nothing cached. */
    abstract TagStore reopened();

    /** The time by the store's clock. */
    abstract Instant now();

    /** Lets {@code duration} pass on the store's clock. */
    abstract void passTime(Duration duration) throws InterruptedException;

    @Test
    void readingBackAClickReturnsExactlyWhatWasWritten() {
        MessageRecord message = newsletter(50, now(), LIFETIME);
        List<RecipientRecord> recipients = recipients(message.messageKey(), 3);
        store().writeAll(message, recipients);

        Optional<Resolution> click = reopened().resolve(TrackingToken.click(message.messageKey(), 2, 17,
                message.expiry()));

        assertThat(click).isPresent();
        assertThat(click.get().message()).isEqualTo(message);
        assertThat(click.get().recipient()).isEqualTo(recipients.get(2));
        assertThat(click.get().recipient().address()).isEqualTo("reader.2@example.com");
        assertThat(click.get().link()).contains(message.links().get(17));
        assertThat(click.get().link().get().targetUrl())
                .isEqualTo("https://shop.example.com/deals?item=17&utm_source=newsletter&q=a%20b#top");
    }

    @Test
    void anOpenResolvesWithoutALinkAndUnknownMessagesRecipientsOrLinksResolveToNothing() {
        MessageRecord message = newsletter(2, now(), LIFETIME);
        store().writeAll(message, recipients(message.messageKey(), 1));

        assertThat(store().resolve(TrackingToken.open(message.messageKey(), 0, message.expiry())))
                .hasValueSatisfying(open -> assertThat(open.link()).isEmpty());
        assertThat(store().resolve(TrackingToken.open(UUID.randomUUID(), 0, message.expiry()))).isEmpty();
        assertThat(store().resolve(TrackingToken.open(message.messageKey(), 1, message.expiry()))).isEmpty();
        assertThat(store().resolve(TrackingToken.click(message.messageKey(), 0, 2, message.expiry()))).isEmpty();
    }

    @Test
    void everyRecipientOfALargeCampaignResolvesToItself() {
        MessageRecord message = newsletter(5, now(), LIFETIME);
        store().writeAll(message, recipients(message.messageKey(), 1_000));

        for (int index : new int[] {0, 1, 499, 999}) {
            assertThat(reopened().resolve(TrackingToken.open(message.messageKey(), index, message.expiry())))
                    .hasValueSatisfying(open -> assertThat(open.recipient().rawAddress())
                            .isEqualTo("Reader." + index + "@Example.com"));
        }
        assertThat(store().resolve(TrackingToken.open(message.messageKey(), 1_000, message.expiry()))).isEmpty();
    }

    @Test
    void writingTheSameMessageAgainChangesNothing() {
        MessageRecord message = newsletter(3, now(), LIFETIME);
        List<RecipientRecord> recipients = recipients(message.messageKey(), 2);
        TrackingToken click = TrackingToken.click(message.messageKey(), 1, 2, message.expiry());
        store().writeAll(message, recipients);
        Optional<Resolution> first = reopened().resolve(click);

        store().writeAll(message, recipients);

        assertThat(reopened().resolve(click)).isPresent().isEqualTo(first);
    }

    @Test
    void dataIsKeptUntilItsLinksExpireAndNotAfter() throws InterruptedException {
        Duration lifetime = Duration.ofSeconds(3);
        MessageRecord message = newsletter(1, now(), lifetime);
        store().writeAll(message, recipients(message.messageKey(), 1));
        TrackingToken click = TrackingToken.click(message.messageKey(), 0, 0, message.expiry());

        assertThat(store().resolve(click)).isPresent();

        passTime(Duration.between(now(), message.expiry()).plusMillis(1_500));

        assertThat(store().resolve(click)).as("the store that read it before").isEmpty();
        assertThat(reopened().resolve(click)).as("a store with nothing cached").isEmpty();
    }

    @Test
    void fourThreadsWritingAtOnceEachFindTheirOwnMessages() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<MessageRecord>>> written = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                written.add(threads.submit(() -> {
                    List<MessageRecord> mine = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        MessageRecord message = newsletter(2, now(), LIFETIME);
                        store().writeAll(message, recipients(message.messageKey(), 3));
                        mine.add(message);
                    }
                    return mine;
                }));
            }
            for (Future<List<MessageRecord>> thread : written) {
                for (MessageRecord message : thread.get(60, TimeUnit.SECONDS)) {
                    assertThat(store().resolve(TrackingToken.click(message.messageKey(), 2, 1, message.expiry())))
                            .hasValueSatisfying(click -> assertThat(click.message()).isEqualTo(message));
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** A Black Friday newsletter with {@code linkCount} links, every tenth an unsubscribe link. */
    static MessageRecord newsletter(int linkCount, Instant sentAt, Duration lifetime) {
        List<LinkRecord> links = new ArrayList<>();
        for (int i = 0; i < linkCount; i++) {
            links.add(i % 10 == 9
                    ? LinkRecord.of("https://shop.example.com/unsubscribe?u=" + i, Optional.of("unsubscribe"), true)
                    : LinkRecord.of("https://shop.example.com/deals?item=" + i + "&utm_source=newsletter&q=a%20b#top",
                            Optional.of("deal " + i), false));
        }
        return MessageRecord.builder()
                .messageKey(UUID.randomUUID())
                .messageId("<20261127.black-friday.42@mail.shop.example.com>")
                .campaignId(Optional.of("black friday"))
                .metadataJson(Optional.of("{\"user\":\"42\",\"segment\":\"vip\"}"))
                .tags(List.of("promo", "q4"))
                .sentAt(sentAt)
                .expiry(sentAt.plus(lifetime))
                .links(links)
                .build();
    }

    static List<RecipientRecord> recipients(UUID messageKey, int count) {
        List<RecipientRecord> recipients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            recipients.add(RecipientRecord.of(messageKey, i, "Reader." + i + "@Example.com"));
        }
        return recipients;
    }
}

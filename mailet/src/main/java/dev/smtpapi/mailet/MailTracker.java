package dev.smtpapi.mailet;

import com.google.common.collect.ImmutableList;
import dev.smtpapi.mailet.XMsysApiHeader.InvalidHeaderException;
import dev.smtpapi.rewrite.TrackableMessage;
import dev.smtpapi.rewrite.TrackedLink;
import dev.smtpapi.store.LinkRecord;
import dev.smtpapi.store.MessageRecord;
import dev.smtpapi.store.RecipientRecord;
import dev.smtpapi.store.StoreUnavailableException;
import dev.smtpapi.store.TagStore;
import dev.smtpapi.token.TokenCodec;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.IntFunction;
import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks one mail at a time (SPEC §3, §4, §7, §9): reads its header and attributes, decides, and then either
 * lets it pass untouched (tracking off), rejects it (bad header), or writes its tag data and hands every
 * recipient a copy with its own links. The tag data is written before any copy exists, so no mail leaves with
 * a link that cannot be resolved. Thread-safe: shared by James's spool threads.
 */
final class MailTracker {
    /** Set on every tracked copy, holding its message key; a mail carrying it is never tracked again. */
    static final AttributeName TRACKED = AttributeName.of("dev.smtpapi.message_key");
    /**
     * Set on copies of a mail that James had not marked "sent by mailet". James's {@code sendMail} marks every
     * copy so; this mailet takes the mark off again when the copy comes back, so that a {@code SentByMailet}
     * matcher (often part of the relay rule) judges the copy as it judged the original.
     */
    static final AttributeName NOT_SENT_BY_MAILET = AttributeName.of("dev.smtpapi.not_sent_by_mailet");

    private static final Logger LOGGER = LoggerFactory.getLogger(EngagementTracking.class);
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final byte[] SPLIT_STUB = "Subject: (split into one tracked copy per recipient)\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private final TrackingConfiguration configuration;
    private final TokenCodec codec;
    private final StoreConnection store;
    private final MailetContext context;
    private final TrackingMetrics metrics;
    private final Clock clock;
    private final Optional<SuppressionCheck> suppression;
    private final ListUnsubscribe listUnsubscribe;

    /** Without the suppression check, and with List-Unsubscribe headers only if a sender URL store is never needed. */
    MailTracker(TrackingConfiguration configuration, TokenCodec codec, StoreConnection store, MailetContext context,
            TrackingMetrics metrics, Clock clock) {
        this(configuration, codec, store, context, metrics, clock, Optional.empty(), new ListUnsubscribe(codec,
                () -> {
                    throw new dev.smtpapi.store.StoreUnavailableException("no store for senders' URLs", null);
                }, clock, new UnsubscribeMetrics(Optional.empty())));
    }

    MailTracker(TrackingConfiguration configuration, TokenCodec codec, StoreConnection store, MailetContext context,
            TrackingMetrics metrics, Clock clock, Optional<SuppressionCheck> suppression,
            ListUnsubscribe listUnsubscribe) {
        this.suppression = suppression;
        this.listUnsubscribe = listUnsubscribe;
        this.configuration = configuration;
        this.codec = codec;
        this.store = store;
        this.context = context;
        this.metrics = metrics;
        this.clock = clock;
    }

    void process(Mail mail) throws MessagingException {
        if (mail.getAttribute(TRACKED).isPresent()) {
            if (mail.removeAttribute(NOT_SENT_BY_MAILET).isPresent()) {
                mail.removeAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE.getName());
            }
            return;
        }
        MimeMessage message = mail.getMessage();
        String[] headerValues = message.getHeader(XMsysApiHeader.NAME);
        boolean hasHeader = headerValues != null && headerValues.length > 0;
        Optional<XMsysApiHeader> header;
        try {
            header = hasHeader ? Optional.of(parseHeader(headerValues)) : Optional.empty();
        } catch (InvalidHeaderException e) {
            metrics.invalidHeader().increment();
            LOGGER.info("Mail {}: sent to the {} processor, bad {} header: {}", mail.getName(), Mail.ERROR,
                    XMsysApiHeader.NAME, e.getMessage());
            mail.setErrorMessage(e.smtpReply());
            mail.setState(Mail.ERROR);
            return;
        }
        AttributeOverrides attributes = AttributeOverrides.read(mail, (attribute, problem) -> {
            metrics.badAttribute().increment();
            LOGGER.warn("Mail {}: attribute {} ignored, the header or init parameter decides instead: {}",
                    mail.getName(), attribute, problem);
        });
        MailSettings settings = MailSettings.resolve(configuration, header, attributes);
        if (settings.metadataLeftOut()) {
            LOGGER.warn("Mail {}: metadata is larger than {}={} bytes; left out of its events", mail.getName(),
                    TrackingConfiguration.MAX_METADATA_LEN, configuration.maxMetadataLength());
        }
        if (suppression.isPresent() && !suppression.get().apply(mail, settings.transactional())) {
            return;
        }
        if (!settings.tracked() || mail.getRecipients().isEmpty()) {
            metrics.untrackedMails().increment();
            if (hasHeader) {
                deliverUntracked(mail, withoutHeader(message), true);
            }
            return;
        }
        track(mail, withoutHeader(message), hasHeader, settings);
    }

    private static XMsysApiHeader parseHeader(String[] values) throws InvalidHeaderException {
        if (values.length > 1) {
            throw new InvalidHeaderException(XMsysApiHeader.NAME + " must appear only once");
        }
        return XMsysApiHeader.parse(values[0]);
    }

    /** {@code raw} is the message without its X-MSYS-API header; {@code hadHeader} says whether it had one. */
    private void track(Mail mail, byte[] raw, boolean hadHeader, MailSettings settings) throws MessagingException {
        TagStore tags;
        try {
            tags = store.get();
        } catch (StoreUnavailableException e) {
            // Known at once, before the parse: while Cassandra is away a mail costs no more than an untracked one.
            onStoreFailure(mail, raw, hadHeader, mail.getRecipients().size(), e);
            return;
        }
        TrackableMessage parsed = TrackableMessage.parse(raw);
        if (!parsed.status().isRewritable()) {
            metrics.notRewritable().increment();
            LOGGER.warn("Mail {}: delivered unchanged, not rewritable ({}): {}", mail.getName(), parsed.status(),
                    parsed.statusDetail());
            deliverUntracked(mail, raw, hadHeader);
            return;
        }
        if (!settings.openTracking() && parsed.links().isEmpty() && !settings.listUnsubscribe()) {
            // Click tracking only, and nothing to click: splitting would give every recipient the same bytes.
            metrics.untrackedMails().increment();
            deliverUntracked(mail, raw, hadHeader);
            return;
        }
        if (parsed.unverifiableLinkCount() > 0) {
            LOGGER.info("Mail {}: {} links left untracked, their place in the HTML could not be confirmed",
                    mail.getName(), parsed.unverifiableLinkCount());
        }
        List<MailAddress> recipients = ImmutableList.copyOf(mail.getRecipients());
        Instant sentAt = clock.instant();
        // Tokens carry whole seconds; the stored expiry must be the same instant.
        Instant expiry = Instant.ofEpochSecond(sentAt.plus(settings.linkExpiry()).getEpochSecond());
        MessageRecord record = messageRecord(mail, parsed, settings, sentAt, expiry);
        ListUnsubscribeHeaders unsubscribeHeaders;
        try {
            tags.writeAll(record, recipientRecords(record.messageKey(), recipients));
            unsubscribeHeaders = listUnsubscribe.forMail(mail.getMessage(), settings, record.messageKey(), expiry);
        } catch (RuntimeException e) {
            onStoreFailure(mail, raw, hadHeader, recipients.size(), e);
            return;
        }
        // Copies sent, for the report page's rates: one asynchronous write per mail, best effort, never throws.
        store.counters().ifPresent(
                copies -> copies.addCopies(mail.getName(), record.campaignId(), sentAt, recipients.size()));

        TrackingUrls urls = new TrackingUrls(codec, record.messageKey(), expiry, settings, parsed.links());
        // With List-Unsubscribe only (no tracking), every copy keeps the body exactly as it was sent.
        IntFunction<byte[]> copyBytes = settings.openTracking() || settings.clickTracking()
                ? i -> unsubscribeHeaders.addTo(parsed.render(urls.forRecipient(i)), i)
                : i -> unsubscribeHeaders.addTo(raw, i);
        Attribute marker = new Attribute(TRACKED, AttributeValue.of(record.messageKey().toString()));
        if (recipients.size() == 1) {
            // Nothing to split: the mail itself becomes the tracked copy and goes on down the processor.
            mail.setMessage(mimeMessage(copyBytes.apply(0)));
            mail.setAttribute(marker);
        } else {
            split(mail, raw, copyBytes, marker, recipients);
        }
        metrics.trackedMails().increment();
        metrics.trackedCopies().add(recipients.size());
        LOGGER.info("Mail {}: tracked as message {} for {} recipients, {} links{}{}", mail.getName(),
                record.messageKey(), recipients.size(), record.links().size(),
                settings.openTracking() ? ", open pixel" : "", settings.clickTracking() ? ", clicks" : "");
    }

    /**
     * One copy per recipient, each sent back to the start of the current processor, where this mailet lets it
     * pass because it carries {@link #TRACKED}. The original is ghosted once every copy is queued. When queueing
     * fails part way, the original keeps only the recipients not yet served, with its untracked body, so nobody
     * gets the mail twice and nobody loses it.
     */
    private void split(Mail mail, byte[] raw, IntFunction<byte[]> copyBytes, Attribute marker,
            List<MailAddress> recipients) throws MessagingException {
        String processor = mail.getState() == null ? Mail.DEFAULT : mail.getState();
        boolean sentByMailet = mail.getAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE.getName()).isPresent();
        List<MailAddress> served = new ArrayList<>(recipients.size());
        // duplicate() copies the message (in James, to a temporary file), and every copy replaces it at once:
        // the original, ghosted at the end, lends the copies a stub instead of its whole body.
        mail.setMessage(mimeMessage(SPLIT_STUB));
        try {
            for (int i = 0; i < recipients.size(); i++) {
                Mail copy = mail.duplicate();
                copy.setName(mail.getName() + "-rcpt" + (i + 1));
                copy.setRecipients(List.of(recipients.get(i)));
                copy.setMessage(mimeMessage(copyBytes.apply(i)));
                copy.setAttribute(marker);
                if (!sentByMailet) {
                    copy.setAttribute(new Attribute(NOT_SENT_BY_MAILET, AttributeValue.of(true)));
                }
                try {
                    context.sendMail(copy, processor);
                } finally {
                    // The spool keeps its own copy; ours (and its temporary file, in James) must go now.
                    LifecycleUtil.dispose(copy);
                }
                served.add(recipients.get(i));
            }
        } catch (MessagingException | RuntimeException e) {
            List<MailAddress> remaining = new ArrayList<>(recipients);
            remaining.removeAll(served);
            mail.setRecipients(remaining);
            mail.setMessage(mimeMessage(raw));
            LOGGER.error("Mail {}: queueing tracked copies failed after {} of {} recipients; the rest stay on the "
                    + "original mail", mail.getName(), served.size(), recipients.size(), e);
            throw e;
        }
        mail.setState(Mail.GHOST);
    }

    private void onStoreFailure(Mail mail, byte[] rawWithoutHeader, boolean hadHeader, int recipients,
            RuntimeException cause) throws MessagingException {
        Optional<String> processor = configuration.onStoreFailure().processor();
        if (processor.isPresent()) {
            metrics.storeFailureRerouted().increment();
            LOGGER.warn("Mail {}: tag storage unavailable, sent to processor {} ({} recipients): {}",
                    mail.getName(), processor.get(), recipients, cause.getMessage());
            // Unchanged, header included, so that a retry through this mailet tracks it as asked.
            mail.setErrorMessage("smtpapi tag storage unavailable: " + cause.getMessage());
            mail.setState(processor.get());
        } else {
            metrics.storeFailureDeliveredUntracked().increment();
            LOGGER.warn("Mail {}: tag storage unavailable, delivered untracked ({} recipients): {}",
                    mail.getName(), recipients, cause.getMessage());
            deliverUntracked(mail, rawWithoutHeader, hadHeader);
        }
    }

    /** The mail goes on as it came, less its X-MSYS-API header; a mail without one is not touched at all. */
    private static void deliverUntracked(Mail mail, byte[] rawWithoutHeader, boolean hadHeader)
            throws MessagingException {
        if (hadHeader) {
            mail.setMessage(mimeMessage(rawWithoutHeader));
        }
    }

    private MessageRecord messageRecord(Mail mail, TrackableMessage parsed, MailSettings settings, Instant sentAt,
            Instant expiry) throws MessagingException {
        List<LinkRecord> links = new ArrayList<>();
        if (settings.clickTracking()) {
            for (TrackedLink link : parsed.links()) {
                links.add(LinkRecord.of(link.targetUrl(), link.name(), link.unsubscribe()));
            }
        }
        String messageId = mail.getMessage().getMessageID();
        return MessageRecord.builder()
                .messageKey(UUID.randomUUID())
                .messageId(messageId == null || messageId.isBlank() ? mail.getName() : messageId.strip())
                .campaignId(settings.campaignId())
                .metadataJson(settings.metadataJson())
                .tags(settings.tags())
                .clickEventsCarryMetadata(settings.clickEventsCarryMetadata())
                .sentAt(sentAt)
                .expiry(expiry)
                .links(links)
                .build();
    }

    private static List<RecipientRecord> recipientRecords(UUID messageKey, List<MailAddress> recipients) {
        List<RecipientRecord> records = new ArrayList<>(recipients.size());
        for (int i = 0; i < recipients.size(); i++) {
            records.add(RecipientRecord.of(messageKey, i, recipients.get(i).asString()));
        }
        return records;
    }

    private static byte[] withoutHeader(MimeMessage message) throws MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            message.writeTo(out);
        } catch (IOException e) {
            throw new MessagingException("cannot read the message", e);
        }
        return TrackableMessage.withoutHeader(out.toByteArray(), XMsysApiHeader.NAME);
    }

    /**
     * A message whose bytes are exactly {@code raw}: parsed, not rebuilt, and never saveChanges()d here. The
     * shared stream lets Jakarta Mail keep the body as a view of {@code raw} instead of copying it.
     */
    static MimeMessage mimeMessage(byte[] raw) throws MessagingException {
        return new MimeMessage(SESSION, new SharedByteArrayInputStream(raw));
    }
}

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
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;
import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailet's work on one mail (docs/behaviour.md §3, §4, §7, §9): reads its header and attributes, decides,
 * and then either lets it pass untracked, rejects it (bad header), or writes its tag data and splits it into one
 * copy per recipient with that recipient's links ({@link #copyFor} is the step each copy goes through). The tag
 * data is written before any copy exists, so no mail leaves with a link that cannot be resolved; the split is
 * recorded in a {@link SplitLedger}, so a mail James delivers again after a crash is not split twice.
 * Thread-safe: shared by James's spool threads.
 */
final class MailSplitter {
    /** Set on every tracked copy, holding its message key; a mail carrying it is never tracked again. */
    static final AttributeName TRACKED = AttributeName.of("dev.smtpapi.message_key");

    private static final Logger LOGGER = LoggerFactory.getLogger(EngagementTracking.class);
    private static final byte[] SPLIT_STUB = "Subject: (split into one tracked copy per recipient)\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private final MailetSettings configuration;
    private final TokenCodec codec;
    private final StoreConnection store;
    private final SplitLedger ledger;
    private final CopyQueue copies;
    private final TrackingMetrics metrics;
    private final Clock clock;
    private final Optional<SuppressionCheck> suppression;
    private final ListUnsubscribe listUnsubscribe;

    /** Without the suppression check, and with List-Unsubscribe headers only if a sender URL store is never needed. */
    MailSplitter(MailetSettings configuration, TokenCodec codec, StoreConnection store, SplitLedger ledger, CopyQueue copies,
            TrackingMetrics metrics, Clock clock) {
        this(configuration, codec, store, ledger, copies, metrics, clock, Optional.empty(), new ListUnsubscribe(codec,
                () -> {
                    throw new StoreUnavailableException("no store for senders' URLs", null);
                }, clock, new UnsubscribeMetrics(Optional.empty())));
    }

    MailSplitter(MailetSettings configuration, TokenCodec codec, StoreConnection store, SplitLedger ledger, CopyQueue copies,
            TrackingMetrics metrics, Clock clock, Optional<SuppressionCheck> suppression,
            ListUnsubscribe listUnsubscribe) {
        this.suppression = suppression;
        this.listUnsubscribe = listUnsubscribe;
        this.configuration = configuration;
        this.codec = codec;
        this.store = store;
        this.ledger = ledger;
        this.copies = copies;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Decides and does what the mail needs. Nothing in a message makes this throw: a message that cannot be read
     * or rewritten goes on unchanged (less its X-MSYS-API header when it can be read). It throws only when
     * James could not queue the tracked copies, after the original was left holding the recipients not served.
     */
    void process(Mail mail) throws MessagingException {
        if (mail.getAttribute(TRACKED).isPresent()) {
            CopyQueue.judgedAsItsOriginal(mail);
            return;
        }
        Optional<Prepared> prepared;
        try {
            prepared = prepare(mail);
        } catch (MessagingException | RuntimeException e) {
            metrics.notRewritable().increment();
            LOGGER.error("Mail {}: passed on as it is, its message could not be read: {}", mail.getName(),
                    e.toString(), e);
            return;
        }
        if (prepared.isEmpty()) {
            return;
        }
        byte[] raw = prepared.get().raw();
        try {
            track(mail, new Untracked(raw, prepared.get().untrackedFormSet()), prepared.get().settings());
        } catch (RuntimeException e) {
            // A bug met by some input: the mail goes on untracked (to the recipients a split had not served yet).
            metrics.notRewritable().increment();
            LOGGER.error("Mail {}: delivered untracked to its {} remaining recipients, tracking failed: {}",
                    mail.getName(), mail.getRecipients().size(), e.toString(), e);
            mail.setMessage(mimeMessage(raw));
        }
    }

    /**
     * What {@link #track} needs: the message bytes less X-MSYS-API, whether the mail already holds them, and the
     * settings.
     */
    private record Prepared(byte[] raw, boolean untrackedFormSet, MailSettings settings) {
    }

    /** Reads header and attributes; handles every mail that is not to be tracked, and says so by empty. */
    private Optional<Prepared> prepare(Mail mail) throws MessagingException {
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
            return Optional.empty();
        }
        AttributeOverrides attributes = AttributeOverrides.read(mail, (attribute, problem) -> {
            metrics.badAttribute().increment();
            LOGGER.warn("Mail {}: attribute {} ignored, the header or init parameter decides instead: {}",
                    mail.getName(), attribute, problem);
        });
        MailSettings settings = MailSettings.resolve(configuration, header, attributes);
        if (settings.metadataLeftOut()) {
            LOGGER.warn("Mail {}: metadata is larger than {}={} bytes; left out of its events", mail.getName(),
                    MailetSettings.MAX_METADATA_LEN, configuration.maxMetadataLength());
        }
        if (suppression.isPresent() && !suppression.get().apply(mail, settings.transactional())) {
            return Optional.empty();
        }
        if (!settings.tracked() || mail.getRecipients().isEmpty()) {
            metrics.untrackedMails().increment();
            if (hasHeader) {
                // The mail goes on as it came, less its X-MSYS-API header; without one it is not touched at all.
                mail.setMessage(mimeMessage(MessageBytes.read(message, XMsysApiHeader.NAME)));
            }
            return Optional.empty();
        }
        byte[] raw = MessageBytes.read(message, XMsysApiHeader.NAME);
        // Unless a store failure may send the mail, header and all, to another processor for a retry, the mail
        // holds these bytes (its untracked form) from here on, and James's copy of the message can go.
        boolean untrackedFormSet = !hasHeader || configuration.onStoreFailure().processor().isEmpty();
        if (untrackedFormSet) {
            mail.setMessage(mimeMessage(raw));
        }
        return Optional.of(new Prepared(raw, untrackedFormSet, settings));
    }

    private static XMsysApiHeader parseHeader(String[] values) throws InvalidHeaderException {
        if (values.length > 1) {
            throw new InvalidHeaderException(XMsysApiHeader.NAME + " must appear only once");
        }
        return XMsysApiHeader.parse(values[0]);
    }

    /** The message without its X-MSYS-API header, and whether the mail holds it already. */
    private record Untracked(byte[] raw, boolean set) {
        /** The mail goes on as it came, less its X-MSYS-API header. */
        void deliver(Mail mail) throws MessagingException {
            if (!set) {
                mail.setMessage(mimeMessage(raw));
            }
        }
    }

    private void track(Mail mail, Untracked untracked, MailSettings settings) throws MessagingException {
        byte[] raw = untracked.raw();
        TagStore tags;
        try {
            tags = store.get();
        } catch (StoreUnavailableException e) {
            // Known at once, before the parse: while Cassandra is away a mail costs no more than an untracked one.
            onStoreFailure(mail, untracked, mail.getRecipients().size(), e);
            return;
        }
        // The engine takes these bytes as they are (no copy of its own): nothing here writes to them, and the mail,
        // the digest and the copies only read them. A large message is held as these bytes plus one rendered copy.
        TrackableMessage parsed = TrackableMessage.adopt(raw);
        if (!parsed.status().isRewritable()) {
            metrics.notRewritable().increment();
            LOGGER.warn("Mail {}: delivered unchanged, not rewritable ({}): {}", mail.getName(), parsed.status(),
                    parsed.statusDetail());
            untracked.deliver(mail);
            return;
        }
        if (!settings.openTracking() && parsed.links().isEmpty() && !settings.listUnsubscribe()) {
            // Click tracking only, and nothing to click: splitting would give every recipient the same bytes.
            metrics.untrackedMails().increment();
            untracked.deliver(mail);
            return;
        }
        if (parsed.unverifiableLinkCount() > 0) {
            LOGGER.info("Mail {}: {} links left untracked, their place in the HTML could not be confirmed",
                    mail.getName(), parsed.unverifiableLinkCount());
        }
        List<MailAddress> recipients = ImmutableList.copyOf(mail.getRecipients());
        byte[] digest = recipients.size() > 1 ? digest(raw) : new byte[0];
        Optional<SplitLedger.Split> resumed = recipients.size() > 1
                ? earlierSplit(mail, digest, recipients) : Optional.empty();
        UUID messageKey = resumed.map(SplitLedger.Split::messageKey).orElseGet(UUID::randomUUID);
        Instant sentAt = resumed.map(SplitLedger.Split::sentAt).orElseGet(clock::instant);
        // Tokens carry whole seconds; the stored expiry must be the same instant.
        Instant expiry = resumed.map(SplitLedger.Split::expiry)
                .orElseGet(() -> Instant.ofEpochSecond(sentAt.plus(settings.linkExpiry()).getEpochSecond()));
        MessageRecord record = messageRecord(mail, parsed, settings, messageKey, sentAt, expiry);
        if (resumed.isEmpty()) {
            try {
                tags.writeAll(record, recipientRecords(record.messageKey(), recipients));
            } catch (RuntimeException e) {
                onStoreFailure(mail, untracked, recipients.size(), e);
                return;
            }
            // Copies sent, for the report page's rates: one asynchronous write per mail, best effort, never throws.
            // A resumed split was counted when it started.
            store.counters().ifPresent(
                    counted -> counted.addCopies(mail.getName(), record.campaignId(), sentAt, recipients.size()));
        }

        ListUnsubscribeHeaders unsubscribeHeaders;
        try {
            unsubscribeHeaders = listUnsubscribe.forMail(mail.getMessage(), settings, record.messageKey(), expiry);
        } catch (RuntimeException e) {
            onStoreFailure(mail, untracked, recipients.size(), e);
            return;
        }
        TrackingUrls urls = new TrackingUrls(codec, record.messageKey(), expiry, settings, parsed.links());
        // With List-Unsubscribe only (no tracking), every copy keeps the body exactly as it was sent.
        IntFunction<byte[]> copyBytes = settings.openTracking() || settings.clickTracking()
                ? i -> unsubscribeHeaders.addTo(parsed.render(urls.forRecipient(i)), i)
                : i -> unsubscribeHeaders.addTo(raw, i);
        Attribute marker = new Attribute(TRACKED, AttributeValue.of(record.messageKey().toString()));
        int queued;
        if (recipients.size() == 1) {
            // Nothing to split: the mail itself becomes the tracked copy and goes on down the processor.
            mail.setMessage(mimeMessage(copyBytes.apply(0)));
            mail.setAttribute(marker);
            queued = 1;
        } else {
            SplitLedger.Split split = resumed.orElseGet(() -> new SplitLedger.Split(mail.getName(), digest,
                    messageKey, sentAt, expiry, addresses(recipients), Set.of()));
            queued = split(mail, raw, copyBytes, marker, split, resumed.isEmpty());
        }
        metrics.trackedMails().increment();
        metrics.trackedCopies().add(queued);
        LOGGER.info("Mail {}: tracked as message {} for {} recipients{}, {} links{}{}", mail.getName(),
                record.messageKey(), recipients.size(),
                resumed.isPresent() ? " (split resumed: " + queued + " copies not queued before)" : "",
                record.links().size(), settings.openTracking() ? ", open pixel" : "",
                settings.clickTracking() ? ", clicks" : "");
    }

    /**
     * The split this very mail started before James went down, if any: same name, same message, same
     * recipients. Without a readable ledger the split starts afresh (and the tag write decides).
     */
    private Optional<SplitLedger.Split> earlierSplit(Mail mail, byte[] digest, List<MailAddress> recipients) {
        try {
            return ledger.find(mail.getName()).filter(split -> split.isOf(digest, addresses(recipients)));
        } catch (RuntimeException e) {
            LOGGER.warn("Mail {}: split progress unreadable, splitting as a new mail: {}", mail.getName(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * One copy per recipient not yet served by an earlier attempt at this split, each sent back to the start of
     * the current processor, where this mailet lets it pass because it carries {@link #TRACKED}. Each queued copy
     * is recorded in the ledger. The original is ghosted once every copy is queued. When queueing fails part way,
     * the original keeps only the recipients not yet served, with its untracked body, so nobody gets the mail
     * twice and nobody loses it. Returns how many copies were queued.
     */
    private int split(Mail mail, byte[] raw, IntFunction<byte[]> copyBytes, Attribute marker,
            SplitLedger.Split split, boolean record) throws MessagingException {
        String processor = mail.getState() == null ? Mail.DEFAULT : mail.getState();
        List<MailAddress> recipients = ImmutableList.copyOf(mail.getRecipients());
        List<MailAddress> served = new ArrayList<>(recipients.size());
        boolean recording = record ? recordStart(mail, split) : true;
        // duplicate() copies the message (in James, to a temporary file), and every copy replaces it at once:
        // the original, ghosted at the end, lends the copies a stub instead of its whole body.
        mail.setMessage(mimeMessage(SPLIT_STUB));
        int queued = 0;
        // The record of copy i is written while copy i+1 is prepared, and stored before copy i+1 is queued: a
        // crash leaves at most the last queued copy unrecorded.
        Optional<CompletionStage<Void>> lastRecord = Optional.empty();
        int lastIndex = -1;
        try {
            for (int i = 0; i < recipients.size(); i++) {
                if (split.queued().contains(i)) {
                    served.add(recipients.get(i));
                    continue;
                }
                Mail copy = copyFor(mail, i, recipients.get(i), copyBytes.apply(i), marker);
                try {
                    recording = recording && stored(mail, lastRecord, lastIndex);
                    copies.enqueue(copy, processor);
                } finally {
                    // The spool keeps its own copy; ours (and its temporary file, in James) must go now.
                    LifecycleUtil.dispose(copy);
                }
                served.add(recipients.get(i));
                queued++;
                lastRecord = recording ? Optional.of(ledger.queued(mail.getName(), i)) : Optional.empty();
                lastIndex = i;
            }
            stored(mail, lastRecord, lastIndex);
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
        return queued;
    }

    /**
     * The tracked copy of {@code mail} for its recipient number {@code index}: one recipient, the same sender,
     * attributes and remote address, this recipient's rendered message, and the mark that it is tracked.
     */
    private static Mail copyFor(Mail mail, int index, MailAddress recipient, byte[] rendered, Attribute marker)
            throws MessagingException {
        Mail copy = mail.duplicate();
        copy.setName(mail.getName() + "-rcpt" + (index + 1));
        copy.setRecipients(List.of(recipient));
        copy.setMessage(mimeMessage(rendered));
        copy.setAttribute(marker);
        return copy;
    }

    private boolean recordStart(Mail mail, SplitLedger.Split split) {
        try {
            ledger.started(split);
            return true;
        } catch (RuntimeException e) {
            LOGGER.warn("Mail {}: split progress not recorded ({}); a crash during this split would send its "
                    + "recipients a second copy", mail.getName(), e.getMessage());
            return false;
        }
    }

    /** Waits for the record of copy {@code index}; false, logged, when it could not be stored. */
    private boolean stored(Mail mail, Optional<CompletionStage<Void>> record, int index) {
        if (record.isEmpty()) {
            return true;
        }
        try {
            record.get().toCompletableFuture().join();
            return true;
        } catch (CompletionException | CancellationException e) {
            LOGGER.warn("Mail {}: split progress no longer recorded after copy {} ({}); a crash during this split "
                    + "would send the later recipients a second copy", mail.getName(), index + 1,
                    e.getCause() == null ? e.toString() : e.getCause().getMessage());
            return false;
        }
    }

    private static List<String> addresses(List<MailAddress> recipients) {
        return recipients.stream().map(MailAddress::asString).toList();
    }

    /** SHA-256 of the message as split: tells a redelivered mail from another mail with the same name. */
    private static byte[] digest(byte[] raw) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(raw);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private void onStoreFailure(Mail mail, Untracked untracked, int recipients, RuntimeException cause) throws MessagingException {
        Optional<String> processor = configuration.onStoreFailure().processor();
        if (processor.isPresent()) {
            metrics.storeFailureRerouted().increment();
            LOGGER.warn("Mail {}: tag storage unavailable, sent to processor {} ({} recipients): {}",
                    mail.getName(), processor.get(), recipients, cause.getMessage());
            // Unchanged, header included (see prepare), so that a retry through this mailet tracks it as asked.
            mail.setErrorMessage("smtpapi tag storage unavailable: " + cause.getMessage());
            mail.setState(processor.get());
        } else {
            metrics.storeFailureDeliveredUntracked().increment();
            LOGGER.warn("Mail {}: tag storage unavailable, delivered untracked ({} recipients): {}",
                    mail.getName(), recipients, cause.getMessage());
            untracked.deliver(mail);
        }
    }

    private MessageRecord messageRecord(Mail mail, TrackableMessage parsed, MailSettings settings, UUID messageKey,
            Instant sentAt, Instant expiry) throws MessagingException {
        List<LinkRecord> links = new ArrayList<>();
        if (settings.clickTracking()) {
            for (TrackedLink link : parsed.links()) {
                links.add(LinkRecord.of(link.targetUrl(), link.name(), link.unsubscribe()));
            }
        }
        String messageId = mail.getMessage().getMessageID();
        return MessageRecord.builder()
                .messageKey(messageKey)
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

    static MimeMessage mimeMessage(byte[] raw) throws MessagingException {
        return MessageBytes.asMessage(raw);
    }

}

package dev.smtpapi.mailet;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Where the split of a mail into tracked copies records its progress, so that the split is idempotent: when
 * James crashes in the middle of one, it delivers the original again after its restart (same mail name), and
 * the mailet then queues only the copies not yet queued, under the same message key, so that the links already
 * sent stay valid and nobody gets a second copy.
 *
 * <p>A copy is recorded just after James's spool accepted it, so a crash can at worst fall between the two: that
 * one copy is then queued again. Every failure is a {@link dev.smtpapi.store.StoreUnavailableException}; the
 * mailet then goes on splitting without a record rather than hold the mail up.
 */
interface SplitLedger {
    /**
     * What a split of the mail named {@code mailName} recorded, if one started and its record has not expired.
     */
    Optional<Split> find(String mailName);

    /** Records that {@code split} starts (its {@link Split#queued()} is empty). */
    void started(Split split);

    /**
     * Records that the copy for recipient {@code recipientIndex} of the split of {@code mailName} is queued; the
     * stage completes (exceptionally with a {@link dev.smtpapi.store.StoreUnavailableException}) once it is
     * stored, so that the caller can prepare the next copy meanwhile.
     */
    CompletionStage<Void> queued(String mailName, int recipientIndex);

    /**
     * One split: the mail it is of (name, and a digest of the message it split, so that another mail of the same
     * name is never taken for it), the message key and times its tokens carry, its recipients in token order, and
     * the indexes of the copies queued so far.
     */
    record Split(String mailName, byte[] messageDigest, UUID messageKey, Instant sentAt, Instant expiry,
            List<String> recipients, Set<Integer> queued) {
        public Split {
            Objects.requireNonNull(mailName, "mailName");
            messageDigest = messageDigest.clone();
            Objects.requireNonNull(messageKey, "messageKey");
            Objects.requireNonNull(sentAt, "sentAt");
            Objects.requireNonNull(expiry, "expiry");
            recipients = List.copyOf(recipients);
            queued = Set.copyOf(queued);
        }

        @Override
        public byte[] messageDigest() {
            return messageDigest.clone();
        }

        /** Whether this is a split of the same message to the same recipients. */
        boolean isOf(byte[] digest, List<String> sameRecipients) {
            return Arrays.equals(messageDigest, digest) && recipients.equals(sameRecipients);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Split that && mailName.equals(that.mailName)
                    && Arrays.equals(messageDigest, that.messageDigest) && messageKey.equals(that.messageKey)
                    && sentAt.equals(that.sentAt) && expiry.equals(that.expiry)
                    && recipients.equals(that.recipients) && queued.equals(that.queued);
        }

        @Override
        public int hashCode() {
            return Objects.hash(mailName, Arrays.hashCode(messageDigest), messageKey, sentAt, expiry, recipients,
                    queued);
        }

        @Override
        public String toString() {
            return "Split{" + mailName + ", message " + messageKey + ", " + queued.size() + " of "
                    + recipients.size() + " queued}";
        }
    }
}

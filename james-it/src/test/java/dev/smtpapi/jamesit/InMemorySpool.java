package dev.smtpapi.jamesit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;

import com.google.common.collect.ImmutableSet;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The mail queues of the in-process James, kept in memory: the one that matters is the spool, which
 * {@code JamesMailSpooler} drains and to which {@code JamesMailetContext#sendMail} (bounces, mails a mailet
 * creates) adds.
 *
 * <p>Like James's real queues, a queue stores a copy of each mail, so the caller may dispose its own, and holds
 * its message as James does.
 * The spool also counts the mails that are queued or being processed, so a test can wait until James has
 * nothing left to do.
 */
final class InMemorySpool implements MailQueueFactory<MailQueue> {
    private final ConcurrentMap<MailQueueName, MemoryQueue> queues = new ConcurrentHashMap<>();
    private final AtomicInteger mailsInFlight = new AtomicInteger();

    @Override
    public Optional<MailQueue> getQueue(MailQueueName name, PrefetchCount count) {
        return Optional.ofNullable(queues.get(name));
    }

    @Override
    public MailQueue createQueue(MailQueueName name, PrefetchCount count) {
        return queues.computeIfAbsent(name, MemoryQueue::new);
    }

    @Override
    public Set<MailQueueName> listCreatedMailQueues() {
        return ImmutableSet.copyOf(queues.keySet());
    }

    /** Mails queued or being processed, in every queue. */
    int mailsInFlight() {
        return mailsInFlight.get();
    }

    private final class MemoryQueue implements MailQueue {
        private final MailQueueName name;
        private final Sinks.Many<MailQueueItem> items = Sinks.many().unicast().onBackpressureBuffer();

        private MemoryQueue(MailQueueName name) {
            this.name = name;
        }

        @Override
        public MailQueueName getName() {
            return name;
        }

        @Override
        public void enQueue(Mail mail) throws MailQueueException {
            Item item = new Item(copyOf(mail));
            mailsInFlight.incrementAndGet();
            // Sinks refuse concurrent emitters; spool threads may enqueue at the same time.
            synchronized (items) {
                items.emitNext(item, Sinks.EmitFailureHandler.FAIL_FAST);
            }
        }

        @Override
        public void enQueue(Mail mail, Duration delay) throws MailQueueException {
            if (delay.isNegative() || delay.isZero()) {
                enQueue(mail);
                return;
            }
            Mail copy = copyOf(mail);
            mailsInFlight.incrementAndGet();
            Mono.delay(delay)
                .doOnNext(tick -> {
                    synchronized (items) {
                        items.emitNext(new Item(copy), Sinks.EmitFailureHandler.FAIL_FAST);
                    }
                })
                .subscribe();
        }

        @Override
        public Publisher<Void> enqueueReactive(Mail mail) {
            return Mono.fromCallable(() -> {
                enQueue(mail);
                return mail;
            }).then();
        }

        @Override
        public Flux<MailQueueItem> deQueue() {
            return items.asFlux();
        }

        @Override
        public void close() {
            // Nothing to release: the queue lives as long as the test's James.
        }

        private Mail copyOf(Mail mail) throws MailQueueException {
            try {
                MailImpl copy = MailImpl.duplicate(mail);
                copy.setName(mail.getName());
                copy.setState(mail.getState());
                if (mail.getMessage() != null) {
                    copy.setMessageNoCopy(asJamesHoldsIt(mail.getName(), mail.getMessage()));
                }
                return copy;
            } catch (MessagingException | IOException e) {
                throw new MailQueueException("Could not copy mail " + mail.getName() + " into queue " + name.asString(), e);
            }
        }

        /**
         * The message as James's SMTP server and mail queues hold it: a {@code MimeMessageWrapper} over a
         * message source. Written after a mailet changed a header without saving, it re-parses its MIME
         * ({@code saveChanges}), which fails for malformed MIME; a copy made from a {@code MimeMessage} would not.
         */
        private static MimeMessageWrapper asJamesHoldsIt(String name, MimeMessage message) throws MessagingException, IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            message.writeTo(bytes);
            return new MimeMessageWrapper(MimeMessageInputStreamSource.create(name, new ByteArrayInputStream(bytes.toByteArray())));
        }

        private final class Item implements MailQueueItem {
            private final Mail mail;

            private Item(Mail mail) {
                this.mail = mail;
            }

            @Override
            public Mail getMail() {
                return mail;
            }

            @Override
            public void done(CompletionStatus status) throws MailQueueException {
                if (status == CompletionStatus.RETRY) {
                    enQueue(mail);
                }
                mailsInFlight.decrementAndGet();
            }
        }
    }
}

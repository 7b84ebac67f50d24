package dev.smtpapi.jamesit;

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
 * <p>Like James's real queues, a queue stores a copy of each mail, so the caller may dispose its own.
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
                    copy.setMessage(new MimeMessage(mail.getMessage()));
                }
                return copy;
            } catch (MessagingException e) {
                throw new MailQueueException("Could not copy mail " + mail.getName() + " into queue " + name.asString(), e);
            }
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

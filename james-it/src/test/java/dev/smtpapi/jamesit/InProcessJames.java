package dev.smtpapi.jamesit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import jakarta.mail.MessagingException;

import org.apache.james.core.Username;
import org.apache.james.lifecycle.api.Disposable;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailetcontainer.impl.CompositeProcessorImpl;
import org.apache.james.mailetcontainer.impl.JamesMailSpooler;
import org.apache.james.mailetcontainer.impl.JamesMailetContext;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.modules.server.MailetContainerModule;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.utils.InitializationOperation;
import org.apache.mailet.Mail;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;

/**
 * James 3.9's mailet container, running in the test's JVM: James's own {@link MailetContainerModule}
 * (processors, spooler, mailet context, {@code GuiceMailetLoader} reading {@code extensions-jars/}) over
 * the in-memory backends of {@link InMemoryServerModule}.
 *
 * <p>It reads {@code conf/mailetcontainer.xml} and {@code conf/domainlist.xml} from the working
 * directory given to {@link #boot(Path)}. A test {@link #enqueue enqueues} mail in the spool, as James's
 * SMTP server does, {@link #awaitIdle waits} until the spool is empty and then reads where each mail
 * ended: a mail repository (see {@link #mailsIn}).
 */
final class InProcessJames implements AutoCloseable {
    /** James runs these once the injector exists; the mailet context needs its queue before the mailets init. */
    private static final List<Class<?>> INITIALISATION_ORDER = List.of(JamesMailetContext.class, CompositeProcessorImpl.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    private static final String LEAK_DETECTION_MODE = "james.lifecycle.leak.detection.mode";

    private final Injector injector;
    private final InMemorySpool spool;

    private InProcessJames(Injector injector, InMemorySpool spool) {
        this.injector = injector;
        this.spool = spool;
    }

    /**
     * Wires and starts the mailet container on {@code workingDirectory}, which holds {@code conf/} and
     * {@code extensions-jars/}. Fails as James does at start-up: a mailet whose class cannot be found or
     * whose {@code init()} throws stops the boot.
     */
    static InProcessJames boot(Path workingDirectory) throws Exception {
        InMemorySpool spool = new InMemorySpool();
        Injector injector = Guice.createInjector(new MailetContainerModule(), new InMemoryServerModule(workingDirectory, spool));
        for (InitializationOperation operation : inJamesOrder(injector.getInstance(Key.get(new TypeLiteral<Set<InitializationOperation>>() { })))) {
            operation.initModule();
        }
        return new InProcessJames(injector, spool);
    }

    private static List<InitializationOperation> inJamesOrder(Set<InitializationOperation> operations) {
        for (InitializationOperation operation : operations) {
            if (!INITIALISATION_ORDER.contains(operation.forClass())) {
                throw new IllegalStateException("Unexpected initialisation for " + operation.forClass()
                    + ": the James version changed, review InProcessJames.INITIALISATION_ORDER");
            }
        }
        return operations.stream()
            .sorted(Comparator.comparingInt(operation -> INITIALISATION_ORDER.indexOf(operation.forClass())))
            .toList();
    }

    /** Adds a local user, so that {@code RecipientIsLocal} matches its address. */
    void addUser(String address, String password) throws Exception {
        injector.getInstance(UsersRepository.class).addUser(Username.of(address), password);
    }

    /**
     * Puts the mail in the spool (in state {@code root} unless the mail says otherwise), as James's SMTP
     * server does: the spool keeps its own copy and {@code mail} is disposed.
     */
    void enqueue(Mail mail) throws MessagingException {
        try {
            spool.createQueue(MailQueueFactory.SPOOL).enQueue(mail);
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    /**
     * Waits until no mail is queued or being processed: every mail enqueued, and every mail the mailets
     * sent on, has reached its end. Fails after {@code timeout}, which is a safety net, not a speed check.
     */
    void awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (spool.mailsInFlight() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(spool.mailsInFlight() + " mail(s) still in the spool after " + timeout);
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** The mails stored in the repository at {@code url}, such as {@code memory://var/mail/error/}. */
    List<StoredMail> mailsIn(MailRepositoryUrl url) throws Exception {
        MailRepository repository = injector.getInstance(MailRepositoryStore.class).select(url);
        List<StoredMail> mails = new ArrayList<>();
        for (Iterator<MailKey> keys = repository.list(); keys.hasNext(); ) {
            Mail mail = repository.retrieve(keys.next());
            try {
                mails.add(StoredMail.of(mail));
            } finally {
                LifecycleUtil.dispose(mail);
            }
        }
        return mails;
    }

    /**
     * The message sources (in memory, or in temporary files for large mails) that James has handed out and
     * no one has disposed yet, as James's leak detector tracks them: a mark to pass to {@link #leakedSince}.
     */
    static Set<Object> undisposedMessageSources() {
        if ("none".equalsIgnoreCase(System.getProperty(LEAK_DETECTION_MODE, ""))) {
            throw new IllegalStateException(LEAK_DETECTION_MODE + "=none: James tracks no message source");
        }
        return Set.copyOf(Disposable.LeakAware.REFERENCES_IN_USE.keySet());
    }

    /**
     * The message sources created since {@code mark} and still not disposed once the spool is idle: leaked by
     * whoever created them. The spooler disposes a mail just after marking it done, so this waits up to
     * {@code grace} for the sources still in use to be released; a leaked one never is.
     */
    Set<Object> leakedSince(Set<Object> mark, Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        while (true) {
            Set<Object> undisposed = new HashSet<>(undisposedMessageSources());
            undisposed.removeAll(mark);
            if (undisposed.isEmpty() || System.nanoTime() > deadline) {
                return undisposed;
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** Empties every mail repository, so that the next test starts from nothing delivered. */
    void emptyRepositories() throws Exception {
        MailRepositoryStore store = injector.getInstance(MailRepositoryStore.class);
        for (MailRepositoryUrl url : store.getUrls().toList()) {
            store.select(url).removeAll();
        }
    }

    /** What the counter {@code name} of James's metric factory, which the mailets were given, has counted so far. */
    int metricCount(String name) {
        return injector.getInstance(RecordingMetricFactory.class).countFor(name);
    }

    /** Stops the spooler, then destroys the mailets and matchers (their {@code destroy()} runs), as James's shutdown does. */
    @Override
    public void close() {
        injector.getInstance(JamesMailSpooler.class).dispose();
        injector.getInstance(CompositeProcessorImpl.class).dispose();
        injector.getInstance(JamesMailetContext.class).dispose();
    }
}

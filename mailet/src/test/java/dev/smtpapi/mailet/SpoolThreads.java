package dev.smtpapi.mailet;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;

/** Hands mails to a mailet from several threads at once, as James's spool threads do. */
final class SpoolThreads {
    private SpoolThreads() {
    }

    /** Services every mail, spread over {@code threads} threads; returns the wall-clock nanoseconds it took. */
    static long service(Mailet mailet, List<Mail> mails, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                int first = thread;
                done.add(pool.submit(() -> {
                    for (int i = first; i < mails.size(); i += threads) {
                        mailet.service(mails.get(i));
                    }
                    return null;
                }));
            }
            for (Future<?> thread : done) {
                thread.get(10, TimeUnit.MINUTES);
            }
            return System.nanoTime() - start;
        } finally {
            pool.shutdownNow();
        }
    }
}

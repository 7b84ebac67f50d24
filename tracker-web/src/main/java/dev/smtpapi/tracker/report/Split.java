package dev.smtpapi.tracker.report;

/** A count split into what people did and what machines (privacy proxies, link scanners) did. */
record Split(long human, long machine) {
    static final Split ZERO = new Split(0, 0);

    long total() {
        return human + machine;
    }

    Split plus(boolean isMachine) {
        return isMachine ? new Split(human, machine + 1) : new Split(human + 1, machine);
    }
}

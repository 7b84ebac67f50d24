package dev.smtpapi.jamesit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;

import org.apache.james.dnsservice.api.DNSService;

/**
 * A DNS that knows only this machine. The mailet container asks DNS for the local host name (postmaster,
 * domain list) and nothing else here: delivery is recorded, not sent, so no MX lookup is ever needed, and a
 * test must never query the outside world.
 */
final class LoopbackDnsService implements DNSService {
    private static final String LOCALHOST = "localhost";

    @Override
    public Collection<String> findMXRecords(String hostname) {
        return List.of();
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
        return List.of();
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
        return List.of(getByName(host));
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
        if (LOCALHOST.equalsIgnoreCase(host) || host.startsWith("127.")) {
            return InetAddress.getLoopbackAddress();
        }
        throw new UnknownHostException(host + " (the test DNS knows only localhost)");
    }

    @Override
    public InetAddress getLocalHost() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public String getHostName(InetAddress address) {
        return address.isLoopbackAddress() ? LOCALHOST : address.getHostAddress();
    }
}

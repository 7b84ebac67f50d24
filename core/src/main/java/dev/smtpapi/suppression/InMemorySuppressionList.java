package dev.smtpapi.suppression;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;

/** A suppression list in memory, for unit tests and tools; the same behaviour as the Cassandra one. */
public final class InMemorySuppressionList implements SuppressionList {
    private record Key(SuppressedAddress recipient, SuppressionType type) {
    }

    private final ConcurrentMap<Key, SuppressionEntry> entries = new ConcurrentHashMap<>();

    @Override
    public Set<SuppressedAddress> suppressed(Collection<SuppressedAddress> recipients, SuppressionType type) {
        Set<SuppressedAddress> found = new HashSet<>();
        for (SuppressedAddress recipient : recipients) {
            if (entries.containsKey(new Key(recipient, type))) {
                found.add(recipient);
            }
        }
        return found;
    }

    @Override
    public List<SuppressionEntry> entries(SuppressedAddress recipient) {
        List<SuppressionEntry> found = new ArrayList<>();
        for (SuppressionType type : SuppressionType.values()) {
            Optional.ofNullable(entries.get(new Key(recipient, type))).ifPresent(found::add);
        }
        return found;
    }

    @Override
    public SuppressionEntry put(SuppressionEntry entry) {
        return entries.merge(new Key(entry.recipient(), entry.type()), entry,
                (existing, later) -> existing.updatedBy(later));
    }

    @Override
    public boolean addIfAbsent(SuppressionEntry entry) {
        return entries.putIfAbsent(new Key(entry.recipient(), entry.type()), entry) == null;
    }

    @Override
    public boolean delete(SuppressedAddress recipient, Optional<SuppressionType> type) {
        boolean removed = false;
        for (SuppressionType each : SuppressionType.values()) {
            if (type.isEmpty() || type.get() == each) {
                removed |= entries.remove(new Key(recipient, each)) != null;
            }
        }
        return removed;
    }

    @Override
    public Stream<SuppressionEntry> all() {
        return List.copyOf(entries.values()).stream();
    }
}

package dev.smtpapi.store;

import com.google.common.collect.ImmutableMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The keyspace's replication, written as {@code SimpleStrategy:1} for one local node or
 * {@code NetworkTopologyStrategy:dc1=3,dc2=3} for a production cluster (one factor per datacenter).
 */
public final class Replication {
    private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9_.\\-]+");
    private final String strategy;
    private final ImmutableMap<String, Integer> factors;

    private Replication(String strategy, Map<String, Integer> factors) {
        this.strategy = strategy;
        this.factors = ImmutableMap.copyOf(factors);
    }

    public static Replication simple(int factor) {
        return new Replication("SimpleStrategy", ImmutableMap.of("replication_factor", checkFactor(factor)));
    }

    public static Replication networkTopology(Map<String, Integer> factorPerDatacenter) {
        if (factorPerDatacenter.isEmpty()) {
            throw new IllegalArgumentException("NetworkTopologyStrategy needs at least one datacenter=factor");
        }
        factorPerDatacenter.forEach((dc, factor) -> {
            if (!DATACENTER.matcher(dc).matches()) {
                throw new IllegalArgumentException("'" + dc + "' is not a datacenter name");
            }
            checkFactor(factor);
        });
        return new Replication("NetworkTopologyStrategy", factorPerDatacenter);
    }

    /** Parses {@code SimpleStrategy:N} or {@code NetworkTopologyStrategy:dc=N[,dc=N...]}. */
    public static Replication parse(String text) {
        String[] parts = text.strip().split(":", 2);
        if (parts.length == 2 && parts[0].equalsIgnoreCase("SimpleStrategy")) {
            try {
                return simple(Integer.parseInt(parts[1].strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected SimpleStrategy:<factor>, was '" + text + "'");
            }
        }
        if (parts.length == 2 && parts[0].equalsIgnoreCase("NetworkTopologyStrategy")) {
            ImmutableMap.Builder<String, Integer> factors = ImmutableMap.builder();
            for (String entry : parts[1].split(",")) {
                String[] pair = entry.strip().split("=", 2);
                try {
                    factors.put(pair[0].strip(), Integer.parseInt(pair[1].strip()));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("expected NetworkTopologyStrategy:<dc>=<factor>[,...], was '"
                            + text + "'");
                }
            }
            return networkTopology(factors.buildKeepingLast());
        }
        throw new IllegalArgumentException("expected SimpleStrategy:<factor> or "
                + "NetworkTopologyStrategy:<dc>=<factor>[,...], was '" + text + "'");
    }

    private static int checkFactor(int factor) {
        if (factor < 1 || factor > 99) {
            throw new IllegalArgumentException("a replication factor must be from 1 to 99, was " + factor);
        }
        return factor;
    }

    /** The CQL map literal, for example {@code {'class': 'SimpleStrategy', 'replication_factor': 1}}. */
    public String toCql() {
        StringBuilder cql = new StringBuilder("{'class': '").append(strategy).append('\'');
        factors.forEach((key, factor) -> cql.append(", '").append(key).append("': ").append(factor));
        return cql.append('}').toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Replication && ((Replication) other).toCql().equals(toCql());
    }

    @Override
    public int hashCode() {
        return toCql().hashCode();
    }

    @Override
    public String toString() {
        return toCql();
    }
}

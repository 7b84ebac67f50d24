package dev.smtpapi.store;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.google.common.collect.ImmutableList;
import dev.smtpapi.config.InvalidOptionException;
import dev.smtpapi.config.Options;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach tag storage, read once from options that the mailet and the tracker spell the same way.
 * Anything the options do not cover (TLS, timeouts, pooling) goes in the driver's own config file,
 * named by {@value #DRIVER_CONFIG}.
 */
public final class StoreSettings {
    public static final String CONTACT_POINTS = "cassandra_contact_points";
    public static final String LOCAL_DATACENTER = "cassandra_local_datacenter";
    public static final String KEYSPACE = "cassandra_keyspace";
    public static final String USERNAME = "cassandra_username";
    public static final String PASSWORD = "cassandra_password";
    public static final String DRIVER_CONFIG = "cassandra_driver_config";
    public static final String CONSISTENCY = "cassandra_consistency";
    public static final String CREATE_SCHEMA = "cassandra_create_schema";
    public static final String REPLICATION = "cassandra_replication";
    public static final String MAX_REQUESTS_IN_FLIGHT = "cassandra_max_requests_in_flight";
    public static final String CACHE_MESSAGES = "cassandra_cache_messages";
    public static final String CACHE_RECIPIENTS = "cassandra_cache_recipients";
    /** How long a mail waits for Cassandra to acknowledge its tag data before it follows on_store_failure. */
    public static final String WRITE_TIMEOUT = "cassandra_write_timeout";
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(3);

    private static final Pattern KEYSPACE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");

    private final ImmutableList<InetSocketAddress> contactPoints;
    private final String localDatacenter;
    private final String keyspace;
    private final Optional<String> username;
    private final Optional<String> password;
    private final Optional<Path> driverConfig;
    private final DefaultConsistencyLevel consistency;
    private final boolean createSchema;
    private final Replication replication;
    private final int maxRequestsInFlight;
    private final int cachedMessages;
    private final int cachedRecipients;
    private final Duration writeTimeout;

    private StoreSettings(Builder builder) {
        if (builder.contactPoints.isEmpty()) {
            throw new IllegalArgumentException("at least one contact point is needed");
        }
        this.contactPoints = ImmutableList.copyOf(builder.contactPoints);
        this.localDatacenter = Objects.requireNonNull(builder.localDatacenter, "localDatacenter");
        if (!KEYSPACE_NAME.matcher(builder.keyspace).matches()) {
            throw new IllegalArgumentException("a keyspace name is lower case letters, digits and _, "
                    + "starting with a letter; was '" + builder.keyspace + "'");
        }
        this.keyspace = builder.keyspace;
        this.username = builder.username;
        this.password = builder.password;
        if (username.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("give both a Cassandra user name and a password, or neither");
        }
        this.driverConfig = builder.driverConfig;
        this.consistency = builder.consistency;
        this.createSchema = builder.createSchema;
        this.replication = builder.replication;
        this.maxRequestsInFlight = builder.maxRequestsInFlight;
        this.cachedMessages = builder.cachedMessages;
        this.cachedRecipients = builder.cachedRecipients;
        this.writeTimeout = Objects.requireNonNull(builder.writeTimeout, "writeTimeout");
        if (writeTimeout.isNegative() || writeTimeout.isZero()) {
            throw new IllegalArgumentException("the write timeout must be positive, was " + writeTimeout);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the {@code cassandra_*} options; a bad value fails naming its option. */
    public static StoreSettings from(Options options) {
        Builder builder = builder();
        options.string(CONTACT_POINTS).ifPresent(value -> builder.contactPoints(parseContactPoints(value)));
        options.string(LOCAL_DATACENTER).ifPresent(builder::localDatacenter);
        String keyspace = options.string(KEYSPACE, builder.keyspace);
        if (!KEYSPACE_NAME.matcher(keyspace).matches()) {
            throw new InvalidOptionException(KEYSPACE, "expected lower case letters, digits and _, starting "
                    + "with a letter, was '" + keyspace + "'");
        }
        builder.keyspace(keyspace);
        Optional<String> username = options.string(USERNAME);
        Optional<String> password = options.string(PASSWORD);
        if (username.isPresent() && password.isEmpty()) {
            throw new InvalidOptionException(PASSWORD, "missing while " + USERNAME + " is set");
        }
        if (password.isPresent() && username.isEmpty()) {
            throw new InvalidOptionException(USERNAME, "missing while " + PASSWORD + " is set");
        }
        builder.credentials(username, password);
        builder.driverConfig(options.readableFile(DRIVER_CONFIG));
        builder.consistency(options.choice(CONSISTENCY, DefaultConsistencyLevel.class, builder.consistency));
        builder.createSchema(options.bool(CREATE_SCHEMA, builder.createSchema));
        options.string(REPLICATION).ifPresent(value -> {
            try {
                builder.replication(Replication.parse(value));
            } catch (IllegalArgumentException e) {
                throw new InvalidOptionException(REPLICATION, e.getMessage());
            }
        });
        builder.maxRequestsInFlight(options.integer(MAX_REQUESTS_IN_FLIGHT, builder.maxRequestsInFlight, 1, 10_000));
        builder.cachedMessages(options.integer(CACHE_MESSAGES, builder.cachedMessages, 0, 10_000_000));
        builder.cachedRecipients(options.integer(CACHE_RECIPIENTS, builder.cachedRecipients, 0, 100_000_000));
        builder.writeTimeout(options.duration(WRITE_TIMEOUT, builder.writeTimeout, Duration.ofMillis(100),
                Duration.ofMinutes(5)));
        return builder.build();
    }

    static List<InetSocketAddress> parseContactPoints(String value) {
        ImmutableList.Builder<InetSocketAddress> points = ImmutableList.builder();
        for (String entry : value.split(",")) {
            String point = entry.strip();
            if (point.isEmpty()) {
                continue;
            }
            String host = point;
            int port = 9042;
            int colon = point.lastIndexOf(':');
            if (colon > 0 && point.indexOf(':') == colon) {
                host = point.substring(0, colon);
                port = Options.parseInteger(CONTACT_POINTS, point.substring(colon + 1), 1, 65535);
            } else if (point.startsWith("[") && point.contains("]:")) {
                host = point.substring(1, point.indexOf("]:"));
                port = Options.parseInteger(CONTACT_POINTS, point.substring(point.indexOf("]:") + 2), 1, 65535);
            }
            points.add(InetSocketAddress.createUnresolved(host, port));
        }
        List<InetSocketAddress> all = points.build();
        if (all.isEmpty()) {
            throw new InvalidOptionException(CONTACT_POINTS, "expected host[:port][,host[:port]...], was '"
                    + value + "'");
        }
        return all;
    }

    public List<InetSocketAddress> contactPoints() {
        return contactPoints;
    }

    public String localDatacenter() {
        return localDatacenter;
    }

    public String keyspace() {
        return keyspace;
    }

    public Optional<String> username() {
        return username;
    }

    Optional<String> password() {
        return password;
    }

    public Optional<Path> driverConfig() {
        return driverConfig;
    }

    public DefaultConsistencyLevel consistency() {
        return consistency;
    }

    public boolean createSchema() {
        return createSchema;
    }

    public Replication replication() {
        return replication;
    }

    public int maxRequestsInFlight() {
        return maxRequestsInFlight;
    }

    public int cachedMessages() {
        return cachedMessages;
    }

    public int cachedRecipients() {
        return cachedRecipients;
    }

    /**
     * The longest a tag-data write waits for Cassandra: for a free request slot, and for each row it sent to be
     * acknowledged. A mail with many recipients may take longer in all, as long as rows keep being stored.
     */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    @Override
    public String toString() {
        return "StoreSettings{contactPoints=" + contactPoints + ", localDatacenter=" + localDatacenter
                + ", keyspace=" + keyspace + ", user=" + username.orElse("(none)") + ", consistency=" + consistency
                + ", createSchema=" + createSchema + ", replication=" + replication + ", writeTimeout=" + writeTimeout.toMillis()
                + "ms}";
    }

    /** Defaults: 127.0.0.1:9042, datacenter1, keyspace smtpapi, LOCAL_QUORUM, schema created, RF 1, writes 3 s. */
    public static final class Builder {
        private List<InetSocketAddress> contactPoints = List.of(InetSocketAddress.createUnresolved("127.0.0.1", 9042));
        private String localDatacenter = "datacenter1";
        private String keyspace = "smtpapi";
        private Optional<String> username = Optional.empty();
        private Optional<String> password = Optional.empty();
        private Optional<Path> driverConfig = Optional.empty();
        private DefaultConsistencyLevel consistency = DefaultConsistencyLevel.LOCAL_QUORUM;
        private boolean createSchema = true;
        private Replication replication = Replication.simple(1);
        private int maxRequestsInFlight = 256;
        private int cachedMessages = 10_000;
        private int cachedRecipients = 200_000;
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;

        private Builder() {
        }

        public Builder contactPoints(List<InetSocketAddress> value) {
            this.contactPoints = value;
            return this;
        }

        public Builder contactPoint(String host, int port) {
            this.contactPoints = List.of(InetSocketAddress.createUnresolved(host, port));
            return this;
        }

        public Builder localDatacenter(String value) {
            this.localDatacenter = value;
            return this;
        }

        public Builder keyspace(String value) {
            this.keyspace = value;
            return this;
        }

        public Builder credentials(Optional<String> user, Optional<String> secret) {
            this.username = user;
            this.password = secret;
            return this;
        }

        public Builder driverConfig(Optional<Path> value) {
            this.driverConfig = value;
            return this;
        }

        public Builder consistency(DefaultConsistencyLevel value) {
            this.consistency = value;
            return this;
        }

        public Builder createSchema(boolean value) {
            this.createSchema = value;
            return this;
        }

        public Builder replication(Replication value) {
            this.replication = value;
            return this;
        }

        public Builder maxRequestsInFlight(int value) {
            this.maxRequestsInFlight = value;
            return this;
        }

        public Builder cachedMessages(int value) {
            this.cachedMessages = value;
            return this;
        }

        public Builder cachedRecipients(int value) {
            this.cachedRecipients = value;
            return this;
        }

        public Builder writeTimeout(Duration value) {
            this.writeTimeout = value;
            return this;
        }

        public StoreSettings build() {
            return new StoreSettings(this);
        }
    }
}

package dev.smtpapi.jamesit;

import java.nio.file.Path;
import java.util.List;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.Protocol;
import org.apache.james.mailrepository.memory.MailRepositoryStoreConfiguration;
import org.apache.james.mailrepository.memory.MemoryMailRepositoryStore;
import org.apache.james.mailrepository.memory.MemoryMailRepositoryUrlStore;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.modules.server.MailetContainerModule.DefaultProcessorsConfigurationSupplier;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.memory.MemoryRecipientRewriteTable;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.apache.james.utils.ExtensionConfiguration;
import org.apache.james.utils.GuiceGenericLoader;
import org.apache.james.utils.GuiceLoader;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.TypeLiteral;

/**
 * Everything James's {@code MailetContainerModule} needs around it, in memory: the file system and
 * configuration of a working directory (its {@code conf/} and {@code extensions-jars/}), the domain list
 * and users (configured by {@code conf/domainlist.xml} and {@code conf/usersrepository.xml}), the recipient
 * rewrite table, the mail repository store ({@code memory://} only, see {@link SnapshotMailRepository}),
 * James's recording metric factory, a loopback DNS and the spool queue. Extensions are loaded by James's
 * own {@link GuiceGenericLoader}.
 *
 * <p>This is what James's memory server wires for the same interfaces, minus the protocols and mailboxes:
 * a mail here starts in the spool and ends in a mail repository.
 */
final class InMemoryServerModule extends AbstractModule {
    private static final Protocol MEMORY = new Protocol("memory");

    private final Path workingDirectory;
    private final InMemorySpool spool;

    InMemoryServerModule(Path workingDirectory, InMemorySpool spool) {
        this.workingDirectory = workingDirectory;
        this.spool = spool;
    }

    @Override
    protected void configure() {
        bind(DNSService.class).to(LoopbackDnsService.class).in(Singleton.class);
        bind(new TypeLiteral<MailQueueFactory<?>>() { }).toInstance(spool);
        bind(MetricFactory.class).to(RecordingMetricFactory.class);
        bind(RecordingMetricFactory.class).in(Singleton.class);
        bind(GaugeRegistry.class).to(NoopGaugeRegistry.class);
        bind(GuiceLoader.class).to(GuiceGenericLoader.class);
        // No guice.extension.module: extension mailets get only the bindings of this injector.
        bind(ExtensionConfiguration.class).toInstance(ExtensionConfiguration.DEFAULT);
        bind(DefaultProcessorsConfigurationSupplier.class).toInstance(() -> {
            throw new IllegalStateException("conf/mailetcontainer.xml has no <processors>: the test must supply one");
        });
    }

    @Provides
    @Singleton
    Configuration configuration() {
        return Configuration.builder().workingDirectory(workingDirectory.toFile()).build();
    }

    @Provides
    @Singleton
    FileSystem fileSystem(Configuration configuration) {
        return new FileSystemImpl(configuration.directories());
    }

    @Provides
    @Singleton
    ConfigurationProvider configurationProvider(FileSystem fileSystem, Configuration configuration) {
        return new FileConfigurationProvider(fileSystem, configuration);
    }

    @Provides
    @Singleton
    DomainList domainList(DNSService dns, ConfigurationProvider configurationProvider) throws Exception {
        MemoryDomainList domainList = new MemoryDomainList(dns);
        domainList.configure(configurationProvider.getConfiguration("domainlist"));
        return domainList;
    }

    @Provides
    @Singleton
    UsersRepository usersRepository(DomainList domainList, ConfigurationProvider configurationProvider) throws Exception {
        MemoryUsersRepository users = MemoryUsersRepository.withVirtualHosting(domainList);
        users.configure(configurationProvider.getConfiguration("usersrepository"));
        return users;
    }

    @Provides
    @Singleton
    RecipientRewriteTable recipientRewriteTable(DomainList domainList, UsersRepository usersRepository) throws Exception {
        MemoryRecipientRewriteTable table = new MemoryRecipientRewriteTable();
        table.setDomainList(domainList);
        table.setUsersRepository(usersRepository);
        table.configure(new BaseHierarchicalConfiguration());
        return table;
    }

    /** James's memory repository store, for the {@code memory://} protocol, creating {@link SnapshotMailRepository} repositories. */
    @Provides
    @Singleton
    MailRepositoryStore mailRepositoryStore() throws Exception {
        MemoryMailRepositoryStore store = new MemoryMailRepositoryStore(
            new MemoryMailRepositoryUrlStore(),
            (className, url) -> new SnapshotMailRepository(),
            MailRepositoryStoreConfiguration.forItems(new MailRepositoryStoreConfiguration.Item(
                List.of(MEMORY), SnapshotMailRepository.class.getName(), new BaseHierarchicalConfiguration())));
        store.init();
        return store;
    }
}

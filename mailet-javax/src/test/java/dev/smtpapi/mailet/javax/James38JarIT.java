package dev.smtpapi.mailet.javax;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.mailet.Mailet;
import org.junit.jupiter.api.Test;

/**
 * The jar a James 3.8 user drops into {@code extensions-jars/}, checked as built: no class of it still names
 * the jakarta namespace, and its mailet links against the James 3.8.1 mailet API (javax.mail) on this test's
 * class path, where the jakarta james39 jar is deliberately absent.
 */
class James38JarIT {
    private static final Path JAR = Path.of(System.getProperty("smtpapi.james38.jar",
            "target/smtpapi-mailet-0.1.0-SNAPSHOT-james38.jar"));
    private static final String MAILET = "dev.smtpapi.mailet.EngagementTracking";

    @Test
    void noClassInTheJarRefersToTheJakartaNamespace() throws IOException {
        assertThat(JAR).as("the transformed jar (built by 'package')").isRegularFile();
        List<String> offenders = new ArrayList<>();
        int classes = 0;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                classes++;
                try (InputStream in = jar.getInputStream(entry)) {
                    // Class-file constant pools hold type names as modified UTF-8: plain ASCII for these.
                    String constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                    if (constants.contains("jakarta/mail") || constants.contains("jakarta/inject")) {
                        offenders.add(entry.getName());
                    }
                }
            }
        }
        assertThat(classes).as("classes in the jar").isGreaterThan(100);
        assertThat(offenders).as("classes still naming jakarta.mail or jakarta.inject").isEmpty();
    }

    @Test
    void theMailetLinksAgainstTheJames381MailetApi() throws Exception {
        assertThat(Files.size(JAR)).isPositive();
        try (URLClassLoader loader = new ExtensionJarLoader(JAR.toUri().toURL(), James38JarIT.class.getClassLoader())) {
            Class<?> mailet = Class.forName(MAILET, false, loader);
            assertThat(mailet.getClassLoader()).as("loaded from the transformed jar").isSameAs(loader);
            assertThat(Mailet.class).as("org.apache.mailet.Mailet of James 3.8.1").isAssignableFrom(mailet);
            // Resolving every declared member's types fails here if one still names a missing jakarta class.
            assertThat(mailet.getDeclaredMethods()).isNotEmpty();
            assertThat(mailet.getMethod("service", org.apache.mailet.Mail.class).getExceptionTypes())
                    .extracting(Class::getName).containsExactly("javax.mail.MessagingException");
        }
    }

    /**
     * Like James's extension loader as far as this test needs: the jar's own classes come from the jar, even
     * where this module's check classes (compiled from the same transformed sources) are on the class path;
     * the mailet API and javax.mail come from the parent, James 3.8.1's.
     */
    private static final class ExtensionJarLoader extends URLClassLoader {
        ExtensionJarLoader(URL jar, ClassLoader parent) {
            super(new URL[] {jar}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.smtpapi.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = findClass(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }
}

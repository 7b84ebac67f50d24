package dev.smtpapi.jamesit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a jar of mailets from Java sources, as a user would before dropping it into James's
 * {@code extensions-jars/}. The sources live outside the test source tree, so their classes are not on the
 * test classpath: James can only reach them through its extension loader.
 */
final class ExtensionJar {
    private ExtensionJar() {
    }

    /**
     * Compiles every {@code .java} file under {@code sourceRoot} against the test classpath (the mailet API
     * James provides) and writes the classes to {@code jar}.
     *
     * @return {@code jar}
     */
    static Path build(Path sourceRoot, Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        Path classes = Files.createTempDirectory(jar.getParent(), "extension-classes");
        compile(sourceRoot, classes);
        try (OutputStream out = Files.newOutputStream(jar);
             JarOutputStream jarOut = new JarOutputStream(out, manifest());
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, jarOut);
                jarOut.closeEntry();
            }
        }
        return jar;
    }

    private static void compile(Path sourceRoot, Path classes) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("The tests need a JDK (javax.tools), found a JRE: " + System.getProperty("java.home"));
        }
        List<String> sources;
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            sources = files.filter(file -> file.toString().endsWith(".java")).map(Path::toString).toList();
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("No .java file under " + sourceRoot.toAbsolutePath());
        }
        // Surefire runs tests through a manifest-only jar; it publishes the real classpath in this property.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> arguments = Stream.concat(
                Stream.of("--release", "17", "-proc:none", "-classpath", classpath, "-d", classes.toString()),
                sources.stream())
            .toList();
        int status = compiler.run(null, null, null, arguments.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("Could not compile the extension sources under " + sourceRoot + " (javac's errors are above)");
        }
    }

    private static Manifest manifest() {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        return manifest;
    }
}

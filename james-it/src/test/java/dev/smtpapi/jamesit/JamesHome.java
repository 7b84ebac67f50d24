package dev.smtpapi.jamesit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.google.common.collect.ImmutableList;

/**
 * The working directory of a James server as a user lays it out: {@code conf/} with the XML configuration
 * and {@code extensions-jars/} with the mailet jars. Built up, then written to a temporary folder for
 * {@link InProcessJames#boot}.
 */
final class JamesHome {
    private static final Pattern PROCESSORS_ELEMENT = Pattern.compile("<processors(\\s[^>]*)?>");

    private final Map<String, byte[]> confFiles;
    private final List<Path> extensionJars;

    private JamesHome(Map<String, byte[]> confFiles, List<Path> extensionJars) {
        this.confFiles = confFiles;
        this.extensionJars = extensionJars;
    }

    /** Every {@code .xml} file of {@code confDirectory}, as James would find it in {@code conf/}. */
    static JamesHome withConfFrom(Path confDirectory) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> entries = Files.list(confDirectory)) {
            for (Path file : entries.filter(entry -> entry.toString().endsWith(".xml")).sorted().toList()) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        if (!files.containsKey("mailetcontainer.xml")) {
            throw new IllegalArgumentException("No mailetcontainer.xml in " + confDirectory.toAbsolutePath());
        }
        return new JamesHome(files, List.of());
    }

    /** The same home with {@code conf/name} holding {@code content} instead. */
    JamesHome withConfFile(String name, String content) {
        Map<String, byte[]> files = new LinkedHashMap<>(confFiles);
        files.put(name, content.getBytes(StandardCharsets.UTF_8));
        return new JamesHome(files, extensionJars);
    }

    /**
     * The same home where, in {@code conf/mailetcontainer.xml}, every {@code <mailet>} of class
     * {@code mailetClass} has {@code value} for its init parameter {@code parameter}: what an operator edits
     * when installing the file on a machine (hosts, ports, paths). Fails when no such mailet, or no such
     * parameter in one of them, is configured, so a renamed parameter cannot go unnoticed.
     */
    JamesHome withMailetParameter(String mailetClass, String parameter, String value) {
        String xml = confFile("mailetcontainer.xml");
        String classAttribute = "class=\"" + mailetClass + "\"";
        String open = "<" + parameter + ">";
        String close = "</" + parameter + ">";
        StringBuilder edited = new StringBuilder();
        int done = 0;
        int mailets = 0;
        for (int start = xml.indexOf(classAttribute); start >= 0; start = xml.indexOf(classAttribute, done)) {
            int end = xml.indexOf("</mailet>", start);
            int valueStart = xml.indexOf(open, start);
            if (end < 0 || valueStart < 0 || valueStart > end) {
                throw new IllegalArgumentException("conf/mailetcontainer.xml: the " + mailetClass + " mailet has no " + open);
            }
            int valueEnd = xml.indexOf(close, valueStart);
            edited.append(xml, done, valueStart + open.length()).append(escapeXml(value));
            done = valueEnd;
            mailets++;
        }
        if (mailets == 0) {
            throw new IllegalArgumentException("conf/mailetcontainer.xml has no mailet of class " + mailetClass);
        }
        edited.append(xml, done, xml.length());
        return withConfFile("mailetcontainer.xml", edited.toString());
    }

    /**
     * The same home where every {@code <mailet>} of class {@code mailetClass} in {@code conf/mailetcontainer.xml}
     * has {@code match} as its matcher. Fails when there is none.
     */
    JamesHome withMailetMatcher(String mailetClass, String match) {
        String xml = confFile("mailetcontainer.xml");
        Matcher mailet = Pattern.compile("<mailet match=\"[^\"]*\" class=\"" + Pattern.quote(mailetClass) + "\"").matcher(xml);
        if (!mailet.find()) {
            throw new IllegalArgumentException("conf/mailetcontainer.xml has no <mailet match=... class=\"" + mailetClass + "\"");
        }
        return withConfFile("mailetcontainer.xml", mailet.replaceAll(Matcher.quoteReplacement(
            "<mailet match=\"" + escapeXml(match) + "\" class=\"" + mailetClass + "\"")));
    }

    /**
     * The same home where {@code mailetXml} (a whole {@code <mailet>} element) comes just before the first
     * {@code <mailet>} of class {@code mailetClass} in {@code conf/mailetcontainer.xml}. Fails when there is none.
     */
    JamesHome withMailetBefore(String mailetClass, String mailetXml) {
        String xml = confFile("mailetcontainer.xml");
        int classAttribute = xml.indexOf("class=\"" + mailetClass + "\"");
        int start = classAttribute < 0 ? -1 : xml.lastIndexOf("<mailet ", classAttribute);
        if (start < 0) {
            throw new IllegalArgumentException("conf/mailetcontainer.xml has no mailet of class " + mailetClass);
        }
        return withConfFile("mailetcontainer.xml", xml.substring(0, start) + mailetXml + "\n            " + xml.substring(start));
    }

    /**
     * The same home with James's processor MBeans turned off ({@code <processors enableJmx="false">}): two
     * mailet containers in one JVM share the platform MBean server, where the names of their processors
     * would clash.
     */
    JamesHome withoutProcessorMBeans() {
        String xml = confFile("mailetcontainer.xml");
        Matcher processors = PROCESSORS_ELEMENT.matcher(xml);
        if (!processors.find()) {
            throw new IllegalArgumentException("conf/mailetcontainer.xml has no <processors> element");
        }
        String attributes = Optional.ofNullable(processors.group(1)).orElse("").replaceAll("\\s*enableJmx=\"[^\"]*\"", "");
        return withConfFile("mailetcontainer.xml",
            xml.substring(0, processors.start()) + "<processors" + attributes + " enableJmx=\"false\">" + xml.substring(processors.end()));
    }

    private static String escapeXml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The same home with {@code jar} copied into {@code extensions-jars/}. */
    JamesHome withExtensionJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("No extension jar at " + jar.toAbsolutePath());
        }
        return new JamesHome(confFiles, ImmutableList.<Path>builder().addAll(extensionJars).add(jar).build());
    }

    /** The text of {@code conf/name}. */
    String confFile(String name) {
        byte[] content = confFiles.get(name);
        if (content == null) {
            throw new IllegalArgumentException("No conf/" + name + " in this home");
        }
        return new String(content, StandardCharsets.UTF_8);
    }

    /** Writes {@code conf/} and {@code extensions-jars/} under {@code directory} and returns it. */
    Path writeTo(Path directory) throws IOException {
        Path conf = Files.createDirectories(directory.resolve("conf"));
        for (Map.Entry<String, byte[]> file : confFiles.entrySet()) {
            Files.write(conf.resolve(file.getKey()), file.getValue());
        }
        Path extensions = Files.createDirectories(directory.resolve("extensions-jars"));
        for (Path jar : extensionJars) {
            Files.copy(jar, extensions.resolve(jar.getFileName()));
        }
        return directory;
    }
}

package dev.smtpapi.tracker.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The report page's static files, read from the class path once at start: its own script and style sheet
 * (under {@code dev/smtpapi/tracker/report/}) and Chart.js from its WebJar, so the page needs no CDN and works
 * with no internet, in the WAR and stand-alone alike. Only these names are served: nothing of a request's
 * path ever reaches the class loader.
 */
final class ReportAssets {
    static final String SCRIPT = "report.js";
    static final String STYLE = "report.css";
    static final String CHART = "chart.umd.min.js";

    private static final String OWN = "/dev/smtpapi/tracker/report/";
    private static final String CHART_POM = "/META-INF/maven/org.webjars.npm/chart.js/pom.properties";

    /** A file and its media type. */
    record Asset(byte[] bytes, String contentType) {
    }

    private final Map<String, Asset> assets;

    private ReportAssets(Map<String, Asset> assets) {
        this.assets = assets;
    }

    /** @throws IllegalStateException when a file is missing from the class path (a broken build) */
    static ReportAssets load() {
        String chartVersion = chartJsVersion();
        return new ReportAssets(Map.of(
                SCRIPT, new Asset(read(OWN + SCRIPT), "text/javascript; charset=utf-8"),
                STYLE, new Asset(read(OWN + STYLE), "text/css; charset=utf-8"),
                CHART, new Asset(read("/META-INF/resources/webjars/chart.js/" + chartVersion + "/dist/" + CHART),
                        "text/javascript; charset=utf-8")));
    }

    Optional<Asset> named(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    private static String chartJsVersion() {
        Properties pom = new Properties();
        try (InputStream in = ReportAssets.class.getResourceAsStream(CHART_POM)) {
            if (in == null) {
                throw new IllegalStateException("the Chart.js WebJar is not on the class path (" + CHART_POM + ")");
            }
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pom.getProperty("version");
    }

    private static byte[] read(String resource) {
        try (InputStream in = ReportAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

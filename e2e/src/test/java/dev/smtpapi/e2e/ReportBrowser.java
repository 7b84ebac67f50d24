package dev.smtpapi.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;

/**
 * A real, headless Chromium for the report page's tests: Debian's {@code chromium} driven through Debian's
 * {@code chromium-driver} (both installed by {@code .ci/run}). Both paths are given explicitly, so Selenium
 * Manager never looks for, or downloads, a browser or a driver. Each browser gets a fresh profile directory;
 * alerts are left open (not dismissed), so a test can see whether a page raised one.
 *
 * <p>Paths: system properties {@value #BROWSER_PROPERTY} and {@value #DRIVER_PROPERTY}, default
 * {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}.
 */
final class ReportBrowser {
    static final String BROWSER_PROPERTY = "smtpapi.chromium";
    static final String DRIVER_PROPERTY = "smtpapi.chromedriver";

    private ReportBrowser() {
    }

    static ChromeDriver start() throws IOException {
        File browser = new File(System.getProperty(BROWSER_PROPERTY, "/usr/bin/chromium"));
        File driver = new File(System.getProperty(DRIVER_PROPERTY, "/usr/bin/chromedriver"));
        for (File file : List.of(browser, driver)) {
            if (!file.canExecute()) {
                throw new IllegalStateException(file + " is missing: the report page's browser tests need Debian's "
                        + "chromium and chromium-driver (apt-get install -y chromium chromium-driver; .ci/run does it)");
            }
        }
        Path profile = Files.createTempDirectory("report-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,1700", "--user-data-dir=" + profile);
        options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
        // The console, so a test can see what the Content-Security-Policy refused.
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver)
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}

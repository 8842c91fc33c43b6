package io.fmebridge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real browser (Debian's headless Chromium through Selenium): sign in, create a
 * destination, read its secret once, send a Segment message with it, and see the event arrive.
 * Each page is saved as a screenshot under target/console-screenshots (the docs show them).
 * Without Chromium the test is skipped, unless FME_BROWSER_TESTS=required (as .ci/run sets it).
 */
class ConsoleInBrowserTest extends RunningServiceTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target/console-screenshots");
    private static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void startBrowser() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "required".equals(System.getenv("FME_BROWSER_TESTS"))) {
            throw new IllegalStateException("FME_BROWSER_TESTS=required but " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing: apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(installed, "Chromium is not installed (apt-get install chromium chromium-driver)");
        profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--user-data-dir=" + profile, "--window-size=1366,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SHOTS);
    }

    /** Each test starts signed out, whichever ran before it. */
    @org.junit.jupiter.api.AfterEach
    void signOut() {
        if (browser != null) {
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        }
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void createADestinationReadItsSecretSendAMessageAndSeeItArrive() throws Exception {
        String base = "http://localhost:" + port + "/";
        browser.get(base);
        WebElement token = waitFor(By.id("token"));
        screenshot("01-sign-in");
        token.sendKeys("wrong-token");
        browser.findElement(By.id("enter")).click();
        assertThat(waitFor(By.cssSelector("[role=alert]")).getText()).isNotBlank();
        token.clear();
        token.sendKeys(ADMIN_TOKEN);
        browser.findElement(By.id("enter")).click();

        // Destinations: add a configuration with the seed's fields
        WebElement form = waitFor(By.id("destination-form"));
        form.findElement(By.name("id")).sendKeys("browser-web");
        new Select(form.findElement(By.name("environment"))).selectByValue("test");
        new Select(form.findElement(By.name("trafficType"))).selectByValue("user");
        new Select(form.findElement(By.name("identity"))).selectByValue("userId");
        form.findElement(By.name("valueField")).sendKeys("properties.revenue");
        screenshot("02-destinations");
        browser.findElement(By.id("save-destination")).click();

        WebElement secretField = waitFor(By.id("webhook-secret"));
        String secret = secretField.getAttribute("value");
        String webhookUrl = browser.findElement(By.id("webhook-url")).getAttribute("value");
        assertThat(secret).startsWith("fmew_");
        assertThat(webhookUrl).endsWith("/api/segment/webhook/browser-web");
        screenshot("03-destination-secret-shown-once");

        // Segment sends a message with that secret
        String user = unique("browser-user");
        Answer sent = post("/api/segment/webhook/browser-web", "{\"type\": \"track\", \"event\": \"Order Completed\", \"userId\": \""
                + user + "\", \"properties\": {\"revenue\": 42.5}, \"messageId\": \"" + unique("m") + "\"}", "Authorization", secret);
        assertThat(sent.status()).isEqualTo(200);
        for (String more : List.of("{\"type\": \"track\", \"event\": \"Order Completed\", \"properties\": {\"revenue\": 20}",
                "{\"type\": \"track\", \"event\": \"Signed Up\"", "{\"type\": \"page\", \"name\": \"Pricing\"")) {
            assertThat(post("/api/segment/webhook/browser-web", more + ", \"userId\": \"" + user + "\", \"messageId\": \""
                    + unique("m") + "\"}", "Authorization", secret).status()).isEqualTo(200);
        }
        post("/api/segment/webhook/browser-web", "{\"type\": \"track\", \"userId\": \"" + user + "\", \"messageId\": \"" + unique("m")
                + "\"}", "Authorization", secret); // no event name: a drop, shown with its reason

        browser.get(base + "#destination/browser-web");
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(
                ExpectedConditions.presenceOfElementLocated(By.xpath("//tr[contains(@class,'event-row')][contains(., 'Order_Completed')]")));
        assertThat(browser.findElement(By.xpath("//tr[contains(@class,'event-row')][contains(., '42.5')]")).getText()).contains(user);
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.xpath("//tr[contains(@class,'drop-row')]"), "missing_event_type_id"));
        assertThat(browser.findElement(By.cssSelector("[data-figure=stored] b")).getText()).isEqualTo("4");
        assertThat(browser.findElement(By.cssSelector("[data-figure=received] b")).getText()).isEqualTo("5");
        awaitCaughtUp();
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("[data-figure=behind] b"), "0")); // the consumers' lag: nothing left to map
        screenshot("04-destination-live");

        // Environments, and the event types of one with their chart
        browser.get(base + "#environments");
        waitFor(By.id("environment-form"));
        screenshot("05-environments");
        browser.get(base + "#environment/test");
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//tr[contains(@class,'event-type-row')][contains(., 'Order_Completed')]")));
        assertThat(browser.findElements(By.cssSelector("svg.chart rect.bar"))).isNotEmpty();
        screenshot("06-environment-event-types");

        // Sources: add a configuration for a Segment workspace in the EU
        browser.get(base + "#sources");
        WebElement sourceForm = waitFor(By.id("source-form"));
        sourceForm.findElement(By.name("id")).sendKeys("browser-eu");
        new Select(sourceForm.findElement(By.name("environment"))).selectByValue("test");
        sourceForm.findElement(By.name("writeKey")).sendKeys("browser-write-key-1");
        new Select(sourceForm.findElement(By.name("region"))).selectByValue("https://events.eu1.segmentapis.com");
        new Select(sourceForm.findElement(By.name("identity:anonymous"))).selectByValue("anonymousId");
        browser.findElement(By.id("save-source")).click();
        WebElement sourceRow = new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//tr[contains(@class,'source-row')][contains(., 'browser-eu')]")));
        assertThat(sourceRow.getText()).contains("events.eu1.segmentapis.com").doesNotContain("browser-write-key-1");
        screenshot("07-sources");
        browser.get(base + "#source/browser-eu");
        waitFor(By.cssSelector("[data-figure=pending]"));
        assertThat(browser.findElement(By.id("replay")).isDisplayed()).isTrue();
        screenshot("08-source-delivery");

        browser.get(base + "#settings");
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("pre"), "browser-web"));
        assertThat(browser.findElement(By.tagName("pre")).getText()).doesNotContain(secret);
        screenshot("09-export");

        List<String> logs = browser.manage().logs().getAvailableLogTypes().contains("browser")
                ? browser.manage().logs().get("browser").getAll().stream().map(Object::toString).filter(l -> l.contains("SEVERE")
                        && !l.contains("401")).toList()
                : List.of();
        assertThat(logs).as("no script errors in the console").isEmpty();
    }

    /**
     * Issue 13 in the console: a metric made on the Metrics page, then the readout of a flag with
     * a known effect, its chart of each treatment's rate with its interval, and the verdict.
     */
    @Test
    void defineAMetricAndReadOutAnExperimentWithItsChart() throws Exception {
        String base = "http://localhost:" + port + "/";
        browser.get(base + "#metrics");
        if ("token".equals(waitForEither(By.id("token"), By.id("metric-form")).getAttribute("id"))) { // not signed in yet
            browser.findElement(By.id("token")).sendKeys(ADMIN_TOKEN);
            browser.findElement(By.id("enter")).click();
            waitFor(By.id("destination-form"));
            browser.get(base + "#metrics");
        }
        String id = unique("b").substring(0, 10).replace("-", "");
        String flag = "browser_checkout_" + id;
        String eventType = "browser_ordered_" + id;
        long t0 = java.time.Instant.now().minusSeconds(600).toEpochMilli();
        StringBuilder impressions = new StringBuilder("[{\"f\": \"" + flag + "\", \"i\": [");
        StringBuilder events = new StringBuilder("{\"batch\": [");
        boolean firstEvent = true;
        for (int i = 0; i < 400; i++) {
            boolean on = i % 2 == 0;
            impressions.append(i == 0 ? "" : ",").append("{\"k\": \"bk-" + id + "-" + i + "\", \"t\": \"" + (on ? "on" : "off")
                    + "\", \"m\": " + (t0 + i) + "}");
            if (on ? (i / 2) % 10 < 3 : (i / 2) % 10 < 1) {
                events.append(firstEvent ? "" : ",").append("{\"type\": \"track\", \"event\": \"" + eventType
                        + "\", \"userId\": \"bk-" + id + "-" + i + "\", \"messageId\": \"" + unique("m") + "\", \"timestamp\": \""
                        + java.time.Instant.ofEpochMilli(t0 + 60_000 + i) + "\"}");
                firstEvent = false;
            }
        }
        assertThat(post("/api/testImpressions/bulk", impressions.append("]}]").toString(), "Authorization", "Bearer sdk-key-test-1")
                .status()).isEqualTo(200);
        assertThat(post("/v1/batch", events.append("]}").toString(), "Authorization", basic("web-api-key-1")).status()).isEqualTo(200);

        // Metrics: define the conversion metric
        WebElement form = waitFor(By.id("metric-form"));
        form.findElement(By.name("id")).sendKeys("orders-" + id);
        form.findElement(By.name("name")).sendKeys("Order conversion");
        new Select(form.findElement(By.name("environment"))).selectByValue("test");
        new Select(form.findElement(By.name("trafficType"))).selectByValue("user");
        form.findElement(By.name("eventType")).sendKeys(eventType);
        new Select(form.findElement(By.name("measure"))).selectByValue("conversion");
        form.findElement(By.name("description")).sendKeys("Share of exposed users who ordered");
        browser.findElement(By.id("save-metric")).click();
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//tr[contains(@class,'metric-row')][contains(., 'orders-" + id + "')]")));
        screenshot("10-metrics");

        // Readout: the flag, that metric, the chart
        awaitCaughtUp();
        browser.get(base + "#readout");
        WebElement readout = waitFor(By.id("readout-form"));
        new Select(readout.findElement(By.name("environment"))).selectByValue("test");
        readout.findElement(By.name("flag")).sendKeys(flag);
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#readout-form select[name=metric] option[value='orders-" + id + "']")));
        new Select(readout.findElement(By.name("metric"))).selectByValue("orders-" + id);
        browser.findElement(By.id("read-out")).click();
        WebElement chart = waitFor(By.cssSelector("svg.readout-chart[data-metric='orders-" + id + "']"));
        assertThat(chart.findElements(By.cssSelector("line.interval"))).hasSize(2);
        assertThat(chart.findElements(By.cssSelector("circle.estimate"))).hasSize(2);
        assertThat(chart.findElements(By.cssSelector("line.control-rule"))).hasSize(1);
        WebElement comparison = browser.findElement(By.cssSelector("tr.comparison-row"));
        assertThat(comparison.getText()).contains("on").contains("+20 pp").contains("+200%").contains("better");
        assertThat(browser.findElement(By.xpath("//tr[contains(@class,'readout-row')][contains(., 'off (control)')]")).getText())
                .contains("10%");
        assertThat(browser.findElement(By.id("srm-ok")).getText()).contains("Split as expected");
        assertThat(browser.findElements(By.cssSelector("tr.exposure-row"))).hasSize(2);
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        screenshot("11-readout");
        List<String> logs = browser.manage().logs().getAvailableLogTypes().contains("browser")
                ? browser.manage().logs().get("browser").getAll().stream().map(Object::toString).filter(l -> l.contains("SEVERE")
                        && !l.contains("401")).toList()
                : List.of();
        assertThat(logs).as("no script errors in the console").isEmpty();
    }

    private WebElement waitForEither(By first, By second) {
        return new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> {
            List<WebElement> found = d.findElements(first);
            if (found.isEmpty() || !found.get(0).isDisplayed()) {
                found = d.findElements(second);
            }
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    private WebElement waitFor(By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}

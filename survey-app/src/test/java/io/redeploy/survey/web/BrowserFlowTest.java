package io.redeploy.survey.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.survey.support.TestApp;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The main flow in Debian's headless Chromium: sign in, create a survey, publish it, answer it, read the
 * result. Without Chromium it skips locally but FAILS under CI=true (install: apt-get install chromium
 * chromium-driver). A screenshot of the results page lands in target/browser-results.png.
 */
class BrowserFlowTest {
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_BINARY", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getenv().getOrDefault("CHROMEDRIVER_BINARY", "/usr/bin/chromedriver"));

    // Selenium warns through java.util.logging that it has no CDP module for this exact Chromium (unused
    // here). Held in a field: java.util.logging forgets the level of loggers nobody references.
    private static final java.util.logging.Logger SELENIUM_LOG =
            java.util.logging.Logger.getLogger("org.openqa.selenium");

    private static TestApp app;
    private static WebDriver driver;
    private static Path profile;

    @BeforeAll
    static void start() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed) {
            String message = "Chromium not found at " + CHROMIUM + " / " + CHROMEDRIVER
                    + " (apt-get install -y chromium chromium-driver)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        SELENIUM_LOG.setLevel(java.util.logging.Level.SEVERE);
        app = TestApp.start();
        profile = Files.createTempDirectory("survey-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1200,1000",
                "--user-data-dir=" + profile);
        // An explicit driver path: Selenium Manager (which would download a driver) is never consulted.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (app != null) {
            app.close();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private static void open(String path) {
        driver.get(app.baseUrl() + path);
    }

    /** Waits for the page after a click: the title names the page (see layout.jte). */
    private static void awaitTitle(String prefix) {
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .until(d -> d.getTitle().startsWith(prefix));
    }

    private static void awaitQuestions(int count) {
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .until(d -> d.findElements(By.cssSelector("ol.questions > li")).size() == count);
    }

    private static WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    private static void type(String id, String text) {
        WebElement field = byId(id);
        field.clear();
        field.sendKeys(text);
    }

    @Test
    void signInCreateAnswerAndSeeTheResult() throws IOException {
        open("/");
        assertThat(driver.getTitle()).startsWith("Sign in");
        type("email", TestApp.ADMIN_EMAIL);
        type("password", TestApp.ADMIN_PASSWORD);
        byId("sign-in").click();
        awaitTitle("Your surveys");

        type("title", "Team lunch");
        type("description", "Where shall we go?");
        byId("create-survey").click();
        awaitTitle("Team lunch");
        assertThat(driver.findElement(By.tagName("h1")).getText()).contains("Team lunch");

        type("text", "Favourite place");
        new Select(byId("type")).selectByValue("single_choice");
        type("options", "Pizzeria\nNoodle bar");
        byId("required").click();
        byId("add-question-button").click();
        awaitQuestions(1);
        type("text", "How hungry are you?");
        new Select(byId("type")).selectByValue("rating");
        byId("add-question-button").click();
        awaitQuestions(2);

        byId("publish").click();
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .until(d -> !d.findElements(By.id("public-link")).isEmpty());
        String publicLink = byId("public-link").getAttribute("href");
        assertThat(publicLink).contains("/s/");

        // Submitting without the required answer shows the error on the page.
        driver.get(publicLink);
        byId("submit-answers").click();
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .until(d -> !d.findElements(By.id("form-errors")).isEmpty());
        assertThat(byId("form-errors").getText()).contains("Please check the answers");
        assertThat(driver.getPageSource())
                .contains("This question needs an answer.")
                .doesNotContain("Exception");

        driver.findElement(By.xpath("//label[contains(., 'Noodle bar')]/input")).click();
        driver.findElement(By.xpath("//div[@class='rating']/label[4]/input")).click();
        byId("submit-answers").click();
        new WebDriverWait(driver, Duration.ofSeconds(15))
                .until(d -> !d.findElements(By.id("message")).isEmpty());
        assertThat(byId("message").getText()).contains("Your answers have been recorded");

        driver.get(publicLink);
        assertThat(byId("message").getText()).contains("already answered");

        open("/surveys");
        driver.findElement(By.linkText("Results")).click();
        awaitTitle("Results");
        assertThat(byId("response-count").getText()).isEqualTo("1");
        String results = driver.findElement(By.tagName("main")).getText();
        assertThat(results)
                .contains("Noodle bar 1 100%")
                .contains("Pizzeria 0 0%")
                .contains("average 4.0");

        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", "browser-results.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * With secure cookies (the production setting) the browser must accept the {@code __Host-} cookies, or nobody
     * could sign in or answer. Chromium treats http://localhost as a secure origin, which lets this run without
     * TLS; the CSRF check and the respondent token work as in production.
     */
    @Test
    void hostPrefixedSecureCookiesWorkInARealBrowser() {
        try (TestApp secure = TestApp.start(Map.of("COOKIE_SECURE", "true"))) {
            String base = "http://localhost:"
                    + secure.baseUrl().substring(secure.baseUrl().lastIndexOf(':') + 1);
            driver.get(base + "/login");
            type("email", TestApp.ADMIN_EMAIL);
            type("password", TestApp.ADMIN_PASSWORD);
            byId("sign-in").click();
            awaitTitle("Your surveys");
            type("title", "Secure cookies");
            byId("create-survey").click();
            awaitTitle("Secure cookies");
            type("text", "Anything to add?");
            byId("add-question-button").click();
            awaitQuestions(1);
            byId("publish").click();
            new WebDriverWait(driver, Duration.ofSeconds(15))
                    .until(d -> !d.findElements(By.id("public-link")).isEmpty());
            String publicLink = byId("public-link").getAttribute("href");

            driver.get(publicLink);
            driver.findElement(By.tagName("textarea")).sendKeys("All good");
            byId("submit-answers").click();
            new WebDriverWait(driver, Duration.ofSeconds(15))
                    .until(d -> !d.findElements(By.id("message")).isEmpty());
            assertThat(byId("message").getText()).contains("Your answers have been recorded");
            driver.get(publicLink);
            assertThat(byId("message").getText()).contains("already answered");

            Set<String> names =
                    driver.manage().getCookies().stream().map(Cookie::getName).collect(Collectors.toSet());
            assertThat(names)
                    .contains("__Host-survey_session", "__Host-survey_csrf", "__Host-survey_respondent")
                    .doesNotContain("survey_session", "survey_csrf", "survey_respondent");
        }
    }
}

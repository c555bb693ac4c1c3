package io.redeploy.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redeploy.agent.Agent;
import io.redeploy.agent.config.AgentConfig;
import io.redeploy.agent.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page of an in-process agent in Debian's headless Chromium: two builds deployed, an operator signs in with
 * the trigger token, holds the service from the page and sees it held. The screenshot lands in docs/status-page.png.
 * Without Chromium it skips locally but FAILS under CI=true (apt-get install chromium chromium-driver).
 */
class StatusPageBrowserIT {
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_BINARY", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getenv().getOrDefault("CHROMEDRIVER_BINARY", "/usr/bin/chromedriver"));
    private static final Duration DEPLOY_WAIT = Duration.ofSeconds(90);
    private static final String TOKEN = "browser-it-token-41f9-0123456789abcdef";

    // Selenium warns through java.util.logging that it has no CDP module for this exact Chromium (unused here).
    private static final java.util.logging.Logger SELENIUM_LOG =
            java.util.logging.Logger.getLogger("org.openqa.selenium");

    @TempDir
    Path stateDir;

    @TempDir
    Path profile;

    private Agent agent;
    private WebDriver driver;
    private String container;

    @BeforeAll
    static void requirements() {
        if (!(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))) {
            String message = "Chromium not found at " + CHROMIUM + " / " + CHROMEDRIVER;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        LocalStack.requireRunning();
        SELENIUM_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (agent != null) {
            agent.close();
        }
        if (container != null) {
            LocalStack.removeContainersNamed(container);
        }
    }

    @Test
    void anOperatorSignsInAndHoldsAServiceFromThePage() throws Exception {
        String repo = LocalStack.uniqueRepository("e2e/page");
        String image = LocalStack.REGISTRY + "/" + repo;
        container = "e2e-page-" + repo.substring(repo.length() - 8);
        int port = LocalStack.freePort();
        LocalStack.pushTestImage(image + ":main", "1");
        agent = startAgent(image, port);
        await().atMost(DEPLOY_WAIT).until(() -> LocalStack.answer(port).equals(Optional.of("build=1")));
        LocalStack.pushTestImage(image + ":main", "2");
        agent.triggerPoll(Optional.empty());
        await().atMost(DEPLOY_WAIT).until(() -> LocalStack.answer(port).equals(Optional.of("build=2")));
        await().atMost(DEPLOY_WAIT)
                .until(() -> agent.state().get("web").history().size() >= 2);

        driver = chromium();
        driver.get("http://127.0.0.1:" + agent.httpPort() + "/");
        assertThat(driver.findElement(By.id("service-web")).getText()).contains("deployed");
        assertThat(driver.findElements(By.id("hold-web")))
                .as("no actions before sign-in")
                .isEmpty();
        assertThat(driver.findElements(By.cssSelector("#service-web circle.mark")))
                .hasSize(2);

        driver.findElement(By.id("token")).sendKeys(TOKEN);
        driver.findElement(By.id("signin-button")).click();
        awaitPage(d -> !d.findElements(By.id("hold-web")).isEmpty());
        Cookie cookie = driver.manage().getCookieNamed("redeploy_operator");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getValue()).doesNotContain(TOKEN);

        driver.findElement(By.id("hold-web")).click();
        awaitPage(d -> !d.findElements(By.id("held-web")).isEmpty());
        assertThat(driver.findElement(By.id("service-web")).getText()).contains("by page");
        assertThat(driver.findElements(By.id("release-web"))).hasSize(1);
        assertThat(agent.state().get("web").hold()).isPresent();

        Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Path docs = LocalStack.repoRoot().resolve("docs");
        Files.copy(shot, docs.resolve("status-page.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private void awaitPage(java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(condition::apply);
    }

    private Agent startAgent(String image, int port) throws Exception {
        String yaml = "state_dir: " + stateDir + "\n"
                + "schedule: { interval: 1h }\n"
                + "http: { listen: \"127.0.0.1:" + LocalStack.freePort() + "\", trigger_token_env: PAGE_TOKEN }\n"
                + "registries:\n  \"" + LocalStack.REGISTRY + "\": { insecure: true }\n"
                + "services:\n"
                + "  web:\n"
                + "    image: " + image + "\n"
                + "    tag: main\n"
                + "    container_name: " + container + "\n"
                + "    ports: [\"127.0.0.1:" + port + ":8080\"]\n"
                + "    health: { type: http, port: 8080, path: /, timeout: 5s, interval: 200ms }\n"
                + "    stop_timeout: 1s\n";
        AgentConfig config = new ConfigLoader(Map.of("PAGE_TOKEN", TOKEN)).parse(yaml, "page-it");
        return Agent.start(config, Clock.systemUTC());
    }

    private WebDriver chromium() {
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
                "--window-size=1000,700",
                "--user-data-dir=" + profile);
        // An explicit driver path: Selenium Manager (which would download a driver) is never consulted.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        WebDriver started = new ChromeDriver(service, options);
        started.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return started;
    }
}

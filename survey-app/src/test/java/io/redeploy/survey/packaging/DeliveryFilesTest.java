package io.redeploy.survey.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The files that deliver the app (GitHub workflows, docker-compose.yml, Dockerfile) parse and have the
 * structure the agent's setup relies on. A YAML syntax error fails here, not on GitHub.
 */
class DeliveryFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path ROOT = repositoryRoot();

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docker-compose.yml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("repository root with docker-compose.yml").isNotNull();
        return dir;
    }

    private static JsonNode yaml(String path) throws IOException {
        return YAML.readTree(ROOT.resolve(path).toFile());
    }

    private static List<JsonNode> steps(JsonNode job) {
        List<JsonNode> steps = new ArrayList<>();
        job.path("steps").forEach(steps::add);
        return steps;
    }

    private static JsonNode stepUsing(JsonNode job, String action) {
        return steps(job).stream()
                .filter(s -> s.path("uses").asText().startsWith(action + "@"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no step uses " + action));
    }

    @Test
    void ciBuildsAndTestsOnPushesAndPullRequests() throws IOException {
        JsonNode ci = yaml(".github/workflows/ci.yml");
        assertThat(ci.path("on").has("push")).isTrue();
        assertThat(ci.path("on").has("pull_request")).isTrue();
        assertThat(ci.path("on").has("workflow_call"))
                .as("reusable by publish.yml")
                .isTrue();
        JsonNode job = ci.path("jobs").path("test");
        assertThat(job.path("runs-on").asText()).isEqualTo("ubuntu-latest");
        stepUsing(job, "actions/checkout");
        assertThat(stepUsing(job, "actions/setup-java")
                        .path("with")
                        .path("java-version")
                        .asText())
                .isEqualTo("17");
        assertThat(steps(job))
                .anySatisfy(s -> assertThat(s.path("run").asText()).contains("scripts/dev-stack.sh up"));
        assertThat(steps(job))
                .anySatisfy(s -> assertThat(s.path("run").asText()).contains("mvn -B -ntp verify"));
    }

    @Test
    void publishPushesMainAndShaTagsToGhcrAfterTheTests() throws IOException {
        JsonNode publish = yaml(".github/workflows/publish.yml");
        assertThat(publish.path("on").path("push").path("branches").get(0).asText())
                .isEqualTo("main");
        JsonNode jobs = publish.path("jobs");
        assertThat(jobs.path("test").path("uses").asText()).isEqualTo("./.github/workflows/ci.yml");

        JsonNode image = jobs.path("image");
        assertThat(image.path("needs").asText()).isEqualTo("test");
        assertThat(image.path("permissions").path("packages").asText()).isEqualTo("write");

        JsonNode login = stepUsing(image, "docker/login-action").path("with");
        assertThat(login.path("registry").asText()).isEqualTo("ghcr.io");
        assertThat(login.path("password").asText()).isEqualTo("${{ secrets.GITHUB_TOKEN }}");

        JsonNode meta = stepUsing(image, "docker/metadata-action");
        assertThat(meta.path("id").asText()).isEqualTo("meta");
        assertThat(meta.path("with").path("images").asText())
                .isEqualTo("ghcr.io/${{ github.repository_owner }}/survey-app");
        assertThat(meta.path("with").path("tags").asText())
                .contains("type=raw,value=main")
                .contains("type=sha,format=long");
        assertThat(meta.path("with").path("labels").asText()).contains("org.opencontainers.image.title=survey-app");

        JsonNode build = stepUsing(image, "docker/build-push-action").path("with");
        assertThat(build.path("file").asText()).isEqualTo("survey-app/Dockerfile");
        assertThat(build.path("context").asText()).isEqualTo(".");
        assertThat(build.path("push").asBoolean()).isTrue();
        assertThat(build.path("tags").asText()).isEqualTo("${{ steps.meta.outputs.tags }}");
        assertThat(build.path("labels").asText()).isEqualTo("${{ steps.meta.outputs.labels }}");

        JsonNode redeploy = steps(image).get(steps(image).size() - 1);
        assertThat(redeploy.path("if").asText()).isEqualTo("vars.REDEPLOY_URL != ''");
        assertThat(redeploy.path("env").path("REDEPLOY_TOKEN").asText()).isEqualTo("${{ secrets.REDEPLOY_TOKEN }}");
        assertThat(redeploy.path("run").asText())
                .contains("/v1/update?service=web")
                .contains("Authorization: Bearer ${REDEPLOY_TOKEN}");
    }

    @Test
    void publishSignsThePushedDigestWithCosignBeforeAskingForADeploy() throws IOException {
        JsonNode image = yaml(".github/workflows/publish.yml").path("jobs").path("image");
        assertThat(image.path("env").path("SIGNING").asText()).isEqualTo("${{ secrets.COSIGN_PRIVATE_KEY != '' }}");
        List<JsonNode> steps = steps(image);
        JsonNode build = stepUsing(image, "docker/build-push-action");
        JsonNode install = stepUsing(image, "sigstore/cosign-installer");
        JsonNode sign = steps.stream()
                .filter(s -> s.path("run").asText().contains("cosign sign"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no cosign sign step"));

        assertThat(build.path("id").asText()).isEqualTo("build");
        assertThat(steps.indexOf(build)).isLessThan(steps.indexOf(install));
        assertThat(steps.indexOf(install)).isLessThan(steps.indexOf(sign));
        assertThat(steps.indexOf(sign)).isLessThan(steps.size() - 1); // the deploy trigger stays last
        assertThat(install.path("if").asText()).isEqualTo("env.SIGNING == 'true'");
        assertThat(sign.path("if").asText()).isEqualTo("env.SIGNING == 'true'");
        assertThat(sign.path("env").path("COSIGN_PRIVATE_KEY").asText()).isEqualTo("${{ secrets.COSIGN_PRIVATE_KEY }}");
        assertThat(sign.path("env").path("COSIGN_PASSWORD").asText()).isEqualTo("${{ secrets.COSIGN_PASSWORD }}");
        assertThat(sign.path("env").path("DIGEST").asText()).isEqualTo("${{ steps.build.outputs.digest }}");
        assertThat(sign.path("run").asText())
                .contains("cosign sign --yes --key env://COSIGN_PRIVATE_KEY")
                .contains("@${DIGEST}");
    }

    @Test
    void everyWorkflowStepIsWellFormed() throws IOException {
        try (var files = Files.list(ROOT.resolve(".github/workflows"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
                JsonNode workflow = YAML.readTree(file.toFile());
                assertThat(workflow.path("name").asText()).as(file + " name").isNotBlank();
                workflow.path("jobs").fields().forEachRemaining(job -> {
                    JsonNode body = job.getValue();
                    assertThat(body.has("uses") || body.has("steps"))
                            .as(file + " job " + job.getKey())
                            .isTrue();
                    body.path("steps")
                            .forEach(step -> assertThat(step.has("uses") ^ step.has("run"))
                                    .as(file + " step " + step)
                                    .isTrue());
                    body.path("steps").forEach(step -> {
                        if (step.has("uses")) {
                            assertThat(step.path("uses").asText())
                                    .as(file + " pinned action")
                                    .matches(".+@v\\d+");
                        }
                    });
                });
            }
        }
    }

    /** {@code ${NAME:-default}} as compose resolves it without a .env: the default. */
    private static String withDefaults(JsonNode value) {
        return value.asText().replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1");
    }

    @Test
    void composeMatchesTheAgentExample() throws IOException {
        JsonNode compose = yaml("docker-compose.yml");
        assertThat(compose.has("name"))
                .as("no top-level name: Debian's docker-compose 1.29 rejects it; COMPOSE_PROJECT_NAME in .env")
                .isFalse();
        JsonNode db = compose.path("services").path("db");
        JsonNode web = compose.path("services").path("web");
        assertThat(withDefaults(db.path("image"))).isEqualTo("postgres:15");
        assertThat(withDefaults(db.path("container_name"))).isEqualTo("survey-db");
        assertThat(db.path("volumes").get(0).asText()).isEqualTo("postgres_data:/var/lib/postgresql/data");
        assertThat(db.path("networks").has("survey")).isTrue();
        assertThat(db.path("healthcheck").path("test").toString()).contains("pg_isready");
        assertThat(db.path("environment").path("POSTGRES_PASSWORD").asText()).contains("POSTGRES_PASSWORD");

        assertThat(withDefaults(web.path("image"))).isEqualTo("ghcr.io/acme/survey-app:main");
        assertThat(withDefaults(web.path("container_name"))).isEqualTo("survey-web");
        assertThat(web.path("build").path("dockerfile").asText()).isEqualTo("survey-app/Dockerfile");
        assertThat(web.path("build").path("args").has("BUILD_IMAGE")).isTrue();
        assertThat(web.path("build").path("args").has("RUNTIME_IMAGE")).isTrue();
        assertThat(web.has("ports"))
                .as("no host port: Caddy serves the app, and the agent runs two builds side by side")
                .isFalse();
        assertThat(web.path("depends_on").path("db").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(web.path("networks").has("survey")).isTrue();
        assertThat(web.path("environment").path("DATABASE_URL").asText()).startsWith("postgres://db:5432/");

        JsonNode caddy = compose.path("services").path("caddy");
        assertThat(withDefaults(caddy.path("image"))).isEqualTo("caddy:2");
        assertThat(withDefaults(caddy.path("container_name"))).isEqualTo("survey-caddy");
        assertThat(caddy.path("ports").toString())
                .as("the site on 80 and 443, the admin API on loopback only")
                .contains("${SURVEY_HTTP_PORT:-80}:80", "${SURVEY_HTTPS_PORT:-443}:443")
                .contains("127.0.0.1:${CADDY_ADMIN_PORT:-2019}:2019");
        assertThat(caddy.path("volumes").toString())
                .contains("${SURVEY_CADDYFILE:-./deploy/caddy/Caddyfile}:/etc/caddy/Caddyfile:ro", "caddy_data:/data");
        assertThat(caddy.path("networks").toString()).contains("survey");

        assertThat(withDefaults(compose.path("networks").path("survey").path("name")))
                .isEqualTo("survey");
        assertThat(withDefaults(compose.path("volumes").path("postgres_data").path("name")))
                .isEqualTo("postgres_data");
    }

    @Test
    void theDocsSayThatPublishedPortsBypassUfw() throws IOException {
        // Issue 16: an operator who trusts ufw to close a port published on all interfaces is wrong; say so.
        for (String doc : List.of("docs/survey-app.md", "docs/security.md")) {
            String text = Files.readString(ROOT.resolve(doc)).replaceAll("\\s+", " ");
            assertThat(text).as(doc).contains("127.0.0.1:8000:8000", "iptables", "ufw", "open to the internet");
        }
    }

    @Test
    void envExampleNamesTheComposeProject() throws IOException {
        assertThat(Files.readString(ROOT.resolve(".env.example"))).containsPattern("(?m)^COMPOSE_PROJECT_NAME=survey$");
    }

    @Test
    void envExampleDefinesEveryVariableComposeInterpolates() throws IOException {
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        String example = Files.readString(ROOT.resolve(".env.example"));
        Matcher m = Pattern.compile("\\$\\{([A-Z_]+)").matcher(compose);
        while (m.find()) {
            assertThat(example).as(".env.example defines " + m.group(1)).containsPattern("(?m)^" + m.group(1) + "=");
        }
    }

    @Test
    void dockerfileIsMultiStageNonRootWithHealthcheckAndReplaceableBases() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("survey-app/Dockerfile"));
        assertThat(dockerfile)
                .containsPattern("(?m)^ARG BUILD_IMAGE=")
                .containsPattern("(?m)^ARG RUNTIME_IMAGE=")
                .containsPattern("(?m)^FROM \\$\\{BUILD_IMAGE} AS build$")
                .containsPattern("(?m)^FROM \\$\\{RUNTIME_IMAGE}$")
                .containsPattern("(?m)^COPY --from=build ")
                .containsPattern("(?m)^USER 10001")
                .containsPattern("(?m)^EXPOSE 8000$")
                .containsPattern("(?m)^HEALTHCHECK .*")
                .contains("/health")
                .containsPattern("(?m)^ENTRYPOINT \\[\"java\", \"-jar\", \"/app/survey-app.jar\"]$");
        assertThat(Files.isExecutable(ROOT.resolve("survey-app/scripts/build-local-base.sh")))
                .isTrue();
    }
}

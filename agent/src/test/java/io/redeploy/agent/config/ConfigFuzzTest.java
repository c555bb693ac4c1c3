package io.redeploy.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.redeploy.agent.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed configs derived from systemd/agent.example.yml by seeded mutations, each run through the CLI with
 * {@code --check}: every one must exit 2 with one readable line per problem, naming where it is, never a stack
 * trace and never a secret. Mutations are deterministic (fixed seed), so a failure reproduces by its name.
 */
class ConfigFuzzTest {
    private static final long SEED = 20261125L;
    private static final Map<String, String> ENV = Map.of(
            "GHCR_TOKEN",
            "ghp_FuzzSecretToken123",
            "REDEPLOY_TRIGGER_TOKEN",
            "trigger-fuzz-secret-456-0123456789abcdef",
            "POSTGRES_PASSWORD",
            "pg-fuzz-secret-789",
            "SURVEY_ADMIN_EMAIL",
            "admin@example.com",
            "SURVEY_ADMIN_PASSWORD",
            "admin-example-secret");
    /** Keys of the example, each misspelled once (the first occurrence in file order). */
    private static final List<String> KEYS = List.of(
            "state_dir",
            "schedule",
            "interval",
            "http",
            "listen",
            "trigger_token_env",
            "docker",
            "host",
            "registries",
            "username",
            "password_env",
            "services",
            "image",
            "tag",
            "container_name",
            "env",
            "volumes",
            "network",
            "network_aliases",
            "health",
            "type",
            "port",
            "timeout",
            "stop_timeout",
            "ports",
            "depends_on",
            "restart_on_dependency_update",
            "path");

    private static final Set<String> ALL_KEYS = allKeys();
    /** Exception names, stack frames, or Java package names (a parser's event classes leaking into a message). */
    private static final Pattern STACK_TRACE = Pattern.compile(
            "Exception|Error:|\\bat [a-z]+\\.[a-zA-Z]|\\.java:\\d+|\\b(org|com|java|javax|sun|io)\\.[a-z]+\\.");

    private static final int TRUNCATIONS = 16;
    /** Each variant runs through the CLI once; the per-variant tests and the coverage count share the outcome. */
    private static final Map<String, Outcome> OUTCOMES = new ConcurrentHashMap<>();

    @TempDir
    static Path dir;

    record Variant(String name, byte[] content) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Outcome(Variant variant, int exitCode, String out, String err, boolean launched) {}

    @TestFactory
    Stream<DynamicTest> everyMalformedVariantExits2WithClearProblemLines() {
        return malformed().stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> assertRejectedClearly(check(v))));
    }

    /**
     * A cut that lands between complete entries can leave a valid config: those are checked to pass, and must be
     * exactly the cuts the loader itself accepts.
     */
    @TestFactory
    Stream<DynamicTest> truncationsFailClearlyUnlessTheyLeaveAValidConfig() {
        return truncations().stream()
                .map(v -> DynamicTest.dynamicTest(v.name(), () -> {
                    Outcome outcome = check(v);
                    if (isValidConfig(v)) {
                        assertThat(outcome.exitCode())
                                .as(v.name() + " stays a valid config")
                                .isEqualTo(0);
                        assertThat(outcome.out()).contains("is valid:");
                        assertThat(outcome.launched()).isFalse();
                    } else {
                        assertRejectedClearly(outcome);
                    }
                }));
    }

    @Test
    void coversAtLeast60VariantsAndManyDistinctProblemKinds() {
        List<Variant> all = new ArrayList<>(malformed());
        List<Variant> rejectedCuts =
                truncations().stream().filter(v -> !isValidConfig(v)).toList();
        all.addAll(rejectedCuts);
        Set<String> kinds = new TreeSet<>();
        AtomicInteger problemLines = new AtomicInteger();
        StringBuilder report = new StringBuilder();
        for (Variant v : all) {
            Outcome outcome = check(v);
            report.append("== ")
                    .append(v.name())
                    .append(" (exit ")
                    .append(outcome.exitCode())
                    .append(")\n")
                    .append(outcome.err().length() > 3000 ? outcome.err().substring(0, 3000) + "...\n" : outcome.err());
            List<String> problems = problemLines(outcome);
            problemLines.addAndGet(problems.size());
            problems.forEach(line -> kinds.add(kind(line, outcome)));
        }
        System.out.printf(
                "ConfigFuzzTest: %d malformed variants (%d truncations of %d rejected), %d problem lines, "
                        + "%d distinct problem kinds%n",
                all.size(), rejectedCuts.size(), TRUNCATIONS, problemLines.get(), kinds.size());
        writeReport(report, kinds);
        assertThat(all).hasSizeGreaterThanOrEqualTo(60);
        assertThat(kinds).hasSizeGreaterThanOrEqualTo(60);
        assertThat(malformed()).extracting(Variant::name).doesNotHaveDuplicates();
    }

    /** With -Dfuzz.report=FILE, every variant's output and the problem kinds, for reading the messages. */
    private static void writeReport(StringBuilder report, Set<String> kinds) {
        String target = System.getProperty("fuzz.report");
        if (target == null) {
            return;
        }
        report.append("== distinct problem kinds\n");
        kinds.forEach(k -> report.append(k).append('\n'));
        try {
            Files.writeString(Path.of(target), report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void mutationsAreDeterministic() {
        assertThat(malformed())
                .usingElementComparator(
                        (a, b) -> a.name().equals(b.name()) && Arrays.equals(a.content(), b.content()) ? 0 : 1)
                .containsExactlyElementsOf(malformed());
        assertThat(isValidConfig(new Variant("example", example().getBytes(StandardCharsets.UTF_8))))
                .isTrue();
    }

    // --- assertions ---

    private static void assertRejectedClearly(Outcome outcome) {
        String name = outcome.variant().name();
        String all = outcome.out() + outcome.err();
        assertThat(outcome.exitCode())
                .as(name + " exit code; stderr:\n" + outcome.err())
                .isEqualTo(2);
        assertThat(outcome.launched()).as(name + " started the agent").isFalse();
        assertThat(outcome.out()).as(name + " stdout").isEmpty();
        assertThat(STACK_TRACE.matcher(all).find())
                .as(name + " shows an exception or stack frame:\n" + all)
                .isFalse();
        ENV.values()
                .forEach(secret -> assertThat(all).as(name + " leaks a secret").doesNotContain(secret));

        List<String> lines = outcome.err().lines().toList();
        String file = file(outcome.variant()).toString();
        assertThat(lines.get(0))
                .as(name)
                .matches("config: " + Pattern.quote(file) + " has \\d+ problems?; nothing was started:");
        List<String> problems = problemLines(outcome);
        assertThat(problems).as(name + " problem lines").isNotEmpty();
        assertThat(lines).as(name + " line count (a problem spanning lines?)").hasSize(problems.size() + 1);
        for (String line : problems) {
            assertThat(namesWhere(line, file))
                    .as(name + ": line names no key path or position: " + line)
                    .isTrue();
        }
    }

    /** Every problem line names a line number, a key path, or the whole file. */
    private static boolean namesWhere(String line, String file) {
        Matcher m = Pattern.compile("config: " + Pattern.quote(file) + "(:\\d+)?: (.+)")
                .matcher(line);
        if (!m.matches()) {
            return false;
        }
        return m.group(1) != null
                || m.group(2).matches("[^ ']+: .+")
                || m.group(2).startsWith("file ");
    }

    private static List<String> problemLines(Outcome outcome) {
        List<String> lines = outcome.err().lines().toList();
        return lines.isEmpty() ? List.of() : lines.subList(1, lines.size());
    }

    /** The message template: location, key path, quoted values and numbers removed, up to the expectation. */
    private static String kind(String line, Outcome outcome) {
        String message =
                line.substring(("config: " + file(outcome.variant())).length()).replaceFirst("^(:\\d+)?: ", "");
        message = message.replaceFirst("^[^ ']+: ", "");
        message = message.replaceAll("'[^']*'", "'_'")
                .replaceAll("dependency cycle [^;]*", "dependency cycle")
                .replaceAll("0x[0-9a-fA-F]+|\\d+", "N");
        int semicolon = message.indexOf(';');
        return semicolon < 0 ? message : message.substring(0, semicolon);
    }

    // --- running the CLI ---

    private static Outcome check(Variant variant) {
        return OUTCOMES.computeIfAbsent(variant.name(), name -> runCheck(variant));
    }

    private static Outcome runCheck(Variant variant) {
        Path file = file(variant);
        try {
            Files.write(file, variant.content());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        boolean[] launched = {false};
        int exitCode = Main.run(
                new String[] {"--config", file.toString(), "--check"},
                ENV,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                config -> launched[0] = true);
        return new Outcome(
                variant,
                exitCode,
                out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8),
                launched[0]);
    }

    private static Path file(Variant variant) {
        return dir.resolve(variant.name().replaceAll("[^A-Za-z0-9_.-]", "_") + ".yml");
    }

    private static boolean isValidConfig(Variant variant) {
        try {
            new ConfigLoader(ENV).parse(new String(variant.content(), StandardCharsets.UTF_8), "cut");
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    // --- the variants ---

    private static String example() {
        try {
            return Files.readString(ConfigLoaderTest.exampleFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Variant> truncations() {
        byte[] bytes = example().getBytes(StandardCharsets.UTF_8);
        Random random = new Random(SEED + 1);
        List<Variant> cuts = new ArrayList<>();
        cuts.add(new Variant("truncated at byte 0", new byte[0]));
        for (int i = 1; i < TRUNCATIONS; i++) {
            int at = 1 + random.nextInt(bytes.length - 1);
            cuts.add(new Variant("truncated at byte " + at, Arrays.copyOf(bytes, at)));
        }
        return cuts;
    }

    static List<Variant> malformed() {
        Variants v = new Variants(example(), new Random(SEED));
        missingRequired(v);
        misspelledKeys(v);
        wrongTypes(v);
        outOfRange(v);
        brokenSyntax(v);
        duplicates(v);
        invalidValues(v);
        emptyStrings(v);
        hugeValues(v);
        notUtf8(v);
        binaryJunk(v);
        return v.list;
    }

    private static void missingRequired(Variants v) {
        v.add("missing services", v.remove("services"));
        v.add("missing image of db", v.remove("services/db/image"));
        v.add("missing image of web", v.remove("services/web/image"));
        v.add("missing tcp health port", v.remove("services/db/health/port"));
        v.add("missing schedule interval", v.remove("schedule/interval"));
        v.add("missing registry password", v.remove("registries/ghcr.io/password_env"));
        v.add("missing registry username", v.remove("registries/ghcr.io/username"));
        v.add("unset trigger token variable", v.set("http/trigger_token_env", "trigger_token_env: UNSET_TOKEN"));
        v.add("unset interpolated variable", v.example.replace("${POSTGRES_PASSWORD}", "${POSTGRES_PASSWORD_UNSET}"));
        v.add("only comments", v.example.lines().filter(l -> l.startsWith("#")).reduce("", (a, b) -> a + b + "\n"));
    }

    private static void misspelledKeys(Variants v) {
        for (String key : KEYS) {
            String typo = v.typo(key);
            Matcher m =
                    Pattern.compile("(?m)^(\\s*)" + Pattern.quote(key) + ":").matcher(v.example);
            assertThat(m.find()).as("example has key " + key).isTrue();
            v.add(
                    "misspelled " + key + " as " + typo,
                    v.example.substring(0, m.start()) + m.group(1) + typo + ":" + v.example.substring(m.end()));
        }
    }

    private static void wrongTypes(Variants v) {
        v.add("root is a list", "- services\n- schedule\n");
        v.add("root is a scalar", "services web db\n");
        v.add("state_dir is a list", v.set("state_dir", "state_dir: [/var/lib/redeploy-agent]"));
        v.add("schedule is a scalar", v.set("schedule", "schedule: 60s"));
        v.add("schedule.interval is a list", v.set("schedule/interval", "interval: [60s]"));
        v.add("http is a list", v.set("http", "http: [\"127.0.0.1:8686\"]"));
        v.add("http.listen is a number", v.set("http/listen", "listen: 8686"));
        v.add("docker is a boolean", v.set("docker", "docker: true"));
        v.add("docker.host is a mapping", v.set("docker/host", "host: {unix: /var/run/docker.sock}"));
        v.add("registries is a list", v.set("registries", "registries: [ghcr.io]"));
        v.add("registry is a scalar", v.set("registries/ghcr.io", "ghcr.io: deploy-bot"));
        v.add("registry username is a list", v.set("registries/ghcr.io/username", "username: [deploy-bot]"));
        v.add("registry password_env is a mapping", v.set("registries/ghcr.io/password_env", "password_env: {}"));
        v.add("services is a list", v.set("services", "services: [db, web]"));
        v.add("service is a scalar", v.set("services/db", "db: postgres:16"));
        v.add("tag is a list", v.set("services/db/tag", "tag: [16]"));
        v.add("image is a mapping", v.set("services/db/image", "image: {name: postgres}"));
        v.add("env is a list", v.set("services/db/env", "env: [\"POSTGRES_USER=survey\"]"));
        v.add("env value is a mapping", v.set("services/db/env/POSTGRES_USER", "POSTGRES_USER: {name: survey}"));
        v.add("env value is a list", v.set("services/web/env/PORT", "PORT: [8000]"));
        v.add("env value is null", v.set("services/web/env/PORT", "PORT:"));
        v.add(
                "volumes is a string",
                v.set("services/db/volumes", "volumes: \"postgres_data:/var/lib/postgresql/data\""));
        v.add("network_aliases is a string", v.set("services/db/network_aliases", "network_aliases: db"));
        v.add("health is a string", v.set("services/db/health", "health: tcp"));
        v.add("health port is a string", v.set("services/db/health/port", "port: postgres"));
        v.add("stop_timeout is a bare number", v.set("services/db/stop_timeout", "stop_timeout: 30"));
        v.add("ports is a number", v.set("services/web/ports", "ports: 8000"));
        v.add("port is a mapping", v.set("services/web/ports", "ports: [{published: 8000, target: 8000}]"));
        v.add("depends_on is a string", v.set("services/web/depends_on", "depends_on: db"));
        v.add("depends_on item is a list", v.set("services/web/depends_on", "depends_on: [[db]]"));
        v.add(
                "restart_on_dependency_update is a string",
                v.set("services/web/restart_on_dependency_update", "restart_on_dependency_update: \"yes please\""));
        v.add(
                "restart_on_dependency_update is a number",
                v.set("services/web/restart_on_dependency_update", "restart_on_dependency_update: 1"));
        v.add("health path is a number", v.set("services/web/health/path", "path: 404"));
        v.add("container_name is a list", v.set("services/web/container_name", "container_name: [survey-web]"));
        v.add("network is a mapping", v.set("services/web/network", "network: {name: survey}"));
        v.add("command is a string", v.insert("services/web", "command: python app.py"));
        v.add("command item is a mapping", v.insert("services/web", "command: [{run: app}]"));
        v.add("labels is a list", v.insert("services/web", "labels: [team=web]"));
        v.add("prune_old_images is a string", v.insert("services/web", "prune_old_images: sometimes"));
    }

    private static void outOfRange(Variants v) {
        v.add("health port 0", v.set("services/db/health/port", "port: 0"));
        v.add("health port 65536", v.set("services/db/health/port", "port: 65536"));
        v.add("health port -1", v.set("services/db/health/port", "port: -1"));
        v.add("health port 20 digits", v.set("services/db/health/port", "port: 99999999999999999999"));
        v.add("health port hex", v.set("services/db/health/port", "port: 0x1538"));
        v.add("health port float", v.set("services/db/health/port", "port: 5432.5"));
        v.add("published host port 0", v.set("services/web/ports", "ports: [\"0:8000\"]"));
        v.add("published container port 70000", v.set("services/web/ports", "ports: [\"8000:70000\"]"));
        v.add("interval 0s", v.set("schedule/interval", "interval: 0s"));
        v.add("interval 999ms", v.set("schedule/interval", "interval: 999ms"));
        v.add("health interval above timeout", v.set("services/web/health/interval", "interval: 2m"));
        v.add("health timeout 500ms", v.set("services/web/health/timeout", "timeout: 500ms"));
        v.add("stop_timeout 1500ms", v.set("services/db/stop_timeout", "stop_timeout: 1500ms"));
        v.add("listen port 0", v.set("http/listen", "listen: \"127.0.0.1:0\""));
        v.add("listen port 65536", v.set("http/listen", "listen: \"127.0.0.1:65536\""));
        v.add("restart policy on-failure:0", v.insert("services/web", "restart_policy: \"on-failure:0\""));
        v.add("tag of 129 characters", v.set("services/db/tag", "tag: " + "a".repeat(129)));
    }

    private static void brokenSyntax(Variants v) {
        v.add("under-indented key", v.example.replace("    tag: main", "   tag: main"));
        v.add(
                "over-indented key",
                v.example.replace("    container_name: survey-web", "      container_name: survey-web"));
        v.add("unclosed double quote", v.example.replace("tag: \"15\"", "tag: \"15"));
        v.add("unclosed single quote", v.example.replace("listen: \"127.0.0.1:8686\"", "listen: '127.0.0.1:8686"));
        v.add("tab before key", v.example.replace("    tag: main", "\ttag: main"));
        v.add("tabs as indentation", v.example.replace("  ", "\t"));
        v.add("unclosed flow sequence", v.example.replace("network_aliases: [db]", "network_aliases: [db"));
        v.add("unclosed flow mapping", v.set("schedule", "schedule: {interval: 60s"));
        v.add("value with a colon and space", v.example.replace("tag: main", "tag: main: latest"));
        v.add("list item inside a mapping", v.example.replace("    tag: main\n", "    tag: main\n    - extra\n"));
        v.add("second document", v.example + "---\nservices: {}\n");
        v.add(
                "anchor and alias",
                v.example
                        .replace(
                                "    network: survey\n    network_aliases: [db]",
                                "    network: &net survey\n    network_aliases: [db]")
                        .replace(
                                "    network: survey\n    network_aliases: [web]",
                                "    network: *net\n    network_aliases: [web]"));
        v.add("merge key", v.insert("services/web", "<<: {stop_timeout: 5s}"));
        v.add("binary tag", v.set("services/db/tag", "tag: !!binary MTY="));
        v.add("int tag on text", v.set("services/db/tag", "tag: !!int sixteen"));
        v.add("complex key", "? [a, b]\n: c\n" + v.example);
        v.add("deeply nested lists", "services: " + "[".repeat(5000) + "]".repeat(5000) + "\n");
        v.add("deeply nested mappings", "services: " + "{a: ".repeat(3000) + "1" + "}".repeat(3000) + "\n");
        v.add("NUL character in a value", v.example.replace("tag: main", "tag: ma\0in"));
        v.add("bell character in a quoted value", v.example.replace("tag: \"15\"", "tag: \"1\u00075\""));
        v.add("unbalanced closing bracket", v.example.replace("depends_on: [db]", "depends_on: db]"));
        v.add("block scalar badly indented", v.set("services/db/tag", "tag: |\nnot indented"));
        v.add("directive in the middle", v.example.replace("services:\n", "%YAML 1.1\nservices:\n"));
    }

    private static void duplicates(Variants v) {
        v.add("duplicate tag", v.insert("services/db", "tag: \"17\""));
        v.add("duplicate services section", v.example + "services:\n  other: {image: nginx}\n");
        v.add("duplicate env variable", v.insert("services/db/env", "POSTGRES_USER: other"));
        v.add(
                "duplicate registry in other case",
                v.insert("registries", "GHCR.IO: {username: x, password_env: GHCR_TOKEN}"));
        v.add("duplicate container name", v.set("services/web/container_name", "container_name: survey-db"));
        v.add("duplicate published port", v.insert("services/db", "ports: [\"8000:5432\"]"));
        v.add("port of the agent itself", v.set("services/web/ports", "ports: [\"127.0.0.1:8686:8000\"]"));
        v.add("dependency listed twice", v.set("services/web/depends_on", "depends_on: [db, db]"));
        v.add("duplicate service", v.example.replace("  web:\n", "  db:\n"));
    }

    private static void invalidValues(Variants v) {
        for (String duration : List.of("60", "1 minute", "60sec", "-5s", "1.5s", "99999999999999999999h", "60 s")) {
            v.add("interval '" + duration + "'", v.set("schedule/interval", "interval: \"" + duration + "\""));
        }
        v.add("cron with 5 fields", v.set("schedule", "schedule: {cron: \"*/5 * * * *\"}"));
        v.add("cron nonsense", v.set("schedule", "schedule: {cron: \"every five minutes please\"}"));
        v.add("interval and cron", v.set("schedule", "schedule: {interval: 60s, cron: \"0 * * * * ?\"}"));
        v.add("schedule without either", v.set("schedule", "schedule: {}"));
        for (String port : List.of(
                "8000", "abc:8000", "8000:8000/sctp", "999.1.1.1:8000:8000", "[::1:8000:8000", "8000:8000:8000:8000")) {
            v.add("port mapping '" + port + "'", v.set("services/web/ports", "ports: [\"" + port + "\"]"));
        }
        for (String volume : List.of(
                "postgres_data", "relative/path:/data", "postgres_data:data", "postgres_data:/data:rx", "a:/b:ro:x")) {
            v.add("volume '" + volume + "'", v.set("services/db/volumes", "volumes: [\"" + volume + "\"]"));
        }
        for (String image : List.of("Postgres", "postgres:16", "postgres@sha256:abc", "ghcr.io//acme", "a b")) {
            v.add("image '" + image + "'", v.set("services/db/image", "image: \"" + image + "\""));
        }
        for (String tag : List.of("-16", ".hidden", "16 beta", "16:latest")) {
            v.add("tag '" + tag + "'", v.set("services/db/tag", "tag: \"" + tag + "\""));
        }
        for (String listen : List.of("127.0.0.1", "localhost:port", "300.0.0.1:8686", "[::1:8686")) {
            v.add("listen '" + listen + "'", v.set("http/listen", "listen: \"" + listen + "\""));
        }
        v.add("docker host without scheme", v.set("docker/host", "host: /var/run/docker.sock"));
        v.add("docker host over http", v.set("docker/host", "host: http://localhost:2375"));
        v.add("container name of one character", v.set("services/web/container_name", "container_name: s"));
        v.add("container name with a space", v.set("services/web/container_name", "container_name: survey web"));
        v.add("service name with a slash", v.example.replace("  web:\n", "  web/app:\n"));
        v.add("network name starting with -", v.set("services/web/network", "network: \"-net\""));
        v.add("aliases on the host network", v.set("services/web/network", "network: host"));
        v.add("bad network alias", v.set("services/web/network_aliases", "network_aliases: [\"web app\"]"));
        v.add("health type grpc", v.set("services/web/health/type", "type: grpc"));
        v.add("health path without slash", v.set("services/web/health/path", "path: health"));
        v.add("path on a tcp check", v.insert("services/db/health", "path: /health"));
        v.add("mode manual", v.insert("services/web", "mode: manual"));
        v.add("restart policy sometimes", v.insert("services/web", "restart_policy: sometimes"));
        v.add("reserved label", v.insert("services/web", "labels: {redeploy-agent.managed: \"false\"}"));
        v.add("empty command", v.insert("services/web", "command: []"));
        v.add("bare $ in env", v.example.replace("\"${POSTGRES_PASSWORD}\"", "\"$POSTGRES_PASSWORD\""));
        v.add("unclosed ${ in env", v.example.replace("\"${POSTGRES_PASSWORD}\"", "\"${POSTGRES_PASSWORD\""));
        v.add("bad variable name in env", v.example.replace("\"${POSTGRES_PASSWORD}\"", "\"${POSTGRES-PASSWORD}\""));
        v.add("unknown dependency", v.set("services/web/depends_on", "depends_on: [dbb]"));
        v.add("self dependency", v.set("services/web/depends_on", "depends_on: [web]"));
        v.add("dependency cycle", v.insert("services/db", "depends_on: [web]"));
        v.add("unset password variable", v.set("registries/ghcr.io/password_env", "password_env: MISSING_TOKEN"));
        v.add(
                "password_env not a variable name",
                v.set("registries/ghcr.io/password_env", "password_env: \"ghcr token\""));
        v.add("inline trigger token", v.set("http/trigger_token_env", "trigger_token: hunter2-inline"));
        v.add("inline registry password", v.set("registries/ghcr.io/password_env", "password: hunter2-inline"));
        v.add("password_env and password_file", v.insert("registries/ghcr.io", "password_file: /run/secrets/ghcr"));
        v.add(
                "password_file naming a secret variable",
                v.set("registries/ghcr.io/password_env", "password_file: \"${GHCR_TOKEN}\""));
        v.add(
                "password_file under a secret variable",
                v.set("registries/ghcr.io/password_env", "password_file: \"/run/${GHCR_TOKEN}/token\""));
        v.add(
                "trigger_token_file naming a secret variable",
                v.set("http/trigger_token_env", "trigger_token_file: \"${REDEPLOY_TRIGGER_TOKEN}\""));
        v.add("relative password_file", v.set("registries/ghcr.io/password_env", "password_file: secrets/ghcr"));
        v.add("relative state_dir", v.set("state_dir", "state_dir: var/lib/redeploy-agent"));
        v.add("unused registry", v.insert("registries", "ghcr.com: {username: x, password_env: GHCR_TOKEN}"));
        v.add(
                "registry key not a host",
                v.insert("registries", "\"https://ghcr.io/\": {username: x, password_env: GHCR_TOKEN}"));
        v.add("no services", v.set("services", "services: {}"));
    }

    private static void emptyStrings(Variants v) {
        v.add("empty image", v.set("services/db/image", "image: \"\""));
        v.add("empty tag", v.set("services/db/tag", "tag: \"\""));
        v.add("empty listen", v.set("http/listen", "listen: \"\""));
        v.add("empty interval", v.set("schedule/interval", "interval: \"\""));
        v.add("empty container name", v.set("services/web/container_name", "container_name: \"\""));
        v.add("empty network", v.set("services/web/network", "network: \"\""));
        v.add("empty password_env", v.set("registries/ghcr.io/password_env", "password_env: \"\""));
        v.add("empty state_dir", v.set("state_dir", "state_dir: \"\""));
        v.add("empty service name", v.example.replace("  web:\n", "  \"\":\n"));
        v.add("empty env variable name", v.insert("services/web/env", "\"\": value"));
        v.add("empty key at top level", "\"\": 1\n" + v.example);
        v.add("null image", v.set("services/db/image", "image:"));
        v.add("null services", v.set("services", "services:"));
        v.add("whitespace only file", "   \n\n  \n");
    }

    private static void hugeValues(Variants v) {
        v.add("huge tag", v.set("services/db/tag", "tag: " + "a".repeat(200_000)));
        v.add("huge image", v.set("services/db/image", "image: " + "A".repeat(300_000)));
        v.add("huge unknown key", v.insert("services/web", "x".repeat(100_000) + ": 1"));
        v.add("huge port number", v.set("services/db/health/port", "port: " + "9".repeat(2_000)));
        v.add("huge duration", v.set("schedule/interval", "interval: " + "1".repeat(5_000) + "s"));
        v.add("huge port list", v.set("services/web/ports", "ports: [" + "\"x\", ".repeat(2_000) + "\"y\"]"));
        v.add("huge quoted value with newlines", v.set("services/db/tag", "tag: \"" + "line\\n".repeat(10_000) + "\""));
        v.add("value with a newline", v.set("services/web/container_name", "container_name: \"survey\\nweb\""));
        v.add("key with a newline", v.insert("services/web", "\"image\\nname\": x"));
        v.add("file over 1 MiB", v.example + "# " + "z".repeat(1024 * 1024) + "\n");
    }

    private static void notUtf8(Variants v) {
        byte[] bytes = v.example.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            int at = v.random.nextInt(bytes.length);
            byte[] copy = bytes.clone();
            copy[at] = (byte) 0xFF;
            v.add("byte 0xFF at offset " + at, copy);
        }
        v.add("latin-1 comment", (v.example + "# caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1));
        v.add(
                "latin-1 value",
                v.set("services/db/env/POSTGRES_USER", "POSTGRES_USER: s\u00fcrvey")
                        .getBytes(StandardCharsets.ISO_8859_1));
        v.add(
                "UTF-16LE with BOM",
                concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, v.example.getBytes(StandardCharsets.UTF_16LE)));
        v.add("UTF-16LE without BOM", v.example.getBytes(StandardCharsets.UTF_16LE));
        v.add("overlong slash", concat(bytes, new byte[] {'#', ' ', (byte) 0xC0, (byte) 0xAF, '\n'}));
        v.add("lone continuation byte", concat(new byte[] {(byte) 0x80}, bytes));
        v.add("cut multi-byte character", concat(bytes, new byte[] {'#', ' ', (byte) 0xE2, (byte) 0x82}));
    }

    private static void binaryJunk(Variants v) {
        byte[] junk = new byte[4096];
        v.random.nextBytes(junk);
        v.add("4 KiB of random bytes", junk);
        StringBuilder printable = new StringBuilder();
        for (int i = 0; i < 2048; i++) {
            int c = v.random.nextInt(0x60);
            printable.append(c == 0x5F ? '\n' : (char) (0x20 + c));
        }
        v.add("2 KiB of printable junk", printable.toString());
        byte[] gzip = new byte[512];
        v.random.nextBytes(gzip);
        gzip[0] = 0x1F;
        gzip[1] = (byte) 0x8B;
        v.add("gzip header", gzip);
        v.add("ELF header", concat(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, junk));
        byte[] example = v.example.getBytes(StandardCharsets.UTF_8);
        byte[] splice = new byte[64];
        v.random.nextBytes(splice);
        int at = v.random.nextInt(example.length);
        v.add(
                "64 random bytes spliced at " + at,
                concat(Arrays.copyOf(example, at), splice, Arrays.copyOfRange(example, at, example.length)));
        v.add("control characters", "\u0001\u0002\u0003services:\u001b[31m\n");
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static Set<String> allKeys() {
        Set<String> keys = new TreeSet<>(KEYS);
        keys.addAll(AgentConfigBinder.KEYS);
        keys.addAll(ServiceBinder.KEYS);
        keys.addAll(RegistriesBinder.KEYS);
        keys.addAll(List.of("cron", "trigger_token", "trigger_token_file", "db", "web"));
        return keys;
    }

    /** Builds variants from the example text; edits address entries by key path ("services/db/tag"). */
    private static final class Variants {
        final String example;
        final Random random;
        final List<Variant> list = new ArrayList<>();

        Variants(String example, Random random) {
            this.example = example;
            this.random = random;
        }

        void add(String name, String content) {
            add(name, content.getBytes(StandardCharsets.UTF_8));
        }

        void add(String name, byte[] content) {
            list.add(new Variant(name, content));
        }

        /** A seeded typo (swap, drop, double or change a letter) that is no other key of the config. */
        String typo(String key) {
            while (true) {
                int i = random.nextInt(key.length());
                StringBuilder s = new StringBuilder(key);
                switch (random.nextInt(4)) {
                    case 0 -> {
                        if (i + 1 < key.length()) {
                            s.setCharAt(i, key.charAt(i + 1));
                            s.setCharAt(i + 1, key.charAt(i));
                        }
                    }
                    case 1 -> s.deleteCharAt(i);
                    case 2 -> s.insert(i, key.charAt(i));
                    default -> s.setCharAt(i, (char) ('a' + random.nextInt(26)));
                }
                String typo = s.toString();
                if (!typo.isEmpty() && !ALL_KEYS.contains(typo)) {
                    return typo;
                }
            }
        }

        /** The example with the entry at {@code path} (key line and its nested block) replaced by {@code entry}. */
        String set(String path, String entry) {
            List<String> lines = new ArrayList<>(example.lines().toList());
            int[] span = span(lines, path);
            String indent = " ".repeat(indent(lines.get(span[0])));
            List<String> replacement = entry.isEmpty()
                    ? List.of()
                    : entry.lines().map(l -> indent + l).toList();
            lines.subList(span[0], span[1]).clear();
            lines.addAll(span[0], replacement);
            return String.join("\n", lines) + "\n";
        }

        String remove(String path) {
            return set(path, "");
        }

        /** The example with {@code entry} added as the first child of the mapping at {@code path}. */
        String insert(String path, String entry) {
            List<String> lines = new ArrayList<>(example.lines().toList());
            int[] span = span(lines, path);
            int childIndent = indent(lines.get(span[0])) + 2;
            lines.add(span[0] + 1, " ".repeat(childIndent) + entry);
            return String.join("\n", lines) + "\n";
        }

        /** [first line, end line) of the entry at {@code path}, found by indentation. */
        private static int[] span(List<String> lines, String path) {
            int start = 0;
            int end = lines.size();
            int parentIndent = -1;
            int found = -1;
            for (String key : path.split("/")) {
                found = -1;
                Pattern keyLine = Pattern.compile("\\s*\"?" + Pattern.quote(key) + "\"?:(\\s.*)?");
                for (int i = start; i < end; i++) {
                    if (keyLine.matcher(lines.get(i)).matches() && indent(lines.get(i)) > parentIndent) {
                        found = i;
                        break;
                    }
                }
                if (found < 0) {
                    throw new IllegalStateException("the example has no entry " + path);
                }
                parentIndent = indent(lines.get(found));
                start = found + 1;
                end = blockEnd(lines, found);
            }
            return new int[] {found, end};
        }

        private static int blockEnd(List<String> lines, int keyLine) {
            int indent = indent(lines.get(keyLine));
            for (int i = keyLine + 1; i < lines.size(); i++) {
                String line = lines.get(i);
                if (!line.isBlank() && !line.strip().startsWith("#") && indent(line) <= indent) {
                    return i;
                }
            }
            return lines.size();
        }

        private static int indent(String line) {
            int n = 0;
            while (n < line.length() && line.charAt(n) == ' ') {
                n++;
            }
            return n;
        }
    }
}

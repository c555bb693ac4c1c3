package io.redeploy.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One kind of bad input per test, each asserting the exact line an operator reads. */
class ConfigProblemsTest {
    private static final Map<String, String> ENV = Map.of("GHCR_TOKEN", "ghp_secret", "PG", "pg-secret");

    static List<String> problems(String yaml) {
        ConfigException e =
                catchThrowableOfType(ConfigException.class, () -> new ConfigLoader(ENV).parse(yaml, "agent.yml"));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.problems();
    }

    @Test
    void unknownTopLevelKeySuggestsTheNearest() {
        assertThat(problems("""
                servcies:
                  web: {image: ghcr.io/acme/app}
                """))
                .containsExactly(
                        "agent.yml:1: unknown key 'servcies' at top level; did you mean 'services'?",
                        "agent.yml:1: missing required key 'services'; expected a mapping of the services to watch, "
                                + "e.g. services: {web: {image: ghcr.io/acme/app}}");
    }

    @Test
    void unknownServiceKeyWithoutNearMatchListsTheKnownOnes() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    replicas: 3
                """))
                .containsExactly("agent.yml:4: services.web: unknown key 'replicas'; expected one of: image, "
                        + "container, swarm_service, adopt, tag, container_name, mode, env, ports, volumes, network, "
                        + "network_aliases, depends_on, restart_on_dependency_update, health, stop_timeout, "
                        + "restart_policy, command, labels, prune_old_images, revive_stopped, policy, cooldown, hooks, "
                        + "strategy, proxy, traffic, verify");
    }

    @Test
    void typoInNestedKey() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    helth: {type: none}
                """))
                .containsExactly("agent.yml:4: services.web: unknown key 'helth'; did you mean 'health'?");
    }

    @Test
    void syntaxErrorNamesLineAndColumn() {
        assertThat(problems("""
                services:
                  web: {image: ghcr.io/acme/app
                schedule: {interval: 60s}
                """))
                .containsExactly("agent.yml:3: invalid YAML at column 9: while parsing a flow mapping started at "
                        + "line 2: expected ',' or '}', but got :; expected valid YAML syntax");
    }

    @Test
    void wrongTypeNamesWhatWasGiven() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    ports: "8000:8000"
                """))
                .containsExactly("agent.yml:4: services.web.ports: got '8000:8000' (a string); expected a list "
                        + "of port mappings, e.g. [\"8000:8000\"]");
    }

    @Test
    void badPortMapping() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    ports: ["8000:8000", "80:abc"]
                """))
                .containsExactly("agent.yml:4: services.web.ports[1]: '80:abc' is not a port mapping; expected "
                        + "[host_ip:]host_port:container_port[/tcp|udp]");
    }

    @Test
    void portOutOfRange() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    ports: ["80:70000"]
                """))
                .containsExactly(
                        "agent.yml:4: services.web.ports[0]: '80:70000' has port 70000 out of range; expected 1-65535");
    }

    @Test
    void badVolume() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    volumes:
                      - ./data:/data
                """))
                .containsExactly("agent.yml:5: services.web.volumes[0]: './data:/data' has source './data' "
                        + "which is neither a volume name nor an absolute host path; expected volume_name:/container/path "
                        + "or /host/path:/container/path, optionally followed by :ro");
    }

    @Test
    void duplicateContainerNames() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                  api:
                    image: ghcr.io/acme/api
                    container_name: web
                """))
                .containsExactly("agent.yml:6: services.api.container_name: 'web' is already the container "
                        + "name of service 'web'; expected a unique container name");
    }

    @Test
    void duplicateHostPortsAcrossServices() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    ports: ["8000:8000"]
                  api:
                    image: ghcr.io/acme/api
                    ports: ["127.0.0.1:8000:9000"]
                """))
                .containsExactly("agent.yml:7: services.api.ports[0]: host port 127.0.0.1:8000/tcp is already "
                        + "published by services.web.ports[0]; expected each host port published once");
    }

    @Test
    void sameHostPortOnDifferentAddressesOrProtocolsIsFine() throws ConfigException {
        AgentConfig config = new ConfigLoader(ENV).parse("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    ports: ["127.0.0.1:8000:8000", "127.0.0.2:8000:8000", "8000:8000/udp"]
                """, "agent.yml");
        assertThat(config.services().get(0).ports()).hasSize(3);
    }

    @Test
    void dependsOnUnknownService() {
        assertThat(problems("""
                services:
                  db:
                    image: postgres
                  web:
                    image: ghcr.io/acme/app
                    depends_on: [dbb]
                """))
                .containsExactly(
                        "agent.yml:6: services.web.depends_on[0]: 'dbb' is not a service in this file; did you mean 'db'?");
    }

    @Test
    void dependencyCycleIsNamed() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    depends_on: [api]
                  api:
                    image: ghcr.io/acme/api
                    depends_on: [web]
                """))
                .containsExactly("agent.yml:4: services.web.depends_on: dependency cycle web -> api -> web; "
                        + "expected no service to depend on itself, even indirectly");
    }

    @Test
    void selfDependencyIsACycle() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    depends_on: [web]
                """))
                .containsExactly("agent.yml:4: services.web.depends_on: dependency cycle web -> web; "
                        + "expected no service to depend on itself, even indirectly");
    }

    @Test
    void badDuration() {
        assertThat(problems("""
                schedule: {interval: 60}
                services:
                  web: {image: ghcr.io/acme/app}
                """))
                .containsExactly("agent.yml:1: schedule.interval: '60' is not a duration (a bare number has no "
                        + "unit); expected a number with a unit ms, s, m or h, e.g. 500ms, 30s, 5m, 1h30m");
    }

    @Test
    void intervalTooShort() {
        assertThat(problems("""
                schedule: {interval: 10ms}
                services:
                  web: {image: ghcr.io/acme/app}
                """))
                .containsExactly("agent.yml:1: schedule.interval: '10ms' is too short; expected at least 1s");
    }

    @Test
    void badCron() {
        assertThat(problems("""
                schedule: {cron: "0 */5 * * * * * *"}
                services:
                  web: {image: ghcr.io/acme/app}
                """))
                .singleElement()
                .asString()
                .startsWith("agent.yml:1: schedule.cron: '0 */5 * * * * * *' is not a valid cron expression (")
                .endsWith("); expected a Quartz cron expression: seconds minutes hours day-of-month month "
                        + "day-of-week [year], e.g. \"0 */5 * * * ?\"");
    }

    @Test
    void unixCronGetsTheQuartzHint() {
        assertThat(problems("""
                schedule: {cron: "*/5 * * * *"}
                services:
                  web: {image: ghcr.io/acme/app}
                """))
                .containsExactly("agent.yml:1: schedule.cron: '*/5 * * * *' has 5 fields like Unix cron; "
                        + "expected a Quartz cron expression: seconds minutes hours day-of-month month day-of-week [year], "
                        + "e.g. \"0 */5 * * * ?\" (Quartz starts with seconds)");
    }

    @Test
    void bothIntervalAndCron() {
        assertThat(problems("""
                schedule: {interval: 60s, cron: "0 * * * * ?"}
                services:
                  web: {image: ghcr.io/acme/app}
                """))
                .containsExactly("agent.yml:1: schedule: both interval and cron are set; expected exactly one");
    }

    @Test
    void neitherIntervalNorCron() {
        assertThat(problems("""
                schedule: {}
                services:
                  web: {image: ghcr.io/acme/app}
                """))
                .containsExactly("agent.yml:1: schedule: neither interval nor cron is set; expected exactly "
                        + "one, e.g. interval: 60s or cron: \"0 */5 * * * ?\"");
    }

    @Test
    void badListenAddress() {
        assertThat(problems("""
                http: {listen: "localhost:99999"}
                services:
                  web: {image: ghcr.io/acme/app}
                """))
                .containsExactly("agent.yml:1: http.listen: 'localhost:99999' is not a listen address; expected "
                        + "host:port with a port 1-65535, e.g. 127.0.0.1:8686, [::1]:8686 or 0.0.0.0:8686");
    }

    @Test
    void imageWithTagIsRejected() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app:main
                """))
                .containsExactly("agent.yml:3: services.web.image: 'ghcr.io/acme/app:main' is not a valid image "
                        + "(image must not contain a tag; put it in 'tag'); expected [registry/]repository in lowercase "
                        + "without tag or digest, e.g. ghcr.io/acme/app");
    }

    @Test
    void uppercaseRepositoryIsRejected() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/Acme/app
                """))
                .containsExactly("agent.yml:3: services.web.image: 'ghcr.io/Acme/app' is not a valid image "
                        + "(invalid repository name 'Acme/app'); expected [registry/]repository in lowercase without tag or "
                        + "digest, e.g. ghcr.io/acme/app");
    }

    @Test
    void badTag() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    tag: feature/login
                """))
                .containsExactly("agent.yml:4: services.web.tag: 'feature/login' is not a valid tag; expected "
                        + "up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'");
    }

    @Test
    void missingImage() {
        assertThat(problems("""
                services:
                  web:
                    tag: main
                """))
                .containsExactly("agent.yml:3: services.web: missing required key 'image'; expected "
                        + "[registry/]repository, e.g. ghcr.io/acme/app or postgres");
    }

    @Test
    void httpHealthNeedsAPort() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    health: {type: http, path: /health}
                """))
                .containsExactly("agent.yml:4: services.web.health: type http needs the container port to probe; "
                        + "expected port: 1-65535");
    }

    @Test
    void healthPortWithoutAProbingTypeIsAMistake() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    health:
                      port: 8000
                      path: /health
                """))
                .containsExactly(
                        "agent.yml:5: services.web.health.port: a port is only probed by type http or tcp, not auto; "
                                + "expected type: http or tcp, or no port",
                        "agent.yml:6: services.web.health.path: a path is only probed by type http, not auto; expected "
                                + "type: http, or no path");
    }

    @Test
    void unknownHealthType() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    health: {type: grpc, port: 9000}
                """))
                .containsExactly("agent.yml:4: services.web.health.type: 'grpc' is not a health check type; "
                        + "expected auto, docker, http, tcp or none");
    }

    @Test
    void healthPathMustBeAbsolute() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    health: {type: http, port: 8000, path: health}
                """))
                .containsExactly("agent.yml:4: services.web.health.path: 'health' does not start with '/'; "
                        + "expected an HTTP path such as /health");
    }

    @Test
    void healthIntervalLongerThanTimeout() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    health: {type: tcp, port: 8000, timeout: 5s, interval: 10s}
                """))
                .containsExactly("agent.yml:4: services.web.health.interval: '10s' is longer than the timeout "
                        + "5s; expected an interval shorter than the timeout");
    }

    @Test
    void healthPortMustBeANumberInRange() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    health: {type: tcp, port: 0}
                  api:
                    image: ghcr.io/acme/api
                    health: {type: tcp, port: "8000"}
                """))
                .containsExactly(
                        "agent.yml:4: services.web.health.port: port 0 is out of range; expected 1-65535",
                        "agent.yml:7: services.api.health.port: got '8000' (a string); expected a port number 1-65535");
    }

    @Test
    void badModeAndRestartPolicy() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    mode: watch
                    restart_policy: sometimes
                """))
                .containsExactly(
                        "agent.yml:4: services.web.mode: 'watch' is not a mode; expected auto or monitor",
                        "agent.yml:5: services.web.restart_policy: 'sometimes' is not a restart policy; expected no, always, "
                                + "unless-stopped, on-failure or on-failure:N");
    }

    @Test
    void notABoolean() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    prune_old_images: "maybe"
                """))
                .containsExactly(
                        "agent.yml:4: services.web.prune_old_images: got 'maybe' (a string); expected true or false");
    }

    @Test
    void missingEnvironmentVariableNamesKeyAndVariable() {
        assertThat(problems("""
                services:
                  db:
                    image: postgres
                    env: {POSTGRES_PASSWORD: "${POSTGRES_PASSWORD}"}
                """))
                .containsExactly("agent.yml:4: services.db.env.POSTGRES_PASSWORD: environment variable "
                        + "'POSTGRES_PASSWORD' is not set; expected it in the agent's environment (or "
                        + "${POSTGRES_PASSWORD:-fallback})");
    }

    @Test
    void strayDollarInEnvIsAnErrorWithoutQuotingTheValue() {
        List<String> problems = problems("""
                services:
                  db:
                    image: postgres
                    env: {POSTGRES_PASSWORD: "hunter$2"}
                """);
        assertThat(problems)
                .containsExactly("agent.yml:4: services.db.env.POSTGRES_PASSWORD: '$' at position 7 is "
                        + "not followed by {NAME} or $; expected ${NAME}, ${NAME:-fallback}, or $$ for a literal $");
        assertThat(String.join("\n", problems)).doesNotContain("hunter");
    }

    @Test
    void envValueMissing() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    env:
                      DEBUG:
                """))
                .containsExactly("agent.yml:5: services.web.env.DEBUG: got no value; expected a string, number or "
                        + "boolean (write \"${DEBUG}\" to pass on the agent's own variable)");
    }

    @Test
    void reservedLabelPrefix() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    labels: {redeploy-agent.managed: "false"}
                """))
                .containsExactly("agent.yml:4: services.web.labels.redeploy-agent.managed: the prefix "
                        + "'redeploy-agent.' is reserved for the agent's own labels; expected another key");
    }

    @Test
    void badRegistryKey() {
        assertThat(problems("""
                registries:
                  https://ghcr.io: {username: bot, password_env: GHCR_TOKEN}
                services:
                  web: {image: ghcr.io/acme/app}
                """))
                .containsExactly("agent.yml:2: registries: 'https://ghcr.io' is not a registry host; expected "
                        + "host[:port] as written in image names, e.g. ghcr.io or 127.0.0.1:5000");
    }

    @Test
    void duplicateYamlKey() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    tag: main
                    tag: latest
                """))
                .containsExactly(
                        "agent.yml:5: services.web.tag: duplicate key (first at line 4); expected each key once");
    }

    @Test
    void relativeStateDir() {
        assertThat(problems("""
                state_dir: var/lib/agent
                services:
                  web: {image: ghcr.io/acme/app}
                """))
                .containsExactly("agent.yml:1: state_dir: 'var/lib/agent' is not an absolute path; expected an "
                        + "absolute directory path such as /var/lib/redeploy-agent");
    }

    @Test
    void aliasesNeedANetwork() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    network_aliases: [web]
                """))
                .containsExactly("agent.yml:4: services.web.network_aliases: aliases need a user-defined network; "
                        + "expected 'network' set to a network of your own, e.g. network: survey");
    }

    @Test
    void startFirstWithPublishedPorts() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    network: survey
                    network_aliases: [web]
                    ports: ["8000:8000"]
                    strategy: start-first
                """))
                .containsExactly("agent.yml:7: services.web.strategy: 'start-first' cannot be used with published "
                        + "ports (two containers cannot publish the same host port); expected no 'ports', a 'proxy' port owned by the "
                        + "agent, or strategy: stop-first");
    }

    @Test
    void startFirstWithoutNetworkAliases() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    network: survey
                    strategy: start-first
                """))
                .containsExactly(
                        "agent.yml:5: services.web.strategy: 'start-first' needs a user-defined 'network' "
                                + "and 'network_aliases', or a 'proxy' port owned by the agent, to switch clients over; expected e.g. network: "
                                + "survey and network_aliases: [web], or proxy: {listen: \"0.0.0.0:8080\", container_port: 8080}");
    }

    @Test
    void startFirstOnAnAliasedNetworkIsAccepted() throws ConfigException {
        AgentConfig config = new ConfigLoader(ENV).parse("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    network: survey
                    network_aliases: [web]
                    strategy: start-first
                  db:
                    image: ghcr.io/acme/db
                """, "agent.yml");
        assertThat(config.service("web").orElseThrow().strategy()).isEqualTo(ServiceConfig.Strategy.START_FIRST);
        assertThat(config.service("db").orElseThrow().strategy()).isEqualTo(ServiceConfig.Strategy.STOP_FIRST);
    }

    @Test
    void unknownStrategy() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    strategy: blue-green
                """))
                .containsExactly("agent.yml:4: services.web.strategy: 'blue-green' is not a strategy; expected "
                        + "stop-first or start-first");
    }

    @Test
    void badServiceName() {
        assertThat(problems("""
                services:
                  "my web":
                    image: ghcr.io/acme/app
                """))
                .containsExactly("agent.yml:2: services: 'my web' is not a valid service name; expected letters, "
                        + "digits, '_', '.' or '-', at least 2 characters, starting with a letter or digit (it is also the "
                        + "default container name)");
    }

    @Test
    void emptyServices() {
        assertThat(problems("""
                services: {}
                """))
                .containsExactly("agent.yml:1: services: got an empty mapping; expected at least one service");
    }

    @Test
    void topLevelIsNotAMapping() {
        assertThat(problems("""
                - web
                - db
                """))
                .containsExactly("agent.yml:1: the file holds a list; expected a mapping of settings with at "
                        + "least 'services'");
    }

    @Test
    void emptyDocument() {
        assertThat(problems("# nothing yet\n"))
                .containsExactly("agent.yml: file is empty; expected YAML settings with at least 'services'");
    }

    @Test
    void aliasIsNotSupported() {
        assertThat(problems("""
                services:
                  web:
                    image: &img ghcr.io/acme/app
                  api:
                    image: *img
                """))
                .containsExactly(
                        "agent.yml:5: services.api.image: YAML alias '*img' is not supported; expected "
                                + "the value written out in full",
                        "agent.yml:5: services.api.image: got no value; expected "
                                + "[registry/]repository, e.g. ghcr.io/acme/app");
    }

    @Test
    void secondDocumentIsRejected() {
        assertThat(problems("""
                services:
                  web: {image: ghcr.io/acme/app}
                ---
                services: {}
                """))
                .containsExactly("agent.yml:4: a second YAML document ('---') is not supported; expected one document");
    }

    @Test
    void badDockerHost() {
        assertThat(problems("""
                docker: {host: /var/run/docker.sock}
                services:
                  web: {image: ghcr.io/acme/app}
                """))
                .containsExactly("agent.yml:1: docker.host: '/var/run/docker.sock' is not a Docker host; "
                        + "expected unix:///path/to/docker.sock or tcp://host:port");
    }

    @Test
    void emptyCommand() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    command: []
                """))
                .containsExactly("agent.yml:4: services.web.command: got an empty list; expected at least one "
                        + "argument, or no 'command' key to keep the image's default");
    }

    @Test
    void registryNoImageUsesIsATypo() {
        assertThat(problems("""
                registries:
                  ghcr.com: {username: bot, password_env: GHCR_TOKEN}
                  index.docker.io: {username: bot, password_env: GHCR_TOKEN}
                services:
                  web: {image: ghcr.io/acme/app}
                  db: {image: postgres}
                """))
                .containsExactly(
                        "agent.yml:2: registries.ghcr.com: no service image is on this registry; did you mean 'ghcr.io'?",
                        "agent.yml:3: registries.index.docker.io: no service image is on this registry; Docker Hub images "
                                + "use the key docker.io");
    }

    @Test
    void portsOnTheHostNetworkAreNotPublished() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    network: host
                    network_aliases: [web]
                    ports: ["8000:8000"]
                """))
                .containsExactly(
                        "agent.yml:5: services.web.network_aliases: aliases need a user-defined network, not 'host'; "
                                + "expected 'network' set to a network of your own, e.g. network: survey",
                        "agent.yml:6: services.web.ports: ports are not published on network 'host'; expected no ports, or "
                                + "another network");
    }

    @Test
    void stopTimeoutInWholeSeconds() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    stop_timeout: 1500ms
                """))
                .containsExactly("agent.yml:4: services.web.stop_timeout: '1500ms' is not a whole number of "
                        + "seconds; expected e.g. 10s or 1m30s");
    }

    @Test
    void serviceCannotPublishTheAgentsOwnPort() {
        assertThat(problems("""
                http: {listen: "127.0.0.1:8686"}
                services:
                  web:
                    image: ghcr.io/acme/app
                    ports: ["8686:80"]
                """))
                .containsExactly("agent.yml:5: services.web.ports[0]: host port 8686/tcp is already published by "
                        + "the agent itself (http.listen); expected each host port published once");
    }

    // --- found by ConfigFuzzTest ---

    @Test
    void yamlTagsAreRefusedInsteadOfHalfHonoured() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    tag: !!int sixteen
                    stop_timeout: !!binary MTY=
                    container_name: !!str web-1
                """))
                .containsExactly(
                        "agent.yml:4: services.web.tag: YAML tag '!!int' is not supported; expected a plain value "
                                + "(quote it to make it a string)",
                        "agent.yml:5: services.web.stop_timeout: YAML tag '!!binary' is not supported; expected a plain value "
                                + "(quote it to make it a string)",
                        "agent.yml:5: services.web.stop_timeout: 'MTY=' is not a duration; expected a number with a unit ms, "
                                + "s, m or h, e.g. 500ms, 30s, 5m, 1h30m");
    }

    @Test
    void localTagIsNamedAsWritten() {
        assertThat(problems("""
                registries:
                  ghcr.io: {username: bot, password_env: !env GHCR_TOKEN}
                services:
                  web: {image: ghcr.io/acme/app}
                """))
                .containsExactly("agent.yml:2: registries.ghcr.io.password_env: YAML tag '!env' is not "
                        + "supported; expected a plain value (quote it to make it a string)");
    }

    @Test
    void controlCharacterNamesItsLineColumnAndCodePoint() {
        assertThat(problems("services:\n  web:\n    image: ghcr.io/acme/app\n    tag: ma\u0000in\n"))
                .containsExactly("agent.yml:4: invalid YAML at column 12: control character U+0000 is not allowed; "
                        + "expected text (tabs and line breaks are the only control characters YAML accepts)");
    }

    @Test
    void complexKeyIsExplainedWithoutParserClassNames() {
        assertThat(problems("? [a, b]\n: c\nservices: {web: {image: ghcr.io/acme/app}}\n"))
                .containsExactly(
                        "agent.yml:1: a key is a list or mapping (a YAML complex key); expected keys written as plain text");
    }

    @Test
    void deepNestingIsRefusedWithoutJacksonApiNames() {
        List<String> problems = problems("services: " + "[".repeat(2000) + "]".repeat(2000) + "\n");
        assertThat(problems)
                .containsExactly("agent.yml:1: the YAML is too large or too deeply nested for a config "
                        + "file: Document nesting depth (1001) exceeds the maximum allowed (1000); expected the agent's YAML "
                        + "config file");
    }

    @Test
    void valueContainingColonSpaceGetsAQuotingHint() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    tag: main: latest
                """))
                .containsExactly("agent.yml:4: invalid YAML at column 14: mapping values are not allowed here; "
                        + "expected valid YAML syntax (quote a value that contains ': ', and check the indentation)");
    }

    @Test
    void overlongKeyIsNamedAsTheCause() {
        assertThat(problems("services:\n  " + "k".repeat(1100) + ": 1\n"))
                .singleElement()
                .asString()
                .startsWith("agent.yml:2: invalid YAML at column 1103: mapping values are not allowed here")
                .endsWith("(a key is limited to 1024 characters)");
    }

    @Test
    void lineBreaksAndControlsInValuesAndKeysAreEscapedSoEachProblemStaysOneLine() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    container_name: "survey\\nweb\\t\\e"
                    "imag\\ne": x
                """))
                .containsExactly(
                        "agent.yml:4: services.web.container_name: 'survey\\nweb\\t\\u001b' is not a valid container name; "
                                + "expected letters, digits, '_', '.' or '-', at least 2 characters, starting with a letter "
                                + "or digit",
                        "agent.yml:5: services.web: unknown key 'imag\\ne'; did you mean 'image'?");
    }

    @Test
    void hugeValueIsShortenedInTheMiddle() {
        assertThat(problems("services:\n  web: {image: ghcr.io/acme/app, tag: " + "a".repeat(5000) + "}\n"))
                .containsExactly("agent.yml:2: services.web.tag: '" + "a".repeat(59) + "...(5002 characters)..."
                        + "a".repeat(19) + "' is not a valid tag; expected up to 128 letters, digits, '_', '.' or "
                        + "'-', not starting with '.' or '-'");
    }

    @Test
    void portWrittenInHexIsNotCalledOutOfRange() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    health: {type: tcp, port: 0x1538}
                """))
                .containsExactly("agent.yml:4: services.web.health.port: port 0x1538 is not a decimal number; "
                        + "expected 1-65535");
    }

    @Test
    void dependingOnAServiceWhoseSettingsAreBrokenIsNotASecondProblem() {
        assertThat(problems("""
                services:
                  db: postgres
                  web: {image: ghcr.io/acme/app, depends_on: [db]}
                """))
                .containsExactly("agent.yml:2: services.db: got 'postgres' (a string); expected a mapping with "
                        + "'image' or 'container'");
    }

    @Test
    void registryIsNotCalledUnusedWhenNoServiceIsDeclared() {
        assertThat(problems("""
                registries:
                  ghcr.io: {username: bot, password_env: GHCR_TOKEN}
                services: {}
                """))
                .containsExactly("agent.yml:3: services: got an empty mapping; expected at least one service");
    }

    @Test
    void portAndVolumeItemsOfTheWrongTypeShowAnExample() {
        assertThat(problems("""
                services:
                  web:
                    image: ghcr.io/acme/app
                    ports: [{published: 8000}]
                    volumes: [[data, /data]]
                """))
                .containsExactly(
                        "agent.yml:4: services.web.ports[0]: got a mapping; expected a port mapping such as \"8000:8000\"",
                        "agent.yml:5: services.web.volumes[0]: got a list; expected a volume mount such as "
                                + "\"data:/var/lib/data\"");
    }
}

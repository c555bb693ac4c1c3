package io.redeploy.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redeploy.agent.image.ImageRef;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependencyOrderTest {

    private static ServiceConfig service(String name, String... dependsOn) {
        return ServiceConfig.builder(name, ImageRef.parse("ghcr.io/acme/" + name, "main"))
                .mode(ServiceConfig.UpdateMode.AUTO)
                .dependsOn(List.of(dependsOn))
                .stopTimeout(Duration.ofSeconds(10))
                .restartPolicy("unless-stopped")
                .build();
    }

    private static List<String> names(List<ServiceConfig> services) {
        return services.stream().map(ServiceConfig::name).toList();
    }

    @Test
    void dependenciesComeFirst() {
        assertThat(names(DependencyOrder.order(List.of(service("web", "api"), service("api", "db"), service("db")))))
                .containsExactly("db", "api", "web");
    }

    @Test
    void fileOrderIsKeptWhereDependenciesAllowIt() {
        assertThat(names(DependencyOrder.order(
                        List.of(service("a"), service("web", "db"), service("b"), service("db"), service("c")))))
                .containsExactly("a", "b", "db", "web", "c");
        List<ServiceConfig> alreadyOrdered = List.of(service("db"), service("cache"), service("web", "db", "cache"));
        assertThat(DependencyOrder.order(alreadyOrdered)).isEqualTo(alreadyOrdered);
    }

    @Test
    void diamondDependency() {
        assertThat(names(DependencyOrder.order(List.of(
                        service("web", "api", "worker"),
                        service("api", "db"),
                        service("worker", "db"),
                        service("db")))))
                .containsExactly("db", "api", "worker", "web");
    }

    @Test
    void dependenciesOutsideTheListAreIgnoredSoASubsetCanBeOrdered() {
        assertThat(names(DependencyOrder.order(List.of(service("web", "db", "api"), service("api")))))
                .containsExactly("api", "web");
    }

    @Test
    void cycleIsNamed() {
        assertThatThrownBy(() -> DependencyOrder.order(List.of(
                        service("db"), service("web", "api"), service("api", "worker"), service("worker", "web"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dependency cycle web -> api -> worker -> web");
    }

    @Test
    void cyclesStartAtTheirFirstMemberInTheFileAndAreFoundInEachGroup() {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        graph.put("a", List.of("b"));
        graph.put("b", List.of("a"));
        graph.put("c", List.of("c"));
        graph.put("d", List.of("e"));
        graph.put("e", List.of("f"));
        graph.put("f", List.of("d", "missing"));
        assertThat(DependencyOrder.cycles(graph))
                .containsExactly(List.of("a", "b", "a"), List.of("c", "c"), List.of("d", "e", "f", "d"));
    }

    @Test
    void noCycleInAnAcyclicGraph() {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        graph.put("web", List.of("db", "cache"));
        graph.put("cache", List.of("db"));
        graph.put("db", List.of());
        assertThat(DependencyOrder.cycles(graph)).isEmpty();
    }
}

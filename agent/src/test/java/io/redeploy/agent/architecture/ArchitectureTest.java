package io.redeploy.agent.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The one allowed direction of imports (docs/architecture.md), checked on the compiled main classes: each package
 * may use only the packages listed for it, no two packages use each other, and no two classes of one package
 * reference each other.
 */
class ArchitectureTest {
    private static final String ROOT = "io.redeploy.agent";
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    /** Package (below the root) to the packages of the agent it may import; the root package may import all. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("image", Set.of()),
            Map.entry("time", Set.of()),
            Map.entry("log", Set.of("image")),
            Map.entry("config", Set.of("image", "log")),
            Map.entry("metrics", Set.of()),
            Map.entry("state", Set.of("log")),
            Map.entry("registry", Set.of("config", "image", "log", "time")),
            Map.entry("docker", Set.of("image", "log")),
            Map.entry("reconcile", Set.of("config", "image", "log", "registry", "state", "metrics")),
            Map.entry("traffic", Set.of()),
            Map.entry("proxy", Set.of("config", "log", "traffic")),
            Map.entry(
                    "deploy",
                    Set.of(
                            "reconcile",
                            "docker",
                            "config",
                            "image",
                            "log",
                            "time",
                            "traffic",
                            "deploy.health",
                            "state")),
            Map.entry("deploy.health", Set.of("docker", "config", "image", "log", "time")),
            Map.entry("policy", Set.of("deploy", "docker", "config", "image", "log")),
            Map.entry("signing", Set.of("reconcile", "registry", "config", "image", "log")),
            Map.entry("notify", Set.of("reconcile", "config", "image", "log", "time")),
            Map.entry("schedule", Set.of("config", "log")),
            Map.entry("http", Set.of("config", "state", "metrics", "image", "log")),
            Map.entry("docker.swarm", Set.of("docker", "image", "log")),
            Map.entry("swarm", Set.of("docker.swarm", "reconcile", "config", "image", "log", "time")),
            Map.entry("traffic.caddy", Set.of("traffic", "log", "time")),
            Map.entry("traffic.haproxy", Set.of("traffic", "traffic.caddy", "log", "time")),
            Map.entry("cli", Set.of()));

    @Test
    void everyPackageImportsOnlyWhatItMay() {
        List<String> violations = new ArrayList<>();
        for (JavaClass type : MAIN) {
            String from = relative(type.getPackageName());
            if (from.isEmpty()) {
                continue; // the root: Main, Agent and their wiring put everything together
            }
            Set<String> allowed = ALLOWED.get(from);
            assertThat(allowed)
                    .as("package %s is not in the architecture table", from)
                    .isNotNull();
            type.getDirectDependenciesFromSelf().stream()
                    .map(d -> d.getTargetClass().getPackageName())
                    .filter(p -> p.startsWith(ROOT))
                    .map(ArchitectureTest::relative)
                    .filter(to -> !to.equals(from) && !allowed.contains(to))
                    .distinct()
                    .forEach(to -> violations.add(type.getName() + " -> " + to));
        }
        assertThat(violations)
                .as("imports against the direction in docs/architecture.md")
                .isEmpty();
    }

    @Test
    void noTwoPackagesUseEachOther() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void noTwoClassesOfAPackageReferenceEachOther() {
        Set<String> pairs = new TreeSet<>();
        for (JavaClass a : MAIN) {
            for (JavaClass b : dependenciesInPackage(a)) {
                if (dependenciesInPackage(b).contains(a)
                        && a.getName().compareTo(b.getName()) < 0
                        && !isBuilderOf(a, b)) {
                    pairs.add(a.getSimpleName() + " <-> " + b.getSimpleName());
                }
            }
        }
        assertThat(pairs).isEmpty();
    }

    @Test
    void onlyDockerUsesDockerJavaAndOnlyRegistryUsesOkHttp() {
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".docker..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.github.dockerjava..")
                .check(MAIN);
        noClasses()
                .that()
                .resideOutsideOfPackages(ROOT + ".registry..", ROOT + ".notify..", ROOT + ".traffic..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("okhttp3..")
                .check(MAIN);
    }

    /** A product and its builder ({@code X} and {@code XBuilder}) are one idea in two files: they may know each other. */
    private static boolean isBuilderOf(JavaClass a, JavaClass b) {
        return b.getSimpleName().equals(a.getSimpleName() + "Builder")
                || a.getSimpleName().equals(b.getSimpleName() + "Builder");
    }

    /** The top-level classes of the same package that {@code type} (or a class nested in it) uses. */
    private static Set<JavaClass> dependenciesInPackage(JavaClass type) {
        JavaClass top = topLevel(type);
        return MAIN.stream()
                .filter(c -> topLevel(c).equals(top))
                .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                .map(d -> topLevel(d.getTargetClass()))
                .filter(t -> t.getPackageName().equals(top.getPackageName()) && !t.equals(top))
                .collect(Collectors.toSet());
    }

    private static JavaClass topLevel(JavaClass type) {
        JavaClass c = type;
        while (c.getEnclosingClass().isPresent()) {
            c = c.getEnclosingClass().get();
        }
        return c;
    }

    private static String relative(String packageName) {
        return packageName.equals(ROOT) ? "" : packageName.substring(ROOT.length() + 1);
    }
}

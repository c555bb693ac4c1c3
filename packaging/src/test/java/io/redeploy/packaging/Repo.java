package io.redeploy.packaging;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository, the build directory and the built .deb are (system properties set in packaging/pom.xml). */
final class Repo {
    private Repo() {}

    static Path root() {
        String configured = System.getProperty("redeploy.repoRoot");
        if (configured != null && Files.isDirectory(Path.of(configured, "systemd"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("systemd/redeploy-agent.service"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "repository root not found above " + Path.of("").toAbsolutePath());
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }

    static Path buildDir() {
        return Path.of(required("redeploy.buildDir"));
    }

    /** The package `mvn package` built: target/redeploy-agent_<version>_all.deb. */
    static Path deb() {
        Path deb = Path.of(required("redeploy.deb"));
        if (!Files.isRegularFile(deb)) {
            throw new AssertionError("no package at " + deb + "; run `mvn package` first");
        }
        return deb;
    }

    /** The package's Debian version, e.g. 0.1.0~20261202065925 for 0.1.0-SNAPSHOT. */
    static String debVersion() {
        return required("redeploy.debVersion");
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new AssertionError("system property " + property + " is not set (run through Maven: mvn verify)");
        }
        return value;
    }
}

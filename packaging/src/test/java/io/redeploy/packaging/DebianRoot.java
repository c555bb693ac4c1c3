package io.redeploy.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Debian bookworm root file system made with debootstrap (minbase, plus systemd, as on a server) in the build
 * directory, and commands run inside it with chroot. Each command runs in its own mount namespace (unshare) with
 * /proc and /dev/pts mounted there: the mounts end with the command, so none is ever left on the host.
 */
final class DebianRoot {
    private static final Duration BOOTSTRAP_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(15);
    /** A clean environment: nothing of the host's (JAVA_HOME above all) leaks into the root. */
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME", "/root",
            "LANG", "C.UTF-8",
            "DEBIAN_FRONTEND", "noninteractive");

    private final Path dir;

    private DebianRoot(Path dir) {
        this.dir = dir;
    }

    static void requireTools() {
        Command.requireTool("debootstrap", "debootstrap");
        Command.requireTool("unshare", "util-linux");
        Command.requireTool("chroot", "coreutils");
        Command.requireTool("systemd-analyze", "systemd");
    }

    /** Replaces whatever {@code dir} holds by a fresh root from {@code mirror}. */
    static DebianRoot bootstrap(Path dir, String mirror) throws IOException {
        deleteTree(dir);
        Files.createDirectories(dir.getParent());
        Command.run(
                        BOOTSTRAP_TIMEOUT,
                        ENVIRONMENT,
                        List.of(
                                "debootstrap",
                                "--variant=minbase",
                                "--include=systemd",
                                "bookworm",
                                dir.toString(),
                                mirror))
                .assertSuccess(List.of("debootstrap", dir.toString()));
        return new DebianRoot(dir);
    }

    Path dir() {
        return dir;
    }

    /** A path inside the root, e.g. {@code path("/etc/passwd")}. */
    Path path(String absolute) {
        return dir.resolve(absolute.substring(1));
    }

    /** Runs {@code command} (and its arguments) inside the root as root, in /tmp. */
    Command.Result run(String... command) {
        List<String> full = new ArrayList<>(List.of(
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                "root=$1; shift; mount -t proc proc \"$root/proc\""
                        + " && mount -t devpts -o newinstance,ptmxmode=0666 devpts \"$root/dev/pts\""
                        + " && exec chroot \"$root\" /bin/sh -c 'cd /tmp && exec \"$@\"' sh \"$@\"",
                "sh",
                dir.toString()));
        full.addAll(List.of(command));
        return Command.run(COMMAND_TIMEOUT, ENVIRONMENT, full);
    }

    /** Like {@link #run} but fails the test unless the command exits 0; returns its output. */
    String runOk(String... command) {
        return run(command).assertSuccess(List.of(command)).output();
    }

    /** {@code <octal mode> <user>:<group>} of a path, with the root's names for the ids. */
    String modeAndOwner(String absolute) {
        return runOk("stat", "-c", "%a %U:%G", absolute).strip();
    }

    void delete() throws IOException {
        deleteTree(dir);
    }

    /** rm -rf that stays on this file system, and refuses while anything is mounted below the root. */
    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        String prefix = dir.toAbsolutePath().normalize() + "/";
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mountPoint = line.split(" ")[4];
            if (mountPoint.startsWith(prefix)) {
                throw new AssertionError("not deleting " + dir + ": " + mountPoint + " is mounted");
            }
        }
        Command.run(Duration.ofMinutes(5), "rm", "-rf", "--one-file-system", dir.toString())
                .assertSuccess(List.of("rm", "-rf", dir.toString()));
    }
}

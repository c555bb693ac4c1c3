package io.redeploy.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a service's {@code verify:} section: the cosign public keys a new digest must be signed with. The key files
 * are read and parsed here, at start-up and by {@code --check}, so a missing or wrong key is a config problem and
 * never a refused deploy at 3 a.m.
 */
final class VerifyBinder {
    static final String KEY_FILE = "cosign_public_key_file";
    static final String KEY_FILES = "cosign_public_key_files";
    static final String ALLOWED_REFERENCES = "allowed_references";
    static final String ALLOW_OLDER = "allow_older";
    static final List<String> KEYS = List.of(KEY_FILE, KEY_FILES, ALLOWED_REFERENCES, ALLOW_OLDER);
    /** cosign.pub is 178 bytes; a few rotated keys fit easily. A bigger file is the wrong file. */
    private static final long MAX_FILE_BYTES = 64 * 1024;

    private static final String EXPECTED_FILE =
            "expected a readable PEM file with the cosign public key, e.g. " + "/etc/redeploy-agent/cosign.pub";

    private final Problems problems;
    private final EnvInterpolator interpolator;

    VerifyBinder(Problems problems, EnvInterpolator interpolator) {
        this.problems = problems;
        this.interpolator = interpolator;
    }

    Optional<VerifyConfig> bind(MappingReader service) {
        return service.reader("verify", "a mapping such as {" + KEY_FILE + ": /etc/redeploy-agent/cosign.pub}", KEYS)
                .flatMap(this::bindKeys);
    }

    private Optional<VerifyConfig> bindKeys(MappingReader verify) {
        boolean one = verify.has(KEY_FILE);
        boolean many = verify.has(KEY_FILES);
        if (one == many) {
            problems.add(
                    verify.line(),
                    verify.path(),
                    (one ? "both " + KEY_FILE + " and " + KEY_FILES + " are set" : "no key is set")
                            + "; expected exactly one: " + KEY_FILE + ": /path/cosign.pub or " + KEY_FILES
                            + ": [/path/a.pub, /path/b.pub]");
            return Optional.empty();
        }
        List<VerifyConfig.TrustedKey> keys = new ArrayList<>();
        boolean complete;
        if (one) {
            complete = verify.string(KEY_FILE, "a file path")
                    .map(file -> read(file, verify.lineOf(KEY_FILE), verify.pathOf(KEY_FILE), keys))
                    .orElse(false);
        } else {
            complete = verify.sequence(KEY_FILES, "a list of file paths")
                    .map(sequence -> {
                        if (sequence.items().isEmpty()) {
                            problems.add(
                                    sequence.line(),
                                    verify.pathOf(KEY_FILES),
                                    "got an empty list; expected at least one " + "public key file");
                            return false;
                        }
                        boolean all = true;
                        for (int i = 0; i < sequence.items().size(); i++) {
                            YamlNode item = sequence.items().get(i);
                            String path = MappingReader.item(verify.pathOf(KEY_FILES), i);
                            all &= MappingReader.asText(item, path, problems, "a file path")
                                    .map(file -> read(file, item.line(), path, keys))
                                    .orElse(false);
                        }
                        return all;
                    })
                    .orElse(false);
        }
        List<String> references = references(verify);
        boolean allowOlder = verify.bool(ALLOW_OLDER).orElse(false);
        return complete ? Optional.of(new VerifyConfig(keys, references, allowOlder)) : Optional.empty();
    }

    /** Other repositories a signature may name (a mirror's source), as {@code registry/path}. */
    private List<String> references(MappingReader verify) {
        List<String> references = new ArrayList<>();
        verify.forEachItem(
                ALLOWED_REFERENCES,
                "a list of repositories such as [ghcr.io/acme/app]",
                (node, path) -> MappingReader.asText(node, path, problems, "a repository such as ghcr.io/acme/app")
                        .ifPresent(text -> {
                            try {
                                io.redeploy.agent.image.ImageRef ref =
                                        io.redeploy.agent.image.ImageRef.parse(text, "latest");
                                references.add(ref.registry() + "/" + ref.repository());
                            } catch (IllegalArgumentException e) {
                                problems.add(
                                        node.line(),
                                        path,
                                        "'" + text + "' is not a repository (" + e.getMessage()
                                                + "); expected registry/path without tag or digest, "
                                                + "e.g. ghcr.io/acme/app");
                            }
                        }));
        return references;
    }

    /** Adds the keys of one file; false (and a problem recorded) when the file is not usable. */
    private boolean read(String rawFile, int line, String path, List<VerifyConfig.TrustedKey> into) {
        String shown = "'" + rawFile + "'";
        Path file;
        try {
            file = Path.of(interpolator.expand(rawFile));
        } catch (InvalidPathException e) {
            problems.add(line, path, shown + " is not a file path; " + EXPECTED_FILE);
            return false;
        } catch (IllegalArgumentException e) {
            problems.add(line, path, e.getMessage());
            return false;
        }
        if (!file.isAbsolute()) {
            problems.add(
                    line,
                    path,
                    shown + " is a relative path; expected an absolute path, e.g. " + "/etc/redeploy-agent/cosign.pub");
            return false;
        }
        String pem;
        try {
            if (Files.isDirectory(file)) {
                problems.add(line, path, shown + " is a directory; " + EXPECTED_FILE);
                return false;
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                problems.add(line, path, shown + " is larger than 64 KiB; " + EXPECTED_FILE);
                return false;
            }
            pem = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            problems.add(line, path, shown + " does not exist; " + EXPECTED_FILE);
            return false;
        } catch (IOException e) {
            problems.add(line, path, shown + " cannot be read (" + IoReason.of(e) + "); " + EXPECTED_FILE);
            return false;
        }
        List<PublicKey> keys;
        try {
            keys = CosignPublicKeys.parse(pem);
        } catch (IllegalArgumentException e) {
            problems.add(line, path, shown + " " + e.getMessage());
            return false;
        }
        String name = file.getFileName().toString();
        for (int i = 0; i < keys.size(); i++) {
            into.add(new VerifyConfig.TrustedKey(keys.size() == 1 ? name : name + "#" + (i + 1), keys.get(i)));
        }
        return true;
    }
}

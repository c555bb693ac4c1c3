package io.redeploy.agent.reconcile;

import io.redeploy.agent.image.Digest;
import io.redeploy.agent.state.DeployRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which digest a rollback puts back, from the service's deploy history (pure): the named one when it ran there, else
 * the newest build that ran before the one running now. A build that ran is the {@code to} of a deploy that succeeded,
 * or the {@code from} of any deploy (what ran before it).
 */
final class RollbackTarget {
    private RollbackTarget() {}

    /** The digests that ran, newest first. */
    static List<String> ran(List<DeployRecord> history) {
        Set<String> ran = new LinkedHashSet<>();
        for (int i = history.size() - 1; i >= 0; i--) {
            DeployRecord r = history.get(i);
            if (r.succeeded()) {
                ran.add(r.to());
            }
            if (!r.from().isEmpty()) {
                ran.add(r.from());
            }
        }
        return new ArrayList<>(ran);
    }

    /** Empty when the history names no such build (or no earlier one). */
    static Optional<Digest> choose(List<DeployRecord> history, Optional<String> running, Optional<String> asked) {
        List<String> ran = ran(history);
        if (asked.isPresent()) {
            return ran.stream()
                    .filter(d -> d.equals(asked.get()) || shortMatch(d, asked.get()))
                    .findFirst()
                    .filter(Digest::isValid)
                    .map(Digest::parse);
        }
        return ran.stream()
                .filter(d -> running.map(r -> !r.equals(d)).orElse(true))
                .filter(Digest::isValid)
                .findFirst()
                .map(Digest::parse);
    }

    /** {@code sha256:1a2b3c4d} (the short form logs and tables show) names the build it starts. */
    private static boolean shortMatch(String digest, String asked) {
        return asked.startsWith("sha256:") && asked.length() >= 15 && digest.startsWith(asked);
    }
}

package io.redeploy.agent.deploy;

import io.redeploy.agent.reconcile.Recovery;
import java.util.List;

/** Recoveries as the operator reads them: {@code <service>: <action>}. */
final class RecoveryLines {
    private RecoveryLines() {}

    static List<String> of(List<Recovery> recoveries) {
        return recoveries.stream().map(r -> r.service() + ": " + r.action()).toList();
    }
}

package io.redeploy.agent.traffic.haproxy;

import io.redeploy.agent.traffic.caddy.UpstreamTarget;

/**
 * One {@code server} line of a backend as HAProxy runs it ({@code show servers state}): its address and its states.
 *
 * @param operationalState {@code srv_op_state}: 0 stopped, 1 starting, 2 running, 3 stopping
 * @param adminState       {@code srv_admin_state} flags: 0x01/0x02/0x20 maintenance (forced, inherited, resolver),
 *                         0x04 {@code disabled} in the config file, 0x08/0x10 drain (forced, inherited)
 */
public record ServerSlot(String name, UpstreamTarget target, int operationalState, int adminState) {
    private static final int MAINTENANCE = 0x01 | 0x02 | 0x20;
    private static final int DRAIN = 0x08 | 0x10;

    /** Receives new requests: running, neither in maintenance nor draining. */
    public boolean active() {
        return operationalState == 2 && (adminState & (MAINTENANCE | DRAIN)) == 0;
    }

    public boolean draining() {
        return (adminState & DRAIN) != 0 && (adminState & MAINTENANCE) == 0;
    }
}

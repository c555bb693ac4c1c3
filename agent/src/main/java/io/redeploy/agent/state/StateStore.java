package io.redeploy.agent.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.redeploy.agent.log.Event;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What must survive a restart, per service: last check, running and registry digests, failed digests and a
 * bounded deploy history. Every change is written to {@code <stateDir>/state.json} atomically before the
 * method returns. A write failure (disk full, read-only) is logged and the in-memory state kept, so a deploy
 * that already happened is never undone by bookkeeping; the next change writes everything again.
 */
public final class StateStore {
    public static final String FILE_NAME = "state.json";
    /** Deploy records kept per service; older ones are dropped first. */
    public static final int HISTORY_LIMIT = 50;
    /** Failed digests remembered per service: a tag that keeps failing must not grow the file forever. */
    public static final int FAILED_DIGESTS_LIMIT = 20;

    private static final Logger log = LoggerFactory.getLogger(StateStore.class);

    /** Writes the file; replaceable in tests to simulate a failing disk. */
    @FunctionalInterface
    interface Persister {
        void write(Path file, AtomicFile.Content content) throws IOException;
    }

    private final Path file;
    private final Clock clock;
    private final Persister persister;
    private final ObjectMapper mapper;
    private final Map<String, ServiceState> services;
    /** Inside {@link #batchChecks}: check records wait for one write at the end (see there). */
    private boolean checksDeferred;

    private boolean checksPending;

    private StateStore(
            Path file, Clock clock, Persister persister, ObjectMapper mapper, Map<String, ServiceState> services) {
        this.file = file;
        this.clock = clock;
        this.persister = persister;
        this.mapper = mapper;
        this.services = services;
    }

    /**
     * Loads {@code <stateDir>/state.json}, creating the directory if needed. A file that cannot be understood
     * is renamed {@code state.json.corrupt-<UTC time>}, reported as {@code event=state.corrupt}, and replaced
     * by a fresh state.
     *
     * @throws StateException when the directory cannot be created or the file cannot be read or set aside
     */
    public static StateStore open(Path stateDir, Clock clock) {
        return open(stateDir, clock, AtomicFile::write);
    }

    static StateStore open(Path stateDir, Clock clock, Persister persister) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path file = stateDir.resolve(FILE_NAME);
        Map<String, ServiceState> services = StateFile.load(stateDir, file, mapper, clock);
        Event.info(log, "state.loaded")
                .with("file", file)
                .with("services", services.size())
                .log();
        return new StateStore(file, clock, persister, mapper, services);
    }

    public Path file() {
        return file;
    }

    /** The state of one service; {@link ServiceState#empty} when the agent knows nothing about it yet. */
    public synchronized ServiceState get(String service) {
        return services.getOrDefault(service, ServiceState.empty(service));
    }

    /** Every known service, sorted by name; services no longer configured stay until {@link #forget}. */
    public synchronized Map<String, ServiceState> snapshot() {
        return Collections.unmodifiableMap(new TreeMap<>(services));
    }

    /**
     * Records one registry check, at the store clock's time. The digests replace the previous ones as given:
     * pass empty for "no container running" or "registry did not answer".
     *
     * @param image {@code ImageRef.toString()}
     * @param result {@link Check#OK}, {@link Check#UNCHANGED}, {@link Check#NEW_DIGEST} or {@link Check#error}
     */
    public synchronized void recordCheck(
            String service,
            String image,
            Optional<String> runningDigest,
            Optional<String> registryDigest,
            String result) {
        ServiceState old = get(service);
        ServiceState checked = new ServiceState(
                service,
                image,
                runningDigest,
                registryDigest,
                Optional.of(new Check(clock.instant(), result)),
                old.lastDeploy(),
                old.failedDigests(),
                old.history(),
                old.hold(),
                old.approval());
        if (checksDeferred) {
            services.put(service, checked);
            checksPending = true;
        } else {
            update(checked);
        }
    }

    /**
     * Runs one poll's {@code work} with the writes of {@link #recordCheck} deferred to a single write at the
     * end. Without it a poll of N services rewrote the whole file (with fsync) N times: O(N^2) bytes, 6 s of a
     * 500-service poll. Every other change (a deploy record, a failed digest) is still written at once, and
     * carries the pending checks with it; a crash loses at most the checks of the poll in progress, which the
     * next poll records again.
     */
    public <T> T batchChecks(java.util.function.Supplier<T> work) {
        synchronized (this) {
            checksDeferred = true;
        }
        try {
            return work.get();
        } finally {
            synchronized (this) {
                checksDeferred = false;
                if (checksPending) {
                    persist();
                }
            }
        }
    }

    /**
     * Appends a deploy to the history (bounded to {@link #HISTORY_LIMIT}). A deploy that ended
     * {@code deployed} makes {@code to} the running digest and clears it from the failed set; any other
     * outcome marks {@code to} failed, so the next poll does not try the same build again.
     */
    public synchronized void recordDeploy(String service, DeployRecord record) {
        ServiceState old = get(service);
        List<DeployRecord> history = new ArrayList<>(old.history());
        history.add(record);
        if (history.size() > HISTORY_LIMIT) {
            history = history.subList(history.size() - HISTORY_LIMIT, history.size());
        }
        Set<String> failed = new LinkedHashSet<>(old.failedDigests());
        Optional<String> running = old.runningDigest();
        if (record.succeeded()) {
            failed.remove(record.to());
            running = Optional.of(record.to());
        } else {
            addBounded(failed, record.to());
        }
        update(new ServiceState(
                service,
                old.image(),
                running,
                old.registryDigest(),
                old.lastCheck(),
                Optional.of(record),
                failed,
                history,
                old.hold(),
                old.approval()));
    }

    /** Remembers that {@code digest} must not be deployed again for {@code service}. */
    public synchronized void markFailed(String service, String digest) {
        ServiceState old = get(service);
        if (old.failedDigests().contains(digest)) {
            return;
        }
        Set<String> failed = new LinkedHashSet<>(old.failedDigests());
        addBounded(failed, digest);
        update(withFailed(old, failed));
    }

    public synchronized boolean isFailed(String service, String digest) {
        return get(service).failedDigests().contains(digest);
    }

    /** Forgets the failed digests of a service so the next poll may try them again; returns how many. */
    public synchronized int clearFailed(String service) {
        ServiceState old = get(service);
        int count = old.failedDigests().size();
        if (count > 0) {
            update(withFailed(old, Set.of()));
            Event.info(log, "state.failed_cleared")
                    .with("service", service)
                    .with("count", count)
                    .log();
        }
        return count;
    }

    /** Forgets one failed digest (its failure was not the build's fault, e.g. the pull broke off). */
    public synchronized void unmarkFailed(String service, String digest) {
        ServiceState old = get(service);
        if (old.failedDigests().contains(digest)) {
            Set<String> failed = new LinkedHashSet<>(old.failedDigests());
            failed.remove(digest);
            update(withFailed(old, failed));
        }
    }

    /**
     * Places ({@code hold} present) or lifts (empty) an operator's hold, written at once. Whether that is allowed (a
     * hold on a held service) is the caller's rule; the store only remembers.
     */
    public synchronized void setHold(String service, Optional<Hold> hold) {
        update(get(service).withHold(hold));
    }

    /** Records a digest waiting for approval (or approved), or clears it (empty), written at once. */
    public synchronized void setApproval(String service, Optional<Approval> approval) {
        update(get(service).withApproval(approval));
    }

    /** Drops a service that is no longer configured. */
    public synchronized void forget(String service) {
        if (services.remove(service) != null) {
            persist();
        }
    }

    private static ServiceState withFailed(ServiceState old, Set<String> failed) {
        return new ServiceState(
                old.service(),
                old.image(),
                old.runningDigest(),
                old.registryDigest(),
                old.lastCheck(),
                old.lastDeploy(),
                failed,
                old.history(),
                old.hold(),
                old.approval());
    }

    private static void addBounded(Set<String> failed, String digest) {
        failed.remove(digest);
        failed.add(digest);
        while (failed.size() > FAILED_DIGESTS_LIMIT) {
            failed.remove(failed.iterator().next());
        }
    }

    private void update(ServiceState state) {
        services.put(state.service(), state);
        persist();
    }

    private void persist() {
        checksPending = false;
        try {
            byte[] content = mapper.writeValueAsBytes(StateJson.fileJson(services));
            persister.write(file, out -> out.write(content));
        } catch (IOException | RuntimeException e) {
            Event.error(log, "state.write_failed")
                    .with("file", file)
                    .with("error", String.valueOf(e))
                    .log();
        }
    }
}

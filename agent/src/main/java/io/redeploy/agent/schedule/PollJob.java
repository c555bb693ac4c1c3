package io.redeploy.agent.schedule;

import java.util.Optional;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/** The one Quartz job: runs a poll. Two polls never overlap; a manual trigger waits for the running one. */
@DisallowConcurrentExecution
public final class PollJob implements Job {
    static final String RUNNER_KEY = "pollRunner";
    static final String SERVICE_KEY = "service";

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        try {
            PollRunner runner = (PollRunner) context.getScheduler().getContext().get(RUNNER_KEY);
            String service = context.getMergedJobDataMap().getString(SERVICE_KEY);
            runner.runPoll(Optional.ofNullable(service));
        } catch (SchedulerException e) {
            throw new JobExecutionException(e);
        }
    }

    /** Whatever runs one poll; never throws for expected failures. */
    public interface PollRunner {
        void runPoll(Optional<String> service);
    }
}

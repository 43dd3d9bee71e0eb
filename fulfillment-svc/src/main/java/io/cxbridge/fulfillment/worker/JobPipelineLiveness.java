package io.cxbridge.fulfillment.worker;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the job stream runs. It stops only on a bug (infrastructure failures are retried until they pass; the
 * record stays uncommitted); a restart then picks the record up again, so liveness says DOWN.
 */
@Liveness
@ApplicationScoped
public class JobPipelineLiveness implements HealthCheck {

    private final JobPipeline pipeline;

    public JobPipelineLiveness(JobPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("fulfillment-jobs")
                .status(!pipeline.stopped())
                .withData("inFlight", pipeline.inFlight())
                .build();
    }
}

package io.ocmt.verify.jenkins;

/** What Jenkins' AbortException is to a pipeline: {@code error}, a failed {@code sh}, a step without its context. */
public final class PipelineError extends RuntimeException {
    public PipelineError(String message) {
        super(message);
    }
}

namespace RlSpec.Trainer.Cluster;

/// <summary>How a rollout node's session with a trainer ended.</summary>
public sealed record NodeOutcome(NodeOutcome.Kind How, string Message)
{
    public enum Kind
    {
        /// <summary>The run completed: the worker exits.</summary>
        Finished,

        /// <summary>The trainer refused the node at join: the worker exits with the reason as its error.</summary>
        Refused,

        /// <summary>The trainer went away (killed, or its run failed): the worker joins again and waits for the next one.</summary>
        Lost,

        /// <summary>The node itself failed (its setup could not be built): the worker exits with the error.</summary>
        Failed,

        /// <summary>The worker process was asked to stop (SIGTERM, Ctrl-C): it leaves the cluster and exits.</summary>
        Stopped,
    }
}

namespace MlPipelines.Compute.Slurm;

/// <summary>What a Slurm job state means for the run waiting on it.</summary>
public enum SlurmPhase
{
    /// <summary>Not started: PENDING, CONFIGURING, REQUEUED, REQUEUE_HOLD, REQUEUE_FED, RESV_DEL_HOLD, SUSPENDED, PREEMPTED (it may run again).</summary>
    Waiting,
    /// <summary>RUNNING, COMPLETING, STAGE_OUT, SIGNALING, RESIZING.</summary>
    Running,
    /// <summary>Ended: COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, BOOT_FAIL, DEADLINE, REVOKED, SPECIAL_EXIT.</summary>
    Ended,
}

/// <summary>Slurm's job state names (as <c>squeue %T</c> and <c>sacct State</c> print them) and what they mean here.</summary>
public static class SlurmJobState
{
    /// <summary>The phase of a state; <c>CANCELLED by 0</c> and other suffixes are ignored. Unknown states count as waiting.</summary>
    public static SlurmPhase Phase(string state) => Normalize(state) switch
    {
        "RUNNING" or "COMPLETING" or "STAGE_OUT" or "SIGNALING" or "RESIZING" => SlurmPhase.Running,
        "COMPLETED" or "FAILED" or "CANCELLED" or "TIMEOUT" or "OUT_OF_MEMORY" or "NODE_FAIL" or "BOOT_FAIL" or "DEADLINE"
            or "REVOKED" or "SPECIAL_EXIT" => SlurmPhase.Ended,
        _ => SlurmPhase.Waiting,
    };

    /// <summary>The bare state name: upper case, without sacct's " by UID" or a trailing '+'.</summary>
    public static string Normalize(string state)
    {
        var s = state.Trim();
        var space = s.IndexOf(' ');
        if (space > 0) s = s[..space];
        return s.TrimEnd('+').ToUpperInvariant();
    }
}

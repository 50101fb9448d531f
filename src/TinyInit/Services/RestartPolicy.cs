namespace TinyInit.Services;

/// <summary>
/// When a supervised service is started again after it ends. The names follow Docker's
/// <c>--restart</c> so that nobody has to learn new words for the same idea.
/// </summary>
internal enum RestartPolicy
{
    /// <summary>Restart whatever the exit status: a service is meant to run for the container's lifetime.</summary>
    Always,

    /// <summary>Restart after a non-zero exit or a death by signal; a clean exit 0 means the job is done.</summary>
    OnFailure,

    /// <summary>Run once: a one-shot task (a migration, a warm-up) that must not loop.</summary>
    Never,
}

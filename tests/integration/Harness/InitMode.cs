namespace TinyInit.IntegrationTests.Harness;

/// <summary>How tinyinit is run in a test.</summary>
public enum InitMode
{
    /// <summary>As PID 1 of a new PID namespace: unshare --pid --fork --mount-proc.</summary>
    Pid1,

    /// <summary>On the host with -s (PR_SET_CHILD_SUBREAPER).</summary>
    Subreaper,

    /// <summary>On the host with neither: the negative control for reaping.</summary>
    Plain,
}

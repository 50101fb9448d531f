using TinyInit.Interop;

namespace TinyInit.Spawning;

/// <summary>
/// The one place that turns a failed spawn's errno into tinyinit's exit code and words, as
/// env(1) and timeout(1) do for their command: 127 when it is not there, 126 when it is there but
/// cannot be executed, and 125, like any setup failure, when the system had no room for another
/// process: that says nothing about the command.
/// </summary>
internal static class SpawnFailure
{
    public static ExitCodes ExitCodeOf(int error) => (Errno)error switch
    {
        Errno.ENOENT or Errno.ENOTDIR => ExitCodes.NotFound,
        Errno.EAGAIN or Errno.ENOMEM => ExitCodes.UsageOrSetupError,
        _ => ExitCodes.CannotExecute,
    };

    /// <summary>What went wrong, for "cannot run 'COMMAND': ...".</summary>
    public static string Describe(int error) => (Errno)error switch
    {
        // fork(2): EAGAIN is RLIMIT_NPROC or a pids cgroup's pids.max (or threads-max).
        Errno.EAGAIN => $"no room for another process (RLIMIT_NPROC or a pids cgroup limit): {Errors.Describe(error)}",
        Errno.ENOMEM => $"out of memory for another process: {Errors.Describe(error)}",
        // ChildSpawner returns ENOEXEC only when /bin/sh could not run the file either.
        Errno.ENOEXEC => $"{Errors.Describe(error)}, and /bin/sh could not run it as a script",
        _ => Errors.Describe(error),
    };
}

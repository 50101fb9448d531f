using System.Threading;
using TinyInit.IntegrationTests.Harness;

namespace TinyInit.IntegrationTests.Regressions;

/// <summary>
/// Command prefixes that set up what tinyinit starts with, for scenarios the harness's modes do
/// not cover: a limit or a session that must be set inside the PID namespace, not around unshare.
/// </summary>
internal static class Wrappers
{
    private static int _nextUser = 200_000 + Environment.ProcessId % 50_000 * 8;

    /// <summary>
    /// unshare as InitMode.Pid1 does, then inner... inside the namespace (run it with
    /// InitMode.Plain: the harness then adds nothing of its own).
    /// </summary>
    public static string[] InNamespace(params string[] inner) =>
        ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child", .. inner];

    /// <summary>
    /// Runs as a user id nobody else uses, with RLIMIT_NPROC set: the limit counts every thread of
    /// that user, so a fresh one makes the count exactly tinyinit's own (root ignores the limit).
    /// </summary>
    public static string[] AsFreshUserWithProcessLimit(int limit)
    {
        string user = Interlocked.Increment(ref _nextUser).ToString();
        return ["prlimit", $"--nproc={limit}", "setpriv", $"--reuid={user}", $"--regid={user}", "--clear-groups"];
    }

    /// <summary>The wrappers for a mode: outside the namespace as a subreaper, inside it as PID 1.</summary>
    public static string[] For(InitMode mode, params string[] inner) =>
        mode == InitMode.Pid1 ? InNamespace(inner) : inner;

    /// <summary>The harness mode that runs <see cref="For"/>'s wrappers as intended.</summary>
    public static InitMode HarnessMode(InitMode mode) => mode == InitMode.Pid1 ? InitMode.Plain : mode;

    /// <summary>The host pid of tinyinit below the run's outer process (itself when no wrapper forks).</summary>
    public static int FindInit(InitRun run)
    {
        int pid = 0;
        run.WaitUntil(() => (pid = ProcTable.TryRead(run.OuterPid)?.Comm == "tinyinit" ? run.OuterPid
            : ProcTable.Descendants(run.OuterPid).FirstOrDefault(e => e.Comm == "tinyinit").Pid) != 0, "tinyinit to start");
        return pid;
    }

    /// <summary>The session id of a process: field 6 of /proc/PID/stat.</summary>
    public static int SessionOf(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3]);
    }
}

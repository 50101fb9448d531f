using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Regressions;

/// <summary>
/// SIGSEGV and SIGFPE sent by a process (kill, not a fault) get the action tinyinit started with,
/// as in every init: the default kills a subreaper; PID 1 and a tinyinit started ignoring them
/// carry on. The .NET runtime, which catches both to turn faults into exceptions, used to take the
/// first one as a fault, drop it, and leave the signal at its default from then on.
/// </summary>
public sealed class CrashSignalTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Native.SIGSEGV)]
    [InlineData(8)]
    public void ASentCrashSignalKillsASubreaper(int signal)
    {
        // The child lets go of the output pipes, which would otherwise stay open after tinyinit dies.
        using var run = InitRun.Start(output, InitMode.Subreaper, "--", "sh", "-c", "echo ready; exec sleep 1000 >/dev/null 2>&1");
        run.WaitForLine("ready");
        Assert.Equal(0, Native.kill(run.InitPid, signal));
        Assert.Equal(128 + signal, run.WaitForExit());
    }

    [Theory]
    [InlineData(Native.SIGSEGV)]
    [InlineData(8)]
    public void PidOneCarriesOnAndKeepsTheRuntimesFaultHandling(int signal)
    {
        using var run = InitRun.Start(output, InitMode.Pid1, ["--", .. InitRun.Probe("signals")]);
        run.WaitForReady();
        SendAndWaitUntilTaken(run, signal);
        SendAndWaitUntilTaken(run, signal);

        // A forwarded signal makes a round trip through the loop after the crash signals were taken.
        run.Signal(Native.SIGUSR1);
        run.WaitForLine($"got {Native.SIGUSR1}");
        Assert.True(IsCaught(run.InitPid, signal), $"signal {signal} is no longer caught: the runtime's fault handling is gone");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }

    [Theory]
    [InlineData(Native.SIGSEGV)]
    [InlineData(8)]
    public void StartedIgnoringACrashSignalASubreaperKeepsIgnoringIt(int signal)
    {
        string[] wrapper = InitRun.Probe("with-state", "0", (1UL << (signal - 1)).ToString("x"), "--");
        using var run = InitRun.StartWrapped(output, InitMode.Subreaper, wrapper, ["--", .. InitRun.Probe("signals")]);
        run.WaitForReady();
        SendAndWaitUntilTaken(run, signal);
        SendAndWaitUntilTaken(run, signal);
        run.Signal(Native.SIGUSR1);
        run.WaitForLine($"got {Native.SIGUSR1}");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }

    /// <summary>Sends sig to tinyinit and waits until no thread of it has it pending any more.</summary>
    private static void SendAndWaitUntilTaken(InitRun run, int sig)
    {
        Assert.Equal(0, Native.kill(run.InitPid, sig));
        run.WaitUntil(() => !IsAlive(run.InitPid) || !IsPending(run.InitPid, sig), $"signal {sig} to be taken");
        Assert.True(IsAlive(run.InitPid), $"tinyinit died of signal {sig}:\n{run.Stderr}");
    }

    private static bool IsAlive(int pid) => ProcTable.TryRead(pid) is { State: not 'Z' };

    private static bool IsPending(int pid, int sig)
    {
        ulong bit = 1UL << (sig - 1);
        bool Pending(string status) => (Mask(status, "ShdPnd") & bit) != 0 || (Mask(status, "SigPnd") & bit) != 0;
        try
        {
            return Pending($"/proc/{pid}/status") || Directory.EnumerateDirectories($"/proc/{pid}/task").Any(task => Pending($"{task}/status"));
        }
        catch (IOException)
        {
            return false; // gone: the caller looks at whether it exited
        }
    }

    private static bool IsCaught(int pid, int sig) => (Mask($"/proc/{pid}/status", "SigCgt") & 1UL << (sig - 1)) != 0;

    private static ulong Mask(string status, string field) =>
        ProcTable.StatusField(status, field) is string hex ? Convert.ToUInt64(hex, 16) : 0;
}

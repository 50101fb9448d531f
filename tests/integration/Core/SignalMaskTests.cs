using System.Globalization;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Core;

/// <summary>
/// Every thread of tinyinit blocks the handled signals (the runtime's threads exist before Main:
/// docs/design.md, "The signal mask"), so a burst of SIGTERM cannot kill it.
/// </summary>
public sealed class SignalMaskTests(ITestOutputHelper output)
{
    /// <summary>Signals 1-64 less KILL, STOP, the crash signals, glibc's 32 and 33, and SIGRTMIN (the runtime's).</summary>
    internal static ulong HandledMask()
    {
        ulong mask = 0;
        int[] excluded = [9, 19, 4, 5, 6, 7, 8, 11, 31, 32, 33, 34];
        for (int sig = 1; sig <= 64; sig++)
        {
            if (!excluded.Contains(sig))
                mask |= 1UL << (sig - 1);
        }

        return mask;
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void EveryThreadBlocksTheHandledSignals(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, ["--", .. InitRun.Probe("signals")]);
        run.WaitForReady();
        string[] tasks = Directory.GetDirectories($"/proc/{run.InitPid}/task");
        Assert.NotEmpty(tasks);
        foreach (string task in tasks)
        {
            string blocked = ProcTable.StatusField(Path.Combine(task, "status"), "SigBlk")!;
            string name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
            // At least the handled set: while the runtime creates a thread, the thread may
            // block everything for a moment, which is harmless; one that blocks less is the bug.
            ulong mask = ulong.Parse(blocked, NumberStyles.HexNumber);
            Assert.True((mask & HandledMask()) == HandledMask(),
                $"thread {Path.GetFileName(task)} ({name}) blocks {blocked}, expected at least {HandledMask():x16}");
        }

        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }

    [Fact]
    public void ABurstOf2000SigtermsDoesNotKillTinyinitAndReachesTheChild()
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, ["--", .. InitRun.Probe("signals")]);
        run.WaitForReady();
        for (int i = 0; i < 2000; i++)
            Assert.Equal(0, Native.kill(run.InitPid, Native.SIGTERM));

        run.WaitForLine($"got {Native.SIGTERM}");
        Assert.False(run.HasExited, "tinyinit died under the burst");
        Assert.NotEqual('Z', ProcTable.TryRead(run.InitPid)?.State);

        // Still working: the child exits 0 at stdin EOF and tinyinit passes that on (not 143).
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }
}

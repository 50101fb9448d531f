using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Core;

/// <summary>Each forwarded signal reaches the child; with -g it reaches the whole process group.</summary>
public sealed class SignalForwardingTests(ITestOutputHelper output)
{
    private static readonly int[] Forwarded =
    [
        Native.SIGHUP, Native.SIGINT, Native.SIGQUIT, Native.SIGUSR1, Native.SIGUSR2,
        Native.SIGTERM, Native.SIGWINCH, Native.SIGCONT, Native.SIGRTMIN + 1, Native.SIGRTMIN + 9,
    ];

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void EachForwardedSignalReachesTheChild(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, ["--", .. InitRun.Probe("signals")]);
        run.WaitForReady();
        foreach (int signal in Forwarded)
        {
            run.Signal(signal);
            run.WaitForLine($"got {signal}");
        }

        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void WithProcessGroupSignalsReachAGrandchild(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, ["-g", "--", .. InitRun.Probe("grandchild-signals")]);
        run.WaitForReady();
        foreach (int signal in new[] { Native.SIGUSR1, Native.SIGTERM, Native.SIGRTMIN + 2 })
        {
            run.Signal(signal);
            run.WaitForLine($"got {signal}");
        }

        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void ProcessGroupCanComeFromTheEnvironment()
    {
        var env = new Dictionary<string, string?> { ["TINYINIT_KILL_PROCESS_GROUP"] = "1" };
        using var run = InitRun.Start(output, InitMode.Subreaper, env, ["--", .. InitRun.Probe("grandchild-signals")]);
        run.WaitForReady();
        run.Signal(Native.SIGUSR2);
        run.WaitForLine($"got {Native.SIGUSR2}");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }
}

using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Readiness;

/// <summary>--essential: when that service exits, everything is stopped and tinyinit exits with its code.</summary>
public sealed class EssentialTests(ITestOutputHelper output)
{
    private const string Other = "other=trap 'echo other got TERM; exit 0' TERM; echo other up; while :; do sleep 0.05; done";
    private const string Main = "trap 'echo main got TERM; exit 0' TERM; echo main up; while :; do sleep 0.05; done";

    // The traps answer TERM at once; the long grace only keeps a loaded machine from turning a
    // slow shell into a SIGKILL (a 3 s grace once ran out under a load average of 40).
    private const string Grace = "30s";

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void AnEssentialServiceExiting3StopsTheMainChildAndTheOtherServicesAndTinyinitExits3(InitMode mode)
    {
        using var dir = new TempDirectory("essential");
        using var run = InitRun.Start(output, mode, "--essential", "db", "--grace", Grace,
            "--service", $"db=echo db up; while [ ! -e '{dir.File("go")}' ]; do sleep 0.02; done; exit 3",
            "--service", Other,
            "--", "sh", "-c", Main);
        run.WaitForLine("db up");
        run.WaitForLine("other up");
        run.WaitForLine("main up");

        dir.Touch("go");
        Assert.Equal(3, run.WaitForExit());
        Assert.Contains("main got TERM", run.Lines);
        Assert.Contains("other got TERM", run.Lines);
        Assert.Contains("essential service 'db' (pid", run.Stderr);
        Assert.Single(run.Lines, l => l == "db up");
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void AnEssentialServiceKilledBySigkillMakesTinyinitExit137(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, new Dictionary<string, string?> { ["TINYINIT_ESSENTIAL"] = "other,db" },
            "--grace", Grace, "--service", $"db=exec {Paths.Probe} signals",
            "--service", Other,
            "--", "sh", "-c", Main);
        run.WaitForLine("other up");
        run.WaitForLine("main up");
        run.WaitForReady();
        int db = ProcTable.Descendants(run.InitPid).Single(e => e.Comm == "tinyprobe").Pid;

        Assert.Equal(0, Native.kill(db, Native.SIGKILL));
        Assert.Equal(137, run.WaitForExit());
        Assert.Contains("main got TERM", run.Lines);
        Assert.Contains("other got TERM", run.Lines);
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void WithNoCleanupTheMainChildIsStillStopped()
    {
        using var dir = new TempDirectory("essential");
        using var run = InitRun.Start(output, InitMode.Subreaper, "--no-cleanup", "--grace", Grace, "--essential", "db",
            "--service", $"db=while [ ! -e '{dir.File("go")}' ]; do sleep 0.02; done; exit 4",
            "--", "sh", "-c", Main);
        run.WaitForLine("main up");
        dir.Touch("go");
        Assert.Equal(4, run.WaitForExit());
        Assert.Contains("main got TERM", run.Lines);
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void AnEssentialServiceThatCannotBeStartedEndsTheRunWith126()
    {
        // /bin/sh replaced by /dev/null in a mount namespace of the run's own: the exec fails with EACCES.
        string[] wrapper = ["unshare", "--mount", "sh", "-c", "mount --bind /dev/null /bin/sh && exec \"$0\" \"$@\""];
        using var run = InitRun.StartWrapped(output, InitMode.Subreaper, wrapper,
            ["--essential", "db", "--service", "db=true", "--", .. InitRun.Probe("signals")]);
        Assert.Equal(126, run.WaitForExit());
        Assert.Contains("essential service 'db' cannot run /bin/sh: Permission denied: stopping everything", run.Stderr);
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void AServiceThatIsNotEssentialIsRestartedAndTheRunGoesOn()
    {
        // The negative control: the same exit without --essential.
        using var run = InitRun.Start(output, InitMode.Subreaper, "--min-restart-delay", "100ms",
            "--service", "db=echo db run; exit 3",
            "--", "sh", "-c", "read line || true");
        run.WaitUntil(() => run.Lines.Count(l => l == "db run") >= 2, "db to be restarted");
        Assert.False(run.HasExited);
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }
}

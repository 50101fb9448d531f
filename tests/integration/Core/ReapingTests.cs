using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Core;

/// <summary>Orphans are reparented to tinyinit and reaped, all of them; without PID 1 or -s they are not.</summary>
public sealed class ReapingTests(ITestOutputHelper output)
{
    private const int Orphans = 1000;

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void AThousandOrphansAreAllReaped(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, ["-w", "--", .. InitRun.Probe("orphans", Orphans.ToString())]);
        run.WaitForLine($"orphaned {Orphans}");
        run.WaitUntil(() => CountReaped(run) == Orphans, $"{Orphans} 'reaped zombie' warnings");
        run.WaitUntil(() => run.ZombieChildrenOfInit().Count == 0, "no zombie left under tinyinit");
        Assert.DoesNotContain("not a subreaper", run.Stderr);

        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        Assert.Equal(Orphans, CountReaped(run));
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void WithoutPid1OrSubreaperOrphansAreNotReapedAndAWarningSaysSo()
    {
        using var run = InitRun.Start(output, InitMode.Plain, ["-w", "--", .. InitRun.Probe("orphans", "50")]);
        run.WaitForLine("orphaned 50");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        Assert.Contains("not running as PID 1 and not a subreaper", run.Stderr);
        Assert.Equal(0, CountReaped(run));
    }

    [Fact]
    public void SubreaperCanComeFromTheEnvironment()
    {
        var env = new Dictionary<string, string?> { ["TINYINIT_SUBREAPER"] = "1" };
        using var run = InitRun.Start(output, InitMode.Plain, env, ["-w", "--", .. InitRun.Probe("orphans", "20")]);
        run.WaitForLine("orphaned 20");
        run.WaitUntil(() => CountReaped(run) == 20, "20 'reaped zombie' warnings");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        Assert.DoesNotContain("not a subreaper", run.Stderr);
    }

    private static int CountReaped(InitRun run) =>
        run.Stderr.Split('\n').Count(l => l.StartsWith("[tinyinit] WARN reaped zombie", StringComparison.Ordinal));
}

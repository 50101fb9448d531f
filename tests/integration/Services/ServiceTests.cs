using System.Text;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Services;

/// <summary>Supervised services: started with the main command, stopped with it, restarted by policy, output tagged.</summary>
public sealed class ServiceTests(ITestOutputHelper output)
{
    private const string Stubborn = "stubborn=trap '' TERM; echo stubborn ready; while :; do sleep 0.05; done";

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void TwoServicesRunWithTheMainCommandAndStopWhenItExits(InitMode mode)
    {
        using var run = InitRun.Start(output, mode,
            "--service", "web=echo web up; exec sleep 1000",
            "--service", "worker=echo worker up; exec sleep 1000",
            "--", "sh", "-c", "read line; exit 3");
        run.WaitForLine("web up");
        run.WaitForLine("worker up");
        run.CloseStdin();
        Assert.Equal(3, run.WaitForExit());
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void WithoutAMainCommandServicesRunUntilSigtermAndTinyinitExitsZero(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, "--service", "web=echo web up; exec sleep 1000", "--service", Stubborn, "--kill-timeout", "300ms");
        run.WaitForLine("web up");
        run.WaitForLine("stubborn ready");
        run.Signal(Native.SIGTERM);
        Assert.Equal(0, run.WaitForExit());
        Assert.Contains("service 'stubborn'", run.Stderr);
        Assert.Contains("did not stop within 300ms: sending SIGKILL", run.Stderr);
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void AServiceThatIgnoresSigtermIsKilledAfterItsKillTimeout(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, "--kill-timeout", "300ms", "--grace", "10s", "--service", Stubborn, "--", "sh", "-c", "read line || true");
        run.WaitForLine("stubborn ready");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        Assert.Contains("service 'stubborn' (pid", run.Stderr);
        Assert.Contains("did not stop within 300ms: sending SIGKILL", run.Stderr);
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData("never", "exit 3")]
    [InlineData("on-failure", "exit 0")]
    public void ServicesThatShouldNotRestartAreNotRestarted(string policy, string how)
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, "--restart", policy, "--min-restart-delay", "0.1",
            "--service", $"once=echo once ran; {how}", "--", "sh", "-c", "read line || true");
        run.WaitForLine("once ran");
        run.WaitUntil(() => run.Stderr.Contains($"not restarted (--restart {policy})"), "the no-restart decision");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        Assert.Single(run.Lines, l => l == "once ran");
    }

    [Fact]
    public void AServiceThatRanLongerThanTheThresholdIsRestartedAtOnce()
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, "--restart-threshold", "200ms", "--min-restart-delay", "1h",
            "--service", "steady=echo steady started; sleep 0.3; exit 1", "--", "sh", "-c", "read line || true");
        run.WaitUntil(() => run.Lines.Count(l => l == "steady started") >= 3, "three runs of the service");
        Assert.Contains("service 'steady' exited with 1 after", run.Stderr);
        Assert.Contains("restarting now", run.Stderr);
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void SighupRestartsEveryServiceOneAtATimeAndIsNotForwarded(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, [
            "-v",
            "--service", "a=echo a started; trap 'echo a got HUP' HUP; while :; do sleep 0.05; done",
            "--service", "b=echo b started; trap 'echo b got HUP' HUP; while :; do sleep 0.05; done",
            "--", .. InitRun.Probe("signals")]);
        run.WaitForReady();
        run.WaitForLine("a started");
        run.WaitForLine("b started");
        run.Signal(Native.SIGHUP);
        run.WaitUntil(() => run.Lines.Count(l => l == "a started") == 2 && run.Lines.Count(l => l == "b started") == 2, "both services started again");

        string log = run.Stderr;
        int aBack = log.IndexOf("service 'a' started as pid", log.IndexOf("service 'a' (pid", StringComparison.Ordinal), StringComparison.Ordinal);
        int bStopped = log.IndexOf("service 'b' (pid", StringComparison.Ordinal);
        Assert.True(aBack >= 0 && bStopped > aBack, "b must be stopped only once a is back:\n" + log);
        Assert.DoesNotContain(run.Lines, l => l.Contains("got HUP", StringComparison.Ordinal) || l == $"got {Native.SIGHUP}");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void TaggedOutputKeepsLinesWholeTagsAPartialLastLineAndPassesBytesThrough(InitMode mode)
    {
        const string Burst = "i=0; while [ $i -lt 300 ]; do echo \"line $i of NAME with some padding to make it longer\"; i=$((i+1)); done";
        using var run = InitRun.Start(output, mode, "--tag-output",
            "--service", "one=" + Burst.Replace("NAME", "one", StringComparison.Ordinal) + "; printf 'no newline'",
            "--service", "two=" + Burst.Replace("NAME", "two", StringComparison.Ordinal) + "; printf 'bad \\377\\376 bytes\\n' >&2",
            "--", "sh", "-c", "read line || true");
        run.WaitUntil(() => run.Lines.Count(l => l.StartsWith("[one] line ", StringComparison.Ordinal)) == 300
            && run.Lines.Count(l => l.StartsWith("[two] line ", StringComparison.Ordinal)) == 300
            && run.Lines.Contains("[one] no newline"), "all tagged lines");
        foreach (string name in new[] { "one", "two" })
        {
            string[] lines = run.Lines.Where(l => l.StartsWith($"[{name}] line ", StringComparison.Ordinal)).ToArray();
            for (int i = 0; i < 300; i++)
                Assert.Equal($"[{name}] line {i} of {name} with some padding to make it longer", lines[i]);
        }

        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        byte[] expected = [.. "[two] bad "u8, 0xFF, 0xFE, .. " bytes\n"u8];
        Assert.True(run.StderrBytes.AsSpan().IndexOf(expected) >= 0, "invalid UTF-8 must pass through byte for byte:\n" + run.Stderr);
    }

    [Theory]
    [InlineData("web: ./server\nweb: ./other\n", "Procfile:2: duplicate service name 'web'")]
    [InlineData("# comment\n\nweb ./server\n", "Procfile:3:")]
    [InlineData("web:\n", "Procfile:1:")]
    public void BadProcfilesAreOneLineErrorsNamingTheLine(string text, string expected)
    {
        string dir = Path.Combine(Path.GetTempPath(), "tinyinit-procfile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string procfile = Path.Combine(dir, "Procfile");
        File.WriteAllText(procfile, text);
        try
        {
            using var run = InitRun.Start(output, InitMode.Subreaper, "--procfile", procfile);
            Assert.Equal(125, run.WaitForExit());
            string[] lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            Assert.Contains(expected.Replace("Procfile", procfile, StringComparison.Ordinal), lines[0]);
            run.AssertNothingLeftRunning();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void AProcfileRunsItsServicesWithShC()
    {
        string procfile = Path.Combine(Path.GetTempPath(), "tinyinit-procfile-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(procfile, "# two services\nweb: echo \"web $((20+22))\"; exec sleep 1000\nworker:   echo worker $0 && exec sleep 1000\n");
        try
        {
            using var run = InitRun.Start(output, InitMode.Subreaper, "--procfile", procfile, "--tag-output", "--", "sh", "-c", "read line || true");
            run.WaitForLine("[web] web 42");
            run.WaitForLine("[worker] worker /bin/sh");
            run.CloseStdin();
            Assert.Equal(0, run.WaitForExit());
            run.AssertNothingLeftRunning();
        }
        finally
        {
            File.Delete(procfile);
        }
    }
}

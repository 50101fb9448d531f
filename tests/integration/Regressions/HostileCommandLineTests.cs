using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;
using static TinyInit.IntegrationTests.Regressions.HostileProcfileTests;

namespace TinyInit.IntegrationTests.Regressions;

/// <summary>Flags, environment variables and messages from an hour of hostile use (issue 9).</summary>
public sealed class HostileCommandLineTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("SIGINT")]
    [InlineData("3")]
    public void ASignalThatStopsTinyinitCannotBeTheRestartSignal(string signal)
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, "--restart-signal", signal, "--service", "a=sleep 1000", "--", "true");
        Assert.Equal(125, run.WaitForExit());
        AssertOneErrorLine(run, "it stops tinyinit, so it cannot restart the services");
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void TimeoutZeroMeansNoTimeout(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, "--timeout", "0", "--", "sh", "-c", "read line; exit 3");
        run.CloseStdin();
        Assert.Equal(3, run.WaitForExit());
        Assert.DoesNotContain("timed out", run.Stderr);
    }

    [Fact]
    public void TimeoutZeroInTheEnvironmentMeansNoTimeout()
    {
        var env = new Dictionary<string, string?> { ["TINYINIT_TIMEOUT"] = "0" };
        using var run = InitRun.Start(output, InitMode.Subreaper, env, "--", "sh", "-c", "read line; exit 3");
        run.CloseStdin();
        Assert.Equal(3, run.WaitForExit());
    }

    [Theory]
    [InlineData("--grace", "1", "--grace", "2")]
    [InlineData("-p", "TERM", "-p", "HUP")]
    [InlineData("--pdeathsig", "TERM", "-p", "USR1")]
    [InlineData("--kill-after", "1s", "--kill-after", "2s")]
    [InlineData("--timeout", "1h", "--timeout", "2h")]
    [InlineData("--restart", "always", "--restart", "never")]
    [InlineData("--restart-signal", "USR1", "--restart-signal", "USR2")]
    [InlineData("--kill-timeout", "1s", "--kill-timeout=2s")]
    [InlineData("--procfile", "/nonexistent/Procfile", "--procfile", "/dev/stdin")]
    [InlineData("--events", "/nonexistent/events", "--events", "/dev/null")]
    [InlineData("--restart-threshold", "1s", "--restart-threshold", "2s")]
    [InlineData("--min-restart-delay", "1s", "--min-restart-delay", "2s")]
    [InlineData("--max-restart-delay", "1s", "--max-restart-delay", "2s")]
    public void ARepeatedFlagIsAcceptedAsTiniAcceptsIt(params string[] flags)
    {
        // stdin is the test's pipe: the Procfile one reads it to its end.
        using var run = InitRun.Start(output, InitMode.Subreaper, [.. flags, "--", "sh", "-c", "exit 7"]);
        if (flags.Contains("/dev/stdin"))
        {
            run.WriteStdin("web: exit 0\n");
            run.CloseStdin();
        }

        Assert.Equal(7, run.WaitForExit());
    }

    [Fact]
    public void ARepeatedFlagTakesTheLastValue()
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, "--timeout", "1h", "--timeout", "300ms", "--", "sleep", "1000");
        Assert.Equal(124, run.WaitForExit());
    }

    [Fact]
    public void ARepeatedRestartPolicyTakesTheLastOne()
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, "--restart", "always", "--restart", "never",
            "--service", "once=echo once ran", "--", "sh", "-c", "read line || true");
        run.WaitUntil(() => run.Stderr.Contains("not restarted (--restart never)"), "the no-restart decision");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }

    [Fact]
    public void AHugeVerbosityIsClampedAndWarningsStay()
    {
        var env = new Dictionary<string, string?> { ["TINYINIT_VERBOSITY"] = "2147483647" };
        using var run = InitRun.Start(output, InitMode.Plain, env, "--", "true");
        Assert.Equal(0, run.WaitForExit());
        Assert.Contains("WARN not running as PID 1", run.Stderr);
        Assert.Contains("INFO spawned 'true'", run.Stderr);
    }

    [Fact]
    public void AVerbosityTooLargeForAnIntIsStillANumber()
    {
        var env = new Dictionary<string, string?> { ["TINYINIT_VERBOSITY"] = "999999999999" };
        using var run = InitRun.Start(output, InitMode.Subreaper, env, "--", "true");
        Assert.Equal(0, run.WaitForExit());
        Assert.Contains("INFO spawned 'true'", run.Stderr);
    }

    [Fact]
    public void TheEnvironmentVerbosityHoldsWhenOtherFlagsAreGiven()
    {
        // Any flag used to reset it: -v's absent value counted as "-v given zero times".
        var env = new Dictionary<string, string?> { ["TINYINIT_VERBOSITY"] = "1" };
        using var run = InitRun.Start(output, InitMode.Subreaper, env, "-w", "--", "true");
        Assert.Equal(0, run.WaitForExit());
        Assert.Contains("INFO spawned 'true'", run.Stderr);
    }

    [Theory]
    [InlineData(new[] { "--grace", "99999999h", "--", "true" }, "--grace '99999999h' is longer than 365 days")]
    [InlineData(new[] { "--timeout", "1e400", "--", "true" }, "--timeout '1e400' is not a duration")]
    [InlineData(new[] { "--timeout", "400d", "--", "true" }, "--timeout '400d' is not a duration")]
    [InlineData(new[] { "--max-restart-delay", "0", "--service", "a=true" }, "--max-restart-delay must be longer than 0")]
    [InlineData(new[] { "--max-restart-delay", "500ms", "--service", "a=true" }, "--max-restart-delay 500ms is shorter than --min-restart-delay 1s")]
    [InlineData(new[] { "--service", "a\u001b[31m=true" }, "invalid service name 'a\\x1b[31m'")]
    [InlineData(new[] { "--rewrite", "TERM:\u0007", "--", "true" }, "'\\x07' is not a signal")]
    public void MessagesSayWhatIsWrong(string[] args, string expected)
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, args);
        Assert.Equal(125, run.WaitForExit());
        AssertOneErrorLine(run, expected);
    }

    [Fact]
    public void AnEnvironmentDurationOverTheCapSaysSo()
    {
        var env = new Dictionary<string, string?> { ["TINYINIT_GRACE"] = "9999h" };
        using var run = InitRun.Start(output, InitMode.Subreaper, env, "--", "true");
        Assert.Equal(125, run.WaitForExit());
        AssertOneErrorLine(run, "TINYINIT_GRACE '9999h' is longer than 365 days");
    }

    [Fact]
    public void AFifoEventsTargetWithNoReaderSaysSo()
    {
        string fifo = Path.Combine(Path.GetTempPath(), "tinyinit-noreader-" + Guid.NewGuid().ToString("N"));
        Assert.Equal(0, Native.mkfifo(fifo, Convert.ToInt32("600", 8)));
        try
        {
            using var run = InitRun.Start(output, InitMode.Subreaper, "--events", fifo, "--", "true");
            Assert.Equal(125, run.WaitForExit());
            AssertOneErrorLine(run, $"--events '{fifo}': no process has the FIFO open for reading");
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Theory]
    [InlineData("--help", "the help")]
    [InlineData("--version", "the version")]
    [InlineData("-l", "the license")]
    public void InformationThatCannotBeWrittenIsAnError(string flag, string what)
    {
        string[] full = ["sh", "-c", "exec \"$0\" \"$@\" >/dev/full"];
        using var run = InitRun.StartWrapped(output, InitMode.Plain, full, flag);
        Assert.Equal(125, run.WaitForExit());
        AssertOneErrorLine(run, $"cannot write {what} to stdout: No space left on device");
    }
}

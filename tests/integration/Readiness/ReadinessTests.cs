using System.Text.Json;
using TinyInit.IntegrationTests.Events;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Readiness;

/// <summary>--ready and --after: a service (or the main command) starts only once what it waits for is ready, in each mode.</summary>
public sealed class ReadinessTests(ITestOutputHelper output)
{
    /// <summary>How db says it is ready in each mode, once the test creates the file 'go'.</summary>
    public static TheoryData<InitMode, string> Modes() => new()
    {
        { InitMode.Pid1, "notify" }, { InitMode.Subreaper, "notify" },
        { InitMode.Pid1, "fd" }, { InitMode.Subreaper, "fd" },
        { InitMode.Pid1, "check" }, { InitMode.Subreaper, "check" },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void WebStartsOnlyOnceDbIsReady(InitMode mode, string how)
    {
        using var dir = new TempDirectory("ready");
        string go = dir.File("go");
        string waitForGo = $"while [ ! -e '{go}' ]; do sleep 0.02; done";
        (string ready, string db) = how switch
        {
            // Not exec'ed: the probe is the shell's child, so the message comes from a descendant of the service.
            "notify" => ("db=notify", $"echo db up; {Paths.Probe} notify READY=1 '{go}'; exit 0"),
            "fd" => ("db=fd:3", $"echo db up; {waitForGo}; echo db notified; echo >&3; exec sleep 1000"),
            _ => ($"db=check:test -e '{go}'", "echo db up; exec sleep 1000"),
        };

        using var run = InitRun.Start(output, mode, "-v", "--events", dir.File("events"), "--ready-interval", "100ms",
            "--ready", ready, "--after", "web=db",
            "--service", "db=" + db,
            "--service", "web=echo web up; exec sleep 1000",
            "--", "sh", "-c", "read line || true");
        run.WaitForLine("db up");
        run.WaitUntil(() => run.Stderr.Contains("service 'web' waits for db", StringComparison.Ordinal), "web to wait for db");
        Assert.DoesNotContain("web up", run.Lines);
        Assert.DoesNotContain("service 'web' started", run.Stderr);

        dir.Touch("go");
        run.WaitForLine("web up");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        run.AssertNothingLeftRunning();

        List<JsonElement> events = EventStreamTests.Parse(File.ReadAllText(dir.File("events")));
        int readyAt = events.FindIndex(e => EventStreamTests.Is(e, "ready"));
        int webAt = events.FindIndex(e => EventStreamTests.Is(e, "spawn") && e.TryGetProperty("service", out JsonElement name) && name.GetString() == "web");
        Assert.True(readyAt >= 0 && webAt > readyAt, "web must be spawned after db's ready event");
        JsonElement readyEvent = events[readyAt];
        Assert.Equal("db", readyEvent.GetProperty("service").GetString());
        Assert.Equal("service", readyEvent.GetProperty("role").GetString());
        Assert.True(readyEvent.GetProperty("since_spawn_ms").GetInt64() >= 0);
        if (how == "check")
            Assert.Contains(events, e => EventStreamTests.Is(e, "exit") && e.GetProperty("role").GetString() == "check" && e.GetProperty("service").GetString() == "db");
    }

    [Fact]
    public void WithoutAfterWebDoesNotWaitForDb()
    {
        // The negative control of the test above: the same services without --after.
        using var dir = new TempDirectory("ready");
        using var run = InitRun.Start(output, InitMode.Subreaper, "--ready", "db=notify",
            "--service", $"db=echo db up; exec {Paths.Probe} notify READY=1 '{dir.File("go")}'",
            "--service", "web=echo web up; exec sleep 1000",
            "--", "sh", "-c", "read line || true");
        run.WaitForLine("db up");
        run.WaitForLine("web up");
        Assert.DoesNotContain("notified READY=1", run.Lines);
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void AfterMainHoldsTheMainCommandUntilItsDependenciesAreReady(InitMode mode)
    {
        using var dir = new TempDirectory("ready");
        using var run = InitRun.Start(output, mode, "-v", "--events", dir.File("events"),
            "--ready", "db=fd:5", "--after", "main=db,cache",
            "--service", $"db=echo db up; while [ ! -e '{dir.File("go")}' ]; do sleep 0.02; done; echo ok >&5; exec sleep 1000",
            "--service", "cache=echo cache up; exec sleep 1000",
            "--", "sh", "-c", "echo main started; read line || true");
        run.WaitForLine("db up");
        run.WaitForLine("cache up");
        run.WaitUntil(() => run.Stderr.Contains("the main command waits for db, cache", StringComparison.Ordinal), "the main command to wait");
        Assert.DoesNotContain("main started", run.Lines);

        dir.Touch("go");
        run.WaitForLine("main started");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        run.AssertNothingLeftRunning();

        List<JsonElement> events = EventStreamTests.Parse(File.ReadAllText(dir.File("events")));
        int readyAt = events.FindIndex(e => EventStreamTests.Is(e, "ready"));
        int mainAt = events.FindIndex(e => EventStreamTests.Is(e, "spawn") && e.GetProperty("role").GetString() == "main");
        Assert.True(readyAt >= 0 && mainAt > readyAt, "the main command must be spawned after db's ready event");
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void ASigtermWhileTheMainCommandWaitsStopsTheServicesAndExits143(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, "--ready", "db=notify", "--after", "main=db",
            "--service", "db=echo db up; exec sleep 1000",
            "--", "sh", "-c", "echo main started");
        run.WaitForLine("db up");
        run.Signal(Native.SIGTERM);
        Assert.Equal(143, run.WaitForExit());
        Assert.DoesNotContain("main started", run.Lines);
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void AServiceNotReadyInTimeIsStoppedAndRestartedAsAFailure(InitMode mode)
    {
        using var run = InitRun.Start(output, mode, "--ready-timeout", "300ms", "--min-restart-delay", "100ms",
            "--ready", "db=notify", "--after", "web=db",
            "--service", "db=echo db run; exec sleep 1000",
            "--service", "web=echo web up; exec sleep 1000",
            "--", "sh", "-c", "read line || true");
        run.WaitUntil(() => run.Lines.Count(l => l == "db run") >= 2, "db to be started again");
        Assert.Contains("service 'db' (pid", run.Stderr);
        Assert.Contains("is not ready 300ms after its spawn (--ready-timeout): stopping it", run.Stderr);
        Assert.Contains("service 'db' was killed by SIGTERM", run.Stderr);
        Assert.DoesNotContain("web up", run.Lines);
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void AnEssentialServiceNotReadyInTimeEndsTheRun()
    {
        using var run = InitRun.Start(output, InitMode.Subreaper, "--ready-timeout", "300ms", "--essential", "db",
            "--ready", "db=check:false", "--service", "db=echo db run; exec sleep 1000",
            "--", "sh", "-c", "echo main up; read line || true");
        run.WaitForLine("main up");
        Assert.Equal(143, run.WaitForExit());
        Assert.Single(run.Lines, l => l == "db run");
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void ReadyFromAProcessOutsideTheServiceIsIgnored(InitMode mode)
    {
        using var dir = new TempDirectory("ready");
        using var run = InitRun.Start(output, mode, "-vv", "--ready", "db=notify", "--after", "web=db",
            "--service", $"db=echo socket $NOTIFY_SOCKET; exec {Paths.Probe} notify READY=1 '{dir.File("go")}'",
            "--service", "web=echo web up; exec sleep 1000",
            // The main command is tinyinit's child too, but not db's: its READY=1 must not count for db.
            "--", "sh", "-c", $"read address; NOTIFY_SOCKET=$address {Paths.Probe} send-notify READY=1 && echo main sent; read line || true");
        string address = run.WaitForLine(l => l.StartsWith("socket @", StringComparison.Ordinal))["socket ".Length..];

        run.WriteStdin(address + "\n");
        run.WaitForLine("main sent");
        run.WaitUntil(() => IgnoredMessages(run) == 1, "the main command's READY=1 to be ignored");

        // A process outside tinyinit's tree (in PID 1 mode, outside its PID namespace too).
        var start = new System.Diagnostics.ProcessStartInfo(Paths.Probe) { ArgumentList = { "send-notify", "READY=1" } };
        start.Environment["NOTIFY_SOCKET"] = address;
        using (var outsider = System.Diagnostics.Process.Start(start)!)
        {
            outsider.WaitForExit();
            Assert.Equal(0, outsider.ExitCode);
        }

        run.WaitUntil(() => IgnoredMessages(run) == 2, "the outsider's READY=1 to be ignored");
        Assert.DoesNotContain("web up", run.Lines);

        dir.Touch("go");
        run.WaitForLine("web up");
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        run.AssertNothingLeftRunning();
    }

    private static int IgnoredMessages(InitRun run) =>
        run.Stderr.Split('\n').Count(l => l.Contains("DEBUG notify message from pid", StringComparison.Ordinal) && l.Contains("ignored", StringComparison.Ordinal));
}

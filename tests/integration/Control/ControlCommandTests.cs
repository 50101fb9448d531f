using System.Text.Json;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Control;

/// <summary>'tinyinit ctl' signal, stop, start, restart: each does what it says, and status shows it.</summary>
public sealed class ControlCommandTests(ITestOutputHelper output)
{
    private const string Web = "web=echo web $$; trap 'echo web got USR1' USR1; while :; do sleep 0.05; done";
    private const string Stubborn = "stubborn=trap '' TERM; echo stubborn $$; while :; do sleep 0.05; done";

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void SignalStopStartAndRestartDoWhatTheySayAndStatusShowsIt(InitMode mode)
    {
        string socket = CtlClient.TempSocket();
        using var run = InitRun.Start(output, mode, [
            "--control", socket, "--restart", "always", "--kill-timeout", "300ms",
            "--min-restart-delay", "100ms", "--max-restart-delay", "200ms", "--restart-threshold", "10s",
            "--service", Web, "--service", Stubborn, "--service", "ticker=exit 1",
            "--", .. InitRun.Probe("signals")]);
        int main = run.WaitForReady();
        int web = Pids(run, "web").Single();
        Pids(run, "stubborn").Single();

        List<JsonElement> status = CtlClient.Status(socket);
        Assert.Equal(["main", "web", "stubborn", "ticker"], status.Select(row => row.GetProperty("name").GetString()));
        Assert.Equal(main, Row(socket, "main").GetProperty("pid").GetInt32());
        Assert.Equal(web, Row(socket, "web").GetProperty("pid").GetInt32());
        Assert.Equal("running", Row(socket, "web").GetProperty("state").GetString());

        Assert.Contains("sent SIGUSR1 to service 'web'", Done(socket, "signal", "web", "USR1"));
        run.WaitForLine("web got USR1");
        Assert.Contains($"sent SIGUSR2 to the main command '{Paths.Probe}' (pid {main})", Done(socket, "signal", "main", "SIGUSR2"));
        run.WaitForLine($"got {Native.SIGUSR2}");

        Assert.Contains("sent SIGTERM to service 'web'", Done(socket, "stop", "web"));
        Assert.Contains("sent SIGTERM to service 'stubborn'", Done(socket, "stop", "stubborn"));
        JsonElement stopped = WaitForState(run, socket, "web", "stopped");
        Assert.False(stopped.TryGetProperty("pid", out _));
        Assert.Equal("SIGTERM", stopped.GetProperty("last_signal").GetString());
        Assert.Equal("SIGKILL", WaitForState(run, socket, "stubborn", "stopped").GetProperty("last_signal").GetString());
        Assert.Contains("service 'stubborn' (pid", run.Stderr);
        Assert.Contains("did not stop within 300ms: sending SIGKILL", run.Stderr);

        // They stay stopped: meanwhile the ticker, restarted by the same deadlines after at least the
        // delay web would have had (100ms), goes round three times.
        int ticks = Row(socket, "ticker").GetProperty("restarts").GetInt32();
        run.WaitUntil(() => Row(socket, "ticker").GetProperty("restarts").GetInt32() >= ticks + 3, "three more runs of the ticker");
        Assert.Equal("stopped", Row(socket, "web").GetProperty("state").GetString());
        Assert.Equal("stopped", Row(socket, "stubborn").GetProperty("state").GetString());
        Assert.Single(Pids(run, "web"));

        Assert.Contains("started service 'web' as pid", Done(socket, "start", "web"));
        int started = WaitForNewPid(run, "web", [web]);
        JsonElement running = Row(socket, "web");
        Assert.Equal(started, running.GetProperty("pid").GetInt32());
        Assert.Equal(1, running.GetProperty("restarts").GetInt32());

        Assert.Contains("it is started again once it has exited", Done(socket, "restart", "web"));
        int restarted = WaitForNewPid(run, "web", [web, started]);
        run.WaitUntil(() => Row(socket, "web") is var row && row.GetProperty("state").GetString() == "running"
            && row.GetProperty("pid").GetInt32() == restarted && row.GetProperty("restarts").GetInt32() == 2
            && row.GetProperty("last_signal").GetString() == "SIGTERM", "web running again after its restart");

        Assert.Equal("no service 'nosuch' (the services are web, stubborn, ticker)", Refused(socket, "stop", "nosuch"));
        Assert.Contains("'BOGUS' is not a signal name or number", Refused(socket, "signal", "main", "BOGUS"));
        Assert.Equal("service 'stubborn' is not running", Refused(socket, "signal", "stubborn", "TERM"));
        Assert.Contains("the main command cannot be restarted", Refused(socket, "restart", "main"));

        (int code, string table, _) = CtlClient.Run(socket, "status");
        Assert.Equal(0, code);
        string[] lines = table.Split('\n');
        Assert.StartsWith("NAME ", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("stubborn ", StringComparison.Ordinal) && l.Contains(" stopped ", StringComparison.Ordinal) && l.Contains("SIGKILL", StringComparison.Ordinal));

        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        run.AssertNothingLeftRunning();
    }

    /// <returns>The answer's message; the command must have succeeded.</returns>
    private static string Done(string socket, params string[] args)
    {
        (int code, string stdout, string stderr) = CtlClient.Run(socket, args);
        Assert.True(code == 0, $"ctl {string.Join(' ', args)} exited {code}: {stderr}");
        Assert.Empty(stderr);
        return stdout;
    }

    /// <returns>The one line that says why; the command must have been refused.</returns>
    private static string Refused(string socket, params string[] args)
    {
        (int code, string stdout, string stderr) = CtlClient.Run(socket, args);
        Assert.True(code == 1, $"ctl {string.Join(' ', args)} exited {code}: {stderr}");
        Assert.Empty(stdout);
        Assert.EndsWith("\n", stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("tinyinit ctl: ", stderr);
        return stderr["tinyinit ctl: ".Length..^1];
    }

    private static JsonElement Row(string socket, string name) =>
        CtlClient.Status(socket).Single(row => row.GetProperty("name").GetString() == name);

    private static JsonElement WaitForState(InitRun run, string socket, string name, string state)
    {
        JsonElement row = default;
        run.WaitUntil(() => (row = Row(socket, name)).GetProperty("state").GetString() == state, $"{name} {state}");
        return row;
    }

    /// <summary>The pids a service has printed ("web 42"), one per run.</summary>
    private static List<int> Pids(InitRun run, string service)
    {
        run.WaitForLine(l => l.StartsWith(service + " ", StringComparison.Ordinal));
        return run.Lines.Where(l => l.StartsWith(service + " ", StringComparison.Ordinal) && int.TryParse(l[(service.Length + 1)..], out _))
            .Select(l => int.Parse(l[(service.Length + 1)..])).ToList();
    }

    private static int WaitForNewPid(InitRun run, string service, int[] seen)
    {
        int pid = 0;
        run.WaitUntil(() => (pid = Pids(run, service).FirstOrDefault(p => !seen.Contains(p))) != 0, $"a new run of {service}");
        return pid;
    }
}

using System.Text.Json;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Control;

/// <summary>
/// 'tinyinit ctl status' shows readiness: whether each unit is ready, what a held unit still waits
/// for (--after), and the last STATUS= text a notify service sent.
/// </summary>
public sealed class StatusReadinessTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void StatusShowsWhoIsReadyWhoIsHeldForWhatAndTheNotifyStatus(InitMode mode)
    {
        using var dir = new TempDirectory("status-ready");
        string socket = CtlClient.TempSocket();
        // The first probe stays (a sender must still run when its message is checked).
        string db = $"db={Paths.Probe} notify 'STATUS=warming up' & "
            + $"while [ ! -e '{dir.File("go")}' ]; do sleep 0.02; done; exec {Paths.Probe} notify READY=1";
        using var run = InitRun.Start(output, mode, [
            "--control", socket, "--ready", "db=notify", "--after", "web=db", "--after", "main=web",
            "--service", db, "--service", "web=echo web up; while :; do sleep 0.05; done",
            "--", "sh", "-c", "echo main up; exec sleep 1000"]);

        run.WaitUntil(() => File.Exists(socket), "the control socket");
        run.WaitUntil(() => CtlClient.StatusOf(socket, "db") is { } row && Text(row, "notify_status") == "warming up", "db's STATUS= in status");
        JsonElement dbRow = CtlClient.StatusOf(socket, "db")!.Value;
        Assert.Equal("running", Text(dbRow, "state"));
        Assert.False(dbRow.GetProperty("ready").GetBoolean());
        JsonElement web = CtlClient.StatusOf(socket, "web")!.Value;
        Assert.Equal("held", Text(web, "state"));
        Assert.Equal(["db"], web.GetProperty("waiting_for").EnumerateArray().Select(e => e.GetString()));
        Assert.False(web.TryGetProperty("pid", out _));
        JsonElement main = CtlClient.StatusOf(socket, "main")!.Value;
        Assert.Equal("held", Text(main, "state"));
        Assert.Equal(["web"], main.GetProperty("waiting_for").EnumerateArray().Select(e => e.GetString()));

        (int code, string table, _) = CtlClient.Run(socket, "status");
        Assert.Equal(0, code);
        Assert.Contains("READY", table.Split('\n')[0]);
        Assert.Contains(table.Split('\n'), line => line.StartsWith("web ") && line.Contains("held (for db)"));
        Assert.Contains(table.Split('\n'), line => line.StartsWith("db ") && line.Contains("warming up"));

        dir.Touch("go");
        run.WaitForLine("main up");
        run.WaitUntil(() => CtlClient.StatusOf(socket, "main") is { } row && Text(row, "state") == "running", "main to run");
        foreach (string name in new[] { "main", "db", "web" })
        {
            JsonElement row = CtlClient.StatusOf(socket, name)!.Value;
            Assert.True(row.GetProperty("ready").GetBoolean(), name);
            Assert.False(row.TryGetProperty("waiting_for", out _), name);
        }

        run.Signal(Native.SIGTERM);
        Assert.Equal(128 + Native.SIGTERM, run.WaitForExit());
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void WithoutReadinessTheLinesHaveNoReadyField()
    {
        string socket = CtlClient.TempSocket();
        using var run = InitRun.Start(output, InitMode.Subreaper, [
            "--control", socket, "--service", "web=while :; do sleep 0.05; done", "--", "sleep", "1000"]);
        run.WaitUntil(() => File.Exists(socket), "the control socket");
        run.WaitUntil(() => CtlClient.StatusOf(socket, "web") is { } row && Text(row, "state") == "running", "web to run");
        Assert.All(CtlClient.Status(socket), row => Assert.False(row.TryGetProperty("ready", out _)));
        run.Signal(Native.SIGTERM);
        Assert.Equal(128 + Native.SIGTERM, run.WaitForExit());
    }

    private static string? Text(JsonElement row, string field) => row.TryGetProperty(field, out JsonElement value) ? value.GetString() : null;
}

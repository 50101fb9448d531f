using System.Net.Sockets;
using System.Text;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Readiness;

/// <summary>sd_notify upward: tinyinit started with NOTIFY_SOCKET tells it READY=1, then STOPPING=1, and hides it from its children.</summary>
public sealed class NotifyUpwardTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void ReadyOnceTheMainCommandStartedThenStopping(InitMode mode)
    {
        using var dir = new TempDirectory("notify");
        using Socket engine = Bind(dir.File("notify.sock"));
        using var run = InitRun.Start(output, mode, new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = dir.File("notify.sock") },
            "--service", "side=echo side notify=${NOTIFY_SOCKET-unset}; exec sleep 1000",
            "--", "sh", "-c", "echo main notify=${NOTIFY_SOCKET-unset}; read line || true");
        Assert.Equal("READY=1", Receive(engine));
        run.WaitForLine("main notify=unset");
        run.WaitForLine("side notify=unset");

        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        Assert.Equal("STOPPING=1", Receive(engine));
        Assert.Equal(0, engine.Available);
        run.AssertNothingLeftRunning();
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void WithReadyMainNotifyReadyWaitsForTheMainCommand(InitMode mode)
    {
        using var dir = new TempDirectory("notify");
        using Socket engine = Bind(dir.File("notify.sock"));
        using var run = InitRun.Start(output, mode, new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = dir.File("notify.sock") },
            "--ready", "main=notify",
            "--service", "side=echo side up; exec sleep 1000",
            "--", "sh", "-c", $"read go; exec {Paths.Probe} notify READY=1");

        // The services start after the main command's spawn: READY=1 at the spawn would be queued by now.
        run.WaitForLine("side up");
        Assert.Equal(0, engine.Available);

        run.WriteStdin("go\n");
        run.WaitForLine("notified READY=1");
        Assert.Equal("READY=1", Receive(engine));
        run.Signal(Native.SIGTERM);
        Assert.Equal(143, run.WaitForExit());
        Assert.Equal("STOPPING=1", Receive(engine));
        run.AssertNothingLeftRunning();
    }

    [Fact]
    public void WithoutAMainCommandReadyComesOnceEveryServiceIsReady()
    {
        using var dir = new TempDirectory("notify");
        using Socket engine = Bind(dir.File("notify.sock"));
        using var run = InitRun.Start(output, InitMode.Subreaper, new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = dir.File("notify.sock") },
            "--ready", "db=fd:3",
            "--service", $"db=echo db up; while [ ! -e '{dir.File("go")}' ]; do sleep 0.02; done; echo >&3; exec sleep 1000",
            "--service", "web=echo web up; exec sleep 1000");
        run.WaitForLine("db up");
        run.WaitForLine("web up");
        Assert.Equal(0, engine.Available);

        dir.Touch("go");
        Assert.Equal("READY=1", Receive(engine));
        run.Signal(Native.SIGTERM);
        Assert.Equal(0, run.WaitForExit());
        Assert.Equal("STOPPING=1", Receive(engine));
    }

    private static Socket Bind(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    /// <summary>The next datagram, waiting up to the poll deadline for it.</summary>
    private static string Receive(Socket socket)
    {
        Assert.True(socket.Poll(Poll.DefaultDeadline, SelectMode.SelectRead), "no datagram arrived on NOTIFY_SOCKET");
        var buffer = new byte[4096];
        return Encoding.UTF8.GetString(buffer, 0, socket.Receive(buffer));
    }
}

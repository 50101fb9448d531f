using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Control;

/// <summary>Nothing a client of the control socket does can crash tinyinit, make it leak, or let a stranger in.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ControlRobustnessTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void GarbageAndOversizedRequestsGetOneErrorLineAndAClosedConnection(InitMode mode)
    {
        string socket = CtlClient.TempSocket();
        using var run = InitRun.Start(output, mode, ["--control", socket, "--", .. InitRun.Probe("signals")]);
        run.WaitForReady();

        Assert.Contains("not a request", Exchange(socket, [0x00, 0xff, 0xfe, (byte)'\n']));
        Assert.Contains("not a request", Exchange(socket, Encoding.ASCII.GetBytes("stat\u0007us\n")));
        Assert.Contains("unknown request 'frobnicate'", Exchange(socket, Encoding.ASCII.GetBytes("frobnicate now\n")));
        Assert.Contains("wrong number of words in 'status of everything'", Exchange(socket, Encoding.ASCII.GetBytes("status of everything\n")));
        Assert.Contains("request too long", Exchange(socket, Encoding.ASCII.GetBytes(new string('a', 512))));
        Assert.Contains("request too long", Exchange(socket, Encoding.ASCII.GetBytes(new string('s', 1 << 20) + "\n")));

        // Still serving, and the main child never noticed.
        Assert.Single(CtlClient.Status(socket));
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void TenThousandClientsThatComeAndGoLeaveNoFdBehind(InitMode mode)
    {
        string socket = CtlClient.TempSocket();
        using var run = InitRun.Start(output, mode, ["--control", socket, "--", .. InitRun.Probe("signals")]);
        run.WaitForReady();
        Assert.Single(CtlClient.Status(socket));
        int before = FdCount(run.InitPid);

        // Connect and close at once; leave after a status, an events or a garbage request, without reading.
        byte[][] requests = [[], "status\n"u8.ToArray(), "events\n"u8.ToArray(), [0xff, (byte)'\n']];
        for (int i = 0; i < 10_000; i++)
        {
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            client.Connect(new UnixDomainSocketEndPoint(socket));
            if (requests[i % requests.Length].Length > 0)
                client.Send(requests[i % requests.Length]);
        }

        run.WaitUntil(() => FdCount(run.InitPid) == before, $"tinyinit back to its {before} fds");
        Assert.Single(CtlClient.Status(socket));
        Assert.Equal(before, FdCount(run.InitPid));
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
        Assert.DoesNotContain("internal error", run.Stderr);
    }

    [Theory]
    [InlineData(InitMode.Pid1)]
    [InlineData(InitMode.Subreaper)]
    public void APeerWithAnotherUidIsRefused(InitMode mode)
    {
        string socket = CtlClient.TempSocket();
        using var run = InitRun.Start(output, mode, ["--control", socket, "--", .. InitRun.Probe("signals")]);
        run.WaitForReady();
        string[] nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

        // The file's mode keeps others out...
        (int code, string stdout, string stderr) = CtlClient.RunWrapped(socket, nobody, "status");
        Assert.Equal(2, code);
        Assert.Contains("Permission denied", stderr);

        // ...and SO_PEERCRED does too when the mode is loosened.
        File.SetUnixFileMode(socket, (UnixFileMode)Convert.ToInt32("666", 8));
        (code, stdout, stderr) = CtlClient.RunWrapped(socket, nobody, "stop", "main");
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Equal("tinyinit ctl: refused: uid 65534 may not control tinyinit (only root may)\n", stderr);
        run.WaitUntil(() => run.Stderr.Contains("control: refused pid", StringComparison.Ordinal), "the refusal in tinyinit's log");

        Assert.Equal("running", Assert.Single(CtlClient.Status(socket)).GetProperty("state").GetString());
        run.CloseStdin();
        Assert.Equal(0, run.WaitForExit());
    }

    [Fact]
    public void AtMost64ClientsAreServedAtATimeAndAFreedPlaceIsTakenAgain()
    {
        string socket = CtlClient.TempSocket();
        using var run = InitRun.Start(output, InitMode.Subreaper, ["--control", socket, "--", .. InitRun.Probe("signals")]);
        run.WaitForReady();
        var followers = new List<Socket>();
        try
        {
            for (int i = 0; i < 64; i++)
            {
                var follower = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                followers.Add(follower);
                follower.Connect(new UnixDomainSocketEndPoint(socket));
                follower.Send("events\n"u8.ToArray());
            }

            // Accepted in the order they connected: the 65th finds every place taken.
            Assert.Equal("refused: 64 clients are connected already", Exchange(socket, "status\n"u8.ToArray()));
            (int code, _, string stderr) = CtlClient.Run(socket, "status");
            Assert.Equal(1, code);
            Assert.Contains("64 clients are connected already", stderr);

            followers[0].Dispose();
            run.WaitUntil(() => CtlClient.Run(socket, "status").Code == 0, "a place to be free again");
            run.CloseStdin();
            Assert.Equal(0, run.WaitForExit());
        }
        finally
        {
            foreach (Socket follower in followers)
                follower.Dispose();
        }
    }

    /// <summary>Sends bytes as one client, then reads until tinyinit closes the connection.</summary>
    /// <returns>The one line tinyinit answered, an error.</returns>
    private static string Exchange(string socket, byte[] request)
    {
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(socket));
        client.ReceiveTimeout = (int)Poll.DefaultDeadline.TotalMilliseconds;
        try
        {
            client.Send(request);
        }
        catch (SocketException)
        {
            // tinyinit stopped reading once the cap was reached, answered and closed: the rest cannot be sent.
        }

        var answer = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = client.Receive(buffer)) > 0)
                answer.Write(buffer, 0, n);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed with request bytes unread: the answer was delivered first (unix(7)).
        }

        string text = Encoding.UTF8.GetString(answer.ToArray());
        string line = Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith("\n", text);
        JsonElement result = JsonDocument.Parse(line).RootElement;
        Assert.False(result.GetProperty("ok").GetBoolean());
        return result.GetProperty("error").GetString()!;
    }

    private static int FdCount(int pid) => Directory.GetFiles($"/proc/{pid}/fd").Length;
}

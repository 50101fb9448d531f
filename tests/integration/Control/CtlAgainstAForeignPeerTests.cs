using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using TinyInit.IntegrationTests.Harness;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Control;

/// <summary>
/// 'tinyinit ctl' against a peer that is not tinyinit (a wrong --control path, a proxy, a bug):
/// whatever it answers, ctl exits 2 with one line, or 1 for a refusal, and never prints what it
/// was sent raw to the terminal.
/// </summary>
public sealed class CtlAgainstAForeignPeerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("status", "{\"ok\":true}\n{\"name\":\"\xff\xfe\"}\n")]
    [InlineData("status", "{\"ok\":true}\n{\"\xff\":1}\n")]
    [InlineData("restart web", "{\"ok\":true,\"message\":\"\xff\"}\n")]
    [InlineData("events", "{\"ok\":true}\n{\"event\":\"exit\",\"\xff\":2}\n")]
    public void AnAnswerThatIsNotUtf8IsExit2(string request, string answer)
    {
        (int code, _, string stderr) = Ask(request, Latin1(answer));
        Assert.Equal(2, code);
        Assert.Single(Lines(stderr));
        Assert.DoesNotContain("internal error", stderr);
    }

    [Fact]
    public void AStatusAnswerCutShortIsExit2()
    {
        (int code, _, string stderr) = Ask("status", Encoding.UTF8.GetBytes("{\"ok\":true}\n{\"name\":\"main\""));
        Assert.Equal(2, code);
        Assert.Contains("cut short", Assert.Single(Lines(stderr)));
    }

    [Theory]
    [InlineData("{\"name\":\"main\",\"role\":\"main\",\"state\":\"waiting\",\"restart_in_ms\":\"abc\"}")]
    [InlineData("{\"name\":\"main\",\"role\":\"main\",\"state\":\"running\",\"for_ms\":1e99}")]
    [InlineData("{\"name\":\"main\",\"role\":\"main\",\"state\":\"waiting\",\"restart_in_ms\":99999999999999999999999}")]
    public void AStatusLineWithNumbersThatAreNotOnesShowsThemAsUnknown(string row)
    {
        (int code, string table, string stderr) = Ask("status", Encoding.UTF8.GetBytes("{\"ok\":true}\n" + row + "\n"));
        Assert.True(code == 0, stderr);
        Assert.StartsWith("main ", table.Split('\n')[1]);
    }

    [Fact]
    public void ARefusalWithControlCharactersIsOneEscapedLine()
    {
        (int code, _, string stderr) = Ask("status", Encoding.UTF8.GetBytes("{\"ok\":false,\"error\":\"a\\nb\\u001b[31mred\"}\n"));
        Assert.Equal(1, code);
        string line = Assert.Single(Lines(stderr));
        Assert.DoesNotContain('\u001b', line);
    }

    /// <summary>Serves one connection with <paramref name="answer"/> and closes it; runs 'ctl' against it.</summary>
    private (int Code, string Stdout, string Stderr) Ask(string request, byte[] answer)
    {
        string path = CtlClient.TempSocket();
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var server = Task.Run(() =>
        {
            using Socket peer = listener.Accept();
            peer.Receive(new byte[512]);
            peer.Send(answer);
            peer.Shutdown(SocketShutdown.Both);
        });
        try
        {
            (int code, string stdout, string stderr) = CtlClient.Run(path, request.Split(' '));
            output.WriteLine($"ctl {request}: exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
            Assert.True(server.Wait(Poll.DefaultDeadline), "the fake peer did not finish");
            return (code, stdout, stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

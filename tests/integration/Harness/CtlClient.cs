using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading;

namespace TinyInit.IntegrationTests.Harness;

/// <summary>
/// One run of <c>tinyinit ctl --control SOCKET ...</c>, the native client, as a user runs it: its
/// stdout lines and stderr are collected as they come; on dispose it is killed if still running.
/// </summary>
internal sealed class CtlClient : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly Thread _stdoutReader;
    private readonly Thread _stderrReader;

    private CtlClient(string? socket, IReadOnlyList<string> args, IReadOnlyList<string>? wrapper)
    {
        var start = new ProcessStartInfo
        {
            FileName = Paths.TinyInit,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("ctl");
        if (socket is not null)
        {
            start.ArgumentList.Add("--control");
            start.ArgumentList.Add(socket);
        }

        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        if (wrapper is { Count: > 0 })
        {
            start.ArgumentList.Insert(0, start.FileName);
            for (int i = wrapper.Count - 1; i > 0; i--)
                start.ArgumentList.Insert(0, wrapper[i]);
            start.FileName = wrapper[0];
        }

        start.Environment.Remove("TINYINIT_CONTROL");
        CommandLine = string.Join(' ', new[] { start.FileName }.Concat(start.ArgumentList));
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + CommandLine);
        _stdoutReader = new Thread(ReadStdout) { IsBackground = true };
        _stderrReader = new Thread(ReadStderr) { IsBackground = true };
        _stdoutReader.Start();
        _stderrReader.Start();
    }

    public string CommandLine { get; }

    public int Pid => _process.Id;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return _lines.ToArray();
        }
    }

    public int LineCount
    {
        get
        {
            lock (_lines)
                return _lines.Count;
        }
    }

    public string? LastLine
    {
        get
        {
            lock (_lines)
                return _lines.Count > 0 ? _lines[^1] : null;
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>A fresh path for a control socket (well under the 107 bytes of sun_path).</summary>
    public static string TempSocket() => Path.Combine(Path.GetTempPath(), $"tinyinit-ctl-{Guid.NewGuid():N}.sock");

    /// <summary>Starts <c>tinyinit ctl --control SOCKET args...</c>.</summary>
    public static CtlClient Start(string socket, params string[] args) => new(socket, args, null);

    /// <summary>Runs <c>tinyinit ctl</c> to its end: its exit code, stdout and stderr.</summary>
    /// <param name="socket">--control, or null for none.</param>
    public static (int Code, string Stdout, string Stderr) Run(string? socket, params string[] args) => RunWrapped(socket, [], args);

    /// <summary>Runs <c>wrapper... tinyinit ctl</c> to its end (the wrapper sets up who the client is).</summary>
    public static (int Code, string Stdout, string Stderr) RunWrapped(string? socket, string[] wrapper, params string[] args)
    {
        using var client = new CtlClient(socket, args, wrapper);
        int code = client.WaitForExit();
        return (code, string.Join('\n', client.Lines), client.Stderr);
    }

    /// <summary>The JSON lines of <c>ctl --json status</c>, main first, then the services.</summary>
    public static List<JsonElement> Status(string socket)
    {
        (int code, string stdout, string stderr) = Run(socket, "--json", "status");
        Assert.True(code == 0, $"ctl status exited {code}: {stderr}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    /// <summary>The status line of <paramref name="name"/> (<c>main</c> or a service), or null when there is none.</summary>
    public static JsonElement? StatusOf(string socket, string name) =>
        Status(socket).Where(row => row.GetProperty("name").GetString() == name).Select(row => (JsonElement?)row).FirstOrDefault();

    public void Signal(int sig) => Assert.Equal(0, Native.kill(_process.Id, sig));

    public int WaitForExit(TimeSpan? deadline = null)
    {
        if (!_process.WaitForExit(deadline ?? Poll.DefaultDeadline))
            throw new Xunit.Sdk.XunitException($"{CommandLine} did not exit\nlast line: {LastLine}\nstderr:\n{Stderr}");
        _process.WaitForExit();
        _stdoutReader.Join(Poll.DefaultDeadline);
        _stderrReader.Join(Poll.DefaultDeadline);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Native.kill(_process.Id, Native.SIGKILL);
            _process.WaitForExit(5000);
        }

        _stdoutReader.Join(TimeSpan.FromSeconds(2));
        _stderrReader.Join(TimeSpan.FromSeconds(2));
        _process.Dispose();
    }

    private void ReadStdout()
    {
        string? line;
        while ((line = _process.StandardOutput.ReadLine()) is not null)
        {
            lock (_lines)
                _lines.Add(line);
        }
    }

    private void ReadStderr()
    {
        var buffer = new char[4096];
        int n;
        while ((n = _process.StandardError.Read(buffer, 0, buffer.Length)) > 0)
        {
            lock (_stderr)
                _stderr.Append(buffer, 0, n);
        }
    }
}

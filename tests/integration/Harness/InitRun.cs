using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Xunit.Abstractions;

namespace TinyInit.IntegrationTests.Harness;

/// <summary>
/// One run of the native tinyinit binary, started the way a user starts it. It reads stdout
/// lines and stderr as they come, sends signals, and on dispose kills every process the run
/// started (found by an environment marker that every descendant inherits) and prints
/// stderr and the process state to the test output.
/// </summary>
internal sealed class InitRun : IDisposable
{
    private const string MarkerVariable = "TINYINIT_TEST_RUN";

    private readonly ITestOutputHelper _output;
    private readonly Process _process;
    private readonly string _marker = Guid.NewGuid().ToString("N");
    private readonly List<string> _lines = [];
    private readonly MemoryStream _stdoutBytes = new();
    private readonly StringBuilder _stderr = new();
    private readonly MemoryStream _stderrBytes = new();
    private readonly Thread _stdoutReader;
    private readonly Thread _stderrReader;
    private readonly bool _wrapped;
    private int _initPid;

    private InitRun(ITestOutputHelper output, InitMode mode, IReadOnlyList<string> args, IDictionary<string, string?>? environment, IReadOnlyList<string>? wrapper = null)
    {
        _output = output;
        Mode = mode;
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (mode == InitMode.Pid1)
        {
            // --kill-child: if the test kills unshare, the kernel kills tinyinit and its namespace.
            start.FileName = "unshare";
            foreach (string arg in new[] { "--pid", "--fork", "--mount-proc", "--kill-child", Paths.TinyInit })
                start.ArgumentList.Add(arg);
        }
        else
        {
            start.FileName = Paths.TinyInit;
        }

        _wrapped = wrapper is { Count: > 0 };
        if (wrapper is { Count: > 0 })
        {
            start.ArgumentList.Insert(0, start.FileName);
            for (int i = wrapper.Count - 1; i > 0; i--)
                start.ArgumentList.Insert(0, wrapper[i]);
            start.FileName = wrapper[0];
        }

        if (mode == InitMode.Subreaper)
            start.ArgumentList.Add("-s");
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        start.Environment[MarkerVariable] = _marker;
        foreach ((string key, string? value) in environment ?? new Dictionary<string, string?>())
            start.Environment[key] = value;

        CommandLine = string.Join(' ', new[] { start.FileName }.Concat(start.ArgumentList));
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        _stdoutReader = new Thread(ReadStdout) { IsBackground = true };
        _stderrReader = new Thread(ReadStderr) { IsBackground = true };
        _stdoutReader.Start();
        _stderrReader.Start();
    }

    public InitMode Mode { get; }

    public string CommandLine { get; }

    /// <summary>The pid of the process started (unshare in <see cref="InitMode.Pid1"/>).</summary>
    public int OuterPid => _process.Id;

    /// <summary>The host pid of tinyinit itself.</summary>
    public int InitPid => _initPid != 0 ? _initPid : (_initPid = FindInitPid());

    public string Stderr
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    public byte[] StderrBytes
    {
        get
        {
            lock (_stderr)
                return _stderrBytes.ToArray();
        }
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return _lines.ToArray();
        }
    }

    public byte[] StdoutBytes
    {
        get
        {
            lock (_lines)
                return _stdoutBytes.ToArray();
        }
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts tinyinit with args (mode adds unshare or -s), under the test's marker.</summary>
    public static InitRun Start(ITestOutputHelper output, InitMode mode, params string[] args) =>
        new(output, mode, args, null);

    public static InitRun Start(ITestOutputHelper output, InitMode mode, IDictionary<string, string?> environment, params string[] args) =>
        new(output, mode, args, environment);

    /// <summary>Starts <c>wrapper... tinyinit args</c>: the wrapper sets up what tinyinit inherits.</summary>
    public static InitRun StartWrapped(ITestOutputHelper output, InitMode mode, string[] wrapper, params string[] args) =>
        new(output, mode, args, null, wrapper);

    /// <summary>The probe command line: tinyprobe followed by args.</summary>
    public static string[] Probe(params string[] args) => [Paths.Probe, .. args];

    /// <summary>Waits for a stdout line that matches, seen now or later.</summary>
    public string WaitForLine(Func<string, bool> match, TimeSpan? deadline = null)
    {
        string? found = null;
        bool ok = Poll.Until(() => (found = Lines.FirstOrDefault(match)) is not null || _process.HasExited && _stdoutReader.Join(0) && (found = Lines.FirstOrDefault(match)) is not null, deadline);
        if (found is null)
            throw new Xunit.Sdk.XunitException($"no matching line on stdout of {CommandLine}\nstdout:\n{string.Join('\n', Lines)}\nstderr:\n{Stderr}");
        return found;
    }

    public string WaitForLine(string exact, TimeSpan? deadline = null) => WaitForLine(line => line == exact, deadline);

    /// <summary>Waits for the probe's <c>ready PID</c> line (its signal handling is in place) and returns that pid.</summary>
    public int WaitForReady() => int.Parse(WaitForLine(line => line.StartsWith("ready ", StringComparison.Ordinal))[6..]);

    public void WaitUntil(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        if (!Poll.Until(condition, deadline))
            throw new Xunit.Sdk.XunitException($"timed out waiting for {what}\nstdout:\n{string.Join('\n', Lines.TakeLast(20))}\nstderr:\n{Stderr}\n{ProcessState()}");
    }

    /// <summary>Sends sig to tinyinit.</summary>
    public void Signal(int sig) => Assert.Equal(0, Native.kill(InitPid, sig));

    public void WriteStdin(string text)
    {
        _process.StandardInput.Write(text);
        _process.StandardInput.Flush();
    }

    public void CloseStdin() => _process.StandardInput.Close();

    /// <summary>Waits for the run to end and returns its exit code.</summary>
    public int WaitForExit(TimeSpan? deadline = null)
    {
        if (!_process.WaitForExit(deadline ?? Poll.DefaultDeadline))
            throw new Xunit.Sdk.XunitException($"{CommandLine} did not exit\nstderr:\n{Stderr}\n{ProcessState()}");
        _process.WaitForExit();
        _stdoutReader.Join(Poll.DefaultDeadline);
        _stderrReader.Join(Poll.DefaultDeadline);
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Fails unless every process this run started has gone (zombies excepted: the kernel's to clean).</summary>
    public void AssertNothingLeftRunning()
    {
        List<int> left = [];
        if (!Poll.Until(() => (left = LiveMarkedProcesses()).Count == 0))
            throw new Xunit.Sdk.XunitException("left running: " + string.Join(", ", left.Select(Describe)));
    }

    /// <summary>Zombies whose parent is tinyinit.</summary>
    public List<ProcTable.Entry> ZombieChildrenOfInit() =>
        ProcTable.Snapshot().Where(e => e.ParentPid == InitPid && e.State == 'Z').ToList();

    public string ProcessState()
    {
        var text = new StringBuilder("processes of this run:\n");
        foreach (int pid in LiveMarkedProcesses())
            text.Append("  ").Append(Describe(pid)).Append('\n');
        return text.ToString();
    }

    public void Dispose()
    {
        bool wasRunning = !_process.HasExited;
        if (wasRunning)
            _output.WriteLine($"still running at the end of the test: {CommandLine}\n{ProcessState()}");
        KillEverything();
        _stdoutReader.Join(TimeSpan.FromSeconds(2));
        _stderrReader.Join(TimeSpan.FromSeconds(2));
        _output.WriteLine($"$ {CommandLine}\nstderr:\n{Stderr}");
        _process.Dispose();
    }

    private void KillEverything()
    {
        // Stop first so that nothing forks or gets reparented while the tree is being killed.
        var victims = new HashSet<int>(LiveMarkedProcesses());
        if (!_process.HasExited)
        {
            victims.Add(_process.Id);
            foreach (ProcTable.Entry child in ProcTable.Descendants(_process.Id))
                victims.Add(child.Pid);
        }

        foreach (int pid in victims)
            Native.kill(pid, Native.SIGSTOP);
        foreach (int pid in victims)
            Native.kill(pid, Native.SIGKILL);
        if (!_process.HasExited)
            _process.WaitForExit(5000);
        Poll.Until(() => LiveMarkedProcesses().Count == 0 || KillAgain(), TimeSpan.FromSeconds(5));
    }

    private bool KillAgain()
    {
        foreach (int pid in LiveMarkedProcesses())
            Native.kill(pid, Native.SIGKILL);
        return false;
    }

    private List<int> LiveMarkedProcesses() =>
        ProcTable.WithEnvironmentMarker(MarkerVariable + "=" + _marker)
            .Where(pid => ProcTable.TryRead(pid) is { State: not 'Z' })
            .ToList();

    private static string Describe(int pid) => ProcTable.TryRead(pid) is ProcTable.Entry e
        ? $"{e.Pid} ({e.Comm}, state {e.State}, parent {e.ParentPid})"
        : $"{pid} (gone)";

    private int FindInitPid()
    {
        if (Mode != InitMode.Pid1 && !_wrapped)
            return _process.Id;

        // Under unshare or a wrapper that forks (python, strace), tinyinit is a descendant; a
        // wrapper that execs (sh -c 'exec ...') becomes tinyinit itself once it has exec'd.
        int pid = 0;
        WaitUntil(() => (pid = ProcTable.TryRead(_process.Id) is { Comm: "tinyinit" } ? _process.Id
            : ProcTable.Descendants(_process.Id).FirstOrDefault(e => e.Comm == "tinyinit").Pid) != 0, "tinyinit to start under its wrapper");
        return pid;
    }

    /// <summary>The pid of a live process of that name below tinyinit, or 0.</summary>
    public int DescendantNamed(string comm) =>
        ProcTable.Descendants(InitPid).FirstOrDefault(e => e.Comm == comm && e.State != 'Z').Pid;

    private void ReadStdout()
    {
        Stream stream = _process.StandardOutput.BaseStream;
        var buffer = new byte[65536];
        var pending = new List<byte>();
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            lock (_lines)
            {
                _stdoutBytes.Write(buffer, 0, n);
                for (int i = 0; i < n; i++)
                {
                    if (buffer[i] == '\n')
                    {
                        _lines.Add(Encoding.UTF8.GetString(pending.ToArray()));
                        pending.Clear();
                    }
                    else
                    {
                        pending.Add(buffer[i]);
                    }
                }
            }
        }

        lock (_lines)
        {
            if (pending.Count > 0)
                _lines.Add(Encoding.UTF8.GetString(pending.ToArray()));
        }
    }

    private void ReadStderr()
    {
        var buffer = new byte[4096];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[8192];
        int n;
        while ((n = _process.StandardError.BaseStream.Read(buffer, 0, buffer.Length)) > 0)
        {
            lock (_stderr)
            {
                _stderrBytes.Write(buffer, 0, n);
                int count = decoder.GetChars(buffer, 0, n, chars, 0);
                _stderr.Append(chars, 0, count);
            }
        }
    }
}

using System;
using TinyInit.Diagnostics;
using TinyInit.Interop;

namespace TinyInit.Services;

/// <summary>
/// One stream (stdout or stderr) of one run of a service under --tag-output: the service writes
/// into a pipe, tinyinit reads it without blocking and writes each line, tagged, to its own
/// stream with one write(2). That write blocks if tinyinit's own stdout or stderr does, as any
/// process's would: whoever reads a container's output (the runtime's log driver) must keep up.
/// </summary>
internal sealed unsafe class OutputPipe : ITaggedOutputSink, IDisposable
{
    private readonly int _target;
    private readonly OutputTagger _tagger;

    private OutputPipe(int readFd, int writeFd, int target, string name)
    {
        ReadFd = readFd;
        WriteFd = writeFd;
        _target = target;
        _tagger = new OutputTagger(name, this);
    }

    public int ReadFd { get; private set; }

    /// <summary>The end the service gets as its stdout or stderr; closed in tinyinit once it is spawned.</summary>
    public int WriteFd { get; private set; }

    /// <returns>The pipe, or null and errno.</returns>
    public static OutputPipe? Open(string name, int target, out Errno error)
    {
        int* fds = stackalloc int[2];
        error = 0;
        if (Libc.pipe2(fds, Libc.O_CLOEXEC) < 0)
        {
            error = Errors.Last();
            return null;
        }

        // Only tinyinit's end is non-blocking: the service writes as to any pipe.
        Libc.fcntl(fds[0], Libc.F_SETFL, Libc.O_NONBLOCK);
        return new OutputPipe(fds[0], fds[1], target, name);
    }

    public void CloseWriteEnd()
    {
        if (WriteFd >= 0)
        {
            Libc.close(WriteFd);
            WriteFd = -1;
        }
    }

    /// <summary>
    /// Reads one buffer and writes its complete lines. One buffer per wake-up, not until EAGAIN:
    /// a service that writes faster than tinyinit tags would otherwise keep the loop here forever
    /// (reaping and forwarding stalled); epoll is level-triggered and reports the pipe again.
    /// </summary>
    /// <returns>False once every writer has closed the pipe (the last line has then been written).</returns>
    public bool ReadOnce()
    {
        byte* buffer = stackalloc byte[16384];
        nint n;
        while ((n = Libc.read(ReadFd, buffer, 16384)) < 0 && Errors.Last() == Errno.EINTR)
        {
        }

        if (n > 0)
        {
            _tagger.Feed(new ReadOnlySpan<byte>(buffer, (int)n));
            return true;
        }

        if (n < 0 && Errors.Last() == Errno.EAGAIN)
            return true;
        _tagger.Flush();
        return false;
    }

    /// <summary>At shutdown: writes what the pipe still holds, up to a limit in case a writer lives on.</summary>
    public void DrainRemaining(int maxBytes)
    {
        for (int read = 0; read < maxBytes; read += 16384)
        {
            if (!ReadOnce() || !HasData())
                return;
        }
    }

    private bool HasData()
    {
        int queued;
        return Libc.ioctl(ReadFd, Libc.FIONREAD, &queued) == 0 && queued > 0;
    }

    void ITaggedOutputSink.Write(ReadOnlySpan<byte> chunk) => Log.WriteAll(_target, chunk);

    public void Dispose()
    {
        CloseWriteEnd();
        if (ReadFd >= 0)
        {
            _tagger.Flush();
            Libc.close(ReadFd);
            ReadFd = -1;
        }
    }
}

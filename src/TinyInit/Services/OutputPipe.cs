using System;
using TinyInit.Interop;
using TinyInit.Loop;
using TinyInit.Output;
using Tmds.Linux;

namespace TinyInit.Services;

/// <summary>
/// One stream (stdout or stderr) of one run of a service under --tag-output: the service writes
/// into a pipe, tinyinit reads it without blocking and writes each line, tagged, to its own
/// stream through an <see cref="OutputChannel"/>, which never blocks the loop. When that channel
/// is backed up (whoever reads the container's output has stopped), the pipe is no longer read:
/// the service then blocks on its own write, and nothing is lost (docs/design.md, "Backpressure").
/// </summary>
internal sealed unsafe class OutputPipe : ITaggedOutputSink, IDisposable
{
    private const int ReadSize = 16384;

    private readonly OutputChannel _channel;
    private readonly OutputTagger _tagger;
    private readonly Action _resume;
    private EventLoop? _loop;
    private bool _paused;

    private OutputPipe(int readFd, int writeFd, OutputChannel channel, string name)
    {
        ReadFd = readFd;
        WriteFd = writeFd;
        _channel = channel;
        _tagger = new OutputTagger(name, this);
        _resume = Resume;
    }

    public int ReadFd { get; private set; }

    /// <summary>The end the service gets as its stdout or stderr; closed in tinyinit once it is spawned.</summary>
    public int WriteFd { get; private set; }

    /// <returns>The pipe, or null and errno.</returns>
    public static OutputPipe? Open(string name, OutputChannel channel, out Errno error)
    {
        int* fds = stackalloc int[2];
        error = 0;
        if (LibC.pipe2(fds, Sys.O_CLOEXEC) < 0)
        {
            error = Errors.Last();
            return null;
        }

        // Only tinyinit's end is non-blocking: the service writes as to any pipe.
        LibC.fcntl(fds[0], Sys.F_SETFL, Sys.O_NONBLOCK);
        return new OutputPipe(fds[0], fds[1], channel, name);
    }

    /// <summary>Reads the pipe whenever it has data and the channel has room; <paramref name="closed"/> runs at EOF.</summary>
    public void Attach(EventLoop loop, Action<OutputPipe> closed)
    {
        _loop = loop;
        _channel.OnResume(_resume);
        loop.Watch(ReadFd, Sys.EPOLLIN, _ =>
        {
            if (!ReadOnce())
                closed(this);
        });
    }

    public void CloseWriteEnd()
    {
        if (WriteFd >= 0)
        {
            LibC.close(WriteFd);
            WriteFd = -1;
        }
    }

    /// <summary>
    /// Reads one buffer and passes its complete lines on. One buffer per turn, not until EAGAIN: a
    /// service that writes faster than tinyinit tags would otherwise hold the loop here; epoll is
    /// level-triggered and reports the pipe again.
    /// </summary>
    /// <returns>False once every writer has closed the pipe (the last line has then been passed on).</returns>
    public bool ReadOnce()
    {
        if (ReadFd < 0)
            return false;
        if (_channel.IsBackedUp)
        {
            Pause();
            return true;
        }

        byte* buffer = stackalloc byte[ReadSize];
        nint n;
        while ((n = (nint)LibC.read(ReadFd, buffer, ReadSize)) < 0 && Errors.Last() == Errno.EINTR)
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

    /// <summary>At exit: passes on what the pipe still holds, up to a limit in case a writer lives on.</summary>
    public void DrainRemaining(int maxBytes)
    {
        for (int read = 0; read < maxBytes && !_channel.IsBackedUp; read += ReadSize)
        {
            if (!ReadOnce() || !HasData())
                return;
        }
    }

    private bool HasData()
    {
        int queued;
        return ReadFd >= 0 && LibC.ioctl(ReadFd, Sys.FIONREAD, &queued) == 0 && queued > 0;
    }

    private void Pause()
    {
        if (_paused || _loop is null)
            return;
        _paused = true;
        _loop.Change(ReadFd, 0);
    }

    private void Resume()
    {
        if (!_paused || ReadFd < 0)
            return;
        _paused = false;
        _loop!.Change(ReadFd, Sys.EPOLLIN);
    }

    void ITaggedOutputSink.Write(ReadOnlySpan<byte> chunk) => _channel.Write(chunk, droppable: false);

    public void Dispose()
    {
        CloseWriteEnd();
        if (ReadFd >= 0)
        {
            _loop?.Unwatch(ReadFd);
            _channel.StopResuming(_resume);
            _tagger.Flush();
            LibC.close(ReadFd);
            ReadFd = -1;
        }
    }
}

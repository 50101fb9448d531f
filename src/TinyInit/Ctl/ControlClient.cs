using System;
using TinyInit.Interop;

namespace TinyInit.Ctl;

/// <summary>
/// The client's end of the control socket: connect, send the request line, read the answer line by
/// line. Blocking calls: this is a short-lived command, not the init, and nothing else waits on it.
/// </summary>
internal sealed unsafe class ControlClient : IDisposable
{
    /// <summary>A longer answer line means the other end is not tinyinit.</summary>
    private const int MaxLine = 1 << 20;

    private int _fd;
    private byte[] _buffer = new byte[65536];
    private int _start;
    private int _end;

    private ControlClient(int fd) => _fd = fd;

    /// <returns>The connection, or null and one line saying why.</returns>
    public static ControlClient? Connect(string path, out string? error)
    {
        error = null;
        if (!Sys.sockaddr_un.TryCreate(path, out Sys.sockaddr_un address))
        {
            error = $"'{path}' cannot be a socket path (1 to {Sys.SunPathLength - 1} bytes)";
            return null;
        }

        int fd = Tmds.Linux.LibC.socket(Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            error = $"socket: {Errors.Describe(Errors.Last())}";
            return null;
        }

        int rc;
        while ((rc = Tmds.Linux.LibC.connect(fd, (Tmds.Linux.sockaddr*)&address, (uint)sizeof(Sys.sockaddr_un))) < 0 && Errors.Last() == Errno.EINTR)
        {
        }

        if (rc == 0)
            return new ControlClient(fd);
        Errno connectError = Errors.Last();
        Tmds.Linux.LibC.close(fd);
        error = $"cannot connect to {path}: {Errors.Describe(connectError)}" + connectError switch
        {
            Errno.ENOENT => " (is tinyinit running with --control at that path?)",
            Errno.ECONNREFUSED => " (nobody listens on it: tinyinit has exited?)",
            Errno.EACCES => " (the socket is for root and tinyinit's own user)",
            _ => "",
        };
        return null;
    }

    /// <returns>Whether all of it was sent.</returns>
    public bool Send(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            int sent = 0;
            while (sent < bytes.Length)
            {
                nint n = (nint)Tmds.Linux.LibC.send(_fd, start + sent, (Tmds.Linux.size_t)(bytes.Length - sent), Sys.MSG_NOSIGNAL);
                if (n < 0 && Errors.Last() == Errno.EINTR)
                    continue;
                if (n <= 0)
                    return false;
                sent += (int)n;
            }
        }

        return true;
    }

    /// <summary>After <see cref="TryReadLine"/> returned false: whether nothing was left unread (no torn last line).</summary>
    public bool EndedCleanly => _start == _end;

    /// <summary>After <see cref="TryReadLine"/> returned false: whether a line was longer than the client takes.</summary>
    public bool LineTooLong { get; private set; }

    /// <summary>Whether a whole line has been read already: <see cref="TryReadLine"/> will not wait.</summary>
    public bool HasLine => _buffer.AsSpan(_start, _end - _start).Contains((byte)'\n');

    /// <summary>The next answer line, without its newline.</summary>
    /// <returns>False at the end of the answer (EOF, or a reset once tinyinit has closed); a torn last line is not returned.</returns>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        line = default;
        int searched = _start;
        while (true)
        {
            int newline = _buffer.AsSpan(searched, _end - searched).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = _buffer.AsSpan(_start, searched + newline - _start);
                _start = searched + newline + 1;
                return true;
            }

            searched = _end;
            if (!Fill(ref searched))
                return false;
        }
    }

    /// <summary>Reads more, keeping the unread part; <paramref name="searched"/> moves with it.</summary>
    private bool Fill(ref int searched)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            searched -= _start;
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLine)
            {
                LineTooLong = true;
                return false;
            }
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        nint n;
        fixed (byte* buffer = _buffer)
        {
            while ((n = (nint)Tmds.Linux.LibC.read(_fd, buffer + _end, (Tmds.Linux.size_t)(_buffer.Length - _end))) < 0 && Errors.Last() == Errno.EINTR)
            {
            }
        }

        // ECONNRESET: tinyinit closed with a request byte unread (unix(7)); what it sent was read first.
        if (n <= 0)
            return false;
        _end += (int)n;
        return true;
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Tmds.Linux.LibC.close(_fd);
            _fd = -1;
        }
    }
}
